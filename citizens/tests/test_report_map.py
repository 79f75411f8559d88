"""The report page's map: the city's grids as public JSON (names and boundaries only, from the cache), loaded
only once the map is opened; a point picked on it is GPS (WGS-84) and the server still decides the city."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import DepartmentFactory, UserFactory
from citizens.models import Report
from citizens.tests.factories import INSIDE, CityGridFactory, PublicCategoryFactory
from citizens.tests.test_public import _database_queries
from citizens.tests.test_report import _form
from grids.tests.factories import GridFactory

pytestmark = pytest.mark.django_db


def test_the_map_s_grids_are_each_grid_s_name_and_boundary_and_nothing_else(client):
    leader = UserFactory(last_name="张", first_name="伟")
    inside = CityGridFactory(name="古楼街道第1网格", leader=leader)
    inside.departments.add(DepartmentFactory(name="区城管局"))
    GridFactory(name="未画边界的网格", boundary=None)

    response = client.get("/report/grids.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"]
    body = response.json()
    assert body == {"datum": "wgs84", "grids": [{"name": "古楼街道第1网格", "boundary": inside.boundary}]}
    text = response.content.decode()
    for private in ("张", "区城管局", inside.code):  # its leader, its departments, its code
        assert private not in text


def test_a_cache_hit_of_the_map_s_grids_runs_no_database_query(client):
    CityGridFactory(name="古楼街道第1网格")
    cache.delete("citizens:report-grids")
    first = client.get("/report/grids.json")

    with CaptureQueriesContext(connection) as captured:
        again = client.get("/report/grids.json")

    assert again.content == first.content
    assert _database_queries(captured) == []


def test_the_report_page_loads_no_map_until_it_is_opened(client):
    CityGridFactory()
    html = client.get("/report/").content.decode()

    assert "leaflet.js" in html  # named for the script to load on demand,
    assert '<script src="/static/vendor/leaflet/leaflet.js"' not in html  # never loaded with the page
    assert 'href="/static/vendor/leaflet/leaflet.css"' not in html
    assert '<script src="/static/js/report-map.js"' not in html
    assert 'data-grids-url="/report/grids.json"' in html
    assert 'aria-controls="report-map-panel"' in html


def test_a_point_picked_on_the_map_is_stored_as_it_was_picked_and_one_outside_the_city_is_refused(client):
    CityGridFactory()
    category = PublicCategoryFactory()
    near_edge = ("36.499990", "115.980000")  # inside the grid, 1 m from its northern edge
    beyond_edge = ("36.500100", "115.980000")  # 11 m beyond it

    client.post("/report/", _form(client, category, latitude=beyond_edge[0], longitude=beyond_edge[1]))
    assert Report.objects.count() == 0
    client.post("/report/", _form(client, category, latitude=near_edge[0], longitude=near_edge[1], datum="wgs84"))

    report = Report.objects.get()
    assert (report.latitude, report.longitude, report.datum) == (Decimal(near_edge[0]), Decimal(INSIDE[1]), "wgs84")
