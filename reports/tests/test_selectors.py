"""The dashboard's and the weekly workbook's figures, on a small city built by hand.

The clock is set for each step, so the issues walk their real workflow (``issue_file`` →
``issue_submit`` → ``issue_verify``…) at known moments. Today is Friday 16 March 2018: this week is
12–18 March, last week 5–11 March."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from campaign.models import Task
from campaign.services import progress_report_create
from campaign.tests.factories import CampaignFactory, PledgeFactory, TargetFactory, TaskFactory
from core.images import photos_prepare
from core.models import WorkdayOverride
from core.tests.factories import photo_upload
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Criterion
from inspections.services import issue_file, issue_send_back, issue_submit, issue_verify
from inspections.tests.factories import CriterionFactory
from reports.selectors import (
    CURRENT_FIELDS,
    Period,
    campaign_kpis,
    department_scoreboard,
    grid_scoreboard,
    open_issues,
    open_tasks,
    overdue_tasks,
    target_progress,
    weekly_trends,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2018, 3, 16)
THIS_WEEK = Period.of(Period.THIS_WEEK, today=TODAY)
LAST_WEEK = Period.of(Period.LAST_WEEK, today=TODAY)
CAMPAIGN = Period.of(Period.CAMPAIGN, today=TODAY)


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2018, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` makes the services believe it is ``moment``."""

    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def city(clock):
    """Two departments, two grids with a place each, and the issues and tasks of two weeks.

    This week (12–18 March):
      I1  housing, 2 points, filed Mon, closed Wed — on time
      I2  housing, 2 points, filed Mon, closed exactly at its deadline (Thu 17:30, the office's close) — on time
      I3  urban, 1 point (one working day to rectify), filed Mon, sent back once, closed Fri — late, reworked
      I4  urban, 1 point, filed Tue, still dispatched (its task is due today)
      I5  2 points, filed Wed, not dispatched yet
    Last week (5–11 March):
      L1  housing, 2 points, filed Mon, closed Tue — on time
      L2  urban, 1 point (one working day to rectify), filed Tue, sent back once, awaiting verification again
    """
    CampaignFactory()
    housing = DepartmentFactory(code="QZJ", name="区住建局", short_name="住建")
    urban = DepartmentFactory(code="CGJ", name="市城管局", short_name="城管")
    for department in (housing, urban):
        department.head = UserFactory(department=department, role=Role.STAFF)
        department.save()
    north, south = GridFactory(code="G01"), GridFactory(code="G02")
    place_a = PlaceFactory(grid=north, assigned_department=housing)
    place_b = PlaceFactory(grid=south, assigned_department=urban)
    two = CriterionFactory(points=2, lead=Criterion.Lead.ASSIGNED, rectify_limit="3d")
    one = CriterionFactory(points=1, lead=Criterion.Lead.ASSIGNED, rectify_limit="3d")
    # A send-back gives the department the whole limit again: a day, so that the rework is due the same week.
    one_day = CriterionFactory(points=1, lead=Criterion.Lead.ASSIGNED, rectify_limit="1d")
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    photos = photos_prepare([photo_upload("after.jpg")])

    def file(place, criterion, moment, **kwargs):
        clock(moment)
        return issue_file(reporter=inspector, place=place, criterion=criterion, description="暴露垃圾", **kwargs)

    def submit(issue, moment):
        clock(moment)
        return issue_submit(issue=issue, actor=issue.department.head, note="已清理", photos=photos)

    def verify(issue, moment):
        clock(moment)
        return issue_verify(issue=issue, actor=inspector)

    def send_back(issue, moment):
        clock(moment)
        return issue_send_back(issue=issue, actor=inspector, reason="仍有残留")

    issues = {}
    issues["L1"] = file(place_a, two, at(5))
    submit(issues["L1"], at(6, 9))
    verify(issues["L1"], at(6, 11))
    issues["L2"] = file(place_b, one_day, at(6))
    submit(issues["L2"], at(7, 9))
    send_back(issues["L2"], at(7, 11))
    submit(issues["L2"], at(8, 9))

    issues["I1"] = file(place_a, two, at(12))
    submit(issues["I1"], at(14, 8))
    verify(issues["I1"], at(14, 9))
    issues["I2"] = file(place_a, two, at(12))
    submit(issues["I2"], at(15, 12))
    verify(issues["I2"], at(15, 17, 30))
    issues["I3"] = file(place_b, one_day, at(12))
    submit(issues["I3"], at(13, 9))
    send_back(issues["I3"], at(13, 11))
    submit(issues["I3"], at(16, 8))
    verify(issues["I3"], at(16, 9))
    issues["I4"] = file(place_b, one, at(13))
    issues["I5"] = file(place_a, two, at(14), dispatch=False)
    clock(at(16, 12))

    done = {"status": Task.Status.DONE}
    tasks = {
        "T1": TaskFactory(department=housing, due_date=datetime.date(2018, 3, 13)),
        # Completed at 00:30 on Monday local time: still Sunday in UTC, yet this week's work.
        "T2": TaskFactory(department=housing, due_date=datetime.date(2018, 3, 14), completed_at=at(12, 0, 30), **done),
        "T3": TaskFactory(department=urban, due_date=datetime.date(2018, 3, 12), completed_at=at(15), **done),
        "T4": TaskFactory(department=urban, due_date=TODAY),
        "T5": TaskFactory(department=housing, due_date=datetime.date(2018, 3, 20)),
        "T6": TaskFactory(department=housing, due_date=datetime.date(2018, 3, 7), status=Task.Status.IN_PROGRESS),
        "T7": TaskFactory(department=housing, due_date=datetime.date(2018, 3, 13), status=Task.Status.CANCELLED),
    }
    tasks["T1"].grids.add(north)
    return {
        "housing": housing,
        "urban": urban,
        "north": north,
        "south": south,
        "issues": issues,
        "tasks": tasks,
    }


