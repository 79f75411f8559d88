"""A leader reads the figures on a phone (375 px) and on a desktop: on the dashboard, a department's
page and a grid's page, every figure counts the rows of the list beneath it or says what it counts
instead, and each page says when its figures were computed.

The labels are read from the glossary (``core.glossary``) in Chinese, the words the pages use."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Target
from campaign.tests.factories import CampaignFactory, PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from core import glossary
from e2e.helpers import PASSWORD, sign_in
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def zh(code: str) -> str:
    with translation.override("zh-hans"):
        return str(glossary.label(code))


def zh_text(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def city():
    """市城管局 with five overdue tasks, due on days before this week and (from Tuesday on) in it; grid
    LC-G03 with four open tasks due weeks before and after this week, two open issues found last month
    (one past its deadline) and one closed; a target that should fall (越低越好)."""
    campaign = CampaignFactory()
    today = timezone.localdate()
    now = timezone.now()
    urban = DepartmentFactory(name="市城管局")
    housing = DepartmentFactory(name="区住建局")
    UserFactory(
        username="liu.leader", last_name="刘", first_name="书记", department=None, role=Role.LEADER, password=PASSWORD
    )
    for days in (40, 30, 20, 10, 1):
        TaskFactory(campaign=campaign, department=urban, due_date=today - datetime.timedelta(days=days))
    grid = GridFactory(code="LC-G03", name="柳园街道第3网格", boundary=square(115.98, 36.45))
    GridFactory(code="LC-G04", name="柳园街道第4网格", boundary=square(115.99, 36.45))
    for days in (-30, -20, 20, 30):
        task = TaskFactory(campaign=campaign, department=housing, due_date=today + datetime.timedelta(days=days))
        task.grids.add(grid)
    place = PlaceFactory(name="水岸小区", grid=grid, assigned_department=housing)
    found = now - datetime.timedelta(days=35)
    criterion = CriterionFactory(points=Decimal(2))
    for deadline in (now - datetime.timedelta(days=5), now + datetime.timedelta(days=5)):
        IssueFactory(
            campaign=campaign,
            place=place,
            criterion=criterion,
            department=housing,
            status=Issue.Status.DISPATCHED,
            reported_at=found,
            dispatched_at=found,
            deadline=deadline,
        )
    IssueFactory(
        campaign=campaign,
        place=place,
        criterion=criterion,
        department=housing,
        status=Issue.Status.CLOSED,
        reported_at=found,
        dispatched_at=found,
        deadline=found + datetime.timedelta(days=3),
        closed_at=found + datetime.timedelta(days=1),
    )
    target = TargetFactory(
        pledge=PledgeFactory(campaign=campaign, department=urban, date=today - datetime.timedelta(days=100)),
        name="道路积尘负荷",
        unit="%",
        baseline=Decimal(100),
        target_value=Decimal(0),
        direction=Target.Direction.DECREASE,
        deadline=today + datetime.timedelta(days=200),
    )
    ProgressReportFactory(task=TaskFactory(campaign=campaign, department=urban, target=target), quantity=Decimal(14))
    return {"urban": urban, "grid": grid}


def number(page: Page, code: str) -> int:
    """The value on the KPI card of the figure ``code``, as a number."""
    return int(page.locator(f'[data-figure="{code}"] .value').inner_text().strip())


def heading_count(page: Page, heading_id: str) -> int:
    return int(page.locator(f"#{heading_id} .count").inner_text())


def says_its_cut_off_time(page: Page) -> None:
    as_of = page.locator("#as-of")
    expect(as_of).to_contain_text(zh("as_of"))
    expect(as_of.locator("time")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))


def read_the_figures(page: Page, city: dict) -> None:
    """The leader's walk: the dashboard, 市城管局's page, LC-G03's page and its shape on the map."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    sign_in(page, "liu.leader")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="数据看板", exact=True)).to_be_visible()
    says_its_cut_off_time(page)

    # The period's figure and the list's count have different names, and the list's count is its rows.
    period_overdue = page.locator('[data-figure="overdue_tasks"]')
    expect(period_overdue.locator(".label")).to_have_text(zh("overdue_tasks"))
    expect(page.locator("#period-figures h2")).to_contain_text(zh_text("This week"))
    overdue_rows = page.locator("table.overdue-table tbody tr")
    expect(overdue_rows).to_have_count(5 + 2)  # 市城管局's five, LC-G03's two
    assert number(page, "current_overdue_tasks") == heading_count(page, "overdue-title") == overdue_rows.count()
    expect(page.locator("#overdue-title")).to_contain_text(zh("current_overdue_tasks"))
    assert number(page, "overdue_tasks") <= number(page, "current_overdue_tasks")
    # Each change says what it is against.
    expect(period_overdue.locator(".vs")).to_have_text(
        re.compile(f"^({zh('vs_same_days_of_previous_week')}|{zh('vs_previous_week')})$")
    )
    # What each figure counts, a tap away.
    definitions = page.locator("details.definitions")
    definitions.locator("summary").click()
    expect(definitions).to_contain_text(zh("current_overdue_tasks"))

    # The ranking's last columns are what each department has open now: the overdue list, split up.
    ranking = page.locator("table.scoreboard")
    expect(ranking.locator("thead")).to_contain_text(zh("current_overdue_tasks"))
    urban_row = ranking.locator("tbody tr", has=page.get_by_role("link", name="市城管局"))
    expect(urban_row.locator('[data-column="current_overdue_tasks"]')).to_have_text("5")

    # A target that should fall says so, and its bar is its progress from the baseline.
    target = page.locator("li.target", has_text="道路积尘负荷")
    expect(target).to_contain_text(zh("lower_is_better"))
    expect(target.locator("progress")).to_have_attribute("value", "14.0")
    expect(target).to_contain_text("86")

    # The map: LC-G03 is the darkest, its tooltip counts what its page lists, and the legend says
    # what the colours show, in whole numbers.
    grid_map = page.get_by_role("region", name="网格分布图")
    grid_map.scroll_into_view_if_needed()
    shapes = grid_map.locator("path.leaflet-interactive")
    expect(shapes).to_have_count(2)
    legend = page.locator("#map-legend")
    expect(legend).to_contain_text(zh_text("Colour: open issues now, per grid"))
    expect(legend).not_to_contain_text(".")
    darkest = next(n for n in range(2) if shapes.nth(n).get_attribute("fill") == "#9b1c1c")
    shapes.nth(darkest).hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("LC-G03")
    expect(tooltip).to_contain_text(f"{zh('current_open_tasks')}: 4")
    expect(tooltip).to_contain_text(f"{zh('current_open_issues')}: 2")

    # 市城管局's page: its current overdue figure is the length of its overdue list.
    page.goto(f"/dashboard/departments/{city['urban'].pk}/")
    says_its_cut_off_time(page)
    rows = page.locator("table.overdue-table tbody tr")
    expect(rows).to_have_count(5)
    assert number(page, "current_overdue_tasks") == heading_count(page, "overdue-title") == 5
    assert number(page, "current_open_tasks") == heading_count(page, "tasks-title")
    assert heading_count(page, "tasks-title") == page.locator("section[aria-labelledby=tasks-title] li.row").count()

    # LC-G03's page: none of its tasks is due this week, and its figures still count its lists.
    page.goto(f"/dashboard/grids/{city['grid'].pk}/")
    expect(page.get_by_role("heading", name="LC-G03 柳园街道第3网格")).to_be_visible()
    says_its_cut_off_time(page)
    tasks = page.locator("section[aria-labelledby=tasks-title] li.row")
    issues = page.locator("section[aria-labelledby=issues-title] li.row")
    expect(tasks).to_have_count(4)
    expect(issues).to_have_count(2)
    assert number(page, "current_open_tasks") == heading_count(page, "tasks-title") == 4
    overdue_tasks = page.locator("section[aria-labelledby=tasks-title] li.row.is-overdue")
    assert number(page, "current_overdue_tasks") == overdue_tasks.count() == 2
    assert number(page, "current_open_issues") == heading_count(page, "issues-title") == 2
    assert number(page, "current_overdue_issues") == 1
    expect(issues.filter(has_text=zh("past_deadline"))).to_have_count(1)
    # The period's figures are labelled as the period's.
    expect(page.locator("#period-figures h2")).to_contain_text(zh_text("This week"))
    expect(page.locator('[data-figure="found"] .label')).to_have_text(zh("found"))

    assert problems == []


def test_a_leader_finds_each_figure_agreeing_with_its_list_on_a_phone_and_a_desktop(browser, live_server, page, city):
    read_the_figures(page, city)

    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        read_the_figures(context.new_page(), city)
    finally:
        context.close()
