"""The public report page: captcha, phone code, rate limits, photos, the city's outline, one report per
submission, and the tracking page."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from citizens import abuse
from citizens.models import Report, ReportPhoto
from citizens.sms import MemoryBackend
from citizens.tests.factories import INSIDE, OUTSIDE, CityGridFactory, PublicCategoryFactory, captcha_solved
from core.geo import to_wgs84, wgs84_to_gcj02
from core.tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db
SMS = "citizens.sms.MemoryBackend"


@pytest.fixture
def city():
    grid = CityGridFactory()
    category = PublicCategoryFactory()
    MemoryBackend.outbox.clear()
    return grid, category


def _form(client, chosen, **overrides) -> dict:
    page = client.get("/report/")
    assert page.status_code == 200
    key, answer = captcha_solved()
    data = {
        "category": chosen.pk,
        "description": "柳园路口有暴露垃圾",
        "latitude": INSIDE[0],
        "longitude": INSIDE[1],
        "datum": "wgs84",
        "captcha_key": key,
        "captcha": answer,
        "submission_key": page.context["form"].initial["submission_key"],
        "photos_grant": page.context["form"].initial["photos_grant"],
        "consent": "on",
    }
    data.update(overrides)
    return data


def _code_for(client, phone: str) -> str:
    key, answer = captcha_solved()
    response = client.post("/report/code/", {"phone": phone, "captcha_key": key, "captcha": answer})
    assert response.status_code == 200, response.content
    return re.search(r"\d{6}", MemoryBackend.outbox[-1][1]).group()


def test_it_takes_a_report_with_a_photo_and_shows_its_tracking_page(client, city):
    _grid, category = city
    photo = SimpleUploadedFile("x.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post("/report/", _form(client, category, photos=[photo]))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/report/{report.tracking_code}/"
    assert report.status == Report.Status.PENDING
    assert report.grid == city[0]
    assert ReportPhoto.objects.filter(report=report).count() == 1
    assert len(report.tracking_code) == 12
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["stage"].code == "received"


@override_settings(CITIZEN_SMS_BACKEND=SMS)
def test_it_verifies_the_phone_by_a_code_sent_through_the_gateway(client, city):
    _grid, category = city
    code = _code_for(client, "13800000001")
    wrong = client.post("/report/", _form(client, category, phone="13800000001", phone_code="000000"))
    assert wrong.status_code == 200
    assert Report.objects.count() == 0

    code = _code_for(client, "13800000001")
    client.post("/report/", _form(client, category, phone="13800000001", phone_code=code))
    assert Report.objects.get().phone == "13800000001"


@override_settings(CITIZEN_SMS_BACKEND=SMS)
def test_a_code_is_used_once(client, city):
    _grid, category = city
    code = _code_for(client, "13800000002")
    client.post("/report/", _form(client, category, phone="13800000002", phone_code=code))
    again = client.post("/report/", _form(client, category, phone="13800000002", phone_code=code, description="另一处"))
    assert again.status_code == 200
    assert Report.objects.count() == 1


def test_it_refuses_a_wrong_or_expired_picture_code(client, city):
    _grid, category = city
    response = client.post("/report/", _form(client, category, captcha="ZZZZ"))
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post("/report/", _form(client, category, captcha_key="gone"))
    assert response.status_code == 200
    assert Report.objects.count() == 0


def test_the_captcha_picture_is_a_png(client):
    key = abuse.captcha_new()
    response = client.get(f"/report/captcha/{key}/")
    assert response.status_code == 200
    assert response.content.startswith(b"\x89PNG")
    assert client.get("/report/captcha/nothing/").status_code == 404


def test_it_refuses_a_location_outside_the_city(client, city, settings):
    settings.LANGUAGE_CODE = "en"
    _grid, category = city
    response = client.post("/report/", _form(client, category, latitude=OUTSIDE[0], longitude=OUTSIDE[1]))
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    assert Report.objects.count() == 0


def test_it_refuses_no_location_an_unknown_category_and_a_non_image(client, city):
    _grid, category = city
    assert client.post("/report/", _form(client, category, latitude="", longitude="")).status_code == 200
    assert client.post("/report/", _form(client, category, category=999999)).status_code == 200
    text = SimpleUploadedFile("x.jpg", b"not a photo at all", content_type="image/jpeg")
    assert client.post("/report/", _form(client, category, photos=[text])).status_code == 200
    assert Report.objects.count() == 0


def test_it_converts_a_point_picked_on_a_chinese_web_map_to_wgs84(client, city):
    _grid, category = city
    lng, lat = wgs84_to_gcj02(115.98, 36.45)
    client.post("/report/", _form(client, category, latitude=f"{lat:.6f}", longitude=f"{lng:.6f}", datum="gcj02"))
    report = Report.objects.get()
    assert abs(report.latitude - Decimal("36.45")) < Decimal("0.00001")
    assert abs(report.longitude - Decimal("115.98")) < Decimal("0.00001")
    assert report.datum == "gcj02"


def test_bd09_and_gcj02_round_trip_to_wgs84():
    from core.geo import gcj02_to_bd09

    bd = gcj02_to_bd09(*wgs84_to_gcj02(115.98, 36.45))
    latitude, longitude = to_wgs84(Decimal(str(bd[1])), Decimal(str(bd[0])), datum="bd09")
    assert abs(float(latitude) - 36.45) < 2e-5
    assert abs(float(longitude) - 115.98) < 2e-5


def test_the_same_submission_twice_is_one_report(client, city):
    _grid, category = city
    data = _form(client, category)
    first = client.post("/report/", data)
    second = client.post("/report/", data)
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_script_in_the_description_is_shown_as_text(client, city):
    _grid, category = city
    client.post("/report/", _form(client, category, description="<script>alert(1)</script>"))
    page = client.get(Report.objects.get().tracking_url)
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_a_flood_from_one_device_gets_429_in_chinese(client, city, settings):
    settings.CITIZEN_REPORTS_PER_DEVICE_PER_DAY = 2
    _grid, category = city
    for n in range(2):
        assert client.post("/report/", _form(client, category, description=f"第{n}处")).status_code == 302
    response = client.post("/report/", _form(client, category, description="第三处"))
    assert response.status_code == 429
    assert Report.objects.count() == 2


@override_settings(CITIZEN_SMS_BACKEND=SMS)
def test_a_flood_from_one_phone_gets_429_whatever_the_device(client, city, settings):
    settings.CITIZEN_REPORTS_PER_PHONE_PER_DAY = 1
    _grid, category = city
    code = _code_for(client, "13800000003")
    client.post("/report/", _form(client, category, phone="13800000003", phone_code=code))
    client.cookies.clear()  # another device
    code = _code_for(client, "13800000003")
    response = client.post("/report/", _form(client, category, phone="13800000003", phone_code=code, description="又"))
    assert response.status_code == 429
    assert Report.objects.count() == 1


def test_the_address_limit_is_lenient(client, city, settings):
    settings.CITIZEN_REPORTS_PER_DEVICE_PER_DAY = 1
    _grid, category = city
    for n in range(3):
        client.cookies.clear()  # three phones behind one carrier address
        assert client.post("/report/", _form(client, category, description=f"第{n}处")).status_code == 302
    assert Report.objects.count() == 3


@override_settings(CITIZEN_SMS_BACKEND=SMS)
def test_codes_for_one_phone_are_limited(client, city, settings):
    settings.CITIZEN_CODES_PER_PHONE_PER_HOUR = 2
    for _n in range(2):
        _code_for(client, "13800000004")
    key, answer = captcha_solved()
    response = client.post("/report/code/", {"phone": "13800000004", "captcha_key": key, "captcha": answer})
    assert response.status_code == 429


def test_the_captcha_bypass_is_refused_with_debug_off():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "0", "CITIZEN_CAPTCHA_BYPASS": "1", "SECRET_KEY": "x" * 50}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "CITIZEN_CAPTCHA_BYPASS" in result.stderr


def test_an_unknown_tracking_code_is_404(client):
    assert client.get("/report/AAAAAAAAAAAA/").status_code == 404


def test_the_report_page_looks_a_tracking_code_up(client, city):
    _grid, category = city
    client.post("/report/", _form(client, category))
    code = Report.objects.get().tracking_code
    assert client.get("/report/", {"code": code.lower()})["Location"] == f"/report/{code}/"
    assert client.get("/report/", {"code": "NOPE"}).status_code == 200


def test_a_place_picked_from_the_list_stands_for_its_point(client, city):
    from grids.tests.factories import PlaceFactory

    grid, category = city
    place = PlaceFactory(grid=grid, latitude=Decimal("36.460000"), longitude=Decimal("115.990000"))
    options = client.get("/report/places/", {"grid": grid.pk}).content.decode()
    assert place.name in options
    client.post("/report/", _form(client, category, latitude="", longitude="", grid=grid.pk, place=place.pk))
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (place.latitude, place.longitude)
    assert report.place == place
