"""Writes of the assessment: checking a scheme before it is saved, publishing a closed period's results
for comment (公示), appeals (申诉) and their decisions, and freezing the results.

Every service takes ``now`` (the moment it acts at), locks what it changes, checks the rule it keeps and
raises ``ApplicationError`` (``Conflict`` for a state that refuses it) with nothing saved."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Department, Role, User
from accounts.services import notification_send
from assessment.library import LIBRARY, RATE
from assessment.models import Appeal, Level, Publication, PublishedResult, Scheme
from assessment.periods import AssessmentPeriod
from assessment.scoring import Draft, Formula, Problem, formula_check, problem
from assessment.selectors import (
    compute,
    formula_in_force,
    part_as_json,
    publication_of,
    ranked,
    rescore,
    stored_rows,
    value_of,
)
from core.errors import ApplicationError, Conflict
from core.limits import TEXT_LIMITS, text_check
from core.working_time import Limit, office_working_time

LEVELS = (Level.DEPARTMENT, Level.STREET, Level.GRID)


class SchemeInvalid(ApplicationError):
    """A scheme that may not be saved; ``problems`` says what is wrong, part by part."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(str(problem.message) for problem in problems), code="scheme_invalid")
        self.problems = problems


# ---------------------------------------------------------------------------------------------
# Schemes


def scheme_problems(*, scheme: Scheme, draft: Draft) -> list[Problem]:
    """What is wrong with ``scheme`` (its fields as they would be saved) and its rows (``draft``):
    the formula's checks (``assessment.scoring.formula_check``: weights adding up to 100, bands covering
    every score, indicators of the library), its dates, and no other active scheme of the same campaign
    and period in force on any of its days."""
    problems = formula_check(Draft(**{**draft.__dict__, "appeal_days": scheme.appeal_days}))
    if scheme.valid_until is not None and scheme.valid_from is not None and scheme.valid_until < scheme.valid_from:
        problems.append(problem("scheme", None, "validity"))
    elif scheme.is_active and scheme.valid_from is not None and scheme.campaign_id is not None:
        overlapping = Scheme.objects.filter(
            campaign_id=scheme.campaign_id, period_kind=scheme.period_kind, is_active=True
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=scheme.valid_from))
        if scheme.valid_until is not None:
            overlapping = overlapping.filter(valid_from__lte=scheme.valid_until)
        if scheme.pk is not None:
            overlapping = overlapping.exclude(pk=scheme.pk)
        other = overlapping.order_by("valid_from").first()
        if other is not None:
            problems.append(problem("scheme", None, "overlap", other=other.name, code=other.code))
    return problems


def scheme_save(*, scheme: Scheme, draft: Draft) -> Scheme:
    """Save ``scheme`` with exactly the rows of ``draft`` (replacing those it had), once it is checked;
    ``SchemeInvalid`` and nothing saved otherwise."""
    problems = scheme_problems(scheme=scheme, draft=draft)
    if problems:
        raise SchemeInvalid(problems)
    with transaction.atomic():
        scheme.save()
        scheme.indicators.all().delete()
        scheme.adjustments.all().delete()
        scheme.source_weights.all().delete()
        scheme.bands.all().delete()
        scheme.indicators.bulk_create(
            [
                scheme.indicators.model(
                    scheme=scheme,
                    code=item.code,
                    weight=item.weight,
                    rule=item.rule,
                    threshold=item.threshold,
                    points_off=item.points_off,
                    allow_negative=item.allow_negative,
                    sort_order=n,
                )
                for n, item in enumerate(draft.items)
            ]
        )
        scheme.adjustments.bulk_create(
            [
                scheme.adjustments.model(
                    scheme=scheme,
                    code=entry.code,
                    points_per_unit=entry.points_per_unit,
                    min_count=entry.min_count,
                    cap=entry.cap,
                    sort_order=n,
                )
                for n, entry in enumerate(draft.adjustments)
            ]
        )
        scheme.source_weights.bulk_create(
            [
                scheme.source_weights.model(scheme=scheme, source=source, weight=weight)
                for source, weight in draft.source_weights
            ]
        )
        scheme.bands.bulk_create(
            [
                scheme.bands.model(scheme=scheme, grade=band.grade, min_score=band.min_score, max_score=band.max_score)
                for band in draft.bands
            ]
        )
    return scheme


