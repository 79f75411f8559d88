"""Admin for what the apps share: the heartbeats of the background processes."""

from django.contrib import admin

from core.models import Heartbeat


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
