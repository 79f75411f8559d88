"""``manage.py bench`` on the demo data set: every measurement in the JSON, real query counts, and
a database left exactly as it was."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.authtoken.models import Token

from campaign.models import Task
from campaign.reminders import reminders_send
from demo.services import demo_load
from grids.models import Place
from perf.bench import API_LISTS as API_ADDRESSES
from perf.bench import MEASUREMENTS, PLACE_CODE_PREFIX, bench_leader, reminders_day

pytestmark = pytest.mark.django_db

ISSUE_KEYS = {"name", "median_ms", "floor_ms", "ratio", "queries", "target", "met"}
API_LISTS = {name: url for name, (url, _reference) in API_ADDRESSES.items()}


@pytest.fixture
def demo() -> None:
    demo_load()


def bench(tmp_path: Path, *args: str) -> dict:
    """Run the command quickly and return what it wrote to --json."""
    path = tmp_path / "bench.json"
    call_command("bench", "--repeat", "1", "--places", "30", "--json", str(path), *args)
    return json.loads(path.read_text(encoding="utf-8"))


def entries(document: dict) -> dict[str, dict]:
    return {entry["name"]: entry for entry in document["entries"]}


def table_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_writes_every_measurement_with_the_issues_keys(demo, tmp_path):
    document = bench(tmp_path)

    measured = entries(document)
    assert list(measured) == list(MEASUREMENTS)
    for name, entry in measured.items():
        assert ISSUE_KEYS <= set(entry), name
        assert entry["median_ms"] > 0, name
        # A cache hit of the public page runs no query: that is its target.
        assert entry["queries"] > 0 or name == "citizens_public_cached", name
    for name in [*API_LISTS, "dashboard", "dashboard_map", "workbook"]:
        entry = measured[name]
        assert entry["floor_ms"] > 0, name
        assert entry["ratio"] == pytest.approx(entry["median_ms"] / entry["floor_ms"], rel=0.01), name
    for name in API_LISTS:
        assert measured[name]["reference_ms"] > 0, name
        assert isinstance(measured[name]["met"], bool), name
        allowed = max(3 * measured[name]["floor_ms"], measured[name]["floor_ms"] + 2)
        assert measured[name]["allowed_ms"] == pytest.approx(allowed, abs=0.01), name
        assert measured[name]["met"] == (
            measured[name]["median_ms"] <= measured[name]["allowed_ms"] and measured[name]["speedup"] >= 3
        ), name
    assert measured["api_tasks"]["rows"] == 50
    assert measured["workbook"]["peak_rss_mb"] > 0
    assert measured["workbook"]["rows"] > 0
    assert measured["reminders"]["overdue_tasks"] > 0
    assert measured["reminders"]["reminders"] > 0
    assert measured["import_places"]["places"] == 30
    assert measured["citizens_duplicates"]["queries"] == 1
    assert measured["citizens_public_cached"]["queries"] == 0
    assert document["counts"]["tasks"] == Task.objects.count() > 0


def test_it_counts_the_queries_a_client_sees(demo, tmp_path):
    measured = entries(bench(tmp_path, "--only", ",".join([*API_LISTS, "dashboard", "reminders"])))

    leader = bench_leader()
    api = Client(headers={"Authorization": f"Token {Token.objects.create(user=leader).key}"})
    for name, url in API_LISTS.items():
        api.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        assert measured[name]["queries"] == len(queries), name
    pages = Client()
    pages.force_login(leader)
    pages.get("/dashboard/")
    with CaptureQueriesContext(connection) as queries:
        assert pages.get("/dashboard/").status_code == 200
    assert measured["dashboard"]["queries"] == len(queries)
    day = reminders_day(today=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        reminders_send(today=day)
    assert measured["reminders"]["queries"] == len(queries)


def test_it_leaves_the_database_as_it_was(demo, tmp_path):
    token = Token.objects.create(user=bench_leader())
    before = table_counts()

    bench(tmp_path)

    assert table_counts() == before
    assert Token.objects.get(user=token.user).key == token.key
    assert not Place.objects.filter(code__startswith=PLACE_CODE_PREFIX).exists()


def test_it_runs_only_the_named_measurements(demo, tmp_path):
    document = bench(tmp_path, "--only", "dashboard, api_places")

    assert list(entries(document)) == ["api_places", "dashboard"]


def test_it_compares_the_workbooks_memory_with_a_smaller_run(demo, tmp_path):
    smaller = tmp_path / "smaller.json"
    smaller.write_text(
        json.dumps(
            {"counts": {"tasks": 10}, "entries": [{"name": "workbook", "rss_growth_mb": 1.5, "peak_rss_mb": 80}]}
        )
    )

    measured = entries(bench(tmp_path, "--only", "workbook", "--compare-rss", str(smaller)))

    compared = measured["workbook_rss"]
    assert compared["rss_growth_delta_mb"] == pytest.approx(measured["workbook"]["rss_growth_mb"] - 1.5, abs=0.11)
    assert compared["other_tasks"] == 10
    assert compared["met"] is (compared["rss_growth_delta_mb"] < 50)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "nothing_such"], "Unknown measurement nothing_such"),
        (["--only", ","], "names no measurement"),
        (["--repeat", "0"], "--repeat must be at least 1"),
        (["--places", "0"], "--places must be at least 1"),
        (["--json", "/no/such/folder/bench.json"], "is not a folder"),
        (["--compare-rss", "/no/such/file.json"], "Cannot read"),
        (["--only", "dashboard", "--compare-rss", "/no/such/file.json"], "needs the workbook measurement"),
    ],
)
def test_it_refuses_bad_options_and_measures_nothing(demo, args, message):
    before = table_counts()

    with pytest.raises(CommandError, match=message):
        call_command("bench", "--repeat", "1", *args)

    assert table_counts() == before


def test_it_refuses_a_compare_file_that_is_not_a_bench_json(demo, tmp_path):
    other = tmp_path / "other.json"
    other.write_text("[1, 2]")

    with pytest.raises(CommandError, match="is not a bench JSON file"):
        call_command("bench", "--only", "workbook", "--compare-rss", str(other))


def test_it_asks_for_data_on_an_empty_database(tmp_path):
    with pytest.raises(CommandError, match="run seed_scale or load_demo first"):
        call_command("bench", "--repeat", "1", "--json", str(tmp_path / "bench.json"))

    assert not (tmp_path / "bench.json").exists()


def test_it_never_routes_the_plain_drf_reference(demo):
    with pytest.raises(Resolver404):
        resolve("/reference/tasks/")
