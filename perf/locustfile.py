"""The load test's users: other city systems reading the API's lists, people browsing the pages, and the
public reading the transparency page.

Run by ``manage.py loadtest``, which makes the accounts, starts gunicorn and sets these variables:

``LOADTEST_API_TOKEN``
    The token of the API client (a leader's account: it sees the whole city).
``LOADTEST_PAGE_USERNAME`` / ``LOADTEST_PAGE_PASSWORD``
    The account the page users sign in with (a leader too: the dashboard shows the whole city).
``LOADTEST_DEPARTMENT_IDS``, ``LOADTEST_GRID_IDS``, ``LOADTEST_TASK_IDS``
    Comma-separated ids to filter by and to open, sampled from the database under test.
``LOADTEST_API_WEIGHT`` / ``LOADTEST_PAGE_WEIGHT``
    How many API users per page user when both classes run (default 3 and 1).
``LOADTEST_API_REQUESTS``
    The API users' mix, e.g. ``tasks=4,issues=4,places=2,departments=0,grids=0`` to leave the two
    scoreboards out (default: ``ApiUser.requests``).

Each user deals its requests from a shuffled deck in which every request appears as often as its
weight, so that the mix holds even in a run of a few seconds and every endpoint is hit.
"""

import datetime
import os
import random
import re
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task
from locust.exception import StopUser

