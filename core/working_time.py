"""Working time on China's official calendar.

Public holidays are off and make-up weekend days (调休) are on, as published by the State
Council and packaged by ``chinese-calendar``. Years the package does not know yet fall back to
Monday–Friday, corrected by the administrators' ``WorkdayOverride`` table, which also wins over
the package when both speak of a day.
"""

import datetime
import functools
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from core.models import WorkdayOverride

# Far enough for any rectification limit; keeps a typo (e.g. 3000 days) from looping for long.
MAX_WORKING_DAYS = 366


@functools.lru_cache(maxsize=4096)
def _official_working_day(day: datetime.date) -> bool:
    """The package's answer for ``day`` (Monday–Friday for a year it does not know). Fixed per
    installed package, so remembered: a year of overdue days is counted on every dashboard view."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


class WorkingCalendar:
    """Answers "is this a working day?" for a span of dates with one query for the overrides."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.overrides = dict(
            WorkdayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _official_working_day(day)

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {days}")
        day, counted = start, 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def subtract_working_days(self, end: datetime.date, days: int) -> datetime.date:
        """The latest date ``d`` with at least ``days`` working days in (d, end]: a task due on or
        before it is at least ``days`` working days overdue on ``end``."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {days}")
        day, counted = end, 0
        while counted < days:
            if self.is_working_day(day):
                counted += 1
            day -= datetime.timedelta(days=1)
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = sum(
            1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + datetime.timedelta(offset))
        )
        return sign * count


def _calendar_for(start: datetime.date, end: datetime.date) -> WorkingCalendar:
    return WorkingCalendar(min(start, end), max(start, end))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start``."""
    # Even the longest Chinese holiday leaves well over half of the days working.
    return _calendar_for(start, start + datetime.timedelta(days=days * 2 + 14)).add_working_days(start, days)


def subtract_working_days(end: datetime.date, days: int) -> datetime.date:
    """The latest due date that is at least ``days`` working days overdue on ``end``."""
    return _calendar_for(end - datetime.timedelta(days=days * 2 + 14), end).subtract_working_days(end, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days from ``start`` (exclusive) to ``end`` (inclusive); negative if ``end`` is earlier.

    A task due on ``end`` seen on ``start`` has this many working days left; seen after, it is
    ``-result`` working days overdue."""
    return _calendar_for(start, end).working_days_between(start, end)


def deadline_after(start: datetime.datetime, working_days: int) -> datetime.datetime:
    """The end (23:59:59 local time) of the ``working_days``-th working day after ``start``.

    "Rectify within 3 working days" of a report on Friday afternoon means by Wednesday evening,
    or later when a holiday falls between."""
    local_day = start.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return end_of_day(add_working_days(local_day, working_days))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """23:59:59 of ``day`` in the city's time zone: "by that day" as a deadline."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))
