"""Every stage of an issue has a clock in working time, whose owner alone it times: the office's to
dispatch, the department's to rectify, the inspectors' to verify. Lights are read from the stored
moments at a given ``now``; a send-back and a return start their stage's clock again; a suspension
stops the clock and pushes it later by the office time it stood."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.models import Notification, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from core.clocks import Light
from core.errors import ApplicationError
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Criterion, Issue, IssueEvent, StageClock, Suspension
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def moment(monkeypatch):
    """The services' now, moved by each step of a test (``moment("2018-03-06 09:00")``)."""
    now = {"at": at("2018-03-06 09:00")}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    monkeypatch.setattr(IssueEvent._meta.get_field("created"), "_get_default", lambda: now["at"])

    def move(text: str) -> datetime.datetime:
        now["at"] = at(text)
        return now["at"]

    return move


@pytest.fixture
def city():
    """A bureau that rectifies findings at its place within four office hours; dispatch in one, verification
    in two (winter hours in March: 08:30–12:00 and 13:30–17:30)."""
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    bureau.head = UserFactory(department=bureau, role=Role.STAFF)
    bureau.save()
    other = DepartmentFactory(code="JTJ", name="市交通局")
    criterion = CriterionFactory(
        lead=Criterion.Lead.ASSIGNED, dispatch_limit="1h", rectify_limit="4h", verify_limit="2h"
    )
    return {
        "bureau": bureau,
        "other": other,
        "staff": bureau.head,
        "place": PlaceFactory(assigned_department=bureau),
        "criterion": criterion,
        "inspector": UserFactory(role=Role.INSPECTOR, department=None),
        "leader": UserFactory(role=Role.LEADER, department=None),
    }


def file(city, *, dispatch: bool = True) -> Issue:
    return services.issue_file(
        reporter=city["inspector"],
        place=city["place"],
        criterion=city["criterion"],
        description="路边有暴露垃圾",
        dispatch=dispatch,
    )


def runs(issue: Issue) -> list[tuple]:
    return [
        (run.stage, run.started_at, run.due_at, run.stopped_at, run.overdue)
        for run in StageClock.objects.filter(issue=issue)
    ]


def photos():
    return photos_prepare([photo_upload("after.jpg")])


def test_it_times_each_stage_for_its_owner_and_stops_it_when_their_part_is_done(city, moment):
    issue = file(city, dispatch=False)
    assert (issue.clock_stage, issue.clock_due_at) == ("dispatch", at("2018-03-06 10:00"))

    moment("2018-03-06 10:30")  # the office dispatches half an hour late
    issue = services.issue_dispatch(issue=issue, actor=city["inspector"])
    # Four office hours from 10:30: 90 minutes before lunch, 150 after it.
    assert (issue.clock_stage, issue.deadline) == ("rectify", at("2018-03-06 16:00"))
    assert issue.clock_yellow_at == at("2018-03-06 15:12")  # 80 % of 240 minutes used
    assert issue.rectification_task.due_at == at("2018-03-06 16:00")

    moment("2018-03-06 15:00")
    issue = services.issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos())
    assert (issue.clock_stage, issue.clock_due_at) == ("verify", at("2018-03-06 17:00"))

    moment("2018-03-06 17:40")  # verified after the inspectors' two hours
    issue = services.issue_verify(issue=issue, actor=city["inspector"])
    assert (issue.clock_stage, issue.clock_due_at) == ("", None)
    assert runs(issue) == [
        ("dispatch", at("2018-03-06 09:00"), at("2018-03-06 10:00"), at("2018-03-06 10:30"), True),
        ("rectify", at("2018-03-06 10:30"), at("2018-03-06 16:00"), at("2018-03-06 15:00"), False),
        ("verify", at("2018-03-06 15:00"), at("2018-03-06 17:00"), at("2018-03-06 17:40"), True),
    ]
    # The department was on time: nobody counts it late for the inspectors' wait.
    assert StageClock.objects.get(issue=issue, stage="rectify").department == city["bureau"]
    assert not Issue.objects.overdue(at("2018-03-06 17:40")).exists()


def test_the_department_is_not_late_for_the_inspectors_wait(city, moment):
    issue = file(city)
    moment("2018-03-06 10:00")
    issue = services.issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos())

    late = at("2018-03-09 10:00")  # days later, still awaiting verification
    assert issue.light(late) == Light.RED  # the inspectors' clock
    assert not issue.is_overdue(late)
    assert not Issue.objects.overdue(late).exists()
    assert Issue.objects.light(Light.RED, late).get() == issue
    task = Task.objects.get(pk=issue.rectification_task_id)
    assert task.status == Task.Status.AWAITING_VERIFICATION
    assert (task.light(late), task.is_overdue(late), Task.objects.overdue(late).exists()) == (None, False, False)


# Dispatched on a Friday at 16:00 with four office hours: 90 minutes that day, 150 on Monday morning.
FRIDAY = "2018-03-09 16:00"


