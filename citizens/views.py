"""Pages of the citizens' channel. Public (no account): the report page, its phone code and picture code, the
tracking page with its 回访, the transparency page and its approved photos. The office's (signed in, the
``citizens.*`` rules): the triage queue and a report's page (accept, reject, merge), the reports to phone for
the 回访, and the review queue of 不满意 answers. Reads from ``citizens.selectors``, writes through
``citizens.services``."""

import datetime
import hashlib
import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.gzip import re_accepts_gzip
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.text import compress_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from citizens import abuse, publication, selectors, services
from citizens.forms import AcceptForm, CodeRequestForm, FollowupForm, MergeForm, RejectForm, ReportForm, ReviewForm
from citizens.models import Followup, PublicPhoto, Report, ReportPhoto
from core.errors import ApplicationError
from core.geo import LocationError, coordinate_parse
from core.images import photo_response
from core.pending_photos import PhotoSubmission, form_grant, form_grant_key, pending_photos_of
from core.permissions import require_perm
from grids.models import Place
from inspections.models import Criterion, Issue, IssuePhoto

DEVICE_COOKIE = "citizen_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
# The triage queue's light: the time since a report arrived (青岛 verifies within 48 hours).
TRIAGE_YELLOW_HOURS = 24
TRIAGE_RED_HOURS = 48


def client_address(request) -> str:
    """The client's address as the proxy in front saw it (``BEHIND_PROXY``), for the lenient per-address limit."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def _device(request) -> str:
    """The browser's device id (a random cookie the report page sets), hashed."""
    raw = request.get_signed_cookie(DEVICE_COOKIE, default="", salt="citizens.device")
    return hashlib.sha256(raw.encode()).hexdigest()[:32] if raw else ""


