"""The public report page keeps the photos of a try that came back with an error, for that form on that
device alone: under a signed, dated grant the form carries, within strict limits, checked as every photo."""

import datetime
import re

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citizens.models import Report
from citizens.tests.factories import CityGridFactory, PublicCategoryFactory, captcha_solved
from citizens.tests.test_report import _form
from core.models import PendingPhoto
from core.pending_photos import form_grant, form_grant_key, pending_photos_purge
from core.tests.factories import photo_upload

pytestmark = pytest.mark.django_db

KEPT = re.compile(
    r'<img src="(/report/kept/[^"]+/)"[^>]*><label><input type="checkbox" name="photos_kept" value="([^"]+)"'
)
GRANT = re.compile(r'name="photos_grant" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission_key" value="([^"]+)"')


@pytest.fixture
def category():
    CityGridFactory()
    return PublicCategoryFactory()


def kept(response) -> tuple[list[str], list[str]]:
    """The kept photos the returned form shows: their thumbnails' addresses and their tokens."""
    found = KEPT.findall(response.content.decode())
    return [url for url, _token in found], [token for _url, token in found]


def returned_form(response) -> dict:
    """What the returned form carries on to its next try (the hidden grant and submission key)."""
    html = response.content.decode()
    return {"photos_grant": GRANT.search(html).group(1), "submission_key": SUBMISSION.search(html).group(1)}


def test_a_photo_sent_with_a_wrong_field_is_kept_shown_and_filed_with_the_corrected_report(client, category):
    data = _form(client, category, captcha="WRONG", photos=[photo_upload("rubbish.jpg")])

    returned = client.post("/report/", data)

    assert returned.status_code == 200
    assert returned.context["form"].non_field_errors()  # the picture code
    assert Report.objects.count() == 0
    thumbnails, tokens = kept(returned)
    assert len(tokens) == 1
    assert client.get(thumbnails[0])["Content-Type"] == "image/jpeg"

    key, answer = captcha_solved()
    fixed = {**data, **returned_form(returned), "captcha_key": key, "captcha": answer, "photos_kept": tokens}
    del fixed["photos"]
    sent = client.post("/report/", fixed)

    report = Report.objects.get()
    assert sent.status_code == 302
    assert report.photos.count() == 1
    assert PendingPhoto.objects.count() == 0  # it now belongs to the report
    assert client.get(thumbnails[0]).status_code == 404


def test_new_and_kept_photos_go_together_and_what_is_no_photo_is_not_kept(client, category, settings):
    settings.LANGUAGE_CODE = "en"
    not_a_photo = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    data = _form(client, category, description="", photos=[photo_upload("a.jpg"), not_a_photo])

    returned = client.post("/report/", data)

    assert "notes.jpg is not a photo" in " ".join(returned.context["form"].errors["photos"])
    _thumbnails, tokens = kept(returned)
    assert len(tokens) == 1
    key, answer = captcha_solved()
    again = {**data, **returned_form(returned), "captcha_key": key, "captcha": answer, "description": "堆物"}
    again.update(photos=[photo_upload("b.jpg")], photos_kept=tokens)
    assert client.post("/report/", again).status_code == 302
    assert Report.objects.get().photos.count() == 2


