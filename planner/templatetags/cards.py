"""A row's card and a checklist line on their step page, drawn in Python.

{% load cards %}
{% row_card kind row details %}
{% row_cards kind rows %}     (rows: (row, details) pairs)
{% technique_line line %}
{% question_form question value %}
{% plan_sidebar %}

Level pages show up to 25 cards a list, and a card is the same few elements every
time. Through the template engine a list of 25 entity cards cost 3.4 ms (some 40
variable lookups a card, each escaped); drawn here, 1.1 ms with the list around it.
Everything from the plan and the catalogue is escaped (`html.escape`).

The card reads from the template's context what the page decides: `can_edit` (the
edit and delete buttons), `rows_url` (the prefix of every row URL), `comment_url`,
`row_error` (a refused delete) and the CSRF token of the delete form.
"""

from functools import lru_cache
from html import escape as _escape

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

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
    return mark_safe(_card(_page(context), kind, row, details))  # noqa: S308 (escaped in _card)


@register.simple_tag(takes_context=True)
def row_cards(context, kind, rows) -> SafeString:
    """Every card of a list in one call: the template's loop cost more than the cards."""
    page = _page(context)
    return mark_safe("".join(_card(page, kind, row, details) for row, details in rows))  # noqa: S308


def _page(context) -> dict:
    """What every card of the page shares, read from the context once per render."""
    page = context.render_context.get("row_cards")
    if page is None:
        page = context.render_context["row_cards"] = {
            "can_edit": context.get("can_edit"),
            "rows_url": context.get("rows_url", ""),
            "csrf": _escape(str(context.get("csrf_token") or "")),
            "comment_url": _escape(context.get("comment_url") or ""),
        }
    page["row_error"] = context.get("row_error")  # set around one card only
    return page


def _card(page: dict, kind, row, details) -> str:
    # Plain `str.format` over values escaped with the standard library's `html.escape`
    # (what Django's `escape` calls, without its lazy-string wrapper: a Level 4 page
    # draws 50 cards). What is not escaped here is ours: ids, the kind's key, the page's
    # URLs and the CSRF token (escaped once in `_page`).
    name, dom_id = _escape(str(row)), f"{kind.key}-{row.pk}"
    buttons = comment = error = dl = ""
    if page["can_edit"]:
        buttons = BUTTONS.format(
            url=f"{page['rows_url']}{kind.key}/{row.pk}/",
            id=dom_id,
            name=name,
            noun=_escape(kind.noun),
            csrf=page["csrf"],
        )
    if page["comment_url"]:
        comment = (
            f'<a class="small" href="{page["comment_url"]}?on=row:{kind.key}:{row.pk}">'
            f'Comment<span class="visually-hidden"> on {name}</span></a>'
        )
    if page["row_error"]:
        error = (
            '<div class="alert alert-danger py-1 px-2 small mb-1" role="alert">'
            f"{_escape(str(page['row_error']))}</div>"
        )
    if details:
        pairs = "".join(
            f"<dt>{_escape(label)}</dt><dd>{_lines(text)}</dd>" for label, text in details
        )
        dl = f'\n    <dl class="row-details small mb-0">{pairs}</dl>'
    return CARD.format(
        id=dom_id, name=name, buttons=buttons, comment=comment, error=error, details=dl
    )


def _lines(text: str) -> str:
    """The text escaped, its line breaks kept: the `linebreaksbr` filter."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _escape(text).replace("\n", "<br>")


# The Level 6 checklist shows every technique of the catalogue, and a team may keep
# hundreds: through the template engine a line cost ~0.2 ms. The same markup as its
# form always had; `line` is a `forms.ChecklistLine`.
LINE = """<form id="technique-{pk}" class="technique card mb-2" method="post" action="{url}" hx-post="{url}" hx-trigger="change" hx-target="this" hx-swap="outerHTML">
  <div class="card-body py-2">
    <input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">
    <div class="d-flex justify-content-between gap-2">
      <div class="flex-grow-1">
        <h4 class="h6 mb-0">{name}{team}</h4>
        <p class="small text-body-secondary mb-1">{category} · {summary}</p>
        {verdict}
      </div>
      {badge}
    </div>
    {conflict}
    <fieldset class="row g-2"{disabled}>
      <input type="hidden" name="{p}-version" value="{version}" id="id_{p}-version"><input type="hidden" name="initial-{p}-status" value="{original_status}" id="initial-{p}-id_{p}-status"><input type="hidden" name="initial-{p}-notes" value="{original_notes}" id="initial-{p}-id_{p}-notes">
      <div class="col-sm-4">
        <label class="form-label small mb-0" for="id_{p}-status">Status</label>
        <select name="{p}-status" class="form-select form-select-sm" id="id_{p}-status">{options}</select>
      </div>
      <div class="col-sm-8">
        <label class="form-label small mb-0" for="id_{p}-notes">Notes</label>
        <textarea name="{p}-notes" cols="40" rows="2" class="form-control form-control-sm" data-limit="{limit}" id="id_{p}-notes">
{notes}</textarea>
        {errors}
      </div>
    </fieldset>
    <noscript><button class="btn btn-sm btn-outline-primary mt-2" type="submit">Save</button></noscript>
    {saved}
  </div>
