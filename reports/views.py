"""Leaders' pages: the overview, the dashboard, its drill-downs and the overdue export.

Views stay thin: they pick the period and the user's scope, call the selectors and render. Who may
read what is decided in ``reports/rules.py``."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Department
from assessment.library import LIBRARY
from assessment.models import Grade
from citizens.selectors import dashboard_panel as citizens_dashboard_panel
from citizens.selectors import repeat_locations as citizens_repeat_locations
from core import glossary
from core.db_router import replica_reads
from core.errors import ApplicationError
from core.history import change_history
from core.jobs import JOB_STATES, job_state_q
from core.permissions import require_perm
from evaluation.selectors import evaluation_panel
from grids.models import Grid, Place
from reports.charts import Chart, Series, trend_chart
from reports.models import XLSX_CONTENT_TYPE, WeeklyReport
from reports.selectors import (
    CURRENT_FIELDS,
    Period,
    campaign_kpis,
    current_totals,
    department_ranking,
    department_scoreboard,
    figures_scope,
    grid_detail,
    grid_scoreboard,
    grids_most_open_issues,
    grids_without_boundary,
    open_issues,
    open_now,
    open_tasks,
    overdue_tasks,
    overdue_tasks_stream,
    ranking_columns,
    ranking_ordering,
    target_progress,
    weekly_trends,
)
from reports.services import iso_week_start, weekly_report_default_week, weekly_report_request
from reports.templatetags.dashboard import band_word, percent
from reports.waiting import home_sections
from reports.workbook import overdue_workbook_write, week_label

TREND_WEEKS = 12
TOP_GRIDS = 5
OVERDUE_ON_PAGE = 30
RANKING_PER_PAGE = 30
LIST_LIMIT = 100
# 按期结案率 bands: at least 90 % is green, at least 70 % amber, below that red.
GREEN_FROM, AMBER_FROM = 0.9, 0.7

# The ranking's columns after the department's name, each named by the glossary: the period's
# figures, then what each department has open now (the figures its page's lists count).
SCOREBOARD_COLUMNS = (
    "dispatched",
    "closed",
    "open",
    "closure_rate",
    "on_time_closure_rate",
    "rework_rate",
    "points_lost",
    "overdue_tasks",
    "current_overdue_tasks",
    "current_open_issues",
)
PERIOD_COLUMNS = SCOREBOARD_COLUMNS[:-2]
RATE_COLUMNS = ("closure_rate", "on_time_closure_rate", "rework_rate")
LOWER_IS_BETTER = {"rework_rate", "points_lost", "overdue_tasks", "found"}
# The KPIs of the period: (glossary code, part of campaign_kpis(), key there, kind).
PERIOD_KPIS = (
    ("tasks_due", "tasks", "total", "count"),
    ("tasks_done", "tasks", "done", "count"),
    ("overdue_tasks", "tasks", "overdue", "count"),
    ("on_time_rate", "tasks", "on_time_rate", "rate"),
    ("found", "issues", "found", "count"),
    ("dispatched", "issues", "dispatched", "count"),
    ("closed", "issues", "rectified", "count"),
    ("on_time_closure_rate", "issues", "on_time_closure_rate", "rate"),
    ("rework_rate", "issues", "rework_rate", "rate"),
    ("points_lost", "issues", "points_lost", "points"),
)
# What is open at the cut-off time, above the lists that show it.
CURRENT_KPIS = ("current_overdue_tasks", "current_open_tasks", "current_open_issues", "current_overdue_issues")


@login_required
@require_GET
def home(request):
    """The landing page after sign-in: what waits for the user in each of their roles (待办), every
    count a link to the list it counts, then the figures of the tasks and issues they see."""
    return render(request, "reports/home.html", {"sections": home_sections(user=request.user, now=timezone.now())})


def rate_band(rate: float | None) -> str:
    """The red/amber/green band of an on-time closure rate ("" when there is nothing to rate)."""
    if rate is None:
        return ""
    if rate >= GREEN_FROM:
        return "green"
    return "amber" if rate >= AMBER_FROM else "red"


def _period_links(period: Period, **params: str) -> list[dict]:
    return [
        {
            "key": key,
            "label": Period.LABELS[key],
            "query": urlencode({**params, "period": key}),
            "current": key == period.key,
        }
        for key in Period.KEYS
    ]


def _scoreboard_columns(period: Period, sort: str, keys: list[str]) -> list[dict]:
    """Column headers of the ranking (``keys``: ``ranking_columns``), in the glossary's words: a click sorts
    by the column, a second click reverses."""
    columns = []
    for key in ("name", *keys):
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        if active:
            next_sort = key if descending else f"-{key}"
        else:
            next_sort = key if key == "name" else f"-{key}"
        term = glossary.term("department" if key == "name" else key)
        columns.append(
            {
                "key": key,
                "label": term.label,
                "definition": term.definition,
                "current": key in CURRENT_FIELDS,
                "query": urlencode({"period": period.key, "sort": next_sort}),
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return columns


# The bands a grade is shown in (the dashboard's three colours; the assessment's pages have four).
GRADE_BANDS = {"excellent": "green", "good": "green", "fair": "amber", "poor": "red"}


def _scoreboard_rows(rows, keys: list[str]) -> list[dict]:
    """The ranking's rows as the table shows them: the cells in the columns' order (``keys``), the band of
    the on-time closure rate and the grade in words. Each cell carries its CSS classes and its content,
    formatted here once rather than by a chain of template conditions per cell (30 rows of a dozen)."""
    kinds = {code: indicator.kind for code, indicator in LIBRARY.items()}
    grades = dict(Grade.choices)
    table = []
    for row in rows:
        band = rate_band(row.get("on_time_closure_rate"))
        cells = []
        for key in keys:
            value = row[key]
            current = key in CURRENT_FIELDS
            css = "num"
            if key in ("overdue_tasks", "current_overdue_tasks") and value:
                css += " bad"
            if current:
                css += " current"
            if key == "on_time_closure_rate":
                word = f" {band_word(band)}" if band else ""
                content = format_html('<span class="band band-{}">{}{}</span>', band or "none", percent(value), word)
            elif key == "grade":
                content = format_html(
                    '<span class="band band-{}">{}</span>', GRADE_BANDS.get(value, "none"), grades.get(value, value)
                )
            elif kinds.get(key) == "rate":
                content = percent(value)
            elif key == "score" or kinds.get(key) in ("points", "hours"):
                content = floatformat(value, "-2")
            else:
                content = value
            cells.append({"key": key, "value": value, "css": css, "content": content, "current": current})
        table.append({**row, "band": band, "cells": cells})
    return table


def _kpi_cards(kpis: dict) -> list[dict]:
    """The period's KPIs with their change against the like-for-like previous span, each named and
    defined by the glossary."""
    cards = []
    for code, part, key, kind in PERIOD_KPIS:
        value = kpis[part][key]
        cards.append(
            {
                "term": glossary.term(code),
                "value": value,
                "kind": kind,
                "change": None if kpis["delta"] is None else kpis["delta"][part][key],
                "lower_is_better": code in LOWER_IS_BETTER,
                "warn": bool(value) and code in ("overdue_tasks", "points_lost"),
            }
        )
    return cards


def _period_cards(row: dict) -> list[dict]:
    """A department's row of the ranking as KPI cards: the period's columns, in the glossary's words."""
    cards = []
    for key in PERIOD_COLUMNS:
        value = row[key]
        cards.append(
            {
                "term": glossary.term(key),
                "value": value,
                "kind": "rate" if key in RATE_COLUMNS else "points" if key == "points_lost" else "count",
                "band": (rate_band(value) or "none") if key == "on_time_closure_rate" else "",
                "warn": bool(value) and key in ("points_lost", "overdue_tasks"),
            }
        )
    return cards