# --- Periods -----------------------------------------------------------------------------------


def test_it_starts_weeks_on_monday_and_compares_with_the_week_before():
    sunday = Period.of(Period.THIS_WEEK, today=datetime.date(2018, 3, 18))
    assert (sunday.start, sunday.end) == (datetime.date(2018, 3, 12), datetime.date(2018, 3, 18))
    assert (sunday.previous().start, sunday.previous().end) == (LAST_WEEK.start, LAST_WEEK.end)
    # This week so far, Monday to Friday, against Monday to Friday of last week.
    assert (THIS_WEEK.start, THIS_WEEK.end) == (datetime.date(2018, 3, 12), TODAY)
    assert (THIS_WEEK.previous().start, THIS_WEEK.previous().end) == (LAST_WEEK.start, datetime.date(2018, 3, 9))
    assert (LAST_WEEK.previous().start, LAST_WEEK.previous().end) == (
        datetime.date(2018, 2, 26),
        datetime.date(2018, 3, 4),
    )


def test_it_compares_a_month_so_far_with_the_same_days_of_the_previous_month():
    month = Period.of(Period.THIS_MONTH, today=TODAY)
    assert (month.start, month.end) == (datetime.date(2018, 3, 1), TODAY)
    assert (month.previous().start, month.previous().end) == (datetime.date(2018, 2, 1), datetime.date(2018, 2, 16))
    last_day = Period.of(Period.THIS_MONTH, today=datetime.date(2018, 3, 31))
    assert (last_day.previous().start, last_day.previous().end) == (
        datetime.date(2018, 2, 1),
        datetime.date(2018, 2, 28),
    )


def test_it_gives_the_whole_campaign_no_bounds_and_no_previous_period():
    assert (CAMPAIGN.start, CAMPAIGN.end, CAMPAIGN.previous()) == (None, None, None)


def test_it_falls_back_to_this_week_for_an_unknown_period():
    assert Period.of("next_century", today=TODAY) == THIS_WEEK


def test_it_counts_moments_in_local_time():
    assert THIS_WEEK.starts_at == datetime.datetime(2018, 3, 12, tzinfo=SHANGHAI)
    assert THIS_WEEK.ends_before == datetime.datetime(2018, 3, 17, tzinfo=SHANGHAI)  # to date: today included


# --- Campaign KPIs ------------------------------------------------------------------------------


