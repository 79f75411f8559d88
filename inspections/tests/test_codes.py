"""The codes people read: an issue gets its real code at once (no placeholder in its change history),
issues and their rectification tasks share one readable scheme, and codes given before stay."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from core.history import change_history
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.models import Issue
from inspections.tests.factories import CriterionFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    return {
        "place": PlaceFactory(assigned_department=bureau),
        "criterion": CriterionFactory(default_department=bureau),
        "inspector": UserFactory(role=Role.INSPECTOR),
    }


def file(city) -> Issue:
    return services.issue_file(
        reporter=city["inspector"], place=city["place"], criterion=city["criterion"], description="路边有暴露垃圾"
    )


def test_it_gives_an_issue_its_real_code_in_its_first_history_record(client, city):
    issue = file(city)

    assert set(issue.history.values_list("code", flat=True)) == {issue.code}
    entries = change_history(issue)
    assert not any("tmp-" in str(change) for entry in entries for change in entry["changes"])
    client.force_login(city["inspector"])
    assert "tmp-" not in client.get(f"/issues/{issue.pk}/").content.decode()


def test_it_numbers_the_issues_of_a_day_and_gives_the_task_the_same_code(city):
    today = f"{timezone.localdate():%Y%m%d}"

    first, second = file(city), file(city)

    assert (first.code, second.code) == (f"WT-{today}-0001", f"WT-{today}-0002")
    assert first.rectification_task.code == f"ZG-{today}-0001"
    assert second.rectification_task.code == f"ZG-{today}-0002"


def test_it_numbers_on_after_the_highest_code_of_the_day(city):
    today = f"{timezone.localdate():%Y%m%d}"
    IssueFactory(code=f"WT-{today}-0009")
    IssueFactory(code=f"WT-{today}-10000")
    IssueFactory(code=f"WT-{(timezone.localdate() + datetime.timedelta(days=1)):%Y%m%d}-0042")

    assert file(city).code == f"WT-{today}-10001"


def test_it_keeps_codes_given_before(city):
    old = IssueFactory(
        code="WT20261205-000123", place=city["place"], criterion=city["criterion"], reported_by=city["inspector"]
    )

    services.issue_dispatch(issue=old, actor=city["inspector"])

    old.refresh_from_db()
    assert old.code == "WT20261205-000123"
    assert old.rectification_task.code == "ZG-WT20261205-000123"
