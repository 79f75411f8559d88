"""The leaders' dashboard in the browser: the Leaflet grid map renders from the page's JSON and the trends
are drawn (SVG from the server), with no console error, on a phone (375 px, Chinese)."""

import datetime
import os
import shutil
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory, PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from e2e.helpers import PASSWORD, sign_in
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Colours of dashboard.js: grey for nothing, darkest red for the grid with the most.
NO_ISSUES, MOST_ISSUES = "#f1f5f9", "#9b1c1c"


def zh_text(message: str) -> str:
    """A message as the pages show it in Chinese (the figures' words are the glossary's)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """A GeoJSON polygon (longitude first) a little over a kilometre wide, in Dongchangfu."""
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def dashboard_data():
    campaign = CampaignFactory()
    urban = DepartmentFactory(name="市城市管理局")
    UserFactory(
        username="liu.leader", last_name="刘", first_name="书记", department=urban, role=Role.LEADER, password=PASSWORD
    )
    gulou = GridFactory(code="G001", name="古楼街道第1网格", boundary=square(115.98, 36.45))
    GridFactory(code="G002", name="古楼街道第2网格", boundary=square(115.99, 36.45))
    place = PlaceFactory(name="光岳楼广场", grid=gulou, assigned_department=urban)
    IssueFactory(
        campaign=campaign,
        place=place,
        criterion=CriterionFactory(points=Decimal(2)),
        department=urban,
        status=Issue.Status.DISPATCHED,
        dispatched_at=timezone.now(),
    )
    target = TargetFactory(
        pledge=PledgeFactory(campaign=campaign, department=urban), name="背街小巷改造", unit="条", target_value=60
    )
    task = TaskFactory(campaign=campaign, department=urban, target=target, title="背街小巷改造第一批")
    ProgressReportFactory(task=task, quantity=15)
    TaskFactory(
        campaign=campaign,
        department=urban,
        title="占道经营整治",
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )


def test_leader_sees_the_map_and_the_charts(page: Page, dashboard_data, tmp_path):
    problems = []
    page.on("console", lambda message: problems.append(f"console {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"pageerror {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"HTTP {response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("favicon.ico")
            else None
        ),
    )

    sign_in(page, "liu.leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据看板").click()
    expect(page.get_by_role("heading", name="数据看板", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="部门排名")).to_be_visible()
    expect(page.locator("table.scoreboard")).to_contain_text("市城市管理局")

    # The map: both grids drawn as polygons from their GeoJSON, coloured by open issues.
    grid_map = page.get_by_role("region", name="网格分布图")
    grid_map.scroll_into_view_if_needed()
    polygons = grid_map.locator("path.leaflet-interactive")
    expect(polygons).to_have_count(2)
    fills = sorted(polygons.evaluate_all("paths => paths.map(path => path.getAttribute('fill'))"))
    assert fills == sorted([MOST_ISSUES, NO_ISSUES])
    for index in range(2):
        box = polygons.nth(index).bounding_box()
        assert box is not None
        assert box["width"] > 20
        assert box["height"] > 20
    expect(page.locator("#map-legend")).to_contain_text(zh_text("Colour: open issues now, per grid"))
    expect(page.get_by_role("heading", name=zh_text("Most open issues now"))).to_be_visible()
    expect(page.locator("ol.top-list")).to_contain_text("G001 古楼街道第1网格")

    # The trends: three charts drawn at a real size, the issues' with a bar per week.
    for chart in ("#chart-issues", "#chart-points", "#chart-tasks"):
        svg = page.locator(f"{chart} svg")
        expect(svg).to_have_count(1)
        box = svg.bounding_box()
        assert box["width"] > 300
        assert box["height"] > 150
    expect(page.locator("#chart-issues .series.bar rect")).to_have_count(12)

    # Targets and the overdue list.
    targets = page.locator("ul.targets")
    expect(targets).to_contain_text("背街小巷改造")
    expect(targets.locator("progress")).to_have_attribute("value", "25.0")  # 15 of 60
    expect(targets).to_contain_text(zh_text("Higher is better"))
    overdue = page.locator("section", has=page.get_by_role("heading", name=zh_text("Overdue tasks now")))
    expect(overdue).to_contain_text("占道经营整治")

    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar belongs at the top of the picture
    screenshot = tmp_path / "dashboard.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 10_000
    if os.environ.get("E2E_ARTIFACTS"):  # CI keeps this one as an artifact
        artifacts = os.environ["E2E_ARTIFACTS"]
        os.makedirs(artifacts, exist_ok=True)
        shutil.copy(screenshot, os.path.join(artifacts, "dashboard.png"))

    # Switching the colouring to points lost repaints without an error.
    page.get_by_label(zh_text("Points lost"), exact=True).check()
    legend = zh_text("Colour: points lost in the period (%(period)s), per grid") % {"period": zh_text("This week")}
    expect(page.locator("#map-legend")).to_contain_text(legend)

    assert problems == []


def test_the_map_says_so_when_its_data_cannot_be_loaded(page: Page, dashboard_data):
    page.route("**/dashboard/map/**", lambda route: route.fulfill(status=503, body="unavailable"))
    sign_in(page, "liu.leader")
    page.goto("/dashboard/")

    grid_map = page.get_by_role("region", name="网格分布图")
    expect(grid_map).to_have_text("地图加载失败，请刷新页面重试。")
    expect(page.locator("#chart-issues svg")).to_have_count(1)  # the rest of the page still works
    expect(page.locator("#grid-table")).to_have_text("地图加载失败，请刷新页面重试。")
