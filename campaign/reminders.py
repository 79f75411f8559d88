"""The reminder ladder ("层层传导压力") on the tasks' clocks: who hears about which open task, and when.

    yellow (due soon) ──▶ red (overdue) ──▶ escalated to the department head ──▶ escalated to the grid or
    (accountable       (accountable       (red for REMINDER_ESCALATE_HEAD_AFTER     campaign leader (red for
     person)            person)            of working time)                          REMINDER_ESCALATE_LEADER_AFTER)

The lights are the tasks' stored clocks (``Task.light_q``): pledged work turns yellow
``DUE_SOON_WORKING_DAYS`` working days before its due date and red the day after it; a rectification
follows its issue's rectification clock, in working time. Escalations wait for a clock to have been red
for a limit of working time (``3d``, ``4h``...; ``core.working_time.Limit``). A run reads the clocks at
one moment (the opening of the office on its day) and:

1. computes every (task, step, recipient) owed then with a few set-based queries;
2. claims them by inserting ``Reminder`` rows tagged with the run's token. The database's unique
   constraint on (task, step, recipient) silently drops the rows that exist already, whether an
   earlier run or a run going on at the same time inserted them; the rows carrying this run's
   token are this run's to send, and nobody else's;
3. sends one ``ReminderDigest`` per person: into the inbox at once (same transaction), and through
   e-mail and the department's chat robot by Celery tasks enqueued when the transaction commits.

Nothing is lost while the broker (Redis) is down. Beat starts the day's run at 08:30 and again every
quarter of an hour until the end of the working day, and only the first run of a day that completes
does anything (``reminders_send_daily``). A delivery that could not be queued, or whose message was
lost, is queued again by ``reminder_deliveries_requeue``, which beat runs every few minutes: any
e-mail or chat-robot post owed by a recent digest that has neither succeeded nor been tried for
``REMINDER_REDELIVER_AFTER_SECONDS``. Queuing a delivery twice sends it once (``reminder_digest_deliver``).

Rectification tasks opened by inspections are tasks like any other and climb the same ladder, until
the rectification is handed in (awaiting verification, they wait on the inspectors and leave it) or
while a suspension (挂起) stops their clock.
The number of queries of a run does not depend on the number of tasks, except for insert batches.
"""

import datetime
import json
import logging
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification, User
from campaign.models import DeliveryAttempt, Reminder, ReminderDigest, Task
from core.models import Heartbeat
from core.services import enqueue
from core.working_time import Limit, WorkingCalendar, WorkingTime, office_working_time

logger = logging.getLogger(__name__)

Step = Reminder.Step
Channel = DeliveryAttempt.Channel

# Rows per INSERT: a run over thousands of tasks costs a handful of statements.
BATCH_SIZE = 500
WEBHOOK_TIMEOUT_SECONDS = 10
# WeCom rejects markdown longer than 4096 bytes.
WEBHOOK_MAX_BYTES = 4000
# Tries of one channel of a digest: the delivery task's first and its retries. The sweep stops there too.
DELIVERY_TRIES = 6
# A digest's e-mail and robot post are still worth sending this long after its run; older ones are left alone.
REDELIVER_WITHIN = datetime.timedelta(days=2)
# The heartbeat that records the last completed daily run (core.Heartbeat, one row).
DAILY_RUN = "reminders"
# The most pressing first: a leader reads escalations before the rest.
SECTION_ORDER = (Step.ESCALATED_LEADER, Step.ESCALATED_HEAD, Step.OVERDUE, Step.DUE_SOON)
# What a digest shows of each reminder; read with values() both by the run and by the deliveries.
ROW_FIELDS = (
    "recipient_id",
    "step",
    "days_left",
    "task__code",
    "task__title",
    "task__kind",
    "task__due_date",
    "task__department__name",
    "task__accountable__last_name",
    "task__accountable__first_name",
    "task__accountable__username",
)


class DeliveryFailed(Exception):
    """A channel could not deliver a digest; the attempt is recorded and Celery tries again later."""