TASK_STATUSES = ("todo", "in_progress", "done")
ISSUE_STATUSES = ("reported", "dispatched", "rectifying", "submitted", "closed")
PLACE_KINDS = ("street", "compound", "community", "market", "school", "public_place")
PERIODS = ("this_week", "last_week", "this_month", "campaign")
SCOREBOARD_SORTS = ("-points_lost", "-closure_rate", "on_time_closure_rate", "-overdue_tasks", "name")
# Which filter, page and record each user asks for next: variety, not secrets.
rng = random.Random()  # noqa: S311
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _setting(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise RuntimeError(f"{name} is not set: run the load test with `python manage.py loadtest`.")
    return value


def _ids(name: str) -> list[int]:
    return [int(item) for item in _setting(name).split(",")]


def _weight(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _request_weights(name: str, default: dict[str, int]) -> dict[str, int]:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    weights = {key.strip(): int(weight) for key, _, weight in (item.partition("=") for item in value.split(","))}
    return {**dict.fromkeys(default, 0), **weights}


def _deck(weights: dict[str, int]) -> list[str]:
    cards = [name for name, weight in weights.items() for _ in range(weight)]
    rng.shuffle(cards)
    return cards


def _since() -> str:
    """A sync client asks for what changed since its last run: a few hours to a few days ago."""
    moment = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=rng.randint(1, 96))
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


class ApiUser(FastHttpUser):
    """Another city system (a big screen, the 12345 hotline, a district's desk) reading the lists:
    filtered, and following ``next`` for a page or two; a sync client asks for what changed since its
    last run in pages of 200. No think time."""

    weight = _weight("LOADTEST_API_WEIGHT", 3)
    wait_time = constant(0)
    # The requests of one deck; the weights follow how often a client needs each list.
    requests = _request_weights(
        "LOADTEST_API_REQUESTS", {"tasks": 4, "issues": 4, "places": 2, "departments": 1, "grids": 1}
    )

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {_setting('LOADTEST_API_TOKEN')}", "Accept": "application/json"}
        self.department_ids = _ids("LOADTEST_DEPARTMENT_IDS")
        self.grid_ids = _ids("LOADTEST_GRID_IDS")
        self.cards: list[str] = []

    @task
    def next_request(self) -> None:
        if not self.cards:
            self.cards = _deck(self.requests)
        getattr(self, f"read_{self.cards.pop()}")()

    def read_tasks(self) -> None:
        filters = rng.choice(
            [
                {},
                {"status": rng.choice(TASK_STATUSES)},
                {"overdue": "true"},
                {"department": rng.choice(self.department_ids)},
                {"grid": rng.choice(self.grid_ids)},
                {"due": "week", "ordering": "due_date"},
                {"updated_since": _since(), "ordering": "updated", "page_size": 200},
            ]
        )
        self._read_list("/api/v1/tasks/", filters)

    def read_issues(self) -> None:
        filters = rng.choice(
            [
                {},
                {"status": rng.choice(ISSUE_STATUSES)},
                {"overdue": "true"},
                {"department": rng.choice(self.department_ids)},
                {"grid": rng.choice(self.grid_ids)},
                {"updated_since": _since(), "ordering": "updated", "page_size": 200},
            ]
        )
        self._read_list("/api/v1/issues/", filters)

    def read_places(self) -> None:
        filters = rng.choice(
            [{}, {"grid": rng.choice(self.grid_ids)}, {"kind": rng.choice(PLACE_KINDS)}, {"is_active": "true"}]
        )
        self._read_list("/api/v1/places/", filters)

    def read_departments(self) -> None:
        params = {"period": rng.choice(PERIODS), "sort": rng.choice(SCOREBOARD_SORTS)}
        self._read("/api/v1/scoreboards/departments/", params)

    def read_grids(self) -> None:
        self._read("/api/v1/scoreboards/grids/", {"period": rng.choice(PERIODS)})

    def _read_list(self, path: str, filters: dict) -> None:
        """The first page, then (half the time) one to three more by the cursor in ``next``."""
        body = self._read(path, filters)
        for _ in range(rng.choice((0, 0, 0, 1, 2, 3))):
            if not body or not body.get("next"):
                return
            body = self._read(body["next"], None, name=path)

    def _read(self, path: str, params: dict | None, *, name: str | None = None) -> dict | None:
        with self.client.get(
            path, params=params, headers=self.headers, name=name or path, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON")
                return None
            if "results" not in body:
                response.failure("no results in the body")
                return None
            return body


class PageUser(FastHttpUser):
    """A leader at a desk: signs in once (``/login/`` with its CSRF token), then opens the task and
    issue lists at various pages and filters, the dashboard and a task. No think time either: this is
    a load test, not a model of one person's day."""

    weight = _weight("LOADTEST_PAGE_WEIGHT", 1)
    wait_time = constant(0)
    requests = {"tasks": 3, "issues": 3, "dashboard": 1, "task": 2}

    def on_start(self) -> None:
        self.task_ids = _ids("LOADTEST_TASK_IDS")
        self.cards: list[str] = []
        self._sign_in()

    def _sign_in(self) -> None:
        with self.client.get("/login/", name="/login/", catch_response=True) as form:
            found = CSRF_INPUT.search(form.text or "")
            if form.status_code != 200 or found is None:
                form.failure(f"no sign-in form with its CSRF token (HTTP {form.status_code})")
                raise StopUser()
        data = {
            "username": _setting("LOADTEST_PAGE_USERNAME"),
            "password": _setting("LOADTEST_PAGE_PASSWORD"),
            "csrfmiddlewaretoken": found.group(1),
        }
        with self.client.post(
            "/login/",
            data=urlencode(data),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="/login/ [sign in]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # Signed in is a redirect away from the sign-in page; a wrong password renders it again (200).
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/login/" in location:
                response.failure(f"sign-in refused (HTTP {response.status_code})")
                raise StopUser()

    @task
    def next_page(self) -> None:
        if not self.cards:
            self.cards = _deck(self.requests)
        getattr(self, f"open_{self.cards.pop()}")()

    def open_tasks(self) -> None:
        filters = rng.choice(
            [{}, {"status": rng.choice(TASK_STATUSES)}, {"overdue": "yes"}, {"due": "week"}, {"sort": "-priority"}]
        )
        self._open("/tasks/", {**filters, "page": rng.randint(1, 5)})

    def open_issues(self) -> None:
        filters = rng.choice([{}, {"status": rng.choice(ISSUE_STATUSES)}, {"overdue": "yes"}])
        self._open("/issues/", {**filters, "page": rng.randint(1, 5)})

    def open_dashboard(self) -> None:
        self._open("/dashboard/", {"period": rng.choice(PERIODS)})

    def open_task(self) -> None:
        self._open(f"/tasks/{rng.choice(self.task_ids)}/", None, name="/tasks/<id>/")

    def _open(self, path: str, params: dict | None, *, name: str | None = None) -> None:
        with self.client.get(
            path, params=params, name=name or path, allow_redirects=False, catch_response=True
        ) as response:
            # A redirect here would be to the sign-in page: the session was lost.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class PublicUser(FastHttpUser):
    """A resident or a reporter reading the transparency page ``/public/``: anonymous, no account, no think
    time. The page is kept whole in the shared cache, so this measures a cache hit through the whole stack
    (middleware, compression). Needs none of the variables above."""

    wait_time = constant(0)

    @task
    def read_public(self) -> None:
        with self.client.get("/public/", name="/public/", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not response.headers.get("Content-Type", "").startswith("text/html"):
                response.failure("not a page")