@pytest.mark.parametrize(
    ("now", "light", "remaining"),
    [
        ("2018-03-09 17:40", Light.GREEN, 150),  # after the close: the clock stands still
        ("2018-03-11 12:00", Light.GREEN, 150),  # a Sunday
        ("2018-03-12 10:30", Light.YELLOW, 30),  # Monday, 80 % used at 10:12
        ("2018-03-12 17:40", Light.RED, -300),  # due at 11:00: an hour before lunch and four after it
    ],
)
def test_it_shows_each_light_whenever_it_is_read(city, moment, client, now, light, remaining):
    moment(FRIDAY)
    issue = file(city)
    assert issue.deadline == at("2018-03-12 11:00")

    moment(now)
    assert issue.light(at(now)) == light
    assert Issue.objects.light(light, at(now)).get() == issue
    assert [other for other in Light.values if other != light and Issue.objects.light(other, at(now)).exists()] == []
    client.force_login(city["leader"])
    answer = client.get(f"/api/v1/issues/{issue.pk}/").json()["clock"]
    assert answer == {
        "stage": "rectify",
        "state": light,
        "due_at": "2018-03-12T11:00:00+08:00",
        "remaining_working_minutes": remaining,
    }
    assert answer["state"] == client.get("/api/v1/tasks/", {"light": light}).json()["results"][0]["clock"]["state"]


def test_a_clock_stands_still_through_the_spring_festival(city, moment):
    moment("2018-02-14 16:00")
    issue = file(city)
    assert issue.deadline == at("2018-02-22 11:00")  # 15–21 February off

    holiday = at("2018-02-16 10:00")
    assert issue.light(holiday) == Light.GREEN
    assert Issue.objects.light(Light.GREEN, holiday).get() == issue


def test_a_send_back_gives_the_department_its_whole_limit_again_from_that_moment(city, moment):
    issue = file(city)  # due 13:00... of Tuesday: 09:00 + 4 office hours = 14:30
    assert issue.deadline == at("2018-03-06 14:30")
    moment("2018-03-06 11:00")
    services.issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos())

    moment("2018-03-07 16:00")  # sent back the next afternoon, after the first deadline
    issue = services.issue_send_back(issue=issue, actor=city["inspector"], reason="仍有残留")

    # Four office hours from 16:00: 90 minutes that day, 150 the next morning.
    assert (issue.clock_stage, issue.clock_started_at, issue.deadline) == (
        "rectify",
        at("2018-03-07 16:00"),
        at("2018-03-08 11:00"),
    )
    assert not issue.is_overdue(at("2018-03-07 17:00"))
    assert Task.objects.get(pk=issue.rectification_task_id).due_at == at("2018-03-08 11:00")
    with translation.override("en"):
        told = Notification.objects.filter(recipient=city["staff"], title__contains=issue.code).latest("pk")
    assert "2018-03-08 11:00" in told.body
    assert [stage for stage, *_rest in runs(issue)] == ["dispatch", "rectify", "verify", "rectify"]


def test_a_return_starts_the_offices_dispatch_clock_again(city, moment):
    issue = file(city)
    moment("2018-03-06 10:00")
    issue = services.issue_return(issue=issue, actor=city["staff"], reason="不属本单位")

    assert (issue.clock_stage, issue.clock_started_at, issue.clock_due_at) == (
        "dispatch",
        at("2018-03-06 10:00"),
        at("2018-03-06 11:00"),
    )
    assert not issue.is_overdue(at("2018-03-09 10:00"))  # the department's clock is gone with it
    assert runs(issue)[-2][3:] == (at("2018-03-06 10:00"), False)


def test_an_office_overrules_an_unjustified_return_with_a_reason_counted_as_passing_the_buck(city, moment):
    issue = file(city)
    moment("2018-03-06 10:00")
    services.issue_return(issue=issue, actor=city["staff"], reason="不属本单位")

    moment("2018-03-06 11:00")
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as refused:
        services.issue_dispatch(issue=issue, actor=city["inspector"], department=city["bureau"])
    assert refused.value.code == "overrule_reason_required"
    assert "回退" in refused.value.message
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.RETURNED

    issue = services.issue_dispatch(
        issue=issue, actor=city["inspector"], department=city["bureau"], note="该点位属你局帮包范围"
    )

    assert (issue.status, issue.department) == (Issue.Status.DISPATCHED, city["bureau"])
    assert (issue.clock_stage, issue.clock_started_at, issue.deadline) == (
        "rectify",
        at("2018-03-06 11:00"),
        at("2018-03-06 16:30"),
    )
    overruled = issue.events.get(action=IssueEvent.Action.RETURN_OVERRULED)
    assert (overruled.department, overruled.note) == (city["bureau"], "该点位属你局帮包范围")
    # One 推诿 for the bureau, counted from the events.
    passing_the_buck = IssueEvent.objects.filter(action=IssueEvent.Action.RETURN_OVERRULED, department=city["bureau"])
    assert passing_the_buck.count() == 1
    assert Task.objects.get(pk=issue.rectification_task_id).status == Task.Status.TODO


# --- Suspensions (挂起) ---------------------------------------------------------------------------------