# Selectors ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ladder:
    """What places a task on the ladder at ``now``: the moment the run reads the clocks at, the working time
    the escalations are counted in, and the working calendar the days left are counted on."""

    today: datetime.date
    now: datetime.datetime
    head_after: Limit  # red for this long: escalated to the department head
    leader_after: Limit  # red for this long: escalated to the grid or campaign leader
    working_time: WorkingTime = field(repr=False)

    @classmethod
    def at(cls, now: datetime.datetime, *, earliest_due: datetime.date | None = None) -> "Ladder":
        """The ladder at ``now``, with one calendar spanning the oldest open due date to today."""
        head = Limit.parse(settings.REMINDER_ESCALATE_HEAD_AFTER)
        leader = Limit.parse(settings.REMINDER_ESCALATE_LEADER_AFTER)
        today = timezone.localdate(now)
        calendar = WorkingCalendar.spanning(today, earliest_due, margin=settings.DUE_SOON_WORKING_DAYS + 1)
        return cls(today, now, head, leader, office_working_time(calendar=calendar))

    @property
    def calendar(self) -> WorkingCalendar:
        return self.working_time.calendar_for(self.today)

    @property
    def is_working_day(self) -> bool:
        return self.calendar.is_working_day(self.today)

    def days_left(self, due_date: datetime.date) -> int:
        """Working days from today to the due date: negative when the task is that many days overdue."""
        return self.calendar.working_days_between(self.today, due_date)

    def red_for(self, due_at: datetime.datetime, limit: Limit) -> bool:
        """Whether a clock due at ``due_at`` has been red for ``limit`` of working time at ``now``."""
        return self.working_time.add(due_at, limit) <= self.now


def run_moment(today: datetime.date) -> datetime.datetime:
    """The moment a run of ``today`` reads the clocks at: the opening of the office that day (its start on
    a day off), when beat starts the daily run."""
    working_time = office_working_time()
    sessions = working_time.sessions(today)
    if sessions:
        return sessions[0][0]
    return datetime.datetime.combine(today, datetime.time(), tzinfo=working_time.zone)


@dataclass(frozen=True, order=True)
class Candidate:
    """A reminder owed today; sorted, so that concurrent runs insert in the same order and cannot deadlock."""

    task_id: int
    step: str
    recipient_id: int
    days_left: int = field(compare=False)


