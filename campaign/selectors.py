"""Reads of the campaign app, restricted to what the user may see."""

import datetime

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from accounts.selectors import departments_seen_by
from campaign.models import CLOSED_LAST, ProgressPhoto, Task


def task_visible_to(*, user: User) -> QuerySet[Task]:
    """Tasks the user may open: leaders, administrators and inspectors see all; staff those of their
    department and of its sub-units (``accounts.selectors.departments_seen_by``)."""
    tasks = Task.objects.all()
    if can_read_everything(user) or is_inspector(user):
        return tasks
    return tasks.filter(department_id__in=departments_seen_by(user=user))


def progress_photo_visible_to(*, user: User) -> QuerySet[ProgressPhoto]:
    """Photos of the progress of the tasks the user may open (``task_visible_to``), and no others."""
    return ProgressPhoto.objects.filter(report__task__in=task_visible_to(user=user))


def task_list(*, user: User, today: datetime.date) -> QuerySet[Task]:
    """The task list with what its rows show, in a fixed number of queries."""
    return (
        task_visible_to(user=user)
        .with_overdue(today)
        .select_related("department", "section", "accountable", "target", "campaign")
        .order_by(CLOSED_LAST, "due_date", "pk")
    )


def task_counts(*, tasks: QuerySet[Task], today: datetime.date) -> dict[str, int]:
    """What the home page counts of ``tasks`` (the user's visible ones), each by the rule of the task
    list's filter its link opens: ``total``, ``done`` and ``overdue`` (``Task.overdue_q``) in one
    query, ``due_soon`` (``TaskQuerySet.due_soon``, which reads the working calendar) in a second."""
    counts = tasks.order_by().aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Task.Status.DONE)),
        overdue=Count("pk", filter=Task.overdue_q(today)),
    )
    counts["due_soon"] = tasks.due_soon(today).count()
    return counts
