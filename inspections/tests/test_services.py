import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from core.errors import ApplicationError
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, ExtensionRequest, Issue, IssueEvent
from inspections.services import (
    extension_decide,
    extension_request,
    issue_dispatch,
    issue_file,
    issue_return,
    issue_route,
    issue_send_back,
    issue_start,
    issue_submit,
    issue_verify,
)
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def city():
    """A place assigned to the district housing bureau, a criterion led by the urban-management bureau."""
    CampaignFactory()
    housing = DepartmentFactory(code="QZJ", name="区住建局")
    urban = DepartmentFactory(code="CGJ", name="市城管局")
    housing.head = UserFactory(department=housing, role=Role.STAFF)
    housing.save()
    urban.head = UserFactory(department=urban, role=Role.STAFF)
    urban.save()
    place = PlaceFactory(assigned_department=housing)
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    return {"housing": housing, "urban": urban, "place": place, "inspector": inspector}


def file(city, *, lead=Criterion.Lead.TERRITORIAL, days=3) -> Issue:
    criterion = CriterionFactory(lead=lead, default_department=city["urban"], time_limit_days=days, points=2)
    return issue_file(reporter=city["inspector"], place=city["place"], criterion=criterion, description="垃圾桶满溢")


def test_it_routes_by_the_criterions_lead(city):
    territorial = CriterionFactory(lead=Criterion.Lead.TERRITORIAL, default_department=city["urban"])
    owner = CriterionFactory(lead=Criterion.Lead.OWNER, default_department=city["urban"])
    assert issue_route(place=city["place"], criterion=territorial) == city["housing"]
    assert issue_route(place=city["place"], criterion=owner) == city["urban"]


def test_it_files_routes_and_dispatches_with_a_rectification_task(city):
    issue = file(city, lead=Criterion.Lead.OWNER)

    assert issue.status == Issue.Status.DISPATCHED
    assert issue.department == city["urban"]
    assert issue.code.startswith("WT")
    assert issue.points == 2
    task = issue.rectification_task
    assert (task.kind, task.department, task.accountable) == (
        Task.Kind.RECTIFICATION,
        city["urban"],
        city["urban"].head,
    )
    assert task.due_date == timezone.localtime(issue.deadline).date()
    assert list(issue.events.values_list("action", flat=True)) == ["filed", "dispatched"]
    assert Notification.objects.filter(recipient=city["urban"].head).count() == 1


def test_it_counts_the_deadline_in_working_days_across_the_spring_festival(city, monkeypatch):
    friday_before_festival = datetime.datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: friday_before_festival)
    issue = file(city, days=2)
    # Saturday the 14th is a make-up working day; 15–23 February are the holiday.
    assert issue.deadline == datetime.datetime(2026, 2, 24, 23, 59, 59, tzinfo=SHANGHAI)


def test_it_walks_the_whole_way_with_one_rework(city):
    issue = file(city)
    staff = city["housing"].head
    photos = photos_prepare([photo_upload("after.jpg")])

    issue_start(issue=issue, actor=staff)
    issue_submit(issue=issue, actor=staff, note="已清运", photos=photos)
    issue_send_back(issue=issue, actor=city["inspector"], reason="仍有残留")
    issue = issue_submit(issue=issue, actor=staff, note="彻底清理", photos=photos)
    issue = issue_verify(issue=issue, actor=city["inspector"], note="核验通过")

    assert issue.status == Issue.Status.CLOSED
    assert issue.rework_count == 1
    assert issue.closed_at is not None
    assert issue.photos.filter(stage="rectified").count() == 2
    task = Task.objects.get(pk=issue.rectification_task_id)
    assert (task.status, task.percent) == (Task.Status.DONE, 100)
    assert list(issue.events.values_list("action", "actor")) == [
        ("filed", city["inspector"].pk),
        ("dispatched", city["inspector"].pk),
        ("started", staff.pk),
        ("submitted", staff.pk),
        ("sent_back", city["inspector"].pk),
        ("submitted", staff.pk),
        ("verified", city["inspector"].pk),
    ]