def _current_cards(current: dict) -> list[dict]:
    """What is open at the cut-off time, each figure counting the rows of a list on the page."""
    return [
        {
            "term": glossary.term(code),
            "value": current[code],
            "kind": "count",
            "warn": bool(current[code]) and code in ("current_overdue_tasks", "current_overdue_issues"),
        }
        for code in CURRENT_KPIS
    ]


def _terms(*codes: str) -> list[glossary.Term]:
    return [glossary.term(code) for code in codes]


def _number(value) -> float:
    return float(value or 0)


def _with_period(code: str, period: Period) -> str:
    """A period figure's label with the period it counts, e.g. 丢分（本周）."""
    return _("%(figure)s (%(period)s)") % {"figure": glossary.label(code), "period": period.label}


def _trend_charts(trends: list[dict]) -> list[Chart]:
    """The three weekly charts of the dashboard, drawn on the server with their figures as tables."""
    weeks = [row["week"] for row in trends]
    found, closed, points = (str(glossary.label(code)) for code in ("found", "closed", "points_lost"))
    return [
        trend_chart(
            id="chart-issues",
            title=_("%(found)s and %(closed)s per week") % {"found": found, "closed": closed},
            weeks=weeks,
            series=[
                Series("found", found, [row["found"] for row in trends]),
                Series("closed", closed, [row["rectified"] for row in trends], kind="line"),
            ],
            whole=True,
        ),
        trend_chart(
            id="chart-points",
            title=_("%(figure)s per week") % {"figure": points},
            weeks=weeks,
            series=[Series("points", points, [_number(row["points_lost"]) for row in trends])],
            whole=False,
        ),
        trend_chart(
            id="chart-tasks",
            title=_("Tasks completed per week"),
            weeks=weeks,
            series=[Series("tasks", _("Tasks completed"), [row["tasks_completed"] for row in trends])],
            whole=True,
        ),
    ]


