"""Reads of the mock evaluation, restricted to what the user may see, and the score rate (得分率).

得分率 = points earned / points applicable, over the observed standards (达标 earns the standard's score
value, 不达标 nothing, 不适用 is left out of both; an upheld appeal gives a failure its points back). Every
figure is one grouped query over ``Observation``, which carries the keys it is broken down by.

The draw is blind: department staff see a round, its points and its scores only once it is closed."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.rules import can_read_everything, is_inspector
from evaluation.models import Appeal, Observation, Round, RoundPoint, Sheet, Team
from inspections.models import IssuePhoto

Result = Observation.Result

# The breakdowns of the score rate: the key grouped by and the name shown.
BREAKDOWNS: dict[str, tuple[str, str]] = {
    "type": ("point_type_id", "point_type__name"),
    "street": ("street_id", "street__name"),
    "grid": ("grid_id", "grid__name"),
    "department": ("department_id", "department__name"),
    "point": ("round_point_id", "round_point__place__name"),
}


def sees_every_round(user: User) -> bool:
    """Leaders, administrators and inspectors see rounds while they run; departments once closed."""
    return bool(can_read_everything(user) or is_inspector(user))


def round_visible_to(*, user: User) -> QuerySet[Round]:
    rounds = Round.objects.all()
    if sees_every_round(user):
        return rounds
    return rounds.filter(status=Round.Status.CLOSED)


def observation_visible_to(*, user: User) -> QuerySet[Observation]:
    observations = Observation.objects.all()
    if sees_every_round(user):
        return observations
    return observations.filter(round__status=Round.Status.CLOSED)


def appeal_visible_to(*, user: User) -> QuerySet[Appeal]:
    from accounts.selectors import departments_seen_by

    appeals = Appeal.objects.all()
    if sees_every_round(user):
        return appeals
    return appeals.filter(department_id__in=departments_seen_by(user=user))


def _rate(earned: str = "points_earned", applicable: str = "points_applicable"):
    """得分率 in percent, computed by the database; null where nothing was applicable."""
    return Cast(F(earned), FloatField()) * Value(100.0) / NullIf(Cast(F(applicable), FloatField()), Value(0.0))


def _sums() -> dict[str, Any]:
    zero = Value(Decimal(0))
    return {
        "points_applicable": Coalesce(Sum("points_applicable"), zero),
        "points_earned": Coalesce(Sum("points_earned"), zero),
    }


def previous_round(round_: Round) -> Round | None:
    """The closed round before ``round_`` (by start date), which its changes are measured against."""
    return (
        Round.objects.filter(status=Round.Status.CLOSED, start_date__lt=round_.start_date)
        .order_by("-start_date", "-pk")
        .first()
    )


def _previous_round_id(round_: Round) -> Subquery:
    return Subquery(
        Round.objects.filter(status=Round.Status.CLOSED, start_date__lt=round_.start_date)
        .order_by("-start_date", "-pk")
        .values("pk")[:1]
    )


def round_scores(*, round_: Round, by: str) -> list[dict[str, Any]]:
    """The score rate of ``round_`` broken down ``by`` (a key of ``BREAKDOWNS``), the lowest first: per row
    ``key``, ``name``, ``points_applicable``, ``points_earned``, ``score_rate`` (percent), ``observed``,
    ``failed``, and ``change`` (percentage points against the previous closed round, where it had the row).
    Two queries."""
    key, name = BREAKDOWNS[by]
    rows = list(
        Observation.objects.filter(round=round_)
        .order_by()
        .values(key=F(key), name=F(name))
        .annotate(
            **_sums(),
            observed=Count("pk", filter=~Q(result=Result.NA)),
            failed=Count("pk", filter=Q(result=Result.FAIL)),
        )
        .annotate(score_rate=_rate())
        .order_by(F("score_rate").asc(nulls_last=True), "name")
    )
    before = dict(
        Observation.objects.filter(round=_previous_round_id(round_))
        .order_by()
        .values(key=F(key))
        .annotate(**_sums())
        .annotate(score_rate=_rate())
        .values_list("key", "score_rate")
    )
    for row in rows:
        previous = before.get(row["key"])
        row["score_rate"] = _round(row["score_rate"])
        row["change"] = (
            _round(row["score_rate"] - previous) if previous is not None and row["score_rate"] is not None else None
        )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def round_summary(*, round_: Round) -> dict[str, Any]:
    """The round's whole score rate, its counts and its change against the previous closed round (one query
    each for this round and the previous)."""
    totals = Observation.objects.filter(round=round_).aggregate(
        **_sums(),
        observed=Count("pk", filter=~Q(result=Result.NA)),
        failed=Count("pk", filter=Q(result=Result.FAIL)),
        sheets=Count("sheet", distinct=True),
        far=Count("sheet", distinct=True, filter=Q(sheet__far=True)),
    )
    rate = _percent(totals["points_earned"], totals["points_applicable"])
    previous = previous_round(round_)
    previous_rate = None
    if previous is not None:
        earlier = Observation.objects.filter(round=previous).aggregate(**_sums())
        previous_rate = _percent(earlier["points_earned"], earlier["points_applicable"])
    return {
        **totals,
        "score_rate": rate,
        "previous": previous,
        "previous_rate": previous_rate,
        "change": _round(rate - previous_rate) if rate is not None and previous_rate is not None else None,
    }


def _percent(earned: Decimal, applicable: Decimal) -> float | None:
    return _round(float(earned) * 100 / float(applicable)) if applicable else None


def standards_most_failed(*, round_: Round, limit: int = 10) -> list[dict[str, Any]]:
    """The standards failed most often in the round, with how often each was failed."""
    return list(
        Observation.objects.filter(round=round_, result=Result.FAIL)
        .order_by()
        .values("standard_id", code=F("standard__code"), text=F("standard__text"))
        .annotate(failed=Count("pk"), points_lost=Sum(F("points_applicable") - F("points_earned")))
        .order_by("-failed", "code")[:limit]
    )


def points_lost_most(*, round_: Round, limit: int = 10) -> list[dict[str, Any]]:
    """The round's points that lost the most, with their type and score rate."""
    rows = list(
        Observation.objects.filter(round=round_)
        .order_by()
        .values(
            "round_point_id",
            place=F("round_point__place__name"),
            type_name=F("point_type__name"),
            street_name=F("street__name"),
        )
        .annotate(**_sums(), failed=Count("pk", filter=Q(result=Result.FAIL)))
        .annotate(points_lost=F("points_applicable") - F("points_earned"), score_rate=_rate())
        .filter(points_lost__gt=0)
        .order_by("-points_lost", "place")[:limit]
    )
    for row in rows:
        row["score_rate"] = _round(row["score_rate"])
    return rows


