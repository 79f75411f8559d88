"""/public/: public issues only, anonymised, photos only as approved, served from the cache."""

import gzip
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from citizens import services
from citizens.models import PublicIssue
from core.errors import Conflict
from core.tests.factories import jpeg_bytes
from inspections.models import Inspection, Issue, IssuePhoto
from inspections.tests.factories import InspectionFactory, IssueFactory

pytestmark = pytest.mark.django_db


def _database_queries(captured) -> list[str]:
    """The queries that reached the database's own tables (the database cache's table aside)."""
    table = settings.CACHES["default"].get("LOCATION", "")
    return [query["sql"] for query in captured.captured_queries if not (table and table in query["sql"])]


@pytest.fixture
def leader():
    return UserFactory(role=Role.LEADER, department=None)


def test_it_shows_citizen_and_marked_issues_never_undercover_ones(leader):
    department = DepartmentFactory(name="区城管局")
    citizen = IssueFactory(source=Issue.Source.CITIZEN, department=department, description="路口垃圾")
    marked = IssueFactory(department=department, description="广告牌破损")
    hidden = IssueFactory(department=department, description="内部问题")
    undercover = IssueFactory(
        inspection=InspectionFactory(kind=Inspection.Kind.UNDERCOVER), department=department, description="暗访发现"
    )
    services.public_issue_mark(issue=marked, actor=leader)
    with pytest.raises(Conflict):
        services.public_issue_mark(issue=undercover, actor=leader)

    page = Client().get("/public/").content.decode()
    assert citizen.code in page
    assert marked.code in page
    assert hidden.code not in page
    assert undercover.code not in page
    assert citizen.reported_by.display_name not in page
    assert not PublicIssue.objects.filter(issue=undercover).exists()


def test_a_cache_hit_runs_no_database_query():
    IssueFactory(source=Issue.Source.CITIZEN, department=DepartmentFactory())
    client = Client()
    assert client.get("/public/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/public/")
    assert response.status_code == 200
    assert _database_queries(captured) == []
    assert "public" in response["Cache-Control"]


def test_counts_by_status_and_on_time_rate_per_department():
    department = DepartmentFactory(name="区城管局")
    now = timezone.now()
    IssueFactory(
        source=Issue.Source.CITIZEN,
        department=department,
        status=Issue.Status.CLOSED,
        closed_at=now,
        deadline=now + timezone.timedelta(days=1),
    )
    IssueFactory(source=Issue.Source.CITIZEN, department=department, status=Issue.Status.CLOSED, closed_at=now)
    IssueFactory(source=Issue.Source.CITIZEN, department=department, status=Issue.Status.RECTIFYING)
    context = Client().get("/public/").context
    counts = {row["status"]: row["count"] for row in context["counts"]}
    assert counts["closed"] == 2
    assert counts["in_progress"] == 1
    row = context["departments"][0]
    assert (row["total"], row["closed"], row["on_time"], row["on_time_percent"]) == (3, 2, 1, 50)


def test_photos_appear_only_once_approved_through_their_own_public_path(leader, client):
    issue = IssueFactory(source=Issue.Source.CITIZEN, department=DepartmentFactory(), latitude=Decimal("36.45"))
    photo = IssuePhoto.objects.create(issue=issue, image=ContentFile(jpeg_bytes(), "a.jpg"), uploaded_by=leader)
    assert "/public/photos/" not in Client().get("/public/").content.decode()
    assert Client().get(photo.url).status_code == 302  # the private store asks for a sign-in

    client.force_login(leader)
    client.post(f"/citizens/publish/{issue.pk}/", {"photo": f"issue:{photo.pk}"})
    published = issue.public_photos.get()
    assert not published.image.name.startswith(photo.image.name)
    assert "photos/public/" in published.image.name
    assert Client().get(published.url).status_code == 200


def test_the_office_publishes_from_the_issue_page_and_departments_cannot(leader, client):
    issue = IssueFactory(department=DepartmentFactory())
    client.force_login(leader)
    page = client.get(f"/issues/{issue.pk}/").content.decode()
    assert f"/citizens/publish/{issue.pk}/" in page
    client.post(f"/citizens/publish/{issue.pk}/")
    assert PublicIssue.objects.filter(issue=issue).exists()
    staff = UserFactory(role=Role.STAFF, department=issue.department)
    client.force_login(staff)
    assert f"/citizens/publish/{issue.pk}/" not in client.get(f"/issues/{issue.pk}/").content.decode()
    assert client.post(f"/citizens/publish/{issue.pk}/").status_code == 403


def test_the_page_is_compressed_once_when_cached_not_on_every_hit():
    IssueFactory(source=Issue.Source.CITIZEN, department=DepartmentFactory(name="区城管局"))
    client = Client()
    plain = client.get("/public/")
    packed = client.get("/public/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    # The same bytes every hit: the copy made when the page was kept, not compressed again (and padded) each time.
    with CaptureQueriesContext(connection) as captured:
        again = client.get("/public/", HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == packed.content
    assert _database_queries(captured) == []
