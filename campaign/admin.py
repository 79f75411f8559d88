"""Admin for campaigns, pledges, their targets, and the tasks with their append-only progress."""

from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import DepartmentKindFilter
from campaign.models import Campaign, Pledge, ProgressPhoto, ProgressReport, Target, Task


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "start_date", "end_date", "leader")
    list_display_links = ("code", "name")
    list_filter = ("kind",)
    list_select_related = ("leader",)
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("leader",)
    date_hierarchy = "start_date"


class TargetInline(admin.TabularInline):
    model = Target
    fields = ("code", "name", "unit", "baseline", "target_value", "direction", "deadline", "sort_order")
    extra = 0
    show_change_link = True


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ("headline", "department", "speaker", "speaker_title", "date", "campaign", "target_count")
    list_filter = ("campaign", DepartmentKindFilter)
    list_select_related = ("department", "campaign")
    search_fields = ("headline", "statement", "speaker", "department__name")
    autocomplete_fields = ("campaign", "department")
    date_hierarchy = "date"
    inlines = (TargetInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(target_count=Count("targets"))

    @admin.display(description=_("targets"), ordering="target_count")
    def target_count(self, obj: Pledge) -> int:
        return obj.target_count


class PledgeDepartmentKindFilter(DepartmentKindFilter):
    field_path = "pledge__department__kind"


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "department",
        "unit",
        "baseline",
        "target_value",
        "current_value",
        "progress",
        "direction",
        "deadline",
    )
    list_display_links = ("code", "name")
    list_filter = ("direction", "pledge__campaign", PledgeDepartmentKindFilter)
    list_select_related = ("pledge__department",)
    search_fields = ("code", "name", "pledge__headline", "pledge__department__name")
    autocomplete_fields = ("pledge",)
    readonly_fields = ("current_value",)
    date_hierarchy = "deadline"

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_value()

    @admin.display(description=_("department"), ordering="pledge__department__name")
    def department(self, obj: Target):
        return obj.pledge.department

    @admin.display(description=_("current value"), ordering="current_value")
    def current_value(self, obj: Target):
        # Absent on an unsaved target (the add page), which has no progress yet.
        return getattr(obj, "current_value", None)

    @admin.display(description=_("progress"))
    def progress(self, obj: Target) -> str:
        # Baseline to target is 100%, whichever way the target points.
        span = obj.target_value - obj.baseline
        if not span or getattr(obj, "current_value", None) is None:
            return "-"
        return f"{(obj.current_value - obj.baseline) / span:.0%}"


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")), ("no", _("Not overdue")))

    def queryset(self, request, queryset):
        overdue = Task.objects.overdue(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


class ProgressReportInline(admin.TabularInline):
    """A task's progress log: new reports may be added, existing ones are never changed or removed."""

    model = ProgressReport
    fields = ("created", "author", "percent", "quantity", "note", "is_final")
    readonly_fields = ("created", "author")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "title",
        "department",
        "section",
        "accountable",
        "due_date",
        "status",
        "overdue",
        "percent",
        "priority",
        "kind",
    )
    list_display_links = ("code", "title")
    list_filter = (OverdueFilter, "status", "kind", "priority", "campaign", DepartmentKindFilter)
    list_select_related = ("department", "section", "accountable")
    search_fields = (
        "code",
        "title",
        "description",
        "department__name",
        "section__name",
        "accountable__last_name",
        "accountable__first_name",
    )
    autocomplete_fields = ("campaign", "department", "section", "accountable", "target", "places", "grids")
    readonly_fields = ("created_by",)
    date_hierarchy = "due_date"
    fieldsets = (
        (None, {"fields": ("campaign", "code", "title", "description", "kind", "priority")}),
        (_("Responsibility"), {"fields": ("department", "section", "accountable")}),
        (_("Scope"), {"fields": ("target", "places", "grids")}),
        (_("Schedule and status"), {"fields": ("start_date", "due_date", "status", "percent", "completed_at")}),
        (None, {"fields": ("created_by",)}),
    )
    inlines = (ProgressReportInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).with_overdue(timezone.localdate())

    @admin.display(description=_("overdue"), boolean=True, ordering="is_overdue")
    def overdue(self, obj: Task) -> bool:
        return obj.is_overdue

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressReport:
            super().save_formset(request, form, formset, change)
            return
        # Only new reports reach here (the inline cannot change old ones); their author is whoever adds them.
        for report in formset.save(commit=False):
            report.author = request.user
            report.save()
        formset.save_m2m()


class ProgressPhotoInline(admin.TabularInline):
    model = ProgressPhoto
    fields = ("image", "created")
    readonly_fields = ("created",)
    extra = 0


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    """Progress is append-only: a report is added, viewed, and (by a superuser only) deleted."""

    list_display = ("task", "created", "author", "percent", "quantity", "is_final")
    list_filter = ("is_final", "task__campaign")
    list_select_related = ("task", "author")
    search_fields = ("task__code", "task__title", "note")
    autocomplete_fields = ("task", "author")
    date_hierarchy = "created"
    inlines = (ProgressPhotoInline,)

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    list_display = ("image", "report", "created")
    list_select_related = ("report__task",)
    search_fields = ("image", "report__task__code", "report__task__title")
    autocomplete_fields = ("report",)
    date_hierarchy = "created"


from campaign import admin_reminders  # noqa: F401,E402
