"""Working time on China's official calendar.

Public holidays are off and make-up weekend days (调休) are on, as published by the State
Council and packaged by ``chinese-calendar``. Years the package does not know yet fall back to
Monday–Friday, corrected by the administrators' ``WorkdayOverride`` table, which also wins over
the package when both speak of a day.

``WorkingCalendar`` is the one arithmetic of working days: every page, figure, reminder, export
and the scale seeder count with it, so that "3 working days overdue" means the same everywhere.
``WorkingTime`` adds the office hours (``Timetable``, stored as ``core.models.OfficeHours``) to it: the
one arithmetic of every clock (see the README, "Clocks and lights").
"""

import bisect
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import OfficeSeason, WorkdayOverride
from core.statements import CompiledQuery

# Far enough for any rectification limit; keeps a typo (e.g. 3000 days) from looping for long.
MAX_WORKING_DAYS = 366
# Even the longest Chinese holiday leaves well over half of the days working: a span of
# ``days * 2 + SLACK_DAYS`` calendar days holds ``days`` working days.
SLACK_DAYS = 14
ONE_DAY = datetime.timedelta(days=1)


# Every override (a few dozen days a year at most) and every season, read by statements compiled once:
# nearly every API list and page counts with them.
OVERRIDES = CompiledQuery(WorkdayOverride, lambda: WorkdayOverride.objects.order_by().values_list("date", "is_workday"))
SEASON_COLUMNS = (
    "name",
    "first_month",
    "first_day",
    "last_month",
    "last_day",
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
)
SEASONS = CompiledQuery(
    OfficeSeason,
    lambda: OfficeSeason.objects.order_by("office_hours", "first_month", "first_day").values_list(*SEASON_COLUMNS),
)


@functools.lru_cache(maxsize=4096)
def _official_working_day(day: datetime.date) -> bool:
    """The package's answer for ``day`` (Monday–Friday for a year it does not know). Fixed per
    installed package, so remembered: a year of overdue days is counted on every dashboard view."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@functools.lru_cache(maxsize=256)
def _official_working_ordinals(year: int) -> tuple[int, ...]:
    """The ordinals of the package's working days of ``year``, in order: a calendar of years is joined from
    these and its overrides, not asked day by day."""
    first, last = datetime.date(year, 1, 1).toordinal(), datetime.date(year, 12, 31).toordinal()
    return tuple(n for n in range(first, last + 1) if _official_working_day(datetime.date.fromordinal(n)))


def _span_for(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=abs(days) * 2 + SLACK_DAYS)


class WorkingCalendar:
    """Working days from ``start`` to ``end`` (inclusive), read with one query for the overrides.

    Counting is a lookup: the calendar numbers the working days of its span once, so that the
    working days between any two dates of the span are a subtraction. Dates outside the span are
    answered too (the calendar grows, with one more query), so a caller never gets a wrong count."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        if end < start:
            start, end = end, start
        self.start, self.end = start, end
        self.overrides = {day: working for day, working in OVERRIDES.rows() if start <= day <= end}
        self._working: list[int] | None = None  # ordinals of the working days of the span, in order

    @classmethod
    def spanning(cls, *days: datetime.date | None, margin: int = 0) -> "WorkingCalendar":
        """A calendar over every given date (``None`` ignored), ``margin`` working days wider each side."""
        present = [day for day in days if day is not None]
        return cls(min(present) - _span_for(margin), max(present) + _span_for(margin))

    def is_working_day(self, day: datetime.date) -> bool:
        self._cover(day)
        if day in self.overrides:
            return self.overrides[day]
        return _official_working_day(day)

    def _cover(self, *days: datetime.date) -> None:
        """Grow the span to hold ``days`` (rare: callers build the calendar over what they need)."""
        start, end = min(self.start, *days), max(self.end, *days)
        if (start, end) != (self.start, self.end):
            self.__init__(start, end)

    @property
    def working_ordinals(self) -> list[int]:
        if self._working is None:
            first, last = self.start.toordinal(), self.end.toordinal()
            working = [
                n for year in range(self.start.year, self.end.year + 1) for n in _official_working_ordinals(year)
            ]
            working = working[bisect.bisect_left(working, first) : bisect.bisect_right(working, last)]
            if self.overrides:
                days = set(working)
                for day, is_working in self.overrides.items():
                    (days.add if is_working else days.discard)(day.toordinal())
                working = sorted(days)
            self._working = working
        return self._working

    def working_days_through(self, day: datetime.date) -> int:
        """Working days of the span on or before ``day``; differences of two answers count between them."""
        self._cover(day)
        return bisect.bisect_right(self.working_ordinals, day.toordinal())

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``.

        A deadline on ``end`` seen on ``start`` has this many working days left; seen after, it is
        ``-result`` working days overdue."""
        self._cover(start, end)
        return self.working_days_through(end) - self.working_days_through(start)

    def working_days_from(self, today: datetime.date, days: Iterable[datetime.date | None]) -> dict:
        """``{day: working_days_between(today, day)}`` for every given day (``None`` left out)."""
        wanted = {day for day in days if day is not None}
        if wanted:
            self._cover(today, *wanted)
        return {day: self.working_days_between(today, day) for day in wanted}

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted)."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {days}")
        if days == 0:
            return start
        self._cover(start, start + _span_for(days))
        index = self.working_days_through(start) + days - 1
        return datetime.date.fromordinal(self.working_ordinals[index])

    def subtract_working_days(self, end: datetime.date, days: int) -> datetime.date:
        """The latest date ``d`` with at least ``days`` working days in (d, end]: a task due on or
        before it is at least ``days`` working days overdue on ``end``."""
        if not 0 <= days <= MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 0 and {MAX_WORKING_DAYS}, not {days}")
        if days == 0:
            return end
        self._cover(end - _span_for(days), end)
        # The ``days``-th working day on or before ``end``, counted backwards; the day before it.
        index = self.working_days_through(end) - days
        return datetime.date.fromordinal(self.working_ordinals[index]) - datetime.timedelta(days=1)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start``."""
    return WorkingCalendar.spanning(start, margin=days).add_working_days(start, days)


