// Menus are <details class="menu"> elements and work without this file. It closes an
// open menu when the user presses Escape (focus returns to the menu's button), clicks
// elsewhere, or opens another menu.
"use strict";

function closeMenus(except) {
  for (const menu of document.querySelectorAll("details.menu[open]")) {
    if (menu !== except) menu.open = false;
  }
}

document.addEventListener("click", (event) => {
  closeMenus(event.target.closest("details.menu"));
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const menu = event.target.closest("details.menu[open]");
  closeMenus(null);
  if (menu) menu.querySelector("summary").focus();
});