def test_it_computes_this_weeks_issue_figures(city):
    issues = campaign_kpis(period=THIS_WEEK, today=TODAY)["issues"]

    assert {key: issues[key] for key in ("found", "open", "dispatched", "rectified", "closed_on_time")} == {
        "found": 5,
        "open": 2,
        "dispatched": 4,
        "rectified": 3,
        "closed_on_time": 2,  # I2, closed exactly at its deadline, is on time
    }
    assert issues["closure_rate"] == pytest.approx(3 / 4)
    assert issues["on_time_closure_rate"] == pytest.approx(2 / 3)
    assert (issues["reworked"], issues["rework_base"]) == (1, 3)
    assert issues["rework_rate"] == pytest.approx(1 / 3)
    assert issues["points_lost"] == Decimal(8)


def test_it_computes_this_weeks_task_figures_leaving_cancelled_tasks_out(city):
    tasks = campaign_kpis(period=THIS_WEEK, today=TODAY)["tasks"]

    # T1 T2 T3 T4 and the rectification tasks of I1–I4, all due this week; T7 is cancelled.
    # Done: T2 (on time), T3 (late), I1 and I2 (on time), I3 (late). Overdue: T1 only — T4 and
    # I4's task are due today, not overdue yet.
    assert tasks == {"total": 8, "done": 5, "overdue": 1, "on_time": 3, "on_time_rate": pytest.approx(3 / 6)}


def test_it_compares_with_last_week(city):
    kpis = campaign_kpis(period=THIS_WEEK, today=TODAY)

    previous = kpis["previous"]
    assert (previous["issues"]["found"], previous["issues"]["points_lost"]) == (2, Decimal(3))
    assert previous["issues"]["on_time_closure_rate"] == 1.0
    assert previous["issues"]["rework_rate"] == 0.5  # L2, awaiting verification after a rework
    # T6 is overdue; L2's rectification task waits on the inspectors, which is nobody's lateness.
    assert previous["tasks"] == {
        "total": 3,
        "done": 1,
        "overdue": 1,
        "on_time": 1,
        "on_time_rate": pytest.approx(1 / 2),
    }
    assert kpis["delta"]["issues"]["found"] == 3
    assert kpis["delta"]["issues"]["points_lost"] == Decimal(5)
    assert kpis["delta"]["issues"]["on_time_closure_rate"] == pytest.approx(2 / 3 - 1)
    assert kpis["delta"]["tasks"]["overdue"] == 0
    assert kpis["previous_period"] == THIS_WEEK.previous()


def test_it_covers_everything_for_the_whole_campaign_without_deltas(city):
    kpis = campaign_kpis(period=CAMPAIGN, today=TODAY)

    assert (kpis["issues"]["found"], kpis["issues"]["points_lost"]) == (7, Decimal(11))
    assert kpis["tasks"]["total"] == 12  # T1–T6 and six rectification tasks
    assert (kpis["previous"], kpis["delta"]) == (None, None)


def test_it_has_no_rates_without_tasks_or_issues():
    kpis = campaign_kpis(period=THIS_WEEK, today=TODAY)

    assert kpis["tasks"] == {"total": 0, "done": 0, "overdue": 0, "on_time": 0, "on_time_rate": None}
    assert kpis["issues"]["points_lost"] == Decimal(0)
    assert kpis["issues"]["on_time_closure_rate"] is None
    assert kpis["issues"]["rework_rate"] is None
    assert kpis["delta"]["tasks"]["on_time_rate"] is None


def test_it_rates_zero_when_every_task_is_overdue():
    TaskFactory.create_batch(3, due_date=datetime.date(2018, 3, 12))

    tasks = campaign_kpis(period=THIS_WEEK, today=TODAY)["tasks"]

    assert tasks == {"total": 3, "done": 0, "overdue": 3, "on_time": 0, "on_time_rate": 0.0}


# --- Department ranking -------------------------------------------------------------------------


