import datetime

import pytest

from demo.services import demo_load
from evaluation.models import Round
from evaluation.selectors import round_scores, round_summary
from inspections.models import Issue

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_march_round_and_one_in_progress_for_the_inspector():
    demo_load(today=datetime.date(2018, 4, 16))
    closed = Round.objects.get(code="LC-PC-2018-03")

    assert (closed.status, closed.start_date.month, closed.start_date.year) == ("closed", 3, 2018)
    assert closed.points.count() >= 80
    assert len(round_scores(round_=closed, by="type")) >= 12
    assert 65 <= round_summary(round_=closed)["score_rate"] <= 85
    rates = {row["score_rate"] for row in round_scores(round_=closed, by="street")}
    assert len(rates) > 1
    failures = closed.observations.filter(result="fail")
    assert (
        failures.count() == Issue.objects.filter(source=Issue.Source.EVALUATION, inspection=closed.inspection).count()
    )
    assert not failures.filter(issue__isnull=True).exists()

    running = Round.objects.get(status=Round.Status.IN_PROGRESS, code__startswith="LC-PC-")
    assert running.teams.filter(members__username="inspector").exists()
    assert running.start_date <= datetime.date(2018, 4, 16) <= running.end_date
    assert running.points.filter(team__members__username="inspector").exists()
