"""A workbook build that dies, or cannot be queued, never leaves half a file to download.

A build writes to a temporary file and stores it only on success, so a worker killed mid-build leaves
the report "running" with the last complete workbook (or none) in place, and the download answers
"not built yet" until a build finishes; the message is delivered again (acks_late) and rebuilt.
faults/test_worker_killed.py drills the same with a real worker killed by SIGKILL.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from reports.models import XLSX_CONTENT_TYPE, WeeklyReport
from reports.services import weekly_report_build
from reports.workbook import PROGRESS_EVERY, SHEET_NAMES

MONDAY = datetime.date(2018, 3, 12)
Status = WeeklyReport.Status


class WorkerKilled(BaseException):
    """Stands for SIGKILL: like the signal, it is no ``Exception``, so no handler records a failure."""


@pytest.fixture
def leader(client, db):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def overdue_work(db):
    """More overdue tasks than one progress step, so that a build reports progress half-way."""
    campaign, department = CampaignFactory(), DepartmentFactory()
    due_at, yellow_at = Task.pledged_clock(MONDAY)  # inserted in bulk, past Task.save(), which sets them
    Task.objects.bulk_create(
        Task(
            campaign=campaign,
            code=f"K{n:04d}",
            title=f"任务{n}",
            department=department,
            due_date=MONDAY,
            due_at=due_at,
            yellow_at=yellow_at,
        )
        for n in range(PROGRESS_EVERY + 100)
    )


def stored_workbooks() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "reports"
    return {str(path) for path in folder.rglob("*.xlsx")} if folder.exists() else set()


def killed_when(point: str):
    """A progress callback that kills the build half-way, or once the workbook is written but not stored."""

    def progress(done: int, total: int) -> None:
        if (point == "half-way" and 0 < done < total) or (point == "written" and done == total > 0):
            raise WorkerKilled

    return progress


@pytest.mark.parametrize("point", ["half-way", "written"])
def test_it_stores_nothing_from_a_killed_build_and_succeeds_when_built_again(leader, overdue_work, point):
    before = stored_workbooks()

    with pytest.raises(WorkerKilled):
        weekly_report_build(week_start=MONDAY, progress=killed_when(point))

    report = WeeklyReport.objects.get()
    assert report.status == Status.RUNNING  # what the leader sees until the message comes back
    assert not report.file
    assert stored_workbooks() == before
    download = leader.get(f"/reports/weekly/{report.pk}/download/")
    assert download.status_code == 404
    assert "Content-Disposition" not in download
    assert "This week&#x27;s workbook has not been built yet." in download.content.decode()

    weekly_report_build(week_start=MONDAY)  # the message delivered again

    report.refresh_from_db()
    assert report.status == Status.SUCCEEDED
    download = leader.get(f"/reports/weekly/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)
    assert workbook.sheetnames == list(SHEET_NAMES)


def test_it_keeps_offering_the_last_complete_workbook_while_a_rebuild_dies(leader, overdue_work):
    first = weekly_report_build(week_start=MONDAY)
    complete = first.file.read()
    first.file.close()

    with pytest.raises(WorkerKilled):
        weekly_report_build(week_start=MONDAY, progress=killed_when("half-way"))

    report = WeeklyReport.objects.get()
    assert report.status == Status.RUNNING
    assert report.file.name == first.file.name
    download = leader.get(f"/reports/weekly/{report.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == complete


def test_it_says_not_ready_instead_of_a_file_while_the_first_build_runs(leader):
    report = WeeklyReport.objects.create(week_start=MONDAY, status=Status.RUNNING, progress_done=5, progress_total=9)

    download = leader.get(f"/reports/weekly/{report.pk}/download/")

    assert download.status_code == 404
    assert "Content-Disposition" not in download
    page = download.content.decode()
    assert "This week&#x27;s workbook has not been built yet." in page
    assert f'data-status-url="/reports/weekly/{report.pk}/status/"' in page  # the progress, polled


def test_it_fails_the_build_at_once_when_the_broker_is_down(
    leader, broker_down, django_capture_on_commit_callbacks, logged
):
    log = logged("reports.services")
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post("/reports/weekly/build/", {"week": "2018-W11"})

    report = WeeklyReport.objects.get()
    assert response["Location"] == f"/reports/weekly/{report.pk}/"
    assert report.status == Status.FAILED
    assert report.error.startswith("Not queued, the broker is unavailable")
    assert report.finished_at is not None
    assert any("Could not queue the build of weekly report" in message for message in log)
    page = leader.get(response["Location"]).content.decode()
    assert "The workbook could not be built. Try again" in page
    assert "Build again" in page


def test_it_queues_the_build_again_once_the_broker_is_back(leader, django_capture_on_commit_callbacks):
    report = WeeklyReport.objects.create(week_start=MONDAY, status=Status.FAILED, error="Not queued")

    with django_capture_on_commit_callbacks(execute=True) as queued:
        leader.post("/reports/weekly/build/", {"week": "2018-W11"})

    report.refresh_from_db()
    assert len(queued) == 1
    assert report.status == Status.PENDING
    assert report.error == ""


def test_it_stores_only_the_newer_of_two_builds_of_a_week(leader, overdue_work):
    """A build started while another runs (a message delivered again, the command) takes the week over:
    the older build stops at its next progress report and stores nothing."""
    before, newer = stored_workbooks(), []

    def start_a_newer_build(done: int, total: int) -> None:
        if not newer:
            newer.append(weekly_report_build(week_start=MONDAY))

    older = weekly_report_build(week_start=MONDAY, progress=start_a_newer_build)

    (report,) = WeeklyReport.objects.all()
    assert older.pk == newer[0].pk == report.pk
    assert report.status == Status.SUCCEEDED
    assert report.run == newer[0].run
    assert report.file.name == newer[0].file.name
    assert {Path(path).name for path in stored_workbooks() - before} == {Path(report.file.name).name}
    assert report.progress_done == report.progress_total > PROGRESS_EVERY
