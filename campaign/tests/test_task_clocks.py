"""A task's clock: pledged work is due by the end of its due date and yellow DUE_SOON_WORKING_DAYS working
days before it, kept in step with the due date; its light read at 17:40, on a Sunday or a holiday is the
same rule."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from campaign.models import Task
from campaign.tests.factories import TaskFactory
from core.clocks import Light

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def three_days(settings):
    settings.DUE_SOON_WORKING_DAYS = 3


@pytest.mark.parametrize(
    ("now", "light"),
    [
        ("2018-03-12 17:40", Light.GREEN),  # Monday evening: four working days left
        ("2018-03-13 00:00", Light.YELLOW),  # Tuesday: three left, the due day included
        ("2018-03-16 17:40", Light.YELLOW),  # the due day itself, after the close
        ("2018-03-17 00:00", Light.RED),  # the day after
        ("2018-03-18 12:00", Light.RED),  # a Sunday
    ],
)
def test_pledged_work_is_green_then_yellow_then_red_by_its_due_date(now, light):
    task = TaskFactory(due_date=datetime.date(2018, 3, 16))  # a Friday

    assert task.light(at(now)) == light
    assert list(Task.objects.light(light, at(now))) == [task]
    assert task.is_overdue(at(now)) == (light == Light.RED)
    # A date stands for its first moment, as the day-based figures read it.
    assert Task.objects.overdue(datetime.date(2018, 3, 17)).get() == task
    assert not Task.objects.overdue(datetime.date(2018, 3, 16)).exists()


def test_its_yellow_starts_before_a_holiday_that_ends_its_working_days():
    task = TaskFactory(due_date=datetime.date(2018, 10, 8))  # the first working day after National Day
    # From Friday 28 September three working days are left, the due day included: the make-up weekend of
    # 29 and 30 September, and 8 October.
    assert task.yellow_at == at("2018-09-28 00:00")
    assert task.light(at("2018-10-03 12:00")) == Light.YELLOW


def test_its_clock_follows_its_due_date_when_it_moves():
    task = TaskFactory(due_date=datetime.date(2018, 3, 16))
    task.due_date = datetime.date(2018, 3, 23)
    task.save(update_fields=["due_date"])

    task.refresh_from_db()
    assert (task.due_at, task.yellow_at) == (at("2018-03-23 23:59:59"), at("2018-03-20 00:00"))
    task.percent = 50
    task.save(update_fields=["percent"])  # no due date among the fields: the clock stays
    assert Task.objects.get(pk=task.pk).due_at == at("2018-03-23 23:59:59")


def test_closed_or_waiting_work_has_no_light():
    done = TaskFactory(due_date=datetime.date(2018, 3, 1), status=Task.Status.DONE, completed_at=at("2018-03-01 10:00"))
    waiting = TaskFactory(due_date=datetime.date(2018, 3, 1), status=Task.Status.AWAITING_VERIFICATION)
    for task in (done, waiting):
        assert task.light(at("2018-03-20 10:00")) is None
    assert not any(Task.objects.light(light, at("2018-03-20 10:00")).exists() for light in Light.values)
