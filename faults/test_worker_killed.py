"""Drill: a worker killed in the middle of a workbook build.

A leader asks for this week's workbook; with tens of thousands of overdue tasks it takes seconds to write.
Half-way, the worker is killed with SIGKILL, pool and all, as the kernel's OOM killer or a lost machine
would. Its message was acknowledged late, so Redis hands it to the next worker once the visibility
timeout (``CELERY_VISIBILITY_TIMEOUT``, a few seconds here) has passed: the build is done again, from
the start, and succeeds. Throughout, the download offers nothing but a complete workbook: before the
rebuild has finished it answers "not built yet".
"""

# ruff: noqa: S101 -- a drill asserts, like every test

import datetime
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from openpyxl import load_workbook

from faults.drill import seed, start_web, start_worker, wait_for

pytestmark = pytest.mark.faults(timeout=300)

TASKS = 40000
# Longer than a build takes here (about 12 s), or a slow rebuild would be handed out a second time.
VISIBILITY_TIMEOUT = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAMES = ["总览", "部门排名", "逾期任务", "问题整改", "目标进度", "网格"]


def this_week() -> str:
    year, week, _day = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().isocalendar()
    return f"{year}-W{week:02d}"


class Leader:
    """A signed-in leader's browser: asks for the build, watches its status, tries the download."""

    def __init__(self, base: str, session: str) -> None:
        self.base = base
        self.browser = requests.Session()
        self.browser.cookies.set("sessionid", session)
        self.downloads: list[tuple[str, int, str]] = []  # (status of the build just before, HTTP status, kind)

    def build(self, week: str) -> str:
        page = self.browser.get(f"{self.base}/reports/weekly/", timeout=15)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.browser.post(
            f"{self.base}/reports/weekly/build/",
            data={"week": week, "csrfmiddlewaretoken": token},
            timeout=15,
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text[:500]
        return self.base + answer.headers["Location"]

    def status(self, report: str) -> dict:
        return self.browser.get(f"{report}status/", timeout=15).json()

    def download(self, report: str, build_status: str) -> requests.Response:
        """Try the download; whatever comes back must be "not ready" or a complete workbook."""
        answer = self.browser.get(f"{report}download/", timeout=30)
        if answer.status_code == 200:
            assert answer.headers["Content-Type"] == XLSX
            assert load_workbook(io.BytesIO(answer.content), read_only=True).sheetnames == SHEET_NAMES
            kind = "workbook"
        else:
            assert answer.status_code == 404, answer.status_code
            assert "该周的问责周报尚未生成" in answer.text  # "This week's workbook has not been built yet."
            assert "Content-Disposition" not in answer.headers
            kind = "not ready"
        self.downloads.append((build_status, answer.status_code, kind))
        return answer


def test_it_builds_the_workbook_again_after_its_worker_is_killed_and_never_offers_half_a_file(
    processes, environment, tmp_path, findings
):
    env = environment(CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    made = seed(env, "workbook", tasks=TASKS)
    _web, base = start_web(processes, env)
    first = start_worker(processes, env, "first", concurrency=1)
    leader = Leader(base, made["session"])

    report = leader.build(this_week())
    asked = time.monotonic()
    running = wait_for(
        lambda: (
            (status := leader.status(report))["status"] == "running"
            and status["total"] // 4 <= status["done"] < status["total"]
            and status
        ),
        timeout=60,
        interval=0.1,
        what="the build to be a quarter done",
    )
    leader.download(report, running["status"])
    first.kill()  # SIGKILL to the worker and its pool: nothing acknowledges the message
    killed = time.monotonic()

    time.sleep(2)
    after_kill = leader.status(report)
    assert after_kill["status"] == "running"  # nobody is building it, and nobody pretends it is finished
    assert after_kill["download_url"] is None
    leader.download(report, after_kill["status"])

    start_worker(processes, env, "second", concurrency=1)  # a supervisor restarts the worker

    def rebuilt() -> dict | None:
        status = leader.status(report)
        leader.download(report, status["status"])
        return status if status["status"] == "succeeded" else None

    done = wait_for(rebuilt, timeout=VISIBILITY_TIMEOUT + 120, interval=0.5, what="the build to be redone")
    finished = time.monotonic()

    assert done["done"] == done["total"] > TASKS
    workbook = leader.download(report, done["status"])
    overdue_rows = sum(1 for _row in load_workbook(io.BytesIO(workbook.content), read_only=True)["逾期任务"].rows)
    assert overdue_rows > TASKS
    # Before the rebuild finished, only "not ready"; a workbook only once it had.
    assert {kind for status, _code, kind in leader.downloads if status != "succeeded"} == {"not ready"}
    assert (tmp_path / "media").exists()
    stored = sorted(path.name for path in (tmp_path / "media").rglob("*.xlsx"))
    assert len(stored) == 1, stored

    findings(
        f"{TASKS} overdue tasks; killed at {running['done']}/{running['total']} rows, "
        f"{killed - asked:.1f} s after the leader asked; rebuilt and succeeded {finished - killed:.1f} s after the "
        f"kill (visibility timeout {VISIBILITY_TIMEOUT} s); {len(leader.downloads)} download tries, "
        f"{sum(kind == 'not ready' for _s, _c, kind in leader.downloads)} answered 'not built yet'; "
        f"workbook {len(workbook.content)} bytes, {overdue_rows} rows on the overdue sheet; files stored: {stored}"
    )
