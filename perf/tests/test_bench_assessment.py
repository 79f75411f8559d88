"""The bench's 考核 measurements: a month's results computed live, one query per indicator at most."""

import json

import pytest
from django.utils import timezone

from assessment.models import Level
from assessment.periods import AssessmentPeriod
from assessment.selectors import compute
from demo.services import demo_load
from perf.bench import assessment_formula

pytestmark = pytest.mark.django_db


def test_it_measures_a_months_department_and_grid_results_with_a_query_per_indicator_at_most(tmp_path):
    demo_load()
    path = tmp_path / "bench.json"
    from django.core.management import call_command

    call_command("bench", "--repeat", "1", "--json", str(path), "--only", "assessment_departments,assessment_grids")
    measured = {entry["name"]: entry for entry in json.loads(path.read_text(encoding="utf-8"))["entries"]}

    formula = assessment_formula()
    period = AssessmentPeriod.containing(timezone.localdate(), "month").previous()
    for name, level in (("assessment_departments", Level.DEPARTMENT), ("assessment_grids", Level.GRID)):
        entry = measured[name]
        assert entry["period"] == period.key
        assert entry["queries"] <= entry["indicators"] == len(formula.items) + len(formula.adjustments)
        assert entry["rows"] == len(compute(formula=formula, period=period, level=level, now=timezone.now()))
        assert entry["floor_ms"] > 0
        assert isinstance(entry["met"], bool)
