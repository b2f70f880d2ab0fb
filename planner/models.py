"""The plan: a project, its context, six levels of answers and their rows.

Every row a person edits carries a `version`; saves go through
`planner.services.save_versioned`, which refuses a save made against an older
version instead of overwriting it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, Team
from planner import registry
from planner.registry import (  # noqa: F401 (the plan's choices, where code has looked for them)
    BoundaryReason,
    ClientKind,
    CoreQuestionKey,
    LevelStatus,
    Need,
    Platform,
    ScaleBand,
    Sensitivity,
    Stage,
    TeamSize,
    Timing,
    Updates,
)


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
    # Set when the team first tracks a finding as improvement work: until then a save
    # has no improvement items to keep in step (`improvements.improvements_sync`).
    tracks_improvements = models.BooleanField(default=False, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint("team", Lower("name"), name="unique_project_name_per_team_ci")
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


def stored(spec: registry.Field, **options) -> models.Field:
    """The model field for a field of the registry: its label, limit and choices.

    `options` carries what is only about storage (a default, a column width).
    """
    options.setdefault("blank", not spec.required)
    if spec.type == "text":
        return models.TextField(spec.label, max_length=spec.limit, **options)
    if spec.type == "line":
        return models.CharField(spec.label, max_length=spec.limit, **options)
    if spec.type == "choice":
        return models.CharField(spec.label, choices=spec.choices.choices, **options)
    if spec.type == "choices":
        return models.JSONField(spec.label, default=list, **options)
    if spec.type == "flag":
        options.pop("blank")
        return models.BooleanField(spec.label, default=False, **options)
    raise ValueError(f"{spec.name}: a {spec.type} field is declared on the model itself.")


def unique_name(kind: str) -> models.UniqueConstraint:
    """Row names are unique in their plan whatever their case: "Users" and "users"
    are one entity to a reader, so the database refuses the second."""
    return models.UniqueConstraint("project", Lower("name"), name=f"unique_{kind}_name_ci")


CONTEXT = registry.CONTEXT


class Context(Versioned):
    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="context")
    product = stored(CONTEXT["product"])
    scale = stored(CONTEXT["scale"], max_length=10)
    team_size = stored(CONTEXT["team_size"], max_length=10)
    languages = stored(CONTEXT["languages"])
    platform = stored(CONTEXT["platform"], max_length=20)
    clients = stored(CONTEXT["clients"])
    realtime = stored(CONTEXT["realtime"], max_length=10)
    offline = stored(CONTEXT["offline"], max_length=10)
    ai = stored(CONTEXT["ai"], max_length=10)
    external_services = stored(CONTEXT["external_services"])
    sensitivity = stored(CONTEXT["sensitivity"], max_length=10)
    stage = stored(CONTEXT["stage"], max_length=12)

    def __str__(self) -> str:
        return f"Context of {self.project}"

    def external_service_list(self) -> list[str]:
        return [line.strip() for line in self.external_services.splitlines() if line.strip()]


# --- Levels: status and free-text answers --------------------------------------------


class LevelAnswer(Versioned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=LevelStatus.choices, default=LevelStatus.NOT_STARTED
    )
    skip_reason = models.TextField(blank=True, max_length=registry.Limit.TEXT)
    answers = models.JSONField(default=dict, blank=True)  # question key -> text

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["project", "level"], name="one_answer_per_level"),
            models.CheckConstraint(
                condition=Q(level__in=registry.LEVEL_NUMBERS), name="level_of_the_method"
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
    name = models.CharField(max_length=registry.Limit.NAME)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


STEP = registry.ROW_KINDS["journey_step"]


class JourneyStep(Row):
    """Level 1: one step of the user's journey and what the frontend needs there."""

    data_needed = stored(STEP.field("data_needed"))
    timing = stored(STEP.field("timing"), max_length=10, default=Timing.FAST)
    offline = stored(STEP.field("offline"))
    updates = stored(STEP.field("updates"), max_length=10, default=Updates.NONE)
    external_services = stored(STEP.field("external_services"))

    class Meta(Row.Meta):
        constraints = [unique_name("journey_step")]


