"""Drill: PostgreSQL restarted during a load run.

While clients load the pages, the API and /health/, the database stops (``pg_ctl stop -m fast``, as a
restart does), stays down a few seconds and starts again. Every request must get an answer: the page a
clean error page (templates/500.html, no traceback), the API its JSON error, /health/ a 503. Once the
database is back, the same gunicorn workers serve again at once: kept connections are health-checked
(CONN_HEALTH_CHECKS), so nothing needs a restart.
"""

# ruff: noqa: S101 -- a drill asserts, like every test

import time
from collections import Counter

import pytest

from faults.drill import seed, start_web, wait_for
from faults.load import TARGETS, LoadRun

pytestmark = pytest.mark.faults(timeout=240)

DOWN_FOR = 4.0


def test_it_answers_cleanly_while_the_database_restarts_and_recovers_without_a_restart(
    cluster, processes, environment, findings
):
    env = environment()
    made = seed(env, "reminders", robot="http://127.0.0.1:9/robot")  # tasks on the pages; no robot is called
    web, base = start_web(processes, env, workers=2)
    workers_before = web.children()

    with LoadRun(base, session=made["session"], token=made["token"], threads=6) as load:
        wait_for(
            lambda: {sample.kind for sample in load.samples if sample.verdict == "ok"} == set(TARGETS),
            timeout=60,
            what="every target to answer",
        )
        time.sleep(1)
        stopping = time.monotonic()
        cluster.stop("fast")
        down = time.monotonic()
        time.sleep(DOWN_FOR)
        cluster.start()
        up = time.monotonic()
        time.sleep(6)

    warm_up = load.between(0, stopping)
    outage = [sample for sample in load.samples if stopping <= sample.ended and sample.started < up]
    after = [sample for sample in load.samples if sample.started >= up]
    assert {sample.kind for sample in warm_up} == set(TARGETS)
    assert {sample.status for sample in warm_up} == {200}
    verdicts = Counter(sample.verdict for sample in load.samples)
    bad = [sample for sample in load.samples if sample.verdict in ("broken", "unclean")]
    assert not bad, [(s.kind, s.status, s.error or s.body[:300]) for s in bad[:5]]
    failed_cleanly = Counter(sample.kind for sample in outage if sample.verdict == "clean")
    # The drill did hit the outage: the database-backed targets failed, cleanly.
    assert min(failed_cleanly[kind] for kind in ("page", "api", "health")) > 0, failed_cleanly
    # The sign-in page needs no database: it kept working.
    assert all(sample.verdict == "ok" for sample in outage if sample.kind == "login")

    # Recovered as soon as the database answered: not one failure once it was up.
    assert after, "no request after the restart"
    late = [sample for sample in after if sample.verdict != "ok"]
    assert not late, [(s.kind, s.status, round(s.started - up, 2)) for s in late[:5]]
    first_ok = {kind: min(s.ended for s in after if s.kind == kind) - up for kind in ("page", "api", "health")}
    assert web.alive
    assert web.children() == workers_before, "gunicorn restarted its workers"

    findings(
        f"{len(load.samples)} requests by 6 clients; database down {up - down:.1f} s "
        f"(stop took {down - stopping:.1f} s); verdicts {dict(verdicts)}; "
        f"clean failures during the outage {dict(failed_cleanly)}; after the restart every request succeeded, "
        f"the first within {max(first_ok.values()):.2f} s; same gunicorn workers {workers_before}"
    )
