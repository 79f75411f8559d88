"""随手拍 end to end on a phone (375 px): a resident reports a problem with a photo and a point picked on the
map without an account (the photo kept through a form that came back with an error), the office accepts it
as an issue, the resident follows it with the tracking code, and the case shows on the
public page once closed, where Open311 lists it too."""

import re
from decimal import Decimal

import pytest
from citizens import abuse
from citizens.models import Report
from citizens.tests.factories import CityGridFactory, PublicCategoryFactory
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from e2e.helpers import PASSWORD, sign_in
from grids.tests.factories import PlaceFactory
from inspections.models import Issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def city():
    CampaignFactory()
    grid = CityGridFactory(name="古楼街道第1网格")
    bureau = DepartmentFactory(name="区城管局")
    place = PlaceFactory(
        grid=grid,
        name="柳园路口",
        assigned_department=bureau,
        latitude=Decimal("36.450050"),
        longitude=Decimal("115.98"),
    )
    category = PublicCategoryFactory(name="垃圾堆放")
    UserFactory(
        username="wang.fang", last_name="王", first_name="芳", department=None, role=Role.INSPECTOR, password=PASSWORD
    )
    return {"place": place, "category": category}


def _captcha_answer(page: Page) -> str:
    key = page.locator("input[name=captcha_key]").input_value()
    return cache.get(f"{abuse.PREFIX}:captcha:{key}")


def test_a_resident_reports_the_office_accepts_and_the_resident_follows_it(page: Page, city, jpeg):
    page.goto("/report/")
    expect(page.locator("img[data-captcha-image]")).to_be_visible()
    page.locator("#id_category").select_option(label="垃圾堆放")
    page.locator("#id_photos").set_input_files(jpeg("trash.jpg", "#27ae60", size=(3200, 2400)))
    page.locator("#id_description").fill("柳园路口有一堆建筑垃圾")

    # The map, loaded only now: the keyboard picks the point under its cross, then a tap picks another.
    assert page.evaluate("() => !window.L")
    opener = page.locator("[data-map-open]")
    opener.click()
    expect(opener).to_have_attribute("aria-expanded", "true")
    canvas = page.locator("#report-map")
    expect(canvas.locator(".leaflet-overlay-pane path")).to_have_count(1)  # the grid's outline
    page.keyboard.press("Tab")
    expect(canvas).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#id_latitude")).not_to_have_value("")
    expect(page.locator("[data-map-status]")).to_contain_text("古楼街道第1网格")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] / 2 + 12, "y": box["height"] / 2 - 9})
    expect(canvas.locator(".leaflet-overlay-pane path")).to_have_count(2)  # and the point picked
    expect(page.locator("#id_datum")).to_have_value("wgs84")
    latitude, longitude = page.locator("#id_latitude").input_value(), page.locator("#id_longitude").input_value()
    # Within the grid (0.05° each way of its centre), where the arrow key moved the map and the tap fell.
    assert Decimal("36.40") < Decimal(latitude) < Decimal("36.50")
    assert Decimal("115.93") < Decimal(longitude) < Decimal("116.03")
    expect(page.locator("[data-map-status]")).to_contain_text(latitude)

    # A wrong picture code: the form comes back with its photo kept, shown, and the point.
    page.locator("#id_captcha").fill("0000")
    page.locator("#id_consent").check()
    page.locator("form[data-report-form] button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[data-kept-photos] li img")).to_have_count(1)
    expect(page.locator("[data-kept-photos] input[type=checkbox]")).to_be_checked()
    assert page.locator("[data-kept-photos] img").evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("#id_latitude")).to_have_value(latitude)
    assert Report.objects.count() == 0

    page.locator("#id_captcha").fill(_captcha_answer(page))
    page.locator("form[data-report-form] button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/report/[0-9A-Z]{12}/$"))
    expect(page.locator("[data-stage=received]")).to_be_visible()
    report = Report.objects.get()
    assert report.photos.count() == 1
    assert (report.latitude, report.longitude, report.datum) == (Decimal(latitude), Decimal(longitude), "wgs84")
    tracking = page.url

    # The office triages it: the nearest place is suggested, and accepting files the issue.
    sign_in(page, "wang.fang")
    page.goto("/citizens/")
    page.locator(f"[data-report='{report.pk}'] a").click()
    expect(page.locator("[data-phone]")).to_be_visible()
    expect(page.locator("#id_place")).to_have_value(str(city["place"].pk))
    page.locator("#accept button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/citizens/$"))
    issue = Issue.objects.get()
    assert issue.source == Issue.Source.CITIZEN

    # The resident, without an account, sees it dispatched; closed, it is on the public page.
    page.context.clear_cookies()
    page.goto(tracking)
    expect(page.locator("[data-stage=dispatched]")).to_be_visible()
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.CLOSED, closed_at=timezone.now())
    page.goto(tracking)
    page.locator("input[name=answer][value=satisfied]").check()
    page.locator("form[data-followup-form] button[type=submit]").click()
    expect(page.locator("[data-followup=satisfied]")).to_be_visible()
    page.goto("/public/")
    expect(page.locator(f"[data-public-issue='{issue.code}']")).to_be_visible()
    rows = page.request.get("/open311/v2/requests.json").json()
    assert [row["service_request_id"] for row in rows] == [issue.code]
