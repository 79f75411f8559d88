import factory

from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, Inspection, Issue


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    code = factory.Sequence(lambda n: f"CR{n:03d}")
    category = "市容环境"
    title = "主次干道无暴露垃圾"
    points = 1
    default_department = factory.SubFactory(DepartmentFactory)
    # The factories' places name the department assigned to them (帮包); a test of routing says
    # which way of leading it means.
    lead = Criterion.Lead.ASSIGNED


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"I{n:03d}")
    title = "省爱卫办暗访"
    kind = Inspection.Kind.UNDERCOVER
    team = "省爱卫办暗访组"
    date = factory.Faker("date_this_year")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"W{n:05d}")
    place = factory.SubFactory(PlaceFactory)
    grid = factory.SelfAttribute("place.grid")
    criterion = factory.SubFactory(CriterionFactory)
    description = "路边有暴露垃圾"
    points = factory.SelfAttribute("criterion.points")
    reported_by = factory.SubFactory(UserFactory)
