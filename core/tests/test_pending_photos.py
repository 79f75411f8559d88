"""Evidence is never lost: a photo attached to a form that comes back with an error is kept for its
uploader and offered again, on the three forms that take photos, with and without the page's script."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import ProgressPhoto
from campaign.tests.factories import CampaignFactory, TaskFactory
from config.settings import CELERY_BEAT_SCHEDULE
from core.models import PendingPhoto
from core.pending_photos import pending_photos_purge
from core.tasks import purge_pending_photos
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Issue, IssuePhoto
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

KEPT = re.compile(r'name="photos_kept" value="([0-9a-f-]{36})" checked')


@pytest.fixture
def city():
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    return {
        "bureau": bureau,
        "place": PlaceFactory(name="柳园小区", assigned_department=bureau),
        "criterion": CriterionFactory(title="楼道堆物", default_department=bureau),
        "inspector": UserFactory(username="ducha", last_name="李", first_name="明", role=Role.INSPECTOR),
        "staff": UserFactory(username="chengguan", department=bureau, role=Role.STAFF),
    }


def kept_tokens(response) -> list[str]:
    return KEPT.findall(response.content.decode())


def filing(city, **changes) -> dict:
    data = {
        "grid": city["place"].grid_id,
        "place": city["place"].pk,
        "criterion": city["criterion"].pk,
        "description": "三楼楼道堆放杂物",
    }
    return {**data, **changes}


# ---------------------------------------------------------------------------------------------
# Without the script: the server keeps what a failed submit carried


def test_it_keeps_the_photo_of_an_issue_filed_with_a_missing_field_and_files_it_with_the_issue(client, city):
    client.force_login(city["inspector"])

    returned = client.post(reverse("inspections:issue_create"), filing(city, description="", photos=[photo_upload()]))

    assert returned.status_code == 200
    assert Issue.objects.count() == 0
    tokens = kept_tokens(returned)
    assert len(tokens) == 1
    thumbnail = reverse("core:pending_photo", kwargs={"token": tokens[0]})
    assert f'<img src="{thumbnail}"' in returned.content.decode()
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"

    filed = client.post(reverse("inspections:issue_create"), filing(city, photos_kept=tokens))

    issue = Issue.objects.get()
    assert filed.status_code == 302
    assert issue.photos.filter(stage=IssuePhoto.Stage.FOUND).count() == 1
    assert PendingPhoto.objects.count() == 0  # used: it now belongs to the issue
    assert client.get(thumbnail).status_code == 404


def test_it_keeps_new_and_kept_photos_together_and_refuses_what_is_no_photo(client, city):
    client.force_login(city["inspector"])
    first = client.post(reverse("inspections:issue_create"), filing(city, description="", photos=[photo_upload()]))
    not_a_photo = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")

    second = client.post(
        reverse("inspections:issue_create"),
        filing(city, description="", photos=[photo_upload("b.jpg"), not_a_photo], photos_kept=kept_tokens(first)),
    )

    assert len(kept_tokens(second)) == 2
    assert "notes.jpg不是照片" in second.content.decode().replace(" ", "")
    client.post(reverse("inspections:issue_create"), filing(city, photos_kept=kept_tokens(second)))
    assert Issue.objects.get().photos.count() == 2


def test_it_keeps_the_photos_of_a_rectification_submitted_without_a_note(client, city):
    issue = services.issue_file(
        reporter=city["inspector"], place=city["place"], criterion=city["criterion"], description="楼道堆物"
    )
    client.force_login(city["staff"])
    url = reverse("inspections:issue_submit", args=[issue.pk])

    returned = client.post(url, {"note": "", "photos": [photo_upload("after.jpg")]})

    tokens = kept_tokens(returned)
    assert len(tokens) == 1
    client.post(url, {"note": "杂物已清理", "photos_kept": tokens})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SUBMITTED
    assert issue.photos.filter(stage=IssuePhoto.Stage.RECTIFIED).count() == 1


def test_it_keeps_the_photo_of_progress_that_comes_back_with_an_error(client, city):
    task = TaskFactory(department=city["bureau"], accountable=city["staff"], percent=42)
    client.force_login(city["staff"])
    url = reverse("campaign:progress_create", args=[task.pk])

    # Going back from 42 % needs a note: the form comes back, with the photo.
    returned = client.post(url, {"percent": 10, "note": "", "photos": [photo_upload("site.jpg")]})

    tokens = kept_tokens(returned)
    assert len(tokens) == 1
    client.post(url, {"percent": 10, "note": "返工：外墙保温层脱落", "photos_kept": tokens})
    assert ProgressPhoto.objects.filter(report__task=task).count() == 1


# ---------------------------------------------------------------------------------------------
# With the script: each photo is sent at once


def test_it_takes_a_photo_sent_at_once_and_shows_it_to_its_uploader_alone(client, city):
    client.force_login(city["inspector"])

    sent = client.post(reverse("core:pending_photo_create"), {"photo": photo_upload()})

    assert sent.status_code == 201
    token, thumbnail = sent.json()["token"], sent.json()["thumbnail_url"]
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"
    client.force_login(city["staff"])
    assert client.get(thumbnail).status_code == 404
    # Nor can another person attach it to what they file or submit.
    issue = services.issue_file(
        reporter=city["inspector"], place=city["place"], criterion=city["criterion"], description="楼道堆物"
    )
    client.post(reverse("inspections:issue_submit", args=[issue.pk]), {"note": "已清理", "photos_kept": [token]})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED
    assert PendingPhoto.objects.filter(token=token).exists()


def test_it_refuses_a_file_sent_at_once_that_is_no_photo_and_says_why_in_chinese(client, city):
    client.force_login(city["inspector"])

    sent = client.post(
        reverse("core:pending_photo_create"), {"photo": SimpleUploadedFile("a.jpg", b"text", content_type="image/jpeg")}
    )

    assert sent.status_code == 400
    assert "不是照片" in sent.json()["message"]
    assert PendingPhoto.objects.count() == 0


def test_it_counts_kept_photos_toward_the_limit(client, city, settings):
    settings.PHOTO_MAX_COUNT = 2
    client.force_login(city["inspector"])
    tokens = [client.post(reverse("core:pending_photo_create"), {"photo": photo_upload()}).json()["token"]]
    tokens += [client.post(reverse("core:pending_photo_create"), {"photo": photo_upload()}).json()["token"]]

    returned = client.post(
        reverse("inspections:issue_create"), filing(city, photos=[photo_upload("c.jpg")], photos_kept=tokens)
    )

    assert Issue.objects.count() == 0
    assert "最多" in returned.content.decode()


# ---------------------------------------------------------------------------------------------
# Expiry


def send(client) -> PendingPhoto:
    token = client.post(reverse("core:pending_photo_create"), {"photo": photo_upload()}).json()["token"]
    return PendingPhoto.objects.get(token=token)


def test_it_deletes_pending_photos_that_expired_unused_with_their_files(
    client, city, settings, django_capture_on_commit_callbacks
):
    client.force_login(city["inspector"])
    old, fresh = send(client), send(client)
    expired = timezone.now() - settings.PENDING_PHOTO_MAX_AGE - datetime.timedelta(minutes=1)
    PendingPhoto.objects.filter(pk=old.pk).update(created=expired)
    assert client.get(reverse("core:pending_photo", kwargs={"token": old.token})).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert purge_pending_photos() == 1

    assert not default_storage.exists(old.image.name)
    assert not default_storage.exists(old.thumbnail.name)
    assert default_storage.exists(fresh.image.name)
    assert list(PendingPhoto.objects.all()) == [fresh]
    assert pending_photos_purge() == 0


def test_it_purges_pending_photos_on_beat_s_schedule():
    assert CELERY_BEAT_SCHEDULE["purge-pending-photos"]["task"] == "core.tasks.purge_pending_photos"
