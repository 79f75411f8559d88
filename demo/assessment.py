"""The demo's 考核: a monthly scheme modelled on 金牛区's published 数字城管 formula (PRACTICE.md §3), the
results of the last month published for comment, and one department's appeal waiting for the office.

Written through the assessment's services, after every other demo row: the published results are the
demo's cases scored as they stand."""

import datetime
from decimal import Decimal

from accounts.models import Department, User
from assessment.models import Appeal, Grade, PeriodKind, Publication, Rule, Scheme
from assessment.periods import AssessmentPeriod
from assessment.scoring import Adjustment, Band, Draft, Item
from assessment.services import appeal_file, results_publish, scheme_save
from campaign.models import Campaign
from inspections.models import Issue

SCHEME_CODE = "LC-KH-JN"
# 金牛区 数字城管: 30 × 日常处置率 + 20 × 按期处置率 + 20 × (1 − 返工率) + 20 × (1 − 超期待处置率)
# + 10 × (1 − 延期率), less 1 point per location with three complaints or more; 推诿 −1 and 领导交办 and
# 媒体曝光 counting double as 金华's rules have them.
JINNIU = Draft(
    items=[
        Item("disposal_rate", Decimal(30)),
        Item("on_time_disposal_rate", Decimal(20)),
        Item("rework_rate", Decimal(20), Rule.INVERSE_RATE),
        Item("overdue_pending_rate", Decimal(20), Rule.INVERSE_RATE),
        Item("extension_rate", Decimal(10), Rule.INVERSE_RATE),
    ],
    adjustments=[
        Adjustment("repeated_complaint_places", Decimal(-1), 3),
        Adjustment("overruled_returns", Decimal(-1)),
    ],
    source_weights=[(Issue.Source.LEADER, Decimal(2)), (Issue.Source.MEDIA, Decimal(2))],
    bands=[
        Band(Grade.EXCELLENT, Decimal(90), None),
        Band(Grade.GOOD, Decimal(80), Decimal(90)),
        Band(Grade.FAIR, Decimal(60), Decimal(80)),
        Band(Grade.POOR, None, Decimal(60)),
    ],
    appeal_days=3,
)
APPEAL_REASON = "三起超期问题因连续降雨无法施工，已报请挂起，不应计入超期待处置。"


def demo_assessment_load(
    *, today: datetime.date, latest: datetime.datetime, campaign: Campaign, leader: User, appellant: User
) -> None:
    """The scheme, the last whole month published on the first of this month at nine (the month before
    when that is still to come: nothing the demo records happens after ``latest``), and ``appellant``'s
    department's appeal two hours later."""
    scheme = Scheme(
        code=SCHEME_CODE,
        name="数字城管月度考核（参照金牛区细则）",
        campaign=campaign,
        period_kind=PeriodKind.MONTH,
        valid_from=campaign.start_date,
        appeal_days=JINNIU.appeal_days,
    )
    scheme_save(scheme=scheme, draft=JINNIU)
    month = AssessmentPeriod.containing(today, PeriodKind.MONTH)
    published = _nine(month.start, latest)
    if published > latest:
        month = month.previous()
        published = _nine(month.start, latest)
    publication = results_publish(period=month.previous(), actor=leader, now=published)
    filed = published + datetime.timedelta(hours=2)
    appeal = appeal_file(
        publication=publication,
        department=Department.objects.get(pk=appellant.work_department_id),
        indicator="overdue_pending_rate",
        reason=APPEAL_REASON,
        actor=appellant,
        now=filed,
    )
    # Shown as filed when the demo's story has it filed, inside the window, not when the demo was loaded.
    Appeal.objects.filter(pk=appeal.pk).update(created=filed, updated=filed)


def _nine(day: datetime.date, like: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=like.tzinfo)


def demo_assessment_delete(*, campaign_ids: list[int]) -> dict[str, int]:
    """Remove the demo campaigns' schemes and their publications (with their results and appeals)."""
    publications = Publication.objects.filter(scheme__campaign__in=campaign_ids)
    appeals = Appeal.objects.filter(publication__in=publications).count()
    return {
        "appeals": appeals,
        "publications": publications.delete()[1].get(Publication._meta.label, 0),
        "assessment_schemes": Scheme.objects.filter(campaign__in=campaign_ids).delete()[1].get(Scheme._meta.label, 0),
    }


def demo_assessment_counts() -> dict[str, int]:
    """How many of the demo's schemes, publications and appeals there are."""
    return {
        "assessment_schemes": Scheme.objects.filter(code=SCHEME_CODE).count(),
        "publications": Publication.objects.filter(scheme_code=SCHEME_CODE).count(),
        "appeals": Appeal.objects.filter(publication__scheme_code=SCHEME_CODE).count(),
    }
