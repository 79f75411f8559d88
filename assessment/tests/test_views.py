"""The assessment's pages and API: who sees which results, the numbers down to their cases, 公示 → 申诉 →
decision → 冻结 through the pages, and the dashboard and the workbook reading the same results."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from assessment.models import Appeal, Level, Publication
from assessment.periods import AssessmentPeriod
from assessment.services import results_publish
from assessment.tests.factories import JINNIU, scheme_with
from campaign.tests.factories import CampaignFactory, TaskFactory
from core import glossary
from core.tests.api import client_for
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

LAST_MONTH = AssessmentPeriod.containing(timezone.localdate(), "month").previous()


def found_last_month(day: int = 5) -> datetime.datetime:
    return datetime.datetime.combine(
        LAST_MONTH.start + datetime.timedelta(days=day), datetime.time(10), tzinfo=timezone.get_current_timezone()
    )


def department_with_cases(code: str, *, closed: int, open_: int, grid=None) -> dict:
    department = DepartmentFactory(code=code, name=f"{code}局")
    TaskFactory(department=department)
    place = PlaceFactory(grid=grid or GridFactory(), assigned_department=department)
    moment = found_last_month()
    issues = []
    for n in range(closed + open_):
        done = n < closed
        issues.append(
            IssueFactory(
                campaign=CampaignFactory(),
                department=department,
                place=place,
                status=Issue.Status.CLOSED if done else Issue.Status.DISPATCHED,
                reported_at=moment,
                dispatched_at=moment,
                deadline=moment + datetime.timedelta(days=60),
                submitted_at=moment + datetime.timedelta(hours=5) if done else None,
                closed_at=moment + datetime.timedelta(hours=6) if done else None,
            )
        )
    return {"department": department, "issues": issues, "place": place}


@pytest.fixture
def city():
    scheme_with(JINNIU, campaign=CampaignFactory(), valid_from=datetime.date(2000, 1, 1))
    return {
        "housing": department_with_cases("QZJ", closed=3, open_=1),
        "urban": department_with_cases("CGJ", closed=1, open_=3),
        "leader": UserFactory(role=Role.LEADER, department=None),
    }


def staff_of(department, **kwargs):
    return UserFactory(role=Role.STAFF, department=department, **kwargs)


# --- Reading ---------------------------------------------------------------------------------------


def test_a_leader_reads_every_departments_score_grade_and_numbers(client, city):
    client.force_login(city["leader"])

    response = client.get("/assessment/", {"period": LAST_MONTH.key})

    assert response.status_code == 200
    rows = response.context["page"].object_list
    assert [row["code"] for row in rows] == ["QZJ", "CGJ"]
    assert [row["rank"] for row in rows] == [1, 2]
    page = response.content.decode()
    for code in ("disposal_rate", "on_time_disposal_rate", "repeated_complaint_places", "score", "grade"):
        assert str(glossary.label(code)) in page


def test_department_staff_read_their_own_result_only(client, city):
    client.force_login(staff_of(city["urban"]["department"]))

    response = client.get("/assessment/", {"period": LAST_MONTH.key, "level": "grid"})
    other = client.get(f"/assessment/units/department/{city['housing']['department'].pk}/", {"period": LAST_MONTH.key})
    grid = client.get(f"/assessment/units/grid/{city['urban']['place'].grid_id}/", {"period": LAST_MONTH.key})

    assert [row["code"] for row in response.context["page"].object_list] == ["CGJ"]
    assert response.context["level"] == Level.DEPARTMENT  # streets and grids are the city's figures
    assert response.context["page"].object_list[0]["rank"] == 2  # its rank in the whole city
    assert (other.status_code, grid.status_code) == (403, 403)


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.API_CLIENT])
def test_it_refuses_those_without_results_to_read(client, city, role):
    client.force_login(UserFactory(role=role, department=None))

    assert client.get("/assessment/").status_code == 403


def test_each_number_opens_the_cases_behind_it(client, city):
    client.force_login(staff_of(city["housing"]["department"]))
    department = city["housing"]["department"]

    unit = client.get(f"/assessment/units/department/{department.pk}/", {"period": LAST_MONTH.key})
    parts = {part["code"]: part for part in unit.context["parts"]}
    cases = client.get(parts["disposal_rate"]["links"]["numerator"])
    of = client.get(parts["disposal_rate"]["links"]["denominator"])

    assert (parts["disposal_rate"]["numerator"], parts["disposal_rate"]["denominator"]) == (3, 4)
    assert {issue.pk for issue in cases.context["page"].object_list} == {
        issue.pk for issue in city["housing"]["issues"][:3]
    }
    assert of.context["page"].paginator.count == 4
    assert "denominator" not in parts["repeated_complaint_places"]["links"]  # a count is out of nothing


@pytest.mark.parametrize("url", ["results", "unit", "cases"])
def test_its_query_count_does_not_grow_with_the_rows(client, city, queries_of, url):
    client.force_login(city["leader"])
    department = city["housing"]["department"]
    paths = {
        "results": ("/assessment/", {"period": LAST_MONTH.key}),
        "unit": (f"/assessment/units/department/{department.pk}/", {"period": LAST_MONTH.key}),
        "cases": (
            f"/assessment/units/department/{department.pk}/cases/",
            {"period": LAST_MONTH.key, "code": "disposal_rate", "part": "denominator"},
        ),
    }
    path, params = paths[url]
    baseline = queries_of(client, path, params)

    for code in ("ONE", "TWO", "THREE"):
        department_with_cases(code, closed=4, open_=3)
    department_with_cases("QZJ-MORE", closed=2, open_=2, grid=city["housing"]["place"].grid)
    for _ in range(6):
        IssueFactory(
            department=department,
            place=city["housing"]["place"],
            status=Issue.Status.CLOSED,
            reported_at=found_last_month(6),
            closed_at=found_last_month(7),
        )

    assert queries_of(client, path, params) == baseline


def test_the_results_take_one_query_per_base_not_per_indicator(city, django_assert_max_num_queries):
    from assessment.selectors import compute, formula_in_force

    formula = formula_in_force(kind="month", day=LAST_MONTH.start)
    # The departments, the period's issues (five indicators in one query), the repeated complaints.
    # (Reading the scheme in force is one query, and four for its parts.)
    with django_assert_max_num_queries(3):
        rows = compute(formula=formula, period=LAST_MONTH, level=Level.DEPARTMENT, now=timezone.now())
    assert len(rows) == 2
    assert len(formula.items) + len(formula.adjustments) == 6


# --- 公示, 申诉, 冻结 through the pages ---------------------------------------------------------------


def test_a_leader_publishes_a_department_appeals_the_leader_decides_and_freezes(client, city):
    leader, staff = city["leader"], staff_of(city["urban"]["department"])
    client.force_login(leader)
    published = client.post("/assessment/publish/", {"period": LAST_MONTH.key})
    publication = Publication.objects.get()
    assert published.status_code == 302
    assert published["Location"].endswith(f"/publications/{publication.pk}/")

    client.force_login(staff)
    form = client.get(f"/assessment/publications/{publication.pk}/").context["appeal_form"]
    assert "disposal_rate" in dict(form.fields["indicator"].choices)
    filed = client.post(
        f"/assessment/publications/{publication.pk}/appeals/",
        {"indicator": "disposal_rate", "reason": "两件已处置，系统未记录"},
    )
    appeal = Appeal.objects.get()
    assert filed.status_code == 302
    assert appeal.department == city["urban"]["department"]

    client.force_login(leader)
    decided = client.post(
        f"/assessment/appeals/{appeal.pk}/decide/",
        {
            f"appeal-{appeal.pk}-decision": "uphold",
            f"appeal-{appeal.pk}-numerator": "3",
            f"appeal-{appeal.pk}-denominator": "4",
        },
    )
    Publication.objects.filter(pk=publication.pk).update(appeal_until=timezone.now() - datetime.timedelta(minutes=1))
    frozen = client.post(f"/assessment/publications/{publication.pk}/freeze/")
    results = client.get("/assessment/", {"period": LAST_MONTH.key})

    assert (decided.status_code, frozen.status_code) == (302, 302)
    assert Publication.objects.get().status == Publication.Status.FROZEN
    assert results.context["results"].stage == "frozen"
    urban = next(row for row in results.context["page"].object_list if row["code"] == "CGJ")
    assert next(part for part in urban["indicators"] if part["code"] == "disposal_rate")["numerator"] == 3


def test_an_appeal_after_the_window_is_refused_and_changes_nothing(client, city):
    publication = results_publish(period=LAST_MONTH, actor=city["leader"], now=timezone.now())
    Publication.objects.filter(pk=publication.pk).update(appeal_until=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(staff_of(city["urban"]["department"]))

    response = client.post(
        f"/assessment/publications/{publication.pk}/appeals/", {"indicator": "disposal_rate", "reason": "晚了"}
    )

    assert response.status_code == 409
    assert not Appeal.objects.exists()
    assert "appeal_form" in response.context


# --- The API -------------------------------------------------------------------------------------------


def test_the_api_answers_each_row_with_its_score_grade_and_indicators(city):
    response = client_for(city["leader"]).get("/api/v1/assessment/results/", {"period": LAST_MONTH.key})

    assert response.status_code == 200
    body = response.json()
    assert (body["period"], body["stage"], body["level"]) == (LAST_MONTH.key, "live", "department")
    first = body["results"][0]
    assert {"department", "score", "grade", "indicators"} <= set(first)
    assert set(first["indicators"][0]) == {"code", "numerator", "denominator", "value", "points"}
    # 金牛: 30 × 3/4 + 20 × 3/3 + 20 + 20 + 10 (the open case's deadline is ahead)
    assert (first["department"], first["score"], first["grade"]) == ("QZJ局", 92.5, "excellent")
    disposal = first["indicators"][0]
    assert (
        disposal["code"],
        disposal["numerator"],
        disposal["denominator"],
        disposal["value"],
        disposal["points"],
    ) == (
        "disposal_rate",
        3,
        4,
        0.75,
        22.5,
    )


@pytest.mark.parametrize("period", ["2018-13", "2018-W54", "2019-W53", "March", ""])
def test_the_api_refuses_what_is_not_a_period(city, period):
    response = client_for(city["leader"]).get("/api/v1/assessment/results/", {"period": period})

    assert response.status_code == 400


def test_the_api_gives_department_staff_their_own_rows_and_no_grids(city):
    client = client_for(staff_of(city["housing"]["department"]))

    own = client.get("/api/v1/assessment/results/", {"period": LAST_MONTH.key}).json()["results"]
    grids = client.get("/api/v1/assessment/results/", {"period": LAST_MONTH.key, "level": "grid"})

    assert [row["code"] for row in own] == ["QZJ"]
    assert grids.status_code == 403


def test_the_apis_query_count_does_not_grow_with_the_rows(city, django_assert_max_num_queries):
    client = client_for(city["leader"])
    client.get("/api/v1/assessment/results/", {"period": LAST_MONTH.key, "level": "grid"})
    with django_assert_max_num_queries(30) as small:
        client.get("/api/v1/assessment/results/", {"period": LAST_MONTH.key, "level": "grid"})
    for code in ("ONE", "TWO", "THREE"):
        department_with_cases(code, closed=2, open_=2)

    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/api/v1/assessment/results/", {"period": LAST_MONTH.key, "level": "grid"})
    assert len(response.json()["results"]) == 5


# --- The dashboard and the workbook read the results ---------------------------------------------------


def test_the_dashboard_ranks_by_the_scheme_in_force(client, city):
    client.force_login(city["leader"])
    today = timezone.localdate()
    this_month = AssessmentPeriod.containing(today, "month")
    for department in (city["housing"]["department"], city["urban"]["department"]):
        moment = datetime.datetime.combine(this_month.start, datetime.time(9), tzinfo=timezone.get_current_timezone())
        IssueFactory(department=department, status=Issue.Status.DISPATCHED, reported_at=moment, dispatched_at=moment)

    response = client.get("/dashboard/", {"period": "this_month"})

    keys = [column["key"] for column in response.context["columns"]]
    assert keys[:4] == ["name", "score", "grade", "disposal_rate"]
    assert keys[-2:] == ["current_overdue_tasks", "current_open_issues"]
    assert response.context["scheme"].code.startswith("KH")
