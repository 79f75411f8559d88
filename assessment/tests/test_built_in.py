"""With no scheme configured, the built-in one ranks the departments as the dashboard always has: by the
points they lost, with its rates beside them, number for number."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory
from assessment.models import Level
from assessment.periods import Span
from assessment.scoring import built_in
from assessment.selectors import compute, formula_in_force
from assessment.tests.factories import scheme_with
from campaign.tests.factories import TaskFactory
from inspections.models import Issue
from inspections.tests.factories import IssueFactory
from reports.selectors import Period, department_scoreboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """Five departments: two lost the same points (a tie, broken by the departments' order), one has
    only a task, one a case awaiting verification that was sent back, one a case closed late."""
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    lost = {"QZJ": ["2", "1.5"], "CGJ": ["3.5"], "JTJ": ["1", "3"], "WSJ": [], "JYJ": ["0.5"]}
    for order, (code, points) in enumerate(lost.items()):
        department = DepartmentFactory(code=code, sort_order=order)
        TaskFactory(department=department)
        for n, value in enumerate(points):
            IssueFactory(
                department=department,
                status=Issue.Status.CLOSED if n == 0 else Issue.Status.SUBMITTED,
                points=Decimal(value),
                reported_at=now - 5 * hour,
                deadline=now - 2 * hour,
                submitted_at=now - 3 * hour,
                closed_at=(now - (hour if code == "JTJ" else 4 * hour)) if n == 0 else None,
                rework_count=1 if n == 1 else 0,
            )
    IssueFactory(department=DepartmentFactory(code="RET"), status=Issue.Status.RETURNED, reported_at=now - hour)


FIGURES = {  # the built-in indicator: the dashboard's (numerator, denominator)
    "closure_rate": ("closed", "dispatched"),
    "on_time_closure_rate": ("closed_on_time", "closed"),
    "rework_rate": ("reworked", "rework_base"),
    "points_lost": ("points_lost", None),
}


@pytest.mark.parametrize("key", [Period.THIS_WEEK, Period.CAMPAIGN])
def test_the_built_in_scheme_is_todays_ranking_number_for_number(city, key):
    now = timezone.now()
    today = timezone.localdate(now)
    period = Period.of(key, today=today)
    board = department_scoreboard(period=period, today=today, now=now, sort="points_lost")

    results = compute(
        formula=built_in(), period=Span("week", period.start, period.end), level=Level.DEPARTMENT, now=now
    )

    assert [row["code"] for row in results] == [row["code"] for row in board]
    assert [row["code"] for row in results] == ["WSJ", "JYJ", "QZJ", "CGJ", "JTJ"]  # QZJ and CGJ tie at 96.5
    for result, row in zip(results, board, strict=True):
        parts = {part["code"]: part for part in result["indicators"]}
        for code, (numerator, denominator) in FIGURES.items():
            assert parts[code]["numerator"] == row[numerator], (row["code"], code)
            assert parts[code]["denominator"] == (row[denominator] if denominator else None), (row["code"], code)
            assert parts[code]["value"] == pytest.approx(row.get(code, float(row["points_lost"])))
        assert result["score"] == Decimal(100) - row["points_lost"]
    assert [row["rank"] for row in results] == [1, 2, 3, 3, 5]


def test_the_built_in_scheme_stands_in_only_when_no_scheme_is_in_force():
    day = datetime.date(2018, 3, 1)
    assert formula_in_force(kind="month", day=day) == built_in("month")

    scheme = scheme_with(valid_from=datetime.date(2018, 1, 1), valid_until=datetime.date(2018, 12, 31))

    assert formula_in_force(kind="month", day=day).code == scheme.code
    assert formula_in_force(kind="week", day=day).is_built_in  # a month's scheme does not score weeks
    assert formula_in_force(kind="month", day=datetime.date(2019, 1, 1)).is_built_in  # nor after it ends
