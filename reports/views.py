"""Leaders' pages: the overview, the dashboard, its drill-downs and the overdue export.

Views stay thin: they pick the period and the user's scope, call the selectors and render. Who may
read what is decided in ``reports/rules.py``."""

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Department
from core.errors import ApplicationError
from core.history import change_history
from core.permissions import require_perm
from grids.models import Grid, Place
from reports.models import XLSX_CONTENT_TYPE, WeeklyReport
from reports.selectors import (
    Period,
    campaign_kpis,
    campaign_overview,
    department_scoreboard,
    figures_scope,
    grid_detail,
    grid_scoreboard,
    grids_most_open_issues,
    grids_without_boundary,
    open_issues,
    open_tasks,
    overdue_tasks,
    overdue_tasks_stream,
    scoreboard_ordering,
    target_progress,
    weekly_trends,
)
from reports.services import iso_week_start, weekly_report_default_week, weekly_report_request
from reports.workbook import overdue_workbook_write, week_label

TREND_WEEKS = 12
TOP_GRIDS = 5
OVERDUE_ON_PAGE = 30
RANKING_PER_PAGE = 30
LIST_LIMIT = 100
# 按期结案率 bands: at least 90 % is green, at least 70 % amber, below that red.
GREEN_FROM, AMBER_FROM = 0.9, 0.7

SCOREBOARD_COLUMNS = (
    ("dispatched", gettext_lazy("Dispatched")),
    ("closed", gettext_lazy("Closed")),
    ("open", gettext_lazy("Not closed")),
    ("closure_rate", gettext_lazy("Closure rate")),
    ("on_time_closure_rate", gettext_lazy("On-time closure rate")),
    ("rework_rate", gettext_lazy("Rework rate")),
    ("points_lost", gettext_lazy("Points lost")),
    ("overdue_tasks", gettext_lazy("Overdue tasks")),
)


@login_required
@require_GET
def home(request):
    """The landing page after sign-in: the campaign's headline figures."""
    return render(request, "reports/home.html", {"overview": campaign_overview(today=timezone.localdate())})


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


def _scoreboard_columns(period: Period, sort: str) -> list[dict]:
    """Column headers of the ranking: a click sorts by the column, a second click reverses."""
    columns = []
    for key, label in (("name", gettext_lazy("Department")), *SCOREBOARD_COLUMNS):
        active = sort.lstrip("-") == key
        descending = sort.startswith("-")
        if active:
            next_sort = key if descending else f"-{key}"
        else:
            next_sort = key if key == "name" else f"-{key}"
        columns.append(
            {
                "key": key,
                "label": label,
                "query": urlencode({"period": period.key, "sort": next_sort}),
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
            }
        )
    return columns


def _number(value) -> float:
    return float(value or 0)


def _dashboard_data(*, period: Period, trends: list[dict]) -> dict:
    """What the charts draw and where the map fetches its grids, handed to
    ``static/reports/dashboard.js`` as JSON."""
    return {
        "tileUrl": settings.DASHBOARD_TILE_URL,
        "mapUrl": f"{reverse('dashboard_map')}?{urlencode({'period': period.key})}",
        "trends": {
            "weeks": [f"{row['week']:%m-%d}" for row in trends],
            "found": [row["found"] for row in trends],
            "rectified": [row["rectified"] for row in trends],
            "pointsLost": [_number(row["points_lost"]) for row in trends],
            "tasksCompleted": [row["tasks_completed"] for row in trends],
        },
        "labels": {
            "openIssues": _("Open issues"),
            "pointsLost": _("Points lost"),
            "openTasks": _("Open tasks"),
            "overdueTasks": _("Overdue tasks"),
            "leader": _("Leader"),
            "found": _("Issues found"),
            "rectified": _("Issues rectified"),
            "tasksCompleted": _("Tasks completed"),
            "noMap": _("No grid has a boundary yet."),
            "mapLoading": _("Loading the map…"),
            "mapFailed": _("The map could not be loaded. Reload the page to try again."),
        },
    }


