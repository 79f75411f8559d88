import pytest

from accounts.tests.factories import DepartmentFactory, UserFactory
from core.tests.api import client_for
from grids.models import Place
from grids.tests.factories import GridFactory, PlaceFactory

pytestmark = pytest.mark.django_db
SQUARE = {"type": "Polygon", "coordinates": [[[115.9, 36.4], [116.0, 36.4], [116.0, 36.5], [115.9, 36.4]]]}


def test_it_shows_a_grid_with_its_geojson_boundary_and_departments():
    grid = GridFactory(boundary=SQUARE)
    helper = DepartmentFactory()
    grid.departments.add(helper)

    row = client_for(UserFactory()).get(f"/api/v1/grids/{grid.pk}/").json()

    assert row["boundary"] == SQUARE
    assert row["departments"] == [helper.pk]


def test_it_filters_places_by_grid_kind_department_and_search():
    grid = GridFactory()
    market = PlaceFactory(grid=grid, kind=Place.Kind.MARKET, name="东关农贸市场")
    PlaceFactory()
    client = client_for(UserFactory())

    def ids(**params):
        response = client.get("/api/v1/places/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(grid=grid.pk) == [market.pk]
    assert ids(kind="market") == [market.pk]
    assert ids(department=market.assigned_department_id) == [market.pk]
    assert ids(q="农贸") == [market.pk]


def test_it_pages_places_with_a_cursor():
    places = PlaceFactory.create_batch(5)
    client = client_for(UserFactory())

    first = client.get("/api/v1/places/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [row["id"] for row in first["results"] + second["results"]] == [place.pk for place in places[:4]]
    assert "count" not in first


@pytest.mark.parametrize("url", ["/api/v1/grids/", "/api/v1/places/"])
def test_it_reads_a_list_in_the_same_number_of_queries_for_2_or_12_rows(url, queries_of):
    client = client_for(UserFactory())

    def grow(n: int) -> None:
        for place in PlaceFactory.create_batch(n):
            place.grid.departments.add(place.assigned_department)

    grow(2)
    few = queries_of(client, url)
    grow(10)
    assert queries_of(client, url) == few
