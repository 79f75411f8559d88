"""Reads of the inspections app, restricted to what the user may see."""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from accounts.selectors import departments_seen_by
from core.clocks import Light
from inspections.models import ExtensionRequest, Issue, IssuePhoto, Stage


def issue_visible_to(*, user: User) -> QuerySet[Issue]:
    """Issues the user may open: leaders, administrators and inspectors see all; staff those routed
    to their department or to one of its sub-units (``accounts.selectors.departments_seen_by``). A
    returned issue stays visible to the department that returned it."""
    issues = Issue.objects.all()
    if can_read_everything(user) or is_inspector(user):
        return issues
    return issues.filter(department_id__in=departments_seen_by(user=user))


def issue_photo_visible_to(*, user: User) -> QuerySet[IssuePhoto]:
    """Photos of the issues the user may open (``issue_visible_to``), and no others."""
    return IssuePhoto.objects.filter(issue__in=issue_visible_to(user=user))


def issue_list(*, user: User) -> QuerySet[Issue]:
    return issue_visible_to(user=user).select_related("place", "grid", "criterion", "department", "reported_by")


def verified_by_q(*, user: User) -> Q:
    """The issues ``user`` verifies: those they filed and those of the inspection rounds they lead (the
    inspectors told when a rectification is submitted). The issue list's "mine" filter reads it."""
    return Q(reported_by=user) | Q(inspection__leader=user)


def issue_counts(*, issues: QuerySet[Issue], user: User, now: datetime.datetime) -> dict[str, Any]:
    """What the home page counts of ``issues`` (the user's visible ones), in one query, each by the
    rule of the issue list's filter its link opens: ``total``, ``points`` (lost), one count per status,
    ``to_submit`` and ``sent_back`` (rectifying, never or at least once sent back: the ``reworked``
    filter), ``overdue`` (``Issue.overdue_q``) and ``to_verify_mine`` (awaiting verification and
    ``verified_by_q``: the "mine" filter) and ``suspension_pending`` (the ``suspension`` filter)."""
    rectifying = Q(status=Issue.Status.RECTIFYING)
    return issues.order_by().aggregate(
        total=Count("pk"),
        points=Coalesce(Sum("points"), Value(Decimal(0)), output_field=DecimalField(max_digits=12, decimal_places=2)),
        **{status: Count("pk", filter=Q(status=status)) for status in Issue.Status.values},
        to_submit=Count("pk", filter=rectifying & Q(rework_count=0)),
        sent_back=Count("pk", filter=rectifying & Q(rework_count__gt=0)),
        overdue=Count("pk", filter=Issue.overdue_q(now)),
        to_verify_mine=Count("pk", filter=Q(status=Issue.Status.SUBMITTED) & verified_by_q(user=user)),
        suspension_pending=Count("pk", filter=Issue.suspension_pending_q()),
    )


def issues_to_verify(*, user: User, limit: int) -> list[Issue]:
    """The first ``limit`` issues awaiting verification: the user's own (``verified_by_q``) first, then
    the longest waiting."""
    mine = Case(When(verified_by_q(user=user), then=Value(True)), default=Value(False), output_field=BooleanField())
    return list(
        issue_visible_to(user=user)
        .filter(status=Issue.Status.SUBMITTED)
        .annotate(is_mine=mine)
        .select_related("place", "department", "criterion")
        .order_by("-is_mine", "submitted_at", "pk")[:limit]
    )


def extension_requests_pending() -> int:
    """How many extension requests wait for a leader's decision (the extension list's pending ones)."""
    return ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).count()


def clock_lights(*, issues: QuerySet[Issue], now: datetime.datetime, departments: int) -> dict[str, Any]:
    """The lights of ``issues``' running clocks at ``now`` (``Issue.light_q``), in one query: ``totals``, a
    count per light over every stage (the issue list's ``light`` filter lists exactly these), and
    ``departments``, the departments' own (rectification) clocks by light, the most red first, at most
    ``departments`` of them, each with ``department_id``, ``name`` and a count per light."""
    rows = (
        issues.exclude(clock_stage="")
        .order_by()
        .values("department_id", "clock_stage", name=F("department__name"))
        .annotate(**{light: Count("pk", filter=Issue.light_q(light, now)) for light in Light.values})
    )
    totals = dict.fromkeys(Light.values, 0)
    by_department = []
    for row in rows:
        for light in Light.values:
            totals[light] += row[light]
        if row["clock_stage"] == Stage.RECTIFY and row["department_id"] is not None:
            by_department.append({key: row[key] for key in ("department_id", "name", *Light.values)})
    by_department.sort(key=lambda row: (-row["red"], -row["yellow"], -row["suspended"], row["name"]))
    return {"totals": totals, "departments": by_department[:departments]}
