"""Writes of the campaign app: tasks made, changed or removed by hand, and progress on them. Each keeps the
campaign's rollups (``campaign.rollups``) in its transaction."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaign.models import ProgressPhoto, ProgressReport, Task
from campaign.rollups import TaskFacts, progress_totals_add, task_rollups_move, task_target_moved
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
    _check_going_back(task, percent=percent, note=note)


def _check_going_back(task: Task, *, percent: int | None, note: str) -> None:
    """Progress that goes backwards (42 % → 10 %) happens — work redone, an earlier figure too high —
    but never without a word: the note says why, and the timeline marks the report. A conflict with the
    task's state (409 in the API): the same report on a task further behind is fine."""
    if percent is not None and percent < task.percent and not note:
        raise Conflict(
            _("The percentage goes back from %(before)s%% to %(after)s%%: say why in the note.")
            % {"before": task.percent, "after": percent},
            code="going_back_needs_note",
        )


def _check_open(task: Task) -> None:
    # Only a task in its owner's hands takes progress: not a closed one, nor one awaiting verification.
    if task.status not in Task.OPEN_STATUSES:
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
    commit; the task's percentage is the latest one reported. A rectification task's status follows
    its issue alone (``inspections.services``): a report on it is a note of the work, nothing more."""
    note = note.strip()
    progress_report_check(task=task, percent=percent, quantity=quantity, note=note, is_final=is_final)

    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        before = TaskFacts.of(task)
        _check_open(task)  # again, under the lock: it may have closed or moved meanwhile
        _check_going_back(task, percent=percent, note=note)
        report = ProgressReport.objects.create(
            task=task,
            author=author,
            percent=100 if is_final and percent is None else percent,
            previous_percent=task.percent,
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
        elif task.status == Task.Status.TODO and task.kind != Task.Kind.RECTIFICATION:
            task.status = Task.Status.IN_PROGRESS
            fields.append("status")
        if report.went_back:
            reason = _("Progress went back from %(before)s%% to %(after)s%%") % {
                "before": report.previous_percent,
                "after": report.percent,
            }
        else:
            reason = _("Progress reported")
        history_author(task, actor=author, reason=reason)
        task.save(update_fields=fields)
        task_rollups_move(before, TaskFacts.of(task))
        progress_totals_add(target_id=task.target_id, quantity=report.quantity)
    return report


def progress_report_delete(*, report: ProgressReport) -> None:
    """Remove a progress report (the admin's, for a superuser): its quantity leaves its target's total. The
    task's status and percentage stay as they are: a report is evidence, not the task's state."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=report.task_id)
        report = ProgressReport.objects.get(pk=report.pk)
        progress_totals_add(target_id=task.target_id, quantity=report.quantity, sign=-1)
        report.delete()


def task_save(*, task: Task) -> Task:
    """Save a task made or changed by hand (the admin's form): its counts by day and department, and its
    target's total, follow it in the same transaction. Its workflow (status, progress) is not changed here."""
    with transaction.atomic():
        stored = Task.objects.select_for_update().filter(pk=task.pk).first() if task.pk is not None else None
        task.save()
        task_rollups_move(TaskFacts.of(stored), TaskFacts.of(task))
        task_target_moved(task_id=task.pk, before=stored.target_id if stored else None, after=task.target_id)
    return task


def task_delete(*, task: Task) -> None:
    """Remove a task and its progress (the admin's): its counts and its reported quantity go with it. A
    rectification task stays while its issue does (the database refuses)."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        task_target_moved(task_id=task.pk, before=task.target_id, after=None)
        task_rollups_move(TaskFacts.of(task), None)
        task.delete()
