"""The pages of the mock evaluation: the rounds, a round's score rate (得分率) and its points, and the
phone-first observation sheet (测评表), which the page's script also sends from its offline queue (it asks
for JSON). Reads come from ``evaluation.selectors``, writes from ``evaluation.services``, who may do what
from ``evaluation/rules.py``."""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.capture import captures_parse
from core.errors import ApplicationError
from core.geo import LocationError, coordinate_parse
from core.images import photo_response, photos_prepare
from core.permissions import require_perm
from evaluation import selectors, services
from evaluation.forms import RoundForm, team_formset
from evaluation.models import Appeal, AppealPhoto, Observation, Round, RoundPoint

Result = Observation.Result


@login_required
@require_safe
def round_list(request):
    """The rounds the user sees (departments: the closed ones), newest first, with their score rates."""
    rounds = selectors.round_list(user=request.user).order_by("-start_date", "code")
    return render(request, "evaluation/round_list.html", {"rounds": rounds})


def _round_for(request, pk: int) -> Round:
    return get_object_or_404(selectors.round_visible_to(user=request.user).select_related("campaign"), pk=pk)


@login_required
@require_safe
def round_detail(request, pk: int):
    """A round: its score rate against the previous round, by point type, street, grid and department, the
    standards most often failed, the points that lost most, and the points the user works on."""
    round_ = _round_for(request, pk)
    breakdowns = [
        (by, label, selectors.round_scores(round_=round_, by=by))
        for by, label in (
            ("type", _("By point type")),
            ("street", _("By street")),
            ("grid", _("By grid")),
            ("department", _("By responsible department")),
        )
    ]
    points = list(selectors.round_points(round_=round_, user=request.user))
    # A point's sheet is linked for those who may fill it in: its team (and administrators).
    every_point = request.user.has_perm("evaluation.observe_point")
    own_teams = set() if every_point else set(round_.teams.filter(members=request.user).values_list("pk", flat=True))
    for point in points:
        point.observable = every_point or point.team_id in own_teams
    context = {
        "round": round_,
        "summary": selectors.round_summary(round_=round_),
        "breakdowns": breakdowns,
        "most_failed": selectors.standards_most_failed(round_=round_),
        "lost_most": selectors.points_lost_most(round_=round_),
        "points": points,
        "teams": selectors.round_teams(round_=round_),
        "draw": selectors.draw_summary(round_=round_),
        "record": selectors.round_record(round_=round_),
        "failures": selectors.failures_to_appeal(round_=round_, user=request.user)
        if request.user.has_perm("evaluation.file_appeal")
        else [],
        "appeal_deadline": services.appeal_deadline(round_),
        "pending_appeals": (
            selectors.appeal_visible_to(user=request.user)
            .filter(observation__round=round_, status=Appeal.Status.PENDING)
            .select_related("observation__standard", "observation__round_point__place", "department")
            .prefetch_related("photos")
            if request.user.has_perm("evaluation.decide_appeal")
            else []
        ),
    }
    return render(request, "evaluation/round_detail.html", context)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answers(request, standards) -> dict[int, services.Answer]:
    """The answers the sheet's form carries (``result-<standard>``, ``note-<standard>``, ``photos-<standard>``
    and, from the page's script, ``photo-meta-<standard>``: when and where the phone took each photo); the
    photos of a failure are checked as every photo is, and carry their capture (``core.capture``)."""
    received_at = timezone.now()
    answers = {}
    for name, value in request.POST.items():
        if not name.startswith("result-"):
            continue
        try:
            standard_id = int(name.removeprefix("result-"))
        except ValueError:
            raise ApplicationError(_("The sheet's form is damaged: reload the page."), code="form") from None
        if not value:
            continue
        photos = ()
        if value == Result.FAIL:
            uploads = request.FILES.getlist(f"photos-{standard_id}")
            if len(uploads) > settings.PHOTO_MAX_COUNT:
                raise ApplicationError(
                    _("At most %(count)s photos can be attached.") % {"count": settings.PHOTO_MAX_COUNT},
                    code="too_many_photos",
                )
            devices = captures_parse(
                request.POST.get(f"photo-meta-{standard_id}", ""), count=len(uploads), received_at=received_at
            )
            photos = tuple(photos_prepare(uploads, devices=devices))
        answers[standard_id] = services.Answer(
            result=value, note=request.POST.get(f"note-{standard_id}", ""), photos=photos
        )
    return answers