def subtract_working_days(end: datetime.date, days: int) -> datetime.date:
    """The latest due date that is at least ``days`` working days overdue on ``end``."""
    return WorkingCalendar.spanning(end, margin=days).subtract_working_days(end, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days from ``start`` (exclusive) to ``end`` (inclusive); negative if ``end`` is earlier."""
    return WorkingCalendar(start, end).working_days_between(start, end)


def due_soon_before(today: datetime.date, *, calendar: WorkingCalendar | None = None) -> datetime.date:
    """The first due date that is not "due soon" on ``today``.

    Due soon means at most ``DUE_SOON_WORKING_DAYS`` working days left, the due day itself included:
    the task filter, the due badges and the reminders all ask this function."""
    days = settings.DUE_SOON_WORKING_DAYS + 1
    calendar = calendar or WorkingCalendar.spanning(today, margin=days)
    return calendar.add_working_days(today, days)


@dataclass(frozen=True)
class DueIn:
    """How a deadline stands today, in working days on China's official calendar (the due badge)."""

    days: int  # working days left; negative once passed
    overdue: bool
    due_today: bool = False
    yellow: bool | None = None  # where a clock runs, its light says whether the deadline is near

    @property
    def overdue_days(self) -> int:
        return -self.days

    @property
    def soon(self) -> bool:
        """Due soon: the clock's light is yellow, where a clock runs; otherwise as ``due_soon_before()``
        says, at most ``DUE_SOON_WORKING_DAYS`` working days left."""
        if self.overdue:
            return False
        if self.yellow is not None:
            return self.yellow
        return self.days <= settings.DUE_SOON_WORKING_DAYS


def due_in(today: datetime.date, deadlines: Iterable[datetime.date]) -> dict[datetime.date, DueIn]:
    """``DueIn`` of each deadline seen on ``today``, counted with one calendar for them all. A
    deadline is overdue from the day after it (a task due today is not overdue yet)."""
    deadlines = [day for day in deadlines if day is not None]
    if not deadlines:
        return {}
    left = WorkingCalendar.spanning(today, *deadlines).working_days_from(today, deadlines)
    return {day: DueIn(days=days, overdue=day < today, due_today=day == today) for day, days in left.items()}


def agreeing(due: DueIn, *, overdue: bool, yellow: bool | None = None) -> DueIn:
    """``due`` as its clock has it: overdue once the clock is red (to the minute, perhaps on the due day
    itself), never before; due soon while its light is yellow (``yellow``; None: no clock says)."""
    if overdue != due.overdue:
        if overdue:
            due = DueIn(days=min(due.days, 0), overdue=True)
        else:
            due = DueIn(days=max(due.days, 0), overdue=False, due_today=due.days <= 0)
    return replace(due, yellow=yellow)


def deadline_after(start: datetime.datetime, working_days: int) -> datetime.datetime:
    """The end (23:59:59 local time) of the ``working_days``-th working day after ``start``.

    "Rectify within 3 working days" of a report on Friday afternoon means by Wednesday evening,
    or later when a holiday falls between."""
    local_day = start.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    return end_of_day(add_working_days(local_day, working_days))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """23:59:59 of ``day`` in the city's time zone: "by that day" as a deadline."""
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=ZoneInfo(settings.TIME_ZONE))


