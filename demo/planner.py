"""An issue's way through the workflow, planned for the builders that write issues straight into
the database: the demo loader (``demo.services``) and the scale seeder (``perf.seeding``).

A builder chooses a ``Timeline``: when each step was taken (aware datetimes) and what was written
at it. ``plan_workflow`` answers with what the inspections services would have left behind for
those steps: the ``IssueEvent`` rows in order, the issue's workflow fields, its clocks (one
``StageClock`` per stage run and the running one's columns) and where its rectification task
stands. The workflow's rules stay in ``inspections.services``: every step is checked against
``ALLOWED_FROM`` (a timeline the workflow does not allow raises ``ValueError``), the task's status is
read from ``RECTIFICATION_STATUS`` and each clock is counted by ``inspections.clocks.clock_times``
with the ``WorkingTime`` the builder passes, so that planning many issues reads the calendar once.
"""

import dataclasses
import datetime
import enum
from collections.abc import Iterator
from typing import ClassVar, NamedTuple

from django.utils import timezone

from campaign.models import Task
from core.working_time import WorkingTime, office_working_time, yellow_share
from inspections.clocks import clock_times
from inspections.models import Criterion, ExtensionRequest, Issue, IssueEvent, Stage, StageClock
from inspections.services import ALLOWED_FROM, RECTIFICATION_STATUS

Status = Issue.Status
Action = IssueEvent.Action


class Actor(enum.StrEnum):
    """Who takes a step, by their part in the issue; each builder knows who that is for its issue."""

    REPORTER = "reporter"  # the inspector who found and filed it
    DISPATCHER = "dispatcher"  # who routed it to a department
    RECTIFIER = "rectifier"  # the department's person in charge of rectifying it
    DEPARTMENT_HEAD = "department_head"  # says it is not the department's and returns it
    VERIFIER = "verifier"  # the inspector who checks the rectification on site
    LEADER = "leader"  # decides on more time


@dataclasses.dataclass(slots=True)
class SendBack:
    """A rectification submitted with ``note`` and sent back for rework with ``reason``."""

    submitted: datetime.datetime
    note: str
    sent_back: datetime.datetime
    reason: str


@dataclasses.dataclass(slots=True)
class Extension:
    """More time asked for (延期) and, unless ``outcome`` is still pending, decided by a leader, who
    may approve an earlier deadline than asked (``approved_deadline``)."""

    asked: datetime.datetime
    reason: str
    requested_deadline: datetime.datetime
    limit_deadline: datetime.datetime | None = None  # as ``inspections.services.extension_limit`` set it
    outcome: str = ExtensionRequest.Status.PENDING
    decided: datetime.datetime | None = None
    decision_note: str = ""
    approved_deadline: datetime.datetime | None = None  # an approval's, when earlier than asked


@dataclasses.dataclass(slots=True)
class Suspension:
    """A suspension (挂起) asked for and, unless ``outcome`` is still pending, decided by a leader; an
    approved one stops the clock from ``decided`` until ``released`` (still in force without it)."""

    asked: datetime.datetime
    reason: str
    outcome: str = "pending"  # inspections.models.Suspension.Status: pending, approved or refused
    decided: datetime.datetime | None = None
    decision_note: str = ""
    released: datetime.datetime | None = None


@dataclasses.dataclass(slots=True)
class Overrule:
    """A return (回退) the office found unjustified: the issue sent back to the same department at ``at``."""

    at: datetime.datetime
    reason: str


@dataclasses.dataclass(slots=True)
class Timeline:
    """When each step of one issue's way was taken, and what was written at it; a step not taken
    stays ``None``. An issue is dispatched at most once, unless a return is overruled (``overruled``:
    it goes back to the department that returned it); otherwise a returned one waits for re-routing."""

    reported: datetime.datetime
    description: str
    dispatched: datetime.datetime | None = None
    returned: datetime.datetime | None = None
    return_reason: str = ""
    overruled: Overrule | None = None
    started: datetime.datetime | None = None
    send_backs: list[SendBack] = dataclasses.field(default_factory=list)
    submitted: datetime.datetime | None = None  # the submission that stands (was not sent back)
    submission_note: str = ""
    closed: datetime.datetime | None = None
    verification_note: str = ""
    extension: Extension | None = None
    suspension: Suspension | None = None


