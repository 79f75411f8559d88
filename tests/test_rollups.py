"""The rollups the dashboard reads stay equal to a recount from the base tables, whatever the services write
and in whatever order: filing, dispatching, rectifying, verifying, sending back, returning, extending,
suspending, deleting; tasks made, changed and removed; progress reported and removed; clocks counted again."""

import datetime
import itertools
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import ProgressReport, TargetTotal, Task, TaskDayCount
from campaign.services import progress_report_create, progress_report_delete, task_delete, task_save
from campaign.tests.factories import CampaignFactory, TargetFactory
from core.errors import ApplicationError
from core.images import photos_prepare
from core.rollups import rollup_differences, rollups_rebuild, rollups_registered
from core.tests.factories import photo_upload
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.clocks import clocks_recompute
from inspections.models import Issue, IssueDayCount, Suspension
from inspections.services import (
    extension_decide,
    extension_request,
    issue_delete,
    issue_dispatch,
    issue_file,
    issue_return,
    issue_send_back,
    issue_start,
    issue_submit,
    issue_verify,
    suspension_decide,
    suspension_release,
    suspension_request,
)
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [str(difference) for rollup in rollups_registered() for difference in rollup_differences(rollup)]


@pytest.fixture
def city():
    campaign = CampaignFactory()
    departments = [DepartmentFactory(code=code, name=f"{code}局") for code in ("QZJ", "CGJ", "JTJ")]
    for department in departments:
        department.head = UserFactory(department=department, role=Role.STAFF)
        department.save()
    grids = [GridFactory(code=f"G{n}") for n in range(2)]
    places = [PlaceFactory(grid=grid, assigned_department=departments[n]) for n, grid in enumerate(grids)]
    criteria = [
        CriterionFactory(default_department=departments[1], rectify_limit="3d", points=Decimal("1.5")),
        CriterionFactory(default_department=departments[2], rectify_limit="2d", points=Decimal("0.5")),
    ]
    targets = [TargetFactory(pledge__department=department) for department in departments[:2]]
    return {
        "campaign": campaign,
        "departments": departments,
        "places": places,
        "criteria": criteria,
        "targets": targets,
        "inspector": UserFactory(role=Role.INSPECTOR, department=None),
        "leader": UserFactory(role=Role.LEADER, department=None),
    }


def _pick(rows: list, n: int):
    return rows[n % len(rows)] if rows else None


def _issue(status: tuple[str, ...], n: int) -> Issue | None:
    return _pick(list(Issue.objects.filter(status__in=status).order_by("pk")), n)


def _photos():
    return photos_prepare([photo_upload()])


