"""The leaders' dashboard, its drill-downs and the overdue export: who sees what, and how fast."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import ProgressReportFactory, TargetFactory, TaskFactory
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory
from reports.views import rate_band

pytestmark = pytest.mark.django_db


def square(lat: float, lng: float, size: float = 0.01) -> dict:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def department_with_work(code: str, *, n: int = 1) -> dict:
    """A department with a grid, ``n`` overdue tasks and ``n`` dispatched issues found today."""
    today = timezone.localdate()
    now = timezone.now()
    department = DepartmentFactory(code=code, name=f"{code}局")
    grid = GridFactory(code=f"G-{code}", boundary=square(36.45, 115.98), latitude=36.455, longitude=115.985)
    grid.departments.add(department)
    place = PlaceFactory(grid=grid, assigned_department=department)
    for _ in range(n):
        task = TaskFactory(department=department, due_date=today - datetime.timedelta(days=3))
        task.grids.add(grid)
        IssueFactory(
            place=place,
            department=department,
            status=Issue.Status.DISPATCHED,
            reported_at=now,
            dispatched_at=now,
            deadline=now + datetime.timedelta(days=3),
        )
        IssueFactory(
            place=place,
            department=department,
            status=Issue.Status.CLOSED,
            reported_at=now - datetime.timedelta(hours=2),
            dispatched_at=now - datetime.timedelta(hours=2),
            deadline=now - datetime.timedelta(hours=1),
            closed_at=now,
            rework_count=1,
        )
        ProgressReportFactory(task=TaskFactory(department=department, target=TargetFactory()))
    return {"department": department, "grid": grid, "place": place}


@pytest.fixture
def leader(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


@pytest.fixture
def housing():
    return department_with_work("QZJ")


@pytest.fixture
def urban():
    return department_with_work("CGJ")


def panel(client, name: str, **params):
    """A dashboard panel as htmx fetches it once the page shows."""
    return client.get(f"/dashboard/panels/{name}/", params, headers={"HX-Request": "true"})


def staff_of(client, department):
    client.force_login(UserFactory(role=Role.STAFF, department=department))
    return client


# --- Who may see it -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.API_CLIENT, None])
def test_it_refuses_users_who_are_neither_leaders_nor_department_staff(client, housing, role):
    client.force_login(UserFactory(role=role, department=None))
    for url in (
        "/dashboard/",
        "/dashboard/map/",
        "/dashboard/overdue.xlsx",
        f"/dashboard/departments/{housing['department'].pk}/",
        f"/dashboard/grids/{housing['grid'].pk}/",
    ):
        assert client.get(url).status_code == 403


def test_it_shows_leaders_the_whole_city(leader, housing, urban):
    response = leader.get("/dashboard/")

    assert response.status_code == 200
    assert {row["code"] for row in response.context["scoreboard"]} == {"QZJ", "CGJ"}
    assert response.context["kpis"]["issues"]["found"] == 4
    assert len(panel(leader, "targets").context["targets"]) == 2
    page = response.content.decode()
    assert 'id="grid-map"' in page
    for name in ("lights", "grids", "evaluation", "trends", "citizens", "targets"):
        assert f'hx-get="/dashboard/panels/{name}/?period=this_week" hx-trigger="load"' in page
    assert 'id="chart-issues"' in panel(leader, "trends").content.decode()
    assert f'href="/dashboard/departments/{housing["department"].pk}/?period=this_week"' in page


def test_it_shows_administrators_the_whole_city(admin_client, housing, urban):
    response = admin_client.get("/dashboard/")

    assert response.status_code == 200
    assert len(response.context["scoreboard"]) == 2


def test_it_shows_department_staff_only_their_own_row_and_overdue_tasks(client, housing, urban):
    response = staff_of(client, housing["department"]).get("/dashboard/")

    assert response.status_code == 200
    assert [row["code"] for row in response.context["scoreboard"]] == ["QZJ"]
    assert {task["department_id"] for task in response.context["overdue"]} == {housing["department"].pk}
    assert "kpis" not in response.context
    page = response.content.decode()
    assert 'id="grid-map"' not in page
    assert "dashboard-data" not in page


def test_it_lets_staff_drill_into_their_own_department_only(client, housing, urban):
    staff_of(client, housing["department"])

    assert client.get(f"/dashboard/departments/{housing['department'].pk}/").status_code == 200
    assert client.get(f"/dashboard/departments/{urban['department'].pk}/").status_code == 403
    assert client.get(f"/dashboard/grids/{housing['grid'].pk}/").status_code == 403


def test_it_lets_a_sections_staff_see_their_bureau(client, housing):
    section = DepartmentFactory(code="QZJ-1", kind="section", parent=housing["department"])
    response = staff_of(client, section).get("/dashboard/")

    assert [row["code"] for row in response.context["scoreboard"]] == ["QZJ"]


# --- What it shows --------------------------------------------------------------------------------


def test_it_switches_the_period(leader, housing):
    this_week = leader.get("/dashboard/")
    last_week = leader.get("/dashboard/?period=last_week")
    campaign = leader.get("/dashboard/?period=campaign")

    assert this_week.context["period"].key == "this_week"
    assert this_week.context["kpis"]["issues"]["found"] == 2
    assert last_week.context["kpis"]["issues"]["found"] == 0
    assert campaign.context["kpis"]["previous"] is None
    assert 'aria-current="true">' in campaign.content.decode()


def test_it_sorts_the_ranking_by_the_column_asked_for(leader):
    department_with_work("ONE", n=1)
    department_with_work("TWO", n=2)

    by_points = leader.get("/dashboard/?sort=-points_lost").context["scoreboard"]
    by_name = leader.get("/dashboard/?sort=name").context["scoreboard"]
    nonsense = leader.get("/dashboard/?sort=password")

    assert [row["code"] for row in by_points] == ["TWO", "ONE"]
    assert [row["name"] for row in by_name] == ["ONE局", "TWO局"]
    assert nonsense.context["sort"] == "-score"  # the best score first


def test_it_bands_the_on_time_closure_rate(leader, housing):
    # housing closed its issue after the deadline: 0 % on time, red.
    IssueFactory(
        place=housing["place"],
        department=housing["department"],
        status=Issue.Status.CLOSED,
        reported_at=timezone.now(),
        closed_at=timezone.now(),
        deadline=timezone.now() + datetime.timedelta(hours=1),
    )
    row = leader.get("/dashboard/").context["scoreboard"][0]

    assert row["on_time_closure_rate"] == pytest.approx(0.5)
    assert row["band"] == "red"
    assert [rate_band(rate) for rate in (None, 0.69, 0.7, 0.89, 0.9, 1.0)] == [
        "",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]


def test_it_hands_the_map_its_data_as_json_without_inline_scripts(leader, housing):
    response = leader.get("/dashboard/")

    data = response.context["data"]
    assert data["mapUrl"] == "/dashboard/map/?period=this_week"
    assert "grids" not in data  # the map's boundaries are fetched, not carried by the page
    # The weekly charts are drawn on the server (test_dashboard_words.py), from the same figures.
    assert panel(leader, "trends").context["charts"][0].rows[-1][1] == ["2", "1"]
    page = response.content.decode()
    assert '<link rel="preload" href="/dashboard/map/?period=this_week" as="fetch" crossorigin>' in page
    assert '<script id="dashboard-data" type="application/json">' in page
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_its_map_data_gives_every_grid_its_shape_figures_and_page(leader, housing, urban):
    GridFactory(code="G-DOT", boundary=None, latitude=36.5, longitude=116.0)
    response = leader.get("/dashboard/map/?period=this_week")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    grids = {grid["code"]: grid for grid in response.json()["grids"]}
    assert set(grids) == {"G-QZJ", "G-CGJ", "G-DOT"}
    housing_grid = grids["G-QZJ"]
    assert housing_grid["boundary"]["type"] == "Polygon"
    assert (housing_grid["openIssues"], housing_grid["pointsLost"], housing_grid["overdueTasks"]) == (1, 2.0, 1)
    assert (housing_grid["found"], housing_grid["openTasks"]) == (2, 1)
    assert housing_grid["url"] == f"/dashboard/grids/{housing['grid'].pk}/?period=this_week"
    assert (grids["G-DOT"]["boundary"], grids["G-DOT"]["lat"], grids["G-DOT"]["openIssues"]) == (None, 36.5, 0)

    # Last week found nothing and lost no points; what is open now is open whatever the period.
    last_week = {grid["code"]: grid for grid in leader.get("/dashboard/map/?period=last_week").json()["grids"]}
    assert {(grid["found"], grid["pointsLost"]) for grid in last_week.values()} == {(0, 0)}
    assert last_week["G-QZJ"]["openIssues"] == housing_grid["openIssues"]


def test_its_map_data_is_for_those_who_may_read_city_figures(client, housing):
    assert client.get("/dashboard/map/")["Location"].startswith("/login/")
    staff_of(client, housing["department"])
    assert client.get("/dashboard/map/").status_code == 403


def test_it_lists_the_grids_with_most_open_issues_and_counts_those_without_boundary(leader, housing, urban):
    busy = department_with_work("BUSY", n=3)
    GridFactory(code="G-NONE", boundary=None)
    response = panel(leader, "grids")

    top = response.context["top_grids"]
    assert [(grid["code"], grid["current_open_issues"]) for grid in top] == [("G-BUSY", 3), ("G-CGJ", 1), ("G-QZJ", 1)]
    assert top[0]["id"] == busy["grid"].pk
    assert response.context["grids_without_boundary"] == 1
    page = response.content.decode()
    assert "G-BUSY" in page
    assert "有1个网格尚未设置边界" in page


def test_it_shows_the_ranking_a_page_at_a_time(leader):
    for number in range(32):
        department_with_work(f"D{number:02}")

    first = leader.get("/dashboard/?sort=name")
    second = leader.get("/dashboard/?sort=name&page=2")

    assert [row["code"] for row in first.context["scoreboard"]] == [f"D{number:02}" for number in range(30)]
    assert [row["code"] for row in second.context["scoreboard"]] == ["D30", "D31"]
    assert 'href="?sort=name&amp;page=2"' in first.content.decode()
    assert leader.get("/dashboard/?sort=name&page=99").context["scoreboard"][-1]["code"] == "D31"


def test_it_opens_a_departments_tasks_and_issues(leader, housing):
    response = leader.get(f"/dashboard/departments/{housing['department'].pk}/?period=campaign")

    assert response.status_code == 200
    assert response.context["row"]["dispatched"] == 2
    assert [task["department_id"] for task in response.context["overdue"]] == [housing["department"].pk]
    assert len(response.context["tasks"]) == 2
    assert len(response.context["issues"]) == 1
    assert response.context["issues"][0].status == Issue.Status.DISPATCHED


def test_it_opens_a_grid_with_its_places_people_issues_and_tasks(leader, housing):
    grid = housing["grid"]
    response = leader.get(f"/dashboard/grids/{grid.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert housing["place"].name in page
    assert grid.leader.display_name in page
    assert housing["department"].name in page
    assert response.context["figures"]["open_issues"] == 1
    assert len(response.context["issues"]) == 1
    assert [task.department_id for task in response.context["tasks"]] == [housing["department"].pk]


def test_it_answers_404_for_a_grid_or_department_that_does_not_exist(leader):
    assert leader.get("/dashboard/grids/999999/").status_code == 404
    assert leader.get("/dashboard/departments/999999/").status_code == 404


# --- The Excel export -----------------------------------------------------------------------------


def test_it_exports_the_overdue_list_with_chinese_headers_and_real_types(leader, housing, urban):
    task = Task.objects.filter(department=housing["department"], target=None).get()
    task.accountable.phone = "0635-8241234"
    task.accountable.save()
    response = leader.get("/dashboard/overdue.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["逾期任务"]
    rows = list(workbook["逾期任务"].iter_rows(min_row=3, values_only=True))  # below the cut-off time
    assert rows[0] == (
        "任务编号",
        "任务名称",
        "类型",
        "责任单位",
        "科室",
        "责任人",
        "联系电话",
        "截止日期",
        "逾期工作日",
        "逾期天数",
        "完成进度",
    )
    assert len(rows) == 3
    first = next(row for row in rows[1:] if row[0] == task.code)
    assert first[1:4] == (task.title, "日常工作", "QZJ局")
    assert first[5:7] == (task.accountable.display_name, "0635-8241234")
    assert first[7] == datetime.datetime.combine(task.due_date, datetime.time())
    assert isinstance(first[8], int)
    assert first[9] == 3
    assert first[10] == 0


def test_the_overdue_export_keeps_a_title_that_looks_like_a_formula_as_text(leader, housing):
    task = Task.objects.filter(department=housing["department"], target=None).get()
    task.title = '=HYPERLINK("http://example.com","点此")'
    task.save(update_fields=["title"])

    workbook = load_workbook(io.BytesIO(leader.get("/dashboard/overdue.xlsx").content))
    cell = workbook["逾期任务"]["B4"]

    assert (cell.value, cell.data_type) == (task.title, "s")


def test_it_exports_only_the_staffs_own_department(client, housing, urban):
    response = staff_of(client, urban["department"]).get("/dashboard/overdue.xlsx")

    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=4, values_only=True))
    assert [row[3] for row in rows] == ["CGJ局"]


# --- Speed ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/?period=campaign&sort=name",
        "/dashboard/map/",
        "department",
        "grid",
        "/dashboard/overdue.xlsx",
    ],
)
def test_its_query_count_does_not_grow_with_the_rows(
    leader, django_assert_max_num_queries, django_assert_num_queries, url
):
    first = department_with_work("ONE", n=1)
    paths = {
        "department": f"/dashboard/departments/{first['department'].pk}/",
        "grid": f"/dashboard/grids/{first['grid'].pk}/",
    }
    url = paths.get(url, url)
    with django_assert_max_num_queries(30) as small:
        assert leader.get(url).status_code == 200
    baseline = len(small.captured_queries)

    for code in ("TWO", "THREE", "FOUR"):
        department_with_work(code, n=4)
    more = department_with_work("ONE-MORE", n=6)
    for _ in range(5):
        PlaceFactory(grid=first["grid"], assigned_department=more["department"])
        first["grid"].departments.add(more["department"])
    TaskFactory.create_batch(6, department=first["department"], due_date=timezone.localdate() - datetime.timedelta(1))

    with django_assert_num_queries(baseline):
        assert leader.get(url).status_code == 200


def test_the_city_dashboard_takes_at_most_twelve_queries(leader, housing, urban, django_assert_max_num_queries):
    # The page's query budget, the session, the user with their roles and the bell's count included: what is
    # open now (the rollups by department and the overdue clocks, one), the ranking's three (the scheme in
    # force, the departments, their indicators on the period's issues), the period's figures (the rollups by
    # day and the overdue tasks due in the period, one), the overdue list and its calendar (two). The rest
    # comes in panels once the page shows.
    with django_assert_max_num_queries(12) as captured:
        assert leader.get("/dashboard/").status_code == 200

    assert len(captured.captured_queries) >= 9  # it did read the figures


@pytest.mark.parametrize("name", ["lights", "grids", "evaluation", "trends", "citizens", "targets"])
def test_each_panel_takes_at_most_five_queries(leader, housing, urban, name, django_assert_max_num_queries):
    # (The evaluation panel with a closed round: evaluation/tests/test_pages_and_api.py.)
    with django_assert_max_num_queries(5) as captured:
        response = panel(leader, name)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # the panel alone, put in place by htmx
    assert len(captured.captured_queries) >= 3  # the session, the user with their roles, and what it shows


def test_a_panel_opened_without_javascript_is_a_page_of_its_own(leader, housing):
    response = leader.get("/dashboard/panels/targets/?period=last_week")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert 'href="/dashboard/?period=last_week"' in page  # back to the dashboard
    assert 'id="targets-title"' in page


def test_department_staff_get_the_lights_but_not_the_citys_panels(client, housing, urban):
    staff = staff_of(client, housing["department"])

    assert panel(staff, "lights").status_code == 200
    assert panel(staff, "targets").status_code == 403
    page = staff.get("/dashboard/").content.decode()
    assert 'hx-get="/dashboard/panels/lights/' in page
    assert "/dashboard/panels/targets/" not in page


def test_an_unknown_panel_is_not_found(leader):
    assert panel(leader, "weather").status_code == 404


def test_a_city_with_nothing_yet_shows_zeros(leader):
    response = leader.get("/dashboard/")

    assert response.status_code == 200
    assert response.context["current"] == dict.fromkeys(
        ("current_open_tasks", "current_overdue_tasks", "current_open_issues", "current_overdue_issues"), 0
    )
    assert panel(leader, "targets").status_code == panel(leader, "trends").status_code == 200
