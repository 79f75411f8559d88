import datetime
from zoneinfo import ZoneInfo

import pytest

from core.models import WorkdayOverride
from core.working_time import add_working_days, deadline_after, subtract_working_days, working_days_between

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


def test_it_skips_an_ordinary_weekend():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday → Monday


def test_it_skips_the_spring_festival_holiday():
    # 2026: the Spring Festival holiday runs 15–23 February; the 14th and 28th are make-up Saturdays.
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_it_counts_a_make_up_saturday_as_working():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 16)) == 1


def test_it_counts_working_days_left_and_overdue():
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 6)) == 4
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == -1
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 6)) == 0


def test_it_sets_the_deadline_at_the_end_of_the_last_working_day():
    friday_afternoon = datetime.datetime(2026, 3, 6, 15, 30, tzinfo=SHANGHAI)
    assert deadline_after(friday_afternoon, 3) == datetime.datetime(2026, 3, 11, 23, 59, 59, tzinfo=SHANGHAI)


def test_it_reads_the_calendar_in_shanghai_time():
    # 17:00 UTC on Friday is already Saturday in Shanghai.
    late_friday_utc = datetime.datetime(2026, 3, 6, 17, 0, tzinfo=datetime.UTC)
    assert deadline_after(late_friday_utc, 1).date() == D(2026, 3, 9)


def test_it_falls_back_to_weekdays_for_a_year_the_package_does_not_know():
    assert add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 6)


def test_it_lets_an_administrator_correct_an_unknown_year():
    WorkdayOverride.objects.create(date=D(2031, 1, 6), is_workday=False, note="假日")
    WorkdayOverride.objects.create(date=D(2031, 1, 4), is_workday=True, note="调休")
    assert add_working_days(D(2031, 1, 3), 1) == D(2031, 1, 4)
    assert add_working_days(D(2031, 1, 3), 2) == D(2031, 1, 7)


def test_it_refuses_an_absurd_time_limit():
    with pytest.raises(ValueError, match="working days"):
        add_working_days(D(2026, 3, 2), 5000)


def test_it_finds_the_due_date_a_given_number_of_working_days_overdue():
    # Seen on Tuesday 24 February 2026, right after the Spring Festival holiday.
    cutoff = subtract_working_days(D(2026, 2, 24), 3)
    assert cutoff == D(2026, 2, 12)
    assert working_days_between(cutoff, D(2026, 2, 24)) == 3
    assert working_days_between(cutoff + datetime.timedelta(days=1), D(2026, 2, 24)) == 2
