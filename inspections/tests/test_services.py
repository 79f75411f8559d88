import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.models import Department, Notification, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from core.errors import ApplicationError
from core.images import photos_prepare
from core.tests.factories import photo_upload
from core.working_time import end_of_day
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


def file(city, *, lead=Criterion.Lead.ASSIGNED, days=3) -> Issue:
    criterion = CriterionFactory(lead=lead, default_department=city["urban"], rectify_limit=f"{days}d", points=2)
    return issue_file(reporter=city["inspector"], place=city["place"], criterion=criterion, description="垃圾桶满溢")


def test_it_routes_by_the_criterions_lead_and_says_why(city):
    place = city["place"]
    place.name = "水岸小区"
    place.territorial_unit = community = DepartmentFactory(name="水城社区", kind=Department.Kind.COMMUNITY)
    led = {lead: CriterionFactory(lead=lead, default_department=city["urban"]) for lead in Criterion.Lead.values}

    routes = {lead: issue_route(place=place, criterion=criterion) for lead, criterion in led.items()}
    with translation.override("en"):  # the reason speaks the reader's language when it is read
        reasons = {lead: route.reason for lead, route in routes.items()}
    with translation.override("zh-hans"):
        assert routes["owner"].reason == "按属主原则由市城管局负责：该测评项目的责任部门"

    assert {lead: (route.department, route.rule) for lead, route in routes.items()} == {
        "territorial": (community, "territorial"),
        "assigned": (city["housing"], "assigned"),
        "owner": (city["urban"], "owner"),
    }
    assert reasons["territorial"] == (
        "By the territorial principle, 水城社区 is responsible: the subdistrict or community 水岸小区 belongs to"
    )
    assert reasons["assigned"] == (
        "By the assigned principle, 区住建局 is responsible: the department assigned to 水岸小区"
    )
    assert reasons["owner"] == (
        "By the owner principle, 市城管局 is responsible: the department responsible for this checklist item"
    )


def test_it_dispatches_a_territorial_finding_to_the_places_community_and_tells_the_assisting(city):
    community = DepartmentFactory(name="水城社区", kind=Department.Kind.COMMUNITY)
    community_staff = UserFactory(department=community, role=Role.STAFF)
    city["place"].territorial_unit = community
    city["place"].save()
    assisting_staff = UserFactory(department=city["urban"], role=Role.STAFF)

    criterion = CriterionFactory(lead=Criterion.Lead.TERRITORIAL, default_department=None)
    criterion.assisting_departments.set([city["urban"], community])  # the leading one is not told twice
    issue = issue_file(reporter=city["inspector"], place=city["place"], criterion=criterion, description="楼道堆物")

    assert issue.department == community
    assert issue.rectification_task.department == community
    assert Notification.objects.filter(recipient=community_staff).count() == 1
    told = Notification.objects.get(recipient=assisting_staff)
    assert issue.code in told.title
    assert "水城社区" in told.body
    assert not Notification.objects.filter(recipient=city["housing"].head).exists()


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
    # Saturday the 14th is a make-up working day; 15–23 February are the holiday: due at the close of the
    # office on the second working day (winter hours).
    assert issue.deadline == datetime.datetime(2026, 2, 24, 17, 30, tzinfo=SHANGHAI)


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
    assert refused.value.code == "overrule_reason_required"  # sent back to it only with a reason

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
    assert issue.deadline == end_of_day(timezone.localdate(later))  # by the end of the day asked for
    assert issue.clock_due_at == issue.deadline  # the department's clock runs to it
    assert issue.rectification_task.due_date == timezone.localtime(later).date()
    assert IssueEvent.objects.filter(issue=issue, action="extension_approved").exists()
    with pytest.raises(ApplicationError) as refused:
        extension_decide(request=request, actor=leader, approve=False, note="不同意")
    assert refused.value.code == "already_decided"


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


# ---------------------------------------------------------------------------------------------
# Nobody is late for someone else's wait


def test_it_puts_a_submitted_rectifications_task_awaiting_verification_and_never_overdue(city):
    issue = file(city)
    staff = city["housing"].head
    issue_start(issue=issue, actor=staff)
    issue_submit(issue=issue, actor=staff, note="已清运", photos=photos_prepare([photo_upload()]))
    task = Task.objects.get(pk=issue.rectification_task_id)
    weeks_later = task.due_date + datetime.timedelta(days=21)

    assert task.status == Task.Status.AWAITING_VERIFICATION
    assert task.status not in Task.OPEN_STATUSES
    assert task.status not in Task.CLOSED_STATUSES
    assert not task.is_overdue(weeks_later)
    assert not Task.objects.overdue(weeks_later).exists()
    assert not Task.objects.open().exists()
    assert not Task.objects.due_soon(task.due_date).exists()

    # Sent back, it is the department's again: in progress, and overdue once past its due date.
    issue_send_back(issue=issue, actor=city["inspector"], reason="仍有残留")
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert list(Task.objects.overdue(weeks_later)) == [task]


# ---------------------------------------------------------------------------------------------
# Extensions with guard rails

MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def half_point_issue(city, monkeypatch):
    """A 0.5-point finding with two working days to rectify, filed on a Monday: due on Wednesday
    2026-03-04; an extension may reach four more working days, Tuesday 2026-03-10."""
    monkeypatch.setattr(timezone, "now", lambda: MONDAY)
    criterion = CriterionFactory(points="0.5", rectify_limit="2d", default_department=city["urban"])
    issue = issue_file(reporter=city["inspector"], place=city["place"], criterion=criterion, description="小广告")
    assert issue.deadline == datetime.datetime(2026, 3, 4, 17, 30, tzinfo=SHANGHAI)
    return issue


def nothing_asked(issue: Issue) -> None:
    assert not ExtensionRequest.objects.filter(issue=issue).exists()
    assert not issue.events.filter(action=IssueEvent.Action.EXTENSION_REQUESTED).exists()
    issue.refresh_from_db()
    assert issue.deadline == datetime.datetime(2026, 3, 4, 17, 30, tzinfo=SHANGHAI)


def test_it_caps_a_request_at_twice_the_time_limit_in_working_days(city, half_point_issue):
    issue, staff = half_point_issue, city["housing"].head
    for day in (datetime.date(2035, 12, 31), datetime.date(2026, 3, 11)):
        with pytest.raises(ApplicationError) as refused:
            extension_request(issue=issue, actor=staff, reason="人手不足", new_deadline=day)
        assert refused.value.code == "beyond_limit"
        assert refused.value.status == 400
        nothing_asked(issue)

    request = extension_request(issue=issue, actor=staff, reason="人手不足", new_deadline=datetime.date(2026, 3, 10))
    assert request.limit_deadline == datetime.datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI)
    assert not request.beyond_limit


def test_it_takes_a_request_beyond_the_limit_only_with_a_note_the_leader_confirms(city, half_point_issue):
    issue, leader = half_point_issue, UserFactory(role=Role.LEADER, department=None)
    request = extension_request(
        issue=issue,
        actor=city["housing"].head,
        reason="需拆除违建",
        new_deadline=datetime.date(2035, 12, 31),
        beyond_limit_note="须经法院强制执行",
    )
    assert request.beyond_limit
    assert request.beyond_limit_note == "须经法院强制执行"

    with pytest.raises(ApplicationError) as refused:
        extension_decide(request=request, actor=leader, approve=True, note="同意")
    assert refused.value.code == "confirm_beyond_limit"
    request.refresh_from_db()
    issue.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING
    assert issue.deadline == datetime.datetime(2026, 3, 4, 17, 30, tzinfo=SHANGHAI)

    extension_decide(request=request, actor=leader, approve=True, note="同意", confirm_beyond_limit=True)
    issue.refresh_from_db()
    assert issue.deadline == datetime.datetime(2035, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)


def test_it_lets_the_leader_approve_an_earlier_date_than_asked_without_confirming(city, half_point_issue):
    issue, leader = half_point_issue, UserFactory(role=Role.LEADER, department=None)
    request = extension_request(
        issue=issue,
        actor=city["housing"].head,
        reason="需采购设备",
        new_deadline=datetime.date(2026, 3, 20),
        beyond_limit_note="设备需从外地采购",
    )
    for day in (datetime.date(2026, 3, 4), datetime.date(2026, 3, 21)):  # not later than now, later than asked
        with pytest.raises(ApplicationError) as refused:
            extension_decide(request=request, actor=leader, approve=True, approved_deadline=day)
        assert refused.value.code == "approved_deadline_out_of_range"
    with pytest.raises(ApplicationError) as refused:
        extension_decide(
            request=request, actor=leader, approve=False, note="否", approved_deadline=datetime.date(2026, 3, 9)
        )
    assert refused.value.code == "approved_deadline_with_refusal"
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING

    extension_decide(request=request, actor=leader, approve=True, approved_deadline=datetime.date(2026, 3, 9))

    request.refresh_from_db()
    issue.refresh_from_db()
    nine_march = datetime.datetime(2026, 3, 9, 23, 59, 59, tzinfo=SHANGHAI)
    assert (request.status, request.approved_deadline, issue.deadline) == ("approved", nine_march, nine_march)
    assert issue.rectification_task.due_date == datetime.date(2026, 3, 9)
    approved = issue.events.get(action=IssueEvent.Action.EXTENSION_APPROVED)
    assert "2026-03-09" in approved.note
    assert "2026-03-20" in approved.note


def test_it_refuses_an_extension_only_with_a_reason_the_department_sees(city, half_point_issue):
    issue, leader, staff = half_point_issue, UserFactory(role=Role.LEADER, department=None), city["housing"].head
    request = extension_request(issue=issue, actor=staff, reason="人手不足", new_deadline=datetime.date(2026, 3, 6))

    for note in ("", "   "):
        with pytest.raises(ApplicationError) as refused:
            extension_decide(request=request, actor=leader, approve=False, note=note)
        assert refused.value.code == "reason_required"
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING
    assert not Notification.objects.filter(recipient=staff, title__contains="refused").exists()

    extension_decide(request=request, actor=leader, approve=False, note="可调配其他人员，按期完成")

    request.refresh_from_db()
    assert (request.status, request.decision_note) == ("refused", "可调配其他人员，按期完成")
    assert issue.events.get(action=IssueEvent.Action.EXTENSION_REFUSED).note == "可调配其他人员，按期完成"
    assert Notification.objects.filter(recipient=staff, body="可调配其他人员，按期完成").exists()
