"""Words a reviewer notices: English plurals (1 point, 0.5 points, sent back once) and Chinese colons
after Chinese labels."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from grids.tests.factories import PlaceFactory
from inspections import services
from inspections.tests.factories import CriterionFactory
from inspections.views import criterion_options

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    inspector = UserFactory(role=Role.INSPECTOR)
    issue = services.issue_file(
        reporter=inspector,
        place=PlaceFactory(assigned_department=bureau),
        criterion=CriterionFactory(code="A1", title="暴露垃圾", points=Decimal(1), default_department=bureau),
        description="路边有暴露垃圾",
    )
    issue.rework_count = 1
    issue.save(update_fields=["rework_count"])
    return issue


def page(client, issue, language: str) -> str:
    client.force_login(issue.reported_by)
    client.cookies["django_language"] = language
    return client.get(reverse("inspections:issue_detail", args=[issue.pk])).content.decode()


def test_it_says_1_point_and_sent_back_once_in_english(client, issue):
    english = page(client, issue, "en")

    assert "−1 point<" in english
    assert "sent back once" in english
    assert "1 points" not in english
    assert "1 time" not in english


def test_it_says_points_for_half_a_point_and_twice(client, issue):
    issue.points, issue.rework_count = Decimal("0.5"), 2
    issue.save(update_fields=["points", "rework_count"])

    english = page(client, issue, "en")

    assert "−0.5 points" in english
    assert "sent back 2 times" in english


def test_it_keeps_the_chinese_as_it_was(client, issue):
    chinese = page(client, issue, "zh-hans")

    assert "扣1分" in chinese
    assert "退回1次" in chinese


def test_it_says_point_in_the_checklist_options(issue):
    with translation.override("en"):
        [(_pk, label)] = criterion_options(query="A1")

    assert label.endswith("(−1 point)")


def test_it_writes_a_chinese_colon_after_a_chinese_label(client, issue):
    services.issue_start(issue=issue, actor=UserFactory(department=issue.department, role=Role.STAFF))

    chinese = page(client, issue, "zh-hans")

    assert '</strong>：<span class="old">' in chinese
    assert "</strong>: <span" not in chinese
