"""The dashboard and the weekly workbook read their figures from the read replica; other pages, a page
that follows the browser's own write, and every write use the default database (``core/db_router.py``).

In tests the replica is a second connection to the test database (``config/test_settings.py``). It is
switched on here, and the rows are committed: a second connection sees nothing else."""

import datetime
import io
import re
from contextlib import contextmanager

import pytest
from django.db import connections, router
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from campaign.models import Task
from core.db_router import RECENT_WRITE_COOKIE, reading_from_replica
from reports.tests.test_dashboard import department_with_work
from reports.workbook import OVERDUE, weekly_workbook_write

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])

# The figures' own tables: what the dashboard and the workbook count.
FIGURE_TABLES = {"campaign_task", "inspections_issue", "grids_grid", "campaign_target"}
# What the default database gives a page before it begins: the session and the signed-in user.
SIGNED_IN = {"django_session", "accounts_user", "accounts_department", "accounts_user_groups", "auth_group"}


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE = "replica"
    yield
    connections["replica"].close()


@pytest.fixture
def housing():
    return department_with_work("QZJ", n=2)


@pytest.fixture
def leader(client):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    return client


def tables(queries: CaptureQueriesContext) -> set[str]:
    return {table for query in queries for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])}


@contextmanager
def reads():
    """The queries run on each database within the block."""
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield {"default": default, "replica": replica}


def test_the_dashboard_reads_its_figures_from_the_replica(replica, housing, leader):
    with reads() as queries:
        page = leader.get("/dashboard/")

    assert page.status_code == 200
    assert "QZJ局" in page.content.decode()
    assert {"campaign_task", "inspections_issue"} <= tables(queries["replica"])
    assert tables(queries["default"]) <= SIGNED_IN
    assert "django_session" not in tables(queries["replica"])


def test_the_dashboard_map_reads_from_the_replica(replica, housing, leader):
    with reads() as queries:
        answer = leader.get("/dashboard/map/")

    assert [grid["code"] for grid in answer.json()["grids"]] == ["G-QZJ"]
    assert "grids_grid" in tables(queries["replica"])
    assert tables(queries["default"]) <= SIGNED_IN


@pytest.mark.parametrize("panel", ["grids", "trends", "targets", "citizens", "evaluation", "lights"])
def test_the_dashboard_panels_read_from_the_replica(replica, housing, leader, panel):
    with reads() as queries:
        answer = leader.get(f"/dashboard/panels/{panel}/", headers={"HX-Request": "true"})

    assert answer.status_code == 200
    assert queries["replica"], "the panel read nothing from the replica"
    assert tables(queries["default"]) <= SIGNED_IN


def test_the_weekly_workbook_reads_only_from_the_replica(replica, housing):
    stream = io.BytesIO()
    with reads() as queries:
        facts = weekly_workbook_write(stream, week_start=timezone.localdate())

    assert facts.rows[OVERDUE] == 2
    assert len(queries["replica"]) >= 10
    assert len(queries["default"]) == 0
    sheet = load_workbook(stream)[OVERDUE]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["QZJ局", "QZJ局"]


@pytest.mark.parametrize("url", ["/", "/tasks/", "/issues/", "/reports/weekly/"])
def test_other_pages_read_from_the_default_database(replica, housing, leader, url):
    with reads() as queries:
        page = leader.get(url)

    assert page.status_code == 200
    assert len(queries["replica"]) == 0
    assert len(queries["default"]) > 0


def test_a_page_that_follows_a_write_reads_what_was_written_from_the_default_database(replica, housing, client):
    task = Task.objects.filter(department=housing["department"]).order_by("pk").first()
    client.force_login(UserFactory(role=Role.STAFF, department=housing["department"]))

    saved = client.post(f"/tasks/{task.pk}/progress/", {"percent": 100, "note": "已完成", "is_final": "on"})

    assert saved.status_code == 302
    mark = saved.cookies[RECENT_WRITE_COOKIE]
    assert (mark["max-age"], mark["httponly"], mark["samesite"]) == (30, True, "Lax")
    with reads() as queries:
        page = client.get("/dashboard/")
    assert len(queries["replica"]) == 0
    assert task.code not in page.content.decode()  # done: no longer in the overdue list

    # Once the browser's mark has expired, the dashboard reads from the replica again.
    del client.cookies[RECENT_WRITE_COOKIE]
    with reads() as queries:
        client.get("/dashboard/")
    assert FIGURE_TABLES & tables(queries["replica"])


def test_writes_go_to_the_default_database_even_inside_a_replica_block(replica, housing):
    with reading_from_replica():
        task = Task.objects.filter(department=housing["department"]).first()
        with reads() as queries:
            task.title = "改过的任务名称"
            task.save(update_fields=["title"])
            Task.objects.filter(pk=task.pk).update(due_date=datetime.date(2030, 1, 1))

    def statements(database: str) -> list[str]:
        return [query["sql"].split()[0] for query in queries[database]]

    assert task._state.db == "default"  # saved: the instance read from the replica is now the default's
    assert statements("replica") == ["SELECT"] * len(queries["replica"])  # what the save itself looks up
    assert statements("default").count("UPDATE") == 2
    assert Task.objects.get(pk=task.pk).title == "改过的任务名称"


def test_sessions_and_the_cache_are_never_read_from_the_replica(replica):
    from django.contrib.sessions.models import Session

    with reading_from_replica():
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(Task) == "replica"
    assert router.db_for_read(Task) == "default"


def test_without_a_replica_everything_is_on_the_default_database(settings, housing, leader):
    settings.REPLICA_DATABASE = None

    with reads() as queries:
        leader.get("/dashboard/")
        written = leader.post("/reports/weekly/build/", {"week_start": timezone.localdate().isoformat()})
        weekly_workbook_write(io.BytesIO(), week_start=timezone.localdate())

    assert len(queries["replica"]) == 0
    assert RECENT_WRITE_COOKIE not in written.cookies
