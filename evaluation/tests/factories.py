import datetime
from types import SimpleNamespace

import factory

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.tests.factories import CampaignFactory
from evaluation import services
from evaluation.models import Item, ObservationPoint, PointType, Round, Standard
from grids.tests.factories import PlaceFactory
from inspections.tests.factories import CriterionFactory


class PointTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.Sequence(lambda n: f"点位类型{n}")


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"X{n:03d}")
    title = "市容环境"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"S{n:04d}")
    item = factory.SubFactory(ItemFactory)
    text = factory.Sequence(lambda n: f"无暴露垃圾{n}")
    points = 1
    criterion = factory.SubFactory(CriterionFactory)

    @factory.post_generation
    def point_types(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.point_types.set(extracted)


def observation_point(point_type: PointType, **place) -> ObservationPoint:
    return ObservationPoint.objects.create(place=PlaceFactory(**place), point_type=point_type)


def make_round(*, code: str = "R1", start=datetime.date(2018, 3, 1), end=datetime.date(2018, 3, 10), **fields) -> Round:
    """A planned round with one team of two inspectors (``round.teams.get().members``)."""
    inspectors = fields.pop("inspectors", None) or [UserFactory(role=Role.INSPECTOR, department=None) for _ in range(2)]
    return services.round_create(
        code=code,
        title=f"模拟测评{code}",
        campaign=fields.pop("campaign", None) or CampaignFactory(),
        start_date=start,
        end_date=end,
        teams=[("第一组", inspectors)],
        **fields,
    )


def evaluation_world(*, campaign, place, criterion, inspector, department) -> SimpleNamespace:
    """A round in progress at ``place`` observed by ``inspector``'s team: one failure charged to ``department``
    (the place's assigned one if none), under appeal (for the permission matrix and the API's schema test:
    every evaluation address has a row to show)."""
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core.tests.factories import jpeg_bytes
    from evaluation.models import Appeal, AppealPhoto, Observation, RoundPoint, Sheet

    department = department or place.assigned_department
    point_type = PointTypeFactory(code="MATRIX", name="主次干道")
    ObservationPoint.objects.create(place=place, point_type=point_type)
    standard = StandardFactory(point_types=[point_type], criterion=criterion)
    partner = UserFactory(username="matrix-partner", role=Role.INSPECTOR, department=None)
    round_ = make_round(code="MATRIX-1", campaign=campaign, inspectors=[inspector, partner])
    round_.status = Round.Status.IN_PROGRESS
    round_.save()
    round_point = RoundPoint.objects.create(
        round=round_, place=place, point_type=point_type, stratum="MATRIX", team=round_.teams.get(), order=1
    )
    other = RoundPoint.objects.create(
        round=round_,
        place=PlaceFactory(grid=place.grid),
        point_type=point_type,
        stratum="MATRIX",
        team=round_.teams.get(),
        order=2,
    )
    sheet = Sheet.objects.create(round_point=round_point, observed_by=inspector, observed_at=timezone.now())
    observation = Observation.objects.create(
        sheet=sheet,
        round=round_,
        round_point=round_point,
        standard=standard,
        point_type=point_type,
        street_id=place.grid.subdistrict_id,
        grid=place.grid,
        department=department,
        result=Observation.Result.FAIL,
        points_applicable=Decimal(1),
        points_earned=Decimal(0),
    )
    appeal = Appeal.objects.create(observation=observation, department=department, filed_by=inspector, reason="不属实")
    photo = AppealPhoto.objects.create(
        appeal=appeal,
        image=ContentFile(jpeg_bytes(), name="appeal.jpg"),
        thumbnail=ContentFile(jpeg_bytes(), name="appeal-small.jpg"),
    )
    return SimpleNamespace(round=round_, point=other, observation=observation, appeal=appeal, appeal_photo=photo)
