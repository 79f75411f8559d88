"""The weekly report's week is picked, not typed: a week picker, and where a browser has none a day
picker whose day stands for its week; the server takes either."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from reports.models import WeeklyReport
from reports.services import iso_week_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


def test_it_offers_a_week_picker_with_a_day_picker_to_fall_back_on(leader):
    page = leader.get("/reports/weekly/").content.decode()

    assert '<input type="week" id="id_week" name="week"' in page
    assert 'data-week-fallback="' in page
    assert "YYYY-Www" not in page
    assert "2018-W09" not in page


@pytest.mark.parametrize(
    ("value", "monday"),
    [("2018-W11", datetime.date(2018, 3, 12)), ("2018-03-14", datetime.date(2018, 3, 12))],
)
def test_it_takes_a_week_or_any_day_of_it(value, monday):
    assert iso_week_start(value) == monday


def test_it_builds_the_week_of_the_day_a_day_picker_sent(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        leader.post("/reports/weekly/build/", {"week": "2018-03-18"})  # a Sunday

    assert WeeklyReport.objects.get().week_start == datetime.date(2018, 3, 12)
