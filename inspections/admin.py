"""Admin for the checklist, the inspection rounds, and the issues found with their photos."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin import DepartmentKindFilter
from inspections.models import Criterion, Inspection, Issue, IssuePhoto


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "category", "title", "points", "lead", "default_department", "time_limit_days", "is_active")
    list_display_links = ("code", "title")
    list_filter = ("category", "lead", "is_active")
    list_select_related = ("default_department",)
    search_fields = ("code", "category", "title", "requirement")
    autocomplete_fields = ("default_department",)


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


class IssuePhotoInline(admin.TabularInline):
    model = IssuePhoto
    fields = ("stage", "image", "uploaded_by", "created")
    readonly_fields = ("uploaded_by", "created")
    extra = 0


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
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
    list_filter = ("status", "campaign", "inspection__kind", "criterion__category", DepartmentKindFilter)
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
        (None, {"fields": ("code", "campaign", "inspection", "criterion", "description", "points")}),
        (_("Location"), {"fields": ("place", "grid", "latitude", "longitude")}),
        (_("Reporting"), {"fields": ("reported_by", "reported_at")}),
        (
            _("Rectification"),
            {
                "fields": (
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
                )
            },
        ),
    )
    inlines = (IssuePhotoInline,)

    def get_changeform_initial_data(self, request):
        return {"reported_by": request.user.pk, **super().get_changeform_initial_data(request)}

    def save_formset(self, request, form, formset, change):
        if formset.model is not IssuePhoto:
            super().save_formset(request, form, formset, change)
            return
        photos = formset.save(commit=False)
        for photo in photos:
            if photo.uploaded_by_id is None:
                photo.uploaded_by = request.user
            photo.save()
        for photo in formset.deleted_objects:
            photo.delete()
        formset.save_m2m()


@admin.register(IssuePhoto)
class IssuePhotoAdmin(admin.ModelAdmin):
    list_display = ("image", "issue", "stage", "uploaded_by", "created")
    list_filter = ("stage",)
    list_select_related = ("issue__place", "uploaded_by")
    search_fields = ("image", "issue__code", "issue__place__name")
    autocomplete_fields = ("issue", "uploaded_by")
    date_hierarchy = "created"
