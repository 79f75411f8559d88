"""Running a background job (a ``core.models.BackgroundJob``): claim it, record its progress, finish
it or fail it. One implementation for every kind of job.

Each step is a conditional UPDATE of the job's row. Claiming gives the run an id; every later step
names it and is refused once the row names another run, so a run that has lost its job (to a new run,
or after being taken for dead) writes nothing more, and ``job_progress`` tells it to stop.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from core.models import BackgroundJob, Heartbeat, stuck_before

Status = BackgroundJob.Status
ERROR_MAX_CHARS = 2000
# What an administrator is shown of the jobs (the home page's counts, the job lists' ``state`` filter).
JOB_STATES = ("waiting", "stuck", "failed")
FAILED_RECENTLY = datetime.timedelta(days=7)
# The heartbeat a worker records each time beat sends it ``core.tasks.heartbeat`` (every five minutes):
# silent for three times that long, the scheduler or every worker is down.
WORKER_HEARTBEAT = "worker"
WORKER_SILENT_AFTER = datetime.timedelta(minutes=15)


class JobLost(Exception):
    """The run no longer holds its job: another run has claimed it. The run stops and writes nothing."""


def job_claim(model: type[BackgroundJob], *, pk: int, **fields) -> uuid.UUID | None:
    """Claim job ``pk`` for a new run, and return the run's id; None when the run is not to do it.

    A waiting job is claimed, and so is a stuck one (see ``BackgroundJob.is_stuck``); a job that is
    finished, or in progress in a live run, is not, unless the model's ``TAKEN_OVER_BY_NEW_RUNS``
    lets every new run take it. Of two runs claiming at once, one holds the job afterwards. The claim
    starts the job afresh (no progress, no error) and sets ``fields`` as well."""
    now = timezone.now()
    run = uuid.uuid4()
    jobs = model.objects.filter(pk=pk)
    if not model.TAKEN_OVER_BY_NEW_RUNS:
        jobs = jobs.filter(Q(status=Status.PENDING) | Q(status=Status.RUNNING, updated__lt=stuck_before()))
    claimed = jobs.update(
        status=Status.RUNNING,
        run=run,
        started_at=now,
        finished_at=None,
        progress_done=0,
        progress_total=0,
        error="",
        updated=now,
        **fields,
    )
    return run if claimed else None


def job_progress(model: type[BackgroundJob], *, pk: int, run: uuid.UUID, done: int, total: int) -> None:
    """Record that ``run`` has done ``done`` of ``total`` (which also shows that it is alive).
    Raises ``JobLost`` when the run no longer holds the job, so that it stops."""
    if not _held(model, pk, run).update(progress_done=done, progress_total=total, updated=timezone.now()):
        raise JobLost(f"{model.__name__} {pk} is no longer held by run {run}")


def job_finish(
    model: type[BackgroundJob], *, pk: int, run: uuid.UUID, status: str = Status.SUCCEEDED, **fields
) -> bool:
    """End ``run``'s job as ``status`` (done, or failed as an outcome of the work, such as a file with
    errors), setting ``fields`` too. False, and nothing written, when the run no longer holds the job."""
    now = timezone.now()
    return bool(_held(model, pk, run).update(status=status, finished_at=now, updated=now, **fields))


def job_fail(model: type[BackgroundJob], *, pk: int, run: uuid.UUID | None, error: str, **fields) -> bool:
    """Record that the job failed, with ``error`` (why, for administrators) and ``fields``: ``run``'s
    job, or with ``run=None`` a job still waiting, which could not be queued. False, and nothing
    written, when the job is no longer the run's (or no longer waiting)."""
    now = timezone.now()
    jobs = model.objects.filter(pk=pk, status=Status.PENDING) if run is None else _held(model, pk, run)
    return bool(
        jobs.update(status=Status.FAILED, error=error[:ERROR_MAX_CHARS], finished_at=now, updated=now, **fields)
    )


def _held(model: type[BackgroundJob], pk: int, run: uuid.UUID):
    return model.objects.filter(pk=pk, run=run, status=Status.RUNNING)


# ---------------------------------------------------------------------------------------------
# Reading: what needs an administrator's eye


def job_state_q(state: str) -> Q:
    """Jobs in ``state`` (one of ``JOB_STATES``): ``waiting`` (waiting or in progress, and alive),
    ``stuck`` (``BackgroundJob.is_stuck``: its worker died or its message was lost), or ``failed``
    within ``FAILED_RECENTLY``."""
    in_progress = Q(status__in=BackgroundJob.IN_PROGRESS_STATUSES)
    if state == "waiting":
        return in_progress & Q(updated__gte=stuck_before())
    if state == "stuck":
        return in_progress & Q(updated__lt=stuck_before())
    if state == "failed":
        return Q(status=Status.FAILED, updated__gte=timezone.now() - FAILED_RECENTLY)
    raise ValueError(f"unknown job state {state!r}")


@dataclass(frozen=True)
class JobCounts:
    """How many jobs of one kind are waiting, stuck, and recently failed."""

    model: type[BackgroundJob]
    waiting: int
    stuck: int
    failed: int


def job_counts() -> list[JobCounts]:
    """For every kind of background job (each concrete ``BackgroundJob``, whichever app defines it), by
    label: how many are in each of ``JOB_STATES``. One query per kind."""
    kinds = sorted(
        (model for model in apps.get_models() if issubclass(model, BackgroundJob)), key=lambda m: m._meta.label
    )
    return [
        JobCounts(
            model=model,
            **model.objects.order_by().aggregate(
                **{state: Count("pk", filter=job_state_q(state)) for state in JOB_STATES}
            ),
        )
        for model in kinds
    ]


def worker_last_heard() -> datetime.datetime | None:
    """When a worker last ran beat's heartbeat (``None``: never); older than ``WORKER_SILENT_AFTER``,
    background work (reminders, builds, imports) is not being done."""
    return Heartbeat.objects.filter(name=WORKER_HEARTBEAT).values_list("beat_at", flat=True).first()
