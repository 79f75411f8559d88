"""The master-data pages: administrators only, downloads, the upload and the job's progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from masterdata.models import ImportJob
from masterdata.tasks import import_masterdata_file
from masterdata.tests.workbooks import exported, find_row, row_counts, saved, set_cell, workbook_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = [
    ("masterdata:index", ()),
    ("masterdata:template", ()),
    ("masterdata:export", ()),
    ("masterdata:job", (1,)),
    ("masterdata:job_status", (1,)),
]


@pytest.fixture
def administrator(db) -> User:
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _upload(client, content: bytes, *, dry_run: bool = False, name: str = "主数据.xlsx"):
    data = {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("masterdata:index"), data)


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_it_forbids_department_staff(client, name, args):
    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_it_forbids_staff_to_upload(client, city):
    client.force_login(city["staff"])
    assert _upload(client, workbook_bytes({"部门": []})).status_code == 403
    assert not ImportJob.objects.exists()


def test_it_lets_a_superuser_in(client):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("masterdata:index")).status_code == 200


def test_it_shows_the_page_in_constant_queries(admin_client, administrator, django_assert_max_num_queries):
    for _ in range(3):
        ImportJob.objects.create(uploaded_by=UserFactory(), original_name="a.xlsx", file="x.xlsx")
    with django_assert_max_num_queries(8) as captured:
        response = admin_client.get(reverse("masterdata:index"))
    assert response.status_code == 200
    assert "a.xlsx" in response.content.decode()
    baseline = len(captured)
    for _ in range(5):
        ImportJob.objects.create(uploaded_by=UserFactory(), original_name="b.xlsx", file="x.xlsx")
    with django_assert_max_num_queries(baseline):
        admin_client.get(reverse("masterdata:index"))


def test_it_downloads_the_template(admin_client):
    response = admin_client.get(reverse("masterdata:template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "部门" in workbook.sheetnames


def test_it_downloads_the_current_data(admin_client, city):
    response = admin_client.get(reverse("masterdata:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert find_row(workbook["人员"], "用户名", "ronghongzhi") > 1


def test_it_imports_an_upload_in_the_background(admin_client, administrator, city, django_capture_on_commit_callbacks):
    workbook = exported()
    people = workbook["人员"]
    set_cell(people, find_row(people, "用户名", "ronghongzhi"), "名", "红志")

    with django_capture_on_commit_callbacks() as callbacks:
        response = _upload(admin_client, saved(workbook).getvalue())

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("masterdata:job", args=[job.pk])
    assert (job.status, job.uploaded_by, job.dry_run, job.original_name) == (
        "pending",
        administrator,
        False,
        "主数据.xlsx",
    )
    assert len(callbacks) == 1  # the task is queued once the upload is committed
    page = admin_client.get(response.url).content.decode()
    assert "job-progress.js" in page
    status = admin_client.get(reverse("masterdata:job_status", args=[job.pk])).json()
    assert status == {**status, "status": "pending", "done": 0, "total": 0, "percent": 0, "finished": False}

    assert import_masterdata_file.run(job.pk) == "succeeded"

    job.refresh_from_db()
    assert job.counts["人员"] == {"created": 0, "updated": 1, "unchanged": 3}  # the administrator is a person too
    assert job.progress_done == job.progress_total > 0
    assert job.finished_at is not None
    assert User.objects.get(username="ronghongzhi").display_name == "荣红志"
    status = admin_client.get(reverse("masterdata:job_status", args=[job.pk])).json()
    assert (status["finished"], status["percent"]) == (True, 100)
    page = admin_client.get(reverse("masterdata:job", args=[job.pk])).content.decode()
    assert "job-progress.js" not in page
    assert "红智 → 红志" in page
    # A redelivered task finds the job claimed and does nothing.
    assert import_masterdata_file.run(job.pk) == "succeeded"


def test_it_fails_the_job_at_once_and_says_so_when_the_broker_is_down(
    admin_client, city, broker_down, django_capture_on_commit_callbacks, logged
):
    log = logged("masterdata.services.jobs")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, saved(exported()).getvalue())

    job = ImportJob.objects.get()
    assert (job.status, job.error_count) == ("failed", 1)
    assert job.finished_at is not None
    assert any(f"Could not queue master data import job {job.pk}" in message for message in log)
    page = admin_client.get(response.url).content.decode()
    assert "后台任务队列暂时不可用，导入未开始，数据未改变；请稍后重新上传" in page
    assert "job-progress.js" not in page  # nothing left to wait for


def test_it_shows_the_errors_of_a_bad_upload(admin_client, city):
    before = row_counts()
    _upload(admin_client, b"code,name\nP1,road\n", name="places.xlsx")
    job = ImportJob.objects.get()
    assert import_masterdata_file.run(job.pk) == "failed"
    job.refresh_from_db()
    assert job.error_count == 1
    page = admin_client.get(reverse("masterdata:job", args=[job.pk])).content.decode()
    assert "不是 Excel 工作簿" in page
    assert row_counts() == before


def test_it_lists_row_errors_on_the_job_page(admin_client, city):
    content = workbook_bytes({"点位": [{"编码": "P9", "名称": "某路", "类型": "街巷", "网格编码": "G404"}]})
    _upload(admin_client, content, dry_run=True)
    job = ImportJob.objects.get()
    assert job.dry_run
    import_masterdata_file.run(job.pk)
    page = admin_client.get(reverse("masterdata:job", args=[job.pk])).content.decode()
    assert "<td>点位</td><td>2</td><td>网格编码</td>" in page


def test_it_refuses_an_upload_over_the_size_limit(admin_client, settings):
    settings.MASTERDATA_MAX_UPLOAD_BYTES = 1024
    response = _upload(admin_client, workbook_bytes({"部门": []}))
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_it_does_nothing_for_a_job_that_does_not_exist(db):
    assert import_masterdata_file.run(404) == "missing"