def test_it_ranks_the_departments_of_this_week(city):
    rows = {row["code"]: row for row in department_scoreboard(period=THIS_WEEK, today=TODAY)}

    assert rows["QZJ"] == {
        "id": city["housing"].pk,
        "code": "QZJ",
        "name": "区住建局",
        "short_name": "住建",
        "dispatched": 2,
        "closed": 2,
        "open": 0,
        "closure_rate": 1.0,
        "closed_on_time": 2,
        "on_time_closure_rate": 1.0,
        "reworked": 0,
        "rework_base": 2,
        "rework_rate": 0.0,
        "points_lost": Decimal(4),
        "overdue_tasks": 1,  # T1
        # Whatever the period: T1, T5 and T6 open, T1 and T6 overdue; I5, not dispatched, is nobody's yet.
        "current_open_tasks": 3,
        "current_overdue_tasks": 2,
        "current_open_issues": 0,
        "current_overdue_issues": 0,
    }
    urban = rows["CGJ"]
    assert (urban["dispatched"], urban["closed"], urban["open"]) == (2, 1, 1)
    assert (urban["closure_rate"], urban["on_time_closure_rate"], urban["rework_rate"]) == (0.5, 0.0, 1.0)
    assert (urban["points_lost"], urban["overdue_tasks"]) == (Decimal(2), 0)
    assert (urban["current_open_issues"], urban["current_open_tasks"]) == (2, 2)  # I4 and L2; T4, I4's task


def test_it_agrees_with_the_campaign_kpis(city):
    rows = list(department_scoreboard(period=THIS_WEEK, today=TODAY))
    issues = campaign_kpis(period=THIS_WEEK, today=TODAY)["issues"]

    assert sum(row["dispatched"] for row in rows) == issues["dispatched"]
    assert sum(row["closed"] for row in rows) == issues["rectified"]
    assert sum(row["closed_on_time"] for row in rows) == issues["closed_on_time"]
    # The points of I5, not yet dispatched, are the city's but no department's yet.
    assert sum(row["points_lost"] for row in rows) == issues["points_lost"] - 2


def test_it_ranks_last_week_on_its_own_issues_and_tasks(city):
    rows = {row["code"]: row for row in department_scoreboard(period=LAST_WEEK, today=TODAY)}

    assert (rows["QZJ"]["dispatched"], rows["QZJ"]["points_lost"], rows["QZJ"]["overdue_tasks"]) == (1, 2, 1)
    # L2's rectification task waits on the inspectors: not overdue.
    assert (rows["CGJ"]["open"], rows["CGJ"]["rework_rate"], rows["CGJ"]["overdue_tasks"]) == (1, 1.0, 0)
    assert rows["CGJ"]["on_time_closure_rate"] is None  # nothing closed


def test_it_puts_the_department_that_lost_most_points_first_and_sorts_on_request(city):
    by_default = department_scoreboard(period=THIS_WEEK, today=TODAY)
    by_rework = department_scoreboard(period=THIS_WEEK, today=TODAY, sort="-rework_rate")
    ascending = department_scoreboard(period=THIS_WEEK, today=TODAY, sort="rework_rate")

    assert [row["code"] for row in by_default] == ["QZJ", "CGJ"]
    assert [row["code"] for row in by_rework] == ["CGJ", "QZJ"]
    assert [row["code"] for row in ascending] == ["QZJ", "CGJ"]


def test_it_restricts_the_ranking_to_given_departments_and_leaves_sections_and_idle_departments_out(city):
    SectionFactory(parent=city["housing"])
    DepartmentFactory(code="IDLE")

    assert [row["code"] for row in department_scoreboard(period=CAMPAIGN, today=TODAY)] == ["QZJ", "CGJ"]
    only = department_scoreboard(period=CAMPAIGN, today=TODAY, department_ids=[city["urban"].pk])
    assert [row["code"] for row in only] == ["CGJ"]


@pytest.mark.parametrize("period", [THIS_WEEK, CAMPAIGN])
def test_it_ranks_in_three_queries(city, django_assert_num_queries, period):
    with django_assert_num_queries(3):
        rows = department_scoreboard(period=period, today=TODAY)

    assert sum(row["overdue_tasks"] for row in rows) >= 1


# --- Grids ----------------------------------------------------------------------------------------


