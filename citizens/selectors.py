"""Reads of the citizens' channel: who sees reports (the office only), the triage queue, likely duplicates
within a radius and a window, the nearest places, repeat locations, satisfaction per department, and the
public issues (anonymised, for /public/ and Open311)."""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.rules import is_administrator, is_inspector, is_leader
from citizens.models import Followup, PublicCategory, PublicIssue, PublicPhoto, Report
from core.geo import METRES_PER_DEGREE, bounding_box, geometry_contains
from grids.models import Grid, Place
from inspections.models import Criterion, Inspection, Issue

DEFAULT_RADIUS_M = 50
DEFAULT_WINDOW_DAYS = 30
REPEAT_REPORTS = 3  # a place with this many reports in the window is a repeat location
REPEAT_WINDOW_DAYS = 30


def is_office(user: User) -> bool:
    """The campaign office (创城办): inspectors, leaders and administrators. Departments never see reports:
    the reporter's identity and contact stay with the office (举报人信息保密)."""
    return user.is_authenticated and (is_administrator(user) or is_leader(user) or is_inspector(user))


def report_visible_to(*, user: User) -> QuerySet[Report]:
    return Report.objects.all() if is_office(user) else Report.objects.none()


def categories_active() -> QuerySet[PublicCategory]:
    return PublicCategory.objects.filter(is_active=True, criterion__is_active=True).select_related("criterion")


def city_grids() -> QuerySet[Grid]:
    """The city as the report page knows it: the grids with a boundary (WGS-84). A point is in the city when
    one of them holds it (``grid_at``); the report page's map draws the same ones (``report_map_grids``)."""
    return Grid.objects.exclude(boundary=None).exclude(boundary={})


def grid_at(*, latitude: Decimal, longitude: Decimal) -> Grid | None:
    """The grid whose boundary holds the point, or None: the point is not in the city."""
    lat, lng = float(latitude), float(longitude)
    for grid in city_grids().only("pk", "code", "name", "boundary", "subdistrict_id"):
        if geometry_contains(grid.boundary, latitude=lat, longitude=lng):
            return grid
    return None


def report_map_grids() -> list[dict]:
    """What the public report page's map shows of the city: each grid's name and boundary, nothing else (no
    leader, department, figures or reports), by name."""
    return list(city_grids().order_by("name", "pk").values("name", "boundary"))


def triage_queue(*, user: User) -> QuerySet[Report]:
    """Reports waiting for triage, oldest first (the longest wait at the top)."""
    return (
        report_visible_to(user=user)
        .filter(status=Report.Status.PENDING)
        .select_related("category", "grid")
        .annotate(photo_count=Count("photos"))
        .order_by("created", "pk")
    )


def _squared_distance(latitude: float, longitude: float, lat_field, lng_field) -> ExpressionWrapper:
    """(Δlat² + (Δlng·cos lat)²) in degrees²: the equirectangular distance, good to a metre at city scale."""
    k = math.cos(math.radians(latitude))
    d_lat = Cast(lat_field, FloatField()) - Value(latitude)
    d_lng = (Cast(lng_field, FloatField()) - Value(longitude)) * Value(k)
    return ExpressionWrapper(d_lat * d_lat + d_lng * d_lng, output_field=FloatField())


def duplicate_rule(criterion: Criterion) -> tuple[int, int]:
    """The radius (m) and window (days) of ``criterion``: its public category's, else the defaults."""
    category = PublicCategory.objects.filter(criterion=criterion).order_by("order", "pk").first()
    if category is None:
        return DEFAULT_RADIUS_M, DEFAULT_WINDOW_DAYS
    return category.duplicate_radius_m, category.duplicate_window_days


