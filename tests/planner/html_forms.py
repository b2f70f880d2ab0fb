"""What a browser would submit from a form in a page: its fields as a person left them."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None
        self.option: str | None = None

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self.data.setdefault(attrs["name"], [])
            elif kind not in ("submit", "button"):
                self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            # Browsers drop the newline that follows <textarea>, as Django writes it.
            text = self.data[self.textarea][-1]
            self.data[self.textarea][-1] = text.removeprefix("\r\n").removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """The fields of the form with `form_id`, each as the list of values it submits."""
    parser = _FormParser(form_id)
    parser.feed(html)
    assert parser.data, f"no form #{form_id} in the page"
    return parser.data


def submit(fields: dict[str, list[str]], **changes) -> dict[str, list[str]]:
    """The form's fields with some changed, as a person would; keys are field names
    without their `prefix-` (pass `prefix=` when the form has one)."""
    prefix = changes.pop("prefix", "")
    data = {name: list(values) for name, values in fields.items()}
    for name, value in changes.items():
        data[f"{prefix}-{name}" if prefix else name] = (
            [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )
    return data
