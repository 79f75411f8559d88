import factory
from django.core.cache import cache

from citizens import abuse
from citizens.models import Partner, PublicCategory, Report
from grids.tests.factories import GridFactory
from inspections.tests.factories import CriterionFactory

# The city of the tests: one square grid around 聊城 (WGS-84), 0.05° each way.
CENTRE = (36.45, 115.98)
INSIDE = ("36.450000", "115.980000")
OUTSIDE = ("39.904200", "116.407400")  # Beijing


def square(latitude: float, longitude: float, half: float = 0.05) -> dict:
    ring = [
        [longitude - half, latitude - half],
        [longitude + half, latitude - half],
        [longitude + half, latitude + half],
        [longitude - half, latitude + half],
        [longitude - half, latitude - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


class CityGridFactory(GridFactory):
    boundary = factory.LazyFunction(lambda: square(*CENTRE))


class PublicCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicCategory

    name = factory.Sequence(lambda n: f"乱扔垃圾{n}")
    criterion = factory.SubFactory(CriterionFactory)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = "聊城12345小程序"


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    category = factory.SubFactory(PublicCategoryFactory)
    description = "路口有一堆垃圾"
    latitude = INSIDE[0]
    longitude = INSIDE[1]
    grid = factory.SubFactory(CityGridFactory)
    phone = "13800000001"


def captcha_solved() -> tuple[str, str]:
    """A fresh picture code and its answer, as the person reading the picture would type it."""
    key = abuse.captcha_new()
    return key, cache.get(f"{abuse.PREFIX}:captcha:{key}")
