"""Writes of the campaign app: progress on tasks."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaign.models import ProgressPhoto, ProgressReport, Task
from core.errors import ApplicationError, Conflict
from core.history import history_author
from core.images import Photo


def progress_report_check(
    *, task: Task, percent: int | None = None, quantity: Decimal | None = None, note: str = "", is_final: bool = False
) -> None:
    """Raise ``ApplicationError`` if ``progress_report_create()`` would refuse this report — for forms
    (the admin's) that show the refusal on the field's page before anything is saved."""
    note = note.strip()
    if percent is None and quantity is None and not note:
        raise ApplicationError(_("Report a percentage, a quantity or a note."), code="empty_report")
    if percent is not None and not 0 <= percent <= 100:
        raise ApplicationError(_("The percentage must be between 0 and 100."), code="invalid_percent")
    if quantity is not None and quantity < 0:
        raise ApplicationError(_("The quantity cannot be negative."), code="invalid_quantity")
    if quantity is not None and task.target_id is None:
        raise Conflict(_("This task counts toward no target, so it takes no quantity."), code="no_target")
    if is_final and percent is not None and percent < 100:
        raise ApplicationError(_("A final report means the task is complete: 100%."), code="final_below_100")
    if is_final and not note:
        raise ApplicationError(_("A final report needs a note on what was done."), code="final_needs_note")
    if is_final and task.kind == Task.Kind.RECTIFICATION:
        raise Conflict(
            _("A rectification task is completed by submitting the rectification of its issue."),
            code="rectification_completes_via_issue",
        )
    _check_open(task)


def _check_open(task: Task) -> None:
    if task.status in Task.CLOSED_STATUSES:
        raise Conflict(
            _("This task is %(status)s; no more progress can be reported.") % {"status": task.get_status_display()},
            code="task_closed",
        )


def progress_report_create(
    *,
    task: Task,
    author: User,
    percent: int | None = None,
    quantity: Decimal | None = None,
    note: str = "",
    photos: list[Photo] = (),
    is_final: bool = False,
) -> ProgressReport:
    """Log progress on a task: from the pages, the API and the admin alike. A final report completes
    the task; the target's current value, being the sum of reported quantities, moves with the same
    commit; the task's percentage is the latest one reported."""
    note = note.strip()
    progress_report_check(task=task, percent=percent, quantity=quantity, note=note, is_final=is_final)

    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        _check_open(task)  # again, under the lock: it may have closed meanwhile
        report = ProgressReport.objects.create(
            task=task,
            author=author,
            percent=100 if is_final and percent is None else percent,
            quantity=quantity,
            note=note,
            is_final=is_final,
        )
        for photo in photos:
            ProgressPhoto.objects.create(report=report, image=photo.image, thumbnail=photo.thumbnail)

        fields = ["updated"]
        if report.percent is not None:
            task.percent = report.percent
            fields.append("percent")
        if is_final:
            task.status = Task.Status.DONE
            task.completed_at = timezone.now()
            fields += ["status", "completed_at"]
        elif task.status == Task.Status.TODO:
            task.status = Task.Status.IN_PROGRESS
            fields.append("status")
        history_author(task, actor=author, reason=_("Progress reported"))
        task.save(update_fields=fields)
    return report
