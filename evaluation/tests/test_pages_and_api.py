import datetime
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from core.tests.api import client_for
from core.tests.factories import photo_upload
from evaluation import services
from evaluation.models import Sheet
from inspections.models import Issue, IssuePhoto

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2018, 3, 5, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def at_round_time(monkeypatch):
    """The clock reads 2018-03-05, inside the round's window."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def sheet_url(running, index=0):
    point = running["points"][index]
    return reverse("evaluation:sheet", args=[running["round"].pk, point.pk])


def form(running, *results, key=None, photo=True):
    data = {"key": str(key or uuid.uuid4()), "latitude": "36.450000", "longitude": "115.980000"}
    for standard, result in zip(running["standards"], results, strict=True):
        data[f"result-{standard.pk}"] = result
        if result == "fail":
            data[f"note-{standard.pk}"] = "有暴露垃圾"
            if photo:
                data[f"photos-{standard.pk}"] = photo_upload()
    return data


def test_an_inspector_fills_the_sheet_on_the_page(client, running, at_round_time):
    client.force_login(running["inspector"])
    page = client.get(sheet_url(running))
    assert page.status_code == 200
    assert page.content.decode().count('type="radio"') == 9

    response = client.post(sheet_url(running), form(running, "pass", "fail", "na"))

    assert response.status_code == 302
    assert Sheet.objects.count() == 1
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 1


def test_the_page_answers_its_script_in_json_and_a_repeat_returns_the_first(client, running, at_round_time):
    client.force_login(running["inspector"])
    key = uuid.uuid4()
    first = client.post(
        sheet_url(running), form(running, "pass", "fail", "pass", key=key), HTTP_ACCEPT="application/json"
    )
    again = client.post(
        sheet_url(running), form(running, "pass", "fail", "pass", key=key), HTTP_ACCEPT="application/json"
    )

    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["sheet"] == again.json()["sheet"]
    assert Issue.objects.filter(source=Issue.Source.EVALUATION).count() == 1


def test_a_failure_without_a_photo_comes_back_with_the_reason(client, running, at_round_time):
    client.force_login(running["inspector"])
    response = client.post(
        sheet_url(running), form(running, "pass", "fail", "pass", photo=False), HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "photo_required"

    page = client.post(sheet_url(running), form(running, "pass", "fail", "pass", photo=False))
    assert page.status_code == 400
    assert 'value="fail" checked' in page.content.decode()
    assert not Sheet.objects.exists()


def test_a_point_of_another_round_is_refused(client, running, at_round_time):
    from evaluation.tests.factories import make_round

    other = make_round(code="OTHER")
    client.force_login(running["inspector"])
    url = reverse("evaluation:sheet", args=[other.pk, running["points"][0].pk])
    response = client.post(url, form(running, "pass", "pass", "pass"), HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "point_not_in_round"


def test_the_draw_is_blind_to_departments_until_the_round_closes(client, running, at_round_time):
    services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers={s.pk: services.Answer("pass") for s in running["standards"]},
        idempotency_key=uuid.uuid4(),
    )
    staff = UserFactory(role=Role.STAFF)
    round_ = running["round"]
    client.force_login(staff)
    api = client_for(staff)

    assert client.get(reverse("evaluation:round_detail", args=[round_.pk])).status_code == 404
    assert client.get(sheet_url(running)).status_code == 404
    assert api.get("/api/v1/evaluation/rounds/").json()["results"] == []
    assert api.get(f"/api/v1/evaluation/rounds/{round_.pk}/scores/").status_code == 404
    assert api.get("/api/v1/evaluation/observations/").json()["results"] == []

    services.round_close(round_=round_)

    assert client.get(reverse("evaluation:round_detail", args=[round_.pk])).status_code == 200
    assert [row["id"] for row in api.get("/api/v1/evaluation/rounds/").json()["results"]] == [round_.pk]
    assert len(api.get("/api/v1/evaluation/observations/", {"round": round_.pk}).json()["results"]) == 3
    assert client.get(sheet_url(running, 1)).status_code == 403  # seeing is not observing


def test_only_the_team_opens_the_sheet(client, running):
    client.force_login(UserFactory(role=Role.INSPECTOR))
    assert client.get(sheet_url(running)).status_code == 403


def test_the_api_gives_scores_by_each_breakdown(running, at_round_time):
    standards = running["standards"]
    for index, results in enumerate([("pass", "fail", "pass"), ("pass", "pass", "na")]):
        services.sheet_submit(
            round_point=running["points"][index],
            actor=running["inspector"],
            answers=_answers(standards, results),
            idempotency_key=uuid.uuid4(),
        )
    leader = UserFactory(role=Role.LEADER, department=None)
    api = client_for(leader)
    round_ = running["round"]

    by_type = api.get(f"/api/v1/evaluation/rounds/{round_.pk}/scores/", {"by": "type"}).json()
    by_street = api.get(f"/api/v1/evaluation/rounds/{round_.pk}/scores/", {"by": "street"}).json()
    observations = api.get("/api/v1/evaluation/observations/", {"round": round_.pk}).json()["results"]
    rounds = api.get("/api/v1/evaluation/rounds/").json()["results"]

    assert [
        (row["name"], row["points_applicable"], row["points_earned"], row["score_rate"]) for row in by_type["results"]
    ] == [("主次干道", "6.00", "5.00", 83.33)]
    assert {row["name"]: row["score_rate"] for row in by_street["results"]} == {"街道1": 75.0, "街道2": 100.0}
    assert sorted(row["result"] for row in observations) == ["fail", "na", "pass", "pass", "pass", "pass"]
    assert rounds[0]["score_rate"] == pytest.approx(83.333, abs=0.01)
    assert api.get(f"/api/v1/evaluation/rounds/{round_.pk}/scores/", {"by": "nothing"}).status_code == 400
    for by in ("grid", "department"):
        assert api.get(f"/api/v1/evaluation/rounds/{round_.pk}/scores/", {"by": by}).status_code == 200


def _answers(standards, results):
    from core.images import photos_prepare

    photo = tuple(photos_prepare([photo_upload()]))
    return {
        s.pk: services.Answer(r, "脏" if r == "fail" else "", photo if r == "fail" else ())
        for s, r in zip(standards, results, strict=True)
    }


def test_the_round_page_shows_the_rates(client, running, at_round_time):
    services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers=_answers(running["standards"], ("pass", "fail", "pass")),
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    page = client.get(reverse("evaluation:round_detail", args=[running["round"].pk]))
    assert page.status_code == 200
    assert page.context["summary"]["score_rate"] == 75.0
    assert page.context["most_failed"][0]["failed"] == 1
    assert page.context["lost_most"][0]["points_lost"] == 1
    assert client.get(reverse("evaluation:round_list")).status_code == 200


def test_the_sheet_page_takes_a_constant_number_of_queries(
    client, running, at_round_time, django_assert_max_num_queries
):
    from evaluation.tests.factories import StandardFactory

    road = running["points"][0].point_type
    for _ in range(37):
        StandardFactory(point_types=[road])
    client.force_login(running["inspector"])
    client.get(sheet_url(running))
    with django_assert_max_num_queries(10):
        assert client.get(sheet_url(running)).status_code == 200


def test_the_round_list_does_not_grow_in_queries(client, running, queries_of):
    from evaluation.tests.factories import make_round

    leader = UserFactory(role=Role.LEADER, department=None)
    client.force_login(leader)
    api = client_for(leader)
    page, listed = queries_of(client, reverse("evaluation:round_list")), queries_of(api, "/api/v1/evaluation/rounds/")
    for n in range(4):
        make_round(code=f"MORE{n}")
    assert queries_of(client, reverse("evaluation:round_list")) == page
    assert queries_of(api, "/api/v1/evaluation/rounds/") == listed


def test_the_dashboard_shows_the_last_closed_round(client, running, at_round_time):
    services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers=_answers(running["standards"], ("pass", "fail", "pass")),
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    url, htmx = "/dashboard/panels/evaluation/", {"HX-Request": "true"}  # fetched once the dashboard shows
    assert client.get(url, headers=htmx).context["evaluation"] is None  # none closed yet

    services.round_close(round_=running["round"])
    with CaptureQueriesContext(connection) as captured:
        panel = client.get(url, headers=htmx).context["evaluation"]

    assert len(captured.captured_queries) <= 5  # the session, the user with their roles, the round, its rates

    assert panel["round"] == running["round"]
    assert panel["score_rate"] == 75.0
    assert [(row["name"], row["score_rate"]) for row in panel["worst_streets"]] == [("街道1", 75.0)]


def test_the_round_page_does_not_grow_in_queries_with_its_sheets(client, running, at_round_time, queries_of):
    client.force_login(UserFactory(role=Role.LEADER, department=None))
    url = reverse("evaluation:round_detail", args=[running["round"].pk])
    services.sheet_submit(
        round_point=running["points"][0],
        actor=running["inspector"],
        answers=_answers(running["standards"], ("pass", "fail", "pass")),
        idempotency_key=uuid.uuid4(),
    )
    one = queries_of(client, url)
    services.sheet_submit(
        round_point=running["points"][1],
        actor=running["inspector"],
        answers=_answers(running["standards"], ("fail", "fail", "pass")),
        idempotency_key=uuid.uuid4(),
    )
    assert queries_of(client, url) == one


def test_the_rounds_record_says_each_step_in_words(client, running):
    services.round_close(round_=running["round"])
    client.force_login(UserFactory(role=Role.LEADER, department=None))

    page = client.get(reverse("evaluation:round_detail", args=[running["round"].pk])).content.decode()
    record = page[page.index('id="round-record"') :]

    for words in ("已抽取点位", "测评开始", "测评结束"):
        assert words in record
    assert "drawn" not in record


def test_each_photo_s_time_and_place_go_with_the_sheet_and_are_shown_with_the_photo(client, running, at_round_time):
    client.force_login(running["inspector"])
    failed = running["standards"][1]
    data = form(running, "pass", "fail", "pass")
    data[f"photos-{failed.pk}"] = [
        photo_upload("exif.jpg", taken="2018:03:05 09:30:00", gps=(36.4502, 115.98)),
        photo_upload("phone.jpg"),
    ]
    data[f"photo-meta-{failed.pk}"] = json.dumps(
        [
            {"taken_at": "2018-03-05T01:20:00.000Z", "latitude": "36.449000", "longitude": "115.980000"},
            {"taken_at": "2018-03-05T01:45:00.000Z", "latitude": "36.460000", "longitude": "115.980000"},
        ]
    )

    response = client.post(sheet_url(running), data, HTTP_ACCEPT="application/json")

    assert response.status_code == 201
    assert response.json()["far"] is True  # the second photo was taken 1.1 km away
    exif, phone = IssuePhoto.objects.order_by("pk")
    assert (exif.captured_at, exif.time_source, exif.distance_m) == (NOW.replace(hour=1, minute=30), "exif", 22)
    assert (phone.captured_at, phone.time_source, phone.distance_m) == (NOW.replace(hour=1, minute=45), "device", 1112)
    sheet = Sheet.objects.get()
    assert (sheet.photos_far, sheet.far) == (1, True)

    page = client.get(sheet_url(running)).content.decode()
    issue_page = client.get(reverse("inspections:issue_detail", args=[exif.issue_id])).content.decode()
    for shown in (page, issue_page):
        for words in ("2018-03-05 09:30", "2018-03-05 09:45", "22", "1112"):
            assert words in shown
    assert "data-sheet-far" in page
    assert page.count("data-far-photo") == 1  # the photo taken far, marked as such


def test_photos_whose_time_and_place_cannot_be_read_are_refused_and_nothing_is_saved(client, running, at_round_time):
    client.force_login(running["inspector"])
    data = form(running, "pass", "fail", "pass")
    data[f"photo-meta-{running['standards'][1].pk}"] = "[{]"

    response = client.post(sheet_url(running), data, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "photo_capture"
    assert not Sheet.objects.exists()
    assert not Issue.objects.exists()


def test_the_api_gives_each_issue_photo_s_capture(client, running, at_round_time):
    client.force_login(running["inspector"])
    failed = running["standards"][1]
    data = form(running, "pass", "fail", "pass")
    data[f"photos-{failed.pk}"] = photo_upload("exif.jpg", taken="2018:03:05 09:30:00", gps=(36.4502, 115.98))
    client.post(sheet_url(running), data, HTTP_ACCEPT="application/json")
    issue = Issue.objects.get()

    photo = client_for(running["inspector"]).get(f"/api/v1/issues/{issue.pk}/").json()["photos"][0]

    assert photo["captured_at"] == "2018-03-05T09:30:00+08:00"
    assert (photo["time_source"], photo["position_source"], photo["distance_m"]) == ("exif", "exif", 22)
    assert (photo["latitude"], photo["longitude"]) == ("36.450200", "115.980000")
