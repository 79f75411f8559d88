"""Admin for what the apps share: the heartbeats of the background processes and the calendar corrections."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.models import Heartbeat, WorkdayOverride


class HistoryAdmin(SimpleHistoryAdmin):
    """An admin with the object's change history to read, never to revert: an old version saved back
    would move an issue's or a task's workflow (and any other rule) around the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PhotoPreviewMixin:
    """Shows a photo (``IssuePhoto``, ``ProgressPhoto``) as its thumbnail linked to the full image, both
    through the app's permission-checked photo routes: the stored file itself is never served."""

    @admin.display(description=_("photo"))
    def preview(self, photo) -> str:
        if not photo or not photo.pk:
            return "-"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img src="{}" alt="{}" height="80" loading="lazy"></a>',
            photo.url,
            photo.thumbnail_url,
            _("photo"),
        )


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    """Heartbeats are written by the processes themselves; here they are only read (or cleared)."""

    list_display = ("name", "beat_at")
    search_fields = ("name",)
    date_hierarchy = "beat_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    search_fields = ("note",)
    date_hierarchy = "date"
