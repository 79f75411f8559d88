import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import CampaignFactory
from core.images import photos_prepare
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections.models import Issue
from inspections.services import issue_file, issue_start, issue_submit, issue_verify
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db


def parse_xml(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 - the server's own answer, not untrusted input


@pytest.fixture
def city():
    CampaignFactory()
    housing = DepartmentFactory(code="QZJ", name="区住建局")
    inspector = UserFactory(role=Role.INSPECTOR, department=None)
    return {
        "housing": housing,
        "place": PlaceFactory(assigned_department=housing, code="XQ001", name="柳园小区", address="柳园路1号"),
        "criterion": CriterionFactory(code="A1", category="市容环境", title="无暴露垃圾", requirement="道路干净"),
        "inspector": inspector,
        "key": Token.objects.create(user=inspector).key,
        "staff": UserFactory(department=housing, role=Role.STAFF),
    }


def post(city, **fields):
    data = {"api_key": city["key"], "service_code": "A1", "description": "路边有垃圾", **fields}
    return Client().post("/open311/v2/requests.json", data)


def test_it_lists_the_checklist_as_services_in_json_and_xml(city):
    CriterionFactory(code="B9", is_active=False)

    services = Client().get("/open311/v2/services.json").json()
    xml = parse_xml(Client().get("/open311/v2/services.xml"))

    assert services == [
        {
            "service_code": "A1",
            "service_name": "无暴露垃圾",
            "description": "道路干净",
            "metadata": True,
            "type": "realtime",
            "keywords": "市容环境",
            "group": "市容环境",
        }
    ]
    assert xml.tag == "services"
    assert [node.findtext("service_code") for node in xml.findall("service")] == ["A1"]


def test_it_describes_a_service_and_its_place_attribute(city):
    definition = Client().get("/open311/v2/services/A1.json").json()
    xml = parse_xml(Client().get("/open311/v2/services/A1.xml"))

    assert definition["service_code"] == "A1"
    assert definition["attributes"][0]["code"] == "place"
    assert xml.find("attributes/attribute/code").text == "place"
    missing = Client().get("/open311/v2/services/ZZ.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_it_files_a_request_and_reads_it_back_in_both_formats(city):
    response = post(city, **{"attribute[place]": "XQ001", "lat": "36.456789", "long": "115.985432"})

    assert response.status_code == 201, response.content
    request_id = response.json()[0]["service_request_id"]
    issue = Issue.objects.get(code=request_id)
    assert (issue.status, issue.department, issue.reported_by) == ("dispatched", city["housing"], city["inspector"])

    as_json = Client().get(f"/open311/v2/requests/{request_id}.json", {"api_key": city["key"]}).json()[0]
    as_xml = parse_xml(Client().get(f"/open311/v2/requests/{request_id}.xml", {"api_key": city["key"]}))

    assert as_json["status"] == "open"
    assert (as_json["service_code"], as_json["agency_responsible"]) == ("A1", "区住建局")
    assert (as_json["lat"], as_json["long"], as_json["address"], as_json["address_id"]) == (
        36.456789,
        115.985432,
        "柳园路1号",
        "XQ001",
    )
    assert as_json["expected_datetime"].endswith("+08:00")
    assert as_json["extended_attributes"]["workflow_status"] == "dispatched"
    assert as_xml.tag == "service_requests"
    assert as_xml.find("request/service_request_id").text == request_id
    assert as_xml.find("request/status").text == "open"
    assert as_xml.find("request/extended_attributes/workflow_status").text == "dispatched"


def test_it_shows_the_status_change_when_the_department_rectifies(city):
    request_id = post(city, address_id="XQ001").json()[0]["service_request_id"]
    issue = Issue.objects.get(code=request_id)
    issue_start(issue=issue, actor=city["staff"])
    issue_submit(issue=issue, actor=city["staff"], note="已清理", photos=photos_prepare([photo_upload()]))
    issue_verify(issue=issue, actor=city["inspector"])

    row = Client().get("/open311/v2/requests.json", {"api_key": city["key"], "status": "closed"}).json()

    assert [item["service_request_id"] for item in row] == [request_id]
    assert (row[0]["status"], row[0]["status_notes"]) == ("closed", "已清理")


def test_it_filters_requests_by_id_service_status_and_dates(city):
    first = post(city, address_id="XQ001").json()[0]["service_request_id"]
    CriterionFactory(code="B2")
    second = post(city, address_id="XQ001", service_code="B2").json()[0]["service_request_id"]
    client, key = Client(), city["key"]

    def ids(**params):
        response = client.get("/open311/v2/requests.json", {"api_key": key, **params})
        assert response.status_code == 200, response.content
        return {row["service_request_id"] for row in response.json()}

    assert ids() == {first, second}
    assert ids(service_request_id=f"{first},nothing") == {first}
    assert ids(service_code="B2") == {second}
    assert ids(status="open") == {first, second}
    assert ids(status="closed") == set()
    assert ids(start_date="2000-01-01T00:00:00+08:00", end_date="2000-12-31T00:00:00Z") == set()
    assert ids(start_date="2000-01-01T00:00:00+08:00") == {first, second}


def test_it_resolves_the_place_by_its_exact_name_in_address_string(city):
    response = post(city, address_string="柳园小区")

    assert response.status_code == 201
    assert Issue.objects.get().place == city["place"]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"service_code": "nope", "address_id": "XQ001"}, 400),
        ({"service_code": ""}, 400),
        ({"address_id": "nowhere"}, 400),
        ({"address_string": "不知道哪里"}, 400),
        ({"address_id": "XQ001", "lat": "north", "long": "1"}, 400),
        ({"address_id": "XQ001", "lat": "91", "long": "1"}, 400),
        ({"address_id": "XQ001", "lat": "36.1"}, 400),
        ({"address_id": "XQ001", "description": "  "}, 400),
        ({"address_id": "XQ001", "api_key": "forged"}, 401),
        ({"address_id": "XQ001", "api_key": ""}, 401),
    ],
)
def test_it_refuses_a_bad_request_in_the_specs_error_format_and_files_nothing(city, fields, status):
    response = post(city, **fields)

    assert response.status_code == status
    errors = json.loads(response.content)
    assert errors[0]["code"] == status
    assert errors[0]["description"]
    assert not Issue.objects.exists()


