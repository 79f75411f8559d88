import datetime

import pytest
import yaml
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import Task
from campaign.tests.factories import CampaignFactory
from core.tests.api import client_for
from core.tests.factories import photo_upload
from grids.tests.factories import PlaceFactory
from inspections.models import ExtensionRequest, Issue, IssueEvent
from inspections.services import issue_file
from inspections.tests.factories import CriterionFactory, IssueFactory, issue_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """A place assigned to the district housing bureau, its staff, another bureau's staff, an
    inspector and a leader."""
    CampaignFactory()
    housing = DepartmentFactory(code="QZJ", name="区住建局")
    other = DepartmentFactory(code="CGJ", name="市城管局")
    return {
        "housing": housing,
        "place": PlaceFactory(assigned_department=housing),
        "criterion": CriterionFactory(rectify_limit="3d"),
        "staff": UserFactory(department=housing, role=Role.STAFF),
        "outsider": UserFactory(department=other, role=Role.STAFF),
        "inspector": UserFactory(department=None, role=Role.INSPECTOR),
        "leader": UserFactory(department=None, role=Role.LEADER),
    }


def dispatched(city) -> Issue:
    return issue_file(
        reporter=city["inspector"], place=city["place"], criterion=city["criterion"], description="垃圾桶满溢"
    )


def test_it_files_and_dispatches_an_issue_through_the_service(city):
    response = client_for(city["inspector"]).post(
        "/api/v1/issues/",
        {
            "place": city["place"].pk,
            "criterion": city["criterion"].pk,
            "description": "路边有暴露垃圾",
            "latitude": "36.456789",
            "longitude": "115.985432",
            "photos": [photo_upload()],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["department"]) == ("dispatched", city["housing"].pk)
    assert body["code"].startswith("WT")
    assert [photo["stage"] for photo in body["photos"]] == ["found"]
    issue = Issue.objects.get()
    assert issue.rectification_task.kind == Task.Kind.RECTIFICATION


def test_it_refuses_filing_to_department_staff_with_403(city):
    response = client_for(city["staff"]).post(
        "/api/v1/issues/",
        {"place": city["place"].pk, "criterion": city["criterion"].pk, "description": "x"},
        format="json",
    )

    assert response.status_code == 403
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"place": 999999, "criterion": "@criterion", "description": "x"}, "place"),
        ({"place": "@place", "criterion": "abc", "description": "x"}, "criterion"),
        ({"place": "@place", "criterion": "@criterion"}, "description"),
        ({"place": "@place", "criterion": "@criterion", "description": "x", "latitude": 123}, "latitude"),
        ({"place": "@place", "criterion": "@criterion", "description": "x", "latitude": "north"}, "latitude"),
        ({"place": [1], "criterion": {"id": 1}, "description": 5}, "place"),
    ],
)
def test_it_answers_bad_filing_input_with_400_and_files_nothing(city, payload, field):
    payload = {
        key: {"@place": city["place"].pk, "@criterion": city["criterion"].pk}.get(value, value)
        if isinstance(value, str)
        else value
        for key, value in payload.items()
    }

    response = client_for(city["inspector"]).post("/api/v1/issues/", payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["code"]) == (400, "invalid")
    assert field in body["errors"]
    assert not Issue.objects.exists()