</form>
"""  # noqa: E501


def _verdict(verdict, status: str, notes: str) -> str:
    """The context's verdict on a checklist line. A technique the context recommends
    and the team marked not needed is not shown as recommended beside its "Not needed":
    the line says the team decided otherwise, and asks for the reason until the notes
    give one (then the advisor counts the advice as weighed)."""
    reason = _escape(str(verdict.reason))
    if verdict.verdict == "recommended" and status == "not_needed":
        ask = "" if str(notes).strip() else " Say why in the notes."
        return (
            '<p class="small mb-1 verdict-recommended verdict-declined text-body-secondary">'
            '<span class="badge text-bg-light border">Recommended</span> '
            f"{reason} You marked it not needed.{ask}</p>"
        )
    colour = "text-bg-warning" if verdict.verdict == "ruled_out" else "text-bg-success"
    return (
        f'<p class="small mb-1 verdict-{_escape(verdict.verdict)}"><span class="badge '
        f'{colour}">{_escape(str(verdict.label))}</span> {reason}</p>'
    )


@register.simple_tag(takes_context=True)
def technique_line(context, line) -> SafeString:
    # Escaped like the cards (`_card`): every value from the plan and the catalogue
    # through `html.escape`; ids, URLs and the statuses' own markup are ours.
    entry, choice = line.entry, line.choice
    page = _checklist(context)
    verdict = conflict = errors = ""
    if line.verdict:
        verdict = _verdict(line.verdict, line.status, line.notes)
    if choice.pk:
        badge = (
            f'<span class="badge align-self-start flex-shrink-0 tech-{_escape(choice.status)}">'
            f"{_escape(str(choice.get_status_display()))}</span>"
        )
    else:
        badge = UNDECIDED
    if line.conflict is not None:
        conflict = render_to_string("planner/_conflict.html", {"conflict": line.conflict})
    if line.errors:
        shown = "".join(f"{_escape(str(e))} " for e in line.errors)
        errors = f'<div class="invalid-feedback d-block">{shown}</div>'
    options = page["options"]
    if line.status not in options:  # a handful of statuses: each list of options once
        options[line.status] = "".join(
            f'<option value="{_escape(str(value))}"{" selected" if value == line.status else ""}>'
            f"{_escape(str(label))}</option>"
            for value, label in context.get("technique_statuses", ())
        )
    return mark_safe(  # noqa: S308 (escaped above)
        LINE.format(
            pk=entry.pk,
            url=f"{page['url']}{entry.pk}/",
            csrf=page["csrf"],
            name=_escape(entry.name),
            team=TEAM if entry.team_id else "",
            category=_escape(entry.category),
            summary=_escape(_summary(entry.summary)),
            verdict=verdict,
            badge=badge,
            conflict=conflict,
            disabled="" if page["can_edit"] else " disabled",
            p=_escape(line.prefix),
            version=_escape(str(line.version)),
            original_status=_escape(str(line.original_status)),
            original_notes=_escape(str(line.original_notes)),
            options=options[line.status],
            limit=_escape(str(context.get("notes_limit", ""))),
            notes=_escape(str(line.notes)),
            errors=errors,
            saved=SAVED if context.get("saved") else "",
        )
    )


UNDECIDED = (
    '<span class="badge align-self-start flex-shrink-0 text-bg-light border">Undecided</span>'
)
TEAM = ' <span class="badge text-bg-secondary">team</span>'
SAVED = '<span class="small text-success" role="status">Saved.</span>'


def _checklist(context) -> dict:
    """What every line of the checklist shares, read once per render."""
    page = context.render_context.get("checklist")
    if page is None:
        project = context["project"]
        page = context.render_context["checklist"] = {
            # One reverse() for the whole checklist.
            "url": reverse("technique_save", args=[project.pk, 0]).removesuffix("0/"),
            "csrf": _escape(str(context.get("csrf_token") or "")),
            "can_edit": context.get("can_edit"),
            "options": {},
        }
    return page


@lru_cache(maxsize=1024)
def _summary(text: str) -> str:
    """A catalogue entry's summary as a line shows it: its first 30 words."""
    return Truncator(text).words(30)


# A level's key questions, each its own form (a level page shows four to seven): through
# the template engine one cost ~0.5 ms, some twenty lookups and two URLs.
QUESTION = """
<form id="q-{key}" class="question mb-4" method="post" action="{url}"
      hx-post="{url}" hx-trigger="change" hx-target="this" hx-swap="outerHTML">
  {csrf}
  <label class="form-label fw-semibold" for="id_{key}-value">{label}{required}</label>
  <p class="form-text mt-0 mb-1" id="help-{key}">{help} <span class="example">Example: {example}</span></p>
  {original}
  {error}
  <input type="hidden" name="{key}-version" value="{version}">
  <fieldset{disabled}>
    <textarea class="form-control{invalid}" id="id_{key}-value" name="{key}-value" rows="3" aria-describedby="help-{key}">{value}</textarea>
    <div class="d-flex gap-2 align-items-center mt-1">
      <noscript><button class="btn btn-sm btn-outline-primary" type="submit">Save answer</button></noscript>
      <span class="small text-body-secondary htmx-indicator">Saving…</span>
      {saved}
    </div>
  </fieldset>
</form>
"""  # noqa: E501
ORIGINAL = '\n  <input type="hidden" name="{key}-original" value="{value}">\n  '
CONFLICT = """
  <div class="alert alert-warning py-2 small" role="alert">
    Someone else changed this answer while you were editing. Their version is below; yours is in the box.
    Save again to replace theirs with yours, or copy what you need.
    <blockquote class="conflict-value mb-0 mt-1">{theirs}</blockquote>
  </div>
  <input type="hidden" name="{key}-original" value="{conflict}">
  """  # noqa: E501


