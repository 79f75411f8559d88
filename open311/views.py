"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the checklist items are the
services, the issues are the service requests. JSON or XML by the extension in the address.

The checklist is public, and so are the public issues (``citizens.selectors.public_issues``): read
without an ``api_key``, as the spec has it, they are anonymised (``citizens.publication``). A staff
token (an API token issued in the admin) keeps its user's wider view: ``issue_visible_to`` for reading,
the ``inspections.file_issue`` rule for posting, and ``issue_file`` does the filing. A partner app's
key (``citizens.Partner``) posts a citizen's report into triage and gets its ``token``;
``tokens/{token}.json`` answers with the ``service_request_id`` once the office has accepted it."""

import datetime
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from citizens.models import Partner, Report
from citizens.publication import PUBLIC_STATUS, public_issue_rows, public_status_words
from citizens.selectors import categories_active, public_issues
from citizens.services import report_submit
from core.errors import ApplicationError
from core.geo import LocationError, coordinate_parse, location_pair
from grids.models import Place
from inspections.models import Criterion, Issue, IssuePhoto
from inspections.selectors import issue_visible_to
from inspections.services import issue_file
from open311 import serializers

DEFAULT_DAYS = 90  # the spec's default window when no date is given
MAX_REQUESTS = 1000  # the spec's suggested maximum per response


class Refusal(Exception):
    """An Open311 error: its HTTP status and description."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _open311(view):
    """Turn ``Refusal`` into the spec's error format and refuse methods the view does not serve."""

    def wrapped(request, fmt: str, **kwargs):
        try:
            return view(request, fmt, **kwargs)
        except Refusal as refusal:
            return serializers.error(fmt, refusal.status, refusal.description)

    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _allow(request, *methods: str) -> None:
    if request.method not in methods:
        raise Refusal(405, _("Method %(method)s is not allowed here.") % {"method": request.method})


def _key(request) -> str:
    return request.POST.get("api_key") or request.GET.get("api_key") or ""


def _partner(request) -> Partner | None:
    """The partner app whose ``api_key`` this is, if it is one."""
    key = _key(request)
    return Partner.objects.filter(key=key, is_active=True).first() if key else None


def _reader(request):
    """Who reads: None for the public (no key, or a partner app's key), else the staff token's user."""
    if not _key(request) or _partner(request) is not None:
        return None
    return _user(request)


def _user(request):
    """The user of the ``api_key`` (query string or form body); 401 without a valid one."""
    key = _key(request)
    if not key:
        raise Refusal(401, _("An api_key is required."))
    try:  # the API's own check of a token: it exists and its user is active
        user, _token = TokenAuthentication().authenticate_credentials(key)
    except AuthenticationFailed:
        raise Refusal(401, _("The api_key is not valid.")) from None
    return user


def _criteria():
    return Criterion.objects.filter(is_active=True).order_by("category", "code")


@_open311
def service_list(request, fmt: str):
    """services.json: every active checklist item."""
    _allow(request, "GET")
    rows = [serializers.service(criterion) for criterion in _criteria()]
    return serializers.render(rows, fmt=fmt, root="services", item="service")


@_open311
def service_definition(request, fmt: str, service_code: str):
    """services/{service_code}.json: the attributes a request for this service takes."""
    _allow(request, "GET")
    criterion = _criteria().filter(code=service_code).first()
    if criterion is None:
        raise Refusal(404, _("There is no service %(code)s.") % {"code": service_code})
    return serializers.render(
        serializers.service_definition(criterion), fmt=fmt, root="service_definition", item="attribute"
    )


def _issues(user):
    found_photos = Prefetch(
        "photos", queryset=IssuePhoto.objects.filter(stage=IssuePhoto.Stage.FOUND).order_by("pk"), to_attr="found"
    )
    return (
        issue_visible_to(user=user)
        .select_related("place", "grid", "criterion", "department")
        .prefetch_related(found_photos)
    )