def round_list(*, user: User) -> QuerySet[Round]:
    """The rounds the user sees, each with its score rate, points drawn and sheets in (subqueries: one query)."""
    observations = Observation.objects.filter(round=OuterRef("pk")).order_by().values("round")
    return (
        round_visible_to(user=user)
        .select_related("campaign")
        .annotate(
            points_applicable=Subquery(observations.annotate(total=Sum("points_applicable")).values("total")[:1]),
            points_earned=Subquery(observations.annotate(total=Sum("points_earned")).values("total")[:1]),
            point_count=Subquery(
                RoundPoint.objects.filter(round=OuterRef("pk"))
                .order_by()
                .values("round")
                .annotate(total=Count("pk"))
                .values("total")[:1]
            ),
            sheet_count=Subquery(
                RoundPoint.objects.filter(round=OuterRef("pk"), sheet__isnull=False)
                .order_by()
                .values("round")
                .annotate(total=Count("pk"))
                .values("total")[:1]
            ),
        )
        .annotate(score_rate=_rate())
    )


def latest_closed_round(*, before=None) -> Round | None:
    """The round closed last (by ``before``, a moment, if given): what the dashboard and the workbook show."""
    rounds = Round.objects.filter(status=Round.Status.CLOSED)
    if before is not None:
        rounds = rounds.filter(closed_at__lte=before)
    return rounds.order_by("-closed_at", "-pk").first()


# The breakdowns a report shows, with their Chinese names (the workbook's words are Chinese data).
REPORT_BREAKDOWNS = (("type", "点位类型"), ("street", "街道"), ("grid", "网格"), ("department", "责任部门"))


def round_points(*, round_: Round, user: User) -> QuerySet[RoundPoint]:
    """The round's points the user works on: an inspector's team's, or all of them for the office."""
    points = (
        RoundPoint.objects.filter(round=round_)
        .select_related("place__grid__subdistrict", "point_type", "team", "sheet")
        .order_by("order")
    )
    if can_read_everything(user) or round_.status == Round.Status.CLOSED:
        return points
    return points.filter(team__members=user)


