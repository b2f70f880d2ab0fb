"""Admin for the planner: staff curate the shared catalogue and can inspect any plan.

Plans are edited in the app (versioned saves, activity); in the admin their rows
are listed for support and debugging, reachable from the project page.
"""

from django.contrib import admin

from planner import activity
from planner.models import (
    Activity,
    Boundary,
    CatalogueEntry,
    Comment,
    CommentThread,
    Context,
    CoreQuestion,
    Decision,
    Dismissal,
    Entity,
    ImprovementItem,
    JourneyStep,
    LevelAnswer,
    Milestone,
    Operation,
    PlanPart,
    Project,
    ProjectFindings,
    Relationship,
    Report,
    Review,
    ShareLink,
    TechniqueChoice,
)


class SharedOrTeamFilter(admin.SimpleListFilter):
    title = "catalogue"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("shared", "Shared catalogue"), ("team", "Teams' own entries")]

    def queryset(self, request, queryset):
        if self.value() == "shared":
            return queryset.filter(team=None)
        if self.value() == "team":
            return queryset.exclude(team=None)
        return queryset


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "category", "complexity", "from_guide", "team"]
    list_filter = [SharedOrTeamFilter, "kind", "category", "complexity", "from_guide"]
    search_fields = ["name", "slug", "summary", "problems"]
    list_select_related = ["team"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["team"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "team", "kind", "category", "complexity"]}),
        ("Guidance", {"fields": ["summary", "problems", "when_to_use", "when_not_to"]}),
        ("Provenance", {"fields": ["builtin_platforms", "from_guide"]}),
    ]


class ContextInline(admin.StackedInline):
    model = Context
    extra = 0
    can_delete = False


class LevelAnswerInline(admin.TabularInline):
    model = LevelAnswer
    extra = 0
    fields = ["level", "status", "skip_reason", "version"]
    readonly_fields = ["version"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "created_by", "updated_at", "archived"]
    list_filter = ["archived", "updated_at"]
    search_fields = ["name", "description", "team__name"]
    list_select_related = ["team", "created_by"]
    autocomplete_fields = ["team"]
    readonly_fields = ["created_by", "created_at", "updated_at", "version", "summary"]
    inlines = [ContextInline, LevelAnswerInline]


class PlanRowAdmin(admin.ModelAdmin):
    """Rows of a plan: listed per project, searched by name."""

    list_display = ["name", "project"]
    list_filter = []
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["version"]


@admin.register(JourneyStep)
class JourneyStepAdmin(PlanRowAdmin):
    list_display = ["name", "project", "timing", "updates", "offline"]
    list_filter = ["timing", "updates", "offline"]


@admin.register(Boundary)
class BoundaryAdmin(PlanRowAdmin):
    list_display = ["name", "project", "reason"]
    list_filter = ["reason"]


@admin.register(Operation)
class OperationAdmin(PlanRowAdmin):
    list_display = ["name", "project", "category", "boundary", "latency"]
    list_filter = ["category", "latency"]
    list_select_related = ["project", "boundary"]
    raw_id_fields = ["project", "boundary"]
    filter_horizontal = ["entities"]


