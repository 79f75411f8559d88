"""Pages and JSON go out gzipped to clients that accept it; the admin, workbooks and photos do not."""

import gzip
import json

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.tests.factories import TaskFactory
from core.tests.api import client_for

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


def test_it_sends_a_page_gzipped(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))

    response = client.get("/dashboard/", **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert page.startswith("<!DOCTYPE html>")
    assert "/dashboard/panels/trends/" in page  # the charts' panel, fetched once the page shows
    assert len(response.content) < len(page.encode()) / 3


def test_it_sends_the_api_json_gzipped():
    TaskFactory.create_batch(3)
    api = client_for(UserFactory(role=Role.LEADER, department=None))

    response = api.get("/api/v1/tasks/", **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = json.loads(gzip.decompress(response.content))
    assert len(body["results"]) == 3


def test_it_sends_plain_bodies_to_clients_that_do_not_ask_for_gzip(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))

    response = client.get("/dashboard/")

    assert not response.has_header("Content-Encoding")
    assert response.content.decode().startswith("<!DOCTYPE html>")


def test_it_leaves_the_admin_uncompressed(admin_client):
    # The admin's API token list shows the keys beside the search a visitor typed (BREACH).
    response = admin_client.get("/admin/authtoken/tokenproxy/?q=abc", **GZIP)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_it_leaves_workbooks_as_they_are(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))

    response = client.get("/dashboard/overdue.xlsx", **GZIP)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"PK")  # a zip file already