def test_it_answers_malformed_json_with_a_parse_error(city):
    response = client_for(city["inspector"]).post(
        "/api/v1/issues/", data='{"place": 1,', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not Issue.objects.exists()


def test_it_passes_a_rule_of_the_service_on_as_400_with_its_code(city):
    response = client_for(city["inspector"]).post(
        "/api/v1/issues/",
        {"place": city["place"].pk, "criterion": city["criterion"].pk, "description": "x", "latitude": "36.1"},
        format="json",
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["message"]) == (
        "location_incomplete",
        "位置须同时填写纬度和经度。",
    )
    assert not Issue.objects.exists()


def test_a_bad_latitude_gets_one_message_about_the_latitude(city):
    response = client_for(city["inspector"]).post(
        "/api/v1/issues/",
        {"place": city["place"].pk, "criterion": city["criterion"].pk, "description": "x", "latitude": "136.1"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"latitude": ["纬度须为 -90 到 90 之间的数，最多 6 位小数。"]}
    assert not Issue.objects.exists()


def test_it_runs_the_whole_workflow_through_the_services(city):
    issue = dispatched(city)
    staff, inspector = client_for(city["staff"]), client_for(city["inspector"])

    assert staff.post(f"/api/v1/issues/{issue.pk}/start/").json()["status"] == "rectifying"
    submitted = staff.post(
        f"/api/v1/issues/{issue.pk}/submit/", {"note": "已清理", "photos": [photo_upload()]}, format="multipart"
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    sent_back = inspector.post(f"/api/v1/issues/{issue.pk}/send-back/", {"reason": "仍有垃圾"}, format="json")
    assert (sent_back.json()["status"], sent_back.json()["rework_count"]) == ("rectifying", 1)
    staff.post(f"/api/v1/issues/{issue.pk}/submit/", {"note": "再清理", "photos": [photo_upload()]}, format="multipart")
    verified = inspector.post(f"/api/v1/issues/{issue.pk}/verify/", {"note": "合格"}, format="json")

    assert verified.json()["status"] == "closed"
    issue.refresh_from_db()
    assert issue.rectification_task.status == Task.Status.DONE
    assert list(issue.events.values_list("action", flat=True)) == [
        "filed",
        "dispatched",
        "started",
        "submitted",
        "sent_back",
        "submitted",
        "verified",
    ]


def test_it_refuses_a_step_the_workflow_does_not_allow_with_409_and_changes_nothing(city):
    issue = dispatched(city)
    events = IssueEvent.objects.count()

    response = client_for(city["inspector"]).post(f"/api/v1/issues/{issue.pk}/verify/", {}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert (body["status"], body["code"]) == (409, "transition_not_allowed")
    assert body["message"]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED
    assert IssueEvent.objects.count() == events


def test_it_needs_a_photo_to_submit(city):
    issue = dispatched(city)

    response = client_for(city["staff"]).post(f"/api/v1/issues/{issue.pk}/submit/", {"note": "已清理"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "photo_required"
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED


def test_it_hides_another_departments_issue_from_staff_and_changes_nothing(city):
    issue = dispatched(city)
    outsider = client_for(city["outsider"])

    assert outsider.get(f"/api/v1/issues/{issue.pk}/").status_code == 404
    assert outsider.get("/api/v1/issues/").json()["results"] == []
    for step, payload in (("start", {}), ("return", {"reason": "不归我们"}), ("request-extension", {})):
        response = outsider.post(f"/api/v1/issues/{issue.pk}/{step}/", payload, format="json")
        assert response.status_code == 404, step
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED
    assert not ExtensionRequest.objects.exists()


def test_it_refuses_a_step_to_someone_without_the_permission_with_403(city):
    issue = dispatched(city)

    response = client_for(city["leader"]).post(f"/api/v1/issues/{issue.pk}/start/")

    assert response.status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DISPATCHED


def test_it_returns_and_redispatches_an_issue(city):
    issue = dispatched(city)
    other = DepartmentFactory(code="SLJ", name="市水利局")

    returned = client_for(city["staff"]).post(f"/api/v1/issues/{issue.pk}/return/", {"reason": "属水利局"})
    again = client_for(city["inspector"]).post(
        f"/api/v1/issues/{issue.pk}/dispatch/", {"department": other.pk, "note": "改派"}, format="json"
    )

    assert returned.json()["status"] == "returned"
    assert (again.json()["status"], again.json()["department"]) == ("dispatched", other.pk)


def test_it_refuses_redispatch_to_the_department_that_returned_it(city):
    issue = dispatched(city)
    client_for(city["staff"]).post(f"/api/v1/issues/{issue.pk}/return/", {"reason": "不归我们"}, format="json")

    response = client_for(city["inspector"]).post(
        f"/api/v1/issues/{issue.pk}/dispatch/", {"department": city["housing"].pk}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "overrule_reason_required"
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.RETURNED


def test_it_requests_and_decides_an_extension(city):
    issue = dispatched(city)
    new_day = timezone.localdate(issue.deadline) + datetime.timedelta(days=7)

    asked = client_for(city["staff"]).post(
        f"/api/v1/issues/{issue.pk}/request-extension/",
        {"new_deadline": new_day.isoformat(), "reason": "需要采购设备"},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    request_id = asked.json()["id"]
    refused = client_for(city["staff"]).post(f"/api/v1/extension-requests/{request_id}/decide/", {"approve": True})
    decided = client_for(city["leader"]).post(
        f"/api/v1/extension-requests/{request_id}/decide/", {"approve": True, "note": "同意"}, format="json"
    )
    twice = client_for(city["leader"]).post(
        f"/api/v1/extension-requests/{request_id}/decide/", {"approve": False, "note": "不同意"}, format="json"
    )

    assert refused.status_code == 403
    assert decided.json()["status"] == "approved"
    assert twice.status_code == 409
    assert twice.json()["code"] == "already_decided"
    issue.refresh_from_db()
    assert timezone.localdate(issue.deadline) == new_day
    assert issue.rectification_task.due_date == new_day


def test_it_refuses_an_unreadable_deadline(city):
    issue = dispatched(city)

    response = client_for(city["staff"]).post(
        f"/api/v1/issues/{issue.pk}/request-extension/", {"new_deadline": "next week", "reason": "x"}, format="json"
    )

    assert response.status_code == 400
    assert "new_deadline" in response.json()["errors"]
    assert not ExtensionRequest.objects.exists()


def test_it_filters_issues_by_status_department_place_overdue_and_updated_since(city):
    mine = dispatched(city)
    elsewhere = IssueFactory(status=Issue.Status.REPORTED)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    issue_set(  # its department's clock ran out an hour ago
        mine, reported_at=timezone.now() - datetime.timedelta(days=5), deadline=an_hour_ago, clock_due_at=an_hour_ago
    )
    Issue.objects.filter(pk=elsewhere.pk).update(updated=timezone.now() - datetime.timedelta(days=3))
    client = client_for(city["leader"])

    def ids(**params):
        response = client.get("/api/v1/issues/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {mine.pk, elsewhere.pk}
    assert ids(status="reported") == {elsewhere.pk}
    assert ids(department=city["housing"].pk) == {mine.pk}
    assert ids(place=elsewhere.place_id) == {elsewhere.pk}
    assert ids(grid=elsewhere.grid_id) == {elsewhere.pk}
    assert ids(overdue="true") == {mine.pk}
    assert ids(overdue="false") == {elsewhere.pk}
    assert ids(updated_since=(timezone.now() - datetime.timedelta(days=1)).isoformat()) == {mine.pk}
    assert ids(q=mine.code) == {mine.pk}
    assert ids(due_before=timezone.localdate().isoformat()) == {mine.pk}


@pytest.mark.parametrize(
    "url", ["/api/v1/issues/", "/api/v1/extension-requests/", "/api/v1/criteria/", "/api/v1/inspections/"]
)
def test_it_reads_a_list_in_the_same_number_of_queries_for_2_or_12_rows(city, url, queries_of):
    from inspections.tests.factories import InspectionFactory

    def grow(count: int) -> None:
        for _ in range(count):
            issue = IssueFactory()
            issue.photos.create(image="issues/a.jpg", thumbnail="issues/a.jpg", uploaded_by=issue.reported_by)
            ExtensionRequest.objects.create(
                issue=issue, requested_by=issue.reported_by, reason="x", requested_deadline=timezone.now()
            )
            inspection = InspectionFactory()
            inspection.members.add(issue.reported_by)
            inspection.grids.add(issue.grid)

    client = client_for(city["leader"])
    grow(2)
    few = queries_of(client, url)
    grow(10)
    assert queries_of(client, url) == few


def test_it_needs_approve_in_a_form_too_and_decides_nothing_without_it(city):
    issue = dispatched(city)
    extension = ExtensionRequest.objects.create(
        issue=issue,
        requested_by=city["staff"],
        reason="材料未到",
        requested_deadline=issue.deadline + datetime.timedelta(days=5),
    )

    response = client_for(city["leader"]).post(
        f"/api/v1/extension-requests/{extension.pk}/decide/", {"note": "再议"}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["approve"]
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING


@pytest.mark.parametrize(
    ("field", "value"), [("latitude", "90.5"), ("latitude", "1e1"), ("longitude", "-181"), ("description", "   ")]
)
def test_it_refuses_a_location_out_of_range_or_a_blank_description_and_files_nothing(city, field, value):
    body = {"place": city["place"].pk, "criterion": city["criterion"].pk, "description": "x", "longitude": "115.9"}
    body.update({"latitude": "36.1", field: value})

    response = client_for(city["inspector"]).post("/api/v1/issues/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Issue.objects.exists()


def test_it_answers_a_deadline_not_later_than_the_current_one_with_409(city):
    issue = dispatched(city)

    response = client_for(city["staff"]).post(
        f"/api/v1/issues/{issue.pk}/request-extension/",
        {"new_deadline": "2000-01-01", "reason": "材料未到"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "deadline_not_later"
    assert not ExtensionRequest.objects.exists()


def test_it_lets_staff_filter_by_department_as_documented(city):
    issue = dispatched(city)
    staff = client_for(city["staff"])

    own = staff.get("/api/v1/issues/", {"department": city["housing"].pk})
    other = staff.get("/api/v1/issues/", {"department": DepartmentFactory().pk})

    assert [row["id"] for row in own.json()["results"]] == [issue.pk]
    assert other.json()["results"] == []
    assert staff.get("/api/v1/issues/", {"department": "-1"}).status_code == 400


def test_it_guards_extensions_in_the_api_as_on_the_page(city):
    issue = dispatched(city)
    deadline = timezone.localdate(issue.deadline)
    staff, leader = client_for(city["staff"]), client_for(city["leader"])

    unbounded = staff.post(
        f"/api/v1/issues/{issue.pk}/request-extension/",
        {"new_deadline": "2035-12-31", "reason": "需要采购设备"},
        format="json",
    )
    assert unbounded.status_code == 400
    assert unbounded.json()["code"] == "beyond_limit"
    assert not ExtensionRequest.objects.exists()

    asked = staff.post(
        f"/api/v1/issues/{issue.pk}/request-extension/",
        {"new_deadline": "2035-12-31", "reason": "需要采购设备", "beyond_limit_note": "须经法院强制执行"},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert body["beyond_limit_note"] == "须经法院强制执行"
    assert body["limit_deadline"] < body["requested_deadline"]
    decide = f"/api/v1/extension-requests/{body['id']}/decide/"

    silent = leader.post(decide, {"approve": False}, format="json")
    unconfirmed = leader.post(decide, {"approve": True}, format="json")
    assert (silent.status_code, silent.json()["code"]) == (400, "reason_required")
    assert (unconfirmed.status_code, unconfirmed.json()["code"]) == (400, "confirm_beyond_limit")
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.PENDING

    earlier = deadline + datetime.timedelta(days=2)
    approved = leader.post(decide, {"approve": True, "approved_deadline": earlier.isoformat()}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    issue.refresh_from_db()
    assert timezone.localdate(issue.deadline) == earlier
    assert datetime.datetime.fromisoformat(approved.json()["approved_deadline"]) == issue.deadline


def test_it_documents_the_awaiting_verification_status_and_the_decision_fields():
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    assert "awaiting_verification" in components["TaskStatusEnum"]["enum"]
    decide = components["ExtensionDecideRequest"]["properties"]
    assert {"approved_deadline", "confirm_beyond_limit", "note"} <= set(decide)
    assert "assisting_departments" in components["Criterion"]["properties"]
