"""Running a background job (a ``core.models.BackgroundJob``): claim it, record its progress, finish
it or fail it. One implementation for every kind of job.

Each step is a conditional UPDATE of the job's row. Claiming gives the run an id; every later step
names it and is refused once the row names another run, so a run that has lost its job (to a new run,
or after being taken for dead) writes nothing more, and ``job_progress`` tells it to stop.
"""

import uuid

from django.db.models import Q
from django.utils import timezone

from core.models import BackgroundJob, stuck_before

Status = BackgroundJob.Status
ERROR_MAX_CHARS = 2000


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
