import hashlib
import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone


def token_hash(token: str) -> str:
    """Tokens (invitations, share links) are stored only as their SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        # Logging in as Alice@Example.com finds alice@example.com: addresses are one per person.
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person, who logs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=100, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    def __str__(self) -> str:
        return self.name or self.email

    def personal_team(self) -> "Team":
        return self.teams.filter(personal=True, membership__role=Role.OWNER).first()


class Session(AbstractBaseSession):
    """Django's database session, with the signed-in user beside the data: a project
    request reads its session, user, memberships and project in one statement
    (planner.access). The data stays the authority; `user` only copies what it says
    (accounts.lean.SessionStore writes both), and a deleted user's sessions go too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )

    @classmethod
    def get_session_store_class(cls):
        return import_module(settings.SESSION_ENGINE).SessionStore


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    OWNER = "owner", "Owner"

    @classmethod
    def rank(cls, role: str) -> int:
        return [cls.VIEWER, cls.EDITOR, cls.OWNER].index(role)


class TeamQuerySet(models.QuerySet):
    def bump(self, field: str) -> int:
        """Move a version counter (`catalogue_version`, `members_version`) in one UPDATE."""
        return self.update(**{field: models.F(field) + 1})


class Team(models.Model):
    name = models.CharField(max_length=100)
    personal = models.BooleanField(default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Anything cached by what a page shows names these: the team's catalogue (its own
    # entries and the shared ones appear in Level 5/6 pickers and the checklist) and its
    # members and their roles (which decide what each person may edit). Signals move
    # them (accounts/signals.py, planner/signals.py), so admin edits count too.
    catalogue_version = models.PositiveIntegerField(default=1, editable=False)
    members_version = models.PositiveIntegerField(default=1, editable=False)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def role_of(self, user) -> str | None:
        membership = self.membership_set.filter(user=user).first()
        return membership.role if membership else None

    def owner_count(self) -> int:
        return self.membership_set.filter(role=Role.OWNER).count()


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="one_membership_per_team")
        ]
        ordering = ["team", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    def allows(self, role: str) -> bool:
        return Role.rank(self.role) >= Role.rank(role)


def default_invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    """A single-use link that adds whoever opens it (logged in) to a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    email = models.EmailField(blank=True, help_text="Optional: who the link is meant for.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.team} as {self.role}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class PasswordResetRequest(models.Model):
    """One password-reset request that was acted on, for the per-address and per-client
    limits (`accounts.throttling`). The address is stored only as its hash: anyone can
    type any address into the form. Rows older than the limit's window are deleted."""

    email_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_hash", "requested_at"], name="reset_by_email"),
            models.Index(fields=["ip_address", "requested_at"], name="reset_by_ip"),
        ]

    def __str__(self) -> str:
        return f"Password reset request at {self.requested_at:%Y-%m-%d %H:%M}"
