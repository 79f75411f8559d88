import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification, Role
from accounts.services import notification_send
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(username="lianluoyuan", role=Role.STAFF)


def send(user, count: int = 1, url: str = "/tasks/") -> None:
    for number in range(count):
        notification_send(recipients=[user], title=f"新问题待整改 {number}", body="柳园小区", url=url)


# --- the inbox and the bell ------------------------------------------------------------------


def test_it_lists_the_users_notifications_newest_first(client, staff):
    send(staff, 2)
    Notification.objects.filter(title__endswith=" 0").update(created=timezone.now() - datetime.timedelta(hours=1))
    notification_send(recipients=[UserFactory()], title="别人的消息")
    client.force_login(staff)

    response = client.get("/inbox/")

    assert [n.title for n in response.context["notifications"]] == ["新问题待整改 1", "新问题待整改 0"]
    assert "别人的消息" not in response.content.decode()
    assert response.content.decode().count("is-unread") == 2


def test_it_shows_the_unread_count_on_the_bell(client, staff):
    send(staff, 3)
    Notification.objects.filter(pk=staff.notifications.first().pk).update(read_at=timezone.now())
    client.force_login(staff)

    response = client.get("/inbox/")

    assert response.context["unread_count"] == 2
    assert '<span class="count">2</span>' in response.content.decode()


def test_it_marks_a_notification_read_when_opened_and_follows_its_link(client, staff):
    send(staff, url="/issues/7/")
    notification = staff.notifications.get()
    client.force_login(staff)

    response = client.get(f"/inbox/{notification.pk}/")

    assert response.status_code == 302
    assert response["Location"] == "/issues/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_it_does_not_follow_a_link_to_another_site(client, staff):
    send(staff, url="https://evil.example/")
    client.force_login(staff)
    response = client.get(f"/inbox/{staff.notifications.get().pk}/")
    assert response["Location"] == "/inbox/"


def test_it_does_not_open_someone_elses_notification(client, staff):
    other = UserFactory()
    send(other)
    client.force_login(staff)
    assert client.get(f"/inbox/{other.notifications.get().pk}/").status_code == 404
    assert other.notifications.get().read_at is None


def test_it_marks_all_read(client, staff):
    send(staff, 3)
    client.force_login(staff)

    assert client.get("/inbox/read-all/").status_code == 405
    response = client.post("/inbox/read-all/")

    assert response.status_code == 302
    assert not staff.notifications.filter(read_at__isnull=True).exists()
    assert client.get("/inbox/").context["unread_count"] == 0


def test_it_paginates_the_inbox(client, staff):
    send(staff, 30)
    client.force_login(staff)
    assert len(client.get("/inbox/").context["notifications"]) == 25
    assert len(client.get("/inbox/?page=2").context["notifications"]) == 5


def test_it_tells_an_empty_inbox_what_arrives_there(client, staff):
    client.force_login(staff)
    assert "empty-state" in client.get("/inbox/").content.decode()


def test_it_asks_nothing_about_notifications_for_anonymous_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/login/")
    assert "unread_count" not in response.context
    assert not any("notification" in query["sql"] for query in queries.captured_queries)


def test_its_query_count_does_not_grow_with_the_rows(client, staff):
    client.force_login(staff)
    send(staff, 2)
    with CaptureQueriesContext(connection) as few:
        client.get("/inbox/")
    send(staff, 10)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/inbox/").context["notifications"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


# --- navigation by role ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.STAFF, ["/tasks/", "/issues/", "/inbox/"], ["/issues/new/", "/issues/extensions/", "/evaluation/"]),
        (
            Role.INSPECTOR,
            ["/issues/new/", "/issues/?status=submitted", "/evaluation/"],
            ["/tasks/", "/issues/extensions/"],
        ),
        (Role.LEADER, ["/tasks/", "/issues/", "/issues/extensions/", "/evaluation/"], ["/issues/new/"]),
        (Role.ADMINISTRATOR, ["/tasks/", "/issues/new/", "/issues/extensions/", "/evaluation/"], []),
    ],
)
def test_it_shows_the_navigation_of_the_users_role(client, role, shown, hidden):
    client.force_login(UserFactory(role=role))
    nav = client.get("/inbox/").content.decode().split('class="mainnav"')[1].split("</nav>")[0]
    for url in shown:
        assert f'href="{url}"' in nav
    for url in hidden:
        assert f'href="{url}"' not in nav


def test_it_links_the_administration_for_those_who_may_use_it(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_staff=True))
    assert 'href="/admin/"' in client.get("/inbox/").content.decode()
    client.force_login(UserFactory(role=Role.STAFF))
    assert 'href="/admin/"' not in client.get("/inbox/").content.decode()


# --- signing in and the password -------------------------------------------------------------


def test_it_signs_in_and_out(client, staff):
    page = client.get("/login/")
    assert page.status_code == 200
    response = client.post("/login/", {"username": "lianluoyuan", "password": "liaocheng2018"})
    assert response.status_code == 302
    assert client.get("/inbox/").status_code == 200
    client.post("/logout/")
    assert client.get("/inbox/").status_code == 302


def test_it_says_when_the_password_is_wrong(client, staff):
    response = client.post("/login/", {"username": "lianluoyuan", "password": "wrong"})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_it_changes_the_password(client, staff):
    client.force_login(staff)
    assert client.get("/password/").status_code == 200

    response = client.post(
        "/password/",
        {"old_password": "liaocheng2018", "new_password1": "Gulou-2018-wangge", "new_password2": "Gulou-2018-wangge"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/password/done/"
    assert client.get("/password/done/").status_code == 200
    staff.refresh_from_db()
    assert staff.check_password("Gulou-2018-wangge")


def test_it_refuses_a_wrong_old_password(client, staff):
    client.force_login(staff)
    response = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "Gulou-2018-wangge", "new_password2": "Gulou-2018-wangge"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    staff.refresh_from_db()
    assert staff.check_password("liaocheng2018")


def test_a_signed_in_page_reads_the_user_with_their_department_in_one_query(client, staff):
    response = client.post("/login/", {"username": staff.username, "password": "liaocheng2018"})
    assert response.status_code == 302

    with CaptureQueriesContext(connection) as queries:
        assert staff.department.name in client.get("/inbox/").content.decode()

    department_reads = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "accounts_department"')
    ]
    assert department_reads == []
