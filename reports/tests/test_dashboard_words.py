"""The dashboard in words: each weekly chart drawn on the server with its figures as a table, a word or a
symbol beside every colour that means something, and the map's words in the page's language."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from core import glossary
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory
from reports.charts import Series, axis_step, number, trend_chart

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def leader(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


@pytest.fixture
def late_department():
    """A department with two issues found this week: one open, one closed after its deadline."""
    now = timezone.now()
    department = DepartmentFactory(code="LATE", name="迟办局")
    place = PlaceFactory(grid=GridFactory(code="G-LATE"), assigned_department=department)
    IssueFactory(place=place, department=department, status=Issue.Status.DISPATCHED, reported_at=now, dispatched_at=now)
    IssueFactory(
        place=place,
        department=department,
        status=Issue.Status.CLOSED,
        reported_at=now - datetime.timedelta(hours=3),
        dispatched_at=now - datetime.timedelta(hours=3),
        deadline=now - datetime.timedelta(hours=2),
        closed_at=now,
    )
    return department


def chart_rows(page: str, chart_id: str) -> list[list[str]]:
    """The rows of a chart's table: the week, then a figure per series."""
    table = page[page.index(f'id="{chart_id}-table"') :]
    table = table[: table.index("</table>")]
    body = table[table.index("<tbody>") :]
    return [
        [week, *re.findall(r'<td class="num">([^<]*)</td>', cells)]
        for week, cells in re.findall(r'<tr><th scope="row">([^<]*)</th>(.*?)</tr>', body)
    ]


def test_it_draws_the_charts_on_the_server_with_their_figures_as_tables(leader, late_department):
    response = leader.get("/dashboard/panels/trends/", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.count('<svg class="chart-svg"') == 3
    assert "echarts" not in page
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    issues = chart_rows(page, "chart-issues")
    assert len(issues) == 12
    assert issues[-1] == [f"{monday:%Y-%m-%d}", "2", "1"]  # found, closed
    assert {tuple(row[1:]) for row in issues[:-1]} == {("0", "0")}
    assert chart_rows(page, "chart-points")[-1][1] == number(float(sum(i.points for i in Issue.objects.all())))
    assert len(chart_rows(page, "chart-tasks")) == 12
    # Each table names its columns with the glossary's words and can be shown by ticking a box.
    found, closed = (str(glossary.label(code)) for code in ("found", "closed"))
    assert f'<th scope="col" class="num">{found}</th><th scope="col" class="num">{closed}</th>' in page
    assert 'type="checkbox" class="table-toggle" id="chart-issues-show" aria-controls="chart-issues-table"' in page
    # The charts need no script: the dashboard carries no chart data for one.
    assert "trends" not in leader.get("/dashboard/").context["data"]


def test_it_scales_a_chart_to_round_ticks_and_draws_a_bar_per_week():
    weeks = [datetime.date(2026, 11, 2) + datetime.timedelta(weeks=n) for n in range(4)]
    chart = trend_chart(
        id="chart-test",
        title="Test",
        weeks=weeks,
        series=[Series("found", "Found", [0, 3, 13, 7]), Series("closed", "Closed", [0, 1, 2, 9], kind="line")],
        whole=True,
    )

    assert [tick.label for tick in chart.ticks] == ["0", "5", "10", "15"]
    bars, line = chart.series
    assert [mark.title for mark in bars.marks][1:3] == ["11-09 Found: 3", "11-16 Found: 13"]
    assert bars.marks[0].height == "0.0"
    assert len(line.marks) == 4
    assert len(line.segments) == 3
    # On a phone every other week's date is left out, the latest always kept.
    assert [week.odd for week in chart.weeks] == [True, False, True, False]
    assert chart.rows[2] == ("2026-11-16", ["13", "2"])


@pytest.mark.parametrize(
    ("maximum", "whole", "step"),
    [(0, True, 1), (3, True, 1), (13, True, 5), (13.5, False, 5), (0.6, False, 0.2), (1.5, True, 1), (480, True, 200)],
)
def test_it_picks_a_round_step_for_the_value_axis(maximum, whole, step):
    assert axis_step(maximum, whole=whole) == pytest.approx(step)


@pytest.mark.parametrize(
    ("change", "lower_is_better", "words", "classes"),
    [
        (3, False, "▲</span> up 3 · better", "up better"),
        (3, True, "▲</span> up 3 · worse", "up worse"),
        (-2, True, "▼</span> down 2 · better", "down better"),
        (-2.5, False, "▼</span> down 2.5 · worse", "down worse"),
        (0, False, "no change", "flat"),
    ],
)
def test_it_says_which_way_a_figure_moved_and_whether_that_is_good(change, lower_is_better, words, classes):
    card = {
        "term": glossary.term("found"),
        "value": 4,
        "kind": "count",
        "change": change,
        "lower_is_better": lower_is_better,
    }
    with translation.override("en"):
        html = render_to_string("reports/_kpi.html", {"card": card, "comparison": "vs last week"})

    assert words in html
    assert f'<span class="change {classes}">' in html


def test_it_says_a_rate_moved_in_percentage_points():
    card = {"term": glossary.term("on_time_rate"), "value": 0.5, "kind": "rate", "change": -0.25}
    with translation.override("en"):
        html = render_to_string("reports/_kpi.html", {"card": card, "comparison": "vs last week"})

    assert "▼</span> down 25 pp · worse" in html


def test_it_names_the_colour_band_of_each_on_time_closure_rate(leader, late_department):
    response = leader.get("/dashboard/", **ENGLISH)

    page = response.content.decode()
    assert '<span class="band band-red">0% poor</span>' in page
    legend = page[page.index('<span class="legend small">') :]
    legend = legend[: legend.index("</span>\n")]
    assert "good ≥ 90%" in legend
    assert "fair ≥ 70%" in legend
    assert "poor &lt; 70%" in legend


def test_it_gives_the_map_its_words_in_the_page_language(leader):
    english = leader.get("/dashboard/", **ENGLISH).context["data"]["labels"]
    chinese = leader.get("/dashboard/").context["data"]["labels"]

    assert (english["zoomIn"], english["zoomOut"]) == ("Zoom in", "Zoom out")
    with translation.override("zh-hans"):
        assert chinese["zoomIn"] == translation.gettext("Zoom in")
        assert chinese["zoomOut"] == translation.gettext("Zoom out")
    assert english["gridCount"] == "All %(count)s grids, as a sortable list"
    assert english["legendScale"] == "(lighter is fewer, darker is more)"
