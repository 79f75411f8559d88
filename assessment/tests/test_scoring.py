"""How values become points, points a score and a score a grade; and the checks a scheme must pass."""

from decimal import Decimal

import pytest
from django.utils import translation

from assessment.models import Grade, Rule
from assessment.scoring import (
    DEFAULT_BANDS,
    Adjustment,
    Band,
    Draft,
    Formula,
    Item,
    built_in,
    formula_check,
)
from assessment.tests.factories import BANDS, JINNIU

D = Decimal


@pytest.mark.parametrize(
    ("item", "value", "expected"),
    [
        (Item("disposal_rate", D(30)), 0.6, D("18.00")),  # weight × rate
        (Item("rework_rate", D(20), Rule.INVERSE_RATE), 1 / 3, D("13.33")),  # weight × (1 − rate)
        # 金华: 按期结案率 at or above 70 % earns the full 50, one point off per percentage point below
        (Item("on_time_closure_rate", D(50), Rule.THRESHOLD, D(70), D(1)), 0.75, D("50.00")),
        (Item("on_time_closure_rate", D(50), Rule.THRESHOLD, D(70), D(1)), 0.655, D("45.50")),
        (Item("on_time_closure_rate", D(50), Rule.THRESHOLD, D(70), D(1)), 0.1, D("0.00")),  # 扣完为止
        (Item("points_lost", D(10), Rule.PER_UNIT, points_off=D("0.5")), 3, D("8.50")),
        (Item("points_lost", D(10), Rule.PER_UNIT, points_off=D(1)), 30, D("0.00")),
        (Item("points_lost", D(100), Rule.PER_UNIT, points_off=D(1), allow_negative=True), 130, D("-30.00")),
        (Item("closure_rate", D(20)), None, D("20.00")),  # nothing to rate: full marks
    ],
)
def test_each_rule_turns_a_value_into_points(item, value, expected):
    assert item.score(value) == expected


def test_a_deduction_counts_per_unit_up_to_its_cap_and_a_bonus_adds():
    assert Adjustment("repeated_complaint_places", D(-1), 3).score(4) == D("-4.00")
    assert Adjustment("repeated_complaint_places", D(-1), 3, cap=D(3)).score(4) == D("-3.00")
    assert Adjustment("points_lost", D("0.5")).score(D("3.5")) == D("1.75")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (D("112.5"), Grade.EXCELLENT),  # bonuses above 100 still have a grade
        (D(90), Grade.EXCELLENT),
        (D("89.99"), Grade.GOOD),
        (D(60), Grade.FAIR),
        (D("59.99"), Grade.POOR),
        (D(-40), Grade.POOR),
    ],
)
def test_every_score_has_a_grade(score, grade):
    assert Formula("x", "x", bands=DEFAULT_BANDS).grade(score) == grade


def test_a_formula_stored_with_a_publication_reads_back_the_same():
    formula = Formula(
        code="KH",
        name="金牛",
        campaign_id=3,
        scheme_id=7,
        items=tuple(JINNIU.items),
        adjustments=tuple(JINNIU.adjustments),
        source_weights=(("leader", D(2)),),
        bands=tuple(BANDS),
    )
    assert Formula.from_json(formula.as_json()) == formula
    assert Formula.from_json(built_in().as_json()) == built_in()


def test_the_jinniu_formula_passes_the_checks():
    assert formula_check(JINNIU) == []
    assert formula_check(Draft(items=list(built_in().items), bands=list(DEFAULT_BANDS))) == []


def codes(draft: Draft) -> list[tuple[str, int | None, str]]:
    return [(problem.part, problem.row, problem.code) for problem in formula_check(draft)]


def test_it_refuses_weights_that_do_not_add_up_to_100_saying_how_much_they_do():
    draft = Draft(items=[Item("disposal_rate", D(30)), Item("closure_rate", D(60))], bands=BANDS)

    problems = formula_check(draft)

    assert [(problem.part, problem.code) for problem in problems] == [("indicators", "weights_sum")]
    with translation.override("en"):
        assert "90" in formula_check(draft)[0].message


def test_it_refuses_an_unknown_indicator_a_duplicate_and_a_rule_that_does_not_fit():
    draft = Draft(
        items=[
            Item("办结率", D(20)),
            Item("closure_rate", D(20)),
            Item("closure_rate", D(20)),
            Item("points_lost", D(20)),  # weight × rate of points?
            Item("on_time_closure_rate", D(20), Rule.THRESHOLD),
        ],
        bands=BANDS,
    )

    assert codes(draft) == [
        ("indicators", 0, "unknown_indicator"),
        ("indicators", 2, "twice"),
        ("indicators", 3, "not_a_rate"),
        ("indicators", 4, "threshold_missing"),
        ("indicators", 4, "points_off_missing"),
    ]


@pytest.mark.parametrize(
    "bands",
    [
        [],
        BANDS[:3],  # nothing below 60
        [Band(Grade.EXCELLENT, D(90)), Band(Grade.POOR, None, D(80))],  # a gap from 80 to 90
        [Band(Grade.EXCELLENT, D(80)), Band(Grade.POOR, None, D(90))],  # an overlap
        [Band(Grade.EXCELLENT, D(60), D(100)), Band(Grade.POOR, None, D(60))],  # nothing above 100
    ],
)
def test_it_refuses_bands_that_leave_a_score_without_a_grade_or_give_it_two(bands):
    assert codes(Draft(items=list(JINNIU.items), bands=bands)) == [("bands", None, "bands_cover")]


def test_it_refuses_a_grade_twice_and_a_band_that_ends_below_its_start():
    bands = [Band(Grade.EXCELLENT, D(90)), Band(Grade.EXCELLENT, D(80), D(90)), Band(Grade.POOR, D(80), D(10))]

    assert codes(Draft(items=list(JINNIU.items), bands=bands)) == [
        ("bands", 1, "grade_twice"),
        ("bands", 2, "band_empty"),
    ]


def test_it_refuses_items_that_cannot_count_and_unknown_sources():
    draft = Draft(
        items=list(JINNIU.items),
        bands=BANDS,
        adjustments=[
            Adjustment("closure_rate", D(-1)),  # a rate is not counted per unit
            Adjustment("repeated_complaint_places", D(-1)),  # how many complaints?
            Adjustment("points_lost", D(0)),
        ],
        source_weights=[("leader", D(2)), ("pigeon", D(2)), ("leader", D(3)), ("media", D(0))],
        appeal_days=0,
    )

    assert codes(draft) == [
        ("adjustments", 0, "unknown_figure"),
        ("adjustments", 1, "min_count_missing"),
        ("adjustments", 2, "zero_points"),
        ("sources", 1, "unknown_source"),
        ("sources", 2, "source_twice"),
        ("sources", 3, "source_weight"),
        ("scheme", None, "appeal_days"),
    ]
