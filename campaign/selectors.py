"""Reads of the campaign app, restricted to what the user may see."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from accounts.selectors import departments_seen_by
from campaign.models import CLOSED_LAST, ProgressPhoto, Task
from core.clocks import Clock, Light, working_time_spanning
from core.working_time import office_working_time


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


def task_list(*, user: User, now: datetime.datetime) -> QuerySet[Task]:
    """The task list with what its rows show, in a fixed number of queries."""
    return (
        task_visible_to(user=user)
        .with_overdue(now)
        .select_related("department", "section", "accountable", "target", "campaign")
        .order_by(CLOSED_LAST, "due_date", "pk")
    )


def task_counts(*, tasks: QuerySet[Task], now: datetime.datetime) -> dict[str, int]:
    """What the home page counts of ``tasks`` (the user's visible ones), each by the rule of the task
    list's filter its link opens, in one query: ``total``, ``done``, ``overdue`` (``Task.overdue_q``: red)
    and ``due_soon`` (yellow, ``TaskQuerySet.due_soon``)."""
    return tasks.order_by().aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Task.Status.DONE)),
        overdue=Count("pk", filter=Task.overdue_q(now)),
        due_soon=Count("pk", filter=Task.light_q(Light.YELLOW, now)),
    )


def task_clocks(tasks: Iterable[Task], *, now: datetime.datetime) -> None:
    """Set ``task.clock`` (``core.clocks.Clock``, ``None`` unless open) on each task of a page, with one
    reading of the office hours and the calendar for them all."""
    tasks = list(tasks)
    working_time = working_time_spanning(office_working_time(), now, *(task.due_at for task in tasks))
    for task in tasks:
        task.clock = None
        if task.status in Task.OPEN_STATUSES:
            task.clock = Clock.at(
                now,
                stage="rectify" if task.kind == Task.Kind.RECTIFICATION else "pledged",
                due_at=task.due_at,
                yellow_at=task.yellow_at,
                suspended_at=task.suspended_at,
                working_time=working_time,
            )