# ---------------------------------------------------------------------------------------------
# 公示: publishing a closed period


def appeal_deadline(*, published_at: datetime.datetime, working_days: int) -> datetime.datetime:
    """The close of office hours on the ``working_days``-th working day after publication."""
    return office_working_time().add(published_at, Limit(working_days, Limit.DAYS))


def results_publish(
    *, period: AssessmentPeriod, actor: User, now: datetime.datetime, campaign_id: int | None = None
) -> Publication:
    """Publish the results of the closed ``period`` for comment (公示): compute them now by the formula in
    force, store them (department, street and grid), open the appeal window (the scheme's working days)
    and tell the departments' staff."""
    today = timezone.localdate(now)
    if not period.is_over(today):
        raise Conflict(
            _("%(period)s has not ended yet: publish its results once it is over.") % {"period": period.key},
            code="period_not_over",
        )
    formula = formula_in_force(kind=period.kind, day=period.start, campaign_id=campaign_id)
    with transaction.atomic():
        if publication_of(formula=formula, period=period) is not None:
            raise Conflict(
                _("The results of %(period)s are already published.") % {"period": period.key},
                code="already_published",
            )
        publication = Publication.objects.create(
            scheme_id=formula.scheme_id,
            scheme_code=formula.code,
            formula=formula.as_json(),
            period=period.key,
            period_kind=period.kind,
            start=period.start,
            end=period.end,
            as_of=now,
            published_by=actor,
            published_at=now,
            appeal_until=appeal_deadline(published_at=now, working_days=formula.appeal_days),
        )
        department_ids = []
        for level in LEVELS:
            rows = compute(formula=formula, period=period, level=level, now=now)
            _store(publication, PublishedResult.Stage.PUBLISHED, level, rows)
            if level == Level.DEPARTMENT:
                department_ids = [row["unit_id"] for row in rows]
        notification_send(
            recipients=User.objects.filter(is_active=True, groups__name=Role.STAFF).filter(
                Q(department__in=department_ids) | Q(department__parent__in=department_ids)
            ),
            title=_("Assessment results of %(period)s published for comment") % {"period": period.key},
            body=_("Appeal a number by %(until)s.")
            % {"until": f"{timezone.localtime(publication.appeal_until):%Y-%m-%d %H:%M}"},
            url=reverse("assessment:publication", args=[publication.pk]),
        )
    return publication


def _store(publication: Publication, stage: str, level: str, rows: list[dict]) -> None:
    PublishedResult.objects.bulk_create(
        [
            PublishedResult(
                publication=publication,
                stage=stage,
                level=level,
                unit_id=row["unit_id"],
                unit_code=row["code"],
                unit_name=row["name"][:100],
                score=row["score"],
                grade=row["grade"],
                rank=row["rank"],
                figures={
                    "short_name": row["short_name"],
                    "sort_order": row["sort_order"],
                    "indicators": [part_as_json(part) for part in row["indicators"]],
                    "adjustments": [part_as_json(part) for part in row["adjustments"]],
                },
            )
            for row in rows
        ],
        batch_size=1000,
    )


# ---------------------------------------------------------------------------------------------
# 申诉: appeals and their decisions


