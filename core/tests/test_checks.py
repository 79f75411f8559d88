"""``migrate`` and ``check`` on the embedded SQLite default: no warning about the PostgreSQL covering indexes,
and a warning that names a coming year the official calendar does not know."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.models import WorkdayOverride
from core.working_time import package_covers, uncovered_years

pytestmark = pytest.mark.django_db


def check_output() -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("check", databases=[connection.alias], stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def fill_the_coming_years() -> None:
    """A day off entered for this year and the next, as administrators do for a year the package lacks."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        WorkdayOverride.objects.get_or_create(date=datetime.date(year, 1, 1), defaults={"is_workday": False})


def test_it_warns_of_nothing_when_it_checks_the_database_it_runs_on():
    fill_the_coming_years()

    output = check_output()

    assert "W040" not in output
    assert "no issues" in output


def test_it_names_a_coming_year_the_calendar_does_not_know_until_its_days_off_are_entered(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2031, 11, 20))

    output = check_output()
    assert "core.W001" in output
    assert "2031" in output
    assert "2032" in output

    WorkdayOverride.objects.create(date=datetime.date(2032, 1, 1), is_workday=False, note="元旦")
    output = check_output()
    assert "2031" in output
    assert "2032" not in output


def test_it_asks_the_package_first_and_the_overrides_second():
    assert package_covers(2018)
    assert not package_covers(2031)
    assert uncovered_years(datetime.date(2018, 5, 2)) == []
    assert uncovered_years(datetime.date(2030, 12, 31)) == [2030, 2031]
    WorkdayOverride.objects.create(date=datetime.date(2031, 10, 1), is_workday=False, note="国庆")
    WorkdayOverride.objects.create(date=datetime.date(2030, 10, 8), is_workday=True, note="调休")  # no day off
    assert uncovered_years(datetime.date(2030, 12, 31)) == [2030]