# ---------------------------------------------------------------------------------------------
# Office hours: working time in minutes, for the clocks of every stage


@dataclass(frozen=True)
class Season:
    """Office hours from ``first`` to ``last`` (month, day), both included; a season may wrap the turn
    of the year (October to April). ``sessions`` are the day's spans at the office, lunch between them."""

    name: str
    first: tuple[int, int]
    last: tuple[int, int]
    sessions: tuple[tuple[datetime.time, datetime.time], ...]

    def holds(self, day: datetime.date) -> bool:
        key = (day.month, day.day)
        if self.first <= self.last:
            return self.first <= key <= self.last
        return key >= self.first or key <= self.last


def _season_end(season: Season, day: datetime.date) -> datetime.date:
    """The last day of the stretch of ``season`` that holds ``day`` (a season ending on 29 February ends on
    the 28th in other years)."""
    month, last = season.last
    for year in (day.year, day.year + 1):
        try:
            end = datetime.date(year, month, last)
        except ValueError:
            end = datetime.date(year, month, last - 1)
        if end >= day:
            return end
    raise ValueError(f"{season.name} does not hold {day}")


def _hm(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


@dataclass(frozen=True)
class Timetable:
    """The office hours of the year, season by season (every day of the year in exactly one season)."""

    seasons: tuple[Season, ...]

    @classmethod
    def default(cls) -> "Timetable":
        """The timetable most cities publish: summer hours from May to September, winter hours otherwise."""
        return cls(
            (
                Season("summer", (5, 1), (9, 30), ((_hm("08:30"), _hm("12:00")), (_hm("14:30"), _hm("18:00")))),
                Season("winter", (10, 1), (4, 30), ((_hm("08:30"), _hm("12:00")), (_hm("13:30"), _hm("17:30")))),
            )
        )

    def season(self, day: datetime.date) -> Season:
        for season in self.seasons:
            if season.holds(day):
                return season
        raise ValueError(f"no office hours are set for {day:%m-%d}")


@dataclass(frozen=True)
class Limit:
    """A time limit as cities publish them: working minutes or hours (office minutes), working days
    (to the close of office hours on the Nth working day after the day the clock starts), or natural
    hours (自然时, around the clock, for urgent cases). Written ``90m``, ``4h``, ``3d`` or ``24nh``."""

    amount: int
    unit: str  # one of UNITS

    MINUTES, HOURS, DAYS, NATURAL_HOURS = "m", "h", "d", "nh"
    UNITS = (MINUTES, HOURS, DAYS, NATURAL_HOURS)

    def __post_init__(self) -> None:
        if self.unit not in self.UNITS:
            raise ValueError(f"unknown unit {self.unit!r}: use m, h, d or nh")
        if self.amount <= 0:
            raise ValueError("a time limit must be more than zero")
        if self.unit == self.DAYS and self.amount > MAX_WORKING_DAYS:
            raise ValueError(f"working days must be between 1 and {MAX_WORKING_DAYS}")

    @classmethod
    def parse(cls, text: str) -> "Limit":
        text = text.strip().lower()
        for unit in (cls.NATURAL_HOURS, cls.MINUTES, cls.HOURS, cls.DAYS):
            number = text.removesuffix(unit)
            if number != text and number.isdigit():
                return cls(int(number), unit)
        raise ValueError(f"{text!r} is not a time limit: write e.g. 90m, 4h, 3d or 24nh")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    @property
    def text(self) -> str:
        """The limit in words, e.g. "3 working days", "4 office hours", "24 natural hours"."""
        words = {
            self.MINUTES: ngettext("%(n)s office minute", "%(n)s office minutes", self.amount),
            self.HOURS: ngettext("%(n)s office hour", "%(n)s office hours", self.amount),
            self.DAYS: ngettext("%(n)s working day", "%(n)s working days", self.amount),
            self.NATURAL_HOURS: ngettext("%(n)s natural hour", "%(n)s natural hours", self.amount),
        }
        return words[self.unit] % {"n": self.amount}

    def times(self, factor: int) -> "Limit":
        """``factor`` times this limit, in the same unit."""
        return Limit(self.amount * factor, self.unit)

    @property
    def working_minutes(self) -> int | None:
        """The limit in office minutes, for limits counted in them (``None`` for days and natural hours)."""
        return {self.MINUTES: self.amount, self.HOURS: self.amount * 60}.get(self.unit)


class WorkingTime:
    """The one arithmetic of working time: office hours (a ``Timetable``) on official working days (a
    ``WorkingCalendar``). ``add`` a limit to a moment; the working minutes ``between`` two moments.
    Every clock, reminder, figure and the API count with it; every answer depends only on its arguments
    (``now`` is passed in, never read)."""

    def __init__(self, *, timetable: Timetable | None = None, calendar: WorkingCalendar | None = None) -> None:
        self.timetable = timetable or Timetable.default()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self._calendar = calendar
        self._sessions: dict[datetime.date, tuple[tuple[datetime.datetime, datetime.datetime], ...]] = {}
        self._lengths: dict[Season, datetime.timedelta] = {}  # office time of a working day, by season

    def calendar_for(self, *days: datetime.date) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = WorkingCalendar.spanning(*days, margin=10)
        return self._calendar

    def sessions(self, day: datetime.date) -> tuple[tuple[datetime.datetime, datetime.datetime], ...]:
        """The aware office spans of ``day`` (none on a day off)."""
        cached = self._sessions.get(day)
        if cached is None:
            if not self.calendar_for(day).is_working_day(day):
                cached = ()
            else:
                cached = tuple(
                    (
                        datetime.datetime.combine(day, start, tzinfo=self.zone),
                        datetime.datetime.combine(day, end, tzinfo=self.zone),
                    )
                    for start, end in self.timetable.season(day).sessions
                )
            self._sessions[day] = cached
        return cached

    def add(self, start: datetime.datetime, limit: Limit) -> datetime.datetime:
        """The moment ``limit`` runs out for a clock started at ``start``."""
        if limit.unit == Limit.NATURAL_HOURS:
            return start + datetime.timedelta(hours=limit.amount)
        local = start.astimezone(self.zone)
        if limit.unit == Limit.DAYS:
            calendar = self.calendar_for(local.date())
            last_day = calendar.add_working_days(local.date(), limit.amount)
            return self.sessions(last_day)[-1][1]
        return self.add_minutes(local, limit.working_minutes)

    def add_minutes(self, start: datetime.datetime, minutes: float) -> datetime.datetime:
        """The moment ``minutes`` office minutes after ``start`` (counted from the next office hour when
        ``start`` is outside them)."""
        cursor = start.astimezone(self.zone)
        remaining = datetime.timedelta(minutes=minutes)
        day = cursor.date()
        # Every working day holds an hour of office time at least, and at least half of the days work.
        for _day in range(MAX_WORKING_DAYS * 2 + SLACK_DAYS + int(minutes // 60) * 2):
            for begin, end in self.sessions(day):
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
            day += datetime.timedelta(days=1)
        raise ValueError("the time limit runs beyond the calendar")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Whole office minutes from ``start`` to ``end``; negative when ``end`` comes first (time overdue)."""
        if end < start:
            return -self.between(end, start)
        start, end = start.astimezone(self.zone), end.astimezone(self.zone)
        first, last = start.date(), end.date()
        if first == last:
            return int(self._overlap(first, start, end).total_seconds() // 60)
        # The two partial days, and the whole days between them added up once (a clock months overdue).
        total = self._overlap(first, start, end) + self._overlap(last, start, end)
        return int((total + self._whole_days(first, last)).total_seconds() // 60)

    def _overlap(self, day: datetime.date, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Office time of ``day`` between ``start`` and ``end``."""
        total = datetime.timedelta()
        for begin, finish in self.sessions(day):
            overlap = min(finish, end) - max(begin, start)
            if overlap > datetime.timedelta():
                total += overlap
        return total

    def _whole_days(self, after: datetime.date, before: datetime.date) -> datetime.timedelta:
        """Office time of the whole days after ``after`` and before ``before``: for each stretch of one
        season, its working days (counted by the calendar) times the length of its office day."""
        total = datetime.timedelta()
        day, last = after + ONE_DAY, before - ONE_DAY
        calendar = self.calendar_for(day, last)
        while day <= last:
            season = self.timetable.season(day)
            end = min(last, _season_end(season, day))
            total += self._day_length(season) * calendar.working_days_between(day - ONE_DAY, end)
            day = end + ONE_DAY
        return total

    def _day_length(self, season: Season) -> datetime.timedelta:
        length = self._lengths.get(season)
        if length is None:
            day = datetime.date(2001, 1, 1)  # any day: a season's sessions are clock times
            length = sum(
                (
                    datetime.datetime.combine(day, end) - datetime.datetime.combine(day, begin)
                    for begin, end in season.sessions
                ),
                datetime.timedelta(),
            )
            self._lengths[season] = length
        return length

    def clock(
        self,
        start: datetime.datetime,
        limit: Limit,
        *,
        share: float,
        until: datetime.datetime | None = None,
        suspended_minutes: int = 0,
    ) -> tuple[datetime.datetime, datetime.datetime]:
        """``(due_at, yellow_at)`` of a clock started at ``start`` with ``limit``: due when the limit runs out
        (or at ``until``, a due moment a leader approved instead), yellow once ``share`` of that time is used.
        ``suspended_minutes`` of the clock's time spent suspended push both later (office minutes; natural
        minutes for a limit in natural hours)."""
        due = until or self.add(start, limit)
        if limit.unit == Limit.NATURAL_HOURS:
            shift = datetime.timedelta(minutes=suspended_minutes)
            return due + shift, start + (due - start) * share + shift
        total = max(self.between(start, due), 0)
        yellow = self.add_minutes(start, total * share) if total else due
        if suspended_minutes:
            # Never add zero: from a session's close, add_minutes() would move to the next morning.
            due, yellow = self.add_minutes(due, suspended_minutes), self.add_minutes(yellow, suspended_minutes)
        return due, yellow

    def remaining(self, now: datetime.datetime, due_at: datetime.datetime) -> int:
        """Office minutes from ``now`` to ``due_at``: negative once overdue, by the office time since."""
        return self.between(now, due_at)


# ---------------------------------------------------------------------------------------------
# The stored office hours, and checking a set of seasons


def season_problems(seasons: Iterable[Season]) -> list[str]:
    """What is wrong with a set of seasons, in the user's language: a day of the year in none of them or in
    two, a date that does not exist, sessions out of order. Empty when every day has exactly one season."""
    seasons = list(seasons)
    problems = []
    for season in seasons:
        for month, day in (season.first, season.last):
            try:
                datetime.date(2024, month, day)  # a leap year: 29 February exists
            except ValueError:
                problems.append(
                    _("%(name)s: %(month)s-%(day)s is not a date.") % {"name": season.name, "month": month, "day": day}
                )
        if not _sessions_in_order(season.sessions):
            problems.append(
                _("%(name)s: each session must end after it begins, and the morning by the time the afternoon begins.")
                % {"name": season.name}
            )
    if problems:
        return problems
    gaps, overlaps = [], []
    day = datetime.date(2024, 1, 1)
    while day.year == 2024:
        holding = [season.name for season in seasons if season.holds(day)]
        if not holding:
            gaps.append(day)
        elif len(holding) > 1:
            overlaps.append((day, holding))
        day += datetime.timedelta(days=1)
    if gaps:
        problems.append(
            _("No season covers %(days)s: every day of the year needs office hours.") % {"days": _day_spans(gaps)}
        )
    if overlaps:
        first, names = overlaps[0]
        problems.append(
            _("Seasons overlap on %(days)s (%(names)s): each day may have only one season.")
            % {"days": _day_spans([day for day, _names in overlaps]), "names": "、".join(names)}
        )
    return problems


def _sessions_in_order(sessions: tuple[tuple[datetime.time, datetime.time], ...]) -> bool:
    if not sessions:
        return False
    previous_end = None
    for start, end in sessions:
        if start >= end or (previous_end is not None and start < previous_end):
            return False
        previous_end = end
    return True


def _day_spans(days: list[datetime.date]) -> str:
    """``[1 Jan, 2 Jan, 3 Jan, 9 Jan]`` as ``01-01～01-03、01-09``."""
    spans: list[list[datetime.date]] = []
    for day in days:
        if spans and day - spans[-1][1] == datetime.timedelta(days=1):
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return "、".join(f"{a:%m-%d}" if a == b else f"{a:%m-%d}～{b:%m-%d}" for a, b in spans)


def office_timetable() -> Timetable:
    """The office hours the administrators set (``core.models.OfficeHours``), one query; the default
    timetable when none are stored."""
    seasons = tuple(
        Season(name, (first_month, first_day), (last_month, last_day), ((morning, noon), (afternoon, evening)))
        for name, first_month, first_day, last_month, last_day, morning, noon, afternoon, evening in SEASONS.rows()
    )
    return Timetable(seasons) if seasons else Timetable.default()


def office_working_time(*, calendar: WorkingCalendar | None = None) -> WorkingTime:
    """``WorkingTime`` on the stored office hours: what every clock, reminder, figure and the API count with."""
    return WorkingTime(timetable=office_timetable(), calendar=calendar)


def yellow_share() -> float:
    """The share of a clock's limit used when its light turns yellow (``CLOCK_YELLOW_PERCENT``)."""
    return settings.CLOCK_YELLOW_PERCENT / 100


# ---------------------------------------------------------------------------------------------
# Pledged work: due at the end of its due date, yellow DUE_SOON_WORKING_DAYS working days before


def pledged_due_at(due_date: datetime.date) -> datetime.datetime:
    """A pledged task is due by the end of its due date: red from the next day on."""
    return end_of_day(due_date)


def pledged_yellow_at(due_date: datetime.date, *, calendar: WorkingCalendar | None = None) -> datetime.datetime:
    """The first moment a pledged task is due soon (``due_soon_before``): the start of the day from which at
    most ``DUE_SOON_WORKING_DAYS`` working days are left, the due day itself included."""
    days = settings.DUE_SOON_WORKING_DAYS + 1
    calendar = calendar or WorkingCalendar.spanning(due_date, margin=days)
    first = calendar.subtract_working_days(due_date, days) + datetime.timedelta(days=1)
    return datetime.datetime.combine(min(first, due_date), datetime.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


# ---------------------------------------------------------------------------------------------
# Years the official calendar does not know


def package_covers(year: int) -> bool:
    """Whether ``chinese-calendar`` knows the holidays of ``year``."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def uncovered_years(today: datetime.date) -> list[int]:
    """This year and the next, where neither ``chinese-calendar`` knows the holidays nor an administrator has
    entered any (a ``WorkdayOverride`` day off): their clocks would count every weekday as working."""
    years = [year for year in (today.year, today.year + 1) if not package_covers(year)]
    if not years:
        return []
    filled = set(
        WorkdayOverride.objects.filter(date__year__in=years, is_workday=False).values_list("date__year", flat=True)
    )
    return [year for year in years if year not in filled]