def reminder_ladder(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> Ladder:
    """The ladder at ``now``, by default the opening of the office on ``today`` (``run_moment``); a few
    queries: the office hours, the oldest open due date and the calendar's overrides."""
    now = now or run_moment(today)
    earliest = Task.objects.open().aggregate(earliest=Min("due_date"))["earliest"]
    return Ladder.at(now, earliest_due=earliest)


def reminder_candidates(*, ladder: Ladder) -> list[Candidate]:
    """Every (task, step, recipient) that the ladder owes at its moment, whether sent before or not.

    Two queries: the open tasks whose clock is yellow or red (not suspended), with their accountable
    person, department head and campaign leader; and the grid leaders of the red ones."""
    now = ladder.now
    tasks = (
        # Yellow or red: open, not suspended, past the moment its light turned yellow.
        Task.objects.filter(status__in=Task.OPEN_STATUSES, suspended_at=None, yellow_at__lte=now)
        .values_list(
            "pk",
            "due_date",
            "due_at",
            "accountable_id",
            "accountable__is_active",
            "department__head_id",
            "department__head__is_active",
            "campaign__leader_id",
            "campaign__leader__is_active",
        )
        .order_by()
    )
    grid_leaders = defaultdict(set)
    for task_id, leader_id in (
        Task.grids.through.objects.filter(
            task__in=Task.objects.open().filter(suspended_at=None, due_at__lt=now).values("pk"),
            grid__leader__is_active=True,
        )
        .values_list("task_id", "grid__leader_id")
        .order_by()
    ):
        grid_leaders[task_id].add(leader_id)

    candidates = []
    for task_id, due_date, due_at, accountable, accountable_active, head, head_active, leader, leader_active in tasks:
        days_left = ladder.days_left(due_date)
        head = head if head_active else None
        # A task with nobody accountable (or whose accountable person has left) still reaches someone: the head.
        responsible = accountable if accountable_active else head

        owed = []
        if due_at >= now:
            owed.append((Step.DUE_SOON, responsible))
        else:
            owed.append((Step.OVERDUE, responsible))
            if ladder.red_for(due_at, ladder.head_after):
                owed.append((Step.ESCALATED_HEAD, head))
            if ladder.red_for(due_at, ladder.leader_after):
                leaders = grid_leaders.get(task_id) or [leader if leader_active else None]
                owed.extend((Step.ESCALATED_LEADER, recipient) for recipient in leaders)
        candidates.extend(
            Candidate(task_id, step, recipient, days_left) for step, recipient in owed if recipient is not None
        )
    return sorted(candidates)


def reminder_digest_rows(*, digest: ReminderDigest) -> list[dict]:
    """The reminders a digest carries, as the templates read them."""
    return list(digest.reminders.values(*ROW_FIELDS).order_by())


def _person(last_name: str | None, first_name: str | None, username: str | None) -> str:
    # Same as User.display_name: family name first, no space.
    return f"{last_name or ''}{first_name or ''}".strip() or (username or "")


def reminder_digest_context(
    *, recipient: User, run_date: datetime.date, rows: Iterable[dict], channel: str = Channel.INBOX
) -> dict:
    """What the digest templates show: the recipient's tasks grouped by step, the most pressing first."""
    by_step = defaultdict(list)
    for row in sorted(rows, key=lambda row: (row["task__due_date"], row["task__code"])):
        overdue = row["step"] != Step.DUE_SOON
        by_step[row["step"]].append(
            {
                "code": row["task__code"],
                "title": row["task__title"],
                "rectification": row["task__kind"] == Task.Kind.RECTIFICATION,
                "department": row["task__department__name"],
                "accountable": _person(
                    row["task__accountable__last_name"],
                    row["task__accountable__first_name"],
                    row["task__accountable__username"],
                ),
                "due_date": row["task__due_date"],
                "overdue": overdue,
                "days": abs(row["days_left"]),
            }
        )
    sections = [{"step": step, "tasks": by_step[step]} for step in SECTION_ORDER if by_step[step]]
    return {
        "recipient": recipient,
        "run_date": run_date,
        "channel": channel,
        "sections": sections,
        "items": sum(len(section["tasks"]) for section in sections),
        "overdue": len(
            {task["code"] for section in sections if section["step"] != Step.DUE_SOON for task in section["tasks"]}
        ),
        "due_soon_days": settings.DUE_SOON_WORKING_DAYS,
        "head_after": Limit.parse(settings.REMINDER_ESCALATE_HEAD_AFTER).text,
        "leader_after": Limit.parse(settings.REMINDER_ESCALATE_LEADER_AFTER).text,
    }


def reminder_subject(context: dict) -> str:
    return " ".join(render_to_string("email/reminder-subject.txt", context).split())


def reminder_webhook_url(recipient: User) -> str:
    """The chat robot of the recipient's department, or of its parent (a section shares its bureau's group)."""
    department = recipient.department
    if department is None:
        return ""
    if department.webhook_url:
        return department.webhook_url
    return department.parent.webhook_url if department.parent_id else ""


# Services -------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    """What a run sent: digests, and reminders per step of the ladder."""

    date: datetime.date
    token: uuid.UUID
    digests: int = 0
    by_step: dict[str, int] = field(default_factory=dict)
    skipped: bool = False

    @property
    def reminders(self) -> int:
        return sum(self.by_step.values())

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "token": str(self.token),
            "skipped": self.skipped,
            "digests": self.digests,
            "reminders": self.reminders,
            "by_step": self.by_step,
        }


