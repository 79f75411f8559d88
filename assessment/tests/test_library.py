"""Each indicator's SQL against a count by hand: a month of cases made with the factories, and the
numbers a reader of the cases would write down."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Department
from accounts.tests.factories import DepartmentFactory
from assessment.library import LIBRARY
from assessment.models import Level, Rule
from assessment.periods import AssessmentPeriod
from assessment.scoring import Adjustment, Formula, Item
from assessment.selectors import cases_behind, compute
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.models import ExtensionRequest, Issue, IssueEvent, Stage, StageClock, Suspension
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
MARCH = AssessmentPeriod.parse("2018-03")
NOW = datetime.datetime(2018, 4, 10, 10, 0, tzinfo=ZONE)


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2018, month, day, hour, 0, tzinfo=ZONE)


def issue(code: str, status: str, **fields) -> Issue:
    """An issue found on 2 March (dispatched at once) unless said otherwise; an open one in the
    department's hands runs its rectification clock to its deadline."""
    fields.setdefault("reported_at", at(3, 2, 8))
    if status != Issue.Status.REPORTED:
        fields.setdefault("dispatched_at", at(3, 2))
    if status in Issue.WITH_DEPARTMENT_STATUSES and fields.get("deadline"):
        fields.update(
            clock_stage="rectify",
            clock_started_at=fields["dispatched_at"],
            clock_due_at=fields["deadline"],
            clock_yellow_at=fields["deadline"] - datetime.timedelta(hours=4),
        )
    return IssueFactory(code=code, status=status, **fields)


def event(issue: Issue, action: str, department: Department, day: int) -> None:
    IssueEvent.objects.create(
        issue=issue,
        action=action,
        to_status=issue.status,
        actor=issue.reported_by,
        department=department,
        created=at(3, day),
    )


def verify(issue: Issue, *, started, due, stopped) -> None:
    StageClock.objects.create(
        issue=issue,
        stage=Stage.VERIFY,
        limit="1d",
        started_at=started,
        due_at=due,
        yellow_at=due - datetime.timedelta(hours=2),
        stopped_at=stopped,
        overdue=None if stopped is None else stopped > due,
    )


@pytest.fixture
def month():
    """Department A's March: five cases dispatched to it and one it returned; department B's one case
    came by way of A, which returned it first. A's cases lie in grid G1 of street S1, B's in G2 of S2."""
    a = DepartmentFactory(code="A", name="甲局")
    b = DepartmentFactory(code="B", name="乙局")
    s1 = DepartmentFactory(code="S1", name="古楼街道", kind=Department.Kind.SUBDISTRICT)
    s2 = DepartmentFactory(code="S2", name="柳园街道", kind=Department.Kind.SUBDISTRICT)
    g1, g2 = GridFactory(code="G1", subdistrict=s1), GridFactory(code="G2", subdistrict=s2)
    market = PlaceFactory(code="P-MARKET", grid=g1)  # three complaints from 12345 here
    street = PlaceFactory(code="P-STREET", grid=g1)
    lane = PlaceFactory(code="P-LANE", grid=g2)
    cases = {
        # closed on time: submitted 4 March (48 h after dispatch), deadline 5 March; a leader's case
        "a1": issue(
            "a1",
            Issue.Status.CLOSED,
            department=a,
            place=street,
            points=Decimal(1),
            source="leader",
            deadline=at(3, 5, 18),
            submitted_at=at(3, 4),
            closed_at=at(3, 4, 15),
        ),
        # closed late, sent back once: submitted 8 March (144 h), deadline 6 March
        "a2": issue(
            "a2",
            Issue.Status.CLOSED,
            department=a,
            place=market,
            points=Decimal(2),
            rework_count=1,
            deadline=at(3, 6, 18),
            submitted_at=at(3, 8),
            closed_at=at(3, 9),
        ),
        # awaiting verification, handed in on time (168 h)
        "a3": issue(
            "a3",
            Issue.Status.SUBMITTED,
            department=a,
            place=market,
            points=Decimal("0.5"),
            source="hotline",
            deadline=at(3, 10, 18),
            submitted_at=at(3, 9),
        ),
        # still rectifying past its deadline, with more time approved once
        "a4": issue(
            "a4",
            Issue.Status.RECTIFYING,
            department=a,
            place=market,
            points=Decimal(1),
            source="hotline",
            deadline=at(3, 20, 18),
        ),
        # dispatched, its deadline still ahead
        "a5": issue(
            "a5",
            Issue.Status.DISPATCHED,
            department=a,
            place=market,
            points=Decimal(1),
            source="hotline",
            deadline=at(4, 20, 18),
        ),
        # returned by A (not its responsibility): waits for re-routing
        "a6": issue("a6", Issue.Status.RETURNED, department=a, place=street, points=Decimal(1)),
        # found in February: another month's
        "a7": issue(
            "a7",
            Issue.Status.CLOSED,
            department=a,
            place=street,
            reported_at=at(2, 27),
            deadline=at(3, 1, 18),
            submitted_at=at(2, 28),
            closed_at=at(2, 28, 15),
        ),
        # B's, after A returned it
        "b1": issue(
            "b1",
            Issue.Status.CLOSED,
            department=b,
            place=lane,
            points=Decimal(3),
            deadline=at(3, 9, 18),
            submitted_at=at(3, 6),
            closed_at=at(3, 7),
        ),
    }
    ExtensionRequest.objects.create(
        issue=cases["a4"],
        requested_by=cases["a4"].reported_by,
        reason="材料未到",
        requested_deadline=at(3, 20, 18),
        status=ExtensionRequest.Status.APPROVED,
        decided_at=at(3, 12),
    )
    for code in ("a1", "a2", "a3", "a4", "a5", "a6"):
        event(cases[code], IssueEvent.Action.DISPATCHED, a, 2)
    event(cases["a6"], IssueEvent.Action.RETURNED, a, 3)
    # a5 came back to A: its return overruled (one 推诿)
    event(cases["a5"], IssueEvent.Action.RETURNED, a, 3)
    event(cases["a5"], IssueEvent.Action.RETURN_OVERRULED, a, 4)
    # The inspectors' clock: a1 verified in time, a2 late, a3 still waiting past its due moment.
    verify(cases["a1"], started=at(3, 4), due=at(3, 5, 17), stopped=at(3, 4, 15))
    verify(cases["a2"], started=at(3, 8), due=at(3, 8, 17), stopped=at(3, 9))
    verify(cases["a3"], started=at(3, 9), due=at(3, 12, 17), stopped=None)
    event(cases["b1"], IssueEvent.Action.DISPATCHED, a, 2)
    event(cases["b1"], IssueEvent.Action.RETURNED, a, 3)
    event(cases["b1"], IssueEvent.Action.DISPATCHED, b, 4)
    return {"a": a, "b": b, "s1": s1, "g1": g1, "cases": cases}