@login_required
@require_GET
def dashboard(request):
    """The leaders' dashboard: KPIs, the department ranking, the grid map, targets, trends and the
    overdue list. Department staff get their own department's row and overdue tasks only.

    The map's grids (every boundary in the city) come from ``dashboard_map`` once the page is shown,
    and the ranking is shown a page at a time, so the page stays small whatever the city's size."""
    require_perm(request.user, "reports.view_dashboard")
    today = timezone.localdate()
    period = Period.of(request.GET.get("period", ""), today=today)
    sort = scoreboard_ordering(request.GET.get("sort"))
    department_ids = figures_scope(user=request.user)
    ranking = Paginator(
        department_scoreboard(period=period, today=today, department_ids=department_ids, sort=sort), RANKING_PER_PAGE
    ).get_page(request.GET.get("page"))
    overdue = overdue_tasks(today=today, department_ids=department_ids, limit=OVERDUE_ON_PAGE + 1)
    context = {
        "today": today,
        "period": period,
        "periods": _period_links(period, sort=sort),
        "sort": sort,
        "columns": _scoreboard_columns(period, sort),
        "page": ranking,
        "scoreboard": [{**row, "band": rate_band(row["on_time_closure_rate"])} for row in ranking],
        "overdue": overdue[:OVERDUE_ON_PAGE],
        "overdue_more": len(overdue) > OVERDUE_ON_PAGE,
        "city": department_ids is None,
    }
    if department_ids is None:
        targets = target_progress(today=today)
        context.update(
            kpis=campaign_kpis(period=period, today=today),
            targets=targets,
            targets_at_risk=sum(not target["on_track"] for target in targets),
            grids_without_boundary=grids_without_boundary(),
            top_grids=grids_most_open_issues(period=period, limit=TOP_GRIDS),
            trend_weeks=TREND_WEEKS,
            data=_dashboard_data(period=period, trends=weekly_trends(weeks=TREND_WEEKS, today=today)),
        )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def dashboard_map(request):
    """The dashboard map's grids as JSON, fetched by ``dashboard.js``: each grid's boundary (or its
    centre), its leader and its figures for the period (``grid_scoreboard()``), with a link to its
    page. City-wide figures, so for those who may read them."""
    require_perm(request.user, "reports.view_city_figures")
    today = timezone.localdate()
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
            "openIssues": grid["open_issues"],
            "pointsLost": _number(grid["points_lost"]),
            "openTasks": grid["open_tasks"],
            "overdueTasks": grid["overdue_tasks"],
            "url": f"{reverse('dashboard_grid', args=[grid['id']])}?period={period.key}",
        }
        for grid in grid_scoreboard(period=period, today=today)
    ]
    return JsonResponse({"period": period.key, "grids": grids})


@login_required
@require_GET
def department_page(request, pk: int):
    """One department's drill-down: its row of the ranking, its overdue and open tasks, its open issues."""
    department = get_object_or_404(Department.objects.select_related("parent", "head"), pk=pk)
    require_perm(request.user, "reports.view_department_figures", department)
    today = timezone.localdate()
    period = Period.of(request.GET.get("period", ""), today=today)
    row = next(iter(department_scoreboard(period=period, today=today, department_ids=[department.pk])), None)
    if row is not None:
        row["band"] = rate_band(row["on_time_closure_rate"])
    overdue = overdue_tasks(today=today, department_ids=[department.pk], limit=LIST_LIMIT + 1)
    tasks = list(open_tasks(today=today, department_ids=[department.pk])[: LIST_LIMIT + 1])
    issues = list(open_issues(now=timezone.now(), department_ids=[department.pk])[: LIST_LIMIT + 1])
    return render(
        request,
        "reports/department_detail.html",
        {
            "department": department,
            "period": period,
            "periods": _period_links(period),
            "row": row,
            "overdue": overdue[:LIST_LIMIT],
            "tasks": tasks[:LIST_LIMIT],
            "issues": issues[:LIST_LIMIT],
            "overdue_more": len(overdue) > LIST_LIMIT,
            "tasks_more": len(tasks) > LIST_LIMIT,
            "issues_more": len(issues) > LIST_LIMIT,
            "list_limit": LIST_LIMIT,
            "can_see_city": request.user.has_perm("reports.view_city_figures"),
            # Who changed the department (by the master-data import, or in the admin), and when.
            "history": change_history(department),
        },
    )


@login_required
@require_GET
def grid_page(request, pk: int):
    """One grid: its places, county-level leader and assigned departments, open issues and tasks."""
    require_perm(request.user, "reports.view_grid_figures")
    try:
        grid = grid_detail(grid_id=pk)
    except Grid.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    period = Period.of(request.GET.get("period", ""), today=today)
    figures = next(iter(grid_scoreboard(period=period, today=today, grid_ids=[grid.pk])), None)
    tasks = list(open_tasks(today=today, grid_ids=[grid.pk])[: LIST_LIMIT + 1])
    issues = list(open_issues(now=timezone.now(), grid_ids=[grid.pk])[: LIST_LIMIT + 1])
    return render(
        request,
        "reports/grid_detail.html",
        {
            "grid": grid,
            "period": period,
            "periods": _period_links(period),
            "figures": figures,
            "tasks": tasks[:LIST_LIMIT],
            "issues": issues[:LIST_LIMIT],
            "tasks_more": len(tasks) > LIST_LIMIT,
            "issues_more": len(issues) > LIST_LIMIT,
            "list_limit": LIST_LIMIT,
            # A place has no page of its own: its changes are shown with its grid's.
            "history": change_history(grid, related=[Place.history.filter(grid_id=grid.pk)]),
        },
    )


@login_required
@require_GET
def overdue_xlsx(request):
    """The overdue list as an Excel workbook (write-only, so memory stays flat as rows grow):
    Chinese headers, real dates and numbers, the header row frozen and filterable."""
    require_perm(request.user, "reports.view_dashboard")
    today = timezone.localdate()
    count, rows = overdue_tasks_stream(today=today, department_ids=figures_scope(user=request.user))
    buffer = io.BytesIO()
    overdue_workbook_write(buffer, rows=rows, total=count, today=today)
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
    page = Paginator(WeeklyReport.objects.select_related("requested_by"), WEEKLY_REPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/weekly_list.html",
        {
            "page": page,
            "reports": page.object_list,
            "default_week": week_label(weekly_report_default_week(today=today)),
            "latest_week": week_label(today),
            "can_build": request.user.has_perm("reports.build_weekly_report"),
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