def duplicates_near(
    *,
    criterion_id: int,
    latitude: Decimal,
    longitude: Decimal,
    radius_m: int = DEFAULT_RADIUS_M,
    window_days: int = DEFAULT_WINDOW_DAYS,
    now: datetime.datetime | None = None,
    limit: int = 10,
) -> list[Issue]:
    """Likely duplicates of a problem at a point, in one query: issues of the same criterion filed in the
    window (closed ones included) within ``radius_m``, nearest first, each with ``distance_m``. An issue
    without GPS counts at its place's point. The bounding box narrows by the indexed columns
    (``citizens`` migration 0001: issue (criterion, latitude, longitude), place (latitude, longitude))."""
    now = now or timezone.now()
    lat, lng = float(latitude), float(longitude)
    south, north, west, east = bounding_box(lat, lng, radius_m)
    box = Q(latitude__range=(south, north), longitude__range=(west, east))
    place_box = Q(latitude__isnull=True) & Q(
        place__in=Place.objects.filter(latitude__range=(south, north), longitude__range=(west, east)).values("pk")
    )
    distance = _squared_distance(
        lat, lng, Coalesce("latitude", "place__latitude"), Coalesce("longitude", "place__longitude")
    )
    limit_degrees = radius_m / METRES_PER_DEGREE
    issues = (
        Issue.objects.filter(criterion_id=criterion_id, reported_at__gte=now - datetime.timedelta(days=window_days))
        .filter(box | place_box)
        .annotate(distance2=distance)
        .filter(distance2__lte=limit_degrees * limit_degrees)
        .select_related("place")
        .order_by("distance2", "-reported_at")[:limit]
    )
    found = list(issues)
    for issue in found:
        issue.distance_m = round(math.sqrt(issue.distance2) * METRES_PER_DEGREE)
    return found


def duplicates_of(report: Report, *, now: datetime.datetime | None = None) -> list[Issue]:
    category = report.category
    return duplicates_near(
        criterion_id=category.criterion_id,
        latitude=report.latitude,
        longitude=report.longitude,
        radius_m=category.duplicate_radius_m,
        window_days=category.duplicate_window_days,
        now=now,
    )


def places_near(*, latitude: Decimal, longitude: Decimal, grid: Grid | None = None, limit: int = 5) -> list[Place]:
    """The active places nearest the point (in its grid when given), each with ``distance_m``."""
    lat, lng = float(latitude), float(longitude)
    places = Place.objects.filter(is_active=True, latitude__isnull=False, longitude__isnull=False)
    if grid is not None:
        places = places.filter(grid=grid)
    found = list(
        places.annotate(distance2=_squared_distance(lat, lng, F("latitude"), F("longitude")))
        .select_related("grid")
        .order_by("distance2", "pk")[:limit]
    )
    for place in found:
        place.distance_m = round(math.sqrt(place.distance2) * METRES_PER_DEGREE)
    return found


# --- what a reporter reads ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """Where a report stands, in plain words for its reporter."""

    code: str
    words: str
    done: bool = False


def report_stage(report: Report) -> Stage:
    if report.status == Report.Status.PENDING:
        return Stage("received", _("Received: the campaign office will look at it soon."))
    if report.status == Report.Status.REJECTED:
        return Stage("rejected", _("Not accepted: %(reason)s") % {"reason": report.reason}, done=True)
    issue = report.issue
    merged = report.status == Report.Status.MERGED
    if issue.status == Issue.Status.CLOSED:
        return Stage("closed", _("Done: the problem was put right and checked on site."), done=True)
    if issue.status == Issue.Status.SUBMITTED:
        words = _("Put right; an inspector is checking it on site.")
    elif issue.status in Issue.WITH_DEPARTMENT_STATUSES:
        words = _("Accepted and sent to %(department)s, which is putting it right.") % {"department": issue.department}
    else:
        words = _("Accepted: the office is sending it to the department responsible.")
    if merged:
        words = _("Others reported the same problem; it is handled as one case. %(words)s") % {"words": words}
    return Stage(issue.status, words)


# --- repeat locations and satisfaction ----------------------------------------------------------------