BOUNDARY = registry.ROW_KINDS["boundary"]


class Boundary(Row):
    """Level 2: a group of operations that belong together operationally."""

    responsibility = stored(BOUNDARY.field("responsibility"))
    reason = stored(BOUNDARY.field("reason"), max_length=20)

    class Meta(Row.Meta):
        verbose_name_plural = "boundaries"
        constraints = [unique_name("boundary")]


ENTITY = registry.ROW_KINDS["entity"]


class Entity(Row):
    """Level 4: a piece of data, where its truth lives and how it is kept consistent."""

    Concurrency = registry.Concurrency

    description = stored(ENTITY.field("description"))
    source_of_truth = stored(ENTITY.field("source_of_truth"))
    boundary = models.ForeignKey(
        Boundary, on_delete=models.RESTRICT, null=True, blank=True, related_name="entities"
    )
    concurrency = stored(ENTITY.field("concurrency"), max_length=12)
    denormalized = stored(ENTITY.field("denormalized"))

    class Meta(Row.Meta):
        verbose_name_plural = "entities"
        constraints = [unique_name("entity")]


OPERATION = registry.ROW_KINDS["operation"]


class Operation(Row):
    """Level 3: a function, mutation, query or background process."""

    Category = registry.Category
    Latency = registry.Latency

    category = stored(OPERATION.field("category"), max_length=12)
    boundary = models.ForeignKey(
        Boundary, on_delete=models.RESTRICT, null=True, blank=True, related_name="operations"
    )
    trigger = stored(OPERATION.field("trigger"))
    latency = stored(OPERATION.field("latency"), max_length=12)
    entities = models.ManyToManyField(Entity, blank=True, related_name="operations")
    journey_steps = models.ManyToManyField(
        JourneyStep,
        verbose_name=OPERATION.field("journey_steps").label,
        blank=True,
        related_name="operations",
    )

    class Meta(Row.Meta):
        constraints = [unique_name("operation")]


RELATIONSHIP = registry.ROW_KINDS["relationship"]


class Relationship(Versioned):
    """Level 4: how two entities relate and stay consistent."""

    Cardinality = registry.Cardinality

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Entity, on_delete=models.RESTRICT, related_name="+")
    target = models.ForeignKey(Entity, on_delete=models.RESTRICT, related_name="+")
    cardinality = stored(RELATIONSHIP.field("cardinality"), max_length=3)
    sync = stored(RELATIONSHIP.field("sync"))
    failure = stored(RELATIONSHIP.field("failure"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "target"], name="unique_relationship"
            )
        ]

    def __str__(self) -> str:
        return self.label(self.source.name, self.target.name)

    @staticmethod
    def label(source: str, target: str) -> str:
        """How a relationship reads, from its two entities' names."""
        return f"{source} → {target}"


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
    name = models.CharField(max_length=registry.Limit.NAME)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    category = models.CharField(max_length=60)
    summary = models.TextField(max_length=registry.Limit.TEXT)
    problems = models.TextField("problems it solves", blank=True, max_length=registry.Limit.TEXT)
    when_to_use = models.TextField(blank=True, max_length=registry.Limit.TEXT)
    when_not_to = models.TextField("when not to use", blank=True, max_length=registry.Limit.TEXT)
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


DECISION = registry.ROW_KINDS["decision"]


class Decision(Versioned):
    """Level 5: a catalogue pattern adopted, rejected or deferred, and why."""

    Status = registry.DecisionStatus

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.RESTRICT, related_name="+")
    status = stored(DECISION.field("status"), max_length=6, default=Status.ADOPT)
    problem = stored(DECISION.field("problem"))
    rationale = stored(DECISION.field("rationale"))
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


TECHNIQUE = registry.ROW_KINDS["technique"]


