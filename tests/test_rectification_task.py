"""A rectification task follows its issue: its page shows the issue's state and offers the issue's
steps, its status comes from the issue alone, and the task page's empty-state text names only
fields its form has."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.services import progress_report_create
from campaign.tests.factories import CampaignFactory, TaskFactory
from core.errors import Conflict
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Issue
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    staff = UserFactory(username="chengguan", department=bureau, role=Role.STAFF)
    inspector = UserFactory(username="ducha", role=Role.INSPECTOR)
    issue = services.issue_file(
        reporter=inspector,
        place=PlaceFactory(name="柳园小区", assigned_department=bureau),
        criterion=CriterionFactory(title="主次干道无暴露垃圾"),
        description="路边有暴露垃圾",
    )
    client = Client()
    client.force_login(staff)
    return {"issue": issue, "task": issue.rectification_task, "staff": staff, "inspector": inspector, "client": client}


def test_it_shows_the_issues_state_and_steps_on_its_task_page_and_no_progress_form(world):
    task, issue = world["task"], world["issue"]
    page = world["client"].get(f"/tasks/{task.pk}/", **ENGLISH)
    html = page.content.decode()

    assert page.context["form"] is None
    assert 'id="report"' not in html
    assert "data-issue-status>Dispatched<" in html
    for step in ("start", "submit", "extend", "return"):
        assert reverse(f"inspections:issue_{step}", args=[issue.pk]) in html
    assert f'name="next" value="/tasks/{task.pk}/"' in html
    assert "its rectification is reported on its issue" in html


def test_it_takes_a_step_from_the_task_page_and_comes_back_to_it(world):
    task, issue, client = world["task"], world["issue"], world["client"]
    elsewhere = client.post(f"/issues/{issue.pk}/start/", {"next": "https://elsewhere.example/"})
    assert elsewhere["Location"] == f"/issues/{issue.pk}/"  # back only to a page of this site

    answer = client.post(
        f"/issues/{issue.pk}/submit/",
        {"note": "已清理", "photos": [photo_upload()], "next": f"/tasks/{task.pk}/"},
    )

    assert answer.status_code == 302
    assert answer["Location"] == f"/tasks/{task.pk}/"
    task.refresh_from_db()
    assert task.status == Task.Status.AWAITING_VERIFICATION
    html = client.get(f"/tasks/{task.pk}/", **ENGLISH).content.decode()
    assert "data-issue-status>Awaiting verification<" in html
    assert reverse("inspections:issue_submit", args=[issue.pk]) not in html  # nothing left to submit


def test_it_takes_the_status_of_a_rectification_task_from_its_issue_alone(world):
    task, issue, staff = world["task"], world["issue"], world["staff"]

    progress_report_create(task=task, author=staff, percent=40, note="已清运一半")
    task.refresh_from_db()
    assert (task.status, task.percent) == (Task.Status.TODO, 40)  # a note of the work, not a step

    services.issue_submit(issue=issue, actor=staff, note="已清理", photos=photos_prepare([photo_upload()]))
    with pytest.raises(Conflict) as refused:
        progress_report_create(task=task, author=staff, percent=90, note="补充")
    assert refused.value.code == "task_closed"
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SUBMITTED


def test_it_names_only_the_fields_its_form_has_when_nothing_is_reported(world):
    bureau = world["staff"].department
    plain = TaskFactory(department=bureau, target=None)
    html = world["client"].get(f"/tasks/{plain.pk}/", **ENGLISH).content.decode()

    assert 'name="quantity"' not in html
    assert "a percentage or a note, and photos from the site" in html
    assert "a quantity" not in html