def repeat_locations(*, now: datetime.datetime | None = None, days: int = REPEAT_WINDOW_DAYS) -> QuerySet[Place]:
    """Places with ``REPEAT_REPORTS`` or more citizen reports (accepted or merged) in the last ``days``,
    most reported first, each with ``report_count``."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=days)
    # The window's reports counted per place first (the index on status and time), then only those places
    # read: a city has tens of thousands of places and a few dozen repeat ones.
    recent = Report.objects.filter(
        created__gte=since, status__in=[Report.Status.ACCEPTED, Report.Status.MERGED], place__isnull=False
    )
    per_place = recent.order_by().values("place").annotate(reports=Count("pk"))
    return (
        Place.objects.filter(pk__in=per_place.filter(reports__gte=REPEAT_REPORTS).values("place"))
        .annotate(report_count=Subquery(per_place.filter(place=OuterRef("pk")).values("reports")))
        .select_related("grid")
        .order_by("-report_count", "name")
    )


def satisfaction_by_department(*, since: datetime.datetime, until: datetime.datetime) -> list[dict]:
    """Per department, in one query: 回访 asked (reports of its issues closed in the period), answered, and
    satisfied (满意 or 基本满意); ``response_rate`` = answered ÷ asked and ``satisfaction_rate`` = satisfied ÷
    answered (满意率), None without a denominator."""
    closed = Q(issue__status=Issue.Status.CLOSED, issue__closed_at__gte=since, issue__closed_at__lt=until) & Q(
        status__in=[Report.Status.ACCEPTED, Report.Status.MERGED]
    )
    answered = Followup.objects.filter(report=OuterRef("pk"), issue=OuterRef("issue"))
    satisfied = answered.filter(answer__in=Followup.SATISFIED_ANSWERS)
    rows = (
        Report.objects.filter(closed)
        .annotate(is_answered=Exists(answered), is_satisfied=Exists(satisfied))
        .order_by()
        .values("issue__department_id", name=F("issue__department__name"))
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(is_answered=True)),
            satisfied=Count("pk", filter=Q(is_satisfied=True)),
        )
        .order_by("name")
    )
    result = []
    for row in rows:
        result.append(
            {
                "department_id": row["issue__department_id"],
                "name": row["name"],
                "asked": row["asked"],
                "answered": row["answered"],
                "satisfied": row["satisfied"],
                "response_rate": row["answered"] / row["asked"] if row["asked"] else None,
                "satisfaction_rate": row["satisfied"] / row["answered"] if row["answered"] else None,
            }
        )
    return result


def reviews_pending() -> QuerySet[Followup]:
    """不满意 answers waiting for the office's review, oldest first."""
    return (
        Followup.objects.filter(review=Followup.Review.PENDING)
        .select_related("report", "issue", "issue__place", "department")
        .order_by("created", "pk")
    )


def followups_to_phone() -> QuerySet[Report]:
    """Reports whose issue closed and whose reporter left a phone, not yet answered: the office phones them."""
    answered = Followup.objects.filter(report=OuterRef("pk"), issue=OuterRef("issue"))
    return (
        Report.objects.filter(status__in=[Report.Status.ACCEPTED, Report.Status.MERGED], issue__status="closed")
        .exclude(phone="")
        .exclude(Exists(answered))
        .select_related("issue", "category")
        .order_by("issue__closed_at", "pk")
    )


# --- the public view ------------------------------------------------------------------------------------

HIDDEN_KINDS = (Inspection.Kind.UNDERCOVER, Inspection.Kind.THIRD_PARTY)


def public_issues() -> QuerySet[Issue]:
    """Issues the public sees: those citizens reported and those the office marked public; never the
    findings of undercover (暗访) or third-party rounds."""
    marked = PublicIssue.objects.filter(issue=OuterRef("pk"))
    return Issue.objects.filter(Q(source=Issue.Source.CITIZEN) | Exists(marked)).exclude(
        inspection__kind__in=HIDDEN_KINDS
    )


def satisfaction_in_days(*, start: datetime.date | None, end: datetime.date | None) -> list[dict]:
    """``satisfaction_by_department`` over whole local days ``start`` to ``end`` (inclusive; None: open)."""
    zone = timezone.get_current_timezone()
    since = (
        datetime.datetime.combine(start, datetime.time.min, zone)
        if start
        else datetime.datetime(2000, 1, 1, tzinfo=zone)
    )
    until = (
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
        if end
        else timezone.now() + datetime.timedelta(days=1)
    )
    return satisfaction_by_department(since=since, until=until)


def dashboard_panel(*, start: datetime.date | None, end: datetime.date | None, now: datetime.datetime) -> dict:
    """The dashboard's citizens' panel: 回访 and 满意率 per department for the period, and the repeat locations."""
    return {
        "satisfaction": satisfaction_in_days(start=start, end=end),
        "repeats": list(repeat_locations(now=now)[:10]),
    }


def publications_of(issue: Issue) -> list[dict]:
    """Who made ``issue`` public and approved which of its photos, and when, oldest first."""
    marked = [
        {"what": _("Shown on the public page"), "by": row.marked_by, "at": row.created}
        for row in PublicIssue.objects.filter(issue=issue).select_related("marked_by")
    ]
    photos = [
        {"what": _("Photo published"), "by": row.approved_by, "at": row.created}
        for row in PublicPhoto.objects.filter(issue=issue).select_related("approved_by")
    ]
    return sorted(marked + photos, key=lambda row: row["at"])


def places_for_pick(*, grid_id) -> QuerySet[Place]:
    """The places a resident may pick as the location, in one grid: active, with a point."""
    if not str(grid_id or "").isdigit():
        return Place.objects.none()
    return Place.objects.filter(
        is_active=True, grid_id=int(grid_id), latitude__isnull=False, longitude__isnull=False
    ).order_by("name", "pk")