def _dashboard_data(*, period: Period) -> dict:
    """Where the map fetches its grids and the words it shows, handed to ``static/reports/dashboard.js``
    as JSON."""
    return {
        "tileUrl": settings.DASHBOARD_TILE_URL,
        "mapUrl": f"{reverse('dashboard_map')}?{urlencode({'period': period.key})}",
        "labels": {
            "grid": _("Grid"),
            "openIssues": str(glossary.label("current_open_issues")),
            "pointsLost": _with_period("points_lost", period),
            "found": _with_period("found", period),
            "openTasks": str(glossary.label("current_open_tasks")),
            "overdueTasks": str(glossary.label("current_overdue_tasks")),
            "leader": _("Leader"),
            "legend": {
                "openIssues": _("Colour: open issues now, per grid"),
                "pointsLost": _("Colour: points lost in the period (%(period)s), per grid") % {"period": period.label},
            },
            "legendScale": _("(lighter is fewer, darker is more)"),
            "gridCount": _("All %(count)s grids, as a sortable list"),
            "sortBy": _("Sort by %(column)s"),
            "zoomIn": _("Zoom in"),
            "zoomOut": _("Zoom out"),
            "noMap": _("No grid has a boundary yet."),
            "mapLoading": _("Loading the map…"),
            "mapFailed": _("The map could not be loaded. Reload the page to try again."),
        },
    }


def _moment() -> tuple:
    """This moment, the cut-off time of every figure a page shows, and its local date."""
    now = timezone.now()
    return now, timezone.localdate(now)


@login_required
@require_GET
@replica_reads
def dashboard(request):
    """The leaders' dashboard: the period's KPIs, what is open now, the department ranking and the overdue
    list. Department staff get their own department's row and overdue tasks only.

    Each figure says what it counts: the period's figures are compared like for like with the same
    days of the period before; the current ones (当前…) count exactly the rows of the lists beneath.
    The page reads the rollups the services keep (``reports.selectors.open_now``, ``campaign_kpis``); the
    rest comes once it is shown, a panel at a time (``dashboard_panel``, ``PANELS``), and the map's grids
    from ``dashboard_map``; the ranking is shown a page at a time, so the page stays small and quick
    whatever the city's size."""
    require_perm(request.user, "reports.view_dashboard")
    now, today = _moment()
    period = Period.of(request.GET.get("period", ""), today=today)
    department_ids = figures_scope(user=request.user)
    current_now = open_now(today=today, now=now, department_ids=department_ids)
    # The assessment's results by the scheme in force (the built-in ranking when none is configured).
    results = department_ranking(
        period=period,
        today=today,
        now=now,
        department_ids=department_ids,
        sort=request.GET.get("sort"),
        current=current_now,
    )
    sort = ranking_ordering(request.GET.get("sort"), results.codes)
    keys = ranking_columns(results.codes)
    ranking = Paginator(results.rows, RANKING_PER_PAGE).get_page(request.GET.get("page"))
    overdue = overdue_tasks(today=today, department_ids=department_ids, limit=OVERDUE_ON_PAGE)
    current = current_now.totals
    city = department_ids is None
    context = {
        "today": today,
        "as_of": now,
        "period": period,
        "periods": _period_links(period, sort=sort),
        "sort": sort,
        "columns": _scoreboard_columns(period, sort, keys),
        "page": ranking,
        "scoreboard": _scoreboard_rows(ranking, keys),
        "scheme": results.results.formula,
        "current": current,
        "current_cards": _current_cards(current),
        "overdue": overdue,
        "overdue_total": current["current_overdue_tasks"],
        "city": city,
        "terms": glossary.TERMS,
        "panels": {name: _panel_slot(name, period) for name, panel in PANELS.items() if city or not panel.city},
        "definitions": _terms(*keys, *CURRENT_KPIS, "as_of"),
    }
    if city:
        kpis = campaign_kpis(period=period, today=today)
        context.update(
            kpis=kpis,
            kpi_cards=_kpi_cards(kpis),
            data=_dashboard_data(period=period),
            definitions=_terms(
                *(code for code, *_rest in PERIOD_KPIS),
                *CURRENT_KPIS,
                *PERIOD_COLUMNS,
                "target_progress",
                "as_of",
            ),
        )
    return render(request, "reports/dashboard.html", context)


