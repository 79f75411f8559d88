import datetime
from decimal import Decimal

import factory

from assessment.models import Grade, PeriodKind, Rule, Scheme
from assessment.scoring import Adjustment, Band, Draft, Item
from assessment.services import scheme_save
from campaign.tests.factories import CampaignFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    """A scheme without rows; ``scheme_with`` gives it a formula through the service."""

    class Meta:
        model = Scheme

    code = factory.Sequence(lambda n: f"KH{n:03d}")
    name = factory.Sequence(lambda n: f"数字城管考核方案{n}")
    campaign = factory.SubFactory(CampaignFactory)
    period_kind = PeriodKind.MONTH
    valid_from = datetime.date(2018, 1, 1)


BANDS = [
    Band(Grade.EXCELLENT, Decimal(90), None),
    Band(Grade.GOOD, Decimal(80), Decimal(90)),
    Band(Grade.FAIR, Decimal(60), Decimal(80)),
    Band(Grade.POOR, None, Decimal(60)),
]

# 金牛区 数字城管 (PRACTICE.md §3): 30×日常处置率 + 20×按期处置率 + 20×(1−返工率) + 20×(1−超期待处置率)
# + 10×(1−延期率), minus 1 point per location with three complaints or more.
JINNIU = Draft(
    items=[
        Item("disposal_rate", Decimal(30)),
        Item("on_time_disposal_rate", Decimal(20)),
        Item("rework_rate", Decimal(20), Rule.INVERSE_RATE),
        Item("overdue_pending_rate", Decimal(20), Rule.INVERSE_RATE),
        Item("extension_rate", Decimal(10), Rule.INVERSE_RATE),
    ],
    adjustments=[Adjustment("repeated_complaint_places", Decimal(-1), 3)],
    bands=BANDS,
)


def scheme_with(draft: Draft = JINNIU, **fields) -> Scheme:
    """A scheme saved through ``scheme_save`` (checked), with ``draft``'s rows."""
    if "campaign" not in fields:
        fields["campaign"] = CampaignFactory()
    return scheme_save(scheme=SchemeFactory.build(**fields), draft=draft)
