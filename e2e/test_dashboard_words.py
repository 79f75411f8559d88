"""The dashboard's charts and map in words, on a phone (375 px) and a desktop (1280 px), in Chinese: each
chart's figures are a table in the accessibility tree (shown when its box is ticked) matching what the chart
draws; every grid is in a sortable list of links; the map's shapes are reached and opened with the keyboard
and say their names; Leaflet's buttons speak Chinese; the colours of the figures come with words."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from core import glossary
from e2e.a11y import AxeJourney
from e2e.helpers import PASSWORD, sign_in
from grids.models import Grid
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
SIZE = 0.01  # a grid's side, in degrees


def zh(code: str) -> str:
    with translation.override("zh-hans"):
        return str(glossary.label(code))


def zh_text(message: str, context: str = "") -> str:
    with translation.override("zh-hans"):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def square(column: int, row: int) -> dict:
    """A grid's boundary in a 3 × 2 block in Dongchangfu: columns west to east, rows south to north."""
    lng, lat = 115.98 + column * SIZE, 36.45 + row * SIZE
    ring = [[lng, lat], [lng + SIZE, lat], [lng + SIZE, lat + SIZE], [lng, lat + SIZE], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def city():
    """Six square grids (LC-G01…G03 in the south row, G04…G06 north of them), one drawn as a dot at its
    centre and one with neither boundary nor centre; issues of two points each: three found this week in
    LC-G02 (one closed), one found last week in LC-G05."""
    urban = DepartmentFactory(name="市城管局")
    UserFactory(
        username="liu.leader", last_name="刘", first_name="书记", department=None, role=Role.LEADER, password=PASSWORD
    )
    grids = {}
    for n in range(6):
        code = f"LC-G0{n + 1}"
        grids[code] = GridFactory(code=code, name=f"柳园街道第{n + 1}网格", boundary=square(n % 3, n // 3))
    grids["LC-G07"] = GridFactory(
        code="LC-G07", name="柳园街道第7网格", boundary=None, latitude=36.475, longitude=116.015
    )
    grids["LC-G08"] = GridFactory(code="LC-G08", name="柳园街道第8网格", boundary=None, latitude=None, longitude=None)
    now = timezone.now()
    criterion = CriterionFactory(points=Decimal(2))
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    this_week = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(9)))
    last_week = this_week - datetime.timedelta(days=7)
    place = PlaceFactory(name="水岸小区", grid=grids["LC-G02"], assigned_department=urban)
    for status in (Issue.Status.DISPATCHED, Issue.Status.DISPATCHED, Issue.Status.CLOSED):
        IssueFactory(
            place=place,
            criterion=criterion,
            department=urban,
            status=status,
            reported_at=min(now, this_week),
            dispatched_at=min(now, this_week),
            closed_at=now if status == Issue.Status.CLOSED else None,
        )
    IssueFactory(
        place=PlaceFactory(name="鲁化小区", grid=grids["LC-G05"], assigned_department=urban),
        criterion=criterion,
        department=urban,
        status=Issue.Status.DISPATCHED,
        reported_at=last_week,
        dispatched_at=last_week,
    )
    return {"grids": grids, "monday": monday}


def chart_checks(page: Page, city: dict) -> None:
    """Each chart's table is read by screen readers while hidden, agrees with the chart's bars and with
    the week's issues, and is shown when its box is ticked."""
    monday = city["monday"]
    found, closed, points = zh("found"), zh("closed"), zh("points_lost")
    expected = {
        "chart-issues": ([found, closed], {monday: ["3", "1"], monday - datetime.timedelta(days=7): ["1", "0"]}),
        "chart-points": ([points], {monday: ["6"], monday - datetime.timedelta(days=7): ["2"]}),
        "chart-tasks": ([zh_text("Tasks completed")], {monday: ["0"]}),
    }
    for chart_id, (columns, weeks) in expected.items():
        figure = page.locator(f"#{chart_id}").locator("xpath=ancestor::figure")
        title = figure.locator("h3").inner_text()
        expect(figure.get_by_role("img", name=title)).to_be_visible()
        table = figure.get_by_role("table", name=title)
        # Out of sight (clipped to a pixel), yet in the accessibility tree with every week's row.
        holder = page.locator(f"#{chart_id}-table")
        assert holder.bounding_box()["height"] <= 1
        snapshot = figure.aria_snapshot()
        assert f'table "{title}"' in snapshot
        assert len(re.findall(r"- row \"\d{4}-\d{2}-\d{2} ", snapshot)) == 12
        for week, values in weeks.items():
            assert f'- row "{week:%Y-%m-%d} {" ".join(values)}"' in snapshot, snapshot
        # What the table says is what the chart draws: each bar's figure, week by week.
        header = table.locator("thead th").all_inner_texts()
        assert header == [zh_text("Week beginning"), *columns]
        rows = [row.locator("td").first.inner_text() for row in table.locator("tbody tr").all()]
        bars = figure.locator("svg .series.bar").first.locator("title").all_text_contents()
        assert [bar.rsplit(": ", 1)[1] for bar in bars] == rows
        # Shown on request.
        figure.get_by_label(zh_text("Show the figures as a table")).check()
        expect(table).to_be_visible()
        assert holder.bounding_box()["height"] > 100


def grid_list_checks(page: Page, city: dict) -> None:
    """Every grid, whether on the map or not, in a list sortable by each column and linking to its page."""
    details = page.locator("details#grid-list")
    summary = details.locator("summary")
    expect(summary).to_have_text(zh_text("All %(count)s grids, as a sortable list") % {"count": 8})
    summary.click()
    table = details.get_by_role("table")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(Grid.objects.count())
    # Most open issues first, then by code.
    open_issues = table.locator("thead th", has_text=zh("current_open_issues"))
    expect(open_issues).to_have_attribute("aria-sort", "descending")
    expect(rows.first.get_by_role("link")).to_have_text("LC-G02 柳园街道第2网格")
    expect(rows.first.locator("td").first).to_have_text("2")
    open_issues.get_by_role("button").click()
    expect(open_issues).to_have_attribute("aria-sort", "ascending")
    expect(rows.last.get_by_role("link")).to_have_text("LC-G02 柳园街道第2网格")
    grid_column = table.locator("thead th").first
    grid_column.get_by_role("button").click()
    expect(grid_column).to_have_attribute("aria-sort", "ascending")
    codes = [text.split(" ")[0] for text in rows.get_by_role("link").all_inner_texts()]
    assert codes == [f"LC-G0{n}" for n in range(1, 9)]
    grid_column.get_by_role("button").click()
    expect(grid_column).to_have_attribute("aria-sort", "descending")
    expect(rows.first.get_by_role("link")).to_have_text("LC-G08 柳园街道第8网格")
    for link in rows.get_by_role("link").all():
        code = link.inner_text().split(" ")[0]
        assert link.get_attribute("href") == f"/dashboard/grids/{city['grids'][code].pk}/?period=this_week"


def keyboard_checks(page: Page, city: dict) -> None:
    """Tab reaches a grid's shape, which says its name and opens its tooltip; the arrows move to the grid
    that way; Enter opens its page."""
    grid_map = page.get_by_role("region", name=zh_text("Map of the grids"))
    grid_map.scroll_into_view_if_needed()
    expect(grid_map.locator("path.leaflet-interactive")).to_have_count(7)
    grid_map.focus()
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("role", "link")
    expect(focused).to_have_attribute("aria-label", re.compile(r"^LC-G01 柳园街道第1网格"))
    expect(page.get_by_role("tooltip").filter(has_text="LC-G01")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile(r"^LC-G02 柳园街道第2网格: .* 2, "))
    expect(page.get_by_role("link", name=re.compile(r"^LC-G02 柳园街道第2网格: "))).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile(r"^LC-G05 "))
    # Its tooltip shows its figures (the one before fades out).
    expect(page.get_by_role("tooltip").filter(has_text="LC-G05")).to_be_visible()
    expect(page.get_by_role("tooltip")).to_have_count(1)
    # Only the shape reached is in the Tab order.
    assert grid_map.locator('path[tabindex="0"]').count() == 1
    # axe-core finds nothing wrong with the tables shown, the list open and a shape focused.
    axe = AxeJourney()
    axe.check(page, "charts and map in words")
    axe.assert_clean()
    page.get_by_role("link", name=re.compile(r"^LC-G05 柳园街道第5网格: ")).focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/dashboard/grids/{city['grids']['LC-G05'].pk}/"))
    expect(page.get_by_role("heading", name="LC-G05 柳园街道第5网格")).to_be_visible()


