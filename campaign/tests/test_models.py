import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.models import ProgressReport, Target, Task
from campaign.tests.factories import ProgressReportFactory, TargetFactory, TaskFactory
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_it_rejects_a_percent_over_100_in_progress():
    report = ProgressReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.filter(pk=report.pk).update(percent=101)


def test_it_rejects_a_percent_over_100_on_a_task():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(percent=120)


def test_it_rejects_a_negative_quantity():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(task=task, author=task.accountable, quantity=Decimal("-5"))


def test_it_rejects_an_empty_progress_report():
    task = TaskFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(task=task, author=task.accountable)


def test_it_rejects_a_duplicate_task_code():
    TaskFactory(code="LC-CG-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(code="LC-CG-01")


def test_it_rejects_a_due_date_before_the_start():
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(start_date=datetime.date(2018, 3, 10), due_date=datetime.date(2018, 3, 1))


def test_it_rejects_a_done_task_without_completion_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(status=Task.Status.DONE)


def test_it_rejects_a_target_that_asks_for_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetFactory(baseline=100, target_value=50)


def test_it_never_changes_a_progress_report():
    report = ProgressReportFactory()
    report.note = "改写"
    with pytest.raises(ApplicationError):
        report.save()


def test_it_derives_overdue_from_the_due_date():
    today = timezone.localdate()
    late = TaskFactory(due_date=today - datetime.timedelta(days=1))
    TaskFactory(due_date=today - datetime.timedelta(days=1), status=Task.Status.DONE, completed_at=timezone.now())
    TaskFactory(due_date=today)
    assert list(Task.objects.overdue(today)) == [late]
    flags = dict(Task.objects.with_overdue(today).values_list("code", "is_overdue"))
    assert flags == {t.code: t.is_overdue(today) for t in Task.objects.all()}


def test_it_sums_progress_into_the_targets_current_value():
    target = TargetFactory(baseline=0, target_value=104)
    task = TaskFactory(target=target)
    ProgressReportFactory(task=task, quantity=30)
    ProgressReportFactory(task=task, quantity=12, percent=None)
    ProgressReportFactory(task=TaskFactory(target=target), quantity=8)
    shrinking = TargetFactory(baseline=100, target_value=0, direction=Target.Direction.DECREASE)
    ProgressReportFactory(task=TaskFactory(target=shrinking), quantity=25)

    values = dict(Target.objects.with_current_value().values_list("pk", "current_value"))
    assert values == {target.pk: Decimal(50), shrinking.pk: Decimal(75)}