def _key(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("The sheet's submission key is missing: reload the page."), code="key") from None


def _observed_at(value: str) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise ApplicationError(_("The time of observation cannot be read."), code="observed_at")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _location(request):
    try:
        return (
            coordinate_parse(request.POST.get("latitude") or None, axis="latitude", rounding=True),
            coordinate_parse(request.POST.get("longitude") or None, axis="longitude", rounding=True),
        )
    except LocationError as error:
        raise ApplicationError(error.message, code="location") from None


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sheet(request, round_pk: int, pk: int):
    """The observation sheet of one sampled point: every standard of its type with 达标 / 不达标 / 不适用.
    Sent once: the key the page was given makes a repeat return the first sheet."""
    round_ = _round_for(request, round_pk)
    point = RoundPoint.objects.select_related("place__grid__subdistrict", "point_type", "team", "round").filter(pk=pk)
    point = point.first()
    if point is None:
        raise Http404
    if point.round_id != round_.pk:
        message = _("This point was not drawn for this round.")
        if _wants_json(request):
            return JsonResponse({"message": message, "code": "point_not_in_round"}, status=400)
        raise Http404
    require_perm(request.user, "evaluation.observe_point", point)
    standards = services.standards_for(point.point_type_id)
    done = getattr(point, "sheet", None)
    error = None
    if request.method == "POST":
        try:
            observed_sheet, new = services.sheet_submit(
                round_point=point,
                actor=request.user,
                answers=_answers(request, standards),
                idempotency_key=_key(request.POST.get("key")),
                observed_at=_observed_at(request.POST.get("observed_at", "")),
                latitude=_location(request)[0],
                longitude=_location(request)[1],
            )
        except ApplicationError as refused:
            if _wants_json(request):
                return JsonResponse({"message": refused.message, "code": refused.code}, status=refused.status)
            error = refused.message
        else:
            failures = observed_sheet.observations.filter(result=Result.FAIL).count()
            if _wants_json(request):
                return JsonResponse(
                    {"sheet": observed_sheet.pk, "new": new, "failures": failures, "far": observed_sheet.far},
                    status=201 if new else 200,
                )
            messages.success(
                request,
                _("The sheet of %(place)s is recorded; %(count)s failures were filed as issues.")
                % {"place": point.place, "count": failures},
            )
            return redirect("evaluation:round_detail", pk=round_.pk)
    items: list[tuple[object, list]] = []
    posted = request.POST if request.method == "POST" else {}
    for standard in standards:
        standard.posted_result = posted.get(f"result-{standard.pk}", "")
        standard.posted_note = posted.get(f"note-{standard.pk}", "")
        if not items or items[-1][0] != standard.item:
            items.append((standard.item, []))
        items[-1][1].append(standard)
    context = {
        "round": round_,
        "point": point,
        "items": items,
        "done": done,
        "failures": selectors.sheet_failures(sheet=done) if done else [],
        "error": error,
        "key": request.POST.get("key") if error else str(uuid.uuid4()),
        "results": Result.choices,
        "max_distance": settings.EVALUATION_MAX_DISTANCE_M,
    }
    return render(request, "evaluation/sheet.html", context, status=400 if error else 200)