def _public_rows(request, issues) -> list[dict]:
    """Public issues as the public sees them: no reporter, no contact, no internal notes or staff names; the
    status notes in plain words; the first photo the office approved for publication."""
    words = public_status_words()
    rows = []
    for row in public_issue_rows(issues):
        issue = row["issue"]
        rows.append(
            {
                "service_request_id": row["code"],
                "status": "closed" if row["status"] == "closed" else "open",
                "status_notes": str(words[PUBLIC_STATUS[issue.status]]),
                "service_name": row["category"],
                "service_code": row["service_code"],
                "description": row["description"],
                "agency_responsible": row["department"],
                "service_notice": str(issue.get_source_display()),
                "requested_datetime": serializers.iso(row["reported_at"]),
                "updated_datetime": serializers.iso(row["updated"]),
                "expected_datetime": serializers.iso(row["deadline"]),
                "address": row["address"],
                "address_id": issue.place.code,
                "zipcode": None,
                "lat": row["latitude"],
                "long": row["longitude"],
                "media_url": request.build_absolute_uri(row["photos"][0]) if row["photos"] else "",
            }
        )
    return rows


def _rows(request, issues) -> list[dict]:
    rows = []
    for issue in issues:
        # The app's address of the first photo, for signed-in users who may see the issue; Open311 clients
        # read with an api_key today, and photos for the public will get a path of their own.
        media_url = request.build_absolute_uri(issue.found[0].url) if issue.found else ""
        rows.append(serializers.service_request(issue, media_url=media_url))
    return rows


def _moment(request, name: str) -> datetime.datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value.replace(" ", "+"))  # a "+" in a query string arrives as a space
    except ValueError:
        moment = None
    if moment is None:
        raise Refusal(400, _("%(name)s must be an ISO 8601 date and time.") % {"name": name})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _codes(request, name: str) -> list[str]:
    return [code.strip() for code in request.GET.get(name, "").split(",") if code.strip()]


@_open311
def requests(request, fmt: str):
    """requests.json: GET lists service requests, POST files one."""
    _allow(request, "GET", "POST")
    if request.method == "POST":
        partner = _partner(request)
        return _post_report(request, fmt, partner) if partner else _post_request(request, fmt)
    user = _reader(request)
    issues = public_issues() if user is None else _issues(user)
    ids = _codes(request, "service_request_id")
    if ids:
        # The spec: with service_request_id, every other parameter is ignored.
        issues = issues.filter(code__in=ids)
    else:
        start, end = _moment(request, "start_date"), _moment(request, "end_date")
        if start is None and end is None:
            start = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
        if start is not None:
            issues = issues.filter(reported_at__gte=start)
        if end is not None:
            issues = issues.filter(reported_at__lte=end)
        service_codes = _codes(request, "service_code")
        if service_codes:
            issues = issues.filter(criterion__code__in=service_codes)
        statuses = set(_codes(request, "status"))
        if statuses - {"open", "closed"}:
            raise Refusal(400, _("status must be open or closed."))
        if statuses == {"open"}:
            issues = issues.exclude(status=Issue.Status.CLOSED)
        elif statuses == {"closed"}:
            issues = issues.filter(status=Issue.Status.CLOSED)
    issues = issues.order_by("-reported_at", "-pk")[:MAX_REQUESTS]
    rows = _public_rows(request, issues) if user is None else _rows(request, issues)
    return serializers.render(rows, fmt=fmt, root="service_requests", item="request")


@_open311
def request_detail(request, fmt: str, service_request_id: str):
    """requests/{service_request_id}.json: one service request, as a list of one."""
    _allow(request, "GET")
    user = _reader(request)
    issues = (public_issues() if user is None else _issues(user)).filter(code=service_request_id)
    rows = _public_rows(request, issues) if user is None else _rows(request, issues[:1])
    if not rows:
        raise Refusal(404, _("There is no service request %(id)s.") % {"id": service_request_id})
    return serializers.render(rows, fmt=fmt, root="service_requests", item="request")


