"""The assessment's pages: a period's results (per department, street or grid), one unit's numbers with
the cases behind each, a publication for comment (公示) with its appeals (申诉), and what a recomputation
would change in a frozen ranking.

Views stay thin: reads from ``assessment.selectors``, writes through ``assessment.services``, who may do
what from ``assessment/rules.py``."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Department
from accounts.selectors import departments_seen_by
from assessment import selectors, services
from assessment.forms import AppealForm, DecisionForm
from assessment.library import LIBRARY
from assessment.models import Appeal, Level, PeriodKind, Publication, PublishedResult, Rule
from assessment.periods import AssessmentPeriod
from assessment.scoring import Formula
from assessment.templatetags.assessment import plain
from core import glossary
from core.errors import ApplicationError
from core.permissions import require_perm
from grids.models import Grid

ROWS_PER_PAGE = 50
CASES_PER_PAGE = 50
PARTS = ("numerator", "denominator")


def _period(request, *, default_kind: str = PeriodKind.MONTH) -> AssessmentPeriod:
    """The period asked for (``?period=2018-03``), this month by default; 404 for one that is not a period."""
    key = request.GET.get("period") or request.POST.get("period")
    if not key:
        return AssessmentPeriod.containing(timezone.localdate(), default_kind)
    try:
        return AssessmentPeriod.parse(key)
    except ApplicationError:
        raise Http404 from None


def _level(request) -> str:
    level = request.GET.get("level", Level.DEPARTMENT)
    return level if level in Level.values else Level.DEPARTMENT


def _scope(user) -> list[int] | None:
    """The departments whose results ``user`` may read: ``None`` for the whole city."""
    if user.has_perm("assessment.view_city_results"):
        return None
    return departments_seen_by(user=user)


def _columns(formula: Formula) -> list[dict]:
    """The results table's indicator and item columns, in the glossary's words."""
    return [
        {"code": code, "label": glossary.label(code), "definition": glossary.definition(code)}
        for code in formula.codes()
    ]


def _explained(formula: Formula) -> list[dict]:
    """How each indicator and item of ``formula`` scores, in words, with the glossary's definition."""
    entries = []
    for item in formula.items:
        scoring = _("weight %(weight)s: %(rule)s") % {"weight": plain(item.weight), "rule": Rule(item.rule).label}
        if item.rule == Rule.THRESHOLD:
            scoring += _(" (full marks from %(threshold)s%%, %(points)s off per point below)") % {
                "threshold": plain(item.threshold),
                "points": plain(item.points_off),
            }
        elif item.rule == Rule.PER_UNIT:
            scoring += _(" (%(points)s off per unit)") % {"points": plain(item.points_off)}
        entries.append(
            {"label": glossary.label(item.code), "scoring": scoring, "definition": glossary.definition(item.code)}
        )
    for adjustment in formula.adjustments:
        scoring = _("%(points)s points per unit") % {"points": plain(adjustment.points_per_unit)}
        if adjustment.min_count:
            scoring += _(", at least %(count)s complaints at a place") % {"count": adjustment.min_count}
        if adjustment.cap is not None:
            scoring += _(", at most %(cap)s points") % {"cap": plain(adjustment.cap)}
        entries.append(
            {
                "label": glossary.label(adjustment.code),
                "scoring": scoring,
                "definition": glossary.definition(adjustment.code),
            }
        )
    return entries


def _period_links(period: AssessmentPeriod, level: str) -> list[dict]:
    """The periods around ``period`` to step to: the one before, and the one after while not in the future."""
    links = [{"key": period.previous().key, "label": _("Previous"), "rel": "prev"}]
    following = AssessmentPeriod.containing(period.end + datetime.timedelta(days=1), period.kind)
    if following.start <= timezone.localdate():
        links.append({"key": following.key, "label": _("Next"), "rel": "next"})
    for link in links:
        link["query"] = urlencode({"period": link["key"], "level": level})
    return links


