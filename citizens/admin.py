"""Admin of the citizens' channel: administrators edit the public categories and the Open311 partners; reports,
回访 answers and publications are read here and changed only through the office's pages (the services)."""

from django.contrib import admin

from citizens.models import Followup, Partner, PublicCategory, PublicIssue, PublicPhoto, Report


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services: to read, never to add or change here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PublicCategory)
class PublicCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "criterion", "duplicate_radius_m", "duplicate_window_days", "order", "is_active")
    list_editable = ("order", "is_active")
    list_select_related = ("criterion",)
    search_fields = ("name", "criterion__code", "criterion__title")
    autocomplete_fields = ("criterion",)


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "created")
    readonly_fields = ("key",)
    fields = ("name", "is_active", "key")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("tracking_code", "category", "status", "grid", "channel", "created")
    list_filter = ("status", "channel", "category")
    list_select_related = ("category", "grid")
    search_fields = ("tracking_code", "description", "phone")
    date_hierarchy = "created"


@admin.register(Followup)
class FollowupAdmin(ReadOnlyAdmin):
    list_display = ("report", "issue", "department", "answer", "channel", "review", "created")
    list_filter = ("answer", "channel", "review")
    list_select_related = ("report", "issue", "department")


@admin.register(PublicIssue)
class PublicIssueAdmin(admin.ModelAdmin):
    list_display = ("issue", "marked_by", "created")
    list_select_related = ("issue", "marked_by")
    autocomplete_fields = ("issue",)
    readonly_fields = ("marked_by",)

    def save_model(self, request, obj, form, change) -> None:
        obj.marked_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PublicPhoto)
class PublicPhotoAdmin(admin.ModelAdmin):
    """Published photos: to read, or to take down (deleting the row deletes its public copy)."""

    list_display = ("token", "issue", "approved_by", "created")
    list_select_related = ("issue", "approved_by")
    readonly_fields = ("issue", "image", "token", "source", "approved_by", "created")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        obj.image.delete(save=False)
        super().delete_model(request, obj)
