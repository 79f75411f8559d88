import pytest

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import TaskFactory
from core.tests.api import client_for
from grids.tests.factories import GridFactory

pytestmark = pytest.mark.django_db


def test_it_ranks_every_department_for_leaders_with_the_chosen_period():
    first, second = TaskFactory(), TaskFactory()

    body = (
        client_for(UserFactory(role=Role.LEADER))
        .get("/api/v1/scoreboards/departments/", {"period": "campaign", "sort": "name"})
        .json()
    )

    assert body["period"]["key"] == "campaign"
    assert (body["period"]["start"], body["period"]["end"]) == (None, None)
    assert {row["id"] for row in body["results"]} == {first.department_id, second.department_id}
    assert set(body["results"][0]) >= {"dispatched", "closure_rate", "on_time_closure_rate", "points_lost"}


def test_it_shows_department_staff_only_their_own_row():
    bureau = DepartmentFactory()
    TaskFactory(department=bureau)
    TaskFactory()

    rows = client_for(UserFactory(department=bureau, role=Role.STAFF)).get("/api/v1/scoreboards/departments/").json()

    assert [row["id"] for row in rows["results"]] == [bureau.pk]
    assert rows["period"]["key"] == "this_week"


def test_it_keeps_the_grid_board_for_those_who_read_the_citys_figures():
    grid = GridFactory()

    staff = client_for(UserFactory(role=Role.STAFF)).get("/api/v1/scoreboards/grids/")
    leader = client_for(UserFactory(role=Role.LEADER)).get("/api/v1/scoreboards/grids/", {"period": "this_month"})

    assert staff.status_code == 403
    assert [row["id"] for row in leader.json()["results"]] == [grid.pk]


def test_it_refuses_an_unknown_period_or_sort_with_400():
    client = client_for(UserFactory(role=Role.LEADER))

    assert client.get("/api/v1/scoreboards/grids/", {"period": "forever"}).json()["errors"]["period"]
    assert client.get("/api/v1/scoreboards/departments/", {"sort": "password"}).status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/scoreboards/departments/", "/api/v1/scoreboards/grids/"])
def test_it_reads_a_board_in_the_same_number_of_queries_for_2_or_12_rows(url, queries_of):
    client = client_for(UserFactory(role=Role.LEADER))

    def grow(n: int) -> None:
        for _ in range(n):
            TaskFactory().grids.add(GridFactory())

    grow(2)
    few = queries_of(client, url, {"period": "campaign"})
    grow(10)
    assert queries_of(client, url, {"period": "campaign"}) == few


def test_it_refuses_a_period_or_a_sort_sent_empty_with_400():
    client = client_for(UserFactory(role=Role.LEADER))

    response = client.get("/api/v1/scoreboards/departments/", {"period": "", "sort": ""})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"period", "sort"}
    assert client.get("/api/v1/scoreboards/departments/").json()["period"]["key"] == "this_week"
