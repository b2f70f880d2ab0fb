"""Review comments: the project's discussion page, starting a thread, replying, resolving.

Every member may comment (viewers too); resolving is for the thread's author or an
owner or editor (`comments.can_resolve`). Plain forms that redirect, so all of it
works without JavaScript; bad input comes back on the page with its message (422).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from planner import comments, registry, services
from planner.access import project_view
from planner.collab_forms import CommentForm
from planner.models import Comment, CommentThread, Project

INVALID = 422
THREADS_PER_PAGE = 20
MAIL_FAILED = (
    "Your reply is saved, but the email to the thread's participants could not be sent "
    "(the mail server did not answer). Tell them another way if it is urgent."
)


def discussion_context(request: HttpRequest, project: Project, **extra) -> dict:
    """The threads (open first, or the state asked for), each with its comments: three
    queries whatever their number (count, threads, comments)."""
    step = request.GET.get("step", "")
    state = request.GET.get("state", "open")
    threads = CommentThread.objects.filter(project=project).select_related("created_by")
    if step in registry.STEPS:
        threads = threads.filter(step=step)
    if state == "open":
        threads = threads.filter(resolved_at=None)
    elif state == "resolved":
        threads = threads.exclude(resolved_at=None)
    threads = threads.prefetch_related(
        Prefetch("comments", queryset=Comment.objects.select_related("author"))
    )
    page = Paginator(threads, THREADS_PER_PAGE).get_page(request.GET.get("page"))
    for thread in page:
        thread.can_resolve = comments.can_resolve(thread, request.user, request.membership)
    return {
        "project": project,
        "page": page,
        "step": step if step in registry.STEPS else "",
        "step_title": registry.STEP_TITLES.get(step, ""),
        "state": state,
        "step_titles": registry.STEP_TITLES,
        "states": [("open", "Open"), ("resolved", "Resolved"), ("all", "All")],
        "form": CommentForm(),
        **extra,
    }


@project_view()
def discussion(request: HttpRequest, project: Project) -> HttpResponse:
    return render(request, "planner/comments/discussion.html", discussion_context(request, project))


def target_of(request: HttpRequest, project: Project) -> comments.Target:
    """The thread's subject named by `?on=` ("level:3", "row:boundary:12", "finding:<key>")."""
    kind, _, rest = request.GET.get("on", "").partition(":")
    target = None
    if kind == comments.LEVEL:
        target = comments.level_target(rest)
    elif kind == comments.ROW:
        target = comments.row_target(project, *rest.partition(":")[::2])
    elif kind == comments.FINDING:
        target = comments.finding_target(rest, services.plan_findings(project))
    if target is None:
        raise Http404("There is nothing like that to comment on.")
    return target


@project_view()
@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest, project: Project) -> HttpResponse:
    target = target_of(request, project)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        thread = comments.thread_start(
            project=project, user=request.user, target=target, body=form.cleaned_data["body"]
        )
        messages.success(request, "Comment added.")
        return redirect(comments.thread_url(project, thread))
    status = INVALID if request.method == "POST" else 200
    context = {"project": project, "target": target, "form": form, "on": request.GET["on"]}
    return render(request, "planner/comments/new.html", context, status=status)


@project_view()
@require_POST
def thread_reply(request: HttpRequest, project: Project, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(CommentThread, project=project, pk=thread_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        context = discussion_context(request, project, reply_form=form, reply_to=thread.pk)
        return render(request, "planner/comments/discussion.html", context, status=INVALID)
    thread.project = project
    url = request.build_absolute_uri(comments.thread_url(project, thread))
    sent = comments.comment_reply(
        thread=thread, user=request.user, body=form.cleaned_data["body"], url=url
    )
    if sent:
        messages.success(request, "Reply added.")
    else:
        messages.warning(request, MAIL_FAILED)
    return redirect(comments.thread_url(project, thread))


@project_view()
@require_POST
def thread_resolve(request: HttpRequest, project: Project, thread_id: int) -> HttpResponse:
    thread = get_object_or_404(CommentThread, project=project, pk=thread_id)
    if not comments.can_resolve(thread, request.user, request.membership):
        raise PermissionDenied("Only whoever started the thread, an owner or an editor can.")
    thread.project = project
    resolved = request.POST.get("resolved") == "1"
    comments.thread_resolve(thread=thread, user=request.user, resolved=resolved)
    messages.success(request, "Thread resolved." if resolved else "Thread reopened.")
    return redirect(comments.thread_url(project, thread))