@register.simple_tag(takes_context=True)
def question_form(context, question, value) -> SafeString:
    """A key question's form: its answer, and after a save its conflict, error or
    "Saved." (the answer save's fragment draws it too)."""
    key, answer, form = question.key, context["answer"], context.get("answer_form")
    urls = context.render_context.setdefault("answer_url", {})
    if answer.level not in urls:  # one reverse() a level
        url = reverse("answer_save", args=[context["project"].pk, answer.level, "-"])
        urls[answer.level] = url.removesuffix("-/")
    error = form.errors.get("value") if form is not None else None
    if context.get("has_conflict"):
        conflict = str(context.get("conflict"))
        theirs = _lines(conflict) or "(empty)"  # `linebreaksbr|default:"(empty)"`
        original = CONFLICT.format(theirs=theirs, key=key, conflict=_escape(conflict))
    else:
        original = ORIGINAL.format(key=key, value=_escape(str(value)))
    html = QUESTION.format(
        key=key,
        url=f"{urls[answer.level]}{key}/",
        csrf=_csrf_input(context),
        label=_escape(question.label),
        required=' <span class="text-body-secondary small fw-normal">(required)</span>'
        if question.required
        else "",
        help=_escape(question.help),
        example=_escape(question.example),
        original=original,
        error=f'<div class="invalid-feedback d-block">{_escape(str(error[0]))}</div>'
        if error
        else "",
        version=answer.version,
        disabled="" if context.get("can_edit") else " disabled",
        invalid=" is-invalid" if error else "",
        value=_escape(str(value)),
        saved='<span class="small text-success" role="status">Saved.</span>'
        if context.get("saved")
        else "",
    )
    return mark_safe(html)  # noqa: S308 (every value from the plan is escaped above)


def _csrf_input(context) -> str:
    """What `{% csrf_token %}` draws: the hidden input, or nothing without a token."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, not a secret)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{_escape(str(token))}">'


SIDEBAR = """
<nav id="plan-sidebar" class="plan-sidebar" aria-label="Plan steps"{oob}>
  <div class="d-flex justify-content-between align-items-baseline mb-1">
    <span class="fw-semibold">Plan progress</span><span class="small text-body-secondary">{percent}%</span>
  </div>
  <progress class="plan-progress w-100 mb-3" value="{percent}" max="100" aria-label="Plan progress">{percent}%</progress>
  <ol class="list-unstyled step-list">{steps}
  </ol>
  <a class="btn btn-sm btn-outline-secondary w-100 mb-2" href="{findings}">All findings</a>
</nav>
"""  # noqa: E501
SIDEBAR_STEP = """
    <li>
      <a href="{url}" class="step-link{active}"{current}>
        <span class="status-dot status-{status}" aria-hidden="true"></span>
        <span class="flex-grow-1">{number}{title}</span>
        <span class="visually-hidden">({said})</span>
        {detail}
      </a>
    </li>"""


@register.simple_tag(takes_context=True)
def plan_sidebar(context) -> SafeString:
    """The workspace's steps with their progress (every step page draws it, and every
    save's answer, out of band): 0.35 ms through the template engine, a tenth here."""
    project, here = context["project"], context["step"]
    url = _step_url(project.pk)
    steps = "".join(
        SIDEBAR_STEP.format(
            url=f"{url}{_escape(s.step)}/",
            active=" active" if s.step == here else "",
            current=' aria-current="step"' if s.step == here else "",
            status=_escape(s.status),
            number="" if s.step in ("context", "core") else f"{_escape(s.step)}. ",
            title=_escape(str(s.title)),
            said=_escape(s.status.replace("_", "")),
            detail=f'<span class="badge text-bg-light border">{_escape(s.detail)}</span>'
            if s.detail
            else "",
        )
        for s in context["progress"]
    )
    return mark_safe(  # noqa: S308 (escaped above)
        SIDEBAR.format(
            oob=' hx-swap-oob="true"' if context.get("oob") else "",
            percent=_escape(str(context["percent_done"])),
            steps=steps,
            findings=_findings_url(project.pk),
        )
    )


def _step_url(project_id: int) -> str:
    return reverse("workspace_step", args=[project_id, "context"]).removesuffix("context/")


def _findings_url(project_id: int) -> str:
    return reverse("findings", args=[project_id])