def file_issue(city, n: int) -> None:
    issue_file(
        reporter=city["inspector"],
        place=_pick(city["places"], n),
        criterion=_pick(city["criteria"], n // 2),
        description="垃圾桶满溢",
        dispatch=n % 3 != 0,
    )


def dispatch(city, n: int) -> None:
    issue = _issue((Issue.Status.REPORTED, Issue.Status.RETURNED), n)
    if issue is not None:
        issue_dispatch(issue=issue, actor=city["leader"], department=_pick(city["departments"], n), note="复核后派遣")


def start(city, n: int) -> None:
    issue = _issue((Issue.Status.DISPATCHED,), n)
    if issue is not None:
        issue_start(issue=issue, actor=issue.department.head)


def submit(city, n: int) -> None:
    issue = _issue((Issue.Status.DISPATCHED, Issue.Status.RECTIFYING), n)
    if issue is not None:
        issue_submit(issue=issue, actor=issue.department.head, note="已清理", photos=_photos())


def verify(city, n: int) -> None:
    issue = _issue((Issue.Status.SUBMITTED,), n)
    if issue is not None:
        issue_verify(issue=issue, actor=city["inspector"])


def send_back(city, n: int) -> None:
    issue = _issue((Issue.Status.SUBMITTED,), n)
    if issue is not None:
        issue_send_back(issue=issue, actor=city["inspector"], reason="仍有垃圾")


def give_back(city, n: int) -> None:
    issue = _issue((Issue.Status.DISPATCHED, Issue.Status.RECTIFYING), n)
    if issue is not None:
        issue_return(issue=issue, actor=issue.department.head, reason="不属本部门职责")


def extend(city, n: int) -> None:
    issue = _issue((Issue.Status.DISPATCHED, Issue.Status.RECTIFYING), n)
    if issue is not None:
        day = timezone.localtime(issue.deadline).date() + datetime.timedelta(days=1 + n % 3)
        request = extension_request(
            issue=issue, actor=issue.department.head, reason="需协调", new_deadline=day, beyond_limit_note="确需"
        )
        extension_decide(request=request, actor=city["leader"], approve=True, confirm_beyond_limit=True)


def suspend(city, n: int) -> None:
    issue = _issue((Issue.Status.DISPATCHED, Issue.Status.RECTIFYING), n)
    if issue is None:
        return
    if issue.suspensions.filter(status=Suspension.Status.APPROVED).exists():
        suspension_release(issue=issue, actor=city["leader"])
    else:
        suspension = suspension_request(issue=issue, actor=issue.department.head, reason="雨季施工")
        suspension_decide(suspension=suspension, actor=city["leader"], approve=True)


def delete_issue(city, n: int) -> None:
    issue = _issue(tuple(Issue.Status.values), n)
    if issue is not None:
        issue_delete(issue=issue, actor=city["leader"])


TASK_NUMBERS = itertools.count(1)


def make_task(city, n: int) -> None:
    department = _pick(city["departments"], n)
    task_save(
        task=Task(
            campaign=city["campaign"],
            code=f"T-{next(TASK_NUMBERS)}",
            title="背街小巷整治",
            department=department,
            accountable=department.head,
            due_date=timezone.localdate() + datetime.timedelta(days=n % 7 - 3),
            target=_pick([None, *city["targets"]], n),
        )
    )


def change_task(city, n: int) -> None:
    task = _pick(list(Task.objects.exclude(kind=Task.Kind.RECTIFICATION).order_by("pk")), n)
    if task is not None:
        task.department = _pick(city["departments"], n + 1)
        task.due_date += datetime.timedelta(days=n % 5 - 2)
        task.target = _pick([None, *city["targets"]], n // 3)
        task_save(task=task)


def delete_task(city, n: int) -> None:
    task = _pick(list(Task.objects.exclude(kind=Task.Kind.RECTIFICATION).order_by("pk")), n)
    if task is not None:
        task_delete(task=task)


def report(city, n: int) -> None:
    task = _pick(list(Task.objects.open().order_by("pk")), n)
    if task is None:
        return
    final = n % 4 == 0 and task.kind != Task.Kind.RECTIFICATION
    progress_report_create(
        task=task,
        author=task.accountable or city["leader"],
        percent=100 if final else n % 100,
        quantity=Decimal(n % 50) / 4 if task.target_id else None,
        note="进展顺利",
        is_final=final,
    )


def delete_report(city, n: int) -> None:
    report = _pick(list(ProgressReport.objects.order_by("pk")), n)
    if report is not None:
        progress_report_delete(report=report)


def recount_clocks(city, n: int) -> None:
    clocks_recompute()


OPERATIONS = {
    operation.__name__: operation
    for operation in (
        file_issue,
        dispatch,
        start,
        submit,
        verify,
        send_back,
        give_back,
        extend,
        suspend,
        delete_issue,
        make_task,
        change_task,
        delete_task,
        report,
        delete_report,
        recount_clocks,
    )
}
WITH_DEPARTMENT = (Issue.Status.DISPATCHED, Issue.Status.RECTIFYING)
# When a step has something to work on: the issues in the states it starts from, the tasks, the reports.
NEEDS = {
    "dispatch": lambda: Issue.objects.filter(status__in=(Issue.Status.REPORTED, Issue.Status.RETURNED)).exists(),
    "start": lambda: Issue.objects.filter(status=Issue.Status.DISPATCHED).exists(),
    "submit": lambda: Issue.objects.filter(status__in=WITH_DEPARTMENT).exists(),
    "verify": lambda: Issue.objects.filter(status=Issue.Status.SUBMITTED).exists(),
    "send_back": lambda: Issue.objects.filter(status=Issue.Status.SUBMITTED).exists(),
    "give_back": lambda: Issue.objects.filter(status__in=WITH_DEPARTMENT).exists(),
    "extend": lambda: Issue.objects.filter(status__in=WITH_DEPARTMENT).exists(),
    "suspend": lambda: Issue.objects.filter(status__in=WITH_DEPARTMENT).exists(),
    "delete_issue": lambda: Issue.objects.exists(),
    "change_task": lambda: Task.objects.exclude(kind=Task.Kind.RECTIFICATION).exists(),
    "delete_task": lambda: Task.objects.exclude(kind=Task.Kind.RECTIFICATION).exists(),
    "report": lambda: Task.objects.open().exists(),
    "delete_report": lambda: ProgressReport.objects.exists(),
}


class Writes(RuleBasedStateMachine):
    """Random sequences of the services' writes on one city, each example in a transaction rolled back at
    its end; after every step the rollups equal their recount."""

    city: dict = {}

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @invariant()
    def rollups_equal_their_recount(self) -> None:
        assert differences() == []


def _step(name: str):
    def step(self, n: int) -> None:
        try:
            OPERATIONS[name](self.city, n)
        except ApplicationError:
            pass  # refused, and so changed nothing (the invariant checks it)

    step.__name__ = name
    step = rule(n=st.integers(0, 999))(step)
    if name in NEEDS:
        step = precondition(lambda self, needs=NEEDS[name]: needs())(step)
    return step


for _name in OPERATIONS:
    setattr(Writes, _name, _step(_name))


def test_the_rollups_equal_a_recount_after_every_step(city):
    Writes.city = city
    run_state_machine_as_test(
        Writes,
        settings=hypothesis_settings(
            max_examples=25,
            stateful_step_count=25,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_it_covers_every_step_of_the_issue_workflow_and_the_tasks(city):
    # The operations above reach the states a case goes through; a run that never closed anything would
    # prove little.
    for name, n in [
        ("file_issue", 1),
        ("submit", 0),
        ("send_back", 0),
        ("submit", 0),
        ("verify", 0),
        ("file_issue", 2),
        ("give_back", 0),
        ("make_task", 1),
        ("report", 4),
    ]:
        OPERATIONS[name](city, n)
    statuses = set(Issue.objects.values_list("status", flat=True))

    assert statuses == {Issue.Status.CLOSED, Issue.Status.RETURNED}
    assert IssueDayCount.objects.get(status=Issue.Status.CLOSED, day=timezone.localdate()).closed == 1
    assert Task.objects.filter(status=Task.Status.DONE).count() == 2  # the rectification and the task reported
    assert differences() == []


def test_a_targets_total_follows_its_reports_and_its_tasks(city):
    target = city["targets"][0]
    make_task(city, 1)  # toward the first target
    task = Task.objects.get(target=target)
    progress_report_create(task=task, author=task.accountable, quantity=Decimal("12.5"), note="第一批")
    progress_report_create(task=task, author=task.accountable, quantity=Decimal(3), note="第二批")

    assert TargetTotal.objects.get(target=target).reported == Decimal("15.5")

    task.target = city["targets"][1]
    task_save(task=task)

    assert TargetTotal.objects.get(target=target).reported == 0
    assert TargetTotal.objects.get(target=city["targets"][1]).reported == Decimal("15.5")
    assert differences() == []


def test_rollups_check_exits_non_zero_and_names_the_row_that_differs(city, capsys):
    make_task(city, 3)
    call_command("rollups", "--check")
    row = TaskDayCount.objects.filter(tasks__gt=0).first()
    TaskDayCount.objects.filter(pk=row.pk).update(tasks=row.tasks + 2)

    with pytest.raises(CommandError, match="1 rollup rows differ"):
        call_command("rollups", "--check")

    assert (
        f"task_days [day={row.day}, status={row.status}]: stored {{'tasks': {row.tasks + 2}" in capsys.readouterr().out
    )


def test_rollups_rebuild_puts_them_right(city, capsys):
    make_task(city, 3)
    file_issue(city, 1)
    IssueDayCount.objects.all().delete()
    TaskDayCount.objects.update(tasks=7)

    call_command("rollups", "--rebuild")

    assert differences() == []
    assert "issue_days: 1 rows" in capsys.readouterr().out  # filed and dispatched today


def test_a_rebuild_leaves_nothing_when_the_base_tables_are_empty(db):
    assert rollups_rebuild() == dict.fromkeys([rollup.name for rollup in rollups_registered()], 0)


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_moment_lose_no_count(postgres, city):
    # Eight transactions at once, each filing or closing issues of the same day, department and grid: the
    # same rollup rows. Each adds to the stored count under the row's lock, so none overwrites another.
    dispatched = [
        issue_file(
            reporter=city["inspector"], place=city["places"][0], criterion=city["criteria"][0], description="满溢"
        )
        for _ in range(4)
    ]
    photos = [_photos() for _ in dispatched]

    def close(issue, photos) -> None:
        try:
            issue_submit(issue=issue, actor=issue.department.head, note="已清理", photos=photos)
            issue_verify(issue=issue, actor=city["inspector"])
        finally:
            connection.close()

    def file(n: int) -> None:
        try:
            file_issue(city, n)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        done = [pool.submit(close, issue, photo) for issue, photo in zip(dispatched, photos, strict=True)]
        done += [pool.submit(file, n) for n in range(4)]
        for future in done:
            future.result()

    assert Issue.objects.count() == 8
    assert differences() == []
