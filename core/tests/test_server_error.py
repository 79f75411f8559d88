"""An unexpected error (the database gone, a bug) answers cleanly: the pages with templates/500.html,
rendered without touching the database, the API with its JSON error. faults/test_postgres_restart.py
checks the same while a real PostgreSQL restarts under load."""

import pytest
from django.test import RequestFactory

from core.views import server_error


@pytest.fixture
def broken_site(client, settings):
    settings.ROOT_URLCONF = "core.tests.broken_urls"
    client.raise_request_exception = False
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_it_shows_the_error_page_without_a_traceback(broken_site):
    response = broken_site.get("/broken/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'id="server-error"' in page
    assert "Something went wrong" in page
    assert 'href="/"' in page
    assert "Traceback" not in page
    assert "OperationalError" not in page


def test_it_answers_the_api_in_its_json_error_shape(broken_site):
    response = broken_site.get("/api/v1/broken/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "The server could not finish this request. Try again in a minute.",
        "errors": {},
    }


def test_it_renders_the_error_page_without_the_database():
    # No django_db mark: pytest-django refuses any query, as a database that is down would.
    response = server_error(RequestFactory().get("/tasks/"))

    assert response.status_code == 500
    assert 'id="server-error"' in response.content.decode()