@admin.register(Entity)
class EntityAdmin(PlanRowAdmin):
    list_display = ["name", "project", "source_of_truth", "boundary", "concurrency"]
    list_filter = ["concurrency"]
    list_select_related = ["project", "boundary"]
    raw_id_fields = ["project", "boundary"]


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "cardinality"]
    list_filter = ["cardinality"]
    search_fields = ["source__name", "target__name", "project__name"]
    list_select_related = ["project", "source", "target"]
    raw_id_fields = ["project", "source", "target"]
    readonly_fields = ["version"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["entry", "status", "project"]
    list_filter = ["status", "entry__kind"]
    search_fields = ["entry__name", "project__name", "problem", "rationale"]
    list_select_related = ["project", "entry"]
    raw_id_fields = ["project", "entry", "journey_step", "operation", "entity", "relationship"]
    readonly_fields = ["version"]


@admin.register(TechniqueChoice)
class TechniqueChoiceAdmin(admin.ModelAdmin):
    list_display = ["entry", "status", "project"]
    list_filter = ["status"]
    search_fields = ["entry__name", "project__name", "notes"]
    list_select_related = ["project", "entry"]
    raw_id_fields = ["project", "entry"]
    readonly_fields = ["version"]


@admin.register(CoreQuestion)
class CoreQuestionAdmin(admin.ModelAdmin):
    list_display = ["key", "project"]
    list_filter = ["key"]
    search_fields = ["project__name", "answer"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["version"]


@admin.register(Dismissal)
class DismissalAdmin(admin.ModelAdmin):
    list_display = ["finding_key", "project", "dismissed_by", "dismissed_at"]
    search_fields = ["finding_key", "reason", "project__name"]
    list_select_related = ["project", "dismissed_by"]
    raw_id_fields = ["project", "dismissed_by"]


@admin.register(ProjectFindings)
class ProjectFindingsAdmin(admin.ModelAdmin):
    list_display = ["project", "step", "at"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # recomputed from the plan on every save


@admin.register(PlanPart)
class PlanPartAdmin(admin.ModelAdmin):
    list_display = ["project_id", "part", "stamp"]
    search_fields = ["=project_id"]

    def has_add_permission(self, request) -> bool:
        return False  # written by the database's triggers on every change

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["summary", "project", "user", "at"]
    list_filter = ["at"]
    search_fields = ["summary", "project__name", "user__email"]
    list_select_related = ["project", "user"]
    raw_id_fields = ["project", "user"]
    date_hierarchy = "at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a log: read it, do not rewrite it


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """Tokens are stored only as hashes; the admin can revoke, never reveal."""

    list_display = ["__str__", "project", "created_at", "expires_at", "revoked_at", "use_count"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["label", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "created_by", "milestone"]
    readonly_fields = ["token_hash", "created_at", "use_count", "last_used_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "project", "status", "progress", "created_at"]
    list_filter = ["status"]
    search_fields = ["project__name", "content_hash"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "requested_by"]
    exclude = ["pdf"]
    readonly_fields = ["content_hash", "status", "progress", "error", "created_at", "updated_at"]


@admin.register(Context)
class ContextAdmin(admin.ModelAdmin):
    list_display = ["project", "scale", "team_size", "platform", "stage"]
    list_filter = ["scale", "team_size", "platform", "stage", "sensitivity"]
    search_fields = ["project__name", "product"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["version"]


@admin.register(LevelAnswer)
class LevelAnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "status"]
    list_filter = ["level", "status"]
    search_fields = ["project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = ["version"]


class ReadAndRemoveAdmin(admin.ModelAdmin):
    """Staff read these and may remove one (abuse, a mistake); a removal is logged, which
    moves the plan's version, so no cached step page keeps showing it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        self.delete_queryset(request, type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        rows = list(queryset.select_related(self.project_path))
        queryset.delete()
        for row in rows:
            project = getattr(row, "project", None) or row.thread.project
            activity.record(project=project, user=request.user, summary=f"removed {row} (admin)")


@admin.register(CommentThread)
class CommentThreadAdmin(ReadAndRemoveAdmin):
    project_path = "project"
    list_display = ["label", "project", "step", "created_by", "created_at", "resolved_at"]
    list_select_related = ["project", "created_by"]
    search_fields = ["label", "project__name"]


@admin.register(Comment)
class CommentAdmin(ReadAndRemoveAdmin):
    project_path = "thread__project"
    list_display = ["__str__", "thread", "author", "created_at"]
    list_select_related = ["thread", "author"]
    search_fields = ["body", "thread__label"]


@admin.register(ImprovementItem)
class ImprovementItemAdmin(ReadAndRemoveAdmin):
    project_path = "project"
    list_display = ["title", "project", "status", "owner", "due"]
    list_select_related = ["project", "owner"]
    list_filter = ["status"]
    search_fields = ["title", "project__name"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    """Frozen on purpose: the admin can rename or delete a milestone, not change its plan."""

    list_display = ["name", "project", "created_by", "created_at"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project", "created_by"]
    raw_id_fields = ["project", "created_by"]
    readonly_fields = ["content_hash", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("document", "findings", "catalogue", "row_ids")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["milestone", "reviewer", "state", "answered_at"]
    list_filter = ["state"]
    list_select_related = ["milestone", "reviewer"]
    raw_id_fields = ["milestone", "reviewer", "requested_by"]
