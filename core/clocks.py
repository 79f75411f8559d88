"""The lights of the clocks: what a clock's stored moments say at a given ``now``.

A running clock stores when it is due (``due_at``) and when its light turns yellow (``yellow_at``), in
indexed columns kept by the services that start, stop and suspend it. Its light at ``now`` is then read,
never computed row by row: green before ``yellow_at``, yellow from it, red once ``due_at`` has passed,
suspended while it is stopped by an approved suspension (挂起). The issues' clocks
(``inspections.clocks``) and the tasks' (``campaign.models.Task``) share these rules."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy

from core.working_time import WorkingTime


class Light(models.TextChoices):
    """A clock's light: green in time, yellow once most of the time is used, red overdue, or suspended."""

    GREEN = "green", pgettext_lazy("light", "Green")
    YELLOW = "yellow", pgettext_lazy("light", "Yellow")
    RED = "red", pgettext_lazy("light", "Red")
    SUSPENDED = "suspended", pgettext_lazy("light", "Suspended")


def light_q(light: str, now: datetime.datetime, *, running: Q, due: str, yellow: str, suspended: str) -> Q:
    """The rows whose clock shows ``light`` at ``now``: ``running`` says which rows have a running clock,
    ``due``, ``yellow`` and ``suspended`` name their columns. Raises ``ValueError`` for an unknown light."""
    if light == Light.SUSPENDED:
        return running & Q(**{f"{suspended}__isnull": False})
    ticking = running & Q(**{f"{suspended}__isnull": True})
    if light == Light.RED:
        return ticking & Q(**{f"{due}__lt": now})
    if light == Light.YELLOW:
        return ticking & Q(**{f"{yellow}__lte": now, f"{due}__gte": now})
    if light == Light.GREEN:
        return ticking & Q(**{f"{yellow}__gt": now})
    raise ValueError(f"unknown light {light!r}")


def light_of(
    now: datetime.datetime,
    *,
    due_at: datetime.datetime | None,
    yellow_at: datetime.datetime | None,
    suspended_at: datetime.datetime | None = None,
) -> str | None:
    """``light_q`` for one clock in memory: its light at ``now``, ``None`` without a running clock."""
    if due_at is None:
        return None
    if suspended_at is not None:
        return Light.SUSPENDED
    if due_at < now:
        return Light.RED
    if yellow_at is not None and yellow_at <= now:
        return Light.YELLOW
    return Light.GREEN


@dataclass(frozen=True)
class Clock:
    """A running clock as pages and the API show it: its stage, its light at ``now``, when it is due and
    the office minutes left (negative once overdue; counted to the moment it was suspended while it is)."""

    stage: str
    state: str
    due_at: datetime.datetime
    remaining_working_minutes: int
    suspended_at: datetime.datetime | None = None

    @classmethod
    def at(
        cls,
        now: datetime.datetime,
        *,
        stage: str,
        due_at: datetime.datetime | None,
        yellow_at: datetime.datetime | None,
        suspended_at: datetime.datetime | None,
        working_time: WorkingTime,
    ) -> "Clock | None":
        """The clock at ``now``, or ``None`` when none runs; ``working_time`` is shared by a page's rows so
        that its calendar is read once."""
        state = light_of(now, due_at=due_at, yellow_at=yellow_at, suspended_at=suspended_at)
        if state is None:
            return None
        remaining = working_time.remaining(suspended_at or now, due_at)
        return cls(stage, state, due_at, remaining, suspended_at)

    @property
    def label(self) -> str:
        return Light(self.state).label

    @property
    def overdue(self) -> bool:
        return self.remaining_working_minutes < 0

    @property
    def hours(self) -> str:
        """The office time left, or overdue, in hours and minutes: "6 h 28 min" (6小时28分)."""
        hours, minutes = divmod(abs(self.remaining_working_minutes), 60)
        if not minutes:
            return gettext("%(hours)d h") % {"hours": hours}
        if not hours:
            return gettext("%(minutes)d min") % {"minutes": minutes}
        return gettext("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


def working_time_spanning(working_time: WorkingTime, *moments: datetime.datetime | None) -> WorkingTime:
    """``working_time`` with its calendar read once over every moment a page's clocks will count across."""
    days = [moment.astimezone(working_time.zone).date() for moment in moments if moment is not None]
    if days:
        working_time.calendar_for(min(days), max(days))._cover(min(days), max(days))
    return working_time
