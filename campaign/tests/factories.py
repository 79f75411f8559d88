import datetime

import factory

from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ("code",)

    code = "C2018"
    name = "创建全国文明城市"
    kind = Campaign.Kind.CIVILIZED_CITY
    start_date = datetime.date(2018, 2, 28)


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    campaign = factory.SubFactory(CampaignFactory)
    department = factory.SubFactory(DepartmentFactory)
    speaker = "郭新华"
    speaker_title = "党组书记、局长"
    headline = "力争到2020年全面消除规划区内的棚户区"
    statement = "切实完成今年的棚户区改造任务。"
    date = datetime.date(2018, 2, 28)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    pledge = factory.SubFactory(PledgeFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = "老旧小区改造"
    unit = "个"
    target_value = 104
    deadline = datetime.date(2018, 12, 31)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"K{n:05d}")
    title = factory.Sequence(lambda n: f"背街小巷整治第{n}批")
    department = factory.SubFactory(DepartmentFactory)
    accountable = factory.SubFactory(UserFactory, department=factory.SelfAttribute("..department"))
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=10))  # noqa: DTZ011


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    author = factory.SelfAttribute("task.accountable")
    percent = 50
    note = "已完成一半"
