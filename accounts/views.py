"""Sign-up, teams, members and invitations. Login and passwords use Django's own views."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts import services
from accounts.forms import InvitationForm, RoleForm, SignupForm, SwitchTeamForm, TeamForm
from accounts.login import login_redirect
from accounts.models import Invitation, Membership, Role, Team
from accounts.teams import set_current_team

MODEL_BACKEND = "accounts.lean.UserBackend"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_signup(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
        )
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, "Welcome to Backplan. Your personal team is ready.")
        return redirect(_safe_next(request) or "dashboard")
    return render(request, "accounts/signup.html", {"form": form, "next": _safe_next(request)})


# Teams ---------------------------------------------------------------------------------------


def team_view(role: str = Role.VIEWER):
    """Decorator: resolve `team_id` into the team and the user's membership (`request.membership`).

    Like `planner.access.project_view`, it goes above every other decorator: anonymous
    visitors are sent to log in, outsiders get 404 whatever the method (a 405 would tell
    them the URL exists), members whose role is too low 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, team_id: int, *args, **kwargs):
            if not request.user.is_authenticated:
                return login_redirect(request)
            membership = (
                Membership.objects.select_related("team")
                .filter(user=request.user, team=team_id)
                .first()
            )
            if membership is None:
                raise Http404("No such team.")
            if not membership.allows(role):
                raise PermissionDenied("Only the team's owners can manage members and invitations.")
            request.membership = membership
            return view(request, membership.team, *args, **kwargs)

        return wrapper

    return decorator


def _team_context(user, team: Team, **extra) -> dict:
    mine = Membership.objects.filter(team=team, user=user).first()
    if mine is None:  # removed by another owner since this request began
        raise Http404("You are no longer a member of this team.")
    members = list(team.membership_set.select_related("user").order_by("user__email"))
    pending = list(
        team.invitations.filter(used_at__isnull=True, expires_at__gt=timezone.now())
        if mine.role == Role.OWNER
        else []
    )
    return {
        "team": team,
        "mine": mine,
        "is_owner": mine.role == Role.OWNER,
        "members": members,
        "invitations": pending,
        "roles": Role.choices,
        "invitation_form": InvitationForm(),
        **extra,
    }


