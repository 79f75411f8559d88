"""Celery tasks of the reports app: thin, they take a week or an id and call the services.

Both are idempotent (a build replaces its week's file; the e-mail is claimed once per week), so
they acknowledge late: a worker that dies mid-task has its message delivered again, harmlessly.
"""

import logging

from celery import shared_task
from django.utils import timezone

from reports.models import WeeklyReport
from reports.services import iso_week_start, weekly_report_build, weekly_report_default_week, weekly_report_send

logger = logging.getLogger(__name__)


@shared_task(name="reports.tasks.build_weekly_report", acks_late=True)
def build_weekly_report(week: str | None = None, report_id: int | None = None, send: bool = True) -> dict:
    """Build a week's accountability workbook and store it.

    Beat runs it on Mondays at 08:00 with no arguments: the week just ended, e-mailed to the
    leaders. A leader's page passes the ``report_id`` it queued and ``send=False``; ``week``
    (``YYYY-Www``) builds any other week."""
    requested_by = None
    if report_id is not None:
        queued = WeeklyReport.objects.select_related("requested_by").filter(pk=report_id).first()
        if queued is None:
            logger.warning("Weekly report %s does not exist; nothing to build.", report_id)
            return {"report": report_id, "status": "missing"}
        week_start, requested_by = queued.week_start, queued.requested_by
    elif week:
        week_start = iso_week_start(week)
    else:
        week_start = weekly_report_default_week(today=timezone.localdate())
    report = weekly_report_build(week_start=week_start, requested_by=requested_by)
    if send:
        send_weekly_report.delay(report.pk)
    return {"report": report.pk, "week": report.week_label, "status": report.status, "bytes": report.file_size}


@shared_task(
    name="reports.tasks.send_weekly_report",
    acks_late=True,
    # SMTP errors are OSErrors: 1, 2, 4, 8, 10 min (with jitter), well under the broker's visibility timeout.
    autoretry_for=(OSError,),
    retry_backoff=60,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=5 * 60,
    time_limit=6 * 60,
)
def send_weekly_report(report_id: int) -> int:
    """E-mail a built workbook to the leaders (once per week); returns the messages sent."""
    report = WeeklyReport.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("Weekly report %s does not exist; nothing to send.", report_id)
        return 0
    return weekly_report_send(report=report)
