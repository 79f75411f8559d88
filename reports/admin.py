"""Admin for the weekly accountability workbooks: built by Celery, so here they are read, and
``emailed_at`` may be cleared so that the next scheduled build sends the week again."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reports.models import WeeklyReport


@admin.register(WeeklyReport)
class WeeklyReportAdmin(admin.ModelAdmin):
    list_display = ("week_label", "week_start", "status", "progress", "file_size", "requested_by", "finished_at")
    list_filter = ("status",)
    list_select_related = ("requested_by",)
    date_hierarchy = "week_start"
    fields = (
        "week_start",
        "status",
        "file",
        "file_size",
        "progress_done",
        "progress_total",
        "figures",
        "requested_by",
        "started_at",
        "finished_at",
        "error",
        "emailed_at",
        "created",
        "updated",
    )
    readonly_fields = tuple(name for name in fields if name != "emailed_at")

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("week"), ordering="week_start")
    def week_label(self, report: WeeklyReport) -> str:
        return report.week_label

    @admin.display(description=_("progress"))
    def progress(self, report: WeeklyReport) -> str:
        return f"{report.percent}%"
