"""A small load run for the drills: threads that request the product's pages and API in a loop and
record every answer (or the lack of one), and the judgement of what a clean answer is."""

import threading
import time
from dataclasses import dataclass

import requests

# What a drill asks for: a signed-in leader's page, an API client's list, a load balancer's check, and the
# sign-in page of someone not signed in (which needs no database).
TARGETS = {
    "page": "/tasks/",
    "api": "/api/v1/tasks/",
    "health": "/health/",
    "login": "/login/",
}


@dataclass
class Sample:
    """One request of the load run."""

    kind: str
    started: float
    ended: float
    status: int | None = None
    content_type: str = ""
    body: str = ""
    error: str = ""

    @property
    def verdict(self) -> str:
        """``ok``; ``clean`` (an error answered as the product promises); ``unclean`` or ``broken`` (no answer)."""
        if self.error:
            return "broken"
        if self.status is not None and 200 <= self.status < 400:
            return "ok"
        return "clean" if self.clean_error else "unclean"

    @property
    def clean_error(self) -> bool:
        if "Traceback" in self.body:
            return False
        json = "application/json" in self.content_type
        if self.kind == "health":
            return self.status == 503 and json and '"status": "error"' in self.body
        if self.kind == "api":
            return self.status == 500 and json and '"code": "server_error"' in self.body
        return self.status == 500 and "text/html" in self.content_type and 'id="server-error"' in self.body


class LoadRun:
    """``threads`` clients, each requesting every target in turn until stopped."""

    def __init__(self, base: str, *, session: str, token: str, threads: int = 6) -> None:
        self.base, self.session, self.token, self.threads = base, session, token, threads
        self.samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> "LoadRun":
        for _number in range(self.threads):
            thread = threading.Thread(target=self._client, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _client(self) -> None:
        signed_in, anonymous = requests.Session(), requests.Session()
        signed_in.cookies.set("sessionid", self.session)
        while not self._stop.is_set():
            for kind, path in TARGETS.items():
                client = anonymous if kind in ("login", "health") else signed_in
                headers = {"Authorization": f"Token {self.token}"} if kind == "api" else {}
                started = time.monotonic()
                sample = Sample(kind=kind, started=started, ended=started)
                try:
                    answer = client.get(self.base + path, headers=headers, timeout=15, allow_redirects=False)
                    sample.status, sample.body = answer.status_code, answer.text[:20000]
                    sample.content_type = answer.headers.get("Content-Type", "")
                except requests.RequestException as exc:
                    sample.error = f"{type(exc).__name__}: {exc}"
                sample.ended = time.monotonic()
                with self._lock:
                    self.samples.append(sample)

    def between(self, start: float, end: float = float("inf")) -> list[Sample]:
        """The requests made entirely within [start, end)."""
        with self._lock:
            return [sample for sample in self.samples if start <= sample.started and sample.ended < end]
