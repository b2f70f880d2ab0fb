"""A row's card on its step page, drawn in Python.

{% load cards %}
{% row_card kind row details %}

Level pages show up to 25 cards a list, and a card is the same few elements every
time. Through the template engine a list of 25 entity cards cost 3.4 ms (some 40
variable lookups a card, each escaped); written once here with `format_html`, 1.8 ms
with the list around it. Everything from the plan is escaped by `format_html`.

The card reads from the template's context what the page decides: `can_edit` (the
edit and delete buttons), `rows_url` (the prefix of every row URL), `comment_url`,
`row_error` (a refused delete) and the CSRF token of the delete form.
"""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines

register = template.Library()

BUTTONS = """
      <div class="d-flex gap-1 flex-shrink-0">
        <a class="btn btn-sm btn-outline-primary" href="{url}" hx-get="{url}" hx-target="#{id}" hx-swap="outerHTML">Edit<span class="visually-hidden"> {name}</span></a>
        <form method="post" action="{url}delete/" hx-post="{url}delete/" hx-target="#{id}" hx-swap="outerHTML" hx-confirm="Delete {noun} “{name}”?">
          <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}"><button class="btn btn-sm btn-outline-danger" type="submit">Delete<span class="visually-hidden"> {name}</span></button>
        </form>
      </div>"""  # noqa: E501

CARD = """<article id="{id}" class="card row-card mb-2">
  <div class="card-body py-2">
    <div class="d-flex justify-content-between align-items-start gap-2">
      <h4 class="h6 mb-1">{name}</h4>{buttons}
    </div>
    {comment}{error}{details}
  </div>
</article>
"""


@register.simple_tag(takes_context=True)
def row_card(context, kind, row, details) -> SafeString:
    name, dom_id = str(row), f"{kind.key}-{row.pk}"
    buttons = comment = error = dl = ""
    if context.get("can_edit"):
        buttons = format_html(
            BUTTONS,
            url=f"{context.get('rows_url', '')}{kind.key}/{row.pk}/",
            id=dom_id,
            name=name,
            noun=kind.noun,
            csrf=context.get("csrf_token") or "",
        )
    if context.get("comment_url"):
        comment = format_html(
            '<a class="small" href="{}?on=row:{}:{}">Comment<span class="visually-hidden">'
            " on {}</span></a>",
            context["comment_url"],
            kind.key,
            row.pk,
            name,
        )
    if context.get("row_error"):
        error = format_html(
            '<div class="alert alert-danger py-1 px-2 small mb-1" role="alert">{}</div>',
            context["row_error"],
        )
    if details:
        pairs = ((label, _lines(text)) for label, text in details)
        dl = format_html(
            '\n    <dl class="row-details small mb-0">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", pairs),
        )
    return format_html(
        CARD, id=dom_id, name=name, buttons=buttons, comment=comment, error=error, details=dl
    )


def _lines(text: str) -> SafeString:
    """The text escaped, its line breaks kept: the `linebreaksbr` filter."""
    return mark_safe(escape(normalize_newlines(text)).replace("\n", "<br>"))  # noqa: S308
