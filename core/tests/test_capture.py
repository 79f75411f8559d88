"""When and where a photo was taken: its EXIF first, the phone's word where the photo says nothing."""

import datetime
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core.capture import Capture, CaptureSource, captures_parse
from core.errors import ApplicationError
from core.images import photo_prepare, photos_prepare
from core.tests.factories import photo_upload

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime.datetime(2018, 3, 5, 2, 0, tzinfo=datetime.UTC)
PHONE = Capture(
    taken_at=datetime.datetime(2018, 3, 5, 1, 0, tzinfo=datetime.UTC),
    latitude=Decimal("36.460000"),
    longitude=Decimal("115.990000"),
    time_source=CaptureSource.DEVICE,
    position_source=CaptureSource.DEVICE,
)


def test_it_reads_the_time_and_the_gps_position_a_camera_writes():
    upload = photo_upload(taken="2018:03:05 10:15:30", gps=(36.451234, 115.985678))

    capture = photo_prepare(upload, device=PHONE).capture

    # A camera's clock without an offset is the city's local time.
    assert capture.taken_at == datetime.datetime(2018, 3, 5, 10, 15, 30, tzinfo=SHANGHAI)
    assert (capture.latitude, capture.longitude) == (Decimal("36.451234"), Decimal("115.985678"))
    assert (capture.time_source, capture.position_source) == ("exif", "exif")


def test_it_reads_the_offset_and_the_southern_and_western_hemispheres():
    upload = photo_upload(taken="2018:03:05 10:15:30", offset="+02:00", gps=(-33.9, -70.65))

    capture = photo_prepare(upload, device=PHONE).capture

    assert capture.taken_at == datetime.datetime(2018, 3, 5, 8, 15, 30, tzinfo=datetime.UTC)
    assert (capture.latitude, capture.longitude) == (Decimal("-33.900000"), Decimal("-70.650000"))


def test_what_the_photo_does_not_say_is_taken_from_the_phone():
    only_time = photo_prepare(photo_upload(taken="2018:03:05 10:15:30"), device=PHONE).capture
    nothing = photo_prepare(photo_upload(), device=PHONE).capture

    assert (only_time.time_source, only_time.position_source) == ("exif", "device")
    assert (only_time.latitude, only_time.longitude) == (PHONE.latitude, PHONE.longitude)
    assert nothing == PHONE


def test_a_photo_prepared_without_a_device_carries_no_capture():
    assert photo_prepare(photo_upload(taken="2018:03:05 10:15:30")).capture is None


def test_the_stored_photo_keeps_no_exif():
    from PIL import Image

    photo = photo_prepare(photo_upload(taken="2018:03:05 10:15:30", gps=(36.45, 115.98)), device=PHONE)

    with Image.open(photo.image) as stored:
        assert not stored.getexif().get_ifd(0x8825)
        assert not stored.getexif().get_ifd(0x8769)


def test_it_reads_what_the_page_says_of_each_photo_in_order():
    text = json.dumps(
        [
            {"taken_at": "2018-03-05T01:00:00.000Z", "latitude": "36.460000", "longitude": "115.990000"},
            {"taken_at": "2018-03-05T01:05:00.000Z", "latitude": None, "longitude": None},
        ]
    )

    first, second = captures_parse(text, count=2, received_at=RECEIVED)

    assert first == PHONE
    assert second.taken_at == datetime.datetime(2018, 3, 5, 1, 5, tzinfo=datetime.UTC)
    assert (second.latitude, second.position_source, second.time_source) == (None, "", "device")


def test_without_the_page_s_word_a_photo_is_as_old_as_its_arrival():
    captures = captures_parse("", count=2, received_at=RECEIVED)

    assert captures == [Capture(taken_at=RECEIVED, time_source=CaptureSource.SERVER)] * 2


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        json.dumps({"taken_at": "2018-03-05T01:00:00Z"}),
        json.dumps([{"taken_at": "2018-03-05T01:00:00Z"}, {"taken_at": "2018-03-05T01:00:00Z"}]),  # two for one
        json.dumps([{"taken_at": "yesterday"}]),
        json.dumps([{"taken_at": "2018-03-05T01:00:00Z", "latitude": "95", "longitude": "115"}]),
        json.dumps([{"taken_at": "2018-03-05T01:00:00Z", "latitude": "36.45", "longitude": None}]),
        json.dumps([{"taken_at": "2018-03-05T01:00:00Z", "latitude": [1], "longitude": [2]}]),
    ],
)
def test_it_refuses_what_it_cannot_read(text):
    with pytest.raises(ApplicationError) as refused:
        captures_parse(text, count=1, received_at=RECEIVED)
    assert refused.value.code == "photo_capture"


def test_a_batch_carries_one_capture_per_photo():
    uploads = [photo_upload("a.jpg", taken="2018:03:05 09:00:00"), photo_upload("b.jpg")]

    first, second = photos_prepare(uploads, devices=[PHONE, PHONE])

    assert first.capture.time_source == "exif"
    assert second.capture == PHONE
