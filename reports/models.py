"""The weekly accountability workbook, stored once per week (the read side's only table)."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def weekly_report_path(instance: "WeeklyReport", filename: str) -> str:
    """A random name: the workbook lists people and their overdue work, so its URL must not be guessable.
    Downloads go through the permission-checked view, which gives the file its readable name."""
    return f"reports/weekly/{instance.week_start:%Y}/{uuid.uuid4().hex}.xlsx"


class WeeklyReport(BackgroundJob):
    """The weekly accountability workbook (问责周报) of one Monday-to-Sunday week: built by Celery beat
    on Monday mornings for the week just ended, or on demand by a leader, and kept for download.

    There is one row per week: building a week again replaces its file. While a build runs, its
    progress (rows written of the rows to write) is kept here for the report's page to show."""

    # The newest build of a week wins: a build started while another runs (a message delivered again
    # after its worker died, the command) takes the week over, and the older build stops unstored.
    TAKEN_OVER_BY_NEW_RUNS = True

    week_start = models.DateField(_("week"), unique=True, help_text=_("The Monday the week begins with."))
    file = models.FileField(_("file"), upload_to=weekly_report_path, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="weekly_reports",
        help_text=_("Empty when built automatically (the Monday schedule or the command)."),
    )
    figures = models.JSONField(
        _("headline figures"),
        default=dict,
        blank=True,
        help_text=_("The week's key figures, as the e-mail shows them."),
    )
    emailed_at = models.DateTimeField(
        _("e-mailed to leaders at"),
        null=True,
        blank=True,
        help_text=_("Each week is e-mailed to the leaders once; clear this to let it be sent again."),
    )

    class Meta:
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week_label

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)

    @property
    def week_label(self) -> str:
        """The ISO week, e.g. ``2018-W09`` (what ``--week`` and the build form take)."""
        year, week, _weekday = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def filename(self) -> str:
        """The name the download and the e-mail attachment carry."""
        return f"创城问责周报-{self.week_label}.xlsx"
