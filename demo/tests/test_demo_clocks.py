"""The demo shows every light on the day it is loaded, whatever that day is: its cases are placed back
from the load day in working time, so that each light holds from its first moment to its last."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from core.clocks import Light
from demo.services import demo_load
from inspections.models import Issue, IssueEvent, StageClock, Suspension

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2018, 4, 16),  # a Monday
        datetime.date(2018, 4, 15),  # a Sunday
        datetime.date(2018, 6, 18),  # the Dragon Boat Festival, a day off
        datetime.date(2018, 10, 3),  # in the National Day week
    ],
    ids=str,
)
def test_it_shows_every_light_all_day_long_on_the_day_it_is_loaded(day):
    demo_load(today=day)

    first = datetime.datetime.combine(day, datetime.time(), tzinfo=SHANGHAI)
    for now in (
        first,
        first + datetime.timedelta(hours=17, minutes=40),
        first + datetime.timedelta(hours=23, minutes=59),
    ):
        counts = {light: Issue.objects.light(light, now).count() for light in Light.values}
        assert all(counts.values()), (now, counts)
        assert counts[Light.SUSPENDED] == 2
        # The departments' own clocks show every light too, not only the office's and the inspectors'.
        department = {
            light: Issue.objects.filter(Issue.light_q(light, now, stage="rectify")).count() for light in Light
        }
        assert all(department.values()), (now, department)


def test_it_has_two_suspended_cases_and_one_overruled_return_with_their_clocks():
    demo_load(today=datetime.date(2018, 4, 16))

    suspended = Issue.objects.filter(clock_suspended_at__isnull=False)
    assert suspended.count() == 2
    assert Suspension.objects.filter(status=Suspension.Status.APPROVED, issue__in=suspended).count() == 2
    assert all(issue.rectification_task.suspended_at == issue.clock_suspended_at for issue in suspended)
    overruled = IssueEvent.objects.get(action=IssueEvent.Action.RETURN_OVERRULED)
    issue = overruled.issue
    assert overruled.department == issue.department
    assert list(issue.events.values_list("action", flat=True))[:4] == [
        "filed",
        "dispatched",
        "returned",
        "return_overruled",
    ]
    assert [clock.stage for clock in StageClock.objects.filter(issue=issue)] == [
        "dispatch",
        "rectify",
        "dispatch",
        "rectify",
    ]
    # Every issue's running clock is on its columns; every stopped run says whether it was late.
    running = {clock.issue_id: clock for clock in StageClock.objects.filter(stopped_at=None)}
    for each in Issue.objects.exclude(status=Issue.Status.CLOSED):
        assert each.clock_due_at == running[each.pk].due_at, each.code
    assert not StageClock.objects.filter(stopped_at__isnull=False, overdue=None).exists()
    sources = {"inspection", "leader", "media", "hotline", "citizen", "evaluation"}  # demo/citizens.py, evaluation.py
    assert set(Issue.objects.values_list("source", flat=True)) == sources