class TechniqueChoice(Versioned):
    """Level 6: a technique from the checklist and what the team will do about it."""

    Status = registry.TechniqueStatus

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(CatalogueEntry, on_delete=models.RESTRICT, related_name="+")
    status = stored(TECHNIQUE.field("status"), max_length=10, default=Status.PLANNED)
    notes = stored(TECHNIQUE.field("notes"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "entry"], name="one_choice_per_technique")
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_status_display()}"


# --- The four core questions ------------------------------------------------------


class CoreQuestion(Versioned):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20, choices=CoreQuestionKey.choices)
    answer = stored(registry.CORE_ANSWER)
    levels = models.JSONField(default=list, blank=True)  # levels that address it

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="one_answer_per_core_question")
        ]

    def __str__(self) -> str:
        return self.get_key_display()


# The model of each row kind of the registry.
ROW_MODELS: dict[str, type[models.Model]] = {
    "journey_step": JourneyStep,
    "boundary": Boundary,
    "operation": Operation,
    "entity": Entity,
    "relationship": Relationship,
    "decision": Decision,
    "technique": TechniqueChoice,
}
assert set(ROW_MODELS) == set(registry.ROW_KINDS), "every row kind needs its model"  # noqa: S101


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
    # MD5 of the items' JSON: a save whose findings for the step are unchanged only
    # moves `at` (`services.findings_write`), without sending the items again.
    digest = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name_plural = "project findings"
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="one_findings_row_per_step")
        ]

    def __str__(self) -> str:
        return f"Findings of {self.project_id} on step {self.step}"


class PlanPart(models.Model):
    """When a part of a plan (a table of `plan_rows`: "boundary", "level",
    "operation_entity", …) last changed: `stamp` takes a new value of a database
    sequence at every insert, update or delete of one of the part's rows, written by a
    PostgreSQL trigger on the part's table (migration 0012), whatever code wrote the
    row. A process that read the part at a stamp reads it again only once the stamp
    moves (`plan_rows.kept_plan_rows`). A sequence never gives a value twice, even when
    a transaction is rolled back. No foreign key: a project's rows are deleted before
    it, and their triggers would write a stamp for it after Django deleted its stamps."""

    project_id = models.BigIntegerField()
    part = models.CharField(max_length=40)
    stamp = models.BigIntegerField()
    # How many rows the part has (its table's; not kept for lists of references). Each
    # row of a part's table carries the stamp of its last insert or update too, in a
    # column only PostgreSQL has (migration 0013): a process reads again only the rows
    # stamped after its last read, and this count tells it whether any was deleted.
    rows = models.IntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project_id", "part"], name="one_stamp_per_part")
        ]

    def __str__(self) -> str:
        return f"{self.part} of {self.project_id} at {self.stamp}"


