"""The demo's 考核: a scheme modelled on 金牛区's formula, last month's results published for comment and a
department's appeal waiting for the office, whatever day the demo is loaded on."""

import datetime

import pytest

from assessment.models import Appeal, Level, Publication
from assessment.periods import AssessmentPeriod
from assessment.selectors import results
from demo import data
from demo.assessment import SCHEME_CODE
from demo.services import demo_load

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("today", "published"),
    [
        (datetime.date(2018, 4, 16), "2018-03"),
        # On the first of a month the first of the month is still to come: the month before last is shown.
        (datetime.date(2018, 5, 1), "2018-03"),
    ],
)
def test_the_demo_publishes_a_month_by_the_jinniu_formula_with_one_appeal(today, published):
    demo_load(today=today)

    publication = Publication.objects.get()
    appeal = Appeal.objects.get()
    assert (publication.scheme_code, publication.period) == (SCHEME_CODE, published)
    weights = [(item["code"], int(float(item["weight"]))) for item in publication.formula["items"]]
    assert weights == [
        ("disposal_rate", 30),
        ("on_time_disposal_rate", 20),
        ("rework_rate", 20),
        ("overdue_pending_rate", 20),
        ("extension_rate", 10),
    ]
    assert appeal.department.code == data.URBAN_MANAGEMENT
    assert appeal.status == Appeal.Status.PENDING
    shown = results(period=AssessmentPeriod.parse(published), level=Level.DEPARTMENT, now=publication.as_of)
    assert shown.stage == "published"
    assert shown.rows
    assert all(row["grade"] for row in shown.rows)