class PlannedEvent(NamedTuple):
    """One ``IssueEvent`` as the services record it."""

    moment: datetime.datetime
    action: str
    from_status: str
    to_status: str
    actor: Actor
    note: str

    @property
    def names_department(self) -> bool:
        """An event names the department the issue is with; a just-filed issue is with none yet."""
        return self.action != Action.FILED


@dataclasses.dataclass(slots=True)
class RectificationTask:
    """The fields of the task dispatching opened that follow the issue."""

    # ``Task.is_overdue`` reads these: the product's one meaning of overdue applies to the plan as is.
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = Task.OPEN_STATUSES
    moment = staticmethod(Task.moment)
    light = Task.light

    status: str
    start_date: datetime.date
    due_date: datetime.date
    percent: int
    completed_at: datetime.datetime | None
    due_at: datetime.datetime
    yellow_at: datetime.datetime
    suspended_at: datetime.datetime | None = None

    def is_overdue(self, now: datetime.datetime | datetime.date) -> bool:
        return Task.is_overdue(self, now)


@dataclasses.dataclass(slots=True)
class Workflow:
    """What the services leave behind for a timeline: its events and the issue's workflow fields."""

    events: list[PlannedEvent]
    status: str
    dispatched_at: datetime.datetime | None
    deadline: datetime.datetime | None  # the last rectification run's due moment (an extension may move it)
    submitted_at: datetime.datetime | None  # sending back clears the submission...
    rectification_note: str  # ...but not the note of the latest one
    closed_at: datetime.datetime | None
    rework_count: int
    return_reason: str
    clocks: list[StageClock] = dataclasses.field(default_factory=list)  # every stage run, unsaved, without issue
    suspended_at: datetime.datetime | None = None  # an approved suspension in force stops the running clock

    @property
    def clock(self) -> StageClock | None:
        """The run of the stage the issue is in, if one runs (none once closed)."""
        running = self.clocks[-1] if self.clocks else None
        return running if running is not None and running.stopped_at is None else None

    def clock_columns(self) -> dict:
        """The issue's ``clock_*`` columns, as ``inspections.clocks`` keeps them."""
        clock = self.clock
        return {
            "clock_stage": clock.stage if clock else "",
            "clock_started_at": clock.started_at if clock else None,
            "clock_due_at": clock.due_at if clock else None,
            "clock_yellow_at": clock.yellow_at if clock else None,
            "clock_suspended_at": self.suspended_at if clock else None,
        }

    def rectification_task(self, *, reported_percent: int = 0) -> RectificationTask | None:
        """Where the issue's rectification task stands (none before dispatching): the status
        ``RECTIFICATION_STATUS`` gives, due on the deadline's day, at 100 % once done and otherwise at
        ``reported_percent``, the last percent the department reported on it."""
        if self.dispatched_at is None:
            return None
        status = RECTIFICATION_STATUS[self.status]
        done = status == Task.Status.DONE
        rectification = [clock for clock in self.clocks if clock.stage == Stage.RECTIFY][-1]
        running = self.clock is rectification
        return RectificationTask(
            status=status,
            start_date=min(_local_date(self.dispatched_at), _local_date(self.deadline)),
            due_date=_local_date(self.deadline),
            percent=100 if done else reported_percent,
            completed_at=self.closed_at if done else None,
            due_at=rectification.due_at,
            yellow_at=rectification.yellow_at,
            suspended_at=self.suspended_at if running else None,
        )


# A step: when, its name in ALLOWED_FROM, the action recorded, the state it leads to (None: the
# state stays), who takes it and what they write.
_Step = tuple[datetime.datetime, str, str, str | None, Actor, str]