def test_a_suspended_clock_stands_still_and_resumes_later_by_the_office_time_it_stood(city, moment):
    issue = file(city)  # due Tuesday 14:30
    moment("2018-03-06 09:30")
    asked = services.suspension_request(issue=issue, actor=city["staff"], reason="等待法院判决")
    assert Issue.objects.get(pk=issue.pk).clock_suspended_at is None  # until a leader decides, it runs on
    moment("2018-03-06 10:00")
    services.suspension_decide(suspension=asked, actor=city["leader"], approve=True)

    wednesday = at("2018-03-07 12:00")  # past the old deadline, but suspended
    issue.refresh_from_db()
    assert issue.light(wednesday) == Light.SUSPENDED
    assert not issue.is_overdue(wednesday)
    assert not Issue.objects.overdue(wednesday).exists()
    assert Issue.objects.light(Light.SUSPENDED, wednesday).get() == issue
    task = Task.objects.get(pk=issue.rectification_task_id)
    assert (task.light(wednesday), Task.objects.overdue(wednesday).exists()) == (Light.SUSPENDED, False)

    moment("2018-03-08 10:00")
    services.suspension_release(issue=issue, actor=city["staff"])

    issue.refresh_from_db()
    # Stopped from Tuesday 10:00 to Thursday 10:00: 900 office minutes, so the 180 minutes left then run
    # from Thursday 10:00.
    assert (issue.clock_suspended_at, issue.deadline, issue.clock_due_at) == (
        None,
        at("2018-03-08 14:30"),
        at("2018-03-08 14:30"),
    )
    run = StageClock.objects.get(issue=issue, stopped_at=None)
    suspension = Suspension.objects.get()
    assert (run.suspended_minutes, suspension.suspended_minutes, suspension.status) == (900, 900, "released")
    assert Task.objects.get(pk=issue.rectification_task_id).due_at == at("2018-03-08 14:30")
    assert list(issue.events.values_list("action", flat=True))[-3:] == ["suspension_requested", "suspended", "resumed"]
    assert "2018-03-08 14:30" in Notification.objects.filter(recipient=city["staff"]).latest("pk").body


def test_a_suspension_in_force_ends_when_the_department_hands_the_rectification_in(city, moment):
    issue = file(city)
    asked = services.suspension_request(issue=issue, actor=city["staff"], reason="需协调铁路部门")
    moment("2018-03-06 10:00")
    services.suspension_decide(suspension=asked, actor=city["leader"], approve=True)
    moment("2018-03-06 16:00")
    issue = services.issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos())

    assert Suspension.objects.get().status == Suspension.Status.RELEASED
    rectified = StageClock.objects.get(issue=issue, stage="rectify")
    # Stopped 10:00–16:00 (270 office minutes): due at 14:30 + 270 = the next morning, so not late.
    assert (rectified.suspended_minutes, rectified.overdue) == (270, False)
    assert issue.clock_suspended_at is None


def test_it_refuses_a_suspension_in_chinese_and_changes_nothing(city, moment):
    issue = file(city)
    with translation.override("zh-hans"):
        with pytest.raises(ApplicationError) as blank:
            services.suspension_request(issue=issue, actor=city["staff"], reason="  ")
        assert blank.value.message == "请说明为何需要挂起计时。"
        asked = services.suspension_request(issue=issue, actor=city["staff"], reason="等待法院判决")
        with pytest.raises(ApplicationError) as twice:
            services.suspension_request(issue=issue, actor=city["staff"], reason="再次申请")
        assert twice.value.code == "suspension_exists"
        with pytest.raises(ApplicationError) as no_reason:
            services.suspension_decide(suspension=asked, actor=city["leader"], approve=False)
        assert no_reason.value.code == "reason_required"
        services.suspension_decide(suspension=asked, actor=city["leader"], approve=False, note="可以按期完成")

        moment("2018-03-06 10:00")
        services.issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos())
        services.issue_verify(issue=issue, actor=city["inspector"])
        with pytest.raises(ApplicationError) as closed:
            services.suspension_request(issue=issue, actor=city["staff"], reason="等待法院判决")
    assert closed.value.code == "transition_not_allowed"
    assert "已结案" in closed.value.message
    assert list(Suspension.objects.values_list("status", flat=True)) == ["refused"]
    assert Issue.objects.get(pk=issue.pk).clock_suspended_at is None


# --- Extensions move the department's clock ---------------------------------------------------------


def test_an_approved_extension_moves_the_departments_clock_and_its_yellow(city, moment):
    issue = file(city)
    request = services.extension_request(
        issue=issue, actor=city["staff"], reason="需采购设备", new_deadline=datetime.date(2018, 3, 7)
    )
    services.extension_decide(request=request, actor=city["leader"], approve=True)

    issue.refresh_from_db()
    run = StageClock.objects.get(issue=issue, stopped_at=None)
    assert issue.clock_due_at == issue.deadline == run.extended_to == at("2018-03-07 23:59:59")
    # 870 office minutes from Tuesday 09:00 to the end of Wednesday: yellow once 696 are used.
    assert issue.clock_yellow_at == at("2018-03-07 14:36")
    assert issue.light(at("2018-03-07 12:00")) == Light.GREEN
    assert issue.light(at("2018-03-07 18:00")) == Light.YELLOW
