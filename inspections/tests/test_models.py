import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.models import Criterion, Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_duplicate_criterion_code():
    CriterionFactory(code="LC-C01")
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(code="LC-C01")


def test_it_rejects_a_criterion_that_costs_no_points():
    criterion = CriterionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.filter(pk=criterion.pk).update(points=0)


def test_it_rejects_an_owner_led_criterion_without_its_department():
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionFactory(lead=Criterion.Lead.OWNER, default_department=None)


def test_it_rejects_a_dispatched_issue_without_a_department():
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(status=Issue.Status.DISPATCHED, department=None)


def test_it_rejects_a_closed_issue_without_closing_time():
    issue = IssueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(pk=issue.pk).update(
            status=Issue.Status.CLOSED, department=issue.criterion.default_department
        )


def test_it_rejects_a_deadline_before_the_report():
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(reported_at=now, deadline=now - datetime.timedelta(hours=1))


def test_it_rejects_negative_points():
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(points=-1)
