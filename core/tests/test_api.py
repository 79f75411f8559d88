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


def test_it_answers_too_many_requests_with_429(leader, monkeypatch):
    monkeypatch.setattr(throttling.UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    throttling.UserRateThrottle.cache.clear()
    client = token_client(leader)

    statuses = [client.get("/api/v1/campaigns/").status_code for _ in range(3)]

    throttling.UserRateThrottle.cache.clear()
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
