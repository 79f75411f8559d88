"""Progress photos are private: stored under random names, sent only through the app to those who may
see the task, and the files stored before under guessable names are moved by a data migration."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import ProgressPhoto, ProgressReport
from campaign.services import progress_report_create
from campaign.tests.factories import TaskFactory
from core.images import photos_prepare
from core.tests.factories import photo_upload

pytestmark = pytest.mark.django_db

migration = importlib.import_module("campaign.migrations.0004_photos_random_names")


@pytest.fixture
def bureau():
    return DepartmentFactory(code="JSJ", name="市住建局")


@pytest.fixture
def staff(bureau):
    return UserFactory(username="lianluoyuan", department=bureau, role=Role.STAFF)


@pytest.fixture
def outsider():
    return UserFactory(username="waibu", department=DepartmentFactory(code="GAJ"), role=Role.STAFF)


@pytest.fixture
def inspector():
    return UserFactory(username="ducha", role=Role.INSPECTOR)


@pytest.fixture
def leader():
    return UserFactory(username="lingdao", role=Role.LEADER)


@pytest.fixture
def task(bureau, staff):
    return TaskFactory(department=bureau, accountable=staff)


def log_progress(task, name: str = "site.jpg") -> ProgressReport:
    return progress_report_create(
        task=task, author=task.accountable, percent=40, note="完成12个小区", photos=photos_prepare([photo_upload(name)])
    )


@pytest.fixture
def photo(task) -> ProgressPhoto:
    return log_progress(task).photos.get()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


# --- stored under random names ---------------------------------------------------------------


def test_it_stores_an_uploaded_photo_under_a_random_name(task):
    first = log_progress(task, name="gulou-site.jpg").photos.get()
    second = log_progress(task, name="gulou-site.jpg").photos.get()

    names = [first.image.name, first.thumbnail.name, second.image.name, second.thumbnail.name]
    assert len(set(names)) == 4
    for name in names:
        assert name.startswith("photos/progress/")
        assert "gulou" not in name
        assert "site" not in name


# --- served through the app to those who may see the task --------------------------------------


@pytest.mark.parametrize("reader", ["staff", "inspector", "leader"])
def test_it_sends_the_photo_and_its_thumbnail_to_those_who_may_see_the_task(client, photo, reader, request):
    client.force_login(request.getfixturevalue(reader))

    for url, name in ((photo.url, photo.image.name), (photo.thumbnail_url, photo.thumbnail.name)):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=3600"}
        assert b"".join(response.streaming_content) == stored(name)


def test_it_hides_the_photo_from_another_department_as_the_task_page(client, photo, task, outsider):
    client.force_login(outsider)

    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert client.get(photo.url).status_code == 404
    assert client.get(photo.thumbnail_url).status_code == 404


def test_it_hands_the_file_to_nginx_when_x_accel_redirect_is_set(client, photo, staff, settings):
    settings.PHOTO_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(staff)

    response = client.get(photo.thumbnail_url)

    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.thumbnail.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"


def test_the_task_page_and_the_api_link_the_photos_through_the_app(client, photo, task, staff):
    client.force_login(staff)

    page = client.get(f"/tasks/{task.pk}/").content.decode()
    body = client.get(f"/api/v1/progress-reports/{photo.report_id}/").json()

    assert f'href="/tasks/photos/{photo.pk}/"' in page
    assert f'src="/tasks/photos/{photo.pk}/thumbnail/"' in page
    assert "/media/" not in page
    assert body["photos"] == [
        {
            "id": photo.pk,
            "image": f"http://testserver/tasks/photos/{photo.pk}/",
            "thumbnail": f"http://testserver/tasks/photos/{photo.pk}/thumbnail/",
        }
    ]


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_moves_a_stored_photo_to_a_random_name_and_deletes_the_old_file(task):
    report = ProgressReport.objects.create(task=task, author=task.accountable, note="拆除违建")
    image = default_storage.save("progress/2026/12/site.jpg", ContentFile(b"\xff\xd8 the photo"))
    old = ProgressPhoto.objects.create(report=report, image=image, thumbnail=image)  # its own thumbnail

    migration.move_progress_photos(apps, None)

    old.refresh_from_db()
    assert old.image.name.startswith("photos/progress/")
    assert old.thumbnail.name.startswith("photos/progress/")
    assert "site" not in old.image.name + old.thumbnail.name
    assert stored(old.image.name) == stored(old.thumbnail.name) == b"\xff\xd8 the photo"
    assert not default_storage.exists(image)


def test_the_migration_logs_and_leaves_a_photo_whose_file_is_missing(task, logged):
    messages = logged("core.images")
    report = ProgressReport.objects.create(task=task, author=task.accountable, note="拆除违建")
    missing = ProgressPhoto.objects.create(report=report, image="progress/2026/12/gone.jpg")

    migration.move_progress_photos(apps, None)

    missing.refresh_from_db()
    assert missing.image.name == "progress/2026/12/gone.jpg"
    assert any("progress/2026/12/gone.jpg" in message for message in messages)
