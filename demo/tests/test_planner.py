"""The planner the demo and seed_scale write issues with answers what the inspections services record."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from core.images import photos_prepare
from core.tests.factories import photo_upload
from core.working_time import deadline_after
from demo.planner import Actor, Extension, SendBack, Timeline, Workflow, plan_workflow
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, Issue, IssueEvent
from inspections.services import (
    extension_decide,
    extension_request,
    issue_file,
    issue_return,
    issue_send_back,
    issue_start,
    issue_submit,
    issue_verify,
)
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FOUND = datetime.datetime(2024, 6, 3, 9, 30, tzinfo=SHANGHAI)  # a Monday morning


def hours(count: float) -> datetime.datetime:
    return FOUND + datetime.timedelta(hours=count)


@pytest.fixture
def clock(monkeypatch):
    """The services' now, set by each step of a test to the moment it is taken."""
    moment = {"now": FOUND}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    # An event is dated by its field's default, which holds on to the real timezone.now.
    monkeypatch.setattr(IssueEvent._meta.get_field("created"), "_get_default", lambda: moment["now"])
    return moment


@pytest.fixture
def city():
    CampaignFactory()
    department = DepartmentFactory(code="QZJ", name="区住建局")
    department.head = UserFactory(department=department, role=Role.STAFF)
    department.save()
    criterion = CriterionFactory(lead=Criterion.Lead.ASSIGNED, time_limit_days=3)
    return {
        "department": department,
        "place": PlaceFactory(assigned_department=department),
        "criterion": criterion,
        "inspector": UserFactory(role=Role.INSPECTOR, department=None),
        "leader": UserFactory(role=Role.LEADER, department=None),
    }


def take(clock, moment: datetime.datetime, step, **kwargs) -> Issue:
    clock["now"] = moment
    return step(**kwargs)


def recorded(issue: Issue) -> list[tuple]:
    return list(
        issue.events.order_by("created", "pk").values_list(
            "action", "from_status", "to_status", "actor", "department", "note", "created"
        )
    )


def planned(workflow: Workflow, city) -> list[tuple]:
    """The planner's events, with each part played by the person who played it in the test."""
    actors = {
        Actor.REPORTER: city["inspector"],
        Actor.DISPATCHER: city["inspector"],  # filing dispatches at once, as the inspector
        Actor.RECTIFIER: city["department"].head,
        Actor.DEPARTMENT_HEAD: city["department"].head,
        Actor.VERIFIER: city["inspector"],
        Actor.LEADER: city["leader"],
    }
    return [
        (
            event.action,
            event.from_status,
            event.to_status,
            actors[event.actor].pk,
            city["department"].pk if event.names_department else None,
            event.note,
            event.moment,
        )
        for event in workflow.events
    ]


def assert_issue_as_planned(issue: Issue, workflow: Workflow) -> None:
    issue.refresh_from_db()
    planned_fields = (
        workflow.status,
        workflow.dispatched_at,
        workflow.deadline,
        workflow.submitted_at,
        workflow.closed_at,
        workflow.rework_count,
        workflow.rectification_note,
        workflow.return_reason,
    )
    assert (
        issue.status,
        issue.dispatched_at,
        issue.deadline,
        issue.submitted_at,
        issue.closed_at,
        issue.rework_count,
        issue.rectification_note,
        issue.return_reason,
    ) == planned_fields
    task = Task.objects.get(pk=issue.rectification_task_id)
    plan = workflow.rectification_task()
    assert (task.status, task.start_date, task.due_date, task.percent, task.completed_at) == (
        plan.status,
        plan.start_date,
        plan.due_date,
        plan.percent,
        plan.completed_at,
    )


def file(city, clock) -> Issue:
    return take(
        clock,
        FOUND,
        issue_file,
        reporter=city["inspector"],
        place=city["place"],
        criterion=city["criterion"],
        description="楼道堆放杂物",
    )