# ---------------------------------------------------------------------------------------------
# The dashboard's panels, each fetched once the page shows (htmx swaps it in where the page left a link
# to it; without JavaScript the link opens it as a page of its own)


@dataclass(frozen=True)
class Panel:
    """One part of the dashboard read after the page: its title, its template (a ``<section>``), whether
    it shows city-wide figures, and what it reads (``figures(period=, today=, now=)``, a few queries)."""

    title: Any
    template: str
    city: bool
    figures: Callable[..., dict]


def _targets_panel(*, period: Period, today, now) -> dict:
    targets = target_progress(today=today)
    return {"targets": targets, "targets_at_risk": sum(not target["on_track"] for target in targets)}


def _trends_panel(*, period: Period, today, now) -> dict:
    return {"trend_weeks": TREND_WEEKS, "charts": _trend_charts(weekly_trends(weeks=TREND_WEEKS, today=today))}


def _grids_panel(*, period: Period, today, now) -> dict:
    return {"grids_without_boundary": grids_without_boundary(), "top_grids": grids_most_open_issues(limit=TOP_GRIDS)}


def _evaluation_panel(*, period: Period, today, now) -> dict:
    return {"evaluation": evaluation_panel()}


def _citizens_panel(*, period: Period, today, now) -> dict:
    return {"citizens": citizens_dashboard_panel(start=period.start, end=period.end, now=now)}


PANELS = {
    "lights": Panel(gettext_lazy("Clocks by light"), "reports/panels/lights.html", False, lambda **kwargs: {}),
    "grids": Panel(gettext_lazy("Most open issues now"), "reports/panels/grids.html", True, _grids_panel),
    "evaluation": Panel(gettext_lazy("Mock evaluation"), "reports/panels/evaluation.html", True, _evaluation_panel),
    "trends": Panel(gettext_lazy("Trends"), "reports/panels/trends.html", True, _trends_panel),
    "citizens": Panel(gettext_lazy("Citizen reports"), "reports/panels/citizens.html", True, _citizens_panel),
    "targets": Panel(gettext_lazy("Pledges and targets"), "reports/panels/targets.html", True, _targets_panel),
}


def _panel_slot(name: str, period: Period) -> dict:
    url = f"{reverse('dashboard_panel', args=[name])}?{urlencode({'period': period.key})}"
    return {"name": name, "title": PANELS[name].title, "url": url}


@login_required
@require_GET
@replica_reads
def dashboard_panel(request, name: str):
    """One panel of the dashboard (``PANELS``), for the period the page shows: the panel alone when htmx
    fetches it into the page, else a page of its own (a link followed without JavaScript)."""
    panel = PANELS.get(name)
    if panel is None:
        raise Http404
    require_perm(request.user, "reports.view_city_figures" if panel.city else "reports.view_dashboard")
    now, today = _moment()
    period = Period.of(request.GET.get("period", ""), today=today)
    context = {
        "period": period,
        "as_of": now,
        "terms": glossary.TERMS,
        **panel.figures(period=period, today=today, now=now),
    }
    if request.htmx:
        # A fragment needs nothing of the page's frame (the navigation, the bell's count): no context processors.
        return HttpResponse(render_to_string(panel.template, {**context, "request": request}))
    return render(request, "reports/dashboard_panel.html", {**context, "panel": panel})


