"""The plan: a project, its context, six levels of answers and their rows.

Every row a person edits carries a `version`; saves go through
`planner.services.save_versioned`, which refuses a save made against an older
version instead of overwriting it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user, role: str = Role.VIEWER):
        """Projects of teams where `user` holds at least `role`."""
        if not user.is_authenticated:
            return self.none()
        roles = [r for r in Role.values if Role.rank(r) >= Role.rank(role)]
        return self.filter(team__membership__user=user, team__membership__role__in=roles).distinct()


class Project(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    # Progress and open findings by severity, refreshed on every save so the
    # dashboard can show every project at a glance with one query.
    summary = models.JSONField(default=dict, blank=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="unique_project_name_per_team")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace", args=[self.pk])


class Versioned(models.Model):
    """Optimistic concurrency: each save must name the version it was made from."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


# --- Level 0: context (the guide's context filter) -------------------------


class ScaleBand(models.TextChoices):
    UNDER_100 = "lt100", "Fewer than 100 active users"
    UNDER_1K = "lt1k", "100 – 1,000 active users"
    UNDER_10K = "lt10k", "1,000 – 10,000 active users"
    UNDER_100K = "lt100k", "10,000 – 100,000 active users"
    OVER_100K = "gt100k", "100,000+ active users"


class TeamSize(models.TextChoices):
    SOLO = "solo", "Solo developer"
    SMALL = "2-5", "2 – 5 engineers"
    MEDIUM = "6-20", "6 – 20 engineers"
    LARGE = "20+", "More than 20 engineers"


class Platform(models.TextChoices):
    DJANGO = "django", "Django"
    RAILS = "rails", "Rails"
    EXPRESS = "express", "Express / Nest"
    SPRING = "spring", "Spring"
    CONVEX = "convex", "Convex"
    SUPABASE = "supabase", "Supabase"
    FIREBASE = "firebase", "Firebase"
    OTHER = "other", "Other"


class ClientKind(models.TextChoices):
    WEB = "web", "Web"
    MOBILE = "mobile", "Mobile"
    DESKTOP = "desktop", "Desktop"
    API = "api", "Third-party API consumers"


class Need(models.TextChoices):
    NONE = "none", "Not needed"
    SOME = "some", "In a few places"
    CORE = "core", "Central to the product"


class Sensitivity(models.TextChoices):
    NONE = "none", "Nothing sensitive"
    PII = "pii", "Personal data (PII)"
    PAYMENTS = "payments", "Payments"
    HEALTH = "health", "Health data"


class Stage(models.TextChoices):
    PROTOTYPE = "prototype", "Prototype"
    MVP = "mvp", "MVP"
    PRODUCTION = "production", "In production"
    SCALING = "scaling", "Scaling up"


class Context(Versioned):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="context")
    product = models.TextField(blank=True, max_length=4000)
    scale = models.CharField(max_length=10, choices=ScaleBand.choices, blank=True)
    team_size = models.CharField(max_length=10, choices=TeamSize.choices, blank=True)
    languages = models.CharField(max_length=200, blank=True)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    clients = models.JSONField(default=list, blank=True)  # list of ClientKind values
    realtime = models.CharField(max_length=10, choices=Need.choices, blank=True)
    offline = models.CharField(max_length=10, choices=Need.choices, blank=True)
    ai = models.CharField("AI / LLM integration", max_length=10, choices=Need.choices, blank=True)
    external_services = models.TextField(blank=True, max_length=2000)
    sensitivity = models.CharField(
        "data sensitivity", max_length=10, choices=Sensitivity.choices, blank=True
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, blank=True)

    def __str__(self) -> str:
        return f"Context of {self.project}"

    def external_service_list(self) -> list[str]:
        return [line.strip() for line in self.external_services.splitlines() if line.strip()]


# --- Levels 1–6: status and free-text answers --------------------------------


class LevelStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    SKIPPED = "skipped", "Skipped"


class LevelAnswer(Versioned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=LevelStatus.choices, default=LevelStatus.NOT_STARTED
    )
    skip_reason = models.TextField(blank=True, max_length=2000)
    answers = models.JSONField(default=dict, blank=True)  # question key -> text

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["project", "level"], name="one_answer_per_level"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=6), name="level_between_1_and_6"
            ),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(skip_reason=""),
                name="skipped_level_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level} of {self.project}"


# --- Level rows ---------------------------------------------------------------


