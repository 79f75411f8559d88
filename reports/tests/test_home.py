import datetime

import pytest
from django.utils import timezone

from campaign.models import Task
from campaign.tests.factories import TaskFactory
from inspections.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_campaigns_headline_figures(admin_client):
    today = timezone.localdate()
    TaskFactory(due_date=today - datetime.timedelta(days=2))
    TaskFactory(due_date=today - datetime.timedelta(days=2), status=Task.Status.DONE, completed_at=timezone.now())
    TaskFactory(due_date=today + datetime.timedelta(days=2))
    IssueFactory(points=2)

    response = admin_client.get("/")

    overview = response.context["overview"]
    assert overview["tasks"] == {"total": 3, "done": 1, "open": 2, "overdue": 1}
    assert overview["issues"]["total"] == 1
    assert overview["issues"]["points"] == 2


def test_it_tells_an_empty_installation_what_to_do_without_offering_the_demo(admin_client):
    page = admin_client.get("/").content.decode()
    assert "load_demo" not in page  # invented data has no place on a production installation
    assert "基础数据" in page


def test_its_query_count_does_not_grow_with_the_rows(admin_client, django_assert_max_num_queries):
    TaskFactory()
    with django_assert_max_num_queries(8) as few:
        admin_client.get("/")
    TaskFactory.create_batch(20)
    IssueFactory.create_batch(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get("/")


def test_it_speaks_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()