@_open311
def token(request, fmt: str, token: str):
    """tokens/{token}.json: the service request a posted report became, once the office accepted (or merged) it."""
    _allow(request, "GET")
    report = Report.objects.select_related("issue").filter(tracking_code=token.upper()).first()
    if report is None:
        raise Refusal(404, _("There is no token %(token)s.") % {"token": token})
    body = [{"service_request_id": report.issue.code if report.issue_id else None, "token": report.tracking_code}]
    return serializers.render(body, fmt=fmt, root="service_requests", item="request")


def _post_report(request, fmt: str, partner: Partner):
    """A partner app posts a citizen's report: it waits in triage, and its ``token`` follows it. The point is
    WGS-84 (``lat``, ``long``); ``media_url`` is accepted and not fetched."""
    service_code = request.POST.get("service_code", "").strip()
    category = categories_active().filter(criterion__code=service_code).order_by("order", "pk").first()
    if category is None:
        raise Refusal(400, _("There is no service %(code)s.") % {"code": service_code or "-"})
    latitude, longitude = _location(request)
    device = request.POST.get("device_id", "").strip()
    try:
        report = report_submit(
            category=category,
            description=request.POST.get("description", ""),
            latitude=latitude,
            longitude=longitude,
            phone=request.POST.get("phone", ""),
            device=f"{partner.pk}:{device}" if device else "",
            address=f"partner:{partner.pk}",
            channel=Report.Channel.OPEN311,
            partner=partner,
        )
    except ApplicationError as refused:
        raise Refusal(refused.status, refused.message) from None
    notice = _("Received: the campaign office will look at it soon.")
    body = [{"token": report.tracking_code, "service_notice": notice, "account_id": None}]
    return serializers.render(body, fmt=fmt, root="service_requests", item="request", status=201)


def _location(request) -> tuple[Decimal | None, Decimal | None]:
    """``lat`` and ``long`` by ``core.geo``'s rule; GeoReport clients send raw GPS floats, rounded here."""
    try:
        return location_pair(
            coordinate_parse(request.POST.get("lat"), axis="latitude", rounding=True),
            coordinate_parse(request.POST.get("long"), axis="longitude", rounding=True),
        )
    except LocationError as error:
        raise Refusal(400, error.message) from None


def _place(request) -> Place:
    """The place, by its code in ``attribute[place]`` or ``address_id``, or named in ``address_string``."""
    places = Place.objects.filter(is_active=True)
    code = (
        request.POST.get(f"attribute[{serializers.PLACE_ATTRIBUTE}]") or request.POST.get("address_id") or ""
    ).strip()
    if code:
        place = places.filter(code=code).first()
        if place is None:
            raise Refusal(400, _("There is no place %(code)s.") % {"code": code})
        return place
    address = request.POST.get("address_string", "").strip()
    if address:
        matches = list(places.filter(Q(code=address) | Q(name=address))[:2])
        if len(matches) == 1:
            return matches[0]
    raise Refusal(
        400,
        _("Name the place: attribute[place] or address_id with its code, or an address_string that is its exact name."),
    )


def _post_request(request, fmt: str):
    """File an issue from a service request: ``issue_file``, routed and dispatched at once.
    ``media_url`` is accepted and not fetched: photos come through /api/v1/issues/."""
    user = _user(request)
    if not user.has_perm("inspections.file_issue"):
        raise Refusal(403, _("This api_key may not post service requests."))
    service_code = request.POST.get("service_code", "").strip()
    if not service_code:
        raise Refusal(400, _("service_code is required."))
    criterion = _criteria().filter(code=service_code).first()
    if criterion is None:
        raise Refusal(400, _("There is no service %(code)s.") % {"code": service_code})
    place = _place(request)
    latitude, longitude = _location(request)
    description = request.POST.get("description", "")
    try:
        issue = issue_file(
            reporter=user,
            place=place,
            criterion=criterion,
            description=description,
            latitude=latitude,
            longitude=longitude,
        )
    except ApplicationError as refused:
        raise Refusal(refused.status, refused.message) from None
    body = [{"service_request_id": issue.code, "service_notice": "", "account_id": None}]
    return serializers.render(body, fmt=fmt, root="service_requests", item="request", status=201)