class Row(Versioned):
    """Common shape of a list answer: belongs to a project, has a name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Timing(models.TextChoices):
    FAST = "fast", "Fast (user waits)"
    ASYNC = "async", "Can be async"


class Updates(models.TextChoices):
    NONE = "none", "Loaded on request"
    POLLING = "polling", "Polling is enough"
    REALTIME = "realtime", "Real-time push"


class JourneyStep(Row):
    """Level 1: one step of the user's journey and what the frontend needs there."""

    data_needed = models.TextField(blank=True, max_length=4000)
    timing = models.CharField(max_length=10, choices=Timing.choices, default=Timing.FAST)
    offline = models.BooleanField("works offline, syncs later", default=False)
    updates = models.CharField(max_length=10, choices=Updates.choices, default=Updates.NONE)
    external_services = models.CharField(max_length=300, blank=True)

    class Meta(Row.Meta):
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="unique_step_name")]


class BoundaryReason(models.TextChoices):
    FAILURE_ISOLATION = "failure_isolation", "Failure isolation"
    PERFORMANCE = "performance", "Different performance needs"
    SCALING = "scaling", "Different scaling needs"
    SECURITY = "security", "Security boundary"
    EXTERNAL = "external", "External integration"
    CORE = "core", "Core of the product (everything else lives here)"
    ORGANISATION = "organisation", "Code organisation only"


class Boundary(Row):
    """Level 2: a group of operations that belong together operationally."""

    responsibility = models.TextField(blank=True, max_length=2000)
    reason = models.CharField(max_length=20, choices=BoundaryReason.choices, blank=True)

    class Meta(Row.Meta):
        verbose_name_plural = "boundaries"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_boundary_name")
        ]


class Entity(Row):
    """Level 4: a piece of data, where its truth lives and how it is kept consistent."""

    class Concurrency(models.TextChoices):
        NONE = "none", "Single writer, no coordination"
        LAST_WRITE = "last_write", "Last write wins"
        OPTIMISTIC = "optimistic", "Optimistic (version check)"
        LOCKING = "locking", "Row locks / transactions"
        APPEND_ONLY = "append_only", "Append-only"
        MERGE = "merge", "Merge / conflict resolution"

    description = models.TextField(blank=True, max_length=2000)
    source_of_truth = models.CharField(max_length=200, blank=True)
    boundary = models.ForeignKey(
        Boundary, on_delete=models.RESTRICT, null=True, blank=True, related_name="entities"
    )
    concurrency = models.CharField(max_length=12, choices=Concurrency.choices, blank=True)
    denormalized = models.TextField("denormalised copies", blank=True, max_length=2000)

    class Meta(Row.Meta):
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_entity_name")
        ]


class Operation(Row):
    """Level 3: a function, mutation, query or background process."""

    class Category(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate user operation"
        QUERY = "query", "Data retrieval query"
        BACKGROUND = "background", "Background processing"
        REALTIME = "realtime", "Real-time subscription"
        MAINTENANCE = "maintenance", "System maintenance"

    class Latency(models.TextChoices):
        INTERACTIVE = "interactive", "Interactive (< 200 ms)"
        FAST = "fast", "Fast (< 1 s)"
        SECONDS = "seconds", "Seconds"
        DEFERRED = "deferred", "Minutes or later"

    category = models.CharField(max_length=12, choices=Category.choices)
    boundary = models.ForeignKey(
        Boundary, on_delete=models.RESTRICT, null=True, blank=True, related_name="operations"
    )
    trigger = models.CharField(max_length=200, blank=True)
    latency = models.CharField(max_length=12, choices=Latency.choices, blank=True)
    entities = models.ManyToManyField(Entity, blank=True, related_name="operations")

    class Meta(Row.Meta):
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_operation_name")
        ]


class Relationship(Versioned):
    """Level 4: how two entities relate and stay consistent."""

    class Cardinality(models.TextChoices):
        ONE_ONE = "1:1", "One to one"
        ONE_MANY = "1:N", "One to many"
        MANY_MANY = "N:M", "Many to many"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Entity, on_delete=models.RESTRICT, related_name="+")
    target = models.ForeignKey(Entity, on_delete=models.RESTRICT, related_name="+")
    cardinality = models.CharField(max_length=3, choices=Cardinality.choices)
    sync = models.TextField("how they stay in sync", blank=True, max_length=2000)
    failure = models.TextField("when an update fails partway", blank=True, max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "target"], name="unique_relationship"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.target.name}"


# --- Catalogue, Level 5 decisions and Level 6 techniques -----------------------


class CatalogueQuerySet(models.QuerySet):
    def visible_to(self, team):
        """The shared catalogue plus the team's own entries."""
        return self.filter(Q(team=None) | Q(team=team))


