"""Writes of the reports app: building, storing and sending the weekly accountability workbook.

    weekly_report_request ──on commit──▶ reports.tasks.build_weekly_report ──▶ weekly_report_build
        (a leader's page)                 (or Celery beat, Mondays 08:00)          │
                                                                                     ▼
                          reports.tasks.send_weekly_report ◀── scheduled builds ── stored file
                                   └──▶ weekly_report_send: e-mail to the leaders, once per week

Building is idempotent: one ``WeeklyReport`` row per week, whose file a new build replaces. A build
claims its week (``core.jobs``); a newer build takes it over, and the older one stops unstored.
"""

import datetime
import logging
import re
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from core.errors import ApplicationError
from core.jobs import JobLost, job_claim, job_fail, job_finish, job_progress
from core.services import enqueue
from reports.models import XLSX_CONTENT_TYPE, WeeklyReport
from reports.selectors import Period
from reports.workbook import Progress, week_label, weekly_workbook_write

logger = logging.getLogger(__name__)

ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
Status = WeeklyReport.Status


# ---------------------------------------------------------------------------------------------
# Weeks


def iso_week_start(value: str) -> datetime.date:
    """The Monday of an ISO week written ``YYYY-Www`` (as ``<input type="week">`` sends it), or of the
    week of a day written ``YYYY-MM-DD`` (as the date picker sends it where a browser has no week picker).

    Raises ``ApplicationError`` for anything else, or for a week the year does not have."""
    value = (value or "").strip()
    match = ISO_WEEK.match(value)
    if match is None:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            raise ApplicationError(
                _("“%(value)s” is not a week: pick one with the week picker.") % {"value": value},
                code="invalid_week",
            ) from None
        return day - datetime.timedelta(days=day.weekday())
    year, week = int(match.group(1)), int(match.group(2))
    try:
        return datetime.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ApplicationError(
            _("“%(value)s” is not a week: %(year)s has no week %(week)s.")
            % {"value": value, "year": year, "week": week},
            code="invalid_week",
        ) from None


def weekly_report_default_week(*, today: datetime.date) -> datetime.date:
    """The week a Monday-morning build reports on: the Monday-to-Sunday week before ``today``'s."""
    return Period.of(Period.LAST_WEEK, today=today).start


def weekly_report_week(*, week_start: datetime.date) -> datetime.date:
    """The Monday of the week containing ``week_start``; a week that has not begun is refused."""
    monday = Period.week(day=week_start).start
    if monday > Period.week(day=timezone.localdate()).start:
        raise ApplicationError(
            _("Week %(week)s has not begun yet.") % {"week": week_label(monday)}, code="week_in_future"
        )
    return monday


# ---------------------------------------------------------------------------------------------
# Building


def weekly_report_request(*, week_start: datetime.date, requested_by: User) -> WeeklyReport:
    """Queue a build of a week's workbook for a leader, to run on a Celery worker.

    A build of that week already waiting or running is returned as it is (a second click starts
    nothing), unless it has outlived the task time limit, when its worker must have died."""
    week_start = weekly_report_week(week_start=week_start)
    with transaction.atomic():
        report, created = WeeklyReport.objects.select_for_update().get_or_create(week_start=week_start)
        if not created and report.is_in_progress and not report.is_stuck:
            return report
        report.status = Status.PENDING
        report.requested_by = requested_by
        report.progress_done = report.progress_total = 0
        report.error = ""
        report.save(update_fields=["status", "requested_by", "progress_done", "progress_total", "error", "updated"])
        transaction.on_commit(lambda: _enqueue_build(report.pk))
    return report


def _enqueue_build(report_id: int) -> None:
    """Queue the build; with the broker down, fail the report at once, so that the leader may try again
    (a report left waiting would refuse a new build until it counts as stuck)."""
    from reports.tasks import build_weekly_report  # the tasks module imports this one

    error = enqueue(build_weekly_report, report_id=report_id, send=False)
    if error is not None:
        logger.warning("Could not queue the build of weekly report %s: %s", report_id, error)
        job_fail(WeeklyReport, pk=report_id, run=None, error=f"Not queued, the broker is unavailable: {error}")


