import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from core.models import Heartbeat
from core.tasks import heartbeat


@pytest.mark.django_db
def test_it_reports_the_database_and_broker_healthy(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_it_reports_an_unreachable_broker(client):
    original = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_write_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_task_through_the_configured_broker_and_worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert heartbeat.delay().get(timeout=20) == "ok"
    assert Heartbeat.objects.filter(name="worker").exists()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_runs_on_postgresql_and_redis():
    from django.db import connection

    assert connection.vendor == "postgresql"
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert heartbeat.delay().get(timeout=20) == "ok"
