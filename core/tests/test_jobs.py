"""Background jobs, one implementation for every kind: a week's workbook (``reports.WeeklyReport``) and
an uploaded workbook's import (``masterdata.ImportJob``) are claimed, advanced, finished and failed
alike, and a run that lost its job writes nothing more."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.jobs import JobLost, job_claim, job_fail, job_finish, job_progress
from core.models import BackgroundJob
from masterdata.models import ImportJob
from reports.models import WeeklyReport

Status = BackgroundJob.Status
MONDAY = datetime.date(2018, 3, 12)


def new_job(model: type[BackgroundJob], *, week: int = 0, **fields) -> BackgroundJob:
    """A waiting job of ``model`` (a week's report: ``week`` weeks after 12 March 2018, one per week)."""
    if model is WeeklyReport:
        return WeeklyReport.objects.create(week_start=MONDAY + datetime.timedelta(weeks=week), **fields)
    return ImportJob.objects.create(uploaded_by=UserFactory(), original_name="主数据.xlsx", file="a.xlsx", **fields)


def holds(model: type[BackgroundJob], pk: int, run) -> bool:
    """Whether ``run`` may still record its progress."""
    try:
        job_progress(model, pk=pk, run=run, done=1, total=2)
    except JobLost:
        return False
    return True


both_kinds = pytest.mark.parametrize("model", [WeeklyReport, ImportJob], ids=["weekly report", "import job"])


@both_kinds
def test_it_lets_only_one_of_two_runs_hold_a_job(db, model):
    job = new_job(model)

    first = job_claim(model, pk=job.pk)
    second = job_claim(model, pk=job.pk)

    assert first is not None
    runs = [run for run in (first, second) if run is not None]
    assert [holds(model, job.pk, run) for run in runs].count(True) == 1
    # An import is left to the run that claimed it; a week's build is taken over by the newer one.
    winner = second if model.TAKEN_OVER_BY_NEW_RUNS else first
    job.refresh_from_db()
    assert (job.status, job.run) == (Status.RUNNING, winner)
    loser = first if winner == second else None
    if loser is not None:
        assert not job_finish(model, pk=job.pk, run=loser)
        assert not job_fail(model, pk=job.pk, run=loser, error="late")
        job.refresh_from_db()
        assert (job.status, job.error) == (Status.RUNNING, "")


@both_kinds
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_concurrent_runs_hold_a_job_on_postgresql(postgres, model):
    job = new_job(model)
    start = threading.Barrier(2)
    runs, errors = [], []

    def claim() -> None:
        try:
            start.wait(timeout=10)
            runs.append(job_claim(model, pk=job.pk))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    claimed = [run for run in runs if run is not None]
    assert len(claimed) == (2 if model.TAKEN_OVER_BY_NEW_RUNS else 1)
    assert [holds(model, job.pk, run) for run in claimed].count(True) == 1


@both_kinds
def test_it_records_progress_and_failure_the_same_way_for_every_kind(db, model):
    job = new_job(model)
    run = job_claim(model, pk=job.pk)

    job_progress(model, pk=job.pk, run=run, done=25, total=100)
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (Status.RUNNING, 25, 100, 25)
    assert job.is_in_progress
    assert not job.is_finished
    assert job.started_at is not None

    assert job_fail(model, pk=job.pk, run=run, error="RuntimeError: disk full")
    job.refresh_from_db()
    assert (job.status, job.error, job.percent) == (Status.FAILED, "RuntimeError: disk full", 25)
    assert job.is_finished
    assert job.finished_at is not None
    with pytest.raises(JobLost):
        job_progress(model, pk=job.pk, run=run, done=26, total=100)


@both_kinds
def test_it_records_the_end_of_a_run_and_shows_it_as_done(db, model):
    job = new_job(model)
    run = job_claim(model, pk=job.pk)

    assert job_finish(model, pk=job.pk, run=run, progress_done=7, progress_total=7)

    job.refresh_from_db()
    assert (job.status, job.percent, job.is_finished) == (Status.SUCCEEDED, 100, True)
    assert job.finished_at >= job.started_at


@both_kinds
def test_it_claims_a_stuck_job_again_but_not_a_live_one(db, model, settings):
    job = new_job(model)
    dead = job_claim(model, pk=job.pk)
    if not model.TAKEN_OVER_BY_NEW_RUNS:
        assert job_claim(model, pk=job.pk) is None  # its run is alive

    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    model.objects.filter(pk=job.pk).update(updated=long_ago)
    job.refresh_from_db()
    assert job.is_stuck
    again = job_claim(model, pk=job.pk)

    assert again is not None
    assert not holds(model, job.pk, dead)
    assert holds(model, job.pk, again)


@both_kinds
def test_it_fails_a_job_that_could_not_be_queued_only_while_it_waits(db, model):
    waiting, claimed = new_job(model), new_job(model, week=1)
    run = job_claim(model, pk=claimed.pk)

    assert job_fail(model, pk=waiting.pk, run=None, error="Not queued")
    assert not job_fail(model, pk=claimed.pk, run=None, error="Not queued")

    waiting.refresh_from_db()
    assert (waiting.status, waiting.error, waiting.is_finished) == (Status.FAILED, "Not queued", True)
    assert holds(model, claimed.pk, run)


def test_it_runs_an_import_once_and_never_a_finished_one(db):
    job = new_job(ImportJob)
    run = job_claim(ImportJob, pk=job.pk)
    job_finish(ImportJob, pk=job.pk, run=run)

    assert job_claim(ImportJob, pk=job.pk) is None


@pytest.mark.parametrize(
    ("status", "words"),
    [(Status.PENDING, "等待中"), (Status.RUNNING, "进行中"), (Status.SUCCEEDED, "已完成"), (Status.FAILED, "失败")],
)
def test_it_words_a_status_alike_on_the_weekly_report_and_the_import_pages(client, db, status, words):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, department=None))
    report, job = new_job(WeeklyReport, status=status), new_job(ImportJob, status=status)

    weekly = client.get(f"/reports/weekly/{report.pk}/status/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    imported = client.get(f"/masterdata/jobs/{job.pk}/status/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert weekly["status_display"] == imported["status_display"] == words
    assert weekly["finished"] == imported["finished"] == (status in BackgroundJob.FINISHED_STATUSES)
