"""What the public sees of the public issues (``selectors.public_issues``): anonymised — no reporter, no
contact, no internal notes, no staff names — for /public/ and for Open311 read without an api_key.
Photos only as the office approved them (``PublicPhoto``), at their public address."""

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import PublicPhoto
from citizens.selectors import public_issues
from inspections.models import Issue

PUBLIC_LIST_LIMIT = 200

# The public status of a case, in plain words (the workflow's internal states are not the public's business).
PUBLIC_STATUS = {
    Issue.Status.REPORTED: "accepted",
    Issue.Status.RETURNED: "accepted",
    Issue.Status.DISPATCHED: "in_progress",
    Issue.Status.RECTIFYING: "in_progress",
    Issue.Status.SUBMITTED: "checking",
    Issue.Status.CLOSED: "closed",
}


def public_status_words() -> dict[str, str]:
    return {
        "accepted": _("Accepted"),
        "in_progress": _("Being put right"),
        "checking": _("Being checked"),
        "closed": _("Done"),
    }


def public_issue_rows(issues) -> list[dict]:
    """The public issues, each with only what the public may read, and its approved photos' addresses."""
    photos = Prefetch("public_photos", queryset=PublicPhoto.objects.order_by("pk"), to_attr="published")
    words = public_status_words()
    rows = []
    for issue in issues.select_related("place", "criterion", "department").prefetch_related(photos):
        place = issue.place
        latitude = issue.latitude if issue.latitude is not None else place.latitude
        longitude = issue.longitude if issue.longitude is not None else place.longitude
        status = PUBLIC_STATUS[issue.status]
        rows.append(
            {
                "issue": issue,
                "code": issue.code,
                "category": issue.criterion.title,
                "service_code": issue.criterion.code,
                "description": issue.description,
                "place": place.name,
                "address": place.address or place.name,
                "department": issue.department.name if issue.department_id else "",
                "status": status,
                "status_words": words[status],
                "reported_at": issue.reported_at,
                "updated": issue.updated,
                "closed_at": issue.closed_at,
                "deadline": issue.deadline,
                "latitude": None if latitude is None else float(latitude),
                "longitude": None if longitude is None else float(longitude),
                "photos": [photo.url for photo in issue.published],
                "citizen": issue.source == Issue.Source.CITIZEN,
            }
        )
    return rows


def public_context() -> dict:
    """Everything /public/ shows, in a few queries: counts by status, by department with the on-time rate
    (closed by the rectification deadline ÷ closed, as the dashboard counts it), and the latest issues."""
    issues = public_issues()
    words = public_status_words()
    by_status = {key: 0 for key in words}
    for row in issues.order_by().values("status").annotate(n=Count("pk")):
        by_status[PUBLIC_STATUS[row["status"]]] += row["n"]
    closed = Q(status=Issue.Status.CLOSED)
    departments = list(
        issues.exclude(department=None)
        .order_by()
        .values("department_id", name=F("department__name"))
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=closed),
            on_time=Count("pk", filter=closed & Q(closed_at__lte=F("deadline"))),
        )
        .order_by("name")
    )
    for row in departments:
        row["on_time_rate"] = row["on_time"] / row["closed"] if row["closed"] else None
        row["on_time_percent"] = None if row["on_time_rate"] is None else round(row["on_time_rate"] * 100)
    rows = public_issue_rows(issues.order_by("-reported_at", "-pk")[:PUBLIC_LIST_LIMIT])
    points = [
        {"lat": row["latitude"], "lng": row["longitude"], "status": row["status"], "code": row["code"]}
        for row in rows
        if row["latitude"] is not None
    ]
    return {
        "counts": [{"status": key, "label": words[key], "count": by_status[key]} for key in words],
        "departments": departments,
        "rows": rows,
        "points": points,
        "as_of": timezone.now(),
    }