def _grouped_rows(round_: Round, by: str) -> QuerySet:
    key, name = BREAKDOWNS[by]
    return (
        Observation.objects.filter(round=round_)
        .order_by()
        .values(key=F(key), name=F(name))
        .annotate(**_sums(), failed=Count("pk", filter=Q(result=Result.FAIL)))
        .annotate(score_rate=_rate(), by=Value(by))
    )


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lowest score rate first (none last), then by name; rates rounded."""
    rows = sorted(rows, key=lambda row: (row["score_rate"] is None, row["score_rate"] or 0, row["name"] or ""))
    for row in rows:
        row["score_rate"] = _round(row["score_rate"])
        row.pop("by", None)
    return rows


def evaluation_panel(*, streets: int = 5) -> dict[str, Any] | None:
    """The dashboard's panel: the last closed round, its score rate, by point type, and its ``streets`` worst
    streets (two queries: the round, both breakdowns in a UNION ALL; one when no round has closed)."""
    round_ = latest_closed_round()
    if round_ is None:
        return None
    rows = list(_grouped_rows(round_, "type").union(_grouped_rows(round_, "street"), all=True))
    types, streets_ = [row for row in rows if row["by"] == "type"], [row for row in rows if row["by"] == "street"]
    by_type, by_street = _ranked(types), _ranked(streets_)
    earned = sum((row["points_earned"] for row in by_type), Decimal(0))
    applicable = sum((row["points_applicable"] for row in by_type), Decimal(0))
    return {
        "round": round_,
        "score_rate": _percent(earned, applicable),
        "by_type": by_type,
        "worst_streets": by_street[:streets],
    }


def failures_to_appeal(*, round_: Round, user: User) -> list[Observation]:
    """The closed round's failures charged to the user's department, each with its appeals (newest first)."""
    if round_.status != Round.Status.CLOSED or user.work_department_id is None:
        return []
    return list(
        Observation.objects.filter(round=round_, result=Result.FAIL, department_id=user.work_department_id)
        .select_related("standard", "round_point__place", "issue")
        .prefetch_related("appeals")
        .order_by("round_point__order", "standard__code")
    )


def round_teams(*, round_: Round) -> list[Team]:
    """The round's teams by name, each with its members (``people``, by name). Two queries."""
    teams = list(round_.teams.prefetch_related("members").order_by("name", "pk"))
    for team in teams:
        team.people = sorted(team.members.all(), key=lambda user: (user.last_name, user.first_name, user.pk))
    return teams


def draw_summary(*, round_: Round) -> dict[str, Any] | None:
    """A drawn round's draw as recorded: its seed, when it was drawn, and how many candidates in how many
    strata it was drawn from (``evaluation.services.round_sample``); ``None`` before the draw."""
    if not round_.sampled_at:
        return None
    candidates = round_.candidates or {}
    return {
        "seed": round_.seed,
        "at": round_.sampled_at,
        "candidates": sum(len(codes) for codes in candidates.values()),
        "strata": len(candidates),
    }


def sheet_failures(*, sheet: Sheet) -> QuerySet[Observation]:
    """A submitted sheet's failures with their issues and the photos filed with them (each with its time and
    place of capture). Two queries."""
    found = IssuePhoto.objects.filter(stage=IssuePhoto.Stage.FOUND).order_by("pk")
    return (
        sheet.observations.filter(result=Result.FAIL)
        .select_related("standard", "issue")
        .prefetch_related(Prefetch("issue__photos", queryset=found, to_attr="found_photos"))
        .order_by("standard__item__sort_order", "standard__sort_order", "standard__code")
    )


# The reasons the round's services give its history records (round_create, round_update, round_sample,
# round_start, round_close), in words.
ROUND_STEPS = {
    "planned": _("Round planned"),
    "edited": _("Round changed"),
    "draw_undone": _("Round changed; its draw was undone"),
    "drawn": _("Points drawn"),
    "started": _("Round started"),
    "closed": _("Round closed"),
}


def round_record(*, round_: Round) -> list[dict[str, Any]]:
    """Who did what to the round and when, newest first: its changes (planned, changed, drawn, started,
    closed), who was put on its teams or taken off, the sheets submitted and the appeals filed and decided.
    Five queries."""
    entries = [
        {"at": record.history_date, "user": record.history_user, "what": ROUND_STEPS.get(reason, reason)}
        for record in round_.history.select_related("history_user")
        for reason in [record.history_change_reason or ""]
    ]
    entries += _team_record(round_)
    for sheet in Sheet.objects.filter(round_point__round=round_).select_related("observed_by", "round_point__place"):
        entries.append({"at": sheet.submitted_at, "user": sheet.observed_by, "what": str(sheet.round_point.place)})
    appeals = Appeal.objects.filter(observation__round=round_).select_related(
        "filed_by", "decided_by", "observation__round_point__place"
    )
    for appeal in appeals:
        place = str(appeal.observation.round_point.place)
        entries.append({"at": appeal.created, "user": appeal.filed_by, "what": place, "appeal": "filed"})
        if appeal.decided_at:
            entries.append({"at": appeal.decided_at, "user": appeal.decided_by, "what": place, "appeal": appeal.status})
    return sorted(entries, key=lambda entry: entry["at"], reverse=True)


def _team_record(round_: Round) -> list[dict[str, Any]]:
    """Each change of the round's teams: a team's members as they were set, or the team taken away. A team
    is saved before its members are set: that first, empty record says nothing and is left out."""
    records = list(Team.history.filter(round_id=round_.pk).select_related("history_user"))
    members_model = Team.history.model.members.model
    members: dict[int, list[str]] = {}
    rows = members_model.objects.filter(history__in=[record.history_id for record in records])
    for row in rows.select_related("user").order_by("user__last_name", "user__first_name", "user_id"):
        members.setdefault(row.history_id, []).append(row.user.display_name if row.user else "—")
    entries = []
    for record in records:
        removed = record.history_type == "-"
        if not removed and record.history_id not in members:
            continue
        entries.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "what": record.name,
                "team": "removed" if removed else "set",
                "members": "、".join(members.get(record.history_id, [])),
            }
        )
    return entries
