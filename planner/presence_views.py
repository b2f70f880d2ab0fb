"""Someone else is here: the workspace polls the plan's version every 5 seconds.

The poll names the version the page was loaded at (`since`) and the last one it saw
(`seen`). While the plan has not moved it answers 204 with nothing to swap, after the
session and access queries alone (the user comes with their access, the version with
the project). Once it has moved, one more query reads what *others* changed on this
step since the page was loaded (the activity log), and the poller comes back with who
changed what and a one-click refresh. Saving over someone's change keeps the conflict
rule of the save itself (`versioning.stale_merge`).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from planner import activity, registry
from planner.access import project_view
from planner.models import Project

NO_CHANGE = 204
SHOWN_CHANGES = 5


@project_view()
def presence(request: HttpRequest, project: Project, step: str) -> HttpResponse:
    if step not in registry.STEPS:
        raise Http404("No such step.")
    version = activity.version_stamp(project)
    if request.GET.get("seen") == version:
        return HttpResponse(status=NO_CHANGE)
    since = activity.since_stamp(request.GET.get("since", ""))
    if since is None:  # a page from before this feature, or a mangled URL
        since = project.updated_at
    others = (
        project.activities.filter(step=step, at__gt=since)
        .exclude(user=request.user)
        .select_related("user")
    )
    context = {
        "project": project,
        "step": step,
        "since": activity.version_stamp_of(since),
        "seen": version,
        "changes": list(others[:SHOWN_CHANGES]),
    }
    return render(request, "planner/presence/_poller.html", context)
