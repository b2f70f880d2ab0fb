from contextlib import nullcontext
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap

from accounts.models import Role
from accounts.teams import current_team, user_memberships
from planner import activity, comments, context_filter, milestones, registry, services
from planner import forms as plan_forms
from planner.access import ROLE_MESSAGES, project_view
from planner.advisor import SEVERITIES
from planner.advisor.words import context_line
from planner.diagrams import step_diagrams
from planner.examples import example_list
from planner.finding_forms import DismissForm
from planner.levels import CORE_QUESTIONS, LEVELS, level
from planner.models import (
    Activity,
    CatalogueEntry,
    Context,
    CoreQuestion,
    CoreQuestionKey,
    Project,
    TechniqueChoice,
)
from planner.page_cache import page_cached
from planner.plan_rows import kept_plan_rows, step_parts
from planner.registry import STEP_TITLES, STEPS
from planner.rows import ROW_KINDS, RowKind
from planner.versioning import StaleVersion, save_versioned, stale_merge
from planner.what_if_forms import panel_form
from planner.workspace import (
    LEVEL_ROWS,
    Plan,
    decision_source_rows,
    evidence_anchor,
    evidence_anchors,
    load_plan,
    percent_done,
    row_get,
    step_neighbours,
)

INVALID, CONFLICT = 422, 409  # htmx is configured (base.html) to swap both
ROLE_MESSAGE = ROLE_MESSAGES[Role.EDITOR]
PANEL_FINDINGS = 10  # the advisor beside a step shows at most this many findings


