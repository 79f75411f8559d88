import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import ProgressReport, Target, Task
from campaign.tests.factories import PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from core.tests.api import client_for
from core.tests.factories import jpeg_bytes
from grids.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau():
    return DepartmentFactory(code="JSJ", name="市住建局")


@pytest.fixture
def staff(bureau):
    return UserFactory(department=bureau, role=Role.STAFF)


@pytest.fixture
def leader():
    return UserFactory(role=Role.LEADER)


def test_it_lists_only_the_tasks_of_the_staff_members_department(staff, bureau):
    mine = TaskFactory(department=bureau)
    TaskFactory()

    response = client_for(staff).get("/api/v1/tasks/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert set(response.json()) == {"next", "previous", "results"}


def test_it_hides_another_departments_task_and_refuses_progress_with_404(staff):
    other = TaskFactory()
    client = client_for(staff)

    assert client.get(f"/api/v1/tasks/{other.pk}/").status_code == 404
    response = client.post(f"/api/v1/tasks/{other.pk}/progress-reports/", {"percent": 50}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not ProgressReport.objects.exists()
    other.refresh_from_db()
    assert other.status == Task.Status.TODO


def test_it_shows_leaders_every_task_with_its_derived_overdue_flag(leader):
    late = TaskFactory(due_date=timezone.localdate() - datetime.timedelta(days=1))
    TaskFactory()

    rows = client_for(leader).get("/api/v1/tasks/").json()["results"]

    assert len(rows) == 2
    assert {row["id"]: row["is_overdue"] for row in rows}[late.pk] is True


def test_it_logs_progress_with_photos_through_the_service(staff, bureau):
    target = TargetFactory(target_value=104)
    task = TaskFactory(department=bureau, target=target)
    photos = [SimpleUploadedFile(f"p{n}.jpg", jpeg_bytes(), content_type="image/jpeg") for n in range(2)]

    response = client_for(staff).post(
        f"/api/v1/tasks/{task.pk}/progress-reports/",
        {"percent": 40, "quantity": "12", "note": "完成12个小区", "photos": photos},
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["percent"], body["quantity"], body["author"]) == (40, "12.00", staff.pk)
    assert len(body["photos"]) == 2
    task.refresh_from_db()
    assert (task.percent, task.status) == (40, Task.Status.IN_PROGRESS)
    assert Target.objects.with_current_value().get(pk=target.pk).current_value == 12


def test_it_passes_the_services_refusal_on_with_its_code_and_saves_nothing(staff, bureau):
    task = TaskFactory(department=bureau)
    client = client_for(staff)

    empty = client.post(f"/api/v1/tasks/{task.pk}/progress-reports/", {}, format="json")
    quantity = client.post(f"/api/v1/tasks/{task.pk}/progress-reports/", {"quantity": "5"}, format="json")

    assert empty.status_code == 400
    assert empty.json()["code"] == "empty_report"
    assert quantity.json()["code"] == "no_target"
    assert not ProgressReport.objects.exists()


def test_it_refuses_progress_on_a_closed_task_with_409(staff, bureau):
    task = TaskFactory(department=bureau, status=Task.Status.DONE, completed_at=timezone.now())

    response = client_for(staff).post(f"/api/v1/tasks/{task.pk}/progress-reports/", {"note": "再补充"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "task_closed"
    assert not ProgressReport.objects.exists()


def test_it_refuses_progress_from_someone_who_may_only_read_with_403(leader):
    task = TaskFactory()

    response = client_for(leader).post(f"/api/v1/tasks/{task.pk}/progress-reports/", {"percent": 5}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"percent": "many"}, "percent"),
        ({"percent": 101}, "percent"),
        ({"quantity": "1e40"}, "quantity"),
        ({"is_final": "perhaps"}, "is_final"),
        ({"note": ["a", "b"]}, "note"),
        ({"note": "ok", "photos": ["not a file"]}, "photos"),
    ],
)
def test_it_answers_bad_input_with_the_error_shape_and_saves_nothing(staff, bureau, payload, field):
    task = TaskFactory(department=bureau, target=TargetFactory())

    response = client_for(staff).post(f"/api/v1/tasks/{task.pk}/progress-reports/", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert any(key.split(".")[0] == field for key in body["errors"]), body
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_text_file_named_like_a_photo(staff, bureau):
    task = TaskFactory(department=bureau)
    fake = SimpleUploadedFile("p.jpg", b"not an image", content_type="image/jpeg")

    response = client_for(staff).post(
        f"/api/v1/tasks/{task.pk}/progress-reports/", {"note": "看图", "photos": [fake]}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "photo_invalid"
    assert not ProgressReport.objects.exists()


def test_it_filters_tasks_by_status_overdue_due_dates_place_department_and_search(leader, bureau):
    today = timezone.localdate()
    place = PlaceFactory()
    late = TaskFactory(department=bureau, due_date=today - datetime.timedelta(days=3), title="拆违治乱")
    soon = TaskFactory(due_date=today + datetime.timedelta(days=2), status=Task.Status.IN_PROGRESS)
    soon.places.add(place)
    TaskFactory(due_date=today + datetime.timedelta(days=30))
    client = client_for(leader)

    def ids(**params):
        response = client.get("/api/v1/tasks/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(overdue="true") == {late.pk}
    assert ids(status="in_progress") == {soon.pk}
    assert ids(due_before=today.isoformat()) == {late.pk}
    assert ids(due_after=today.isoformat(), due_before=(today + datetime.timedelta(days=5)).isoformat()) == {soon.pk}
    assert ids(place=place.pk) == {soon.pk}
    assert ids(department=bureau.pk) == {late.pk}
    assert ids(q="拆违") == {late.pk}


def test_it_syncs_tasks_changed_since_a_moment(leader):
    old, recent = TaskFactory(), TaskFactory()
    moment = timezone.now() - datetime.timedelta(hours=1)
    Task.objects.filter(pk=old.pk).update(updated=moment - datetime.timedelta(days=1))
    Task.objects.filter(pk=recent.pk).update(updated=moment + datetime.timedelta(minutes=5))

    response = client_for(leader).get("/api/v1/tasks/", {"updated_since": moment.isoformat(), "ordering": "updated"})

    assert [row["id"] for row in response.json()["results"]] == [recent.pk]


def test_it_refuses_an_unreadable_filter_value_with_400(leader):
    client = client_for(leader)

    for params in ({"updated_since": "yesterday"}, {"due_before": "2018-13-45"}, {"department": 999999}):
        response = client.get("/api/v1/tasks/", params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid"


def test_it_walks_every_task_page_by_page_without_repeats_and_caps_the_page_size(leader):
    tasks = TaskFactory.create_batch(7)
    Task.objects.update(updated=timezone.now())  # equal keys: the id must keep the order stable
    client = client_for(leader)

    seen, url = [], "/api/v1/tasks/?page_size=3&ordering=updated"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert sorted(seen) == sorted(task.pk for task in tasks)
    assert len(seen) == len(set(seen))
    capped = client.get("/api/v1/tasks/?page_size=100000").json()
    assert len(capped["results"]) == 7


def test_it_ignores_an_ordering_outside_the_whitelist(leader):
    # Made in this order, each later one updated last: the default order (-updated) puts the last first.
    tasks = TaskFactory.create_batch(3)
    for task in reversed(tasks):
        task.save()  # updated: now, so the first made is the last updated

    response = client_for(leader).get("/api/v1/tasks/", {"ordering": "accountable__password"})

    assert response.status_code == 200
    # Not ordered by the users' password hashes: the default order, the latest update first.
    assert [row["id"] for row in response.json()["results"]] == [task.pk for task in tasks]


@pytest.mark.parametrize("url", ["/api/v1/tasks/", "/api/v1/progress-reports/", "/api/v1/targets/", "/api/v1/pledges/"])
def test_it_reads_a_list_in_the_same_number_of_queries_for_2_or_12_rows(leader, url, queries_of):
    def grow(count: int) -> None:
        for _ in range(count):
            task = TaskFactory(target=TargetFactory())
            task.places.add(PlaceFactory())
            ProgressReportFactory(task=task)

    client = client_for(leader)
    grow(2)
    few = queries_of(client, url)
    grow(10)
    assert queries_of(client, url) == few


def test_it_shows_a_targets_current_value(leader):
    target = TargetFactory(baseline=Decimal(10), target_value=Decimal(104))
    ProgressReportFactory(task=TaskFactory(target=target), quantity=Decimal("7.5"))

    row = client_for(leader).get(f"/api/v1/targets/{target.pk}/").json()

    assert (row["reported"], row["current_value"], row["department"]) == ("7.50", "17.50", target.pledge.department_id)


def test_it_lists_campaigns_and_pledges_to_any_signed_in_client(staff):
    pledge = PledgeFactory()
    client = client_for(staff)

    assert client.get("/api/v1/campaigns/").json()["results"][0]["id"] == pledge.campaign_id
    body = client.get("/api/v1/pledges/", {"department": pledge.department_id}).json()
    assert body["count"] == 1
    assert body["results"][0]["headline"] == pledge.headline


def test_it_shows_progress_reports_only_on_visible_tasks(staff, bureau):
    mine = ProgressReportFactory(task=TaskFactory(department=bureau))
    ProgressReportFactory()

    rows = client_for(staff).get("/api/v1/progress-reports/").json()["results"]

    assert [row["id"] for row in rows] == [mine.pk]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": 12}, "note"),  # text, not a number
        ({"percent": "40"}, "percent"),  # a number, not text
        ({"quantity": 12}, "quantity"),  # a decimal is text, as the API writes it
        ({"quantity": "1e1"}, "quantity"),
        ({"percent": 10, "is_final": 1}, "is_final"),  # true or false
    ],
)
def test_it_refuses_json_of_another_type_than_the_schema_says_and_saves_nothing(staff, bureau, body, field):
    task = TaskFactory(department=bureau, target=TargetFactory())

    response = client_for(staff).post(f"/api/v1/tasks/{task.pk}/progress-reports/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not ProgressReport.objects.exists()


def test_it_reads_the_text_null_in_a_form_as_null(staff, bureau):
    task = TaskFactory(department=bureau)

    response = client_for(staff).post(
        f"/api/v1/tasks/{task.pk}/progress-reports/", {"percent": "null", "note": "开工"}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["percent"] is None