def reminders_send(*, today: datetime.date, now: datetime.datetime | None = None) -> ReminderRun:
    """Send the reminders the ladder owes on ``today`` — its clocks read at ``now``, by default the opening
    of the office that day — each (task, step, recipient) at most once ever, as one digest per recipient.
    Safe to run twice, and on two workers at once.

    Nothing is sent on a day off: on the official calendar nobody is at the desk, and the working
    time counted would not have moved since the last working day."""
    run = ReminderRun(date=today, token=uuid.uuid4())
    ladder = reminder_ladder(today=today, now=now)
    if not ladder.is_working_day:
        run.skipped = True
        return run
    candidates = reminder_candidates(ladder=ladder)
    if not candidates:
        return run

    # The digests are Chinese whatever language the caller (a worker, a test, a shell) has active.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    task_id=candidate.task_id,
                    step=candidate.step,
                    recipient_id=candidate.recipient_id,
                    days_left=candidate.days_left,
                    run_token=run.token,
                )
                for candidate in candidates
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )
        rows_by_recipient = defaultdict(list)
        for row in Reminder.objects.filter(run_token=run.token).values(*ROW_FIELDS).order_by():
            rows_by_recipient[row["recipient_id"]].append(row)
            run.by_step[row["step"]] = run.by_step.get(row["step"], 0) + 1
        if not rows_by_recipient:
            return run

        ReminderDigest.objects.bulk_create(
            [
                ReminderDigest(recipient_id=recipient_id, run_date=today, run_token=run.token, items=len(rows))
                for recipient_id, rows in rows_by_recipient.items()
            ],
            batch_size=BATCH_SIZE,
        )
        digest_of = dict(ReminderDigest.objects.filter(run_token=run.token).values_list("recipient_id", "pk"))
        Reminder.objects.filter(run_token=run.token).update(
            digest=Subquery(
                ReminderDigest.objects.filter(run_token=run.token, recipient=OuterRef("recipient")).values("pk")[:1]
            )
        )
        recipients = User.objects.filter(
            pk__in=ReminderDigest.objects.filter(run_token=run.token).values("recipient_id")
        ).select_related("department__parent")
        link = reverse("campaign:task_list")
        notifications, outbox = [], []
        for recipient in recipients:
            context = reminder_digest_context(
                recipient=recipient, run_date=today, rows=rows_by_recipient[recipient.pk], channel=Channel.INBOX
            )
            notifications.append(
                Notification(
                    recipient=recipient,
                    title=reminder_subject(context)[:200],
                    body=render_to_string("email/reminder-body.txt", context).strip(),
                    url=link,
                )
            )
            digest_id = digest_of[recipient.pk]
            if recipient.email:
                outbox.append((digest_id, Channel.EMAIL))
            if reminder_webhook_url(recipient):
                outbox.append((digest_id, Channel.WEBHOOK))
        Notification.objects.bulk_create(notifications, batch_size=BATCH_SIZE)
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(digest_id=digest_id, channel=Channel.INBOX, attempt=1, succeeded=True)
                for digest_id in digest_of.values()
            ],
            batch_size=BATCH_SIZE,
        )
        run.digests = len(digest_of)
        transaction.on_commit(lambda: _enqueue_deliveries(outbox))
    return run


def _enqueue_deliveries(outbox: list[tuple[int, str]]) -> int:
    """Queue a delivery task per (digest, channel); returns how many were queued.

    A broker that is down is logged, not raised: the run has committed and the inbox has its
    digests, and ``reminder_deliveries_requeue`` queues the rest once the broker is back. The
    first refusal stops the loop, as every further message would wait for the same timeout."""
    from campaign.tasks import deliver_reminder_digest  # the tasks module imports this one

    for queued, (digest_id, channel) in enumerate(outbox):
        error = enqueue(deliver_reminder_digest, digest_id, channel)
        if error is not None:
            logger.warning(
                "Could not queue %d of %d reminder deliveries, the broker is unavailable (%s); "
                "the sweep will queue them when it is back.",
                len(outbox) - queued,
                len(outbox),
                error,
            )
            return queued
    return len(outbox)


