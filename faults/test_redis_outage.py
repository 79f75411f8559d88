"""Drill: Redis stopped while reminders are due.

Redis (the Celery broker) stops, and keeps nothing: every queued message is gone. Meanwhile the web keeps
serving (only /health/ reports the broker); a leader's workbook request fails at once instead of waiting
forever, and is built when asked again afterwards. The day's reminder run commits: every digest is in its
recipient's inbox, but no e-mail or chat-robot post can be queued. Redis comes back empty; beat's sweep
(``campaign.tasks.requeue_reminder_deliveries``, every ``REMINDER_REDELIVER_AFTER_SECONDS`` / 3) queues
what is owed, and the worker sends every e-mail and robot post exactly once: none lost, none doubled,
even when the sweep (every second here) queues some of them more than once.
"""

# ruff: noqa: S101 -- a drill asserts, like every test

import re
import time
from collections import Counter

import pytest
import requests

from core.tests.chat_robot import chat_robot
from faults.drill import manage, seed, sent_mail, start_beat, start_web, start_worker, wait_for

pytestmark = pytest.mark.faults(timeout=300)

REDELIVER_AFTER = 3
DOWN_FOR = 6.0


@pytest.fixture
def robot():
    """A department chat robot on 127.0.0.1 that accepts every post and counts them."""
    with chat_robot() as robot:
        yield robot


def test_it_sends_every_reminder_once_when_redis_comes_back(
    cluster, database, redis, processes, environment, robot, tmp_path, findings
):
    env = environment(REMINDER_REDELIVER_AFTER_SECONDS=REDELIVER_AFTER)
    made = seed(env, "reminders", robot=robot.url("/robot"))
    _web, base = start_web(processes, env)
    worker = start_worker(processes, env, "worker", concurrency=2)
    start_beat(processes, env)
    leader = requests.Session()
    leader.cookies.set("sessionid", made["session"])
    assert requests.get(f"{base}/health/", timeout=10).status_code == 200

    redis.stop()
    down = time.monotonic()

    # The web keeps serving; only the health check tells the broker is gone.
    assert leader.get(f"{base}/tasks/", timeout=15).status_code == 200
    api = requests.get(f"{base}/api/v1/tasks/", headers={"Authorization": f"Token {made['token']}"}, timeout=15)
    assert api.status_code == 200
    health = requests.get(f"{base}/health/", timeout=15)
    assert health.status_code == 503
    assert health.json()["checks"]["database"] == "ok"
    assert health.json()["checks"]["broker"].startswith("error")
    # A workbook asked for now cannot be queued: it fails at once, so that the leader may try again later.
    asked = time.monotonic()
    report = _ask_for_workbook(leader, base)
    build_seconds = time.monotonic() - asked
    assert leader.get(f"{report}status/", timeout=15).json()["status"] == "failed"

    # The day's run commits while the broker is down (as a worker that had taken it, or an operator, runs it).
    started = time.monotonic()
    output = manage(env, "send_reminders", "--date", made["date"])
    run_seconds = time.monotonic() - started
    digests = int(re.search(r": (\d+) digests, (\d+) reminders sent", output).group(1))
    assert digests > 0
    owed = _owed(cluster, database)
    assert owed["digests"] == owed["inbox"] == digests
    time.sleep(max(0, DOWN_FOR - (time.monotonic() - down)))
    assert sent_mail(tmp_path / "mail") == []
    assert robot.received == []

    redis.start()
    up = time.monotonic()
    wait_for(
        lambda: len(sent_mail(tmp_path / "mail")) >= owed["email"] and len(robot.received) >= owed["webhook"],
        timeout=120,
        what=f"{owed['email']} e-mails and {owed['webhook']} robot posts",
    )
    delivered = time.monotonic()
    time.sleep(REDELIVER_AFTER * 4)  # a few more sweeps: nothing more may go out

    mail = sent_mail(tmp_path / "mail")
    assert len(mail) == owed["email"]
    assert max(Counter(message["to"] for message in mail).values()) == 1  # nobody had two
    assert len(robot.received) == owed["webhook"]
    assert len({body["markdown"]["content"] for body in robot.received}) == len(robot.received)  # no post twice
    assert set(robot.paths) == {"/robot/CGJ"}  # the section's go to its bureau's robot
    attempts = _attempts(cluster, database)
    assert attempts == {("email", True): owed["email"], ("webhook", True): owed["webhook"]}
    requeued = sum(int(n) for n in re.findall(r"Queuing (\d+) reminder deliveries again", worker.output()))
    assert requeued >= owed["email"] + owed["webhook"]
    # Running the day again (beat's catch-up, an operator) sends nothing twice.
    assert f"{made['date']}: 0 digests, 0 reminders sent." in manage(env, "send_reminders", "--date", made["date"])
    # The same web processes queue work again: the workbook asked for anew is built.
    assert _ask_for_workbook(leader, base) == report
    wait_for(
        lambda: leader.get(f"{report}status/", timeout=15).json()["status"] == "succeeded",
        timeout=60,
        what="the workbook asked for after the outage to be built",
    )

    findings(
        f"Redis down {up - down:.1f} s; workbook request failed cleanly in {build_seconds:.1f} s; the run "
        f"committed {digests} digests (inbox) in {run_seconds:.1f} s with nothing queued; once Redis was back "
        f"{len(mail)} e-mails and {len(robot.received)} robot posts went out within {delivered - up:.1f} s, each once "
        f"(the sweep queued {requeued} deliveries for {owed['email'] + owed['webhook']} owed)"
    )


def _ask_for_workbook(leader: requests.Session, base: str) -> str:
    """A leader asks for the workbook of a past week; the address of the report's page."""
    page = leader.get(f"{base}/reports/weekly/", timeout=15)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = leader.post(
        f"{base}/reports/weekly/build/", data={"week": "2018-W11", "csrfmiddlewaretoken": token}, timeout=30
    )
    assert answer.status_code == 200, answer.status_code
    return answer.url


def _owed(cluster, database: str) -> dict:
    """What the run owes, read from the database: digests, inbox messages, e-mails and robot posts."""
    (row,) = cluster.query(
        """
        SELECT count(*),
               count(*) FILTER (WHERE u.email <> ''),
               count(*) FILTER (WHERE d.webhook_url <> '' OR p.webhook_url <> ''),
               (SELECT count(*) FROM accounts_notification)
        FROM campaign_reminderdigest g
        JOIN accounts_user u ON u.id = g.recipient_id
        LEFT JOIN accounts_department d ON d.id = u.department_id
        LEFT JOIN accounts_department p ON p.id = d.parent_id
        """,
        database,
    )
    return dict(zip(("digests", "email", "webhook", "inbox"), row, strict=True))


def _attempts(cluster, database: str) -> dict:
    rows = cluster.query(
        "SELECT channel, succeeded, count(*) FROM campaign_deliveryattempt WHERE channel <> 'inbox' GROUP BY 1, 2",
        database,
    )
    return {(channel, succeeded): count for channel, succeeded, count in rows}
