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


# --- office hours -----------------------------------------------------------------------------

from core.working_time import Limit, Season, Timetable, WorkingTime  # noqa: E402


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "limit", "due"),
    [
        # The operators' examples, winter timetable, around the 2018 Spring Festival (15–21 February off,
        # 11 and 24 February worked).
        ("2018-02-14 16:00", "4h", "2018-02-22 11:00"),
        ("2018-02-14 11:00", "90m", "2018-02-14 14:00"),
        ("2018-02-14 10:00", "3d", "2018-02-24 17:30"),
        # Across lunch; a clock started at lunch or in the evening runs from the next office hour.
        ("2018-03-06 11:30", "1h", "2018-03-06 14:00"),
        ("2018-03-06 12:30", "1h", "2018-03-06 14:30"),
        ("2018-03-06 20:00", "30m", "2018-03-07 09:00"),
        # Friday afternoon to Monday morning.
        ("2018-03-09 17:00", "1h", "2018-03-12 09:00"),
        # A limit that ends exactly at a session's close ends there, not next morning.
        ("2018-03-06 16:30", "1h", "2018-03-06 17:30"),
        # Summer hours (May to September): lunch until 14:30, close at 18:00.
        ("2018-06-05 11:30", "1h", "2018-06-05 15:00"),
        ("2018-06-05 10:00", "1d", "2018-06-06 18:00"),
        # National Day 2018: 1–7 October off, Saturday 29 September and Sunday 30 September worked.
        ("2018-09-28 17:00", "2h", "2018-09-29 09:30"),  # summer hours close at 18:00
        ("2018-09-30 16:00", "4h", "2018-10-08 10:30"),  # then winter hours
        ("2018-09-30 09:00", "1d", "2018-10-08 17:30"),
        # Natural hours run around the clock, holidays included.
        ("2018-02-14 16:00", "24nh", "2018-02-15 16:00"),
    ],
)
def test_it_adds_a_limit_in_office_hours_on_the_official_calendar(start, limit, due):
    assert WorkingTime().add(at(start), Limit.parse(limit)) == at(due)


def test_it_counts_the_office_minutes_between_two_moments():
    clock = WorkingTime()
    assert clock.between(at("2018-02-14 16:00"), at("2018-02-22 11:00")) == 240
    assert clock.between(at("2018-03-06 11:00"), at("2018-03-06 14:00")) == 90  # lunch left out
    assert clock.between(at("2018-03-06 14:00"), at("2018-03-06 11:00")) == -90  # overdue is negative
    assert clock.between(at("2018-03-10 09:00"), at("2018-03-11 18:00")) == 0  # a weekend


def test_add_and_between_agree():
    clock = WorkingTime()
    start = at("2018-02-13 15:10")
    for minutes in (1, 59, 60, 61, 210, 211, 420, 421, 2000):
        due = clock.add(start, Limit(minutes, Limit.MINUTES))
        assert clock.between(start, due) == minutes, minutes


