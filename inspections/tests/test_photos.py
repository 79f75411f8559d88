"""Issue photos are private: stored under random names, sent only through the app to those who may see
the issue, and the files stored before under guessable names are moved by a data migration."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from core.images import photos_prepare
from core.tests.factories import jpeg_bytes, photo_upload
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Criterion, Issue, IssuePhoto
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("inspections.migrations.0004_photos_random_names")


@pytest.fixture(autouse=True)
def campaign():
    return CampaignFactory()


@pytest.fixture
def bureau():
    return DepartmentFactory(code="CGJ", name="市城管局")


@pytest.fixture
def staff(bureau):
    return UserFactory(username="chengguan", department=bureau, role=Role.STAFF)


@pytest.fixture
def outsider():
    return UserFactory(username="jiaotong", department=DepartmentFactory(code="JTJ"), role=Role.STAFF)


@pytest.fixture
def inspector():
    return UserFactory(username="ducha", role=Role.INSPECTOR)


@pytest.fixture
def leader():
    return UserFactory(username="lingdao", role=Role.LEADER)


@pytest.fixture
def place(bureau):
    return PlaceFactory(name="柳园小区", assigned_department=bureau)


@pytest.fixture
def criterion():
    return CriterionFactory(lead=Criterion.Lead.ASSIGNED)


def file_issue(inspector, place, criterion, name: str = "before.jpg") -> Issue:
    return services.issue_file(
        reporter=inspector,
        place=place,
        criterion=criterion,
        description="路边有暴露垃圾",
        photos=photos_prepare([photo_upload(name)]),
    )


@pytest.fixture
def issue(inspector, place, criterion, bureau) -> Issue:
    issue = file_issue(inspector, place, criterion)
    assert issue.department == bureau
    return issue


@pytest.fixture
def photo(issue) -> IssuePhoto:
    return issue.photos.get()


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as file:
        return file.read()


def assert_private_jpeg(response, content: bytes) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=3600"}
    assert b"".join(response.streaming_content) == content


# --- stored under random names ---------------------------------------------------------------


def test_it_stores_an_uploaded_photo_under_a_random_name(inspector, place, criterion):
    first = file_issue(inspector, place, criterion, name="liuyuan-before.jpg").photos.get()
    second = file_issue(inspector, place, criterion, name="liuyuan-before.jpg").photos.get()

    names = [first.image.name, first.thumbnail.name, second.image.name, second.thumbnail.name]
    assert len(set(names)) == 4
    for name in names:
        assert name.startswith("photos/issues/")
        assert name.endswith(".jpg")
        assert "liuyuan" not in name
        assert "before" not in name
    assert "/thumbs/" in first.thumbnail.name


# --- served through the app to those who may see the issue -------------------------------------


@pytest.mark.parametrize("reader", ["staff", "inspector", "leader"])
def test_it_sends_the_photo_and_its_thumbnail_to_those_who_may_see_the_issue(client, photo, reader, request):
    client.force_login(request.getfixturevalue(reader))

    assert_private_jpeg(client.get(photo.url), stored(photo.image.name))
    assert_private_jpeg(client.get(photo.thumbnail_url), stored(photo.thumbnail.name))
    assert photo.thumbnail_url != photo.url


def test_it_hides_the_photo_from_another_department_as_the_issue_page(client, photo, outsider):
    client.force_login(outsider)

    assert client.get(f"/issues/{photo.issue_id}/").status_code == 404
    assert client.get(photo.url).status_code == 404
    assert client.get(photo.thumbnail_url).status_code == 404


def test_it_hands_the_file_to_nginx_when_x_accel_redirect_is_set(client, photo, staff, settings):
    settings.PHOTO_X_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(staff)

    response = client.get(photo.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response.content == b""
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "private" in response["Cache-Control"]
    assert client.get(photo.thumbnail_url)["X-Accel-Redirect"] == f"/protected-media/{photo.thumbnail.name}"


def test_the_issue_page_and_the_api_link_the_photos_through_the_app(client, photo, staff):
    client.force_login(staff)

    page = client.get(f"/issues/{photo.issue_id}/").content.decode()
    body = client.get(f"/api/v1/issues/{photo.issue_id}/").json()

    assert f'href="/issues/photos/{photo.pk}/"' in page
    assert f'src="/issues/photos/{photo.pk}/thumbnail/"' in page
    assert "/media/" not in page
    assert body["photos"][0]["image"] == f"http://testserver/issues/photos/{photo.pk}/"
    assert body["photos"][0]["thumbnail"] == f"http://testserver/issues/photos/{photo.pk}/thumbnail/"


def test_a_photo_stored_without_a_thumbnail_shows_itself_as_one(client, issue, staff):
    photo = IssuePhoto.objects.create(
        issue=issue, image=ContentFile(jpeg_bytes(), name="a.jpg"), uploaded_by=issue.reported_by
    )
    client.force_login(staff)

    assert photo.thumbnail_url == photo.url
    assert client.get(f"/issues/photos/{photo.pk}/thumbnail/").status_code == 404


# --- the data migration ------------------------------------------------------------------------


def test_the_migration_moves_a_stored_photo_to_a_random_name_and_deletes_the_old_file(issue, photo):
    image = default_storage.save("issues/2026/12/before.jpg", ContentFile(b"\xff\xd8 the photo"))
    thumbnail = default_storage.save("issues/2026/12/thumbs/before.jpg", ContentFile(b"\xff\xd8 small"))
    old = IssuePhoto.objects.create(issue=issue, image=image, thumbnail=thumbnail, uploaded_by=issue.reported_by)

    migration.move_issue_photos(apps, None)

    old.refresh_from_db()
    assert old.image.name.startswith("photos/issues/")
    assert old.thumbnail.name.startswith("photos/issues/")
    assert "before" not in old.image.name + old.thumbnail.name
    assert stored(old.image.name) == b"\xff\xd8 the photo"
    assert stored(old.thumbnail.name) == b"\xff\xd8 small"
    assert not default_storage.exists(image)
    assert not default_storage.exists(thumbnail)
    # A photo already under a random name stays where it is.
    assert IssuePhoto.objects.get(pk=photo.pk).image.name == photo.image.name


def test_the_migration_logs_and_leaves_a_photo_whose_file_is_missing(issue, logged):
    messages = logged("core.images")
    missing = IssuePhoto.objects.create(
        issue=issue, image="issues/2026/12/gone.jpg", thumbnail="", uploaded_by=issue.reported_by
    )

    migration.move_issue_photos(apps, None)

    missing.refresh_from_db()
    assert missing.image.name == "issues/2026/12/gone.jpg"
    assert any("issues/2026/12/gone.jpg" in message for message in messages)