def test_a_kept_photo_is_refused_to_another_form_a_tampered_grant_and_another_device(client, category, settings):
    settings.LANGUAGE_CODE = "en"
    data = _form(client, category, captcha="WRONG", photos=[photo_upload()])
    returned = client.post("/report/", data)
    thumbnails, tokens = kept(returned)
    carried = returned_form(returned)

    def attempt(**changes):
        key, answer = captcha_solved()
        body = {**data, **carried, "captcha_key": key, "captcha": answer, "photos_kept": tokens, **changes}
        body.pop("photos")
        return client.post("/report/", body)

    other = _form(client, category)  # another form of the same person: its own key and grant
    page = client.get("/report/")
    other_grant = returned_form(page)["photos_grant"]
    for refused in (
        attempt(submission_key=other["submission_key"], photos_grant=other_grant),
        attempt(submission_key=other["submission_key"]),  # this form's grant with another submission
        attempt(photos_grant=carried["photos_grant"][:-2] + "xx"),  # tampered
        attempt(photos_grant=form_grant(carried["submission_key"] + "0")),
    ):
        assert refused.status_code == 200
        assert "no longer kept" in " ".join(refused.context["form"].errors["photos"])
    assert Report.objects.count() == 0

    # Another device holding the very form (its key, grant and token) sees and gets nothing.
    device = client.cookies.copy()
    client.cookies.clear()
    assert client.get(thumbnails[0]).status_code == 404
    assert attempt().status_code == 200
    assert Report.objects.count() == 0
    assert PendingPhoto.objects.count() == 1
    # The form itself, on its device, still has it.
    client.cookies = device
    assert attempt().status_code == 302
    assert Report.objects.get().photos.count() == 1


def test_a_grant_is_signed_for_this_use_and_dated(settings):
    now = timezone.now().replace(microsecond=0)
    grant = form_grant("abc", now=now)
    later = now + settings.PENDING_PHOTO_MAX_AGE

    assert form_grant_key(grant, now=now) == "abc"
    assert form_grant_key(grant, now=later) == "abc"
    assert form_grant_key(grant, now=later + datetime.timedelta(seconds=1)) is None
    # Another key put in its payload, or a payload signed for another use, vouches for nothing.
    forged = signing.dumps({"key": "abd", "at": int(now.timestamp())}, salt="another.use")
    assert form_grant_key(forged.split(":", 1)[0] + ":" + grant.split(":", 1)[1], now=now) is None
    assert form_grant_key(forged, now=now) is None
    assert form_grant_key("", now=now) is None


def test_an_expired_kept_photo_is_refused_and_purged_with_its_files(
    client, category, settings, django_capture_on_commit_callbacks
):
    data = _form(client, category, captcha="WRONG", photos=[photo_upload()])
    returned = client.post("/report/", data)
    _thumbnails, tokens = kept(returned)
    photo = PendingPhoto.objects.get()
    expired = timezone.now() - settings.PENDING_PHOTO_MAX_AGE - datetime.timedelta(minutes=1)
    PendingPhoto.objects.update(created=expired)

    key, answer = captcha_solved()
    body = {**data, **returned_form(returned), "captcha_key": key, "captcha": answer, "photos_kept": tokens}
    body.pop("photos")
    assert client.post("/report/", body).status_code == 200
    assert Report.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert pending_photos_purge() == 1  # the beat job that purges the staff's too
    assert not default_storage.exists(photo.image.name)
    assert not default_storage.exists(photo.thumbnail.name)


def test_photos_kept_from_one_device_are_limited(client, category, settings):
    settings.LANGUAGE_CODE = "en"
    settings.CITIZEN_KEPT_PHOTOS_PER_DEVICE_PER_HOUR = 2

    first = client.post("/report/", _form(client, category, description="", photos=[photo_upload(), photo_upload()]))
    second = client.post("/report/", _form(client, category, description="", photos=[photo_upload()]))

    assert len(kept(first)[1]) == 2
    assert kept(second)[1] == []
    assert "Too many photos kept" in " ".join(second.context["form"].errors["photos"])
    assert PendingPhoto.objects.count() == 2


def test_photos_kept_behind_one_address_are_limited_leniently(client, category, settings):
    settings.CITIZEN_KEPT_PHOTOS_PER_ADDRESS_PER_HOUR = 3
    for _phone in range(3):
        client.cookies.clear()  # three phones behind one carrier address
        client.post("/report/", _form(client, category, description="", photos=[photo_upload()]))
    client.cookies.clear()
    client.post("/report/", _form(client, category, description="", photos=[photo_upload()]))

    assert PendingPhoto.objects.count() == 3
    assert not PendingPhoto.objects.filter(form_key="").exists()
    assert not PendingPhoto.objects.filter(uploaded_by__isnull=False).exists()