def office_minutes_day_by_day(clock: WorkingTime, start: datetime.datetime, end: datetime.datetime) -> int:
    """The office time from ``start`` to ``end`` added up day by day, session by session."""
    if end < start:
        return -office_minutes_day_by_day(clock, end, start)
    total, day = datetime.timedelta(), start.date()
    while day <= end.date():
        for begin, finish in clock.sessions(day):
            total += max(min(finish, end) - max(begin, start), datetime.timedelta())
        day += datetime.timedelta(days=1)
    return int(total.total_seconds() // 60)


def test_office_minutes_over_months_are_those_of_each_day_added_up():
    """A clock months overdue is counted season by season (working days times the office day): the same
    minutes as day by day, across seasons, holidays and make-up days, whichever moment comes first and
    whichever is asked first."""
    clock = WorkingTime()
    moments = [at(text) for text in ("2018-02-14 16:00", "2018-06-05 11:30", "2018-09-30 16:00", "2017-12-31 23:00")]
    moments += [moment + datetime.timedelta(days=days, minutes=37) for moment in moments for days in (1, 45, 200)]
    for start in moments:
        for end in moments:
            assert clock.between(start, end) == office_minutes_day_by_day(clock, start, end), (start, end)


def test_office_minutes_over_years_follow_seasons_ending_on_a_leap_day_and_the_overrides():
    """Three seasons, one of them ending on 29 February, and an administrator's overrides: years of whole days
    still add up to the office time of each day."""
    WorkdayOverride.objects.create(date=D(2020, 3, 7), is_workday=True, note="调休")
    WorkdayOverride.objects.create(date=D(2021, 3, 1), is_workday=False, note="假日")
    times = ((datetime.time(8), datetime.time(11, 45)), (datetime.time(13), datetime.time(17, 10)))
    clock = WorkingTime(
        timetable=Timetable(
            (
                Season("winter", (11, 1), (2, 29), times),
                Season("spring", (3, 1), (6, 30), ((datetime.time(9), datetime.time(12)),)),
                Season("summer", (7, 1), (10, 31), ((datetime.time(7, 30), datetime.time(11, 30)),)),
            )
        )
    )
    moments = [at(text) for text in ("2019-12-30 10:00", "2020-02-28 16:00", "2020-03-02 08:00", "2021-02-26 12:30")]
    moments += [moment + datetime.timedelta(days=days, minutes=11) for moment in moments for days in (3, 120, 400)]
    for start in moments:
        for end in moments:
            assert clock.between(start, end) == office_minutes_day_by_day(clock, start, end), (start, end)


def test_an_override_moves_office_hours_like_any_working_day():
    WorkdayOverride.objects.create(date=D(2031, 1, 6), is_workday=False, note="假日")
    assert WorkingTime().add(at("2031-01-03 17:00"), Limit.parse("1h")) == at("2031-01-07 09:00")


@pytest.mark.parametrize("text", ["0h", "-3d", "4x", "h", "3.5h", ""])
def test_it_refuses_a_limit_it_cannot_read(text):
    with pytest.raises(ValueError, match="limit|unit|zero"):
        Limit.parse(text)


def test_a_timetable_that_leaves_a_day_without_office_hours_says_which():
    summer_only = Timetable(Timetable.default().seasons[:1])
    with pytest.raises(ValueError, match="no office hours are set for 01-15"):
        WorkingTime(timetable=summer_only).add(at("2018-01-15 09:00"), Limit.parse("1h"))


# --- clocks: due and yellow moments, suspensions, pledged work ------------------------------------


def test_a_clock_turns_yellow_once_most_of_its_office_time_is_used():
    clock = WorkingTime()
    due, yellow = clock.clock(at("2018-03-06 10:30"), Limit.parse("4h"), share=0.8)
    assert (due, yellow) == (at("2018-03-06 16:00"), at("2018-03-06 15:12"))
    # Across the Spring Festival: yellow before the holiday would be wrong, the last fifth falls after it.
    due, yellow = clock.clock(at("2018-02-14 16:00"), Limit.parse("4h"), share=0.8)
    assert (due, yellow) == (at("2018-02-22 11:00"), at("2018-02-22 10:12"))


def test_a_suspended_clock_resumes_later_by_the_office_time_it_stood():
    clock = WorkingTime()
    start = at("2018-03-06 09:00")
    standing = clock.between(at("2018-03-06 10:00"), at("2018-03-08 10:00"))
    assert standing == 900  # Tuesday 10:00 to Thursday 10:00 in office minutes
    due, yellow = clock.clock(start, Limit.parse("4h"), share=0.8, suspended_minutes=standing)
    assert due == at("2018-03-08 14:30")  # the 180 minutes left at 10:00 run from Thursday 10:00
    assert yellow == at("2018-03-08 13:42")
    # Natural hours stand still around the clock.
    due, _yellow = clock.clock(start, Limit.parse("24nh"), share=0.8, suspended_minutes=120)
    assert due == at("2018-03-07 11:00")


def test_an_approved_due_moment_replaces_the_limit_and_suspensions_after_it_push_it():
    clock = WorkingTime()
    until = at("2018-03-07 23:59:59")
    assert clock.clock(at("2018-03-06 09:00"), Limit.parse("4h"), share=0.8, until=until)[0] == until
    assert clock.clock(at("2018-03-06 09:00"), Limit.parse("4h"), share=0.8, until=until, suspended_minutes=60)[
        0
    ] == at("2018-03-08 09:30")


def test_office_minutes_left_are_negative_once_overdue_and_still_at_night():
    clock = WorkingTime()
    due = at("2018-03-12 11:00")
    assert clock.remaining(at("2018-03-09 17:40"), due) == 150  # Friday evening: the weekend does not count
    assert clock.remaining(at("2018-03-11 12:00"), due) == 150
    assert clock.remaining(at("2018-03-12 17:40"), due) == -300


def test_pledged_work_is_due_soon_three_working_days_before_its_due_date(settings):
    from core.working_time import pledged_due_at, pledged_yellow_at

    settings.DUE_SOON_WORKING_DAYS = 3
    assert pledged_due_at(D(2018, 3, 16)) == at("2018-03-16 23:59:59")
    assert pledged_yellow_at(D(2018, 3, 16)) == at("2018-03-13 00:00")  # Tuesday, three working days left
    # Due on the Monday after the Spring Festival's last day off: yellow since before the holiday.
    assert pledged_yellow_at(D(2018, 2, 22)) == at("2018-02-12 00:00")


def test_a_limit_says_itself_in_words():
    from django.utils import translation

    with translation.override("en"):
        assert [Limit.parse(text).text for text in ("1h", "90m", "3d", "24nh")] == [
            "1 office hour",
            "90 office minutes",
            "3 working days",
            "24 natural hours",
        ]


@pytest.mark.parametrize(
    ("start", "limit", "printed"),
    [
        ("2018-02-14 16:00", "4h", "2018-02-22T11:00:00+08:00"),
        ("2018-02-14 11:00", "90m", "2018-02-14T14:00:00+08:00"),
        ("2018-02-14 10:00", "3d", "2018-02-24T17:30:00+08:00"),
        ("2018-09-30 16:00", "4h", "2018-10-08T10:30:00+08:00"),
    ],
)
def test_the_deadline_command_prints_the_due_moment_with_its_offset(start, limit, printed):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("deadline", start, limit, stdout=out)
    assert out.getvalue().strip() == printed


@pytest.mark.parametrize(
    ("start", "limit"), [("2018-02-14 16:00", "0h"), ("2018-02-14 16:00", "4x"), ("yesterday", "4h")]
)
def test_the_deadline_command_refuses_what_it_cannot_read(start, limit):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("deadline", start, limit)
