"""Admin for campaigns, pledges, their targets, and the tasks with their append-only progress."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin import DepartmentKindFilter
from campaign.models import Campaign, Pledge, ProgressPhoto, ProgressReport, Target, Task
from campaign.services import (
    progress_report_check,
    progress_report_create,
    progress_report_delete,
    task_delete,
    task_save,
)
from core.admin import HistoryAdmin, PhotoPreviewMixin
from core.errors import ApplicationError


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
class TargetAdmin(HistoryAdmin):
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
        percent = obj.percent() if getattr(obj, "current_value", None) is not None else None
        return "-" if percent is None else f"{percent}%"


# A task's workflow, moved by the services only; a rectification task also follows its issue.
WORKFLOW_FIELDS = ("status", "percent", "completed_at")
RECTIFICATION_FIELDS = ("kind", "due_date", "department")


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return (("yes", _("Overdue")), ("no", _("Not overdue")))

    def queryset(self, request, queryset):
        overdue = Task.objects.overdue(timezone.now()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


class ProgressReportForm(forms.ModelForm):
    """A progress report added in the admin: checked by the rules of ``progress_report_create()``, which
    saves it (see ``TaskAdmin.save_formset``), so that a refusal shows on the form and nothing is saved."""

    class Meta:
        model = ProgressReport
        fields = ("percent", "quantity", "note", "is_final")

    def clean(self) -> dict:
        data = super().clean()
        task = self.instance.task if self.instance.task_id else None
        if task is not None and self.instance.pk is None and self.has_changed():
            try:
                progress_report_check(
                    task=task,
                    percent=data.get("percent"),
                    quantity=data.get("quantity"),
                    note=data.get("note") or "",
                    is_final=bool(data.get("is_final")),
                )
            except ApplicationError as error:
                raise forms.ValidationError(error.message, code=error.code) from None
        return data


class ProgressReportInline(admin.TabularInline):
    """A task's progress log: new reports are added through the same service as the pages and the API
    (the author is whoever adds them); existing ones are never changed or removed."""

    model = ProgressReport
    form = ProgressReportForm
    fields = ("created", "author", "percent", "quantity", "note", "is_final")
    readonly_fields = ("created", "author")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        # No progress on a closed task, as on the pages.
        return obj is not None and obj.status in Task.OPEN_STATUSES and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Task)
class TaskAdmin(HistoryAdmin):
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
        return super().get_queryset(request).with_overdue(timezone.now())

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        # Where a task stands moves only through its progress (and, for a rectification, through its
        # issue's workflow): never typed in here.
        fields = ("created_by", *WORKFLOW_FIELDS)
        if obj is not None and obj.kind == Task.Kind.RECTIFICATION:
            fields += RECTIFICATION_FIELDS
        return fields

    @admin.display(description=_("overdue"), boolean=True, ordering="is_overdue")
    def overdue(self, obj: Task) -> bool:
        return obj.is_overdue

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        task_save(task=obj)

    def delete_model(self, request, obj):
        task_delete(task=obj)

    def delete_queryset(self, request, queryset):
        for task in queryset:
            task_delete(task=task)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressReport:
            super().save_formset(request, form, formset, change)
            return
        # Only new reports reach here (the inline cannot change old ones): each goes through the service.
        added = []
        for report_form in formset.extra_forms:
            if not report_form.has_changed():
                continue
            data = report_form.cleaned_data
            added.append(
                progress_report_create(
                    task=form.instance,
                    author=request.user,
                    percent=data.get("percent"),
                    quantity=data.get("quantity"),
                    note=data.get("note") or "",
                    is_final=bool(data.get("is_final")),
                )
            )
        # What ``formset.save()`` would have recorded, for the admin's change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = added, [], []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            # Rectification tasks are opened by dispatching an issue, never by hand.
            kwargs["choices"] = [choice for choice in Task.Kind.choices if choice[0] != Task.Kind.RECTIFICATION]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class ProgressPhotoInline(PhotoPreviewMixin, admin.TabularInline):
    """Photos come with their report from the pages or the API, where each is checked and re-encoded."""

    model = ProgressPhoto
    fields = ("preview", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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

    def has_add_permission(self, request) -> bool:
        # Added from its task's page (the inline there goes through the service) or by the pages and API.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def delete_model(self, request, obj) -> None:
        progress_report_delete(report=obj)

    def delete_queryset(self, request, queryset) -> None:
        for report in queryset:
            progress_report_delete(report=report)


@admin.register(ProgressPhoto)
class ProgressPhotoAdmin(PhotoPreviewMixin, admin.ModelAdmin):
    """Photos are evidence: listed and viewed here, added only with their report."""

    list_display = ("preview", "report", "created")
    fields = ("preview", "report", "created")
    readonly_fields = fields
    list_select_related = ("report__task",)
    search_fields = ("image", "report__task__code", "report__task__title")
    autocomplete_fields = ("report",)
    date_hierarchy = "created"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


from campaign import admin_reminders  # noqa: F401,E402
