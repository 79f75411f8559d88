import pytest

from accounts.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_it_syncs_from_an_instant_written_with_any_offset(admin_client):
    DepartmentFactory()
    # Python accepts offsets PostgreSQL refuses (beyond ±15:59); the filter compares instants in UTC.
    response = admin_client.get("/api/v1/departments/", {"updated_since": "0418-12-27T08:47:31-21:09"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_it_refuses_an_instant_outside_the_calendar_with_400(admin_client):
    response = admin_client.get("/api/v1/departments/", {"updated_since": "0001-01-01T00:00:00+15:00"})
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]
