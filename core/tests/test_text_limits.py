"""Free text has one limit per kind (``core.limits.TEXT_LIMITS``), which the page forms, the API (and its
schema), the model fields and the services all keep, each refusing a longer text with a Chinese message."""

import pytest
from django.forms import modelform_factory
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.api.serializers import ProgressReportCreateSerializer
from campaign.forms import ProgressForm
from campaign.models import ProgressReport
from campaign.tests.factories import CampaignFactory, TaskFactory
from core.limits import TEXT_LIMITS
from core.tests.api import client_for
from grids.tests.factories import PlaceFactory
from inspections.api.serializers import IssueFileSerializer, ReasonSerializer, SubmitSerializer
from inspections.forms import IssueFileForm, ReasonForm, SubmitForm
from inspections.models import ExtensionRequest, Issue
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

TOO_LONG = "很" * 21_000


@pytest.fixture
def city():
    CampaignFactory()
    bureau = DepartmentFactory(code="CGJ", name="市城管局")
    return {
        "place": PlaceFactory(assigned_department=bureau),
        "criterion": CriterionFactory(code="A1", default_department=bureau),
        "inspector": UserFactory(username="ducha", role=Role.INSPECTOR),
        "task": TaskFactory(department=bureau, accountable=UserFactory(department=bureau, role=Role.STAFF)),
    }


def test_it_reads_one_table_of_limits_in_the_models_the_forms_and_the_serializers():
    pairs = [
        (ProgressReport._meta.get_field("note").max_length, ProgressForm.base_fields["note"].max_length),
        (Issue._meta.get_field("description").max_length, IssueFileForm.base_fields["description"].max_length),
        (Issue._meta.get_field("rectification_note").max_length, SubmitForm.base_fields["note"].max_length),
        (ExtensionRequest._meta.get_field("reason").max_length, ReasonForm.base_fields["reason"].max_length),
    ]
    assert pairs == [
        (TEXT_LIMITS.note, TEXT_LIMITS.note),
        (TEXT_LIMITS.description, TEXT_LIMITS.description),
        (TEXT_LIMITS.note, TEXT_LIMITS.note),
        (TEXT_LIMITS.reason, TEXT_LIMITS.reason),
    ]
    assert ProgressReportCreateSerializer().fields["note"].max_length == TEXT_LIMITS.note
    assert IssueFileSerializer().fields["description"].max_length == TEXT_LIMITS.description
    assert SubmitSerializer().fields["note"].max_length == TEXT_LIMITS.note
    assert ReasonSerializer().fields["reason"].max_length == TEXT_LIMITS.reason


def test_it_refuses_a_21000_character_note_on_the_page_in_chinese(client, city):
    task = city["task"]
    client.force_login(task.accountable)

    page = client.post(reverse("campaign:progress_create", args=[task.pk]), {"percent": 10, "note": TOO_LONG})

    body = page.content.decode()
    assert f'maxlength="{TEXT_LIMITS.note}"' in body
    assert f"不超过 {TEXT_LIMITS.note} 字符" in body
    assert not ProgressReport.objects.exists()


def test_it_refuses_it_in_the_api_and_the_schema_says_the_limit(city):
    task = city["task"]

    answer = client_for(task.accountable).post(
        f"/api/v1/tasks/{task.pk}/progress-reports/", {"percent": 10, "note": TOO_LONG}, format="json"
    )
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()

    assert answer.status_code == 400
    assert answer.json()["errors"]["note"] == [f"请确保这个字段不能超过 {TEXT_LIMITS.note} 个字符。"]
    assert not ProgressReport.objects.exists()
    documented = schema["components"]["schemas"]["ProgressReportCreateRequest"]["properties"]["note"]
    assert documented["maxLength"] == TEXT_LIMITS.note


def test_it_refuses_it_in_the_admin_s_form_of_the_model():
    form = modelform_factory(ProgressReport, fields=["note"])(data={"note": TOO_LONG})

    with translation.override("zh-hans"):
        assert not form.is_valid()
        assert f"不超过 {TEXT_LIMITS.note} 字符" in form.errors["note"][0]


def test_it_refuses_a_description_too_long_through_every_door(client, city):
    client.force_login(city["inspector"])
    data = {"grid": city["place"].grid_id, "place": city["place"].pk, "criterion": city["criterion"].pk}

    page = client.post(reverse("inspections:issue_create"), {**data, "description": TOO_LONG})
    api = client_for(city["inspector"]).post(
        "/api/v1/issues/",
        {"place": city["place"].pk, "criterion": city["criterion"].pk, "description": TOO_LONG},
        format="json",
    )
    open311 = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": Token.objects.get_or_create(user=city["inspector"])[0].key,
            "service_code": "A1",
            "description": TOO_LONG,
            "attribute[place]": city["place"].code,
        },
    )

    assert f"不超过 {TEXT_LIMITS.description} 字符" in page.content.decode()
    assert api.status_code == 400
    assert open311.status_code == 400
    assert f"问题描述最多{TEXT_LIMITS.description}个字符（当前21000个）" in open311.content.decode()
    assert not Issue.objects.exists()
