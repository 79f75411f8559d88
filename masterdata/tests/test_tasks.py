"""The import task run by a real Celery worker, through the configured broker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from accounts.tests.factories import UserFactory
from config.celery import app
from grids.models import Place
from masterdata.models import ImportJob
from masterdata.services import import_job_create
from masterdata.tests.workbooks import workbook_bytes


def _wait_until_finished(job: ImportJob, timeout: float = 30) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job is still {job.status} after {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_it_imports_an_upload_through_a_worker(city):
    rows = [
        {
            "编码": f"P{n:03d}W",
            "名称": f"柳园{n}号小区",
            "类型": "居民小区",
            "网格编码": "G01",
            "帮包部门编码": "LC-ZJJ",
            "属地单位编码": "DCF-GL",
        }
        for n in range(50)
    ]
    upload = SimpleUploadedFile("点位.xlsx", workbook_bytes({"点位": rows}))
    # Outside a transaction the job is queued at once; the worker picks it up when it starts.
    job = import_job_create(file=upload, uploaded_by=UserFactory(role=Role.ADMINISTRATOR), dry_run=False)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = _wait_until_finished(job)

    assert job.status == ImportJob.Status.SUCCEEDED, job.errors
    assert job.counts == {"点位": {"created": 50, "updated": 0, "unchanged": 0}}
    assert (job.progress_done, job.progress_total) == (150, 150)
    assert Place.objects.filter(code__endswith="W").count() == 50
