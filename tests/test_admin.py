"""The Django admin: every registered model answers in Chinese, list pages do not grow in queries, and
the admin is one more client of the services: workflow fields are read-only, issues are filed and
progress is reported only through the services."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst

from accounts.models import Department, User
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from campaign.rollups import TaskFacts, progress_totals_add, task_rollups_move
from grids.models import Grid, Place
from inspections.models import Criterion, Issue, IssuePhoto
from inspections.rollups import IssueFacts, issue_rollups_move

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
_serial = itertools.count(1)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _breadcrumbs(response) -> str:
    match = re.search(r'<div class="breadcrumbs">(.*?)</div>', response.content.decode(), re.S)
    assert match, "the page has no breadcrumbs"
    return match.group(1)


def _assert_names_model_in_chinese(response, model) -> None:
    with translation.override("zh-hans"):
        chinese = str(model._meta.verbose_name_plural)
    with translation.override("en"):
        english = str(model._meta.verbose_name_plural)
    assert chinese != english, f"{model._meta.label} has no Chinese verbose_name_plural"
    assert escape(capfirst(chinese)) in _breadcrumbs(response)


def make_department(**fields) -> Department:
    n = next(_serial)
    return Department.objects.create(**{"code": f"D{n}", "name": f"部门{n}", "kind": "bureau", **fields})


def make_user(**fields) -> User:
    n = next(_serial)
    return User.objects.create(**{"username": f"user{n}", "last_name": "王", "first_name": f"{n}", **fields})


def make_place(**fields) -> Place:
    n = next(_serial)
    subdistrict = make_department(kind="subdistrict")
    grid = Grid.objects.create(code=f"G{n}", name=f"网格{n}", subdistrict=subdistrict, leader=make_user())
    return Place.objects.create(
        **{
            "code": f"P{n}",
            "name": f"点位{n}",
            "kind": Place.Kind.COMPOUND,
            "grid": grid,
            "assigned_department": make_department(),
            "assigned_leader": make_user(),
            "territorial_unit": subdistrict,
            **fields,
        }
    )


def make_campaign() -> Campaign:
    return Campaign.objects.create(
        code=f"C{next(_serial)}", name="创建全国文明城市", kind="civilized", start_date=datetime.date(2018, 2, 28)
    )


def make_task(**fields) -> Task:
    n = next(_serial)
    department = make_department()
    task = Task.objects.create(
        **{
            "campaign": make_campaign(),
            "code": f"T{n}",
            "title": f"任务{n}",
            "department": department,
            "section": make_department(kind="section", parent=department),
            "accountable": make_user(department=department),
            "due_date": datetime.date(2018, 6, 30),
            **fields,
        }
    )
    task_rollups_move(None, TaskFacts.of(task))  # counted as the services would
    return task


def make_report(**fields) -> ProgressReport:
    report = ProgressReport.objects.create(**fields)
    progress_totals_add(target_id=report.task.target_id, quantity=report.quantity)  # as the service would
    return report


def make_issue() -> Issue:
    n = next(_serial)
    place = make_place()
    criterion = Criterion.objects.create(code=f"K{n}", category="市容环境", title="乱堆乱放", points=Decimal("0.5"))
    issue = Issue.objects.create(
        campaign=make_campaign(),
        code=f"I{n}",
        place=place,
        grid=place.grid,
        criterion=criterion,
        description="楼道杂物堆放",
        points=Decimal("0.5"),
        department=place.assigned_department,
        status=Issue.Status.DISPATCHED,
        reported_by=make_user(),
    )
    issue_rollups_move(None, IssueFacts.of(issue))  # counted as the services would
    return issue


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_changelist_in_chinese(admin_client, model):
    response = admin_client.get(_url(model, "changelist"))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    _assert_names_model_in_chinese(response, model)


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label_lower)
def test_it_shows_the_add_page_in_chinese(admin_client, admin_user, model):
    request = RequestFactory().get("/")
    request.user = admin_user
    response = admin_client.get(_url(model, "add"))

    if not admin.site._registry[model].has_add_permission(request):
        # Logs written by the system (heartbeats, reminders) are never added by hand.
        assert response.status_code == 403
        return

    assert response.status_code == 200
    _assert_names_model_in_chinese(response, model)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "make"), [(Task, make_task), (Issue, make_issue), (Place, make_place)])
def test_it_lists_rows_in_a_constant_number_of_queries(admin_client, model, make):
    make()
    admin_client.get(_url(model, "changelist"))  # warm up per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as one_row:
        response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200

    for _ in range(4):
        make()
    with CaptureQueriesContext(connection) as five_rows:
        response = admin_client.get(_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 5
    assert len(five_rows) == len(one_row), [query["sql"] for query in five_rows.captured_queries]


@pytest.mark.django_db
def test_it_filters_tasks_by_overdue(admin_client):
    today = timezone.localdate()
    late = make_task(due_date=today - datetime.timedelta(days=1))
    make_task(due_date=today - datetime.timedelta(days=1), status=Task.Status.DONE, completed_at=timezone.now())
    make_task(due_date=today + datetime.timedelta(days=1))

    response = admin_client.get(_url(Task, "changelist"), {"overdue": "yes"})

    assert [task.pk for task in response.context["cl"].result_list] == [late.pk]
    assert response.context["cl"].result_list[0].is_overdue is True


def make_target(task: Task, *, code: str, target_value: int) -> Target:
    """A target of a pledge of ``task``'s department, which ``task`` counts toward."""
    pledge = Pledge.objects.create(
        campaign=task.campaign,
        department=task.department,
        speaker="张三",
        speaker_title="局长",
        headline="棚改开工4.9万套",
        statement="……",
        date=datetime.date(2018, 2, 28),
    )
    target = Target.objects.create(
        pledge=pledge,
        code=code,
        name=f"目标{code}",
        unit="套",
        target_value=Decimal(target_value),
        deadline=datetime.date(2018, 12, 31),
    )
    task.target = target
    task.save()
    return target


