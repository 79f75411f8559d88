import factory
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from core.working_time import WorkingTime
from grids.tests.factories import PlaceFactory
from inspections.models import Criterion, Inspection, Issue, Stage
from inspections.rollups import IssueFacts, issue_rollups_move


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

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """An issue made directly (not through the services) gets the clock its state and deadline give: the
        department's due at ``deadline`` while it holds the issue, the office's or the inspectors' counted from
        when their stage began, none once closed. A test that sets ``clock_*`` itself keeps its own."""
        if "clock_stage" not in kwargs:
            kwargs.update(issue_clock_columns(kwargs))
        issue = super()._create(model_class, *args, **kwargs)
        issue_rollups_move(None, IssueFacts.of(issue))  # counted as the services would
        return issue


def issue_clock_columns(fields: dict) -> dict:
    """The ``clock_*`` columns of an issue in the state ``fields`` describe (see ``IssueFactory._create``)."""
    status = fields.get("status", Issue.Status.REPORTED)
    stage = Issue.STAGE_OF_STATUS[status]
    if not stage:
        return {"clock_stage": ""}
    reported = fields.get("reported_at") or timezone.now()
    started = {
        Stage.DISPATCH: reported,
        Stage.RECTIFY: fields.get("dispatched_at") or reported,
        Stage.VERIFY: fields.get("submitted_at") or reported,
    }[stage]
    deadline = fields.get("deadline")
    if stage == Stage.RECTIFY and deadline is None:
        return {"clock_stage": ""}  # a test of an issue in rectification without a deadline: no clock to read
    criterion = fields["criterion"]
    due, yellow = WorkingTime().clock(
        started, criterion.limit(stage), share=0.8, until=deadline if stage == Stage.RECTIFY else None
    )
    return {"clock_stage": stage, "clock_started_at": started, "clock_due_at": due, "clock_yellow_at": yellow}


def issue_set(issue: Issue, **fields) -> Issue:
    """Put ``issue`` in a state directly (a test's shortcut past the workflow), counted in the rollups as the
    services would count it."""
    issue = Issue.objects.get(pk=issue.pk)
    before = IssueFacts.of(issue)
    Issue.objects.filter(pk=issue.pk).update(**fields)
    issue.refresh_from_db()
    issue_rollups_move(before, IssueFacts.of(issue))
    return issue