def test_it_scores_the_grids_for_the_map(city):
    rows = {row["code"]: row for row in grid_scoreboard(period=THIS_WEEK, today=TODAY)}

    north, south = rows["G01"], rows["G02"]
    assert (north["open_issues"], north["points_lost"], north["open_tasks"], north["overdue_tasks"]) == (
        1,  # I5
        Decimal(6),
        1,  # T1
        1,
    )
    assert (south["open_issues"], south["points_lost"], south["open_tasks"], south["overdue_tasks"]) == (
        1,  # I4
        Decimal(2),
        1,  # I4's rectification task, due today
        0,
    )
    # What is open now, whenever it began: I5 and T1 in the north; I4 and L2 (awaiting verification)
    # in the south, and I4's task (L2's waits on the inspectors).
    assert [north[key] for key in CURRENT_FIELDS] == [1, 1, 1, 0]
    assert [south[key] for key in CURRENT_FIELDS] == [1, 0, 2, 0]
    assert (north["found"], south["found"]) == (3, 2)  # I1 I2 I5; I3 I4
    assert north["leader_name"] == city["north"].leader.display_name


@pytest.mark.parametrize("period", [THIS_WEEK, CAMPAIGN])
def test_it_scores_the_grids_in_two_queries(city, django_assert_num_queries, period):
    with django_assert_num_queries(2):
        rows = grid_scoreboard(period=period, today=TODAY)

    assert sum(row["open_issues"] for row in rows) >= 1


# --- Targets --------------------------------------------------------------------------------------


def test_it_projects_targets_to_their_deadline():
    pledge = PledgeFactory(date=datetime.date(2018, 2, 28))
    author = UserFactory()

    def target(code: str, *, reported: int, **kwargs):
        made = TargetFactory(pledge=pledge, code=code, **kwargs)
        task = TaskFactory(target=made, department=pledge.department)
        progress_report_create(task=task, author=author, quantity=Decimal(reported))
        return made

    target("ahead", reported=10, target_value=104, deadline=datetime.date(2018, 12, 31))
    target("behind", reported=1000, target_value=49000, deadline=datetime.date(2018, 12, 31))
    target(
        "falling", reported=5, baseline=100, target_value=80, direction="decrease", deadline=datetime.date(2018, 12, 31)
    )
    target("met", reported=10, target_value=10, deadline=datetime.date(2018, 3, 10))
    target("missed", reported=5, target_value=10, deadline=datetime.date(2018, 3, 10))

    rows = {row["code"]: row for row in target_progress(today=TODAY)}

    # 16 of the 306 days from the pledge to the deadline have passed.
    expected = 16 / 306
    assert rows["ahead"]["expected"] == pytest.approx(expected)
    assert (rows["ahead"]["current_value"], rows["ahead"]["progress"]) == (Decimal(10), pytest.approx(10 / 104))
    assert rows["ahead"]["percent"] == Decimal("9.6")
    assert rows["ahead"]["projected_value"] == pytest.approx(10 / expected, abs=0.01)
    assert {code: row["on_track"] for code, row in rows.items()} == {
        "ahead": True,
        "behind": False,
        "falling": True,
        "met": True,
        "missed": False,
    }
    assert (rows["falling"]["current_value"], rows["falling"]["progress"]) == (Decimal(95), 0.25)
    assert (rows["met"]["achieved"], rows["missed"]["achieved"]) == (True, False)
    assert rows["missed"]["days_left"] == -6
    # Where each stands and which way it points, in the glossary's words.
    assert {code: row["state"] for code, row in rows.items()} == {
        "ahead": "target_on_track",
        "behind": "target_at_risk",
        "falling": "target_on_track",
        "met": "target_achieved",
        "missed": "target_missed",
    }
    assert (rows["falling"]["direction_term"], rows["ahead"]["direction_term"]) == (
        "lower_is_better",
        "higher_is_better",
    )


def test_it_reads_the_targets_in_one_query_however_many_there_are(django_assert_num_queries):
    TargetFactory.create_batch(3)
    with django_assert_num_queries(1):
        assert len(target_progress(today=TODAY)) == 3


# --- Trends ---------------------------------------------------------------------------------------