def test_it_refuses_posting_to_a_key_whose_user_may_not_file(city):
    staff_key = Token.objects.create(user=city["staff"]).key

    response = post(city, address_id="XQ001", api_key=staff_key)

    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Issue.objects.exists()


def test_it_answers_errors_in_xml_for_an_xml_address(city):
    response = Client().get("/open311/v2/requests.xml", {"api_key": "forged"})

    assert response.status_code == 401
    root = parse_xml(response)
    assert root.tag == "errors"
    assert root.find("error/code").text == "401"


def test_it_shows_a_key_only_the_requests_its_user_may_see(city):
    issue = issue_file(reporter=city["inspector"], place=city["place"], criterion=city["criterion"], description="x")
    outsider_key = Token.objects.create(user=UserFactory(role=Role.STAFF)).key
    staff_key = Token.objects.create(user=city["staff"]).key

    assert Client().get("/open311/v2/requests.json", {"api_key": outsider_key}).json() == []
    hidden = Client().get(f"/open311/v2/requests/{issue.code}.json", {"api_key": outsider_key})
    assert hidden.status_code == 404
    mine = Client().get("/open311/v2/requests.json", {"api_key": staff_key}).json()
    assert [row["service_request_id"] for row in mine] == [issue.code]


def test_it_refuses_other_methods_and_bad_dates(city):
    assert Client().delete("/open311/v2/services.json").status_code == 405
    response = Client().get("/open311/v2/requests.json", {"api_key": city["key"], "start_date": "last week"})
    assert response.status_code == 400
    assert Client().get("/open311/v2/requests.json", {"api_key": city["key"], "status": "pending"}).status_code == 400


def test_it_lists_requests_in_the_same_number_of_queries_for_2_or_12(city, queries_of):
    def grow(count: int) -> None:
        for _ in range(count):
            issue_file(
                reporter=city["inspector"],
                place=city["place"],
                criterion=city["criterion"],
                description="x",
                photos=photos_prepare([photo_upload()]),
            )

    def queries() -> int:
        return queries_of(Client(), "/open311/v2/requests.json", {"api_key": city["key"]})

    grow(2)
    few = queries()
    grow(10)
    assert queries() == few


def test_it_gives_the_photo_as_found_at_its_address_in_the_app(city):
    issue = issue_file(
        reporter=city["inspector"],
        place=city["place"],
        criterion=city["criterion"],
        description="路边有垃圾",
        photos=photos_prepare([photo_upload("before.jpg")]),
    )

    rows = Client().get("/open311/v2/requests.json", {"api_key": city["key"]}).json()

    assert [row["media_url"] for row in rows] == [f"http://testserver/issues/photos/{issue.photos.get().pk}/"]