@login_required
@require_GET
@replica_reads
def dashboard_map(request):
    """The dashboard map's grids as JSON, fetched by ``dashboard.js``: each grid's boundary (or its
    centre), its leader, the period's figures and what it has open now (``grid_scoreboard()``), with a
    link to its page and the figures' cut-off time. City-wide figures, so for those who may read them."""
    require_perm(request.user, "reports.view_city_figures")
    now, today = _moment()
    period = Period.of(request.GET.get("period", ""), today=today)
    grids = [
        {
            "id": grid["id"],
            "code": grid["code"],
            "name": grid["name"],
            "boundary": grid["boundary"] or None,
            "lat": None if grid["latitude"] is None else float(grid["latitude"]),
            "lng": None if grid["longitude"] is None else float(grid["longitude"]),
            "leader": grid["leader_name"] or "",
            "found": grid["found"],
            "pointsLost": _number(grid["points_lost"]),
            "openIssues": grid["current_open_issues"],
            "openTasks": grid["current_open_tasks"],
            "overdueTasks": grid["current_overdue_tasks"],
            "url": f"{reverse('dashboard_grid', args=[grid['id']])}?period={period.key}",
        }
        for grid in grid_scoreboard(period=period, today=today, now=now)
    ]
    # Repeat locations of citizens' reports (3 or more in 30 days), marked on the map.
    repeats = [
        {"name": place.name, "lat": float(place.latitude), "lng": float(place.longitude), "reports": place.report_count}
        for place in citizens_repeat_locations(now=now).filter(latitude__isnull=False, longitude__isnull=False)[:50]
    ]
    return JsonResponse(
        {"period": period.key, "as_of": timezone.localtime(now).isoformat(), "grids": grids, "repeatPlaces": repeats}
    )


@login_required
@require_GET
def department_page(request, pk: int):
    """One department's drill-down: its row of the ranking (the period's figures), what it has open now
    (each current figure counting the list beneath it), its overdue and open tasks, its open issues."""
    department = get_object_or_404(Department.objects.select_related("parent", "head"), pk=pk)
    require_perm(request.user, "reports.view_department_figures", department)
    now, today = _moment()
    period = Period.of(request.GET.get("period", ""), today=today)
    scope = [department.pk]
    row = next(iter(department_scoreboard(period=period, today=today, now=now, department_ids=scope)), None)
    current = current_totals(today=today, now=now, department_ids=scope)
    overdue = overdue_tasks(today=today, department_ids=scope, limit=LIST_LIMIT)
    tasks = list(open_tasks(today=today, department_ids=scope)[:LIST_LIMIT])
    issues = list(open_issues(now=now, department_ids=scope)[:LIST_LIMIT])
    return render(
        request,
        "reports/department_detail.html",
        {
            "department": department,
            "as_of": now,
            "terms": glossary.TERMS,
            "period": period,
            "periods": _period_links(period),
            "row": row,
            "period_cards": _period_cards(row) if row is not None else [],
            "current": current,
            "current_cards": _current_cards(current),
            "overdue": overdue,
            "tasks": tasks,
            "issues": issues,
            "overdue_more": current["current_overdue_tasks"] > len(overdue),
            "tasks_more": current["current_open_tasks"] > len(tasks),
            "issues_more": current["current_open_issues"] > len(issues),
            "list_limit": LIST_LIMIT,
            "definitions": _terms(*PERIOD_COLUMNS, *CURRENT_KPIS, "as_of"),
            "can_see_city": request.user.has_perm("reports.view_city_figures"),
            # Who changed the department (by the master-data import, or in the admin), and when.
            "history": change_history(department),
        },
    )


@login_required
@require_GET
def grid_page(request, pk: int):
    """One grid: its places, county-level leader and assigned departments, the period's issues and
    points lost, what is open in it now (each figure counting the list beneath it), open issues and tasks."""
    require_perm(request.user, "reports.view_grid_figures")
    try:
        grid = grid_detail(grid_id=pk)
    except Grid.DoesNotExist:
        raise Http404 from None
    now, today = _moment()
    period = Period.of(request.GET.get("period", ""), today=today)
    figures = next(iter(grid_scoreboard(period=period, today=today, now=now, grid_ids=[grid.pk])), None)
    tasks = list(open_tasks(today=today, grid_ids=[grid.pk])[:LIST_LIMIT])
    issues = list(open_issues(now=now, grid_ids=[grid.pk])[:LIST_LIMIT])
    current = {key: figures[key] for key in CURRENT_FIELDS} if figures else dict.fromkeys(CURRENT_FIELDS, 0)
    return render(
        request,
        "reports/grid_detail.html",
        {
            "grid": grid,
            "as_of": now,
            "terms": glossary.TERMS,
            "period": period,
            "periods": _period_links(period),
            "figures": figures,
            "period_cards": [
                {"term": glossary.term("found"), "value": figures["found"] if figures else 0, "kind": "count"},
                {
                    "term": glossary.term("points_lost"),
                    "value": figures["points_lost"] if figures else 0,
                    "kind": "points",
                    "warn": bool(figures and figures["points_lost"]),
                },
            ],
            "current": current,
            "current_cards": _current_cards(current),
            "tasks": tasks,
            "issues": issues,
            "tasks_more": current["current_open_tasks"] > len(tasks),
            "issues_more": current["current_open_issues"] > len(issues),
            "list_limit": LIST_LIMIT,
            "definitions": _terms("found", "points_lost", *CURRENT_KPIS, "as_of"),
            # A place has no page of its own: its changes are shown with its grid's.
            "history": change_history(grid, related=[Place.history.filter(grid_id=grid.pk)]),
        },
    )


