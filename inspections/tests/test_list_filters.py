"""The issue list's filters that the home page's counts link to: sent back for rework, and the issues
an inspector verifies (filed by them, or of a round they lead)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from core.tests.api import client_for
from inspections.models import Issue
from inspections.tests.factories import InspectionFactory, IssueFactory

pytestmark = pytest.mark.django_db


def rectifying(**fields) -> Issue:
    now = timezone.now()
    return IssueFactory(
        status=Issue.Status.RECTIFYING,
        department=DepartmentFactory(),
        reported_at=now - datetime.timedelta(days=1),
        dispatched_at=now,
        deadline=now,
        **fields,
    )


def codes(response) -> set[str]:
    return {issue.code for issue in response.context["page"].object_list}


def test_it_lists_the_issues_sent_back_for_rework(client):
    again, first_time = rectifying(rework_count=2), rectifying()
    client.force_login(UserFactory(role=Role.LEADER))

    assert codes(client.get("/issues/?status=rectifying&reworked=yes")) == {again.code}
    assert codes(client.get("/issues/?status=rectifying&reworked=no")) == {first_time.code}
    assert {
        row["id"]
        for row in client_for(UserFactory(role=Role.LEADER))
        .get("/api/v1/issues/", {"reworked": "true"})
        .json()["results"]
    } == {again.pk}


def test_it_lists_the_issues_an_inspector_verifies_their_rounds_included(client):
    inspector = UserFactory(role=Role.INSPECTOR)
    filed = rectifying(reported_by=inspector)
    of_round = rectifying(inspection=InspectionFactory(leader=inspector))
    rectifying(inspection=InspectionFactory())
    client.force_login(inspector)

    assert codes(client.get("/issues/?mine=on")) == {filed.code, of_round.code}
