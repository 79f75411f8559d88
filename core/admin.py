"""Admin for what the apps share: the heartbeats of the background processes and the calendar corrections."""

from django.contrib import admin

from core.models import Heartbeat, WorkdayOverride


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