def _round_form_page(request, *, round_: Round | None = None):
    """The round's form, new (``round_`` None) or a planned one's: saved through the services, whose rules
    come back as the form's errors, nothing saved."""
    form = RoundForm(request.POST or None, round_=round_)
    teams = team_formset(request.POST or None, round_=round_)
    if request.method == "POST" and not teams.is_valid():
        for error in [*teams.non_form_errors(), *(e for row in teams.errors for es in row.values() for e in es)]:
            form.add_error(None, error)
    if request.method == "POST" and form.is_valid() and teams.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "code"}
        try:
            if round_ is None:
                saved = services.round_create(
                    code=form.cleaned_data["code"], **fields, teams=teams.plans(), actor=request.user
                )
                messages.success(request, _("The round is planned: draw its points when its settings are right."))
            else:
                saved, undone = services.round_update(round_=round_, **fields, teams=teams.plans(), actor=request.user)
                messages.success(
                    request,
                    _("The round is changed; its draw no longer held and was undone: draw its points again.")
                    if undone
                    else _("The round is changed."),
                )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            return redirect("evaluation:round_detail", pk=saved.pk)
    context = {"form": form, "teams": teams, "round": round_}
    failed = request.method == "POST"
    return render(request, "evaluation/round_form.html", context, status=400 if failed else 200)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    """The evaluation office plans a round on its page."""
    require_perm(request.user, "evaluation.manage_round")
    return _round_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk: int):
    """The evaluation office changes a planned round; a round under way or closed keeps what it was."""
    round_ = _round_for(request, pk)
    require_perm(request.user, "evaluation.manage_round", round_)
    if round_.status != Round.Status.PLANNED:
        messages.error(request, _("Only a planned round can be changed."))
        return redirect("evaluation:round_detail", pk=round_.pk)
    return _round_form_page(request, round_=round_)


def _seed(value: str | None) -> int | None:
    if not value or not value.strip():
        return None
    try:
        seed = int(value.strip())
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**63:
        raise ApplicationError(_("The seed is a whole number of 0 or more, or empty for a new one."), code="seed")
    return seed


@login_required
@require_POST
def round_step(request, pk: int, step: str):
    """The office draws (with the seed given, or a new one), starts or closes a round (``evaluation.services``)."""
    round_ = _round_for(request, pk)
    require_perm(request.user, "evaluation.manage_round", round_)
    try:
        if step == "draw":
            draw = services.round_sample(round_=round_, seed=_seed(request.POST.get("seed")), actor=request.user)
            messages.success(
                request,
                _("%(count)s points drawn with the seed %(seed)s: the same seed draws the same points again.")
                % {"count": len(draw.drawn), "seed": draw.seed},
            )
        else:
            {"start": services.round_start, "close": services.round_close}[step](round_=round_, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("evaluation:round_detail", pk=round_.pk)


@login_required
@require_POST
def appeal_create(request, pk: int):
    """A department appeals a failure charged to it (申诉)."""
    observation = get_object_or_404(selectors.observation_visible_to(user=request.user).select_related("round"), pk=pk)
    require_perm(request.user, "evaluation.file_appeal", observation)
    try:
        photos = photos_prepare(request.FILES.getlist("photos")[: settings.PHOTO_MAX_COUNT])
        services.appeal_file(
            observation=observation, actor=request.user, reason=request.POST.get("reason", ""), photos=photos
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your appeal is filed; the evaluation office will decide it."))
    return redirect("evaluation:round_detail", pk=observation.round_id)


@login_required
@require_POST
def appeal_decide(request, pk: int):
    """The evaluation office upholds or rejects an appeal."""
    appeal = get_object_or_404(selectors.appeal_visible_to(user=request.user).select_related("observation"), pk=pk)
    require_perm(request.user, "evaluation.decide_appeal", appeal)
    try:
        services.appeal_decide(
            appeal=appeal,
            actor=request.user,
            uphold=request.POST.get("decision") == "uphold",
            note=request.POST.get("note", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("evaluation:round_detail", pk=appeal.observation.round_id)


@require_safe
def service_worker(request):
    """The offline sheets' service worker, served from the site's root so that its scope covers the sheet
    pages (a script under /static/ could only control /static/)."""
    body = render_to_string("evaluation/sw.js", {"version": settings.STATIC_URL})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_safe
def appeal_photo(request, pk: int, thumbnail: bool = False):
    """A photo of an appeal, or its thumbnail, for those who may see the appeal; to others a 404."""
    photo = get_object_or_404(
        AppealPhoto.objects.filter(appeal__in=selectors.appeal_visible_to(user=request.user)), pk=pk
    )
    if thumbnail and photo.thumbnail:
        return photo_response(photo.thumbnail, filename=f"appeal-photo-{photo.pk}-thumbnail.jpg")
    return photo_response(photo.image, filename=f"appeal-photo-{photo.pk}.jpg")
