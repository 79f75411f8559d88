"""Progress that goes backwards (42 % → 10 %) needs a note, and the timeline, the change history and
the API mark it: through the one home, ``campaign.services.progress_report_create``."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.models import ProgressReport
from campaign.services import progress_report_create
from campaign.tests.factories import TaskFactory
from core.errors import ApplicationError
from core.history import change_history
from core.tests.api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    task = TaskFactory(percent=0)
    task.accountable = UserFactory(department=task.department, role=Role.STAFF, last_name="赵", first_name="敏")
    task.save(update_fields=["accountable"])
    progress_report_create(task=task, author=task.accountable, percent=42, note="外墙保温完成四成")
    task.refresh_from_db()
    return task


def test_it_refuses_progress_that_goes_back_without_a_note(task):
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as refused:
        progress_report_create(task=task, author=task.accountable, percent=10)

    assert refused.value.message == "完成百分比从42%退回到10%：请在备注中说明原因。"
    task.refresh_from_db()
    assert task.percent == 42
    assert task.progress_reports.count() == 1


def test_it_refuses_it_on_the_page_and_in_the_api_with_a_chinese_message(client, task):
    client.force_login(task.accountable)
    page = client.post(reverse("campaign:progress_create", args=[task.pk]), {"percent": 10})
    api = client_for(task.accountable).post(
        f"/api/v1/tasks/{task.pk}/progress-reports/", {"percent": 10}, format="json"
    )

    assert "完成百分比从42%退回到10%" in page.content.decode()
    assert api.status_code == 409
    assert api.json()["message"] == "完成百分比从42%退回到10%：请在备注中说明原因。"
    assert task.progress_reports.count() == 1


def test_it_marks_progress_that_went_back_in_the_timeline_the_history_and_the_api(client, task):
    report = progress_report_create(task=task, author=task.accountable, percent=10, note="返工：保温层脱落，重新施工")
    forward = progress_report_create(task=task, author=task.accountable, percent=20, note="重新施工两成")

    assert (report.previous_percent, report.percent, report.went_back) == (42, 10, True)
    assert not forward.went_back
    client.force_login(task.accountable)
    page = client.get(reverse("campaign:task_detail", args=[task.pk])).content.decode()
    assert page.count("进度回退：42% → 10%") == 1
    with translation.override("zh-hans"):
        reasons = [entry["reason"] for entry in change_history(task)]
    assert "进度从42%退回到10%" in reasons
    api = client_for(task.accountable).get(f"/api/v1/progress-reports/{report.pk}/").json()
    assert (api["previous_percent"], api["went_back"]) == (42, True)
    assert ProgressReport.objects.filter(task=task).count() == 3