def read_the_dashboard(page: Page, city: dict) -> None:
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror {error}"))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    sign_in(page, "liu.leader")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="数据看板", exact=True)).to_be_visible()

    # Leaflet's zoom buttons speak the page's language.
    expect(page.get_by_role("button", name="放大")).to_have_attribute("title", "放大")
    expect(page.get_by_role("button", name="缩小")).to_have_attribute("title", "缩小")
    # Colours come with words: the map's scale, the ranking's band, each change of a figure.
    expect(page.locator("#map-legend")).to_contain_text(zh_text("(lighter is fewer, darker is more)"))
    poor = zh_text("poor", "on-time closure rate band")
    expect(page.locator(".legend .band-red")).to_have_text(f"{poor} < 70%")
    change = page.locator('[data-figure="found"] .change')
    words = [zh_text(word, "a figure's change") for word in ("up", "down", "no change")]
    expect(change).to_have_text(re.compile("|".join(words)))

    chart_checks(page, city)
    grid_list_checks(page, city)
    keyboard_checks(page, city)
    assert problems == []


def test_a_leader_reads_the_charts_and_the_map_in_words_and_reaches_each_grid_by_keyboard(
    browser, live_server, page, city
):
    read_the_dashboard(page, city)

    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    try:
        read_the_dashboard(context.new_page(), city)
    finally:
        context.close()
