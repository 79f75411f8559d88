"""公示, 申诉, 冻结: a closed month's results published for comment, appealed within the window,
decided, frozen; and a later recomputation that shows what changed without rewriting the ranking."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Notification, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from assessment.models import Appeal, Level, Publication, PublishedResult
from assessment.periods import AssessmentPeriod
from assessment.selectors import changes_since, results
from assessment.services import appeal_decide, appeal_file, publication_freeze, results_publish
from assessment.tests.factories import scheme_with
from campaign.tests.factories import CampaignFactory
from core.errors import ApplicationError, Conflict
from inspections.models import Issue
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
MARCH = AssessmentPeriod.parse("2018-03")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2018, month, day, hour, minute, tzinfo=ZONE)


# Published on Monday 2 April 2018: three working days to appeal are 3 and 4 April and, after the
# Qingming holiday (5–7 April), the make-up Sunday 8 April, to the close of its office hours.
PUBLISHED = at(4, 2)
WINDOW_CLOSES = at(4, 8, 17, 30)


@pytest.fixture
def month():
    campaign = CampaignFactory()
    scheme = scheme_with(campaign=campaign, appeal_days=3)
    housing = DepartmentFactory(code="QZJ", name="市住建局")
    urban = DepartmentFactory(code="CGJ", name="市城管局")
    for department, closed in ((housing, 3), (urban, 1)):
        for n in range(4):
            done = n < closed
            IssueFactory(
                campaign=campaign,
                department=department,
                status=Issue.Status.CLOSED if done else Issue.Status.DISPATCHED,
                reported_at=at(3, 5),
                dispatched_at=at(3, 5, 11),
                deadline=at(3, 9, 23),
                submitted_at=at(3, 7) if done else None,
                closed_at=at(3, 8) if done else None,
            )
    return {
        "scheme": scheme,
        "housing": housing,
        "urban": urban,
        "leader": UserFactory(username="leader", role=Role.LEADER, department=None),
        "staff": UserFactory(username="urban-staff", role=Role.STAFF, department=urban),
    }


def publish(month) -> Publication:
    return results_publish(period=MARCH, actor=month["leader"], now=PUBLISHED)


def scores(publication: Publication, stage: str) -> dict[str, Decimal]:
    rows = publication.results.filter(stage=stage, level=Level.DEPARTMENT)
    return {row.unit_code: row.score for row in rows}


def test_it_publishes_a_closed_month_for_comment_with_its_appeal_window(month):
    publication = publish(month)

    assert publication.status == Publication.Status.PUBLISHED
    assert publication.appeal_until == WINDOW_CLOSES
    assert publication.scheme_code == month["scheme"].code
    stored = publication.results.filter(stage=PublishedResult.Stage.PUBLISHED)
    assert set(stored.values_list("level", flat=True)) == {Level.DEPARTMENT, Level.STREET, Level.GRID}
    # 金牛: 30 × 3/4 + 20 × 3/4 + 20 × (1 − 0) + 20 × (1 − 1/4) + 10 for 住建, one case still open past its
    # deadline; 30 × 1/4 + 20 × 1/4 + 20 + 20 × (1 − 3/4) + 10 for 城管, three.
    assert scores(publication, "published") == {"QZJ": Decimal("82.50"), "CGJ": Decimal("47.50")}
    assert Notification.objects.filter(recipient=month["staff"], url__endswith=f"/{publication.pk}/").exists()


def test_it_refuses_a_month_not_over_and_a_month_published_already(month):
    with pytest.raises(Conflict) as running:
        results_publish(period=AssessmentPeriod.parse("2018-04"), actor=month["leader"], now=PUBLISHED)
    publish(month)
    with pytest.raises(Conflict) as again:
        publish(month)

    assert (running.value.code, again.value.code) == ("period_not_over", "already_published")
    assert Publication.objects.count() == 1


def test_a_department_appeals_within_the_window_and_not_after(month):
    publication = publish(month)

    appeal = appeal_file(
        publication=publication,
        department=month["urban"],
        indicator="disposal_rate",
        reason="两件已处置，系统未记录",
        actor=month["staff"],
        now=WINDOW_CLOSES,
    )
    with pytest.raises(Conflict) as late:
        appeal_file(
            publication=publication,
            department=month["urban"],
            indicator="disposal_rate",
            reason="再申诉",
            actor=month["staff"],
            now=WINDOW_CLOSES + datetime.timedelta(minutes=1),
        )

    assert appeal.status == Appeal.Status.PENDING
    assert late.value.code == "appeal_window_closed"
    assert Appeal.objects.count() == 1
    assert Notification.objects.filter(recipient=month["leader"], title__contains="CGJ").exists() or (
        Notification.objects.filter(recipient=month["leader"]).exists()
    )


@pytest.mark.parametrize(
    ("indicator", "reason", "department", "code"),
    [
        ("disposal_rate", "  ", "urban", "reason_required"),
        ("办结率", "不对", "urban", "indicator_unknown"),
        ("disposal_rate", "不对", "nobody", "no_result"),
    ],
)
def test_an_appeal_names_a_number_of_its_own_result_and_says_why(month, indicator, reason, department, code):
    publication = publish(month)
    month["nobody"] = DepartmentFactory(code="NOB")

    with pytest.raises(ApplicationError) as refused:
        appeal_file(
            publication=publication,
            department=month[department],
            indicator=indicator,
            reason=reason,
            actor=month["staff"],
            now=PUBLISHED,
        )

    assert refused.value.code == code
    assert not Appeal.objects.exists()


def appeal(month, publication: Publication) -> Appeal:
    return appeal_file(
        publication=publication,
        department=month["urban"],
        indicator="disposal_rate",
        reason="两件已处置，系统未记录",
        actor=month["staff"],
        now=PUBLISHED,
    )


def test_the_office_upholds_with_the_corrected_numbers_or_rejects_with_a_reason(month):
    publication = publish(month)
    first, second = appeal(month, publication), appeal(month, publication)
    leader = month["leader"]

    with pytest.raises(ApplicationError) as without_numbers:
        appeal_decide(appeal=first, actor=leader, uphold=True, now=PUBLISHED)
    with pytest.raises(ApplicationError) as without_reason:
        appeal_decide(appeal=second, actor=leader, uphold=False, now=PUBLISHED)
    with pytest.raises(ApplicationError) as too_many:
        appeal_decide(appeal=first, actor=leader, uphold=True, now=PUBLISHED, numerator="5", denominator="4")
    upheld = appeal_decide(appeal=first, actor=leader, uphold=True, now=PUBLISHED, numerator="3", denominator="4")
    rejected = appeal_decide(appeal=second, actor=leader, uphold=False, now=PUBLISHED, note="无处置记录")
    with pytest.raises(Conflict) as twice:
        appeal_decide(appeal=second, actor=leader, uphold=True, now=PUBLISHED, numerator="3", denominator="4")

    assert [without_numbers.value.code, without_reason.value.code, too_many.value.code, twice.value.code] == [
        "correction_required",
        "reason_required",
        "correction_invalid",
        "already_decided",
    ]
    assert (upheld.status, upheld.corrected_numerator, upheld.corrected_denominator) == ("upheld", 3, 4)
    assert (rejected.status, rejected.decision_note) == ("rejected", "无处置记录")
    assert Notification.objects.filter(recipient=month["staff"], title__contains="2018-03").count() >= 2


def test_it_freezes_after_the_window_with_the_upheld_corrections(month):
    publication = publish(month)
    pending = appeal(month, publication)
    overdue = appeal_file(
        publication=publication,
        department=month["urban"],
        indicator="overdue_pending_rate",
        reason="三件已挂起，不应计为超期",
        actor=month["staff"],
        now=PUBLISHED,
    )
    leader = month["leader"]

    with pytest.raises(Conflict) as window_open:
        publication_freeze(publication=publication, actor=leader, now=WINDOW_CLOSES)
    appeal_decide(appeal=pending, actor=leader, uphold=True, now=at(4, 9), numerator="4", denominator="4")
    with pytest.raises(Conflict) as undecided:
        publication_freeze(publication=publication, actor=leader, now=at(4, 9))
    appeal_decide(appeal=overdue, actor=leader, uphold=True, now=at(4, 9), numerator="0", denominator="4")
    frozen = publication_freeze(publication=publication, actor=leader, now=at(4, 9, 11))

    assert (window_open.value.code, undecided.value.code) == ("appeal_window_open", "appeals_pending")
    assert frozen.status == Publication.Status.FROZEN
    assert scores(frozen, "published") == {"QZJ": Decimal("82.50"), "CGJ": Decimal("47.50")}  # as published
    # 城管: 30 × 4/4 + 20 × 1/4 + 20 + 20 × (1 − 0/4) + 10, now ahead of 住建
    assert scores(frozen, "frozen") == {"QZJ": Decimal("82.50"), "CGJ": Decimal("85.00")}
    urban = frozen.results.get(stage="frozen", level=Level.DEPARTMENT, unit_code="CGJ")
    part = next(part for part in urban.figures["indicators"] if part["code"] == "disposal_rate")
    assert (part["numerator"], part["original_numerator"], part["corrected"]) == ("4", "1", True)
    assert (urban.rank, urban.grade) == (1, "good")
    with pytest.raises(Conflict):
        appeal_file(
            publication=frozen,
            department=month["urban"],
            indicator="disposal_rate",
            reason="x",
            actor=month["staff"],
            now=at(4, 9, 12),
        )


def test_a_frozen_ranking_stays_and_a_recomputation_shows_what_changed(month):
    publication = publish(month)
    publication_freeze(publication=publication, actor=month["leader"], now=at(4, 9))
    # Later, a case of 住建 found in March is closed after all: computed again, its disposal rate is 4/4.
    late = Issue.objects.filter(department=month["housing"], status=Issue.Status.DISPATCHED).get()
    Issue.objects.filter(pk=late.pk).update(
        status=Issue.Status.CLOSED, submitted_at=at(4, 12), closed_at=at(4, 12), clock_stage="", clock_due_at=None
    )

    shown = results(period=MARCH, level=Level.DEPARTMENT, now=at(4, 20))
    changes = changes_since(publication=publication, level=Level.DEPARTMENT, now=at(4, 20))

    assert shown.stage == "frozen"
    assert {row["code"]: row["score"] for row in shown.rows} == {"QZJ": Decimal("82.50"), "CGJ": Decimal("47.50")}
    assert [change["before"]["code"] for change in changes] == ["QZJ"]
    (change,) = changes
    assert (change["before"]["score"], change["after"]["score"]) == (Decimal("82.50"), Decimal("95.00"))
    assert [
        (part["code"], (part["before"]["numerator"], part["before"]["denominator"]))
        + ((part["after"]["numerator"], part["after"]["denominator"]),)
        for part in change["figures"]
    ] == [
        ("disposal_rate", (3, 4), (4, 4)),
        ("rework_rate", (0, 3), (0, 4)),
        ("overdue_pending_rate", (1, 4), (0, 4)),  # handed in (late): no longer pending
    ]
    assert scores(publication, "frozen") == {"QZJ": Decimal("82.50"), "CGJ": Decimal("47.50")}  # nothing rewritten
