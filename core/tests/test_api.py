"""What every /api/v1/ endpoint shares: authentication, the error shape, languages, the schema."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework import throttling
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db
ERROR_KEYS = {"status", "code", "message", "errors"}


def token_client(user, **headers) -> APIClient:
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def leader():
    return UserFactory(role=Role.LEADER)


def test_it_answers_anonymous_requests_with_401_in_the_error_shape():
    response = APIClient().get("/api/v1/tasks/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert (body["status"], body["code"], body["errors"]) == (401, "not_authenticated", {})


def test_it_accepts_a_token_and_refuses_it_once_revoked(leader):
    TaskFactory()
    token = Token.objects.create(user=leader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get("/api/v1/tasks/").status_code == 200
    token.delete()  # what "revoke" in the admin does
    response = client.get("/api/v1/tasks/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_it_refuses_the_token_of_a_deactivated_account(leader):
    client = token_client(leader)
    leader.is_active = False
    leader.save()

    assert client.get("/api/v1/tasks/").status_code == 401


def test_it_accepts_the_browsers_session_and_checks_csrf_on_writes():
    inspector = UserFactory(role=Role.INSPECTOR)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(inspector)

    assert browser.get("/api/v1/tasks/").status_code == 200
    response = browser.post("/api/v1/issues/", {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "CSRF" in response.json()["message"]


def test_it_speaks_the_requests_language():
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tasks/").json()
    chinese = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/v1/tasks/").json()

    assert english["message"] == "Authentication credentials were not provided."
    assert chinese["message"] == "身份认证信息未提供。"


def test_it_translates_validation_errors(leader):
    client = token_client(leader, HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = client.get("/api/v1/tasks/", {"updated_since": "昨天"}).json()

    assert body["message"] == "无效的输入。"
    assert body["errors"]["updated_since"]


def test_it_answers_unknown_addresses_and_ids_with_404_in_the_error_shape(leader):
    client = token_client(leader)

    for url in ("/api/v1/nothing-here/", "/api/v1/tasks/abc/", "/api/v1/tasks/999999/", "/api/v1/tasks/1"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    huge = client.get(f"/api/v1/tasks/{10**30}/")
    assert huge.status_code == 404


def test_it_answers_a_post_without_its_trailing_slash_with_404_not_a_redirect():
    inspector = UserFactory(role=Role.INSPECTOR)

    response = token_client(inspector).post("/api/v1/issues", {}, format="json")

    assert response.status_code == 404


def test_it_answers_a_wrong_method_with_405(leader):
    task = TaskFactory()
    client = token_client(leader)

    response = client.put(f"/api/v1/tasks/{task.pk}/", {}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert client.get("/api/v1/issues/1/verify/").status_code == 405


def test_it_answers_an_unsupported_body_with_415(leader):
    inspector = UserFactory(role=Role.INSPECTOR)

    response = token_client(inspector).post("/api/v1/issues/", b"<issue/>", content_type="application/xml")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_it_answers_too_many_requests_with_429(leader, monkeypatch, clear_cache):
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    client = token_client(leader)

    statuses = [client.get("/api/v1/campaigns/").status_code for _ in range(3)]

    clear_cache()  # the minute's count forgotten: the throttle, nothing else, refused the third request
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/campaigns/").status_code == 200


def test_it_validates_the_schema_without_a_warning(tmp_path):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), stdout=out, stderr=err
    )

    assert "Warning" not in err.getvalue()
    assert "Error" not in err.getvalue()
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    assert "/api/v1/tasks/" in schema["paths"]
    assert not any(path.startswith("/open311") for path in schema["paths"])


def test_it_documents_the_error_and_pagination_shapes():
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)

    tasks = schema["paths"]["/api/v1/tasks/"]["get"]
    assert set(tasks["responses"]) >= {"200", "400", "401", "403", "404", "429"}
    assert tasks["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    page = schema["components"]["schemas"]["PaginatedTaskList"]
    assert set(page["properties"]) == {"next", "previous", "results"}
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == ERROR_KEYS
    verify = schema["paths"]["/api/v1/issues/{id}/verify/"]["post"]
    assert "409" in verify["responses"]
    parameters = {parameter["name"] for parameter in tasks["parameters"]}
    assert parameters >= {"cursor", "page_size", "ordering", "updated_since", "department", "overdue", "q"}


def test_it_serves_swagger_ui_and_redoc_without_the_internet():
    client = Client()

    swagger = client.get("/api/v1/docs/")
    redoc = client.get("/api/v1/redoc/")

    assert swagger.status_code == redoc.status_code == 200
    assert b"drf_spectacular_sidecar/swagger-ui-dist" in swagger.content
    assert b"drf_spectacular_sidecar/redoc" in redoc.content
    assert b"cdn.jsdelivr" not in swagger.content + redoc.content


# ---------------------------------------------------------------------------------------------
# Over the whole schema: every response conforms to it, and no bad input makes a server error.


def _resolve(node, components: dict):
    """The OpenAPI 3.0 schema as plain JSON Schema: references inlined, ``nullable`` as a null type."""
    if isinstance(node, list):
        return [_resolve(item, components) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _resolve(components[node["$ref"].rsplit("/", 1)[-1]], components)
    resolved = {key: _resolve(value, components) for key, value in node.items() if key != "nullable"}
    for bound, limit in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if resolved.get(bound) is True:  # OpenAPI 3.0's flag is JSON Schema's number
            resolved[bound] = resolved.pop(limit)
        elif resolved.get(bound) is False:
            del resolved[bound]
    if node.get("nullable"):
        return {"anyOf": [resolved, {"type": "null"}]}
    return resolved


@pytest.fixture
def world():
    """One of everything, so that every list and every detail address has a row to show."""
    import datetime

    from django.utils import timezone

    from campaign.tests.factories import ProgressReportFactory, TargetFactory
    from core.images import photos_prepare
    from core.tests.factories import photo_upload
    from grids.tests.factories import PlaceFactory
    from inspections.models import ExtensionRequest, Suspension
    from inspections.services import issue_file
    from inspections.tests.factories import CriterionFactory, InspectionFactory

    admin = UserFactory(is_superuser=True, department=None)
    task = TaskFactory(target=TargetFactory())
    task.places.add(PlaceFactory())
    ProgressReportFactory(task=task, quantity=3)
    InspectionFactory().members.add(admin)
    issue = issue_file(
        reporter=admin,
        place=PlaceFactory(),
        criterion=CriterionFactory(),
        description="垃圾",
        photos=photos_prepare([photo_upload()]),
    )
    ExtensionRequest.objects.create(
        issue=issue, requested_by=admin, reason="x", requested_deadline=timezone.now() + datetime.timedelta(days=9)
    )
    Suspension.objects.create(issue=issue, requested_by=admin, reason="雨季施工")
    from evaluation.tests.factories import evaluation_world

    evaluation_world(
        campaign=task.campaign, place=PlaceFactory(), criterion=CriterionFactory(), inspector=admin, department=None
    )
    return {"admin": admin}


def _url(client, path: str) -> str:
    """The path with ``{id}`` replaced by the id of the first row its list shows (1 if none)."""
    if "{id}" not in path:
        return path
    rows = client.get(path.split("{id}")[0]).json()["results"]
    return path.replace("{id}", str(rows[0]["id"] if rows else 1))


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_it_answers_every_read_as_its_schema_says(world):
    import jsonschema

    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    client = token_client(world["admin"])
    checked = 0
    for path, method, operation in _operations(schema):
        if method != "get":
            continue
        url = _url(client, path)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        documented = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        jsonschema.validate(response.json(), _resolve(documented, components))
        checked += 1
    assert checked == 36  # every list and detail, the scoreboards, the assessment results, the evaluation scores


GARBAGE = ["", "x" * 3, -1, 10**30, 1.5, True, None, [], {}, ["a"], {"a": 1}, "2018-13-45", "9" * 40]


def test_it_never_answers_bad_input_with_a_server_error(world):
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    components = schema["components"]["schemas"]
    client = token_client(world["admin"])
    for path, method, operation in _operations(schema):
        url = _url(client, path)
        if method == "get":
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                for value in ("x", "-1", "9" * 40, "2018-13-45", "", "1,2"):
                    response = client.get(url, {parameter["name"]: value})
                    assert response.status_code < 500, (url, parameter["name"], value)
            continue
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        properties = _resolve(body, components).get("properties", {}) if body else {}
        for name in properties or ["anything"]:
            for value in GARBAGE:
                response = client.post(url, {name: value}, format="json")
                assert response.status_code < 500, (url, name, value, response.content[:300])
                assert set(response.json()) == ERROR_KEYS or response.status_code in (200, 201)
        for raw in (b"{", b"[]", b"null", b'"text"', b"\xff\xfe"):
            response = client.post(url, raw, content_type="application/json")
            assert response.status_code < 500, (url, raw)


# ---------------------------------------------------------------------------------------------
# As strict as the schema (what schemathesis's negative_data_rejection found accepted)


def test_it_refuses_a_filter_sent_empty_or_a_yes_no_it_cannot_read(leader):
    client = token_client(leader)

    empty = client.get("/api/v1/tasks/", {"status": "", "updated_since": ""})
    unreadable = client.get("/api/v1/tasks/", {"overdue": "maybe", "mine": "1"})

    assert empty.status_code == 400
    assert set(empty.json()["errors"]) == {"status", "updated_since"}
    assert unreadable.status_code == 400
    assert set(unreadable.json()["errors"]) == {"overdue", "mine"}
    assert client.get("/api/v1/tasks/", {"q": "", "overdue": "false"}).status_code == 200  # free text may be empty


@pytest.mark.parametrize("page_size", ["0", "-3", "ten", "2.5", ""])
def test_it_refuses_a_page_size_that_is_not_a_whole_number_from_1(leader, page_size):
    for url in ("/api/v1/tasks/", "/api/v1/campaigns/"):
        response = token_client(leader).get(url, {"page_size": page_size})

        assert response.status_code == 400, url
        assert list(response.json()["errors"]) == ["page_size"]


def test_it_caps_a_page_size_of_any_length_and_answers_an_empty_page_number_with_404(leader):
    client = token_client(leader)

    assert client.get("/api/v1/campaigns/", {"page_size": "9" * 5000}).status_code == 200
    assert client.get("/api/v1/campaigns/", {"page": ""}).status_code == 404


def test_it_documents_ids_from_1_and_each_filter_with_its_type():
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)

    tasks = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/tasks/"]["get"]["parameters"]}
    assert tasks["department"] == {"type": "integer", "minimum": 1}
    assert tasks["grid"] == {"type": "integer", "minimum": 1}
    assert tasks["overdue"] == {"type": "boolean"}
    assert tasks["page_size"] == {"type": "integer", "minimum": 1}
    filing = schema["components"]["schemas"]["IssueFileRequest"]["properties"]
    assert filing["place"]["minimum"] == filing["campaign"]["minimum"] == 1


def test_a_first_page_holding_every_row_counts_itself_and_a_longer_list_is_counted(leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaign.tests.factories import CampaignFactory

    for code in ("C1", "C2", "C3"):
        CampaignFactory(code=code)
    client = token_client(leader)

    def read(**params):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/campaigns/", params).json()
        counts = [query for query in queries if "COUNT(" in query["sql"] and "campaign_campaign" in query["sql"]]
        return body, counts

    short, short_counts = read()
    full, full_counts = read(page_size=3)
    first, first_counts = read(page_size=2)
    second, second_counts = read(page_size=2, page=2)

    assert (short["count"], len(short["results"]), short_counts) == (3, 3, [])
    assert (full["count"], len(full["results"]), full_counts) == (3, 3, [])  # no row beyond the page
    assert (first["count"], len(first["results"]), first["next"] is not None, len(first_counts)) == (3, 2, True, 1)
    assert (second["count"], [row["id"] for row in second["results"]]) == (3, [full["results"][2]["id"]])
    assert len(second_counts) == 1