class Dismissal(models.Model):
    """A finding the team has looked at and set aside, with their reason."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dismissals")
    finding_key = models.CharField(
        max_length=registry.Limit.FINDING_KEY
    )  # rule id + subject, stable across runs
    reason = models.TextField(max_length=registry.Limit.DISMISSAL_REASON)
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
    # Where the change was (a step of the registry, "" for the project as a whole), what it
    # touched (a row's or question's name) and, field by field, [label, before, after].
    step = models.CharField(max_length=10, blank=True)
    target = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["project", "-at", "-id"], name="activity_by_project")]

    def __str__(self) -> str:
        return self.summary

    @property
    def step_title(self) -> str:
        return registry.STEP_TITLES.get(self.step, "")

    @property
    def edited_fields(self) -> list[str]:
        """The labels of the fields an edit changed (none for an addition or a deletion,
        where every field changed)."""
        befores, afters = [b for _, b, _ in self.changes], [a for _, _, a in self.changes]
        if not any(befores) or not any(afters):
            return []
        return [label for label, _, _ in self.changes]


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
    # A link shows the live plan, or the frozen plan of one milestone.
    milestone = models.ForeignKey(
        "Milestone", on_delete=models.CASCADE, null=True, blank=True, related_name="share_links"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label or f"Share link {self.pk}"


# A render moves its report's updated_at every few seconds (planner.tasks heartbeat),
# so this long without a move means its worker died.
REPORT_STUCK_AFTER = timedelta(minutes=2)


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
    # What the PDF shows besides the document, kept with it under the same hash: a
    # milestone's frozen findings and catalogue names, its reviews, the changes since
    # an earlier plan (`planner.milestones.report_extras`). None: the plan alone.
    extras = models.JSONField(null=True, blank=True, editable=False)
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
        """In flight without a heartbeat for REPORT_STUCK_AFTER: its worker died (or never came)."""
        return self.in_flight and self.updated_at < timezone.now() - REPORT_STUCK_AFTER

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.is_stuck


# --- Review comments and the improvement plan -----------------------------------------


class CommentThread(models.Model):
    """A conversation about one part of the plan: a level (`step`), a row or a finding.

    `target` names it ("level", "row:<kind>:<pk>", "finding:<key>") and `label` keeps
    what it was called when the thread started, so a deleted row's thread still reads.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="threads")
    step = models.CharField(max_length=10)
    target = models.CharField(max_length=260)
    label = models.CharField(max_length=260)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "step"], name="thread_by_step")]

    def __str__(self) -> str:
        return self.label

    @property
    def step_title(self) -> str:
        return registry.STEP_TITLES.get(self.step, self.step)

    @property
    def anchor(self) -> str:
        """Where on its step page the subject is: a row's card ("#boundary-12")."""
        kind, _, rest = self.target.partition(":")
        return "#" + rest.replace(":", "-") if kind == "row" else ""


class Comment(models.Model):
    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=registry.Limit.TEXT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class ImprovementItem(models.Model):
    """An open finding the team tracks as work. It closes itself when the advisor no
    longer reports the finding open, and reopens when it does again
    (`improvements.improvements_sync`, run wherever findings are refreshed)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DOING = "doing", "In progress"
        DONE = "done", "Done"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="improvements")
    finding_key = models.CharField(max_length=registry.Limit.FINDING_KEY)
    # The finding as it read when tracked: the item still reads once the finding is gone.
    title = models.TextField()
    step = models.CharField(max_length=10)
    severity = models.CharField(max_length=10)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True, max_length=registry.Limit.TEXT)
    # Closed because the finding went away (so it reopens if the finding returns).
    closed_by_plan = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "finding_key"], name="one_item_per_finding")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self._state.adding:  # from now on, the project's saves keep its items in step
            Project.objects.filter(pk=self.project_id, tracks_improvements=False).update(
                tracks_improvements=True
            )
        super().save(*args, **kwargs)

    @property
    def step_title(self) -> str:
        return registry.STEP_TITLES.get(self.step, self.step)


# --- Milestones and their reviews ------------------------------------------------------


class Milestone(models.Model):
    """The plan frozen under a name ("Design review 1"): what it said, what the advisor
    found and the names of the catalogue entries it used, as they were then.

    Its page, PDF, Markdown and JSON read only these fields, so they never change,
    even when a shared catalogue entry is renamed or deleted later. `row_ids` holds each
    list's row ids in the document's order: compare follows a renamed row by them.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=registry.Limit.NAME)
    document = models.JSONField(editable=False)
    findings = models.JSONField(default=list, editable=False)  # Finding.as_dict() + "status"
    catalogue = models.JSONField(default=dict, editable=False)  # slug -> name, as it was
    row_ids = models.JSONField(default=dict, editable=False)  # list key -> [row id, ...]
    content_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="unique_milestone_name_per_project_ci"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("milestone", args=[self.project_id, self.pk])


class Review(models.Model):
    """One member asked to review one milestone, and their answer."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        CHANGES = "changes", "Changes requested"

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    comment = models.TextField(blank=True, max_length=registry.Limit.TEXT)
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "reviewer"], name="one_review_per_member")
        ]

    def __str__(self) -> str:
        return f"Review of {self.milestone_id} by {self.reviewer_id}: {self.state}"
