"""Schemes are data: an administrator edits one whole in the admin, its parts inline, and a scheme that
breaks a rule is not saved, each problem shown on its part."""

import pytest
from django.utils import translation

from assessment.models import Scheme
from assessment.scoring import MESSAGES
from campaign.tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def management(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{key}": value for key, value in row.items()}
    return data


def scheme_post(*, weights: tuple[int, ...] = (60, 40), bands: list[dict] | None = None) -> dict:
    campaign = CampaignFactory()
    indicators = [
        {"code": code, "weight": str(weight), "rule": "rate", "sort_order": str(n)}
        for n, (code, weight) in enumerate(zip(("closure_rate", "disposal_rate"), weights, strict=False))
    ]
    if bands is None:
        bands = [
            {"grade": "excellent", "min_score": "90", "max_score": ""},
            {"grade": "good", "min_score": "80", "max_score": "90"},
            {"grade": "fair", "min_score": "60", "max_score": "80"},
            {"grade": "poor", "min_score": "", "max_score": "60"},
        ]
    return {
        "code": "JN-2018",
        "name": "金牛区数字城管考核",
        "campaign": str(campaign.pk),
        "period_kind": "month",
        "valid_from": "2018-01-01",
        "appeal_days": "3",
        "exclude_suspended": "on",
        "is_active": "on",
        **management("indicators", indicators),
        **management(
            "adjustments",
            [{"code": "repeated_complaint_places", "points_per_unit": "-1", "min_count": "3", "sort_order": "0"}],
        ),
        **management("source_weights", [{"source": "leader", "weight": "2"}, {"source": "media", "weight": "2"}]),
        **management("bands", bands),
    }


def test_an_administrator_saves_a_scheme_with_its_parts(admin_client):
    response = admin_client.post("/admin/assessment/scheme/add/", scheme_post())

    assert response.status_code == 302, response.context and response.context["errors"]
    scheme = Scheme.objects.get(code="JN-2018")
    assert [row.code for row in scheme.indicators.all()] == ["closure_rate", "disposal_rate"]
    assert [(row.source, row.weight) for row in scheme.source_weights.all()] == [("leader", 2), ("media", 2)]
    assert scheme.bands.count() == 4
    assert scheme.history.count() == 1


def test_weights_not_adding_up_to_100_save_nothing_and_say_so(admin_client):
    response = admin_client.post("/admin/assessment/scheme/add/", scheme_post(weights=(60, 30)))

    assert response.status_code == 200
    assert not Scheme.objects.exists()
    page = response.content.decode()
    with translation.override("zh-hans"):
        expected = str(MESSAGES["weights_sum"]) % {"total": "90"}
    assert expected in page


def test_bands_leaving_a_score_without_a_grade_save_nothing(admin_client):
    bands = [
        {"grade": "excellent", "min_score": "90", "max_score": ""},
        {"grade": "poor", "min_score": "", "max_score": "80"},
    ]

    response = admin_client.post("/admin/assessment/scheme/add/", scheme_post(bands=bands))

    assert response.status_code == 200
    assert not Scheme.objects.exists()
    assert "[80, 90)" not in response.content.decode()  # nothing covers it: the message lists the bands
    assert "+∞" in response.content.decode()
