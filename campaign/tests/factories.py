import datetime

import factory

from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from campaign.rollups import TaskFacts, progress_totals_add, task_rollups_move


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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A task made directly (not through the services) is counted in the rollups as a service would."""
        task = super()._create(model_class, *args, **kwargs)
        task_rollups_move(None, TaskFacts.of(task))
        return task


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    task = factory.SubFactory(TaskFactory)
    author = factory.SelfAttribute("task.accountable")
    percent = 50
    note = "已完成一半"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A report made directly adds its quantity to its target's total, as the service does."""
        report = super()._create(model_class, *args, **kwargs)
        progress_totals_add(target_id=report.task.target_id, quantity=report.quantity)
        return report


def task_made(**fields) -> Task:
    """``Task.objects.create(**fields)``, counted in the rollups as the services would count it."""
    task = Task.objects.create(**fields)
    task_rollups_move(None, TaskFacts.of(task))
    return task
