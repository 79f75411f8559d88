"""The weekly accountability workbook: what it holds, the command, the pages, the Celery job and the e-mail.

The city of most tests is built through the real services at known moments (``clock``): the week
reported on is Monday 12 – Sunday 18 March 2018, built "on Monday 19 March at 08:00", so that it is
judged as at midnight between the two. The tests with a real Celery worker use the real clock."""

import datetime
import io
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from assessment.models import Grade
from assessment.scoring import built_in
from campaign.models import Task
from campaign.services import progress_report_create
from campaign.tests.factories import CampaignFactory, PledgeFactory, TargetFactory, TaskFactory
from config.celery import app
from core import glossary
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.models import Grid
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Criterion, Issue
from inspections.services import issue_file, issue_submit, issue_verify
from inspections.tests.factories import CriterionFactory
from reports import workbook as workbook_module
from reports.models import XLSX_CONTENT_TYPE, WeeklyReport
from reports.selectors import (
    Period,
    campaign_kpis,
    department_ranking,
    department_scoreboard,
    grid_scoreboard,
    open_issues,
    overdue_tasks,
    target_progress,
)
from reports.services import weekly_report_build, weekly_report_send
from reports.tasks import build_weekly_report
from reports.workbook import (
    EVALUATION_COLUMNS,
    GRID_COLUMNS,
    ISSUE_COLUMNS,
    OVERDUE_COLUMNS,
    SHEET_NAMES,
    SUMMARY_COLUMNS,
    TARGET_COLUMNS,
    department_columns,
    display_width,
    week_label,
    weekly_workbook_write,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = Period.week(day=datetime.date(2018, 3, 14))  # 12–18 March 2018, ISO week 2018-W11
AS_AT = datetime.date(2018, 3, 19)  # the Monday after: what "today" is for the week's report
HEADERS = {
    "总览": SUMMARY_COLUMNS,
    "部门排名": department_columns(built_in().codes()),  # no scheme configured: the built-in ranking
    "逾期任务": OVERDUE_COLUMNS,
    "问题整改": ISSUE_COLUMNS,
    "目标进度": TARGET_COLUMNS,
    "网格": GRID_COLUMNS,
    "测评得分率": EVALUATION_COLUMNS,
}
RED = "FFC7CE"


def zh(code: str) -> str:
    """A glossary label as the workbook writes it (in Chinese)."""
    with translation.override("zh-hans"):
        return str(glossary.label(code))


def at(day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2018, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` makes the services believe it is ``moment``."""

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def city(db, clock):
    """Two departments, two grids, four issues and five tasks around the week of 12–18 March 2018.

    Issues (3 working days to rectify):
      A  housing, filed Mon 12, rectified and verified Wed 14 — closed on time
      B  urban,   filed Tue 13, still dispatched: its deadline (Fri 16) has passed — overdue
      C  housing, filed Wed 14, dispatched, deadline Mon 19 — open, not overdue
      D  urban,   filed Tue 6 (last week), awaiting verification
    Tasks besides the rectification tasks the issues opened:
      T1 housing, due Tue 13, open — overdue (in the north grid; its title begins with "=")
      T2 urban,   due Wed 14, done on time
      T3 housing, due Wed 7 (last week), in progress — overdue
      T4 housing, counts toward a target, due next month
    """
    campaign = CampaignFactory()
    housing = DepartmentFactory(code="QZJ", name="东昌府区住房和城乡建设局")
    urban = DepartmentFactory(code="CGJ", name="聊城市城市管理局")
    for department in (housing, urban):
        department.head = UserFactory(department=department, role=Role.STAFF)
        department.save()
    north, south = GridFactory(code="G01", name="古楼街道第1网格"), GridFactory(code="G02", name="柳园街道第2网格")
    in_north = PlaceFactory(grid=north, assigned_department=housing, name="古楼佳苑")
    in_south = PlaceFactory(grid=south, assigned_department=urban, name="南关街")
    criterion = CriterionFactory(points=2, lead=Criterion.Lead.ASSIGNED, rectify_limit="3d", title="暴露垃圾")
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    photos = photos_prepare([photo_upload("after.jpg")])

    def file(place, moment):
        clock(moment)
        return issue_file(reporter=inspector, place=place, criterion=criterion, description="路边有暴露垃圾")

    issues = {"A": file(in_north, at(12)), "B": file(in_south, at(13)), "C": file(in_north, at(14))}
    issues["D"] = file(in_south, at(6))
    clock(at(7, 9))
    issue_submit(issue=issues["D"], actor=urban.head, note="已清理", photos=photos)
    clock(at(14, 9))
    issue_submit(issue=issues["A"], actor=housing.head, note="已清理", photos=photos)
    clock(at(14, 11))
    issue_verify(issue=issues["A"], actor=inspector, note="核验通过")

    section = SectionFactory(parent=housing, name="物业管理科")
    accountable = UserFactory(department=section, last_name="王", first_name="建国", phone="0635-8241234")
    tasks = {
        "T1": TaskFactory(
            campaign=campaign,
            department=housing,
            section=section,
            accountable=accountable,
            title="=老旧小区整治",
            due_date=datetime.date(2018, 3, 13),
        ),
        "T2": TaskFactory(
            campaign=campaign,
            department=urban,
            due_date=datetime.date(2018, 3, 14),
            status=Task.Status.DONE,
            completed_at=at(14, 16),
        ),
        "T3": TaskFactory(
            campaign=campaign, department=housing, due_date=datetime.date(2018, 3, 7), status=Task.Status.IN_PROGRESS
        ),
    }
    tasks["T1"].grids.add(north)
    target = TargetFactory(
        pledge=PledgeFactory(campaign=campaign, department=housing),
        name="老旧小区改造",
        unit="个",
        target_value=104,
        deadline=datetime.date(2018, 12, 31),
    )
    tasks["T4"] = TaskFactory(campaign=campaign, department=housing, target=target, due_date=datetime.date(2018, 4, 30))
    clock(at(16, 15))
    progress_report_create(task=tasks["T4"], author=tasks["T4"].accountable, quantity=Decimal(26), note="已开工26个")
    clock(at(19, 8))
    return {"housing": housing, "urban": urban, "north": north, "issues": issues, "tasks": tasks, "target": target}


def build(**kwargs):
    """The workbook of the week, built on Monday 19 March at 08:00, read back."""
    stream = io.BytesIO()
    facts = weekly_workbook_write(stream, week_start=WEEK.start, generated_at=at(19, 8), **kwargs)
    stream.seek(0)
    return load_workbook(stream), facts


def rows(sheet, *, header_row: int = 1) -> list[tuple]:
    """The data rows below the header, up to the first empty row or the 合计 row."""
    found = []
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if row[0] is None or row[0] == "合计":
            break
        found.append(row)
    return found


def column(sheet, header: str, *, header_row: int = 1) -> list:
    headers = [cell.value for cell in sheet[header_row]]
    index = headers.index(header)
    return [row[index] for row in rows(sheet, header_row=header_row)]


# --- The workbook -------------------------------------------------------------------------------


def test_it_writes_seven_sheets_with_chinese_headers(city):
    book, facts = build()

    assert (
        book.sheetnames
        == list(SHEET_NAMES)
        == ["总览", "部门排名", "逾期任务", "问题整改", "目标进度", "网格", "回访满意率", "测评得分率"]
    )
    for name, columns in HEADERS.items():
        header_row = 7 if name == "总览" else 1
        assert [cell.value for cell in book[name][header_row]] == [column.header for column in columns]
    # The ranking's columns, in the glossary's words: the score and grade, the scheme's indicators (the
    # built-in ranking's, none being configured), then what is open now.
    assert [cell.value for cell in book["部门排名"][1]] == [
        zh(code)
        for code in (
            "department",
            "score",
            "grade",
            "closure_rate",
            "on_time_closure_rate",
            "rework_rate",
            "points_lost",
            "current_overdue_tasks",
            "current_open_issues",
        )
    ]
    assert book["总览"]["B2"].value == "2018-W11（2018-03-12 至 2018-03-18）"
    moment = book["总览"]["B3"].value  # judged as at the end of the week: midnight into Monday
    assert (moment.date(), moment.time()) == (AS_AT, datetime.time(0))
    assert facts.today == AS_AT


def test_it_writes_real_numbers_percentages_and_dates(city):
    book, _facts = build()
    ranking = book["部门排名"]
    housing = next(row for row in ranking.iter_rows(min_row=2) if row[0].value == "东昌府区住房和城乡建设局")

    score, grade, closure_rate, points = housing[1], housing[2], housing[3], housing[6]
    assert (score.data_type, score.value, score.number_format) == ("n", 96, "0.00")  # 100 less the 4 points lost
    with translation.override("zh-hans"):
        assert grade.value == str(Grade.EXCELLENT.label)
    assert closure_rate.value == pytest.approx(0.5)
    assert closure_rate.number_format == "0.0%"
    assert points.value == 4
    assert points.number_format == "0.00"

    overdue = book["逾期任务"]
    first = overdue[2]
    assert first[0].value == city["tasks"]["T3"].code  # longest overdue first
    assert first[6].value.date() == datetime.date(2018, 3, 7)
    assert first[6].is_date
    assert first[6].number_format == "yyyy-mm-dd"
    assert first[7].value == 8  # working days in (7 March, 19 March]
    t1 = next(row for row in overdue.iter_rows(min_row=2) if row[0].value == city["tasks"]["T1"].code)
    assert t1[1].value == "=老旧小区整治"
    assert t1[1].data_type == "s"
    assert [t1[3].value, t1[4].value, t1[5].value] == ["物业管理科", "王建国", "0635-8241234"]

    target = book["目标进度"][2]
    assert [cell.value for cell in target[:4]] == [
        "东昌府区住房和城乡建设局",
        "老旧小区改造",
        "个",
        zh("higher_is_better"),
    ]
    assert target[6].value == 26
    assert target[7].value == pytest.approx(0.25)
    assert target[7].number_format == "0.0%"
    assert target[8].is_date
    assert target[9].value == zh("target_on_track")

    deadline = book["问题整改"][2][5]
    assert deadline.is_date
    assert deadline.number_format == "yyyy-mm-dd hh:mm"


def test_it_fills_overdue_rows_red(city):
    book, _facts = build()

    issues = {row[0].value: row for row in book["问题整改"].iter_rows(min_row=2)}
    overdue_issue, open_issue = issues[city["issues"]["B"].code], issues[city["issues"]["C"].code]
    assert {cell.fill.fgColor.rgb[-6:] for cell in overdue_issue} == {RED}
    with translation.override("zh-hans"):
        dispatched = str(Issue.Status.DISPATCHED.label)
    assert overdue_issue[6].value == f"{dispatched}（{zh('past_deadline')}）"
    assert open_issue[0].fill.fill_type is None
    assert all(row[0].fill.fgColor.rgb[-6:] == RED for row in book["逾期任务"].iter_rows(min_row=2))


def test_it_freezes_filters_and_prints_every_sheet_landscape_on_one_page_width(city):
    book, _facts = build()

    for sheet in book:
        header_row = 7 if sheet.title == "总览" else 1
        assert sheet.freeze_panes == f"A{header_row + 1}"
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        # One page wide is the file format's default, which the file may leave unsaid (None).
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.print_title_rows == f"${header_row}:${header_row}"
    # T1, T3 and the rectification task of issue B; D's waits on the inspectors, which is nobody's lateness.
    assert book["逾期任务"].auto_filter.ref == f"A1:H{1 + 3}"


def test_it_sizes_columns_for_chinese_text(city):
    book, _facts = build()

    assert display_width("丢分 A") == 6
    title = max(display_width(value) for value in column(book["逾期任务"], "任务"))
    assert book["逾期任务"].column_dimensions["B"].width >= title
    assert book["部门排名"].column_dimensions["A"].width >= display_width("东昌府区住房和城乡建设局")


def test_it_adds_up_to_the_dashboards_selectors(city):
    book, _facts = build()
    moment = WEEK.ends_before
    ranking = department_ranking(period=WEEK, today=AS_AT, now=moment).rows
    board = {row["name"]: row for row in department_scoreboard(period=WEEK, today=AS_AT, now=moment)}
    grids = list(grid_scoreboard(period=WEEK, today=AS_AT, now=moment))

    for key in ("current_overdue_tasks", "current_open_issues"):
        assert sum(column(book["部门排名"], zh(key))) == sum(row[key] for row in ranking), key
    assert Decimal(str(sum(column(book["部门排名"], zh("points_lost"))))) == sum(row["points_lost"] for row in ranking)
    assert column(book["部门排名"], zh("department")) == [row["name"] for row in ranking]
    assert column(book["部门排名"], zh("score")) == [float(row["score"]) for row in ranking]
    for key in ("on_time_closure_rate", "closure_rate", "points_lost"):  # the dashboard's scoreboard, number for number
        names = column(book["部门排名"], zh("department"))
        assert column(book["部门排名"], zh(key)) == [board[name][key] for name in names], key
    assert book["部门排名"][f"G{len(ranking) + 2}"].value == f"=SUM(G2:G{len(ranking) + 1})"  # points lost add up

    assert column(book["逾期任务"], "任务编号") == [row["code"] for row in overdue_tasks(today=AS_AT)]
    assert column(book["逾期任务"], "逾期工作日") == [row["days_overdue"] for row in overdue_tasks(today=AS_AT)]
    assert column(book["问题整改"], "编号") == [issue.code for issue in open_issues(now=moment)]
    assert column(book["目标进度"], "当前值") == [row["current_value"] for row in target_progress(today=AS_AT)]
    # The dashboard's percentage (held to 0–100 %, one decimal), not a raw fraction of its own.
    progress = zh("target_progress")
    assert column(book["目标进度"], progress) == [float(row["percent"]) / 100 for row in target_progress(today=AS_AT)]
    for key in ("found", "current_open_issues", "current_open_tasks", "current_overdue_tasks"):
        assert sum(column(book["网格"], zh(key))) == sum(row[key] for row in grids), key

    kpis = campaign_kpis(period=WEEK, today=AS_AT)
    summary = {row[0]: row[1:] for row in rows(book["总览"], header_row=7)}
    assert summary[zh("found")] == (kpis["issues"]["found"], kpis["previous"]["issues"]["found"], 2)
    assert summary[zh("overdue_tasks")][0] == kpis["tasks"]["overdue"]
    assert summary[zh("closure_rate")][0] == pytest.approx(kpis["issues"]["closure_rate"])
    assert summary[zh("points_lost")][0] == kpis["issues"]["points_lost"] == 6
    # The lists' counts, apart from the week's figures.
    assert summary[zh("current_overdue_tasks")] == (len(overdue_tasks(today=AS_AT)), None, None)
    assert summary[zh("current_open_issues")][0] == len(open_issues(now=moment))


def test_it_reports_progress_at_most_every_500_rows(city):
    subdistrict, leader = city["north"].subdistrict, city["north"].leader
    Grid.objects.bulk_create(
        Grid(code=f"B{n:04d}", name=f"批量网格{n}", subdistrict=subdistrict, leader=leader) for n in range(1200)
    )
    calls = []

    _book, facts = build(progress=lambda done, total: calls.append((done, total)))

    assert calls[0] == (0, facts.total_rows)
    assert calls[-1] == (facts.total_rows, facts.total_rows)
    assert facts.rows["网格"] == 1202
    done = [call[0] for call in calls]
    assert done == sorted(set(done))
    gaps = [later - earlier for earlier, later in zip(done, done[1:-1], strict=False)]
    assert min(gaps) >= workbook_module.PROGRESS_EVERY
    assert len(calls) <= facts.total_rows // workbook_module.PROGRESS_EVERY + 2


# --- Stored reports and the command -------------------------------------------------------------


def test_it_stores_a_week_once_and_replaces_its_file_when_built_again(city, django_capture_on_commit_callbacks):
    first = weekly_report_build(week_start=datetime.date(2018, 3, 14))
    old_name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        again = weekly_report_build(week_start=WEEK.start)

    assert WeeklyReport.objects.count() == 1
    assert again.pk == first.pk
    assert again.week_start == WEEK.start
    assert again.week_label == "2018-W11"
    assert again.status == WeeklyReport.Status.SUCCEEDED
    assert again.percent == 100
    assert again.file.name != old_name
    assert not again.file.storage.exists(old_name)
    assert again.file_size == again.file.size > 0
    assert again.figures["overdue_tasks"] == 3  # T1, T3, B's task (D's waits on the inspectors)
    assert again.figures["as_of"] == "2018-03-19T00:00:00+08:00"
    assert again.progress_done == again.progress_total > 0


def test_it_records_a_failed_build(db, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reports.services.weekly_workbook_write", explode)

    with pytest.raises(RuntimeError):
        weekly_report_build(week_start=WEEK.start)

    report = WeeklyReport.objects.get()
    assert report.status == WeeklyReport.Status.FAILED
    assert "disk full" in report.error
    assert report.finished_at is not None


def test_it_writes_a_weeks_workbook_to_a_file_from_the_command(city, tmp_path):
    output = tmp_path / "周报.xlsx"
    out = io.StringIO()

    call_command("build_weekly_report", "--week", "2018-W11", "--output", str(output), stdout=out)

    assert "2018-W11" in out.getvalue()
    book = load_workbook(output)
    assert book.sheetnames == list(SHEET_NAMES)
    assert book["总览"]["B2"].value.startswith("2018-W11")
    assert not WeeklyReport.objects.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["周报.xlsx"]


@pytest.mark.parametrize("week", ["2018-W99", "last week", "2018-13", "2099-W01"])
def test_it_refuses_a_bad_week_and_writes_nothing(db, tmp_path, week):
    output = tmp_path / "w.xlsx"

    with pytest.raises(CommandError, match=week):
        call_command("build_weekly_report", "--week", week, "--output", str(output))

    assert list(tmp_path.iterdir()) == []
    assert not WeeklyReport.objects.exists()


def test_it_stores_a_report_from_the_command_without_output(city):
    call_command("build_weekly_report", "--week", "2018-W11", stdout=io.StringIO())

    report = WeeklyReport.objects.get()
    assert (report.week_start, report.status, report.requested_by) == (WEEK.start, "succeeded", None)


# --- Sending ------------------------------------------------------------------------------------


def test_it_emails_the_leaders_once_per_week(city):
    UserFactory(role=Role.LEADER, email="mayor@liaocheng.example", department=None)
    UserFactory(role=Role.LEADER, email="", department=None)
    UserFactory(role=Role.STAFF, email="staff@liaocheng.example")
    report = weekly_report_build(week_start=WEEK.start)

    assert weekly_report_send(report=report) == 1
    assert weekly_report_send(report=report) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mayor@liaocheng.example"]
    assert "创城问责周报" in message.subject
    assert "2018-W11" in message.subject
    assert "逾期未完成任务共 3 项" in message.body
    assert message.alternatives[0].mimetype == "text/html"
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("创城问责周报-2018-W11.xlsx", XLSX_CONTENT_TYPE)
    assert load_workbook(io.BytesIO(content)).sheetnames == list(SHEET_NAMES)


# --- Pages --------------------------------------------------------------------------------------

PAGES = (
    ("get", "/reports/weekly/"),
    ("post", "/reports/weekly/build/"),
    ("get", "/reports/weekly/{pk}/"),
    ("get", "/reports/weekly/{pk}/status/"),
    ("get", "/reports/weekly/{pk}/download/"),
)


def stored_report(week_start: datetime.date, **fields) -> WeeklyReport:
    return WeeklyReport.objects.create(week_start=week_start, status=WeeklyReport.Status.SUCCEEDED, **fields)


@pytest.fixture
def leader(client, db):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.INSPECTOR])
def test_it_refuses_staff_and_inspectors(client, role):
    report = stored_report(WEEK.start)
    client.force_login(UserFactory(role=role))
    for method, url in PAGES:
        response = getattr(client, method)(url.format(pk=report.pk), {"week": "2018-W11"} if method == "post" else {})
        assert response.status_code == 403, url
    assert WeeklyReport.objects.count() == 1


def test_it_lists_weeks_in_a_constant_number_of_queries(leader):
    stored_report(WEEK.start, requested_by=UserFactory())
    leader.get("/reports/weekly/")  # warm up per-process caches
    with CaptureQueriesContext(connection) as one:
        response = leader.get("/reports/weekly/")
    assert response.status_code == 200

    for weeks in range(1, 5):
        stored_report(WEEK.start - datetime.timedelta(weeks=weeks), requested_by=UserFactory())
    with CaptureQueriesContext(connection) as five:
        response = leader.get("/reports/weekly/")

    assert len(response.context["reports"]) == 5
    assert len(five) == len(one), [query["sql"] for query in five.captured_queries]
    page = response.content.decode()
    assert "2018-W11" in page
    assert "2018-W07" in page
    assert 'name="week"' in page


def test_it_refuses_a_week_that_is_not_one(leader):
    response = leader.post("/reports/weekly/build/", {"week": "2018-W77"}, follow=True)

    assert response.redirect_chain[-1][0] == "/reports/weekly/"
    assert "2018-W77" in response.content.decode()
    assert not WeeklyReport.objects.exists()


def test_it_starts_one_build_however_often_the_leader_clicks(leader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as first:
        response = leader.post("/reports/weekly/build/", {"week": "2018-W11"})
    report = WeeklyReport.objects.get()
    assert response["Location"] == f"/reports/weekly/{report.pk}/"
    assert report.status == WeeklyReport.Status.PENDING

    with django_capture_on_commit_callbacks() as second:
        leader.post("/reports/weekly/build/", {"week": "2018-W11"})

    assert (len(first), len(second)) == (1, 0)
    assert WeeklyReport.objects.count() == 1


def test_it_shows_a_builds_progress_without_inline_scripts(leader):
    report = WeeklyReport.objects.create(
        week_start=WEEK.start, status=WeeklyReport.Status.RUNNING, progress_done=250, progress_total=1000
    )

    page = leader.get(f"/reports/weekly/{report.pk}/").content.decode()
    status = leader.get(f"/reports/weekly/{report.pk}/status/").json()

    assert f'data-status-url="/reports/weekly/{report.pk}/status/"' in page
    assert "reports/weekly-report.js" in page
    assert "<script>" not in page
    assert "<script " not in page.replace('<script src="', "")
    assert status == {
        "status": "running",
        "status_display": status["status_display"],
        "done": 250,
        "total": 1000,
        "percent": 25,
        "finished": False,
        "download_url": None,
    }
    assert leader.get(f"/reports/weekly/{report.pk}/download/").status_code == 404


# --- With a real Celery worker ------------------------------------------------------------------


def wait_for(condition, *, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def some_work_this_week() -> None:
    today = timezone.localdate()
    department = DepartmentFactory()
    TaskFactory(department=department, due_date=today - datetime.timedelta(days=7))
    GridFactory()


@pytest.mark.django_db(transaction=True)
def test_it_builds_on_a_worker_while_the_leader_watches_and_downloads(client):
    some_work_this_week()
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    week = week_label(timezone.localdate())

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post("/reports/weekly/build/", {"week": week})
        report = WeeklyReport.objects.get()
        assert response["Location"] == f"/reports/weekly/{report.pk}/"
        assert client.get(response["Location"]).status_code == 200
        seen = []

        def finished():
            status = client.get(f"/reports/weekly/{report.pk}/status/").json()
            seen.append(status["percent"])
            return status if status["finished"] else None

        status = wait_for(finished)

    assert status["status"] == "succeeded"
    assert status["percent"] == 100
    assert seen == sorted(seen)
    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert content.startswith(b"PK")
    assert load_workbook(io.BytesIO(content)).sheetnames == list(SHEET_NAMES)
    report.refresh_from_db()
    assert report.requested_by is not None
    assert report.emailed_at is None
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_monday_job_on_a_worker_and_emails_the_leaders():
    some_work_this_week()
    leaders = [
        UserFactory(role=Role.LEADER, email="mayor@liaocheng.example", department=None),
        UserFactory(role=Role.ADMINISTRATOR, email="office@liaocheng.example", department=None),
        UserFactory(role=Role.LEADER, email="secretary@liaocheng.example", department=None),
    ]
    UserFactory(role=Role.LEADER, email="", department=None)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = build_weekly_report.delay().get(timeout=30)  # as beat sends it: no arguments
        wait_for(lambda: len(mail.outbox) >= 2)

    last_week = Period.of(Period.LAST_WEEK, today=timezone.localdate())
    report = WeeklyReport.objects.get()
    assert result == {
        "report": report.pk,
        "week": week_label(last_week.start),
        "status": "succeeded",
        "bytes": report.file_size,
    }
    assert report.week_start == last_week.start
    assert report.requested_by is None
    assert report.emailed_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        leader.email for leader in leaders if Role.LEADER in leader.role_names
    )
    message = mail.outbox[0]
    assert message.subject.startswith("【创城问责周报】")
    assert message.alternatives[0].mimetype == "text/html"
    ((filename, content, mimetype),) = message.attachments
    assert filename == report.filename
    assert mimetype == XLSX_CONTENT_TYPE
    assert load_workbook(io.BytesIO(content))["总览"]["B2"].value.startswith(week_label(last_week.start))