@login_required
@require_GET
def results_page(request):
    """A period's results: score, grade and each indicator's value per department (or street, or grid),
    best first, frozen or published ones as they were stored, else computed now. Department staff see
    their own department and its sub-units; the city's ranks stay as they are."""
    require_perm(request.user, "assessment.view_results")
    now = timezone.now()
    period = _period(request)
    scope = _scope(request.user)
    level = _level(request) if scope is None else Level.DEPARTMENT
    shown = selectors.results(period=period, level=level, now=now, unit_ids=scope)
    page = Paginator(shown.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    publication = shown.publication
    can_publish = (
        request.user.has_perm("assessment.publish_results")
        and publication is None
        and period.is_over(timezone.localdate(now))
    )
    return render(
        request,
        "assessment/results.html",
        {
            "period": period,
            "level": level,
            "levels": [
                {"key": key, "label": label, "query": urlencode({"period": period.key, "level": key})}
                for key, label in Level.choices
            ]
            if scope is None
            else [],
            "periods": _period_links(period, level),
            "results": shown,
            "formula": shown.formula,
            "columns": _columns(shown.formula),
            "explained": _explained(shown.formula),
            "page": page,
            "publication": publication,
            "can_publish": can_publish,
            "as_of": shown.as_of,
            "terms": glossary.TERMS,
        },
    )


def _unit(level: str, pk: int):
    """The department, street or grid a result is about (404 if there is none)."""
    if level == Level.GRID:
        return get_object_or_404(Grid, pk=pk)
    if level == Level.STREET:
        return get_object_or_404(Department, pk=pk, kind=Department.Kind.SUBDISTRICT)
    if level == Level.DEPARTMENT:
        return get_object_or_404(Department, pk=pk)
    raise Http404


def _require_unit(user, level: str, unit) -> None:
    if level == Level.GRID:
        require_perm(user, "assessment.view_city_results")
    else:
        require_perm(user, "assessment.view_department_result", unit)


@login_required
@require_GET
def unit_page(request, level: str, pk: int):
    """One unit's result: its score and grade, and for each indicator and item the numerator, the
    denominator, the value and the points, each number a link to the cases behind it."""
    unit = _unit(level, pk)
    _require_unit(request.user, level, unit)
    now = timezone.now()
    period = _period(request)
    shown = selectors.results(period=period, level=level, now=now)
    row = next((row for row in shown.rows if row["unit_id"] == unit.pk), None)
    if row is None:
        raise Http404
    query = {"period": period.key}
    parts = []
    for kind in ("indicators", "adjustments"):
        for part in row[kind]:
            links = {
                name: reverse("assessment:cases", args=[level, unit.pk])
                + "?"
                + urlencode({**query, "code": part["code"], "part": name})
                for name in PARTS
                if part.get(name) is not None and (name == "numerator" or LIBRARY[part["code"]].denominator)
            }
            parts.append({**part, "kind": kind, "term": glossary.term(part["code"]), "links": links})
    return render(
        request,
        "assessment/unit.html",
        {
            "unit": unit,
            "level": level,
            "period": period,
            "results": shown,
            "row": row,
            "parts": parts,
            "as_of": shown.as_of,
            "terms": glossary.TERMS,
            "back": reverse("assessment:results") + "?" + urlencode({"period": period.key, "level": level}),
        },
    )


@login_required
@require_GET
def cases_page(request, level: str, pk: int):
    """The cases behind one number of a unit's result: the same conditions as its score's SQL. For a
    published or frozen result they are the cases as they stand now, which may since have moved."""
    unit = _unit(level, pk)
    _require_unit(request.user, level, unit)
    now = timezone.now()
    period = _period(request)
    shown = selectors.results(period=period, level=level, now=now, unit_ids=[unit.pk])
    # By default the cases the scheme's first indicator counts.
    code, part = request.GET.get("code") or shown.formula.codes()[0], request.GET.get("part", "numerator")
    if code not in shown.formula.codes() or part not in PARTS:
        raise Http404
    if part == "denominator" and LIBRARY[code].denominator is None:
        raise Http404
    cases = selectors.cases_behind(
        formula=shown.formula,
        period=period.through(timezone.localdate(now)),
        level=level,
        unit_id=unit.pk,
        code=code,
        part=part,
        now=now if shown.is_live else shown.as_of,
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/cases.html",
        {
            "unit": unit,
            "level": level,
            "period": period,
            "term": glossary.term(code),
            "part": part,
            "results": shown,
            "page": page,
            "as_of": shown.as_of,
            "terms": glossary.TERMS,
            "back": reverse("assessment:unit", args=[level, unit.pk]) + "?" + urlencode({"period": period.key}),
        },
    )


@login_required
@require_POST
def publish(request):
    """Publish a closed period's results for comment (公示)."""
    require_perm(request.user, "assessment.publish_results")
    period = _period(request)
    try:
        publication = services.results_publish(period=period, actor=request.user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(reverse("assessment:results") + "?" + urlencode({"period": period.key}))
    messages.success(request, _("The results of %(period)s are published for comment.") % {"period": period.key})
    return redirect("assessment:publication", publication.pk)


def _publication_context(request, publication: Publication, **forms) -> dict:
    user = request.user
    formula = Formula.from_json(publication.formula)
    city = user.has_perm("assessment.view_city_results")
    appeals = publication.appeals.select_related("department", "filed_by", "decided_by")
    own = None
    if not city:
        seen = departments_seen_by(user=user)
        appeals = appeals.filter(department__in=seen)
        if user.work_department_id is not None:
            own = publication.results.filter(
                stage=PublishedResult.Stage.PUBLISHED, level=Level.DEPARTMENT, unit_id=user.work_department_id
            ).first()
    now = timezone.now()
    open_window = publication.status == Publication.Status.PUBLISHED and now <= publication.appeal_until
    decide_forms = {}
    if user.has_perm("assessment.decide_appeal") and publication.status == Publication.Status.PUBLISHED:
        for appeal in appeals:
            if appeal.status == Appeal.Status.PENDING:
                bound = forms.get("decision") if forms.get("decided") == appeal.pk else None
                decide_forms[appeal.pk] = bound or DecisionForm(prefix=f"appeal-{appeal.pk}")
    appeals = list(appeals)
    for appeal in appeals:
        appeal.decide_form = decide_forms.get(appeal.pk)
        appeal.term = glossary.term(appeal.indicator) if appeal.indicator in glossary.TERMS else None
    return {
        "publication": publication,
        "formula": formula,
        "period": AssessmentPeriod(publication.period, publication.period_kind, publication.start, publication.end),
        "appeals": appeals,
        "own_result": own,
        "appeal_form": forms.get("appeal")
        or (
            AppealForm(codes=formula.codes())
            if own is not None and open_window and user.has_perm("assessment.appeal")
            else None
        ),
        "window_open": open_window,
        "can_freeze": user.has_perm("assessment.freeze_results")
        and publication.status == Publication.Status.PUBLISHED
        and not open_window,
        "can_see_changes": city,
        "as_of": publication.as_of,
        "terms": glossary.TERMS,
    }


@login_required
@require_GET
def publication_page(request, pk: int):
    """A publication: its period, scheme and state, the appeal window, the appeals and their decisions;
    a department's form to appeal, the office's to decide, and freezing once the window has passed."""
    require_perm(request.user, "assessment.view_results")
    publication = get_object_or_404(Publication.objects.select_related("published_by", "frozen_by"), pk=pk)
    return render(request, "assessment/publication.html", _publication_context(request, publication))


@login_required
@require_POST
def appeal_create(request, pk: int):
    """A department appeals one number of its published result (its staff, for the department they work for)."""
    require_perm(request.user, "assessment.appeal")
    publication = get_object_or_404(Publication, pk=pk)
    department = get_object_or_404(Department, pk=request.user.work_department_id)
    form = AppealForm(request.POST, codes=Formula.from_json(publication.formula).codes())
    if form.is_valid():
        try:
            services.appeal_file(
                publication=publication,
                department=department,
                indicator=form.cleaned_data["indicator"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your appeal is filed; the office will decide it."))
            return redirect("assessment:publication", publication.pk)
    status = 409 if form.non_field_errors() else 400
    return render(
        request, "assessment/publication.html", _publication_context(request, publication, appeal=form), status=status
    )


@login_required
@require_POST
def appeal_decide(request, pk: int):
    """The office upholds an appeal with the corrected numbers, or rejects it with a reason."""
    require_perm(request.user, "assessment.decide_appeal")
    appeal = get_object_or_404(Appeal.objects.select_related("publication"), pk=pk)
    form = DecisionForm(request.POST, prefix=f"appeal-{appeal.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.appeal_decide(
                appeal=appeal,
                actor=request.user,
                uphold=data["decision"] == "uphold",
                note=data["note"],
                numerator=data["numerator"],
                denominator=data["denominator"],
                now=timezone.now(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The appeal is decided."))
            return redirect("assessment:publication", appeal.publication_id)
    context = _publication_context(request, appeal.publication, decision=form, decided=appeal.pk)
    return render(request, "assessment/publication.html", context, status=400)


@login_required
@require_POST
def freeze(request, pk: int):
    """Freeze a publication's results, the upheld corrections applied."""
    require_perm(request.user, "assessment.freeze_results")
    publication = get_object_or_404(Publication, pk=pk)
    try:
        services.publication_freeze(publication=publication, actor=request.user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The results of %(period)s are frozen.") % {"period": publication.period})
    return redirect("assessment:publication", publication.pk)


@login_required
@require_GET
def changes_page(request, pk: int):
    """What computing a published period again now would change against its stored ranking; nothing is
    stored, the published ranking stays."""
    require_perm(request.user, "assessment.view_city_results")
    publication = get_object_or_404(Publication, pk=pk)
    level = _level(request)
    now = timezone.now()
    changes = selectors.changes_since(publication=publication, level=level, now=now)
    return render(
        request,
        "assessment/changes.html",
        {
            "publication": publication,
            "level": level,
            "levels": [
                {"key": key, "label": label, "query": urlencode({"level": key})} for key, label in Level.choices
            ],
            "changes": changes,
            "as_of": now,
            "terms": glossary.TERMS,
        },
    )