def test_it_counts_each_week_in_local_time(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        trends = weekly_trends(weeks=3, today=TODAY)

    assert trends == [
        {
            "week": datetime.date(2018, 2, 26),
            "found": 0,
            "rectified": 0,
            "points_lost": Decimal(0),
            "tasks_completed": 0,
        },
        {
            "week": datetime.date(2018, 3, 5),
            "found": 2,
            "rectified": 1,
            "points_lost": Decimal(3),
            "tasks_completed": 1,  # L1's rectification
        },
        {
            "week": datetime.date(2018, 3, 12),
            "found": 5,
            "rectified": 3,
            "points_lost": Decimal(8),
            "tasks_completed": 5,  # T2 (Monday 00:30), T3, and those of I1, I2, I3
        },
    ]


# --- Lists ----------------------------------------------------------------------------------------


def test_it_counts_days_overdue_in_working_days_across_qingming(django_assert_num_queries):
    department = DepartmentFactory()
    section = SectionFactory(parent=department, name="村镇科")
    accountable = UserFactory(last_name="王", first_name="强", phone="0635-8888888", department=department)
    TaskFactory(
        code="LATE", department=department, section=section, accountable=accountable, due_date=datetime.date(2018, 4, 2)
    )
    TaskFactory(code="LESS", department=department, accountable=None, due_date=datetime.date(2018, 4, 4))
    TaskFactory(
        code="DONE",
        department=department,
        due_date=datetime.date(2018, 4, 2),
        status=Task.Status.DONE,
        completed_at=at(3, month=4),
    )
    TaskFactory(code="TODAY", department=department, due_date=datetime.date(2018, 4, 10))
    WorkdayOverride.objects.create(date=datetime.date(2018, 4, 9), is_workday=False, note="test")

    with django_assert_num_queries(2):
        rows = overdue_tasks(today=datetime.date(2018, 4, 10))

    assert [row["code"] for row in rows] == ["LATE", "LESS"]
    late, less = rows
    # (2 April, 10 April]: 3rd, 4th, the make-up Sunday the 8th and the 10th; 5–7 April is Qingming
    # and the 9th is made a holiday by an administrator's override.
    assert (late["days_overdue"], late["calendar_days_overdue"]) == (4, 8)
    assert (late["department_name"], late["section_name"], late["accountable_name"], late["accountable_phone"]) == (
        department.name,
        "村镇科",
        "王强",
        "0635-8888888",
    )
    assert (less["days_overdue"], less["accountable_name"]) == (2, None)


def test_it_restricts_and_limits_the_overdue_list(city):
    assert [row["id"] for row in overdue_tasks(today=TODAY, department_ids=[city["housing"].pk])] == [
        city["tasks"]["T6"].pk,
        city["tasks"]["T1"].pk,
    ]
    assert len(overdue_tasks(today=TODAY, limit=1)) == 1
    assert overdue_tasks(today=TODAY, department_ids=[]) == []


def test_it_lists_open_tasks_and_issues_of_a_grid(city):
    tasks = list(open_tasks(today=TODAY, grid_ids=[city["north"].pk]))
    issues = list(open_issues(now=at(16, 12), department_ids=[city["urban"].pk]))

    assert [(task.pk, task.is_overdue) for task in tasks] == [(city["tasks"]["T1"].pk, True)]
    assert sorted((issue.pk, issue.is_overdue) for issue in issues) == sorted(
        [(city["issues"]["L2"].pk, False), (city["issues"]["I4"].pk, False)]
    )


def test_it_computes_both_weeks_kpis_in_one_query(city, django_assert_num_queries):
    with django_assert_num_queries(1):
        kpis = campaign_kpis(period=THIS_WEEK, today=TODAY)

    assert kpis["previous"]["issues"]["found"] == 2


def test_the_partial_index_for_open_tasks_names_exactly_the_open_statuses():
    # PostgreSQL uses task_open_due_idx only when the query's status list matches its condition;
    # a status added to Task.Status must be added to the index (a new migration) as well.
    index = next(index for index in Task._meta.indexes if index.name == "task_open_due_idx")

    assert dict(index.condition.children)["status__in"] == list(Task.OPEN_STATUSES)
