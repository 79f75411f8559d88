"""System checks of what every app shares.

``calendar_coverage`` reads the database, so it runs where Django runs the database checks: ``migrate``
(every release starts with it), ``manage.py check --database default``; the Celery worker logs it when it
starts (``core.tasks``)."""

import datetime

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.utils import timezone

from core.working_time import uncovered_years


def calendar_coverage(app_configs=None, databases=None, **kwargs) -> list[CheckWarning]:
    """Warn of this year or the next when ``chinese-calendar`` does not know its holidays and the
    administrators have not entered them: every weekday would count as a working day, holidays included."""
    if not databases:
        return []
    try:
        years = uncovered_years(timezone.localdate())
    except DatabaseError:  # not migrated yet: the next migrate says it
        return []
    return calendar_warnings(years)


def calendar_warnings(years: list[int]) -> list[CheckWarning]:
    return [
        CheckWarning(
            f"The official calendar of {year} is not known: chinese-calendar does not cover it and no day off "
            f"of {year} is entered as a calendar override. Every weekday of {year} counts as a working day.",
            hint="Upgrade chinese-calendar once it covers the year, or enter the year's holidays and make-up "
            "working days under Admin → Calendar overrides.",
            id="core.W001",
        )
        for year in years
    ]


def calendar_warnings_on(today: datetime.date) -> list[CheckWarning]:
    """``calendar_coverage`` as of ``today``, for a process starting up."""
    return calendar_warnings(uncovered_years(today))
