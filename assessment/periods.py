"""Assessment periods: a month (``2018-03``), a quarter (``2018-Q1``) or an ISO week (``2018-W09``), in
whole local days. The cases of a period are the issues found in it, as every period figure counts."""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from assessment.models import PeriodKind
from core.errors import ApplicationError

# What the API documents: years 2000–2099, months 01–12, weeks 01–53, quarters 1–4.
PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4][0-9]|5[0-3])|Q[1-4])$"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class AssessmentPeriod:
    """``start`` to ``end`` inclusive; ``key`` names it (``2018-03``), ``kind`` says how long it is.

    A period cut short (``through``) keeps its key: the month so far is still ``2018-03``."""

    key: str
    kind: str
    start: datetime.date
    end: datetime.date

    @classmethod
    def parse(cls, text: str) -> "AssessmentPeriod":
        """The period ``text`` names; ``ApplicationError`` (code ``period_unknown``) for anything else."""
        text = (text or "").strip()
        if re.match(PATTERN, text):
            try:
                if match := _MONTH.match(text):
                    return cls.month(int(match[1]), int(match[2]))
                if match := _QUARTER.match(text):
                    return cls.quarter(int(match[1]), int(match[2]))
                if match := _WEEK.match(text):
                    return cls.week(datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1))
            except ValueError:
                pass  # week 53 of a year that has 52
        raise ApplicationError(
            _("“%(period)s” is not a period: write a month (2018-03), an ISO week (2018-W09) or a quarter (2018-Q1).")
            % {"period": text},
            code="period_unknown",
        )

    @classmethod
    def month(cls, year: int, month: int) -> "AssessmentPeriod":
        start = datetime.date(year, month, 1)
        following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return cls(f"{year:04d}-{month:02d}", PeriodKind.MONTH, start, following - datetime.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "AssessmentPeriod":
        start = datetime.date(year, 3 * quarter - 2, 1)
        last = cls.month(year, 3 * quarter).end
        return cls(f"{year:04d}-Q{quarter}", PeriodKind.QUARTER, start, last)

    @classmethod
    def week(cls, day: datetime.date) -> "AssessmentPeriod":
        year, week, _weekday = day.isocalendar()
        monday = day - datetime.timedelta(days=day.weekday())
        return cls(f"{year:04d}-W{week:02d}", PeriodKind.WEEK, monday, monday + datetime.timedelta(days=6))

    @classmethod
    def containing(cls, day: datetime.date, kind: str) -> "AssessmentPeriod":
        """The period of ``kind`` that ``day`` falls in."""
        if kind == PeriodKind.WEEK:
            return cls.week(day)
        if kind == PeriodKind.QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.month(day.year, day.month)

    def previous(self) -> "AssessmentPeriod":
        """The whole period of the same kind just before this one."""
        return self.containing(self.start - datetime.timedelta(days=1), self.kind)

    def through(self, day: datetime.date) -> "AssessmentPeriod":
        """The period cut at ``day`` (the part of it that has happened), itself when it is over."""
        if day >= self.end:
            return self
        return AssessmentPeriod(self.key, self.kind, self.start, max(day, self.start))

    def is_over(self, today: datetime.date) -> bool:
        return self.end < today

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def ends_before(self) -> datetime.datetime:
        day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def label(self) -> str:
        return f"{self.key} ({self.start:%Y-%m-%d} – {self.end:%Y-%m-%d})"


@dataclass(frozen=True)
class Span:
    """Any span of whole days to score, ``None`` on an open side (the dashboard's whole campaign)."""

    kind: str
    start: datetime.date | None
    end: datetime.date | None

    @property
    def starts_at(self) -> datetime.datetime | None:
        if self.start is None:
            return None
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def ends_before(self) -> datetime.datetime | None:
        if self.end is None:
            return None
        day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