@pytest.mark.django_db
def test_it_shows_a_targets_current_value_from_progress(admin_client, admin_user):
    task = make_task()
    make_target(task, code="SHANTY", target_value=49000)
    make_report(task=task, author=admin_user, quantity=Decimal(12250))

    response = admin_client.get(_url(Target, "changelist"))

    assert response.context["cl"].result_list[0].current_value == Decimal(12250)
    assert "25.0%" in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_progress_reports_append_only(admin_client, admin_user):
    report = make_report(task=make_task(), author=admin_user, percent=40)

    response = admin_client.post(_url(ProgressReport, "change", report.pk), {"percent": 90})

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.percent == 40


# --- the admin goes through the services ---------------------------------------------------------


def _form_value(value):
    if isinstance(value, list | tuple | set):
        return [_form_value(item) for item in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else value


def change_form_data(response) -> dict:
    """What the browser would send back for the admin change page ``response``, unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field.widget, admin.widgets.AdminSplitDateTime) and value:
            value = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")
            continue
        data[name] = _form_value(value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management.initial.get(name, management[name].value())
        for form in formset.initial_forms:
            data[f"{form.prefix}-id"] = form.instance.pk
            data[f"{form.prefix}-{formset.fk.name}"] = form.instance.pk and getattr(form.instance, formset.fk.attname)
    return {key: value for key, value in data.items() if value is not None}


def add_inline_report(data: dict, **report) -> dict:
    """``data`` with one new progress report in the task page's inline."""
    prefix = "progress_reports"
    number = int(data[f"{prefix}-TOTAL_FORMS"])
    return {
        **data,
        f"{prefix}-TOTAL_FORMS": number + 1,
        **{f"{prefix}-{number}-{name}": value for name, value in report.items()},
    }


@pytest.mark.django_db
def test_an_issues_workflow_fields_cannot_be_changed_in_the_admin(admin_client):
    issue = make_issue()
    other = make_department()
    page = admin_client.get(_url(Issue, "change", issue.pk))
    form = page.context["adminform"].form
    assert {"status", "department", "deadline", "rectification_task", "closed_at"}.isdisjoint(form.fields)

    data = change_form_data(page) | {"description": "楼道杂物堆放（已核实）"}
    data |= {"status": "closed", "department": other.pk, "closed_at_0": "2018-03-01", "closed_at_1": "10:00:00"}
    response = admin_client.post(_url(Issue, "change", issue.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    issue.refresh_from_db()
    assert issue.description == "楼道杂物堆放（已核实）"  # the words may be corrected
    assert (issue.status, issue.department_id, issue.closed_at) == (Issue.Status.DISPATCHED, issue.department_id, None)
    assert issue.department_id != other.pk


@pytest.mark.django_db
def test_issues_are_filed_on_the_filing_page_not_added_in_the_admin(admin_client):
    assert admin_client.get(_url(Issue, "add")).status_code == 403
    assert admin_client.get(_url(IssuePhoto, "add")).status_code == 403


@pytest.mark.django_db
def test_a_tasks_status_percent_and_completion_cannot_be_typed_in(admin_client):
    task = make_task()
    page = admin_client.get(_url(Task, "change", task.pk))
    assert {"status", "percent", "completed_at"}.isdisjoint(page.context["adminform"].form.fields)

    data = change_form_data(page) | {"title": "改名的任务", "status": "done", "percent": 100}
    response = admin_client.post(_url(Task, "change", task.pk), data)

    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.status, task.percent, task.completed_at) == ("改名的任务", Task.Status.TODO, 0, None)


@pytest.mark.django_db
def test_a_rectification_tasks_due_date_follows_its_issue_only(admin_client):
    task = make_task(kind=Task.Kind.RECTIFICATION, due_date=datetime.date(2018, 3, 5))
    page = admin_client.get(_url(Task, "change", task.pk))
    assert {"due_date", "kind", "department"}.isdisjoint(page.context["adminform"].form.fields)

    response = admin_client.post(_url(Task, "change", task.pk), change_form_data(page) | {"due_date": "2035-12-31"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.due_date == datetime.date(2018, 3, 5)


@pytest.mark.django_db
def test_a_final_report_added_in_the_admin_closes_its_task_through_the_service(admin_client, admin_user):
    task = make_task()
    data = add_inline_report(
        change_form_data(admin_client.get(_url(Task, "change", task.pk))), percent=100, note="全部完成", is_final="on"
    )

    response = admin_client.post(_url(Task, "change", task.pk), data)

    assert response.status_code == 302
    task.refresh_from_db()
    report = task.progress_reports.get()
    assert (report.author, report.is_final, report.percent) == (admin_user, True, 100)
    assert (task.status, task.percent) == (Task.Status.DONE, 100)
    assert task.completed_at is not None
    assert task.history.first().history_user == admin_user


@pytest.mark.django_db
def test_a_report_added_in_the_admin_moves_the_tasks_percentage(admin_client, admin_user):
    task = make_task()
    data = add_inline_report(change_form_data(admin_client.get(_url(Task, "change", task.pk))), percent=40)

    admin_client.post(_url(Task, "change", task.pk), data)

    task.refresh_from_db()
    assert (task.status, task.percent) == (Task.Status.IN_PROGRESS, 40)
    assert task.progress_reports.get().author == admin_user


@pytest.mark.django_db
def test_a_report_the_service_refuses_shows_its_reason_and_saves_nothing(admin_client):
    task = make_task()
    data = add_inline_report(
        change_form_data(admin_client.get(_url(Task, "change", task.pk))), percent=60, note="差不多", is_final="on"
    )

    response = admin_client.post(_url(Task, "change", task.pk), data)

    assert response.status_code == 200
    assert "最终报告表示任务已全部完成" in str(response.context["inline_admin_formsets"][0].formset.errors)
    assert not task.progress_reports.exists()
    task.refresh_from_db()
    assert task.status == Task.Status.TODO


@pytest.mark.django_db
def test_a_closed_task_takes_no_report_in_the_admin(admin_client):
    task = make_task(status=Task.Status.DONE, completed_at=timezone.now(), percent=100)
    page = admin_client.get(_url(Task, "change", task.pk))
    data = change_form_data(page)
    data = add_inline_report(data | {"progress_reports-MAX_NUM_FORMS": 1}, percent=10, note="补充")

    admin_client.post(_url(Task, "change", task.pk), data)

    assert not task.progress_reports.exists()


@pytest.mark.django_db
def test_a_progress_report_is_not_added_apart_from_its_task(admin_client):
    assert admin_client.get(_url(ProgressReport, "add")).status_code == 403


@pytest.mark.django_db
def test_the_change_history_cannot_revert_an_issue(admin_client):
    issue = make_issue()
    before = IssueFacts.of(issue)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.CLOSED, closed_at=timezone.now())
    issue.refresh_from_db()
    issue_rollups_move(before, IssueFacts.of(issue))
    issue.description = "改过"
    issue.save()
    old = issue.history.last()
    revert = reverse("admin:inspections_issue_simple_history", args=[issue.pk, old.history_id])
    page = admin_client.get(revert)
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True

    assert admin_client.post(revert, {"description": old.description}).status_code == 403

    issue.refresh_from_db()
    assert issue.status == Issue.Status.CLOSED


@pytest.mark.django_db
def test_the_target_page_shows_progress_as_the_task_page_and_the_api_do(admin_client, admin_user):
    task = make_task()
    make_target(task, code="OLD", target_value=3)
    over_task = make_task()
    make_target(over_task, code="OVER", target_value=10)
    make_report(task=task, author=admin_user, quantity=Decimal(1))
    make_report(task=over_task, author=admin_user, quantity=Decimal(12))

    admin_page = admin_client.get(_url(Target, "changelist")).content.decode()
    task_page = admin_client.get(reverse("campaign:task_detail", args=[task.pk])).content.decode()
    over_page = admin_client.get(reverse("campaign:task_detail", args=[over_task.pk])).content.decode()
    api = {row["code"]: row for row in admin_client.get("/api/v1/targets/").json()["results"]}

    # One third: not 33% on one page and 33.3% on another.
    assert "33.3%" in admin_page
    assert "33.3%" in task_page
    assert api["OLD"]["progress_percent"] == "33.3"
    # Beyond the target: held at 100, not 120.
    assert "100.0%" in admin_page
    assert "100.0%" in over_page
    assert api["OVER"]["progress_percent"] == "100.0"


@pytest.mark.django_db
def test_the_admin_shows_photos_through_the_apps_photo_route_never_from_media(admin_client, admin_user):
    from core.images import photos_prepare
    from core.tests.factories import photo_upload

    issue = make_issue()
    prepared = photos_prepare([photo_upload()])[0]
    photo = IssuePhoto.objects.create(
        issue=issue, image=prepared.image, thumbnail=prepared.thumbnail, uploaded_by=admin_user
    )

    for url in (_url(Issue, "change", issue.pk), _url(IssuePhoto, "changelist"), _url(IssuePhoto, "change", photo.pk)):
        page = admin_client.get(url).content.decode()
        assert photo.url in page, url
        assert "/media/" not in page, url
