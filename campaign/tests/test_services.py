from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.models import ProgressReport, Target, Task
from campaign.services import progress_report_create
from campaign.tests.factories import TargetFactory, TaskFactory
from core.errors import ApplicationError
from core.images import photos_prepare
from core.tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_it_moves_the_target_and_the_task_at_once():
    target = TargetFactory(target_value=104)
    task = TaskFactory(target=target)
    photos = photos_prepare([SimpleUploadedFile("a.jpg", jpeg_bytes())])

    report = progress_report_create(
        task=task, author=task.accountable, percent=40, quantity=Decimal(12), note="完成12个小区", photos=photos
    )

    task.refresh_from_db()
    assert (task.percent, task.status) == (40, Task.Status.IN_PROGRESS)
    assert Target.objects.with_current_value().get(pk=target.pk).current_value == 12
    assert report.photos.get().thumbnail.name.endswith(".jpg")
    assert task.history.first().history_change_reason


def test_it_completes_a_task_only_with_a_final_report():
    task = TaskFactory()
    progress_report_create(task=task, author=task.accountable, percent=100)
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS

    progress_report_create(task=task, author=task.accountable, note="全部整治到位", is_final=True)
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.completed_at is not None


def test_it_needs_a_note_on_a_final_report():
    task = TaskFactory()
    with pytest.raises(ApplicationError) as refused:
        progress_report_create(task=task, author=task.accountable, percent=100, is_final=True)
    assert refused.value.code == "final_needs_note"
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({}, "empty_report"),
        ({"percent": 101}, "invalid_percent"),
        ({"quantity": Decimal(-1)}, "invalid_quantity"),
        ({"quantity": Decimal(5)}, "no_target"),
    ],
)
def test_it_refuses_bad_progress_and_saves_nothing(values, code):
    task = TaskFactory()
    with pytest.raises(ApplicationError) as refused:
        progress_report_create(task=task, author=task.accountable, **values)
    assert refused.value.code == code
    assert not ProgressReport.objects.exists()


def test_it_refuses_progress_on_a_finished_task():
    task = TaskFactory()
    progress_report_create(task=task, author=task.accountable, note="完成", is_final=True)
    with pytest.raises(ApplicationError) as refused:
        progress_report_create(task=task, author=task.accountable, percent=10)
    assert refused.value.code == "task_closed"
    assert ProgressReport.objects.count() == 1


def test_it_refuses_a_final_report_below_100_percent():
    task = TaskFactory()
    with pytest.raises(ApplicationError) as refused:
        progress_report_create(task=task, author=task.accountable, percent=80, note="基本完成", is_final=True)
    assert refused.value.code == "final_below_100"
    task.refresh_from_db()
    assert task.status == Task.Status.TODO
