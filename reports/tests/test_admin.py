"""The Django admin: every registered model answers in Chinese, and list pages do not grow in queries."""

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
from grids.models import Grid, Place
from inspections.models import Criterion, Issue

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
    return Task.objects.create(
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


def make_issue() -> Issue:
    n = next(_serial)
    place = make_place()
    criterion = Criterion.objects.create(code=f"K{n}", category="市容环境", title="乱堆乱放", points=Decimal("0.5"))
    return Issue.objects.create(
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


@pytest.mark.django_db
def test_it_shows_a_targets_current_value_from_progress(admin_client, admin_user):
    task = make_task()
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
        code="SHANTY",
        name="棚户区改造开工",
        unit="套",
        target_value=Decimal(49000),
        deadline=datetime.date(2018, 12, 31),
    )
    task.target = target
    task.save()
    ProgressReport.objects.create(task=task, author=admin_user, quantity=Decimal(12250))

    response = admin_client.get(_url(Target, "changelist"))

    assert response.context["cl"].result_list[0].current_value == Decimal(12250)
    assert "25%" in response.content.decode()


@pytest.mark.django_db
def test_it_keeps_progress_reports_append_only(admin_client, admin_user):
    report = ProgressReport.objects.create(task=make_task(), author=admin_user, percent=40)

    response = admin_client.post(_url(ProgressReport, "change", report.pk), {"percent": 90})

    assert response.status_code == 403
    report.refresh_from_db()
    assert report.percent == 40
