"""Figures a meeting will not dispute: each figure counts what the list beneath it shows, or says what
it counts instead; periods are compared like for like; every figure carries its cut-off time; and the
pages, the workbook, the API and the README speak the glossary's words.

The clock is Thursday 15 March 2018, 10:00 in Asia/Shanghai: this week so far is Monday 12 to Thursday
15 March, compared with Monday 5 to Thursday 8 March."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Target, Task
from campaign.tests.factories import PledgeFactory, ProgressReportFactory, TargetFactory, TaskFactory
from core import glossary
from core.tests.api import client_for
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory
from reports.selectors import (
    CURRENT_FIELDS,
    Period,
    campaign_kpis,
    current_totals,
    department_scoreboard,
    grid_scoreboard,
    open_issues,
    open_tasks,
    overdue_tasks,
)
from reports.workbook import DEPARTMENTS, SUMMARY, overdue_workbook_write, weekly_workbook_write

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2018, 3, 15, 10, 0, tzinfo=SHANGHAI)
TODAY = NOW.date()


def day(month: int, number: int, year: int = 2018) -> datetime.date:
    return datetime.date(year, month, number)


def zh(code: str) -> str:
    """A glossary label as a Chinese reader sees it (the catalogue the pages are rendered with)."""
    with translation.override("zh-hans"):
        return str(glossary.label(code))


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def city(clock):
    """市城管局 has five overdue tasks, two of them due this week; grid LC-G03 has four open tasks, none
    due this week, and two open issues found last month (one past its deadline); 区住建局 one overdue task."""
    urban = DepartmentFactory(code="CGJ", name="市城管局")
    housing = DepartmentFactory(code="ZJJ", name="区住建局")
    for due in (day(2, 20), day(3, 1), day(3, 7), day(3, 12), day(3, 13)):
        TaskFactory(department=urban, due_date=due)
    TaskFactory(department=urban, due_date=day(3, 14), status=Task.Status.DONE, completed_at=NOW)
    TaskFactory(department=housing, due_date=day(3, 2))
    grid = GridFactory(code="LC-G03", name="柳园街道第3网格")
    for due in (day(3, 1), day(3, 5), day(3, 20), day(4, 2)):
        TaskFactory(department=housing, due_date=due).grids.add(grid)
    place = PlaceFactory(grid=grid, assigned_department=housing)
    found = datetime.datetime(2018, 2, 26, 9, tzinfo=SHANGHAI)
    for deadline in (day(3, 1), day(3, 30)):
        IssueFactory(
            place=place,
            department=housing,
            status=Issue.Status.DISPATCHED,
            reported_at=found,
            dispatched_at=found,
            deadline=datetime.datetime.combine(deadline, datetime.time(23, 59), tzinfo=SHANGHAI),
        )
    IssueFactory(
        place=place,
        department=housing,
        status=Issue.Status.CLOSED,
        reported_at=found,
        dispatched_at=found,
        deadline=found + datetime.timedelta(days=3),
        closed_at=found + datetime.timedelta(days=1),
    )
    return {"urban": urban, "housing": housing, "grid": grid, "place": place}


@pytest.fixture
def leader(client, clock):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


# --- Like-for-like periods ---------------------------------------------------------------------


def test_it_counts_this_week_and_this_month_to_date():
    week = Period.of(Period.THIS_WEEK, today=TODAY)
    month = Period.of(Period.THIS_MONTH, today=TODAY)

    assert (week.start, week.end, week.is_whole) == (day(3, 12), day(3, 15), False)
    assert (month.start, month.end, month.is_whole) == (day(3, 1), day(3, 15), False)
    assert Period.of(Period.THIS_WEEK, today=day(3, 18)).is_whole  # on Sunday the week is whole


def test_it_compares_a_week_so_far_with_the_same_weekdays_of_the_week_before():
    previous = Period.of(Period.THIS_WEEK, today=TODAY).previous()

    assert (previous.start, previous.end) == (day(3, 5), day(3, 8))  # Monday–Thursday with Monday–Thursday
    assert Period.of(Period.THIS_WEEK, today=TODAY).comparison == str(glossary.label("vs_same_days_of_previous_week"))
    last_week = Period.of(Period.LAST_WEEK, today=TODAY)
    assert (last_week.previous().start, last_week.previous().end) == (day(2, 26), day(3, 4))
    assert last_week.comparison == str(glossary.label("vs_previous_week"))


@pytest.mark.parametrize(
    ("today", "current", "previous"),
    [
        (day(12, 5), (day(12, 1), day(12, 5)), (day(11, 1), day(11, 5))),
        (day(3, 1), (day(3, 1), day(3, 1)), (day(2, 1), day(2, 1))),
        # Beyond the previous month's last day, its whole: 29–31 March against all of February.
        (day(3, 29), (day(3, 1), day(3, 29)), (day(2, 1), day(2, 28))),
        (day(3, 31), (day(3, 1), day(3, 31)), (day(2, 1), day(2, 28))),
        (day(3, 30, 2020), (day(3, 1, 2020), day(3, 30, 2020)), (day(2, 1, 2020), day(2, 29, 2020))),
        # A month's last day makes it whole: compared with the whole month before, 31 days or 30.
        (day(2, 28), (day(2, 1), day(2, 28)), (day(1, 1), day(1, 31))),
        (day(4, 30), (day(4, 1), day(4, 30)), (day(3, 1), day(3, 31))),
        (day(5, 30), (day(5, 1), day(5, 30)), (day(4, 1), day(4, 30))),
        (day(1, 15), (day(1, 1), day(1, 15)), (day(12, 1, 2017), day(12, 15, 2017))),
    ],
)
def test_it_compares_a_month_so_far_with_the_same_days_of_the_month_before(today, current, previous):
    month = Period.of(Period.THIS_MONTH, today=today)
    before = month.previous()

    assert (month.start, month.end) == current
    assert (before.start, before.end) == previous
    whole = month.end == current[1] and (month.end + datetime.timedelta(days=1)).day == 1
    expected = "vs_previous_month" if whole else "vs_same_days_of_previous_month"
    assert month.comparison == str(glossary.label(expected))


def test_it_compares_the_month_so_far_with_the_same_days_not_with_the_whole_month_before(clock):
    # Five issues in all of February, one of them in its first fifteen days; three so far in March.
    for moment in (day(2, 3), day(2, 20), day(2, 21), day(2, 22), day(2, 27), day(3, 2), day(3, 9), day(3, 14)):
        IssueFactory(reported_at=datetime.datetime.combine(moment, datetime.time(9), tzinfo=SHANGHAI))

    kpis = campaign_kpis(period=Period.of(Period.THIS_MONTH, today=TODAY), today=TODAY)

    assert (kpis["issues"]["found"], kpis["previous"]["issues"]["found"], kpis["delta"]["issues"]["found"]) == (3, 1, 2)
    assert (kpis["previous_period"].start, kpis["previous_period"].end) == (day(2, 1), day(2, 15))


def test_the_dashboard_says_what_each_change_is_against(leader, city):
    page = leader.get("/dashboard/?period=this_month").content.decode()

    assert page.count(str(glossary.label("vs_same_days_of_previous_month"))) >= 10  # next to every change
    assert "2018-02-01" in page
    assert "2018-02-15" in page


def test_the_weekly_workbook_compares_whole_weeks_and_a_running_week_with_the_same_days(city):
    whole = read(weekly_workbook_write, week_start=day(3, 5), generated_at=NOW)
    running = read(weekly_workbook_write, week_start=day(3, 12), generated_at=NOW)

    assert [cell.value for cell in whole[SUMMARY][7]][3] == zh("vs_previous_week")
    assert whole[SUMMARY]["B5"].value == "2018-W09（2018-02-26 至 2018-03-04）"
    assert [cell.value for cell in running[SUMMARY][7]][3] == zh("vs_same_days_of_previous_week")
    assert running[SUMMARY]["B2"].value == "2018-W11（2018-03-12 至 2018-03-15）"
    assert running[SUMMARY]["B5"].value == "2018-W10（2018-03-05 至 2018-03-08）"


# --- A figure and the list beneath it count the same thing -------------------------------------


def test_the_current_totals_count_the_rows_of_the_lists(city):
    totals = current_totals(today=TODAY, now=NOW)
    listed_issues = list(open_issues(now=NOW))

    assert totals == {
        "current_open_tasks": len(open_tasks(today=TODAY)),
        "current_overdue_tasks": len(overdue_tasks(today=TODAY)),
        "current_open_issues": len(listed_issues),
        "current_overdue_issues": sum(issue.is_overdue for issue in listed_issues),
    }
    assert totals == {
        "current_open_tasks": 10,
        "current_overdue_tasks": 8,
        "current_open_issues": 2,
        "current_overdue_issues": 1,
    }


def test_each_departments_and_grids_current_figures_count_their_lists(city):
    other = GridFactory(code="LC-G04")
    TaskFactory(department=city["housing"], due_date=day(4, 9)).grids.add(city["grid"], other)  # counts in each
    week = Period.of(Period.THIS_WEEK, today=TODAY)
    departments = department_scoreboard(period=week, today=TODAY, now=NOW)
    grids = grid_scoreboard(period=week, today=TODAY, now=NOW)

    for row in departments:
        assert {key: row[key] for key in CURRENT_FIELDS} == current_totals(
            today=TODAY, now=NOW, department_ids=[row["id"]]
        ), row["code"]
    urban = next(row for row in departments if row["code"] == "CGJ")
    assert (urban["overdue_tasks"], urban["current_overdue_tasks"]) == (2, 5)  # due this week, and all
    assert urban["current_overdue_tasks"] == len(overdue_tasks(today=TODAY, department_ids=[city["urban"].pk]))
    for row in grids:
        assert {key: row[key] for key in CURRENT_FIELDS} == current_totals(today=TODAY, now=NOW, grid_ids=[row["id"]])
    lc_g03 = next(row for row in grids if row["code"] == "LC-G03")
    assert (lc_g03["open_tasks"], lc_g03["overdue_tasks"]) == (0, 0)  # none due this week
    assert (lc_g03["current_open_tasks"], lc_g03["current_overdue_tasks"]) == (5, 2)
    assert (lc_g03["current_open_issues"], lc_g03["current_overdue_issues"]) == (2, 1)
    assert lc_g03["current_open_tasks"] == len(open_tasks(today=TODAY, grid_ids=[city["grid"].pk]))
    only = grid_scoreboard(period=week, today=TODAY, now=NOW, grid_ids=[city["grid"].pk])
    assert [row["current_open_tasks"] for row in only] == [5]
    assert next(row for row in grids if row["code"] == "LC-G04")["current_open_tasks"] == 1


def figure(page: str, code: str) -> str:
    """The value shown on the KPI card of the figure ``code``."""
    match = re.search(rf'data-figure="{code}">.*?<span class="value">(.*?)</span>', page, re.S)
    assert match, code
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def heading_count(page: str, heading_id: str) -> int:
    match = re.search(rf'id="{heading_id}">[^<]*<span class="count" data-count="(\d+)"', page)
    assert match, heading_id
    return int(match.group(1))


def test_the_grid_page_shows_the_open_tasks_it_lists(leader, city):
    response = leader.get(f"/dashboard/grids/{city['grid'].pk}/")
    page = response.content.decode()

    tasks, issues = response.context["tasks"], response.context["issues"]
    assert len(tasks) == 4
    assert figure(page, "current_open_tasks") == "4" == str(heading_count(page, "tasks-title"))
    assert figure(page, "current_overdue_tasks") == str(sum(task.is_overdue for task in tasks)) == "2"
    assert figure(page, "current_open_issues") == str(len(issues)) == str(heading_count(page, "issues-title"))
    assert figure(page, "current_overdue_issues") == str(sum(issue.is_overdue for issue in issues)) == "1"
    assert page.count('class="row is-overdue"') == 3  # two tasks, one issue
    # The period's figures say that they count the period.
    assert figure(page, "found") == "0"
    assert 'data-figure="open_tasks"' not in page


def test_the_map_counts_what_the_grid_page_lists(leader, city):
    grids = {grid["code"]: grid for grid in leader.get("/dashboard/map/").json()["grids"]}

    lc_g03 = grids["LC-G03"]
    assert (lc_g03["openTasks"], lc_g03["overdueTasks"], lc_g03["openIssues"]) == (4, 2, 2)
    assert (lc_g03["found"], lc_g03["pointsLost"]) == (0, 0)


def test_the_dashboard_labels_the_periods_overdue_tasks_apart_from_the_list(leader, city):
    for _ in range(30):  # more overdue tasks than the page lists
        TaskFactory(department=city["housing"], due_date=day(1, 10))
    response = leader.get("/dashboard/")
    page = response.content.decode()

    assert figure(page, "overdue_tasks") == "2"  # due this week: two of 市城管局's
    assert figure(page, "current_overdue_tasks") == "38" == str(heading_count(page, "overdue-title"))
    assert len(response.context["overdue"]) == 30
    assert response.context["overdue_total"] == 38  # "the 30 longest overdue of 38 are shown"
    kpi_labels = {str(card["term"].label) for card in response.context["kpi_cards"]}
    assert str(glossary.label("overdue_tasks")) in kpi_labels
    assert str(glossary.label("current_overdue_tasks")) not in kpi_labels  # it is in the "open now" group
    ranking = {row["code"]: row for row in response.context["scoreboard"]}
    assert sum(row["current_overdue_tasks"] for row in ranking.values()) == 38


def test_a_departments_page_shows_its_overdue_tasks_as_many_as_it_lists(leader, city):
    response = leader.get(f"/dashboard/departments/{city['urban'].pk}/")
    page = response.content.decode()

    assert figure(page, "overdue_tasks") == "2"
    assert figure(page, "current_overdue_tasks") == "5" == str(len(response.context["overdue"]))
    assert heading_count(page, "overdue-title") == 5
    assert figure(page, "current_open_tasks") == str(len(response.context["tasks"])) == "5"


def test_department_staff_see_their_own_overdue_total_above_their_list(client, city):
    client.force_login(UserFactory(role=Role.STAFF, department=city["urban"]))
    response = client.get("/dashboard/")
    page = response.content.decode()

    assert heading_count(page, "overdue-title") == 5 == len(response.context["overdue"])
    assert figure(page, "current_overdue_tasks") == "5"


# --- Cut-off time --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/dashboard/", "department", "grid"])
def test_every_page_of_figures_says_its_cut_off_time(leader, city, path):
    path = {
        "department": f"/dashboard/departments/{city['urban'].pk}/",
        "grid": f"/dashboard/grids/{city['grid'].pk}/",
    }.get(path, path)
    page = leader.get(path).content.decode()

    assert str(glossary.label("as_of")) in page
    assert '<time datetime="2018-03-15T10:00:00+08:00">2018-03-15 10:00</time>' in page


def test_the_map_and_the_api_say_their_cut_off_time(leader, city):
    assert leader.get("/dashboard/map/").json()["as_of"] == "2018-03-15T10:00:00+08:00"
    client = client_for(UserFactory(role=Role.LEADER))
    for url in ("/api/v1/scoreboards/departments/", "/api/v1/scoreboards/grids/"):
        body = client.get(url).json()
        assert body["as_of"] == "2018-03-15T10:00:00+08:00", url
        assert body["period"]["end"] == "2018-03-15"
        assert (body["period"]["previous_start"], body["period"]["previous_end"]) == ("2018-03-05", "2018-03-08")


def test_the_api_gives_each_department_and_grid_its_current_totals(city):
    client = client_for(UserFactory(role=Role.LEADER))
    departments = {row["code"]: row for row in client.get("/api/v1/scoreboards/departments/").json()["results"]}
    grids = {row["code"]: row for row in client.get("/api/v1/scoreboards/grids/").json()["results"]}

    assert (departments["CGJ"]["overdue_tasks"], departments["CGJ"]["current_overdue_tasks"]) == (2, 5)
    assert grids["LC-G03"]["current_open_tasks"] == 4
    assert grids["LC-G03"]["current_overdue_issues"] == 1


def read(write, **kwargs):
    stream = io.BytesIO()
    write(stream, **kwargs)
    stream.seek(0)
    return load_workbook(stream)


def test_the_workbooks_say_their_cut_off_time(city):
    weekly = read(weekly_workbook_write, week_start=day(3, 12), generated_at=NOW)
    export = read(overdue_workbook_write, rows=overdue_tasks(today=TODAY), total=8, today=TODAY, as_of=NOW)

    local_now = NOW.replace(tzinfo=None)  # Excel has no time zones: local time, as the reader sees it
    assert (weekly[SUMMARY]["A3"].value, weekly[SUMMARY]["B3"].value) == (zh("as_of"), local_now)
    for sheet in weekly:
        assert f"{zh('as_of')} 2018-03-15 10:00" in sheet.oddHeader.center.text, sheet.title
    sheet = export.active
    assert (sheet["A1"].value, sheet["B1"].value) == (zh("as_of"), local_now)
    assert sheet["A3"].value == "任务编号"
    assert len(list(sheet.iter_rows(min_row=4))) == 8


def test_the_weekly_summary_counts_its_lists_apart_from_the_weeks_figures(city):
    book = read(weekly_workbook_write, week_start=day(3, 12), generated_at=NOW)
    summary = {row[0]: row[1:] for row in book[SUMMARY].iter_rows(min_row=8, values_only=True) if row[0]}

    assert summary[zh("overdue_tasks")][0] == 2
    assert summary[zh("current_overdue_tasks")] == (8, None, None)
    assert len(list(book["逾期任务"].iter_rows(min_row=2))) == 8
    assert summary[zh("current_open_issues")][0] == len(list(book["问题整改"].iter_rows(min_row=2))) == 2


# --- One vocabulary ------------------------------------------------------------------------------


def test_the_ranking_and_the_workbook_speak_the_glossarys_words(leader, city):
    response = leader.get("/dashboard/")
    book = read(weekly_workbook_write, week_start=day(3, 12), generated_at=NOW)

    with translation.override("zh-hans"):
        labels = glossary.labels()
        columns = [str(column["label"]) for column in response.context["columns"]]
        cards = [str(card["term"].label) for card in response.context["kpi_cards"] + response.context["current_cards"]]
    headers = [cell.value for cell in book[DEPARTMENTS][1]]
    assert set(headers) <= labels
    assert set(columns) <= labels
    assert set(cards) <= labels
    assert headers == columns  # the same columns, in the same order, in the same words
    page = response.content.decode()
    for text in columns + cards:
        assert text in page
    kpi_labels = [cell.value for cell in book[SUMMARY]["A"][7:22] if cell.value]
    assert set(kpi_labels) <= labels


def test_the_glossary_has_one_label_per_term_and_a_definition_for_each():
    with translation.override("zh-hans"):
        labels = [str(term.label) for term in glossary.TERMS.values()]
    assert len(labels) == len(set(labels))
    assert all(str(term.definition) for term in glossary.TERMS.values())
    with pytest.raises(KeyError):
        glossary.term("办结率")


def test_the_api_describes_each_figure_in_the_glossarys_words(admin_client):
    schema = admin_client.get("/api/v1/schema/", {"format": "json"}).json()
    row = schema["components"]["schemas"]["DepartmentRow"]["properties"]

    for code in ("dispatched", "on_time_closure_rate", "rework_rate", "overdue_tasks", *CURRENT_FIELDS):
        assert str(glossary.definition(code)) in row[code]["description"], code
    assert "as_of" in schema["components"]["schemas"]["DepartmentScoreboard"]["properties"]


def test_the_readme_defines_the_figures_as_the_glossary_does():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")

    assert glossary.markdown_table() in readme


def test_a_lower_is_better_target_says_so_and_its_bar_shows_progress(leader, clock):
    pledge = PledgeFactory(date=day(1, 1))
    target = TargetFactory(
        pledge=pledge,
        name="道路积尘负荷",
        unit="%",
        baseline=Decimal(100),
        target_value=Decimal(0),
        direction=Target.Direction.DECREASE,
        deadline=day(12, 31),
    )
    ProgressReportFactory(task=TaskFactory(target=target), quantity=Decimal("13.7"))
    page = leader.get("/dashboard/panels/targets/", headers={"HX-Request": "true"}).content.decode()

    item = re.search(r'<li class="target[^"]*">.*?</li>', page, re.S).group(0)
    assert str(glossary.label("lower_is_better")) in item
    assert 'value="13.7"' in item  # 13.7 % of the way from 100 down to 0
    assert "86.3" in item
    assert "86.3 / 0" not in item


def test_the_legends_say_what_they_colour(leader, city):
    page = leader.get("/dashboard/").content.decode()
    data = leader.get("/dashboard/").context["data"]

    legend = re.search(r'<span class="legend small">(.*?)</span>\s*</div>', page, re.S).group(1)
    assert str(glossary.label("on_time_closure_rate")) in legend
    assert data["labels"]["legend"]["openIssues"]
    assert str(Period.of(Period.THIS_WEEK, today=TODAY).label) in data["labels"]["legend"]["pointsLost"]