def reminders_send_daily(*, now: datetime.datetime | None = None) -> ReminderRun | None:
    """Beat's daily run: today's reminders, unless a run of today has already completed.

    Beat calls it at 08:30 and again through the working day, so that a day whose first call never
    reached a worker (the broker was down) still has its run, once: the later calls of a day whose
    run has completed return ``None`` at once, without sending anything new that day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    last = Heartbeat.objects.filter(name=DAILY_RUN).values_list("beat_at", flat=True).first()
    if last is not None and timezone.localdate(last) == today:
        return None
    run = reminders_send(today=today, now=now)
    Heartbeat.objects.update_or_create(name=DAILY_RUN, defaults={"beat_at": now})
    return run


def reminder_deliveries_lost(*, now: datetime.datetime | None = None) -> list[tuple[int, str]]:
    """The (digest, channel) pairs that recent digests still owe and that no queued message seems to carry.

    Owed: the e-mail of a recipient with an address, the post to a department's (or its parent's)
    chat robot. Lost: not yet delivered, tried fewer than ``DELIVERY_TRIES`` times, and with nothing
    happening on it (no try, and the digest itself) for ``REMINDER_REDELIVER_AFTER_SECONDS``, longer
    than the delivery task waits between retries. Two queries, whatever the number of digests."""
    now = now or timezone.now()
    idle_since = now - datetime.timedelta(seconds=settings.REMINDER_REDELIVER_AFTER_SECONDS)
    # As reminders_send fills its outbox; ``> ''`` is false for a missing department, where ``<> ''`` negated is not.
    owed_by_channel = {
        Channel.EMAIL: Q(recipient__email__gt=""),
        Channel.WEBHOOK: Q(recipient__department__webhook_url__gt="")
        | Q(recipient__department__parent__webhook_url__gt=""),
    }
    lost = []
    for channel, owed in owed_by_channel.items():
        tries = Q(attempts__channel=channel)
        digests = (
            ReminderDigest.objects.filter(owed, created__gte=now - REDELIVER_WITHIN, created__lt=idle_since)
            .annotate(
                delivered=Count("attempts", filter=tries & Q(attempts__succeeded=True)),
                tries=Count("attempts", filter=tries),
                last_try=Max("attempts__created", filter=tries),
            )
            .filter(Q(last_try__isnull=True) | Q(last_try__lt=idle_since), delivered=0, tries__lt=DELIVERY_TRIES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        lost.extend((digest_id, channel) for digest_id in digests)
    return sorted(lost)


def reminder_deliveries_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the deliveries that ``reminder_deliveries_lost`` finds; returns how many were queued.

    A delivery queued twice (its first message was only slow) is sent once: the second finds it done."""
    lost = reminder_deliveries_lost(now=now)
    if lost:
        logger.info("Queuing %d reminder deliveries again.", len(lost))
    return _enqueue_deliveries(lost)


def reminder_digest_deliver(*, digest_id: int, channel: str) -> DeliveryAttempt | None:
    """Send a digest by e-mail or to the chat robot, once: a channel that has succeeded is not tried
    again (a redelivered Celery message sends nothing). Every try is recorded as a ``DeliveryAttempt``;
    after recording a failure, raise ``DeliveryFailed`` so that the caller retries later.

    Returns ``None`` when there is nothing to do: already delivered, or no address any more."""
    if channel not in (Channel.EMAIL, Channel.WEBHOOK):
        raise ValueError(f"reminder digests are not delivered through {channel!r} by a task")
    error = ""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        # The row lock makes a second worker holding the same message wait, then see the success.
        digest = (
            ReminderDigest.objects.select_for_update(of=("self",))
            .select_related("recipient__department__parent")
            .get(pk=digest_id)
        )
        tried = list(digest.attempts.filter(channel=channel).values_list("succeeded", flat=True))
        if any(tried):
            return None
        if len(tried) >= DELIVERY_TRIES:
            # Messages queued again by the sweep do not add tries to a channel that keeps failing.
            logger.warning("Reminder digest %s: %s failed %d times, not tried again.", digest_id, channel, len(tried))
            return None
        recipient = digest.recipient
        address = recipient.email if channel == Channel.EMAIL else reminder_webhook_url(recipient)
        if not address:
            return None
        context = reminder_digest_context(
            recipient=recipient, run_date=digest.run_date, rows=reminder_digest_rows(digest=digest), channel=channel
        )
        try:
            if channel == Channel.EMAIL:
                _send_email(address, context)
            else:
                _post_webhook(address, context)
        except (OSError, ValueError, DeliveryFailed) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
        attempt = DeliveryAttempt.objects.create(
            digest=digest, channel=channel, attempt=len(tried) + 1, succeeded=not error, error=error
        )
    if error:
        raise DeliveryFailed(error)
    return attempt


def _send_email(address: str, context: dict) -> None:
    message = EmailMultiAlternatives(
        subject=reminder_subject(context),
        body=render_to_string("email/reminder-body.txt", context),
        to=[address],
    )
    message.attach_alternative(render_to_string("email/reminder-body.html", context), "text/html")
    message.send()


def _post_webhook(url: str, context: dict) -> None:
    """POST a markdown message in the style of WeCom and DingTalk group robots."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) webhook address: {url}")
    content = render_to_string("email/reminder-webhook.md", context).strip()
    content = content.encode()[:WEBHOOK_MAX_BYTES].decode(errors="ignore")
    payload = {"msgtype": "markdown", "markdown": {"content": content}}
    request = urllib.request.Request(  # noqa: S310 -- the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
        body = response.read()
    # Robots answer 200 with {"errcode": 0}; anything else in errcode is a refusal (bad key, rate limit).
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryFailed(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")
