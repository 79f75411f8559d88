"""The demo routes its issues by the product's routing rule, whatever the checklist says."""

import datetime

import pytest

from campaign.models import Task
from demo import data
from demo.services import demo_load
from inspections.models import Criterion, Issue
from inspections.services import issue_route

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2018, 4, 16)


def routed_issues():
    return Issue.objects.exclude(department=None).select_related("place", "criterion", "rectification_task__section")


@pytest.mark.parametrize(
    ("lead", "responsible"),
    [(Criterion.Lead.ASSIGNED, "assigned_department_id"), (Criterion.Lead.TERRITORIAL, "territorial_unit_id")],
)
def test_it_follows_a_checklist_that_leads_every_criterion_one_way(monkeypatch, lead, responsible):
    # The owner criteria keep their department, but the checklist no longer lets it lead.
    monkeypatch.setattr(data.CriterionSeed, "lead", property(lambda seed: lead))

    demo_load(today=TODAY)

    assert Criterion.objects.filter(default_department__isnull=False).exists()
    issues = routed_issues()
    assert issues.exists()
    for issue in issues:
        assert issue.department == issue_route(place=issue.place, criterion=issue.criterion).department, issue.code
        assert issue.department_id == getattr(issue.place, responsible), issue.code
        task = issue.rectification_task
        assert task.department_id == issue.department_id
        # A rectification is never handed to a section of some other department.
        assert task.section is None or task.section.parent_id == task.department_id
    assert not Task.objects.filter(kind=Task.Kind.RECTIFICATION, section__isnull=False).exists()
