"""Admin for the checklist, the inspection rounds, and the issues found with their photos."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.admin import DepartmentKindFilter
from core.admin import HistoryAdmin, PhotoPreviewMixin
from inspections.models import Criterion, Inspection, Issue, IssuePhoto, StageClock, Suspension
from inspections.services import issue_delete


@admin.register(Criterion)
class CriterionAdmin(HistoryAdmin):
    list_display = (
        "code",
        "category",
        "title",
        "points",
        "lead",
        "default_department",
        "dispatch_limit",
        "rectify_limit",
        "verify_limit",
        "is_active",
    )
    list_display_links = ("code", "title")
    list_filter = ("category", "lead", "is_active")
    list_select_related = ("default_department",)
    search_fields = ("code", "category", "title", "requirement")
    autocomplete_fields = ("default_department", "assisting_departments")


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "kind", "team", "leader", "date", "end_date", "campaign", "issue_count")
    list_display_links = ("code", "title")
    list_filter = ("kind", "campaign")
    list_select_related = ("leader", "campaign")
    search_fields = ("code", "title", "team", "scope")
    autocomplete_fields = ("campaign", "leader", "members", "grids")
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(issue_count=Count("issues"))

    @admin.display(description=_("issues"), ordering="issue_count")
    def issue_count(self, obj: Inspection) -> int:
        return obj.issue_count


class IssuePhotoInline(PhotoPreviewMixin, admin.TabularInline):
    """An issue's evidence, as filed and as rectified: added only with its workflow step (pages, API),
    where each photo is checked and re-encoded; never replaced or removed here."""

    model = IssuePhoto
    fields = ("stage", "preview", "uploaded_by", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# An issue's workflow, moved only by the services of its steps (dispatch, start, submit, verify, ...).
WORKFLOW_FIELDS = (
    "department",
    "status",
    "deadline",
    "rectification_task",
    "dispatched_at",
    "submitted_at",
    "closed_at",
    "rework_count",
    "rectification_note",
    "return_reason",
    "clock_stage",
    "clock_started_at",
    "clock_due_at",
    "clock_yellow_at",
    "clock_suspended_at",
)


@admin.register(Issue)
class IssueAdmin(HistoryAdmin):
    """Issues, read and lightly corrected; filed and moved through their workflow on the pages and the API."""

    list_display = (
        "code",
        "place",
        "grid",
        "criterion",
        "points",
        "department",
        "status",
        "reported_at",
        "deadline",
        "rework_count",
    )
    list_filter = (
        "status",
        "source",
        "clock_stage",
        "campaign",
        "inspection__kind",
        "criterion__category",
        DepartmentKindFilter,
    )
    list_select_related = ("place", "grid", "criterion", "department")
    search_fields = ("code", "description", "place__name", "place__code", "grid__name", "criterion__code")
    autocomplete_fields = (
        "campaign",
        "inspection",
        "place",
        "grid",
        "criterion",
        "department",
        "reported_by",
        "rectification_task",
    )
    date_hierarchy = "reported_at"
    fieldsets = (
        (None, {"fields": ("code", "source", "campaign", "inspection", "criterion", "description", "points")}),
        (_("Location"), {"fields": ("place", "grid", "latitude", "longitude")}),
        (_("Reporting"), {"fields": ("reported_by", "reported_at")}),
        (
            _("Rectification"),
            {"fields": WORKFLOW_FIELDS},
        ),
    )
    # Filing decides these (the criterion's points, the place's grid, the reporter and the time); the
    # workflow's steps move the rest. The admin corrects only the words and the location.
    readonly_fields = (
        "code",
        "source",
        "campaign",
        "criterion",
        "points",
        "place",
        "grid",
        "reported_by",
        "reported_at",
        *WORKFLOW_FIELDS,
    )
    inlines = (IssuePhotoInline,)

    def has_add_permission(self, request) -> bool:
        # Issues are filed on the filing page or through the API, which route and time them.
        return False

    def delete_model(self, request, obj) -> None:
        issue_delete(issue=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for issue in queryset:
            issue_delete(issue=issue, actor=request.user)


@admin.register(IssuePhoto)
class IssuePhotoAdmin(PhotoPreviewMixin, admin.ModelAdmin):
    """Photos are evidence: listed and viewed here, added only with their workflow step."""

    list_display = ("preview", "issue", "stage", "uploaded_by", "created")
    fields = ("preview", "issue", "stage", "uploaded_by", "created")
    readonly_fields = fields
    list_filter = ("stage",)
    list_select_related = ("issue__place", "uploaded_by")
    search_fields = ("image", "issue__code", "issue__place__name")
    autocomplete_fields = ("issue", "uploaded_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    date_hierarchy = "created"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the workflow's services write (clocks, suspensions): read here, moved only by their steps."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StageClock)
class StageClockAdmin(ReadOnlyAdmin):
    """Every run of every stage's clock: when due, when stopped, whether late, how long suspended."""

    list_display = ("issue", "stage", "department", "limit", "started_at", "due_at", "stopped_at", "overdue")
    list_filter = ("stage", "overdue")
    list_select_related = ("issue", "department")
    search_fields = ("issue__code",)
    date_hierarchy = "started_at"


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    """Suspensions (挂起) asked for, decided and released on the issue's page and through the API."""

    list_display = ("issue", "status", "requested_by", "created", "decided_by", "started_at", "released_at")
    list_filter = ("status",)
    list_select_related = ("issue", "requested_by", "decided_by")
    search_fields = ("issue__code", "reason")
    date_hierarchy = "created"