EVERY_INDICATOR = Formula(
    code="all",
    name="all",
    items=tuple(
        Item(code, Decimal(0), Rule.RATE if indicator.kind == "rate" else Rule.PER_UNIT, points_off=Decimal(1))
        for code, indicator in LIBRARY.items()
        if indicator.base != "places"
    ),
    adjustments=(Adjustment("repeated_complaint_places", Decimal(-1), 3),),
)

# Department A, counted by hand from the cases above: (numerator, denominator).
BY_HAND_A = {
    "disposal_rate": (3, 5),  # a1, a2, a3 handed in, of a1–a5 dispatched
    "on_time_disposal_rate": (2, 4),  # a1, a3 by their deadline, of a1–a3 and a4 (past its deadline)
    "closure_rate": (2, 5),
    "on_time_closure_rate": (1, 2),  # a1
    "rework_rate": (1, 3),  # a2, of those handed in
    "extension_rate": (1, 5),  # a4
    "overdue_pending_rate": (1, 5),  # a4
    "return_rate": (3, 8),  # a5, a6 and b1 returned, of seven dispatches to A and a5 sent back to it
    "overruled_returns": (1, None),  # a5's return
    "on_time_verification_rate": (1, 3),  # a1, of a1, a2 (late) and a3 (past its due moment, still waiting)
    "average_disposal_hours": (Decimal(360), 3),  # 48 + 144 + 168 hours
    "points_lost": (Decimal("5.5"), None),  # a1–a5; a6 was returned, a7 is February's
    "failed_verifications": (1, None),
}


def numbers(row: dict) -> dict:
    return {part["code"]: (part["numerator"], part["denominator"]) for part in row["indicators"] + row["adjustments"]}


def test_each_indicator_counts_what_a_reader_counts_by_hand(month):
    rows = {row["code"]: row for row in compute(formula=EVERY_INDICATOR, period=MARCH, level=Level.DEPARTMENT, now=NOW)}
    found = numbers(rows["A"])

    for code, expected in BY_HAND_A.items():
        assert found[code] == expected, code
    assert found["repeated_complaint_places"] == (1, None)  # the market: a3, a4, a5 from 12345
    assert numbers(rows["B"])["return_rate"] == (0, 1)
    assert numbers(rows["B"])["points_lost"] == (3, None)


