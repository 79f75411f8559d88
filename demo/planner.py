"""An issue's way through the workflow, planned for the builders that write issues straight into
the database: the demo loader (``demo.services``) and the scale seeder (``perf.seeding``).

A builder chooses a ``Timeline``: when each step was taken (aware datetimes) and what was written
at it. ``plan_workflow`` answers with what the inspections services would have left behind for
those steps: the ``IssueEvent`` rows in order, the issue's workflow fields, and where its
rectification task stands. The workflow's rules stay in ``inspections.services``: every step is
checked against ``ALLOWED_FROM`` (a timeline the workflow does not allow raises ``ValueError``) and
the task's status is read from ``RECTIFICATION_STATUS``.
"""

import dataclasses
import datetime
import enum
from collections.abc import Iterator
from typing import ClassVar, NamedTuple

from django.utils import timezone

from campaign.models import Task
from inspections.models import ExtensionRequest, Issue, IssueEvent
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
class Timeline:
    """When each step of one issue's way was taken, and what was written at it; a step not taken
    stays ``None``. An issue is dispatched at most once: a returned one waits for re-routing."""

    reported: datetime.datetime
    description: str
    dispatched: datetime.datetime | None = None
    deadline: datetime.datetime | None = None  # as dispatching set it
    returned: datetime.datetime | None = None
    return_reason: str = ""
    started: datetime.datetime | None = None
    send_backs: list[SendBack] = dataclasses.field(default_factory=list)
    submitted: datetime.datetime | None = None  # the submission that stands (was not sent back)
    submission_note: str = ""
    closed: datetime.datetime | None = None
    verification_note: str = ""
    extension: Extension | None = None


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

    # ``Task.is_overdue`` reads it: the product's one meaning of overdue applies to the plan as is.
    OPEN_STATUSES: ClassVar[tuple[str, ...]] = Task.OPEN_STATUSES

    status: str
    start_date: datetime.date
    due_date: datetime.date
    percent: int
    completed_at: datetime.datetime | None

    def is_overdue(self, today: datetime.date) -> bool:
        return Task.is_overdue(self, today)


@dataclasses.dataclass(slots=True)
class Workflow:
    """What the services leave behind for a timeline: its events and the issue's workflow fields."""

    events: list[PlannedEvent]
    status: str
    dispatched_at: datetime.datetime | None
    deadline: datetime.datetime | None  # where an approved extension moved it
    submitted_at: datetime.datetime | None  # sending back clears the submission...
    rectification_note: str  # ...but not the note of the latest one
    closed_at: datetime.datetime | None
    rework_count: int
    return_reason: str

    def rectification_task(self, *, reported_percent: int = 0) -> RectificationTask | None:
        """Where the issue's rectification task stands (none before dispatching): the status
        ``RECTIFICATION_STATUS`` gives, due on the deadline's day, at 100 % once done and otherwise at
        ``reported_percent``, the last percent the department reported on it."""
        if self.dispatched_at is None:
            return None
        status = RECTIFICATION_STATUS[self.status]
        done = status == Task.Status.DONE
        return RectificationTask(
            status=status,
            start_date=_local_date(self.dispatched_at),
            due_date=_local_date(self.deadline),
            percent=100 if done else reported_percent,
            completed_at=self.closed_at if done else None,
        )


# A step: when, its name in ALLOWED_FROM, the action recorded, the state it leads to (None: the
# state stays), who takes it and what they write.
_Step = tuple[datetime.datetime, str, str, str | None, Actor, str]


def plan_workflow(timeline: Timeline) -> Workflow:
    """The events and workflow fields the inspections services would have recorded for ``timeline``.

    Transitions follow the workflow's order; an extension's request and decision fall between them
    at their moments and keep the state the issue was in. Raises ``ValueError`` for a step the
    workflow does not allow from where the issue stood, or one dated before the step it follows."""
    t = timeline
    steps: list[_Step] = [(t.reported, "file", Action.FILED, Status.REPORTED, Actor.REPORTER, t.description)]
    if t.dispatched is not None:
        if t.deadline is None:
            raise ValueError("A dispatched issue has a deadline.")
        steps.append((t.dispatched, "dispatch", Action.DISPATCHED, Status.DISPATCHED, Actor.DISPATCHER, ""))
    if t.started is not None:
        steps.append((t.started, "start", Action.STARTED, Status.RECTIFYING, Actor.RECTIFIER, ""))
    if t.returned is not None:
        steps.append((t.returned, "return", Action.RETURNED, Status.RETURNED, Actor.DEPARTMENT_HEAD, t.return_reason))
    for back in t.send_backs:
        steps.append((back.submitted, "submit", Action.SUBMITTED, Status.SUBMITTED, Actor.RECTIFIER, back.note))
        steps.append((back.sent_back, "send_back", Action.SENT_BACK, Status.RECTIFYING, Actor.VERIFIER, back.reason))
    if t.submitted is not None:
        steps.append((t.submitted, "submit", Action.SUBMITTED, Status.SUBMITTED, Actor.RECTIFIER, t.submission_note))
    if t.closed is not None:
        steps.append((t.closed, "verify", Action.VERIFIED, Status.CLOSED, Actor.VERIFIER, t.verification_note))

    deadline = t.deadline
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
            if approved:
                deadline = extension.approved_deadline or extension.requested_deadline

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
    return Workflow(
        events=events,
        status=status,
        dispatched_at=t.dispatched,
        deadline=deadline,
        submitted_at=t.submitted,
        rectification_note=last_note,
        closed_at=t.closed,
        rework_count=len(t.send_backs),
        return_reason=t.return_reason if t.returned is not None else "",
    )


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
