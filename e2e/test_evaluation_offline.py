"""The mock evaluation's sheets work offline, tried on a phone: an inspector opens the round while online,
loses the network, fills and submits two sheets with photos, reloads the page, and nothing reaches the
server until the network returns; then exactly two sheets and their issues are recorded, once, each photo
with the time and place it was taken (its own EXIF, or the phone's clock and position when it was chosen),
not the time it was sent."""

import datetime
import time
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.tests.factories import CampaignFactory
from e2e.helpers import PASSWORD, sign_in
from evaluation import services
from evaluation.models import Sheet
from evaluation.tests.factories import PointTypeFactory, StandardFactory, observation_point
from inspections.models import Issue, IssuePhoto

pytestmark = pytest.mark.django_db(transaction=True)

# The points lie on 柳园北路; the inspector stands at the first and, for the second sheet's photo, 1.1 km north.
POINT = {"latitude": 36.45, "longitude": 115.98}
AT_THE_POINT = {"latitude": 36.4501, "longitude": 115.98}
FAR_NORTH = {"latitude": 36.46, "longitude": 115.98}


@pytest.fixture
def round_in_progress():
    road = PointTypeFactory(code="ROAD", name="主次干道")
    for points in (1, 1, 2):
        StandardFactory(point_types=[road], points=points)
    for n in range(2):
        observation_point(
            road, code=f"P{n}", name=f"柳园北路{n}段", latitude=f"{POINT['latitude']:.6f}", longitude="115.980000"
        )
    inspectors = [
        UserFactory(username="wang.fang", last_name="王", first_name="芳", role=Role.INSPECTOR, password=PASSWORD),
        UserFactory(username="li.qiang", last_name="李", first_name="强", role=Role.INSPECTOR, password=PASSWORD),
    ]
    today = timezone.localdate()
    round_ = services.round_create(
        code="PC-E2E",
        title="本月模拟测评",
        campaign=CampaignFactory(),
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=5),
        points_per_type=2,
        teams=[("第一组", inspectors)],
    )
    services.round_sample(round_=round_, seed=7)
    services.round_start(round_=round_)
    return round_


def fill_sheet(page: Page, url: str, photo, *, standing: dict) -> None:
    """Fill a sheet with its first standard failed and one photo chosen where the inspector is ``standing``."""
    page.context.set_geolocation(standing)
    page.goto(url)
    form = page.locator("[data-sheet-form]")
    expect(form).to_be_visible()
    page.locator("[data-all-pass]").click()
    first = form.locator("[data-standard]").first
    first.locator("input[type=radio][value=fail]").check()
    first.locator("textarea").fill("路面有暴露垃圾")
    first.locator("input[type=file]").set_input_files(str(photo))
    # The phone's position when the photo was chosen is in the photo's entry before the sheet is sent.
    expect(first.locator("[data-photo-meta]")).to_have_attribute("data-located", "yes")
    form.locator("button[type=submit]").click()
    expect(form).to_have_attribute("data-queued", "yes")


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:  # the server is writing: SQLite's shared test database locks the table
            pass
        time.sleep(0.25)
    return condition()


def test_two_sheets_filled_offline_arrive_once_when_the_network_returns(page: Page, round_in_progress, jpeg):
    page.context.grant_permissions(["geolocation"])
    sign_in(page, "wang.fang")
    page.goto(f"/evaluation/rounds/{round_in_progress.pk}/")
    links = page.locator("[data-sheet-url]")
    expect(links).to_have_count(2)
    sheets = [links.nth(n).get_attribute("href") for n in range(2)]
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes")

    # The first photo was taken yesterday morning by a camera that wrote its time and position; the second
    # says nothing of itself: the phone's clock and position when it was chosen stand for it.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    camera = jpeg("first.jpg", taken=f"{yesterday:%Y:%m:%d} 10:15:00", gps=(36.4503, 115.98))
    page.context.set_offline(True)
    fill_sheet(page, sheets[0], camera, standing=AT_THE_POINT)
    before_choosing = timezone.now()
    fill_sheet(page, sheets[1], jpeg("second.jpg", colour="#2980b9"), standing=FAR_NORTH)
    after_choosing = timezone.now()
    page.reload()
    status = page.locator("[data-offline-status]")
    expect(status).to_have_attribute("data-pending", "2")
    expect(status).to_contain_text("2")

    assert Sheet.objects.count() == 0  # nothing reached the server while offline
    time.sleep(1.5)  # sent a while after the photos were taken

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert wait_for(lambda: Sheet.objects.count() == 2)
    expect(status).to_have_attribute("data-pending", "0")
    page.reload()  # sent again on load: nothing doubles
    expect(page.locator("[data-offline-status]")).to_have_attribute("data-pending", "0")
    assert Sheet.objects.count() == 2
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 2
    assert all(issue.photos.count() == 1 for issue in Issue.objects.filter(source=Issue.Source.EVALUATION))

    # Each photo carries its own time and place of capture, not the upload's.
    own = IssuePhoto.objects.get(time_source="exif")
    assert timezone.localtime(own.captured_at) == timezone.make_aware(
        datetime.datetime.combine(yesterday, datetime.time(10, 15))
    )
    assert (own.position_source, own.latitude, own.longitude) == ("exif", Decimal("36.450300"), Decimal("115.980000"))
    assert own.distance_m == 33
    chosen = IssuePhoto.objects.get(time_source="device")
    second = Sheet.objects.get(observations__issue=chosen.issue_id)
    assert before_choosing <= chosen.captured_at <= after_choosing < second.submitted_at
    assert (chosen.position_source, chosen.latitude, chosen.longitude) == (
        "device",
        Decimal("36.460000"),
        Decimal("115.980000"),
    )
    assert chosen.distance_m == 1112
    # The second sheet was filled in where its photo was taken: flagged, for its photo and its position.
    assert (second.far, second.photos_far) == (True, 1)
    first = Sheet.objects.get(observations__issue=own.issue_id)
    assert (first.far, first.photos_far) == (False, 0)
