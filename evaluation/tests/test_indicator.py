import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import Level
from assessment.periods import Span
from assessment.scoring import Formula, Item
from assessment.selectors import cases_behind, compute
from core.images import photos_prepare
from core.tests.factories import photo_upload
from evaluation import services

pytestmark = pytest.mark.django_db


def test_the_score_rate_is_an_indicator_a_scheme_can_weigh(running, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: running["now"])
    photo = tuple(photos_prepare([photo_upload()]))
    standards = running["standards"]
    for index, results in enumerate([("pass", "fail", "pass"), ("pass", "pass", "pass")]):
        services.sheet_submit(
            round_point=running["points"][index],
            actor=running["inspector"],
            answers={
                s.pk: services.Answer(r, "脏" if r == "fail" else "", photo if r == "fail" else ())
                for s, r in zip(standards, results, strict=True)
            },
            idempotency_key=uuid.uuid4(),
        )
    formula = Formula(code="T", name="测评", items=(Item("score_rate", Decimal(100)),))
    span = Span("custom", datetime.date(2018, 3, 1), datetime.date(2018, 3, 31))
    now = timezone.now()

    running_rows = compute(formula=formula, period=span, level=Level.STREET, now=now)
    assert {row["indicators"][0]["value"] for row in running_rows} == {None}  # only closed rounds count

    services.round_close(round_=running["round"])
    rows = {row["name"]: row for row in compute(formula=formula, period=span, level=Level.STREET, now=now)}

    assert rows["街道1"]["indicators"][0]["value"] == pytest.approx(0.75)
    assert rows["街道2"]["indicators"][0]["value"] == pytest.approx(1.0)
    street = running["streets"][0]
    cases = cases_behind(
        formula=formula,
        period=span,
        level=Level.STREET,
        unit_id=street.pk,
        code="score_rate",
        part="numerator",
        now=now,
    )
    assert cases.count() == 1