def _locked_publication(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


def _appealable(formula: Formula) -> dict[str, str]:
    """The numbers of a formula a department may appeal: its indicators and items, by code."""
    return {code: code for code in formula.codes()}


def appeal_file(
    *,
    publication: Publication,
    department: Department,
    indicator: str,
    reason: str,
    actor: User,
    now: datetime.datetime,
) -> Appeal:
    """A department appeals one number of its published result, with a reason, within the window."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the number is wrong."), code="reason_required")
    text_check(reason, limit=TEXT_LIMITS.reason, what=_("The reason"))
    with transaction.atomic():
        publication = _locked_publication(publication)
        if publication.status != Publication.Status.PUBLISHED:
            raise Conflict(_("These results are frozen: appeals are closed."), code="frozen")
        if now > publication.appeal_until:
            raise Conflict(
                _("The appeal window closed at %(until)s.")
                % {"until": f"{timezone.localtime(publication.appeal_until):%Y-%m-%d %H:%M}"},
                code="appeal_window_closed",
            )
        if indicator not in _appealable(Formula.from_json(publication.formula)):
            raise ApplicationError(_("Choose a number of the results to appeal."), code="indicator_unknown")
        if not publication.results.filter(
            stage=PublishedResult.Stage.PUBLISHED, level=Level.DEPARTMENT, unit_id=department.pk
        ).exists():
            raise Conflict(
                _("%(department)s has no result in these results.") % {"department": department},
                code="no_result",
            )
        appeal = Appeal.objects.create(
            publication=publication, department=department, indicator=indicator, reason=reason, filed_by=actor
        )
        notification_send(
            recipients=User.objects.filter(
                Q(pk=publication.published_by_id) | Q(groups__name=Role.LEADER), is_active=True
            ).distinct(),
            title=_("Appeal against the results of %(period)s: %(department)s")
            % {"period": publication.period, "department": department},
            body=reason,
            url=reverse("assessment:publication", args=[publication.pk]),
        )
    return appeal


def _decimal(value: Decimal | str | int | None, what: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError(_("%(what)s must be a number.") % {"what": what}, code="correction_invalid") from None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** 12:
        raise ApplicationError(
            _("%(what)s must be a number of zero or more.") % {"what": what}, code="correction_invalid"
        )
    return number.quantize(Decimal("0.01"))


def appeal_decide(
    *,
    appeal: Appeal,
    actor: User,
    uphold: bool,
    now: datetime.datetime,
    note: str = "",
    numerator: Decimal | str | None = None,
    denominator: Decimal | str | None = None,
) -> Appeal:
    """The office upholds an appeal, recording the corrected numerator (and denominator, for a rate),
    which freezing applies, or rejects it with a reason the department sees."""
    note = note.strip()
    text_check(note, limit=TEXT_LIMITS.note, what=_("The note"))
    numerator, denominator = _decimal(numerator, _("The numerator")), _decimal(denominator, _("The denominator"))
    rate = LIBRARY[appeal.indicator].kind == RATE if appeal.indicator in LIBRARY else False
    if not uphold and not note:
        raise ApplicationError(_("Say why the appeal is rejected; the department will see it."), code="reason_required")
    if not uphold and (numerator is not None or denominator is not None):
        raise ApplicationError(_("A correction goes with upholding."), code="correction_with_rejection")
    if uphold and (numerator is None or (rate and denominator is None)):
        raise ApplicationError(
            _("Upholding records the corrected numbers: the numerator, and the denominator of a rate."),
            code="correction_required",
        )
    if uphold and rate and numerator > denominator:
        raise ApplicationError(_("A rate's numerator cannot exceed its denominator."), code="correction_invalid")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise Conflict(_("This appeal has already been decided."), code="already_decided")
        if _locked_publication(appeal.publication).status != Publication.Status.PUBLISHED:
            raise Conflict(_("These results are frozen: appeals are closed."), code="frozen")
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
        appeal.decided_by = actor
        appeal.decided_at = now
        appeal.decision_note = note
        appeal.corrected_numerator = numerator if uphold else None
        appeal.corrected_denominator = denominator if uphold and rate else None
        appeal.save()
        notification_send(
            recipients=[appeal.filed_by],
            title=(_("Appeal upheld: %(period)s") if uphold else _("Appeal rejected: %(period)s"))
            % {"period": appeal.publication.period},
            body=note,
            url=reverse("assessment:publication", args=[appeal.publication_id]),
        )
    return appeal


# ---------------------------------------------------------------------------------------------
# 冻结: freezing


def publication_freeze(*, publication: Publication, actor: User, now: datetime.datetime) -> Publication:
    """Freeze the published results once the appeal window has passed and every appeal is decided: they
    are stored again with the upheld corrections applied (the corrected indicators keep their published
    numbers as ``original_numerator`` and ``original_denominator``), scores, grades and the department
    ranking worked out again. From then on they are what every page, the workbook and the API show."""
    with transaction.atomic():
        publication = _locked_publication(publication)
        if publication.status != Publication.Status.PUBLISHED:
            raise Conflict(_("These results are frozen already."), code="frozen")
        if now <= publication.appeal_until:
            raise Conflict(
                _("Departments may appeal until %(until)s: freeze the results after that.")
                % {"until": f"{timezone.localtime(publication.appeal_until):%Y-%m-%d %H:%M}"},
                code="appeal_window_open",
            )
        pending = publication.appeals.filter(status=Appeal.Status.PENDING).count()
        if pending:
            raise Conflict(
                ngettext(
                    "%(count)s appeal still waits for a decision.",
                    "%(count)s appeals still wait for a decision.",
                    pending,
                )
                % {"count": pending},
                code="appeals_pending",
            )
        formula = Formula.from_json(publication.formula)
        upheld = list(publication.appeals.filter(status=Appeal.Status.UPHELD).order_by("decided_at", "pk"))
        for level in LEVELS:
            rows = stored_rows(publication=publication, stage=PublishedResult.Stage.PUBLISHED, level=level)
            if level == Level.DEPARTMENT and upheld:
                rows = ranked([_corrected(row, formula, upheld) for row in rows])
            _store(publication, PublishedResult.Stage.FROZEN, level, rows)
        publication.status = Publication.Status.FROZEN
        publication.frozen_by = actor
        publication.frozen_at = now
        publication.save(update_fields=["status", "frozen_by", "frozen_at", "updated"])
    return publication


def _corrected(row: dict, formula: Formula, upheld: list[Appeal]) -> dict:
    """``row`` with its upheld appeals' corrections: the numbers replaced, the value and points worked
    out again by the formula, the published numbers kept beside them."""
    corrections = [appeal for appeal in upheld if appeal.department_id == row["unit_id"]]
    if not corrections:
        return row
    parts = {kind: [dict(part) for part in row[kind]] for kind in ("indicators", "adjustments")}
    for appeal in corrections:
        for kind, rule in (("indicators", formula.item), ("adjustments", _adjustment_of(formula))):
            for part in parts[kind]:
                if part["code"] != appeal.indicator:
                    continue
                part.setdefault("original_numerator", part["numerator"])
                part.setdefault("original_denominator", part["denominator"])
                part["numerator"] = _whole(appeal.corrected_numerator)
                if part["denominator"] is not None:
                    part["denominator"] = _whole(appeal.corrected_denominator)
                part["value"] = value_of(LIBRARY[part["code"]].kind, part["numerator"], part["denominator"])
                part["corrected"] = True
                scorer = rule(part["code"])
                part["points"] = scorer.score(part["value"] if kind == "indicators" else part["numerator"])
    return rescore({**row, **parts}, formula)


def _whole(number: Decimal) -> int | Decimal:
    """A corrected count as a count (4, not 4.00); a fraction of one stays as it is."""
    return int(number) if number == number.to_integral_value() else number


def _adjustment_of(formula: Formula):
    def find(code: str):
        return next(entry for entry in formula.adjustments if entry.code == code)

    return find