def plan_workflow(
    timeline: Timeline,
    *,
    limits: Criterion | None = None,
    working_time: WorkingTime | None = None,
    share: float | None = None,
) -> Workflow:
    """The events, workflow fields and clocks the inspections services would have recorded for
    ``timeline``, the clocks counted with the time limits of ``limits`` (a criterion; the defaults
    without one) in ``working_time`` (read once by a builder planning many issues).

    Transitions follow the workflow's order; an extension's and a suspension's request and decision
    fall between them at their moments and keep the state the issue was in. Raises ``ValueError`` for
    a step the workflow does not allow from where the issue stood, or one dated before the step it
    follows."""
    t = timeline
    steps: list[_Step] = [(t.reported, "file", Action.FILED, Status.REPORTED, Actor.REPORTER, t.description)]
    if t.dispatched is not None:
        steps.append((t.dispatched, "dispatch", Action.DISPATCHED, Status.DISPATCHED, Actor.DISPATCHER, ""))
    if t.overruled is not None:  # returned at once, and sent back to the same department
        if t.returned is None:
            raise ValueError("Only a return can be overruled.")
        steps.append((t.returned, "return", Action.RETURNED, Status.RETURNED, Actor.DEPARTMENT_HEAD, t.return_reason))
        overrule = (t.overruled.at, "dispatch", Action.RETURN_OVERRULED, Status.DISPATCHED, Actor.DISPATCHER)
        steps.append((*overrule, t.overruled.reason))
    if t.started is not None:
        steps.append((t.started, "start", Action.STARTED, Status.RECTIFYING, Actor.RECTIFIER, ""))
    if t.returned is not None and t.overruled is None:
        steps.append((t.returned, "return", Action.RETURNED, Status.RETURNED, Actor.DEPARTMENT_HEAD, t.return_reason))
    for back in t.send_backs:
        steps.append((back.submitted, "submit", Action.SUBMITTED, Status.SUBMITTED, Actor.RECTIFIER, back.note))
        steps.append((back.sent_back, "send_back", Action.SENT_BACK, Status.RECTIFYING, Actor.VERIFIER, back.reason))
    if t.submitted is not None:
        steps.append((t.submitted, "submit", Action.SUBMITTED, Status.SUBMITTED, Actor.RECTIFIER, t.submission_note))
    if t.closed is not None:
        steps.append((t.closed, "verify", Action.VERIFIED, Status.CLOSED, Actor.VERIFIER, t.verification_note))

    asides: list[_Step] = []
    extension = t.extension
    if extension is not None:
        asides.append((extension.asked, "extend", Action.EXTENSION_REQUESTED, None, Actor.RECTIFIER, extension.reason))
        if extension.outcome == ExtensionRequest.Status.PENDING:
            if extension.decided is not None:
                raise ValueError("A pending extension request has not been decided.")
            _refuse_pending(extension, t)
        else:
            if extension.decided is None:
                raise ValueError(f"An extension request {extension.outcome} was decided at some moment.")
            approved = extension.outcome == ExtensionRequest.Status.APPROVED
            action = Action.EXTENSION_APPROVED if approved else Action.EXTENSION_REFUSED
            asides.append((extension.decided, "decide", action, None, Actor.LEADER, extension.decision_note))
    asides += _suspension_steps(t)
    asides.sort(key=lambda step: step[0])

    events: list[PlannedEvent] = []
    status = ""
    for moment, name, action, to_status, actor, note in _in_order(steps, asides) if asides else steps:
        if status not in (("",) if name == "file" else ALLOWED_FROM[name]):
            raise ValueError(f"The workflow does not allow “{action}” from “{status or 'nothing'}”.")
        if events and moment < events[-1].moment:
            raise ValueError(f"“{action}” at {moment} comes before “{events[-1].action}” at {events[-1].moment}.")
        to_status = to_status or status
        events.append(PlannedEvent(moment, action, status, to_status, actor, note))
        status = to_status

    last_note = t.submission_note if t.submitted is not None else t.send_backs[-1].note if t.send_backs else ""
    dispatched_last = t.overruled.at if t.overruled is not None else t.dispatched
    clocks, suspended_at, extended = _clocks(events, t, limits, working_time or office_working_time(), share)
    rectification = [clock for clock in clocks if clock.stage == Stage.RECTIFY]
    return Workflow(
        events=events,
        status=status,
        dispatched_at=dispatched_last,
        deadline=extended or (rectification[-1].due_at if rectification else None),
        submitted_at=t.submitted,
        rectification_note=last_note,
        closed_at=t.closed,
        rework_count=len(t.send_backs),
        return_reason=t.return_reason if t.returned is not None and t.overruled is None else "",
        clocks=clocks,
        suspended_at=suspended_at,
    )