def test_it_refuses_a_transition_the_workflow_does_not_allow_and_changes_nothing(city):
    issue = file(city)
    events = issue.events.count()
    with pytest.raises(ApplicationError) as refused:
        issue_verify(issue=issue, actor=city["inspector"])
    assert refused.value.code == "transition_not_allowed"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED
    assert issue.events.count() == events


def test_it_needs_after_photos_to_submit(city):
    issue = file(city)
    with pytest.raises(ApplicationError) as refused:
        issue_submit(issue=issue, actor=city["housing"].head, note="已整改")
    assert refused.value.code == "photo_required"
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DISPATCHED


def test_it_returns_an_issue_for_re_routing_to_another_department(city):
    issue = file(city)
    issue = issue_return(issue=issue, actor=city["housing"].head, reason="属于城管职责")
    assert issue.status == Issue.Status.RETURNED
    assert Task.objects.get(pk=issue.rectification_task_id).status == Task.Status.CANCELLED

    with pytest.raises(ApplicationError) as refused:
        issue_dispatch(issue=issue, actor=city["inspector"])
    assert refused.value.code == "dispatch_to_returning_department"

    issue = issue_dispatch(issue=issue, actor=city["inspector"], department=city["urban"])
    task = Task.objects.get(pk=issue.rectification_task_id)
    assert (issue.status, issue.department, issue.return_reason) == (Issue.Status.DISPATCHED, city["urban"], "")
    assert (task.department, task.status) == (city["urban"], Task.Status.TODO)


def test_it_moves_the_deadline_when_a_leader_approves_an_extension(city):
    issue = file(city)
    leader = UserFactory(role=Role.LEADER, department=None)
    later = issue.deadline + datetime.timedelta(days=7)
    request = extension_request(
        issue=issue, actor=city["housing"].head, reason="需协调产权单位", new_deadline=timezone.localdate(later)
    )

    with pytest.raises(ApplicationError) as refused:
        extension_request(
            issue=issue, actor=city["housing"].head, reason="再申请", new_deadline=timezone.localdate(later)
        )
    assert refused.value.code == "pending_exists"
    assert Notification.objects.filter(recipient=leader).exists()

    extension_decide(request=request, actor=leader, approve=True, note="同意")
    issue.refresh_from_db()
    assert issue.deadline == later
    assert issue.rectification_task.due_date == timezone.localtime(later).date()
    assert IssueEvent.objects.filter(issue=issue, action="extension_approved").exists()
    with pytest.raises(ApplicationError):
        extension_decide(request=request, actor=leader, approve=False)


def test_it_keeps_the_deadline_when_an_extension_is_refused(city):
    issue = file(city)
    deadline = issue.deadline
    request = extension_request(
        issue=issue,
        actor=city["housing"].head,
        reason="人手不足",
        new_deadline=timezone.localdate(deadline + datetime.timedelta(days=3)),
    )
    extension_decide(request=request, actor=UserFactory(role=Role.LEADER), approve=False, note="按期完成")
    issue.refresh_from_db()
    assert issue.deadline == deadline
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.REFUSED


def test_it_refuses_an_extension_that_is_not_later(city):
    issue = file(city)
    with pytest.raises(ApplicationError) as refused:
        extension_request(
            issue=issue, actor=city["housing"].head, reason="x", new_deadline=timezone.localdate(issue.deadline)
        )
    assert refused.value.code == "deadline_not_later"
    assert not ExtensionRequest.objects.exists()


def test_it_refuses_to_decide_an_extension_on_a_closed_issue_and_closes_it_with_the_issue(city):
    issue = file(city)
    staff = city["housing"].head
    request = extension_request(
        issue=issue,
        actor=staff,
        reason="需协调",
        new_deadline=timezone.localdate(issue.deadline + datetime.timedelta(days=5)),
    )
    issue_submit(issue=issue, actor=staff, note="已整改", photos=photos_prepare([photo_upload()]))
    issue_verify(issue=issue, actor=city["inspector"])

    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED
    with pytest.raises(ApplicationError) as refused:
        extension_decide(request=request, actor=UserFactory(role=Role.LEADER), approve=True)
    assert refused.value.code == "already_decided"