def test_a_rate_is_its_numerator_over_its_denominator_and_none_without_one(month):
    rows = {row["code"]: row for row in compute(formula=EVERY_INDICATOR, period=MARCH, level=Level.DEPARTMENT, now=NOW)}
    parts = {part["code"]: part for part in rows["A"]["indicators"]}

    assert parts["disposal_rate"]["value"] == pytest.approx(0.6)
    assert parts["average_disposal_hours"]["value"] == pytest.approx(120.0)
    assert parts["points_lost"]["value"] == pytest.approx(5.5)
    no_cases = DepartmentFactory(code="C")
    IssueFactory(department=no_cases, status=Issue.Status.CLOSED, reported_at=at(1, 5), closed_at=at(1, 6))
    row = next(
        row
        for row in compute(formula=EVERY_INDICATOR, period=MARCH, level=Level.DEPARTMENT, now=NOW)
        if row["code"] == "C"
    )
    assert {part["code"]: part["value"] for part in row["indicators"]}["closure_rate"] is None


def test_a_street_and_a_grid_answer_for_the_cases_found_in_them(month):
    street = next(
        row
        for row in compute(formula=EVERY_INDICATOR, period=MARCH, level=Level.STREET, now=NOW)
        if row["code"] == "S1"
    )
    grid = next(
        row for row in compute(formula=EVERY_INDICATOR, period=MARCH, level=Level.GRID, now=NOW) if row["code"] == "G1"
    )

    for row in (street, grid):
        found = numbers(row)
        assert found["disposal_rate"] == (3, 5)  # the returned a6 was found here but is dispatched to nobody
        assert found["points_lost"] == (Decimal("6.5"), None)  # every case found here, a6 included
        assert found["return_rate"] == (2, 7)  # a5's and a6's returns, of the dispatches of the cases found here


def test_a_source_weight_counts_a_leaders_case_twice(month):
    weighted = Formula(
        code="w",
        name="w",
        items=(Item("disposal_rate", Decimal(100)),),
        source_weights=(("leader", Decimal(2)), ("media", Decimal(2))),
    )
    row = next(
        row for row in compute(formula=weighted, period=MARCH, level=Level.DEPARTMENT, now=NOW) if row["code"] == "A"
    )

    assert numbers(row)["disposal_rate"] == (4, 6)  # a1 twice: (2 + 1 + 1) of (2 + 1 + 1 + 1 + 1)
    assert row["score"] == Decimal("66.67")
    half = Formula(code="h", name="h", items=(Item("points_lost", Decimal(0), Rule.PER_UNIT, points_off=Decimal(1)),))
    half = Formula(**{**half.__dict__, "source_weights": (("leader", Decimal("1.5")),)})
    row = next(
        row for row in compute(formula=half, period=MARCH, level=Level.DEPARTMENT, now=NOW) if row["code"] == "A"
    )
    assert numbers(row)["points_lost"] == (Decimal("6.00"), None)  # a1's point counts 1.5 times: 5.5 + 0.5


def test_the_cases_behind_each_number_are_the_ones_it_counts(month):
    cases = month["cases"]
    a = month["a"].pk

    def behind(code: str, part: str) -> set[str]:
        found = cases_behind(
            formula=EVERY_INDICATOR, period=MARCH, level=Level.DEPARTMENT, unit_id=a, code=code, part=part, now=NOW
        )
        return {issue.code for issue in found}

    assert behind("disposal_rate", "numerator") == {"a1", "a2", "a3"}
    assert behind("on_time_disposal_rate", "denominator") == {"a1", "a2", "a3", "a4"}
    assert behind("overdue_pending_rate", "numerator") == {"a4"}
    assert behind("return_rate", "numerator") == {"a5", "a6", "b1"}
    assert behind("overruled_returns", "numerator") == {"a5"}
    assert behind("on_time_verification_rate", "denominator") == {"a1", "a2", "a3"}
    assert behind("repeated_complaint_places", "numerator") == {"a3", "a4", "a5"}
    assert cases  # the fixture's cases, by code


def test_a_suspended_case_leaves_the_on_time_denominators_when_the_scheme_says_so(month):
    a4 = month["cases"]["a4"]
    Suspension.objects.create(
        issue=a4,
        requested_by=a4.reported_by,
        reason="待法院裁定",
        status=Suspension.Status.APPROVED,
        decided_at=at(3, 15),
        started_at=at(3, 15),
    )
    items = tuple(Item(code, Decimal(0)) for code in ("on_time_disposal_rate", "overdue_pending_rate"))
    rules = Formula(code="s", name="s", items=items, exclude_suspended=True)
    counted = Formula(code="s", name="s", items=items, exclude_suspended=False)

    def a(formula: Formula) -> dict:
        rows = compute(formula=formula, period=MARCH, level=Level.DEPARTMENT, now=NOW)
        return numbers(next(row for row in rows if row["code"] == "A"))

    assert a(rules) == {"on_time_disposal_rate": (2, 3), "overdue_pending_rate": (0, 5)}
    assert a(counted) == {"on_time_disposal_rate": (2, 4), "overdue_pending_rate": (1, 5)}