def weekly_report_build(
    *, week_start: datetime.date, requested_by: User | None = None, progress: Progress | None = None
) -> WeeklyReport:
    """Build the workbook of the week containing ``week_start`` and store it as that week's
    ``WeeklyReport``, replacing (and deleting) the file of an earlier build. Safe to run again, and
    twice at once: the build started last takes the week over, and the other stops without storing.

    Rows written are kept on the record as they go (for the progress bar) and passed on to
    ``progress(done, total)``. A build that fails is recorded as failed, and the error re-raised."""
    week_start = weekly_report_week(week_start=week_start)
    report, _created = WeeklyReport.objects.get_or_create(week_start=week_start)
    run = job_claim(WeeklyReport, pk=report.pk, requested_by=requested_by)  # a week is always claimed
    report.refresh_from_db()

    def record(done: int, total: int) -> None:
        job_progress(WeeklyReport, pk=report.pk, run=run, done=done, total=total)
        if progress is not None:
            progress(done, total)

    try:
        # A temporary file, not memory: the finished workbook is streamed on into the storage.
        with tempfile.TemporaryFile(suffix=".xlsx") as stream:
            facts = weekly_workbook_write(
                stream, week_start=week_start, generated_at=report.started_at, progress=record
            )
            size = stream.tell()
            stream.seek(0)
            with transaction.atomic():
                # First the claim's row, locked until the file is stored: a newer build waits, or has won.
                finished = job_finish(
                    WeeklyReport,
                    pk=report.pk,
                    run=run,
                    file_size=size,
                    figures=facts.figures,
                    progress_done=facts.total_rows,
                    progress_total=facts.total_rows,
                )
                if not finished:
                    raise JobLost(f"weekly report {report.pk} is no longer held by run {run}")
                report.refresh_from_db()
                replaced = report.file.name
                report.file.save(report.filename, File(stream), save=False)
                report.save(update_fields=["file", "updated"])
                storage = report.file.storage
                if replaced and replaced != report.file.name:
                    transaction.on_commit(lambda: storage.delete(replaced))
    except JobLost:
        logger.info("The build of %s stops: a newer build has taken the week over.", week_label(week_start))
        report.refresh_from_db()
        return report
    except Exception as exc:
        logger.exception("The weekly report of %s failed", week_label(week_start))
        job_fail(WeeklyReport, pk=report.pk, run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    logger.info(
        "Built the weekly report of %s: %d rows, %d bytes", report.week_label, facts.total_rows, report.file_size
    )
    return report


# ---------------------------------------------------------------------------------------------
# Sending


def weekly_report_recipients() -> list[User]:
    """Who receives the workbook by e-mail: active leaders with an address."""
    return list(
        User.objects.filter(groups__name=Role.LEADER, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def weekly_report_send(*, report: WeeklyReport) -> int:
    """E-mail a built workbook to the leaders, as an attachment with a Chinese text and HTML body.

    Sent once per week: the report is claimed by a conditional update, so a redelivered task (or
    a second worker) sends nothing. If sending fails the claim is released and the error raised,
    so that the caller may retry. Returns the number of messages sent."""
    recipients = weekly_report_recipients()
    if not recipients or not report.file:
        return 0
    claimed = WeeklyReport.objects.filter(pk=report.pk, status=Status.SUCCEEDED, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return 0
    try:
        with report.file.open("rb") as file:
            content = file.read()
        with translation.override(settings.LANGUAGE_CODE):
            messages = []
            for recipient in recipients:
                context = {"report": report, "recipient": recipient, "figures": report.figures}
                message = EmailMultiAlternatives(
                    subject=" ".join(render_to_string("email/weekly-report-subject.txt", context).split()),
                    body=render_to_string("email/weekly-report-body.txt", context),
                    to=[recipient.email],
                )
                message.attach_alternative(render_to_string("email/weekly-report-body.html", context), "text/html")
                message.attach(report.filename, content, XLSX_CONTENT_TYPE)
                messages.append(message)
            with get_connection() as connection:
                sent = connection.send_messages(messages) or 0
    except Exception:
        WeeklyReport.objects.filter(pk=report.pk).update(emailed_at=None)
        raise
    return sent
