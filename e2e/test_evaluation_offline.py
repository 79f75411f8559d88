"""The mock evaluation's sheets work offline, tried on a phone: an inspector opens the round while online,
loses the network, fills and submits two sheets with photos, reloads the page, and nothing reaches the
server until the network returns; then exactly two sheets and their issues are recorded, once."""

import datetime
import time

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.tests.factories import CampaignFactory
from e2e.helpers import PASSWORD, sign_in
from evaluation import services
from evaluation.models import Sheet
from evaluation.tests.factories import PointTypeFactory, StandardFactory, observation_point
from inspections.models import Issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def round_in_progress():
    road = PointTypeFactory(code="ROAD", name="主次干道")
    for points in (1, 1, 2):
        StandardFactory(point_types=[road], points=points)
    for n in range(2):
        observation_point(road, code=f"P{n}", name=f"柳园北路{n}段")
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


def fill_sheet(page: Page, url: str, photo) -> None:
    page.goto(url)
    form = page.locator("[data-sheet-form]")
    expect(form).to_be_visible()
    page.locator("[data-all-pass]").click()
    first = form.locator("[data-standard]").first
    first.locator("input[type=radio][value=fail]").check()
    first.locator("textarea").fill("路面有暴露垃圾")
    first.locator("input[type=file]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(form).to_have_attribute("data-queued", "yes")


def wait_for(condition, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def test_two_sheets_filled_offline_arrive_once_when_the_network_returns(page: Page, round_in_progress, jpeg):
    sign_in(page, "wang.fang")
    page.goto(f"/evaluation/rounds/{round_in_progress.pk}/")
    links = page.locator("[data-sheet-url]")
    expect(links).to_have_count(2)
    sheets = [links.nth(n).get_attribute("href") for n in range(2)]
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "yes")

    page.context.set_offline(True)
    fill_sheet(page, sheets[0], jpeg("first.jpg"))
    fill_sheet(page, sheets[1], jpeg("second.jpg", colour="#2980b9"))
    page.reload()
    status = page.locator("[data-offline-status]")
    expect(status).to_have_attribute("data-pending", "2")
    expect(status).to_contain_text("2")

    assert Sheet.objects.count() == 0  # nothing reached the server while offline

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    assert wait_for(lambda: Sheet.objects.count() == 2)
    expect(status).to_have_attribute("data-pending", "0")
    page.reload()  # sent again on load: nothing doubles
    expect(page.locator("[data-offline-status]")).to_have_attribute("data-pending", "0")
    assert Sheet.objects.count() == 2
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 2
    assert all(issue.photos.count() == 1 for issue in Issue.objects.filter(source=Issue.Source.EVALUATION))