# --- Dashboard and projects -------------------------------------------------------


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Loaded once for the team, the role and the navigation (accounts.context_processors).
    request.memberships = list(user_memberships(request.user))
    team = current_team(request, request.memberships)
    role = next((m.role for m in request.memberships if m.team == team), None)
    show_archived = request.GET.get("archived") == "1"
    projects = Project.objects.none()
    if team is not None:
        projects = team.projects.filter(archived=show_archived).order_by("-updated_at")
    return render(
        request,
        "planner/dashboard.html",
        {
            "team": team,
            "projects": projects,
            "show_archived": show_archived,
            "can_create": role in (Role.OWNER, Role.EDITOR),
            "examples": example_list(),
            "reviews_waiting": milestones.reviews_waiting(request.user, team),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    team = current_team(request)
    if team is None:
        raise Http404("You are not in a team.")
    if not team.membership_set.filter(
        user=request.user, role__in=[Role.OWNER, Role.EDITOR]
    ).exists():
        messages.error(request, f"Viewers of {team} cannot create projects.")
        return redirect("dashboard")
    form = plan_forms.ProjectForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(team=team, user=request.user, **form.cleaned_data)
        messages.success(request, f"Created “{project}”. Start with its context.")
        return redirect(project)
    return render(request, "planner/project_form.html", {"form": form, "team": team})


@project_view(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def project_settings(request: HttpRequest, project: Project) -> HttpResponse:
    form = plan_forms.ProjectForm(request.POST or None, instance=project)
    if request.method == "POST":
        if "archive" in request.POST:
            project.archived = request.POST["archive"] == "1"
            with transaction.atomic():
                project.save(update_fields=["archived", "updated_at"])
                activity.record(
                    project=project,
                    user=request.user,
                    summary=f"{'archived' if project.archived else 'restored'} the project",
                )
            messages.success(
                request, f"“{project}” {'archived' if project.archived else 'restored'}."
            )
            return redirect("dashboard")
        if form.is_valid():
            with transaction.atomic():
                form.save()
                activity.record(
                    project=project, user=request.user, summary=f"renamed the project “{project}”"
                )
            messages.success(request, "Project renamed.")
            return redirect("project_settings", project.pk)
    recent = project.activities.select_related("user")[:20]
    return render(
        request,
        "planner/project_settings.html",
        {"project": project, "form": form, "activity": recent},
    )


@project_view(Role.OWNER)
@require_http_methods(["GET", "POST"])
def project_delete(request: HttpRequest, project: Project) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != project.name:
            messages.error(request, "Type the project's exact name to delete it.")
            return render(
                request, "planner/project_delete.html", {"project": project}, status=INVALID
            )
        project.delete()
        messages.success(request, f"Deleted “{project.name}”.")
        return redirect("dashboard")
    return render(request, "planner/project_delete.html", {"project": project})


# --- The workspace ------------------------------------------------------------------


@project_view()
def workspace(request: HttpRequest, project: Project) -> HttpResponse:
    return redirect("workspace_step", project.pk, "context")


def step_context(request: HttpRequest, plan: Plan, step: str, **overrides) -> dict:
    """Everything the workspace template needs for one step."""
    # Levels 5 and 6 also read the context filter's verdicts (stored with the context step).
    steps = [step, "context"] if step in PICKER_STEPS else [step]
    if request.method == "POST":  # a save: the advisor reads the plan as it is now
        every = services.findings_refresh(plan)
        by_step = {s: services.panel_findings(every, s) for s in steps}
    else:
        by_step = services.steps_findings(plan, steps)
    findings = by_step[step]
    previous, following = step_neighbours(step)
    shown = [f for f in findings if f.status != "addressed"]
    progress = plan.progress()
    ctx = {
        "project": plan.project,
        "plan": plan,
        "step": step,
        "step_title": STEP_TITLES[step],
        "progress": progress,
        "percent_done": percent_done(progress),
        "previous": previous,
        "next": following,
        "previous_title": STEP_TITLES.get(previous),
        "next_title": STEP_TITLES.get(following),
        "step_titles": STEP_TITLES,
        "can_edit": request.membership.allows(Role.EDITOR),
        "is_owner": request.membership.allows(Role.OWNER),
        "rows_url": rows_url(plan.project),
        # Most severe open findings first; the findings page lists every one. What the
        # plan already addresses is only counted here.
        "findings": sorted(shown, key=lambda f: f.is_dismissed)[:PANEL_FINDINGS],
        "more_findings": max(0, len(shown) - PANEL_FINDINGS),
        "addressed_here": len(findings) - len(shown),
        "totals": plan.project.summary["findings"],
        # A callable: read only when the whole page renders, never for a save's fragments.
        "threads": partial(comments.step_threads, plan.project, step),
        "plan_version": activity.version_stamp(plan.project),
        "comment_url": reverse("thread_new", args=[plan.project.pk]),
    }
    if step == "context":
        ctx["form"] = plan_forms.ContextForm(instance=plan.context, project=plan.project)
    elif step == "core":
        ctx["core_forms"] = [
            (
                key,
                title,
                text,
                plan_forms.CoreQuestionForm(
                    instance=plan.core[key], project=plan.project, prefix=key
                ),
            )
            for key, title, text in CORE_QUESTIONS
        ]
    else:
        lv = level(step)
        answer = plan.levels[lv.number]
        ctx.update(
            level=lv,
            answer=answer,
            missing=plan.missing_for_completion(lv),
            skip_advice=[f for f in findings if f.level == step and f.kind == "skip_advice"],
            questions=[(q, answer.answers.get(q.key, "")) for q in lv.questions],
            sections=[
                row_section(plan, ROW_KINDS[k], show_all=overrides.get("show_all") == k)
                for k in LEVEL_ROWS[lv.number]
            ],
        )
        if lv.number == 6:
            ctx["technique_statuses"] = plan_forms.TECHNIQUE_STATUSES
            ctx["notes_limit"] = registry.ROW_KINDS["technique"].field("notes").limit
            if "technique" in plan.kinds:  # a saved line swapped alone loads no others
                ctx["checklist"] = technique_checklist(plan)
    ctx["diagrams"] = step_diagrams(step)
    ctx.update(overrides)
    if step in PICKER_STEPS:
        ctx["verdicts"] = context_filter.verdicts(by_step["context"])
        if ctx.get("checklist"):
            limit = None if ctx.get("show_all") == "technique" else PAGE_ROWS
            ctx["checklist_groups"], ctx["checklist_hidden"] = checklist_groups(
                ctx["checklist"], ctx["verdicts"], limit
            )
        if ctx.get("line"):
            ctx["line"].verdict = ctx["verdicts"].get(ctx["line"].entry.slug)
    return ctx


PICKER_STEPS = ("5", "6")  # the decision picker and the checklist


def checklist_groups(checklist: list, verdicts: dict, limit: int | None) -> tuple[list, int]:
    """The Level 6 checklist as the context filter sorts it, each line knowing its
    verdict: (key, heading, lines shown, lines in all) per group, and how many are not
    shown. Every line with a status (or a message) is shown, and the first `limit`
    undecided ones in that order; a team with hundreds of techniques of its own sees
    the rest behind "Show all", as a long list does."""
    out, undecided, hidden = [], 0, 0
    for key, heading, lines in context_filter.grouped(
        checklist, verdicts, lambda line: line.entry.slug
    ):
        shown = []
        for line, verdict in lines:
            line.verdict = verdict
            if line.status or line.errors or line.conflict is not None:
                shown.append(line)
            elif limit is None or undecided < limit:
                shown.append(line)
                undecided += 1
            else:
                hidden += 1
        out.append((key, heading, shown, len(lines)))
    return out, hidden


def related_sections(plan: Plan, changed: RowKind | None) -> list[dict]:
    """Other lists on the same step whose forms offer the changed rows as choices
    (relationships pick entities): they are refreshed out of band."""
    if changed is None or changed.key != "entity":
        return []
    section = row_section(plan, ROW_KINDS["relationship"])
    section["oob"] = True
    return [section]


def rows_url(project: Project) -> str:
    """The prefix of every row URL of the project; rows append "<kind>/<pk>/" to it.
    Long lists render hundreds of rows, and one reverse() beats one per link."""
    return reverse("row_add", args=[project.pk, "kind"]).removesuffix("kind/add/")


PAGE_ROWS = 25  # a list longer than this shows its first rows and a "show all" link


def step_plan(project: Project, step: str, *, lists: bool = True) -> Plan:
    """What a save answers with: the step's small parts and the rows its lists show
    (none without `lists`), from one read of the plan that the advisor then reads too
    (`kept_plan_rows`: only the parts changed since this process last read the plan,
    starting with those the step writes). A view that loads it *before* writing calls
    `plan.stale()` after the write."""
    parts = kept_plan_rows(project.pk, likely=step_parts(step))
    return load_plan(project, step if lists else "context", page_rows=PAGE_ROWS, parts=parts)


def row_section(plan: Plan, kind: RowKind, add_form=None, show_all: bool = False) -> dict:
    """A list as its step shows it: the first PAGE_ROWS rows unless `show_all` (the plan
    may hold only those), and how many there are in all."""
    total = plan.counts[kind.key]
    return {
        "kind": kind,
        # A callable, like `threads`: a save's fragments never show the list, so its rows
        # are not even read (`workspace.StepRows`).
        "rows": partial(row_cards, kind, plan.rows, show_all),
        "hidden": 0 if show_all else max(0, total - PAGE_ROWS),
        "total": total,
        "add_form": add_form,  # None: the form is fetched when "Add …" is opened
    }


def row_cards(kind: RowKind, rows: dict[str, list], show_all: bool) -> list[tuple]:
    """Each row shown with the (label, text) pairs its card shows."""
    shown = rows[kind.key] if show_all else rows[kind.key][:PAGE_ROWS]
    return [(row, kind.details(row)) for row in shown]


def row_form(project: Project, kind: RowKind, data=None, instance=None):
    extra = row_form_extra(project, kind)
    prefix = f"{kind.key}-{instance.pk}" if instance else f"add-{kind.key}"
    return kind.form(data, instance=instance, project=project, prefix=prefix, **extra)


def technique_checklist(plan: Plan) -> list[plan_forms.ChecklistLine]:
    chosen = {choice.entry_id: choice for choice in plan.rows["technique"]}
    # One unsaved stand-in for every line nobody has decided yet: a line reads only its
    # status, notes and version, and a team may keep hundreds of techniques.
    undecided = TechniqueChoice(version=0)
    return [
        plan_forms.ChecklistLine.of(entry, chosen.get(entry.pk) or undecided)
        for entry in plan.techniques
    ]


@project_view()
@page_cached
def workspace_step(request: HttpRequest, project: Project, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404("No such step.")
    show_all = request.GET.get("all", "")
    plan = load_plan(project, step, page_rows=PAGE_ROWS, show_all=show_all)
    return render(
        request, "planner/workspace.html", step_context(request, plan, step, show_all=show_all)
    )


def respond(
    request: HttpRequest, plan: Plan, step: str, fragment: str | None, status: int = 200, **extra
):
    """An HTMX save answers with its own fragment plus the sidebar and advisor, out of band.

    Without HTMX the browser gets the whole step page (with the form and its errors
    on failure), or a redirect back to the step after a success.
    """
    if not request.htmx:
        if status == 200:
            return redirect(
                reverse("workspace_step", args=[plan.project.pk, step]) + extra.get("anchor", "")
            )
        ctx = step_context(request, plan, step, **extra.get("page", {}))
        return render(request, "planner/workspace.html", ctx, status=status)
    ctx = step_context(request, plan, step, **extra.get("ctx", {}))
    ctx["oob"] = True
    html = render_to_string(f"planner/workspace.html#{fragment}", ctx, request) if fragment else ""
    for section in related_sections(plan, extra.get("changed")):
        html += render_to_string(
            "planner/workspace.html#rows", {**ctx, "section": section}, request
        )
    # The live diagram follows the save (a new image version), with the sidebar and
    # the advisor: one render.
    html += render_to_string("planner/workspace.html#panels", ctx, request)
    return HttpResponse(html, status=status)


def save_form(form, logged=None) -> bool:
    """Save a valid versioned form: refused (StaleVersion) if the row changed meanwhile.
    `logged(form)`, for an existing row without lists of references (`logs_along`),
    makes the log entry its statement writes too (`versioning.save_versioned`).

    Returns False, with the reason on the form, when the database refuses the row
    (someone saved one with the same name a moment ago); nothing is saved then.
    """
    instance = form.instance
    links = link_fields(form)
    fields = [n for n in form.Meta.fields if n not in links]
    fields += getattr(form, "instance_fields", [])
    # A row alone is one statement, atomic by itself. With lists of references the
    # writes go together, in a savepoint of their own; inside a caller's transaction a
    # savepoint keeps a refused row from spoiling it.
    try:
        with transaction.atomic() if links or connection.in_atomic_block else nullcontext():
            if instance.pk is None:
                form.save()
                return True
            version = form.cleaned_data.get("version") or 0
            save_versioned(instance, version, fields, logged(form) if logged else None)
            for name in links:
                chosen = form.cleaned_data[name]  # read already, to validate them
                linked = getattr(instance, name)
                # The row was read with its lists (`row_get`): only the difference is
                # written, one statement for what left and one for what joined.
                before = {row.pk for row in linked.all()}
                after = {row.pk for row in chosen}
                if before - after:
                    linked.remove(*(before - after))
                if after - before:
                    linked.add(*(after - before))
                # What the card and the activity entry show (`rows.field_text`).
                names = getattr(instance, "linked_names", {})
                instance.linked_names = {**names, name: [str(row) for row in chosen]}
    except IntegrityError:
        form.add_error(
            None, "Someone saved a row with the same name a moment ago. Nothing was saved."
        )
        return False
    return True


def link_fields(form) -> list[str]:
    """The form's lists of references (many-to-many fields)."""
    return [n for n in form.Meta.fields if form.instance._meta.get_field(n).many_to_many]


def logs_along(form) -> bool:
    """Whether the row's write can carry its log entry (`save_form`'s `logged`): an
    existing row without lists of references (`save_versioned` writes both, in one
    statement on PostgreSQL)."""
    return form.instance.pk is not None and not link_fields(form)


MERGE_ATTEMPTS = 3


def save_merging(form, write=save_form, **form_kwargs) -> tuple:
    """Save a valid versioned form with `write`; a save made from an older version is
    merged with what others saved meanwhile (`versioning.stale_merge`) and goes through
    when no field conflicts.

    Returns the form to show and the status: 200 saved, 409 when both people changed
    the same field (`form.conflict` lists only those), 422 invalid. Raises
    StaleVersion(None) when the row was deleted meanwhile.
    """
    for _ in range(MERGE_ATTEMPTS):
        try:
            return form, 200 if write(form) else INVALID
        except StaleVersion as stale:
            if stale.current is None:
                raise
            form = stale_merge(form, stale.current, **form_kwargs)
            if not form.is_valid():
                return form, INVALID
            if form.conflict:
                return form, CONFLICT
    return form, CONFLICT  # others kept saving meanwhile: the person looks and saves again


def save_recorded(request: HttpRequest, project: Project, form, write=save_form, **where) -> tuple:
    """Validate the bound form, then `save_merging` and the activity entry (with the fields
    the save changed) together: with the row's own write where `logs_along` (one
    statement on PostgreSQL), otherwise in one transaction. The row is read for "before"
    ahead of validation, which writes the submitted values into it."""
    before = activity.snapshot(form.instance, activity.form_fields(form))
    if not form.is_valid():
        return form, INVALID
    form_kwargs = where.pop("form_kwargs", {})

    def logged(form) -> Activity:
        after = activity.snapshot(form.instance, activity.form_fields(form))
        changes = activity.diff(before, after)
        details = {"target": str(form.instance), **where}
        return activity.entry(project=project, user=request.user, changes=changes, **details)

    if write is save_form and logs_along(form):
        return save_merging(form, partial(save_form, logged=logged), project=project, **form_kwargs)
    with transaction.atomic():
        form, status = save_merging(form, write, project=project, **form_kwargs)
        if status == 200:
            activity.write(logged(form))
    return form, status


@project_view(Role.EDITOR)
@require_POST
def context_save(request: HttpRequest, project: Project) -> HttpResponse:
    context, _ = Context.objects.get_or_create(project=project)
    context.project = project  # its name is the activity's target: not read again
    form = plan_forms.ContextForm(request.POST, instance=context, project=project)
    form, status = save_recorded(
        request, project, form, summary="edited the context", step="context", target="Context"
    )
    if status == 200:
        form = plan_forms.ContextForm(instance=form.instance, project=project)
        form.saved = True
    plan = step_plan(project, "context")
    return respond(
        request, plan, "context", "context-form", status, ctx={"form": form}, page={"form": form}
    )


@project_view(Role.EDITOR)
@require_POST
def answer_save(request: HttpRequest, project: Project, number: int, key: str) -> HttpResponse:
    lv = level(number) if 1 <= number <= len(LEVELS) else None
    question = next((q for q in lv.questions if q.key == key), None) if lv else None
    if question is None:
        raise Http404("No such question.")
    form = plan_forms.AnswerForm(request.POST, prefix=key)
    status, conflict = 200, None
    if form.is_valid():
        try:
            services.level_answer_save(
                project=project, level=lv, key=key, user=request.user, **form.cleaned_data
            )
        except StaleVersion as stale:
            status, conflict = CONFLICT, stale.current.answers.get(key, "")
    else:
        status = INVALID
    plan = step_plan(project, str(number))
    ctx = {
        "question": question,
        "value": form.data.get(form.add_prefix("value"), ""),
        "answer": plan.levels[lv.number],
        "answer_form": form,
        "conflict": conflict,
        "has_conflict": conflict is not None,
        "saved": status == 200,
    }
    return respond(request, plan, str(number), "question", status, ctx=ctx, anchor=f"#q-{key}")


@project_view(Role.EDITOR)
@require_POST
def level_status(request: HttpRequest, project: Project, number: int) -> HttpResponse:
    if not 1 <= number <= len(LEVELS):
        raise Http404("No such level.")
    lv = level(number)
    plan = step_plan(project, str(number))
    form = plan_forms.StatusForm(request.POST, level=lv)
    if form.is_valid():
        missing = (
            plan.missing_for_completion(lv) if form.cleaned_data["action"] == "complete" else []
        )
        if missing:
            form.add_error(
                None, "Before this level is complete it needs " + "; ".join(missing) + "."
            )
        else:
            plan.levels[lv.number] = services.level_status_set(
                project=project,
                level=lv,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["skip_reason"],
                user=request.user,
            )
            plan.stale()
            return respond(request, plan, str(number), "level-status")
    return respond(
        request,
        plan,
        str(number),
        "level-status",
        INVALID,
        ctx={"status_form": form},
        page={"status_form": form},
    )


# --- Rows: add, edit, delete in place -----------------------------------------------


def row_kind(kind: str) -> RowKind:
    if kind not in ROW_KINDS:
        raise Http404("No such kind of row.")
    return ROW_KINDS[kind]


@project_view(Role.EDITOR)
@require_http_methods(["GET", "POST"])
def row_add(request: HttpRequest, project: Project, kind: str) -> HttpResponse:
    """GET: the add form (loaded when someone opens "Add …", so step pages don't render
    big forms nobody asked for). POST: add the row and return its refreshed list."""
    kind = row_kind(kind)
    if request.method == "GET":
        ctx = {
            "kind": kind,
            "project": project,
            "add_form": row_form(project, kind),
            "rows_url": rows_url(project),
        }
        template = "planner/workspace.html#add-form" if request.htmx else "planner/row_form.html"
        return render(request, template, ctx)
    form = row_form(project, kind, request.POST)
    if form.is_valid():
        form.instance.project = project
    if not form.is_valid() or not row_add_recorded(request, project, kind, form):
        plan = step_plan(project, str(kind.level))
        section = row_section(plan, kind, add_form=form)
        return respond(
            request,
            plan,
            str(kind.level),
            "rows",
            INVALID,
            ctx={"section": section},
            page={"sections": replace_section(plan, kind, section)},
        )
    plan = step_plan(project, str(kind.level))
    return respond(
        request,
        plan,
        str(kind.level),
        "rows",
        ctx={"section": row_section(plan, kind)},
        anchor=f"#{kind.key}-{form.instance.pk}",
        changed=kind,
    )


def row_add_recorded(request: HttpRequest, project: Project, kind: RowKind, form) -> bool:
    """Add the row, start its level and log it (every field it has) in one transaction."""
    with transaction.atomic():
        if not save_form(form):
            return False
        services.level_touch(project=project, level_number=kind.level)
        activity.record(
            project=project,
            user=request.user,
            summary=f"added {kind.noun} “{form.instance}”",
            step=str(kind.level),
            target=str(form.instance),
            changes=activity.diff({}, activity.snapshot(form.instance, activity.form_fields(form))),
        )
    return True


def replace_section(plan: Plan, kind: RowKind, section: dict) -> list[dict]:
    return [
        section if key == kind.key else row_section(plan, ROW_KINDS[key])
        for key in LEVEL_ROWS[kind.level]
    ]


@project_view()
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, project: Project, kind: str, pk: int) -> HttpResponse:
    kind = row_kind(kind)
    row = row_get(project, kind.key, pk)
    if row is None:
        raise Http404("That row no longer exists.")
    if request.method == "GET":
        if request.GET.get("cancel") and request.htmx:
            return render(
                request,
                "planner/workspace.html#row",
                {
                    "kind": kind,
                    "row": row,
                    "details": kind.details(row),
                    "project": project,
                    "can_edit": True,
                },
            )
        form = row_form(project, kind, instance=row)
        template = "planner/workspace.html#row-form" if request.htmx else "planner/row_form.html"
        return render(
            request, template, {"kind": kind, "row": row, "form": form, "project": project}
        )
    if not request.membership.allows(Role.EDITOR):
        raise PermissionDenied(ROLE_MESSAGE)
    form = row_form(project, kind, request.POST, instance=row)
    try:
        form, status = save_recorded(
            request,
            project,
            form,
            summary=f"edited {kind.noun}",
            step=str(kind.level),
            form_kwargs=row_form_extra(project, kind),
        )
    except StaleVersion:
        messages.error(
            request, f"Someone deleted this {kind.noun} meanwhile; your changes were not saved."
        )
        raise Http404("Deleted meanwhile.") from None
    if status != 200:
        if request.htmx:
            html = render_to_string(
                "planner/workspace.html#row-form",
                {"kind": kind, "row": row, "form": form, "project": project},
                request,
            )
            return HttpResponse(html, status=status)
        return render(
            request,
            "planner/row_form.html",
            {"kind": kind, "row": row, "form": form, "project": project},
            status=status,
        )
    plan = step_plan(project, str(kind.level))
    # The card is drawn from the row as saved: the form holds the rows it names (and
    # `save_form` their lists' names). A decision's card also names the answer that
    # revealed it, read with the row.
    row = form.instance if kind.key != "decision" else row_get(project, kind.key, pk)
    return respond(
        request,
        plan,
        str(kind.level),
        "row",
        ctx={"kind": kind, "row": row, "details": kind.details(row)},
        changed=kind,
        anchor=f"#{kind.key}-{pk}",
    )


def row_form_extra(project: Project, kind: RowKind) -> dict:
    if kind.key != "decision":
        return {}
    return {
        "sources": plan_forms.decision_sources(decision_source_rows(project)),
        "verdicts": context_filter.verdicts(services.context_findings(project)),
    }


@project_view(Role.EDITOR)
@require_POST
def row_delete(request: HttpRequest, project: Project, kind: str, pk: int) -> HttpResponse:
    kind = row_kind(kind)
    row = get_object_or_404(kind.model, project=project, pk=pk)
    before = activity.snapshot(row, activity.form_fields(kind.form))
    try:
        with transaction.atomic():
            row.delete()
            activity.record(
                project=project,
                user=request.user,
                summary=f"deleted {kind.noun} “{row}”",
                step=str(kind.level),
                target=str(row),
                changes=activity.diff(before, {}),
            )
    except RestrictedError as error:
        users = sorted({str(obj) for obj in error.restricted_objects})
        message = f"“{row}” is still used by {', '.join(users[:5])}. Change or delete those first."
        plan = step_plan(project, str(kind.level))
        if not request.htmx:
            messages.error(request, message)
            return redirect(
                reverse("workspace_step", args=[project.pk, kind.level]) + f"#{kind.key}-{pk}"
            )
        row = row_get(project, kind.key, pk)
        return respond(
            request,
            plan,
            str(kind.level),
            "row",
            CONFLICT,
            ctx={"kind": kind, "row": row, "details": kind.details(row), "row_error": message},
        )
    if not request.htmx:
        messages.success(request, f"Deleted {kind.noun} “{row}”.")
    plan = step_plan(project, str(kind.level))
    # The whole list comes back out of band (its count, "show all", the empty note), so
    # the card the request targeted goes with it and nothing else is swapped in.
    section = {**row_section(plan, kind), "oob": True}
    response = respond(
        request, plan, str(kind.level), "rows", ctx={"section": section}, changed=kind
    )
    return reswap(response, "none") if request.htmx else response


# --- Level 6 checklist and the core questions ---------------------------------------------


def technique_apply(form) -> bool:
    """Create, update or (status left undecided) remove a checklist choice, refusing a
    save made from an older version than the stored one."""
    choice = form.instance
    version = form.cleaned_data["version"] or 0
    undecided = TechniqueChoice(project=choice.project, entry=choice.entry, version=0)
    if not form.cleaned_data["status"]:
        deleted, _ = TechniqueChoice.objects.filter(pk=choice.pk, version=version).delete()
        if choice.pk and not deleted:
            raise StaleVersion(TechniqueChoice.objects.filter(pk=choice.pk).first() or undecided)
        return True
    if choice.pk is None:
        if version != 0:  # the person's choice was removed meanwhile
            raise StaleVersion(undecided)
        try:
            with transaction.atomic():
                form.instance.version = 1
                form.save()
        except IntegrityError:  # someone else marked it first
            raise StaleVersion(
                TechniqueChoice.objects.get(project=choice.project, entry=choice.entry)
            ) from None
        return True
    try:
        return save_form(form)
    except StaleVersion as stale:
        raise StaleVersion(stale.current or undecided) from None


@project_view(Role.EDITOR)
@require_POST
def technique_save(request: HttpRequest, project: Project, entry_id: int) -> HttpResponse:
    choice = (
        TechniqueChoice.objects.select_related("entry").filter(project=project, entry=entry_id)
    ).first()
    if choice is None:
        techniques = CatalogueEntry.objects.visible_to(project.team).filter(
            kind=CatalogueEntry.Kind.TECHNIQUE
        )
        entry = get_object_or_404(techniques, pk=entry_id)
        choice = TechniqueChoice(project=project, entry=entry, version=0)
    choice.project = project  # loaded already: `technique_apply` reads it
    entry = choice.entry
    form = plan_forms.TechniqueForm(
        request.POST, instance=choice, project=project, prefix=f"t{entry_id}"
    )
    form, status = save_recorded(
        request,
        project,
        form,
        technique_apply,
        summary=f"updated technique {entry}",
        step="6",
        target=str(entry),
    )
    if status == 200:
        services.level_touch(project=project, level_number=6)
    # The line alone is swapped (with the sidebar and advisor): the checklist's other
    # lines are loaded only for a whole page.
    plan = step_plan(project, "6", lists=not request.htmx)
    if status == 200:
        kept = form.cleaned_data["status"] and form.instance.pk
        saved = form.instance if kept else TechniqueChoice(project=project, entry=entry, version=0)
        line = plan_forms.ChecklistLine.of(entry, saved)
    else:
        line = plan_forms.ChecklistLine.from_form(entry, form)
    page = {}
    if status != 200 and not request.htmx:  # the whole page, this line with its message
        checklist = technique_checklist(plan)
        page["checklist"] = [line if item.entry.pk == entry.pk else item for item in checklist]
    return respond(
        request,
        plan,
        "6",
        "technique",
        status,
        ctx={"line": line, "saved": status == 200},
        page=page,
        anchor=f"#technique-{entry_id}",
    )


@project_view(Role.EDITOR)
@require_POST
def core_save(request: HttpRequest, project: Project, key: str) -> HttpResponse:
    if key not in CoreQuestionKey.values:
        raise Http404("No such core question.")
    question, _ = CoreQuestion.objects.get_or_create(project=project, key=key)
    form = plan_forms.CoreQuestionForm(request.POST, instance=question, project=project, prefix=key)
    form, status = save_recorded(
        request,
        project,
        form,
        summary=f"answered the core question on {question}",
        step="core",
        target=str(question),
    )
    if status == 200:
        form = plan_forms.CoreQuestionForm(instance=form.instance, project=project, prefix=key)
    plan = step_plan(project, "core")
    title, text = next((t, x) for k, t, x in CORE_QUESTIONS if k == key)
    return respond(
        request,
        plan,
        "core",
        "core-question",
        status,
        ctx={"item": (key, title, text, form), "saved": status == 200},
        anchor=f"#core-{key}",
    )


# --- Findings ----------------------------------------------------------------------


@project_view()
@page_cached
def findings(request: HttpRequest, project: Project) -> HttpResponse:
    return render(request, "planner/findings.html", findings_context(request, project))


def findings_context(
    request: HttpRequest, project: Project, dismiss_form=None, all_findings=None
) -> dict:
    if all_findings is None:
        all_findings = services.plan_findings(project)
    anchors = evidence_anchors(project)
    context = services.context_values(project)

    def links(finding, items) -> list[tuple]:
        return [
            (
                item,
                reverse("workspace_step", args=[project.pk, item.get("step") or finding.level])
                + evidence_anchor(anchors, item),
            )
            for item in items
        ]

    def linked(finding) -> tuple:
        return finding, links(finding, finding.evidence), links(finding, finding.addressed_by)

    groups = [
        (severity, [linked(f) for f in all_findings if f.severity == severity and f.is_open])
        for severity in SEVERITIES
    ]
    return {
        "project": project,
        "groups": [(s, items) for s, items in groups if items],
        "dismissed": [linked(f) for f in all_findings if f.dismissed],
        "addressed": [linked(f) for f in all_findings if f.status == "addressed"],
        "context_line": context_line(context),
        "totals": services.finding_totals(all_findings),
        "step_titles": STEP_TITLES,
        "can_edit": request.membership.allows(Role.EDITOR),
        "what_if_form": panel_form(context),
        **dismiss_errors(dismiss_form),
    }


def dismiss_errors(form: DismissForm | None) -> dict:
    """A refused dismissal: a wrong key is said at the top of the page (the key is a
    hidden input), a wrong reason at the reason field of that finding."""
    if form is None or not form.errors:
        return {}
    if "key" in form.errors:
        return {"key_error": form.errors["key"][0]}
    reason = form.data.get("reason", "")
    return {
        "reason_error": {
            "key": form.cleaned_data["key"],
            "message": form.errors["reason"][0],
            "value": reason if reason.isprintable() else "",
        }
    }


@project_view(Role.EDITOR)
@require_POST
def finding_dismiss(request: HttpRequest, project: Project) -> HttpResponse:
    all_findings = services.plan_findings(project)
    form = DismissForm(
        request.POST,
        finding_keys={f.key for f in all_findings},
        dismissed_keys=set(project.dismissals.values_list("finding_key", flat=True)),
    )
    if not form.is_valid():
        ctx = findings_context(request, project, dismiss_form=form, all_findings=all_findings)
        return render(request, "planner/findings.html", ctx, status=INVALID)
    key = form.cleaned_data["key"]
    finding = next((f for f in all_findings if f.key == key), None)
    where = {"step": finding.level, "target": finding.message} if finding else {"target": key}
    if form.cleaned_data["restore"]:
        with transaction.atomic():
            project.dismissals.filter(finding_key=key).delete()
            # Moves updated_at like every change, so the stored findings are recomputed.
            activity.record(
                project=project, user=request.user, summary=f"restored finding {key}", **where
            )
        messages.success(request, "Finding restored.")
    else:
        with transaction.atomic():
            project.dismissals.update_or_create(
                finding_key=key,
                defaults={"reason": form.cleaned_data["reason"], "dismissed_by": request.user},
            )
            activity.record(
                project=project,
                user=request.user,
                summary=f"dismissed finding {key}",
                changes=[("Dismissal reason", "", form.cleaned_data["reason"])],
                **where,
            )
        messages.success(request, "Finding dismissed. It stays listed under “Dismissed”.")
    back = request.POST.get("next", "")
    if back.startswith(f"/projects/{project.pk}/") and back.isprintable():
        return redirect(back)
    return redirect("findings", project.pk)
