"""Sorted by due date, the tasks still to do come first and the finished ones after them."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sort", ["", "due", "-due"])
def test_it_lists_finished_tasks_after_open_ones(client, sort):
    bureau = DepartmentFactory()
    staff = UserFactory(department=bureau, role=Role.STAFF)
    today = timezone.localdate()
    done = TaskFactory(
        title="已完成的任务",
        department=bureau,
        due_date=today - datetime.timedelta(days=20),
        status=Task.Status.DONE,
        completed_at=timezone.now(),
    )
    cancelled = TaskFactory(
        title="已取消的任务",
        department=bureau,
        due_date=today + datetime.timedelta(days=90),
        status=Task.Status.CANCELLED,
    )
    early = TaskFactory(title="逾期的任务", department=bureau, due_date=today - datetime.timedelta(days=5))
    late = TaskFactory(title="下月的任务", department=bureau, due_date=today + datetime.timedelta(days=30))
    client.force_login(staff)

    tasks = list(client.get("/tasks/", {"sort": sort} if sort else {}).context["tasks"])

    open_first = [early, late] if sort != "-due" else [late, early]
    closed_last = [done, cancelled] if sort != "-due" else [cancelled, done]
    assert tasks == open_first + closed_last


def test_the_lists_order_is_indexed_by_the_very_expression_it_sorts_by():
    """The index that serves the list's first page (``task_list_order_idx``) holds ``CLOSED_LAST`` itself: were
    the two to differ, PostgreSQL would sort every task of the city again."""
    from campaign.models import CLOSED_LAST

    index = next(index for index in Task._meta.indexes if index.name == "task_list_order_idx")

    assert index.expressions[0] == CLOSED_LAST
    assert [expression.name for expression in index.expressions[1:]] == ["due_date", "id"]


def test_the_partial_indexes_hold_the_open_tasks_as_the_model_says():
    from django.db.models import Q

    from campaign.models import OPEN_TASK, RUNNING_CLOCK

    assert OPEN_TASK == Q(status__in=list(Task.OPEN_STATUSES))
    assert RUNNING_CLOCK == Q(status__in=list(Task.OPEN_STATUSES)) & Q(suspended_at__isnull=True)
