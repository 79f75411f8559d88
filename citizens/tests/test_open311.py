"""Open311 as the spec has it: the public issues read without an api_key (anonymised, JSON and XML), a
partner app posts a citizen's report into triage and follows its token."""

from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from citizens import services
from citizens.models import Report
from citizens.tests.factories import INSIDE, PartnerFactory, PublicCategoryFactory, ReportFactory
from core.tests.factories import jpeg_bytes
from grids.tests.factories import PlaceFactory
from inspections.models import Inspection, Issue, IssuePhoto
from inspections.tests.factories import InspectionFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def public():
    department = DepartmentFactory(name="区城管局")
    citizen = IssueFactory(
        source=Issue.Source.CITIZEN,
        department=department,
        status=Issue.Status.CLOSED,
        closed_at=timezone.now(),
        rectification_note="张科长安排保洁员处理",
        latitude=Decimal("36.45"),
        longitude=Decimal("115.98"),
    )
    undercover = IssueFactory(
        inspection=InspectionFactory(kind=Inspection.Kind.UNDERCOVER), department=department, source="citizen"
    )
    internal = IssueFactory(department=department)
    return {"citizen": citizen, "undercover": undercover, "internal": internal, "department": department}


def test_it_lists_public_issues_without_an_api_key_anonymised(public):
    rows = Client().get("/open311/v2/requests.json").json()

    assert [row["service_request_id"] for row in rows] == [public["citizen"].code]
    row = rows[0]
    assert row["status"] == "closed"
    assert row["agency_responsible"] == "区城管局"
    assert row["service_notice"]
    assert row["lat"] == 36.45
    assert "张科长" not in str(rows)
    assert "extended_attributes" not in row
    assert public["citizen"].reported_by.last_name + public["citizen"].reported_by.first_name not in str(rows)
    one = Client().get(f"/open311/v2/requests/{public['citizen'].code}.json")
    assert one.status_code == 200
    assert Client().get(f"/open311/v2/requests/{public['internal'].code}.json").status_code == 404
    assert Client().get(f"/open311/v2/requests/{public['undercover'].code}.json").status_code == 404


def test_it_lists_public_issues_in_xml(public):
    response = Client().get("/open311/v2/requests.xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the server's own answer
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == public["citizen"].code


def test_a_staff_key_keeps_its_wider_view(public):
    leader = UserFactory(role=Role.LEADER, department=None)
    rows = Client().get("/open311/v2/requests.json", {"api_key": Token.objects.create(user=leader).key}).json()
    assert len(rows) == 3


def test_media_url_is_an_approved_photo_at_its_public_address(public):
    leader = UserFactory(role=Role.LEADER, department=None)
    photo = IssuePhoto.objects.create(
        issue=public["citizen"],
        stage=IssuePhoto.Stage.RECTIFIED,
        image=ContentFile(jpeg_bytes(), "a.jpg"),
        uploaded_by=leader,
    )
    assert Client().get("/open311/v2/requests.json").json()[0]["media_url"] == ""
    published = services.public_photo_approve(issue=public["citizen"], actor=leader, photo=photo)
    media_url = Client().get("/open311/v2/requests.json").json()[0]["media_url"]
    assert media_url.endswith(f"/public/photos/{published.token}/")
    response = Client().get(media_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_a_partner_posts_a_report_into_triage_and_follows_its_token(public):
    from citizens.tests.factories import CityGridFactory

    CampaignFactory()
    grid = CityGridFactory()
    category = PublicCategoryFactory()
    partner = PartnerFactory()
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": partner.key,
            "service_code": category.criterion.code,
            "lat": INSIDE[0],
            "long": INSIDE[1],
            "description": "人行道上有垃圾",
            "device_id": "phone-1",
        },
    )
    assert response.status_code == 201, response.content
    token = response.json()[0]["token"]
    report = Report.objects.get(tracking_code=token)
    assert report.status == Report.Status.PENDING
    assert report.channel == Report.Channel.OPEN311
    assert report.partner == partner

    assert Client().get(f"/open311/v2/tokens/{token}.json").json() == [{"service_request_id": None, "token": token}]
    office = UserFactory(role=Role.INSPECTOR, department=None)
    place = PlaceFactory(grid=grid, latitude=Decimal(INSIDE[0]), longitude=Decimal(INSIDE[1]))
    issue = services.report_accept(report=report, actor=office, place=place)
    assert Client().get(f"/open311/v2/tokens/{token}.xml").status_code == 200
    assert Client().get(f"/open311/v2/tokens/{token}.json").json()[0]["service_request_id"] == issue.code
    assert Client().get("/open311/v2/tokens/NOSUCHTOKEN.json").status_code == 404


def test_a_partner_report_outside_the_city_or_of_an_unknown_service_is_refused():
    from citizens.tests.factories import CityGridFactory

    CityGridFactory()
    category = PublicCategoryFactory()
    partner = PartnerFactory()
    base = {"api_key": partner.key, "description": "x", "lat": "39.9", "long": "116.4"}
    outside = Client().post("/open311/v2/requests.json", {**base, "service_code": category.criterion.code})
    unknown = Client().post("/open311/v2/requests.json", {**base, "service_code": "NOPE"})
    assert outside.status_code == 400
    assert unknown.status_code == 400
    assert not Report.objects.exists()


def test_the_public_reads_in_a_constant_number_of_queries(public, queries_of):
    one = queries_of(Client(), "/open311/v2/requests.json")
    for _ in range(5):
        IssueFactory(source=Issue.Source.CITIZEN, department=public["department"])
    assert queries_of(Client(), "/open311/v2/requests.json") == one


def test_a_report_waiting_in_triage_is_not_public():
    ReportFactory()
    assert Client().get("/open311/v2/requests.json").json() == []
