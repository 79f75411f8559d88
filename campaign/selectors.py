"""Reads of the campaign app, restricted to what the user may see."""

import datetime

from django.db.models import QuerySet

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from campaign.models import ProgressPhoto, Task


def task_visible_to(*, user: User) -> QuerySet[Task]:
    """Tasks the user may open: leaders, administrators and inspectors see all; staff their department's."""
    tasks = Task.objects.all()
    if can_read_everything(user) or is_inspector(user):
        return tasks
    if user.work_department_id is None:
        return tasks.none()
    return tasks.filter(department_id=user.work_department_id)


def progress_photo_visible_to(*, user: User) -> QuerySet[ProgressPhoto]:
    """Photos of the progress of the tasks the user may open (``task_visible_to``), and no others."""
    return ProgressPhoto.objects.filter(report__task__in=task_visible_to(user=user))


def task_list(*, user: User, today: datetime.date) -> QuerySet[Task]:
    """The task list with what its rows show, in a fixed number of queries."""
    return (
        task_visible_to(user=user)
        .with_overdue(today)
        .select_related("department", "section", "accountable", "target", "campaign")
        .order_by("due_date", "pk")
    )