def _with_device(request, response: HttpResponse) -> HttpResponse:
    if not request.get_signed_cookie(DEVICE_COOKIE, default="", salt="citizens.device"):
        response.set_signed_cookie(
            DEVICE_COOKIE,
            uuid.uuid4().hex,
            salt="citizens.device",
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


# ---------------------------------------------------------------------------------------------
# The public report page


def _fresh(form_data: dict | None = None) -> dict:
    """A new picture code and, for a first showing, a new submission key (a resubmit keeps its own) with the
    grant its photos are kept under."""
    key = uuid.uuid4().hex
    fresh = {"captcha_key": abuse.captcha_new(), "submission_key": key, "photos_grant": form_grant(key)}
    return {**fresh, **(form_data or {})}


# Errors of a photo (core.images, core.pending_photos): said on the photo field.
PHOTO_ERRORS = {"photo_too_large", "photo_invalid", "too_many_photos", "kept_photo_gone"}


def _photo_holder(request, *, submission_key: str, grant: str) -> str:
    """Whom the photos of an anonymous report form are kept for: its submission, on this device, as long as
    the form's grant is this server's, fresh and for this very submission; "" (nobody) otherwise."""
    granted = form_grant_key(grant)
    if not granted or not submission_key or not constant_time_compare(granted, submission_key):
        return ""
    return f"{submission_key}:{_device(request)}"


def _kept_url(grant: str):
    def url(pending) -> str:
        return reverse("citizens:kept_photo", kwargs={"grant": grant, "token": pending.token})

    return url


@never_cache
@require_http_methods(["GET", "POST"])
def report_create(request):
    """随手拍: report a problem with photos and its location, no account needed. A try that comes back with an
    error keeps its photos for the form's next try (``core.pending_photos``, held for the form's grant)."""
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        key = request.POST.get("submission_key", "")
        existing = Report.objects.filter(submission_key=key).first() if key else None
        if existing is not None:  # the same submission again (a double tap, a resend): one report
            return redirect("citizens:track", code=existing.tracking_code)
        holder = _photo_holder(request, submission_key=key, grant=request.POST.get("photos_grant", ""))
        grant = form_grant(key) if key else ""
        photos = PhotoSubmission(form=form, form_key=holder, thumbnail_url=_kept_url(grant))
        if form.is_valid():
            data = form.cleaned_data
            try:
                abuse.captcha_check(key=data["captcha_key"], answer=data["captcha"], consume=True)
                report = services.report_submit(
                    category=data["category"],
                    description=data["description"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    datum=data["datum"] or Report.Datum.WGS84,
                    phone=data["phone"],
                    phone_code=data["phone_code"],
                    device=_device(request),
                    address=client_address(request),
                    photos=photos.photos(),
                    place=data["place"],
                    submission_key=data["submission_key"],
                )
            except ApplicationError as error:
                field = "latitude" if error.code == services.OUTSIDE_CITY else None
                form.add_error("photos" if error.code in PHOTO_ERRORS else field, error.message)
                status = error.status if error.status == 429 else 200
            else:
                photos.used()
                messages.success(
                    request, _("Thank you. Keep your tracking code: %(code)s") % {"code": report.tracking_code}
                )
                return redirect("citizens:track", code=report.tracking_code)
        # The form comes back with its photos kept (within the limits) and a new picture code (the old one is
        # used up).
        refusal = ""
        try:
            abuse.kept_photos_check(device=_device(request), address=client_address(request), count=photos.to_keep())
        except abuse.TooMany as error:
            refusal = error.message
        photos.keep(refusal=refusal)
        form.data = form.data.copy()
        form.data["captcha_key"] = abuse.captcha_new()
        form.data["captcha"] = ""
        form.data["photos_grant"] = grant
        captcha_key = form.data["captcha_key"]
    else:
        code = request.GET.get("code", "").strip().upper()
        if code:  # the lookup box: a report's page by its tracking code
            if Report.objects.filter(tracking_code=code).exists():
                return redirect("citizens:track", code=code)
            messages.error(request, _("There is no report with this tracking code."))
        fresh = _fresh()
        form = ReportForm(initial=fresh)
        captcha_key = fresh["captcha_key"]
    context = {"form": form, "captcha_key": captcha_key, "map": _report_map()}
    response = render(request, "citizens/report_form.html", context, status=status)
    return _with_device(request, response)


def _report_map() -> dict:
    """What the report page's map (drawn by citizens.js once the person opens it) loads: Leaflet, the
    city's grids and the optional tiles, which must be WGS-84 as the grids and the stored points are."""
    return {"grids_url": reverse("citizens:report_grids"), "tile_url": settings.DASHBOARD_TILE_URL}


@require_GET
def report_grids(request):
    """Public JSON for the report page's map: the city's grids, each its name and boundary (WGS-84) and
    nothing else. Kept whole in the shared cache: a hit runs no database query."""

    def build() -> bytes:
        grids = selectors.report_map_grids()
        return json.dumps({"datum": "wgs84", "grids": grids}, ensure_ascii=False, separators=(",", ":")).encode()

    return _cached_public(request, "citizens:report-grids", build, content_type="application/json", max_age=None)


@require_GET
def kept_photo(request, grant: str, token):
    """The thumbnail of a photo kept for an anonymous report form, for that form on that device alone."""
    key = form_grant_key(grant)
    holder = f"{key}:{_device(request)}" if key else ""
    found = pending_photos_of(form_key=holder, tokens=[token]) if holder else []
    if not found:
        raise Http404
    return photo_response(found[0].thumbnail, filename="photo-thumbnail.jpg")


@require_GET
def place_options(request):
    """htmx, public: the ``<option>``s of a grid's places a resident may pick as the location."""
    places = selectors.places_for_pick(grid_id=request.GET.get("grid"))[:500]
    options = [(place.pk, place.name) for place in places.only("pk", "name")]
    return render(request, "inspections/_options.html", {"options": options, "empty_label": _("Choose a place")})


@never_cache
@require_GET
def captcha_image(request, key: str):
    image = abuse.captcha_image(key)
    if image is None:
        raise Http404
    return HttpResponse(image, content_type="image/png")


@require_POST
def code_request(request):
    """Send a one-time code to the phone typed in the report form (the picture code must be right)."""
    form = CodeRequestForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Enter your mobile number and the picture code.")}, status=400)
    data = form.cleaned_data
    try:
        abuse.captcha_check(key=data["captcha_key"], answer=data["captcha"], consume=False)
        services.phone_code_send(phone=data["phone"], device=_device(request), address=client_address(request))
    except ApplicationError as error:
        return JsonResponse({"error": error.message, "code": error.code}, status=error.status)
    return JsonResponse({"sent": True, "message": _("The code has been sent by text message.")})


# ---------------------------------------------------------------------------------------------
# Tracking and 回访


def _tracked(code: str) -> Report:
    return get_object_or_404(
        Report.objects.select_related("category", "issue", "issue__department"), tracking_code=code.upper()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request, code: str):
    """A report's status in plain words, the rectification photos once closed, and the 回访."""
    report = _tracked(code)
    issue = report.issue
    followup = Followup.objects.filter(report=report, issue=issue).first() if issue else None
    earlier = (
        Followup.objects.filter(report=report).exclude(issue=issue).order_by("-created").first() if issue else None
    )
    closed = issue is not None and issue.status == Issue.Status.CLOSED
    form = None
    if closed and followup is None:
        form = FollowupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.followup_record(
                    report=report, answer=form.cleaned_data["answer"], comment=form.cleaned_data["comment"]
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you for your answer."))
                return redirect("citizens:track", code=report.tracking_code)
    elif request.method == "POST":
        messages.info(request, _("This report has already been answered. Thank you."))
        return redirect("citizens:track", code=report.tracking_code)
    photos = (
        list(IssuePhoto.objects.filter(issue=issue, stage=IssuePhoto.Stage.RECTIFIED).order_by("pk")) if closed else []
    )
    return render(
        request,
        "citizens/track.html",
        {
            "report": report,
            "stage": selectors.report_stage(report),
            "photos": photos,
            "form": form,
            "followup": followup,
            "earlier": earlier,
        },
    )


@require_GET
def track_photo(request, code: str, pk: int):
    """A rectification photo of the reporter's closed case, for whoever holds the tracking code."""
    report = _tracked(code)
    if report.issue is None or report.issue.status != Issue.Status.CLOSED:
        raise Http404
    photo = get_object_or_404(IssuePhoto, pk=pk, issue=report.issue, stage=IssuePhoto.Stage.RECTIFIED)
    return photo_response(photo.thumbnail or photo.image, filename=f"{report.tracking_code}-{photo.pk}.jpg")


# ---------------------------------------------------------------------------------------------
# The office: triage


def _light(report: Report, now: datetime.datetime) -> str:
    hours = (now - report.created).total_seconds() / 3600
    return "red" if hours >= TRIAGE_RED_HOURS else "yellow" if hours >= TRIAGE_YELLOW_HOURS else "green"


@login_required
@require_GET
def triage_list(request):
    """Reports waiting for triage, the longest waiting first, each with its light."""
    require_perm(request.user, "citizens.triage_report")
    now = timezone.now()
    reports = list(selectors.triage_queue(user=request.user)[:200])
    for report in reports:
        report.light = _light(report, now)
    return render(
        request,
        "citizens/triage_list.html",
        {
            "reports": reports,
            "reviews": selectors.reviews_pending().count(),
            "to_phone": selectors.followups_to_phone().count(),
            "repeats": list(selectors.repeat_locations(now=now)[:20]),
        },
    )


def _office_report(request, pk: int) -> Report:
    require_perm(request.user, "citizens.triage_report")
    return get_object_or_404(
        selectors.report_visible_to(user=request.user).select_related(
            "category", "category__criterion", "grid", "place", "issue", "triaged_by"
        ),
        pk=pk,
    )


def _detail(request, report: Report, *, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    places = selectors.places_near(latitude=report.latitude, longitude=report.longitude, grid=report.grid)
    context = {
        "report": report,
        "photos": list(report.photos.all()),
        "stage": selectors.report_stage(report),
        "followups": list(report.followups.select_related("issue", "recorded_by", "reviewed_by")),
        "publications": selectors.publications_of(report.issue) if report.issue_id else [],
    }
    if report.status == Report.Status.PENDING:
        context |= {
            "duplicates": selectors.duplicates_of(report),
            "places": places,
            "accept_form": forms.get("accept")
            or AcceptForm(grid=report.grid, initial={"place": report.place_id or (places[0].pk if places else None)}),
            "reject_form": forms.get("reject") or RejectForm(),
            "merge_form": forms.get("merge") or MergeForm(),
        }
    elif report.issue and report.issue.status == Issue.Status.CLOSED and not context["followups"]:
        context["followup_form"] = forms.get("followup") or FollowupForm()
    return render(request, "citizens/report_detail.html", context, status=status)


@login_required
@require_GET
def duplicate_suggestions(request):
    """htmx, for an inspector filing: likely duplicates of the checklist item at the GPS point or the place's."""
    require_perm(request.user, "inspections.file_issue")
    criterion = Criterion.objects.filter(pk=request.GET.get("criterion") or None, is_active=True).first()
    try:
        latitude = coordinate_parse(request.GET.get("latitude"), axis="latitude", rounding=True)
        longitude = coordinate_parse(request.GET.get("longitude"), axis="longitude", rounding=True)
    except LocationError:
        latitude = longitude = None
    if latitude is None or longitude is None:
        place = Place.objects.filter(pk=request.GET.get("place") or None).only("latitude", "longitude").first()
        latitude, longitude = (place.latitude, place.longitude) if place else (None, None)
    issues = []
    if criterion is not None and latitude is not None and longitude is not None:
        radius, window = selectors.duplicate_rule(criterion)
        issues = selectors.duplicates_near(
            criterion_id=criterion.pk, latitude=latitude, longitude=longitude, radius_m=radius, window_days=window
        )
    return render(request, "citizens/_duplicates.html", {"duplicates": issues})


@login_required
@require_GET
def report_detail(request, pk: int):
    return _detail(request, _office_report(request, pk))


@login_required
@require_POST
def report_triage(request, pk: int, action: str):
    """Accept (受理), reject (不予受理) or merge (并单) a report."""
    report = _office_report(request, pk)
    form_class = {"accept": AcceptForm, "reject": RejectForm, "merge": MergeForm}[action]
    form = form_class(request.POST, grid=report.grid) if action == "accept" else form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "accept":
                issue = services.report_accept(report=report, actor=request.user, place=data["place"])
                messages.success(
                    request,
                    _("Accepted: issue %(code)s filed and dispatched to %(department)s.")
                    % {"code": issue.code, "department": issue.department},
                )
            elif action == "reject":
                services.report_reject(report=report, actor=request.user, reason=data["reason"])
                messages.success(request, _("Not accepted; the reporter reads the reason."))
            else:
                issue = Issue.objects.filter(code=data["issue"].strip()).first()
                if issue is None:
                    raise ApplicationError(_("There is no issue %(code)s.") % {"code": data["issue"]}, code="no_issue")
                services.report_merge(report=report, actor=request.user, issue=issue)
                messages.success(request, _("Merged into %(code)s.") % {"code": issue.code})
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect("citizens:triage")
    return _detail(request, report, forms={action: form}, status=400 if form.errors else 200)


@login_required
@require_GET
def report_photo(request, pk: int, thumbnail: bool = False):
    """A reporter's photo, for the office only."""
    require_perm(request.user, "citizens.triage_report")
    photo = get_object_or_404(
        ReportPhoto.objects.filter(report__in=selectors.report_visible_to(user=request.user)), pk=pk
    )
    return photo_response(
        photo.thumbnail if thumbnail and photo.thumbnail else photo.image, filename=f"report-{pk}.jpg"
    )


# ---------------------------------------------------------------------------------------------
# The office: 回访 by phone, and the review of 不满意


@login_required
@require_GET
def followup_list(request):
    """Reporters to phone for the 回访, and the 不满意 answers waiting for review."""
    require_perm(request.user, "citizens.record_followup")
    return render(
        request,
        "citizens/followup_list.html",
        {
            "to_phone": list(selectors.followups_to_phone()[:100]),
            "reviews": list(selectors.reviews_pending()[:100]),
            "review_form": ReviewForm(),
        },
    )


@login_required
@require_POST
def followup_record(request, pk: int):
    """An office member records the answer a reporter gave on the phone."""
    require_perm(request.user, "citizens.record_followup")
    report = _office_report(request, pk)
    form = FollowupForm(request.POST)
    if form.is_valid():
        try:
            services.followup_record(
                report=report,
                answer=form.cleaned_data["answer"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("citizens:followups")
    return _detail(request, report, forms={"followup": form}, status=400)


@login_required
@require_POST
def review_decide(request, pk: int):
    """Review of a 不满意 answer: reopen for rework, or close with an explanation the reporter reads."""
    require_perm(request.user, "citizens.review_followup")
    followup = get_object_or_404(Followup, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "reopen":
                rework = services.followup_reopen(followup=followup, actor=request.user, note=data["note"])
                messages.success(request, _("Reopened as issue %(code)s.") % {"code": rework.code})
            else:
                services.followup_explain(followup=followup, actor=request.user, note=data["note"])
                messages.success(request, _("Closed with an explanation."))
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("citizens:followups")


# ---------------------------------------------------------------------------------------------
# The public transparency page


def _cached_public(request, key: str, build, *, content_type: str, max_age: int | None = 60) -> HttpResponse:
    """A public answer, the same for everyone, kept whole in the shared cache for
    ``CITIZEN_PUBLIC_CACHE_SECONDS`` with a gzip copy made once when it is kept (the compression middleware
    would compress it again on every hit, which costs more than the rest of the hit). It holds no secret, so
    the copy needs none of the middleware's padding against BREACH. A hit runs no database query."""
    gzip = bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
    body = cache.get(f"{key}:{'gzip' if gzip else 'raw'}")
    if body is None:
        raw = build()
        packed = compress_string(raw)
        cache.set_many({f"{key}:raw": raw, f"{key}:gzip": packed}, settings.CITIZEN_PUBLIC_CACHE_SECONDS)
        body = packed if gzip else raw
    response = HttpResponse(body, content_type=content_type)
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    seconds = settings.CITIZEN_PUBLIC_CACHE_SECONDS if max_age is None else max_age
    patch_cache_control(response, public=True, max_age=seconds)
    return response


@require_GET
def public_page(request):
    """/public/: public issues with counts by status and department and each department's on-time rate,
    anonymised. Served from the shared cache: a hit runs no database query."""
    return _cached_public(
        request,
        f"citizens:public:{translation.get_language()}",
        lambda: render(request, "citizens/public.html", publication.public_context()).content,
        content_type="text/html; charset=utf-8",
    )


@require_GET
def public_photo(request, token: str):
    """A photo the office approved for the public, from the public copies (never the private store)."""
    photo = get_object_or_404(PublicPhoto, token=token)
    response = photo_response(photo.image, filename=f"{token}.jpg")
    response.headers.pop("Cache-Control", None)
    patch_cache_control(response, public=True, max_age=3600)
    return response


@login_required
@require_POST
def publish(request, pk: int):
    """The office marks an issue public, or publishes one of its photos (``photo`` = issue:<id> or report:<id>)."""
    require_perm(request.user, "citizens.publish")
    issue = get_object_or_404(Issue.objects.select_related("inspection"), pk=pk)
    try:
        photo_ref = request.POST.get("photo", "")
        if photo_ref:
            kind, _sep, ident = photo_ref.partition(":")
            model = {"issue": IssuePhoto, "report": ReportPhoto}.get(kind)
            if model is None or not ident.isdigit():
                raise ApplicationError(_("Choose a photo."), code="photo_unknown")
            photo = get_object_or_404(model, pk=int(ident))
            services.public_photo_approve(issue=issue, actor=request.user, photo=photo)
            messages.success(request, _("The photo is published."))
        else:
            services.public_issue_mark(issue=issue, actor=request.user)
            messages.success(request, _("The issue is shown on the public page."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(reverse("inspections:issue_detail", args=[issue.pk]))