class CatalogueEntry(models.Model):
    class Kind(models.TextChoices):
        PATTERN = "pattern", "Architecture pattern"
        TECHNIQUE = "technique", "Implementation technique"

    class Complexity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="catalogue_entries",
        help_text="Empty for the shared catalogue; set for a team's own entry.",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    category = models.CharField(max_length=60)
    summary = models.TextField(max_length=2000)
    problems = models.TextField("problems it solves", blank=True, max_length=2000)
    when_to_use = models.TextField(blank=True, max_length=2000)
    when_not_to = models.TextField("when not to use", blank=True, max_length=2000)
    complexity = models.CharField(
        max_length=6, choices=Complexity.choices, default=Complexity.MEDIUM
    )
    builtin_platforms = models.JSONField(default=list, blank=True)  # Platform values
    from_guide = models.BooleanField(default=False)

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "category", "name"]
        verbose_name_plural = "catalogue entries"
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(team=None), name="unique_shared_slug"
            ),
            models.UniqueConstraint(fields=["team", "slug"], name="unique_team_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Decision(Versioned):
    """Level 5: a catalogue pattern adopted, rejected or deferred, and why."""

    class Status(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        REJECT = "reject", "Reject"
        DEFER = "defer", "Defer"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.ADOPT)
    problem = models.TextField("problem it solves", blank=True, max_length=2000)
    rationale = models.TextField(blank=True, max_length=4000)
    # The earlier answer that revealed the problem (at most one of these).
    journey_step = models.ForeignKey(
        JourneyStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    operation = models.ForeignKey(
        Operation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "entry"], name="one_decision_per_pattern")
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.entry}"


class TechniqueChoice(Versioned):
    """Level 6: a technique from the checklist and what the team will do about it."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PLACE = "in_place", "Already in place"
        NOT_NEEDED = "not_needed", "Not needed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "entry"], name="one_choice_per_technique")
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_status_display()}"


# --- The four core questions ------------------------------------------------------


class CoreQuestionKey(models.TextChoices):
    DATA_INTEGRITY = "data_integrity", "Data integrity"
    PERFORMANCE = "performance", "Performance under load"
    FAILURE_ISOLATION = "failure_isolation", "Failure isolation"
    SECURITY = "security", "Security boundaries"


class CoreQuestion(Versioned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20, choices=CoreQuestionKey.choices)
    answer = models.TextField(blank=True, max_length=4000)
    levels = models.JSONField(default=list, blank=True)  # levels (1–6) that address it

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="one_answer_per_core_question")
        ]

    def __str__(self) -> str:
        return self.get_key_display()


# --- Advisor findings, dismissals and activity --------------------------------------


class ProjectFindings(models.Model):
    """The advisor's findings one workspace step shows, as of the project's `updated_at`.

    Kept apart from the project row, one row per step, so reading a project never reads
    its findings and a page reads only its own step's (totals are in `Project.summary`).
    Every save recomputes them (`services.findings_refresh`); a row whose `at` is not the
    project's `updated_at` is out of date.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(max_length=10)
    at = models.CharField(max_length=40)  # project.updated_at.isoformat() when computed
    items = models.JSONField(default=list)  # Finding.as_dict(), most severe first

    class Meta:
        verbose_name_plural = "project findings"
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="one_findings_row_per_step")
        ]

    def __str__(self) -> str:
        return f"Findings of {self.project_id} on step {self.step}"


class Dismissal(models.Model):
    """A finding the team has looked at and set aside, with their reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dismissals")
    finding_key = models.CharField(max_length=300)  # rule id + subject, stable across runs
    reason = models.TextField(max_length=1000)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "finding_key"], name="one_dismissal")
        ]

    def __str__(self) -> str:
        return f"Dismissed {self.finding_key}"


class Activity(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.summary


# --- Sharing and reports ------------------------------------------------------------


class ShareLink(models.Model):
    """A read-only link for reviewers without an account. Only the token's hash is kept."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"Share link {self.pk}"


REPORT_STUCK_AFTER = timedelta(minutes=5)


class Report(models.Model):
    """A PDF of one exact plan document, built in the background and kept in the database."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rendering"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # The exact plan document this report renders (its hash is content_hash). The
    # task re-reads it from here, so a killed worker or a plan edited meanwhile
    # cannot change what a report under this hash contains.
    document = models.JSONField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "content_hash"], name="one_report_per_plan")
        ]

    def __str__(self) -> str:
        return f"Report {self.content_hash[:8]} of {self.project}"

    @property
    def in_flight(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stuck(self) -> bool:
        """Queued or rendering for longer than any real render takes: its worker died."""
        return self.in_flight and self.updated_at < timezone.now() - REPORT_STUCK_AFTER

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stuck
