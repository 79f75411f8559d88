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
from core.working_time import WorkingTime, deadline_after
from demo.planner import Actor, Extension, Overrule, SendBack, Suspension, Timeline, Workflow, plan_workflow
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, Issue, IssueEvent, StageClock
from inspections.services import (
    extension_decide,
    extension_request,
    issue_dispatch,
    issue_file,
    issue_return,
    issue_send_back,
    issue_start,
    issue_submit,
    issue_verify,
    suspension_decide,
    suspension_release,
    suspension_request,
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
    criterion = CriterionFactory(
        lead=Criterion.Lead.ASSIGNED, rectify_limit="3d", dispatch_limit="2h", verify_limit="4h"
    )
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


CLOCK_FIELDS = (
    "stage",
    "limit",
    "started_at",
    "due_at",
    "yellow_at",
    "extended_to",
    "stopped_at",
    "suspended_minutes",
    "overdue",
)


def plan(timeline: Timeline, city) -> Workflow:
    return plan_workflow(timeline, limits=city["criterion"], working_time=WorkingTime())


def assert_clocks_as_planned(issue: Issue, workflow: Workflow) -> None:
    recorded_runs = [
        tuple(getattr(run, name) for name in CLOCK_FIELDS) for run in StageClock.objects.filter(issue=issue)
    ]
    planned_runs = [tuple(getattr(run, name) for name in CLOCK_FIELDS) for run in workflow.clocks]
    assert recorded_runs == planned_runs
    columns = workflow.clock_columns()
    assert {name: getattr(issue, name) for name in columns} == columns


def assert_issue_as_planned(issue: Issue, workflow: Workflow) -> None:
    issue.refresh_from_db()
    assert_clocks_as_planned(issue, workflow)
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
    planned_task = workflow.rectification_task()
    fields = ("status", "start_date", "due_date", "percent", "completed_at", "due_at", "yellow_at", "suspended_at")
    assert tuple(getattr(task, name) for name in fields) == tuple(getattr(planned_task, name) for name in fields)


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

    workflow = plan(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            started=hours(2),
            send_backs=[
                SendBack(submitted=hours(4), note="第1次整改", sent_back=hours(6), reason="第1次退回"),
                SendBack(submitted=hours(24), note="第2次整改", sent_back=hours(26), reason="第2次退回"),
            ],
            submitted=hours(28),
            submission_note="彻底整改",
            closed=hours(30),
            verification_note="核验通过",
        ),
        city,
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
    longer = deadline_after(issue.deadline, 2)
    new_deadline = timezone.localtime(longer).date()
    request = take(
        clock, hours(3), extension_request, issue=issue, actor=staff, reason="需采购设施", new_deadline=new_deadline
    )
    take(clock, hours(5), extension_decide, request=request, actor=city["leader"], approve=True, note="同意")

    workflow = plan(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            started=hours(1),
            extension=Extension(
                asked=hours(3),
                reason="需采购设施",
                requested_deadline=longer,
                outcome="approved",
                decided=hours(5),
                decision_note="同意",
            ),
        ),
        city,
    )

    assert planned(workflow, city) == recorded(issue)
    assert workflow.deadline == longer
    assert workflow.rectification_task().due_date == timezone.localtime(longer).date()
    assert_issue_as_planned(issue, workflow)


def test_it_plans_a_returned_issue_with_its_task_cancelled(city, clock):
    issue = file(city, clock)
    take(clock, hours(2), issue_return, issue=issue, actor=city["department"].head, reason="不属本单位")

    workflow = plan(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            returned=hours(2),
            return_reason="不属本单位",
        ),
        city,
    )

    assert planned(workflow, city) == recorded(issue)
    assert workflow.rectification_task().status == Task.Status.CANCELLED
    assert workflow.clock.stage == "dispatch"  # the office's clock runs again from the return
    assert_issue_as_planned(issue, workflow)


def test_it_plans_an_overruled_return_and_its_new_clock(city, clock):
    issue = file(city, clock)
    take(clock, hours(2), issue_return, issue=issue, actor=city["department"].head, reason="不属本单位")
    take(
        clock,
        hours(3),
        issue_dispatch,
        issue=issue,
        actor=city["inspector"],
        department=city["department"],
        note="属于你单位帮包范围",
    )

    workflow = plan(
        Timeline(
            reported=FOUND,
            description="楼道堆放杂物",
            dispatched=FOUND,
            returned=hours(2),
            return_reason="不属本单位",
            overruled=Overrule(at=hours(3), reason="属于你单位帮包范围"),
        ),
        city,
    )

    assert planned(workflow, city) == recorded(issue)
    assert [event.action for event in workflow.events][-1] == "return_overruled"
    assert (workflow.status, workflow.clock.stage, workflow.clock.started_at) == ("dispatched", "rectify", hours(3))
    assert_issue_as_planned(issue, workflow)


def test_it_plans_a_suspension_released_and_one_still_in_force(city, clock):
    staff, leader = city["department"].head, city["leader"]
    issue = file(city, clock)
    take(clock, hours(1), issue_start, issue=issue, actor=staff)
    first = take(clock, hours(2), suspension_request, issue=issue, actor=staff, reason="等待法院判决")
    take(clock, hours(3), suspension_decide, suspension=first, actor=leader, approve=True)
    take(clock, hours(49), suspension_release, issue=issue, actor=staff)
    second = take(clock, hours(50), suspension_request, issue=issue, actor=staff, reason="需协调铁路部门")
    take(clock, hours(51), suspension_decide, suspension=second, actor=leader, approve=True, note="同意")

    timeline = Timeline(reported=FOUND, description="楼道堆放杂物", dispatched=FOUND, started=hours(1))
    timeline.suspension = Suspension(
        asked=hours(2), reason="等待法院判决", outcome="approved", decided=hours(3), released=hours(49)
    )
    first_half = plan(timeline, city)
    # The planner takes one suspension per issue: the second, still in force, is planned on its own.
    assert [event.action for event in first_half.events] == [
        "filed", "dispatched", "started", "suspension_requested", "suspended", "resumed",
    ]  # fmt: skip
    assert first_half.clock.suspended_minutes > 0
    assert (
        first_half.clock.due_at > plan(Timeline(reported=FOUND, description="x", dispatched=FOUND), city).clock.due_at
    )

    issue.refresh_from_db()
    assert issue.clock_suspended_at == hours(51)
    run = StageClock.objects.get(issue=issue, stopped_at=None)
    assert (run.suspended_minutes, run.due_at) == (first_half.clock.suspended_minutes, first_half.clock.due_at)


def test_it_plans_nothing_to_rectify_for_an_issue_only_filed():
    workflow = plan_workflow(Timeline(reported=FOUND, description="路面破损"), working_time=WorkingTime())

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
    timeline = Timeline(reported=FOUND, description="路面破损", dispatched=hours(1), **steps)

    with pytest.raises(ValueError, match=complaint):
        plan_workflow(timeline, working_time=WorkingTime())


def test_it_refuses_an_extension_left_pending_on_a_closed_issue():
    timeline = Timeline(
        reported=FOUND,
        description="路面破损",
        dispatched=hours(1),
        started=hours(2),
        submitted=hours(4),
        closed=hours(5),
        extension=Extension(asked=hours(3), reason="下雨", requested_deadline=deadline_after(FOUND, 6)),
    )

    with pytest.raises(ValueError, match="pending"):
        plan_workflow(timeline, working_time=WorkingTime())