def test_it_plans_what_the_services_record_for_an_issue_sent_back_twice_then_closed(city, clock):
    staff, inspector = city["department"].head, city["inspector"]
    photos = photos_prepare([photo_upload("after.jpg")])
    issue = file(city, clock)
    take(clock, hours(2), issue_start, issue=issue, actor=staff)
    for number, (submitted, sent_back) in enumerate(((4, 6), (24, 26))):
        take(
            clock, hours(submitted), issue_submit, issue=issue, actor=staff, note=f"第{number + 1}次整改", photos=photos
        )
        take(clock, hours(sent_back), issue_send_back, issue=issue, actor=inspector, reason=f"第{number + 1}次退回")
    take(clock, hours(28), issue_submit, issue=issue, actor=staff, note="彻底整改", photos=photos)
    take(clock, hours(30), issue_verify, issue=issue, actor=inspector, note="核验通过")

    workflow = plan_workflow(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            deadline=deadline_after(FOUND, 3),
            started=hours(2),
            send_backs=[
                SendBack(submitted=hours(4), note="第1次整改", sent_back=hours(6), reason="第1次退回"),
                SendBack(submitted=hours(24), note="第2次整改", sent_back=hours(26), reason="第2次退回"),
            ],
            submitted=hours(28),
            submission_note="彻底整改",
            closed=hours(30),
            verification_note="核验通过",
        )
    )

    assert planned(workflow, city) == recorded(issue)
    assert [event.action for event in workflow.events] == [
        "filed", "dispatched", "started", "submitted", "sent_back", "submitted", "sent_back", "submitted", "verified",
    ]  # fmt: skip
    assert_issue_as_planned(issue, workflow)
    assert (workflow.status, workflow.rework_count) == (Issue.Status.CLOSED, 2)


def test_it_plans_an_approved_extension_moving_the_deadline_and_the_tasks_due_date(city, clock):
    staff = city["department"].head
    issue = file(city, clock)
    take(clock, hours(1), issue_start, issue=issue, actor=staff)
    longer = deadline_after(issue.deadline, 3)
    new_deadline = timezone.localtime(longer).date()
    request = take(
        clock, hours(3), extension_request, issue=issue, actor=staff, reason="需采购设施", new_deadline=new_deadline
    )
    take(clock, hours(5), extension_decide, request=request, actor=city["leader"], approve=True, note="同意")

    workflow = plan_workflow(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            deadline=deadline_after(FOUND, 3),
            started=hours(1),
            extension=Extension(
                asked=hours(3),
                reason="需采购设施",
                requested_deadline=longer,
                outcome="approved",
                decided=hours(5),
                decision_note="同意",
            ),
        )
    )

    assert planned(workflow, city) == recorded(issue)
    assert workflow.deadline == longer
    assert workflow.rectification_task().due_date == timezone.localtime(longer).date()
    assert_issue_as_planned(issue, workflow)


def test_it_plans_a_returned_issue_with_its_task_cancelled(city, clock):
    issue = file(city, clock)
    take(clock, hours(2), issue_return, issue=issue, actor=city["department"].head, reason="不属本单位")

    workflow = plan_workflow(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            deadline=deadline_after(FOUND, 3),
            returned=hours(2),
            return_reason="不属本单位",
        )
    )

    assert planned(workflow, city) == recorded(issue)
    assert workflow.rectification_task().status == Task.Status.CANCELLED
    assert_issue_as_planned(issue, workflow)


def test_it_plans_nothing_to_rectify_for_an_issue_only_filed():
    workflow = plan_workflow(Timeline(reported=FOUND, description="路面破损"))

    assert [(event.action, event.to_status, event.actor) for event in workflow.events] == [
        ("filed", Issue.Status.REPORTED, Actor.REPORTER)
    ]
    assert workflow.rectification_task() is None


@pytest.mark.parametrize(
    ("steps", "complaint"),
    [
        ({"closed": hours(5)}, "does not allow"),  # verified without a submission
        # more time asked for before the issue was dispatched
        ({"extension": Extension(asked=hours(0.5), reason="下雨", requested_deadline=hours(100))}, "does not allow"),
        ({"started": hours(3), "submitted": hours(2)}, "comes before"),
        ({"returned": hours(3), "submitted": hours(4)}, "does not allow"),
    ],
)
def test_it_refuses_a_way_the_workflow_does_not_allow(steps, complaint):
    timeline = Timeline(
        reported=FOUND, description="路面破损", dispatched=hours(1), deadline=deadline_after(FOUND, 3), **steps
    )

    with pytest.raises(ValueError, match=complaint):
        plan_workflow(timeline)


def test_it_refuses_an_extension_left_pending_on_a_closed_issue():
    timeline = Timeline(
        reported=FOUND,
        description="路面破损",
        dispatched=hours(1),
        deadline=deadline_after(FOUND, 3),
        started=hours(2),
        submitted=hours(4),
        closed=hours(5),
        extension=Extension(asked=hours(3), reason="下雨", requested_deadline=deadline_after(FOUND, 6)),
    )

    with pytest.raises(ValueError, match="pending"):
        plan_workflow(timeline)