def _after_change(
    request: HttpRequest, team: Team, partial: str, *, error: str = "", notice: str = ""
) -> HttpResponse:
    """htmx: the changed section of the page, with its message. Otherwise: back to the page."""
    if request.htmx:
        context = _team_context(request.user, team, error=error, notice=notice)
        return render(request, f"accounts/team_settings.html#{partial}", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("team_settings", team_id=team.pk)


def _overtaken(request: HttpRequest, team: Team, problem: services.TeamChanged) -> HttpResponse:
    """Another change to the team, made at the same moment, won: say so instead of failing."""
    if problem.still_member:
        return _after_change(request, team, "members", error=problem.message)
    messages.error(request, problem.message)
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(name=form.cleaned_data["name"], owner=request.user)
        set_current_team(request, team)
        messages.success(request, f"Team “{team.name}” created. Invite your teammates below.")
        return redirect("team_settings", team_id=team.pk)
    return render(request, "accounts/team_create.html", {"form": form})


@team_view()
@require_safe
def team_settings(request: HttpRequest, team: Team) -> HttpResponse:
    return render(request, "accounts/team_settings.html", _team_context(request.user, team))


@team_view(Role.OWNER)
@require_POST
def member_role(request: HttpRequest, team: Team, membership_id: int) -> HttpResponse:
    target = get_object_or_404(
        Membership.objects.select_related("user"), team=team, pk=membership_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _after_change(request, team, "members", error="Choose one of the roles.")
    try:
        services.membership_change_role(
            membership=target, role=form.cleaned_data["role"], by=request.user
        )
    except services.TeamChanged as problem:
        return _overtaken(request, team, problem)
    except ValidationError as exc:
        return _after_change(request, team, "members", error=exc.messages[0])
    role = Role(form.cleaned_data["role"]).label
    notice = f"{target.user} is now {'an' if role == 'Owner' else 'a'} {role.lower()}."
    return _after_change(request, team, "members", notice=notice)


@team_view(Role.OWNER)
@require_POST
def member_remove(request: HttpRequest, team: Team, membership_id: int) -> HttpResponse:
    mine = request.membership
    target = get_object_or_404(
        Membership.objects.select_related("user"), team=team, pk=membership_id
    )
    if target.pk == mine.pk:
        return team_leave(request, team.pk)
    try:
        services.membership_remove(membership=target, by=request.user)
    except services.TeamChanged as problem:
        return _overtaken(request, team, problem)
    except ValidationError as exc:
        return _after_change(request, team, "members", error=exc.messages[0])
    return _after_change(
        request, team, "members", notice=f"{target.user} was removed from the team."
    )


@team_view()
@require_POST
def team_leave(request: HttpRequest, team: Team) -> HttpResponse:
    mine = request.membership
    try:
        services.membership_remove(membership=mine, by=request.user)
    except services.TeamChanged as problem:
        return _overtaken(request, team, problem)
    except ValidationError as exc:
        return _after_change(request, team, "members", error=exc.messages[0])
    messages.success(request, f"You left “{team.name}”.")
    if request.htmx:
        return HttpResponseClientRedirect(reverse("dashboard"))
    return redirect("dashboard")


@team_view(Role.OWNER)
@require_POST
def invitation_create(request: HttpRequest, team: Team) -> HttpResponse:
    form = InvitationForm(request.POST)
    if not form.is_valid():
        context = _team_context(request.user, team, invitation_form=form)
        template = "accounts/team_settings.html" + ("#invitations" if request.htmx else "")
        return render(request, template, context)
    invitation, token = services.invitation_create(
        team=team,
        created_by=request.user,
        role=form.cleaned_data["role"],
        email=form.cleaned_data["email"],
        expires_in_days=form.cleaned_data["expires_in_days"],
    )
    link = request.build_absolute_uri(reverse("invitation_accept", args=[token]))
    emailed = bool(invitation.email) and services.invitation_email(
        invitation=invitation, link=link, inviter=request.user
    )
    # The link is shown once, in this response: only its hash is stored.
    context = _team_context(
        request.user, team, new_link=link, new_invitation=invitation, emailed=emailed
    )
    template = "accounts/team_settings.html" + ("#invitations" if request.htmx else "")
    return render(request, template, context)


@team_view(Role.OWNER)
@require_POST
def invitation_revoke(request: HttpRequest, team: Team, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, team=team, pk=invitation_id, used_at__isnull=True)
    invitation.delete()
    return _after_change(
        request, team, "invitations", notice="Invitation revoked: its link no longer works."
    )


@login_required
@require_POST
def switch_team(request: HttpRequest) -> HttpResponse:
    form = SwitchTeamForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "accounts/message.html",
            {"title": "Choose a team", "message": "Choose one of your teams to switch to."},
            status=400,
        )
    membership = (
        Membership.objects.select_related("team")
        .filter(user=request.user, team=form.cleaned_data["team"])
        .first()
    )
    if membership is None:
        raise Http404("No such team.")
    set_current_team(request, membership.team)
    return redirect("dashboard")


# Invitations -----------------------------------------------------------------------------------


def _invitation_problem(request: HttpRequest, problem: services.InvitationError) -> HttpResponse:
    context = {"title": "This invitation cannot be used", "message": problem.message}
    return render(request, "accounts/message.html", context, status=problem.status)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            accepted = services.invitation_accept(token=token, user=request.user)
        except services.InvitationError as problem:
            return _invitation_problem(request, problem)
        team = accepted.membership.team
        set_current_team(request, team)
        role = accepted.membership.get_role_display().lower()
        if accepted.already_member:
            messages.info(request, f"You are already a member of “{team.name}” as {role}.")
        else:
            messages.success(request, f"Welcome to “{team.name}”. You joined as {role}.")
        return redirect("dashboard")
    try:
        invitation = services.invitation_for_token(token, user=request.user)
    except services.InvitationError as problem:
        return _invitation_problem(request, problem)
    current = invitation.team.role_of(request.user)
    context = {"invitation": invitation, "current_role": current and Role(current).label}
    return render(request, "accounts/invitation_accept.html", context)