@login_required
@require_GET
def overdue_xlsx(request):
    """The overdue list as an Excel workbook (written row by row, so memory stays flat as rows grow):
    Chinese headers, real dates and numbers, the header row frozen and filterable."""
    require_perm(request.user, "reports.view_dashboard")
    now, today = _moment()
    count, rows = overdue_tasks_stream(today=today, department_ids=figures_scope(user=request.user))
    buffer = io.BytesIO()
    overdue_workbook_write(buffer, rows=rows, total=count, today=today, as_of=now)
    filename = f"逾期任务-{today:%Y%m%d}.xlsx"
    return HttpResponse(
        buffer.getvalue(),
        content_type=XLSX_CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


# ---------------------------------------------------------------------------------------------
# The weekly accountability workbook

WEEKLY_REPORTS_PER_PAGE = 52


@login_required
@require_GET
def weekly_report_list(request):
    """Past weeks' workbooks to download, and a form to build one now."""
    require_perm(request.user, "reports.view_weekly_reports")
    today = timezone.localdate()
    reports = WeeklyReport.objects.select_related("requested_by")
    # ``?state=`` (the home page's links): the weeks whose build waits, is stuck or lately failed.
    state = request.GET.get("state")
    if state in JOB_STATES:
        reports = reports.filter(job_state_q(state))
    page = Paginator(reports, WEEKLY_REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/weekly_list.html",
        {
            "page": page,
            "reports": page.object_list,
            "default_week": week_label(weekly_report_default_week(today=today)),
            "latest_week": week_label(today),
            # Where a browser has no week picker, a date picker stands in: a day of the week.
            "default_week_day": weekly_report_default_week(today=today),
            "today": today,
            "can_build": request.user.has_perm("reports.build_weekly_report"),
            "state": state in JOB_STATES,
        },
    )


@login_required
@require_POST
def weekly_report_start(request):
    """Queue a build of the chosen week (on a Celery worker) and show its progress."""
    require_perm(request.user, "reports.build_weekly_report")
    try:
        report = weekly_report_request(
            week_start=iso_week_start(request.POST.get("week", "")), requested_by=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("weekly_report_list")
    return redirect("weekly_report_detail", pk=report.pk)


@login_required
@require_GET
def weekly_report_detail(request, pk: int):
    """One week's workbook: its progress while it builds (the page polls the status), then the download."""
    require_perm(request.user, "reports.view_weekly_reports")
    report = get_object_or_404(WeeklyReport.objects.select_related("requested_by"), pk=pk)
    return _weekly_report_page(request, report)


def _weekly_report_page(request, report: WeeklyReport, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reports/weekly_detail.html",
        {"report": report, "can_build": request.user.has_perm("reports.build_weekly_report")},
        status=status,
    )


@login_required
@require_GET
def weekly_report_status(request, pk: int):
    """What the report's page polls every second while the workbook builds."""
    require_perm(request.user, "reports.view_weekly_reports")
    report = get_object_or_404(WeeklyReport, pk=pk)
    return JsonResponse(
        {
            "status": report.status,
            "status_display": report.get_status_display(),
            "done": report.progress_done,
            "total": report.progress_total,
            "percent": report.percent,
            "finished": report.is_finished,
            "download_url": reverse("weekly_report_download", args=[report.pk]) if report.file else None,
        }
    )


@login_required
@require_GET
def weekly_report_download(request, pk: int):
    """The stored workbook: always one whose build finished, as a build writes to a temporary file and
    stores it only on success (the last one built, while a new build of the week runs). Before the first
    build has finished: a 404 that is the report's page, saying that the workbook is not ready."""
    require_perm(request.user, "reports.view_weekly_reports")
    report = get_object_or_404(WeeklyReport.objects.select_related("requested_by"), pk=pk)
    if not report.file:
        messages.warning(request, _("This week's workbook has not been built yet."))
        return _weekly_report_page(request, report, status=404)
    return FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.filename, content_type=XLSX_CONTENT_TYPE
    )