# Which stage's run each recorded step ends, and which it starts (``inspections.clocks.clock_follow``).
_ENDS = {
    Action.DISPATCHED: Stage.DISPATCH,
    Action.RETURN_OVERRULED: Stage.DISPATCH,
    Action.SUBMITTED: Stage.RECTIFY,
    Action.RETURNED: Stage.RECTIFY,
    Action.SENT_BACK: Stage.VERIFY,
    Action.VERIFIED: Stage.VERIFY,
}
_STARTS = {
    Action.FILED: Stage.DISPATCH,
    Action.DISPATCHED: Stage.RECTIFY,
    Action.RETURN_OVERRULED: Stage.RECTIFY,
    Action.SUBMITTED: Stage.VERIFY,
    Action.SENT_BACK: Stage.RECTIFY,
    Action.RETURNED: Stage.DISPATCH,
}
DEFAULT_LIMITS = Criterion(
    dispatch_limit=Criterion._meta.get_field("dispatch_limit").default,
    rectify_limit=Criterion._meta.get_field("rectify_limit").default,
    verify_limit=Criterion._meta.get_field("verify_limit").default,
)


def _clocks(
    events: list[PlannedEvent],
    timeline: Timeline,
    limits: Criterion | None,
    working_time: WorkingTime,
    share: float | None,
) -> tuple[list[StageClock], datetime.datetime | None, datetime.datetime | None]:
    """The stage runs the services would have counted along ``events``, when an approved suspension in
    force stopped the running one, and a deadline an extension approved while no rectification ran."""
    limits = limits or DEFAULT_LIMITS
    share = yellow_share() if share is None else share
    extension = timeline.extension
    runs: list[StageClock] = []
    running: StageClock | None = None
    suspended_at = extended = None
    for event in events:
        if running is not None and suspended_at is not None and event.action in (Action.RESUMED, *_ENDS):
            minutes = max(working_time.between(suspended_at, event.moment), 0)
            running.suspended_minutes += minutes
            running.due_at, running.yellow_at = clock_times(running, working_time=working_time, share=share)
            suspended_at = None
        if event.action == Action.SUSPENDED and running is not None:
            suspended_at = event.moment
        if event.action == Action.EXTENSION_APPROVED:
            approved = extension.approved_deadline or extension.requested_deadline
            if running is not None and running.stage == Stage.RECTIFY:
                running.extended_to = approved
                running.suspended_minutes_at_extension = running.suspended_minutes
                running.due_at, running.yellow_at = clock_times(running, working_time=working_time, share=share)
            else:  # approved once the rectification was handed in: the deadline moves, no clock runs for it
                extended = approved
        if running is not None and _ENDS.get(event.action) == running.stage:
            running.stopped_at = event.moment
            running.overdue = event.moment > running.due_at
            running = None
        stage = _STARTS.get(event.action)
        if stage:
            running = StageClock(stage=stage, limit=str(limits.limit(stage)), started_at=event.moment)
            running.due_at, running.yellow_at = clock_times(running, working_time=working_time, share=share)
            runs.append(running)
            extended = None
    return runs, suspended_at, extended


def _suspension_steps(timeline: Timeline) -> list[_Step]:
    """A suspension's request, decision and release, at their moments, keeping the issue's state."""
    suspension = timeline.suspension
    if suspension is None:
        return []
    steps = [(suspension.asked, "suspend", Action.SUSPENSION_REQUESTED, None, Actor.RECTIFIER, suspension.reason)]
    if suspension.outcome == "pending":
        return steps
    if suspension.decided is None:
        raise ValueError("A suspension that was decided was decided at some moment.")
    approved = suspension.outcome == "approved"
    action = Action.SUSPENDED if approved else Action.SUSPENSION_REFUSED
    steps.append((suspension.decided, "decide_suspension", action, None, Actor.LEADER, suspension.decision_note))
    if approved and suspension.released is not None:
        steps.append((suspension.released, "resume", Action.RESUMED, None, Actor.RECTIFIER, ""))
    return steps


def _in_order(steps: list[_Step], asides: list[_Step]) -> Iterator[_Step]:
    """The transitions in their order, with the steps that leave the state as it is between them at
    their moments."""
    aside = 0
    for step in steps:
        while aside < len(asides) and asides[aside][0] < step[0]:
            yield asides[aside]
            aside += 1
        yield step
    yield from asides[aside:]


def _local_date(moment: datetime.datetime) -> datetime.date:
    """The day of ``moment`` in the city, as the services date a task from a moment."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def _refuse_pending(extension: Extension, timeline: Timeline) -> None:
    """Returning or closing an issue refuses its pending request, with no event of its own: a plan
    cannot leave one pending past that."""
    for left in (timeline.returned, timeline.closed):
        if left is not None and extension.asked <= left:
            raise ValueError("An issue returned or closed has no pending extension request left.")
