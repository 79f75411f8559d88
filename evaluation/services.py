"""Writes of the mock evaluation: a round planned, drawn, started and closed; a sheet submitted once, each
failure filed as an issue through the issue workflow; an appeal against a failure filed and decided.

The draw is stratified and reproducible: the candidates of each stratum (a point type, or a point type in
a street) are ordered by the place's code and recorded with the seed, and the points are drawn from that
record with ``random.Random(seed)``; drawing again from the record gives the same points, whatever places
were added since."""

import datetime
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.rules import is_administrator, is_inspector
from campaign.models import Campaign
from core.capture import CaptureSource
from core.errors import ApplicationError, Conflict
from core.geo import LocationError, location_pair, metres_between
from core.history import history_author
from core.images import Photo
from core.limits import TEXT_LIMITS, text_check
from core.working_time import add_working_days
from evaluation.models import (
    Appeal,
    AppealPhoto,
    Observation,
    ObservationPoint,
    PointType,
    Round,
    RoundPoint,
    Sheet,
    Standard,
    Team,
)
from inspections.models import Inspection, Issue
from inspections.services import issue_file, issue_route

Result = Observation.Result
Status = Round.Status


# ---------------------------------------------------------------------------------------------
# Rounds


class TeamPlan(NamedTuple):
    """A team as the office plans it: its name and its two inspectors."""

    name: str
    members: Sequence[User]


TEAM_SIZE = 2


def round_create(
    *,
    code: str,
    title: str,
    campaign: Campaign,
    start_date: datetime.date,
    end_date: datetime.date,
    points_per_type: int = 3,
    by_street: bool = False,
    exclude_rounds: int = 0,
    point_types: Iterable[PointType] = (),
    teams: Iterable[tuple[str, Iterable[User]]] = (),
    actor: User | None = None,
) -> Round:
    """Plan a round, with its inspection record (under which its failures are filed) and its teams of two
    inspectors. Refused, with nothing saved, for a code already used, a window that ends before it starts,
    fewer than one point per type, or teams that are not two different inspectors each."""
    code, title = code.strip(), title.strip()
    problems = []
    if not code:
        problems.append(Problem("code", "code_required", _("Give the round a code.")))
    elif Round.objects.filter(code=code).exists() or Inspection.objects.filter(code=code).exists():
        message = _("The code %(code)s is already used by another round or inspection.") % {"code": code}
        problems.append(Problem("code", "code_taken", message))
    teams = _check_round(
        title=title,
        start_date=start_date,
        end_date=end_date,
        points_per_type=points_per_type,
        exclude_rounds=exclude_rounds,
        teams=teams,
        problems=problems,
    )
    with transaction.atomic():
        inspection = round_inspection(
            code=code, title=title, campaign=campaign, start_date=start_date, end_date=end_date
        )
        round_ = history_author(
            Round(
                code=code,
                title=title,
                campaign=campaign,
                start_date=start_date,
                end_date=end_date,
                points_per_type=points_per_type,
                by_street=by_street,
                exclude_rounds=exclude_rounds,
                inspection=inspection,
            ),
            actor=actor,
            reason="planned",
        )
        round_.save()
        round_.point_types.set(point_types)
        _teams_set(round_, teams, actor=actor)
    return round_


def round_update(
    *,
    round_: Round,
    title: str,
    campaign: Campaign,
    start_date: datetime.date,
    end_date: datetime.date,
    points_per_type: int,
    by_street: bool,
    exclude_rounds: int,
    point_types: Iterable[PointType],
    teams: Iterable[tuple[str, Iterable[User]]],
    actor: User | None = None,
) -> tuple[Round, bool]:
    """Change a planned round, as ``round_create`` checks it. A draw made under other sampling settings (the
    point types, the number per type or per street, the rounds left out and, when some are, the first day
    that orders the earlier rounds) no longer holds and is undone, to be drawn again; points drawn are shared
    among the teams in turn again. Returns the round and whether its draw was undone."""
    teams = _check_round(
        title=title.strip(),
        start_date=start_date,
        end_date=end_date,
        points_per_type=points_per_type,
        exclude_rounds=exclude_rounds,
        teams=teams,
    )
    point_types = list(point_types)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Status.PLANNED:
            raise Conflict(_("Only a planned round can be changed."), code="round_not_planned")
        # The first day orders the earlier rounds, and so matters only when some are left out.
        sampling = (
            set(round_.point_types.values_list("pk", flat=True)),
            round_.points_per_type,
            round_.by_street,
            round_.exclude_rounds,
            round_.start_date if round_.exclude_rounds else None,
        )
        planned = (
            {point_type.pk for point_type in point_types},
            points_per_type,
            by_street,
            exclude_rounds,
            start_date if exclude_rounds else None,
        )
        round_.title, round_.campaign = title.strip(), campaign
        round_.start_date, round_.end_date = start_date, end_date
        round_.points_per_type, round_.by_street, round_.exclude_rounds = points_per_type, by_street, exclude_rounds
        undone = bool(round_.sampled_at) and sampling != planned
        if undone:
            round_.points.all().delete()
            round_.seed, round_.candidates, round_.sampled_at = None, {}, None
            round_.inspection.grids.clear()
        history_author(round_, actor=actor, reason="draw_undone" if undone else "edited")
        round_.save()
        round_.point_types.set(point_types)
        Inspection.objects.filter(pk=round_.inspection_id).update(
            title=round_.title, campaign=campaign, date=start_date, end_date=end_date
        )
        _teams_set(round_, teams, actor=actor)
        _assign_in_turn(round_)
    return round_, undone


class Problem(NamedTuple):
    """One thing wrong with a round as planned: the field at fault, a code and the words shown."""

    field: str
    code: str
    message: str


def _check_round(
    *,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    points_per_type: int,
    exclude_rounds: int,
    teams: Iterable[tuple[str, Iterable[User]]],
    problems: list[Problem] | None = None,
) -> list[TeamPlan]:
    """The rules a planned round keeps, whether new or changed; its teams as plans. Everything wrong is said
    at once: the ``ApplicationError`` names the first problem, and lists them all in ``extra["errors"]``
    (field, message), so that a form shows each beside its field."""
    problems = problems if problems is not None else []
    if not title:
        problems.append(Problem("title", "title_required", _("Give the round a title.")))
    if end_date < start_date:
        problems.append(Problem("end_date", "dates_disordered", _("The round cannot end before it starts.")))
    if points_per_type < 1:
        problems.append(Problem("points_per_type", "points_per_type", _("Draw at least one point per type.")))
    if exclude_rounds < 0:
        message = _("The number of earlier rounds left out cannot be negative.")
        problems.append(Problem("exclude_rounds", "exclude_rounds", message))
    plans = []
    try:
        plans = teams_check(teams)
    except ApplicationError as error:
        problems.append(Problem("teams", error.code, error.message))
    if problems:
        first = problems[0]
        raise ApplicationError(
            first.message,
            code=first.code,
            extra={"field": first.field, "errors": [(problem.field, problem.message) for problem in problems]},
        )
    return plans


_TEAMS = {"field": "teams"}  # a team's fault is the teams' part of the round's form


def teams_check(teams: Iterable[tuple[str, Iterable[User]]]) -> list[TeamPlan]:
    """A round's teams: at least one, each named once, each of two different inspectors, no inspector on two
    teams. Raises ``ApplicationError`` naming the team at fault."""
    plans = [TeamPlan(name.strip(), list(members)) for name, members in teams]
    if not plans:
        raise ApplicationError(_("A round needs at least one team of two inspectors."), code="no_team", extra=_TEAMS)
    seen_names: set[str] = set()
    on_a_team: dict[int, str] = {}
    for number, plan in enumerate(plans, start=1):
        name = plan.name
        if not name:
            raise ApplicationError(
                _("Give team %(number)s a name.") % {"number": number}, code="team_name", extra=_TEAMS
            )
        if name in seen_names:
            raise ApplicationError(
                _("Two teams are named %(team)s.") % {"team": name}, code="team_name_twice", extra=_TEAMS
            )
        seen_names.add(name)
        people = [member.pk for member in plan.members]
        if len(set(people)) < len(people):
            twice = next(member for member in plan.members if people.count(member.pk) > 1)
            raise ApplicationError(
                _("%(person)s is in %(team)s twice: a team is two different inspectors.")
                % {"person": twice.display_name, "team": name},
                code="team_member_twice",
                extra=_TEAMS,
            )
        if len(people) != TEAM_SIZE:
            raise ApplicationError(
                _("%(team)s has %(count)s inspectors: a team is two inspectors.")
                % {"team": name, "count": len(people)},
                code="team_size",
                extra=_TEAMS,
            )
        for member in plan.members:
            # An administrator counts as every role, an inspector too (accounts.context_processors.frame).
            if not (member.is_active and (is_inspector(member) or is_administrator(member))):
                raise ApplicationError(
                    _("%(person)s in %(team)s is not an inspector.") % {"person": member.display_name, "team": name},
                    code="team_not_inspector",
                    extra=_TEAMS,
                )
            if member.pk in on_a_team:
                raise ApplicationError(
                    _("%(person)s is in %(team)s and in %(other)s: an inspector is on one team of a round.")
                    % {"person": member.display_name, "team": on_a_team[member.pk], "other": name},
                    code="team_member_on_two",
                    extra=_TEAMS,
                )
            on_a_team[member.pk] = name
    return plans


def _teams_set(round_: Round, teams: list[TeamPlan], *, actor: User | None) -> None:
    """Make the round's teams those planned: a team keeps its name (and its history), its members are set;
    teams no longer planned go (their points wait to be shared again). The inspection record's members are
    the teams'."""
    existing = {team.name: team for team in round_.teams.all()}
    for name, team in existing.items():
        if name not in {plan.name for plan in teams}:
            history_author(team, actor=actor).delete()
    members = []
    for plan in teams:
        team = existing.get(plan.name) or history_author(Team(round=round_, name=plan.name), actor=actor)
        if team.pk is None:
            team.save()
        if set(team.members.values_list("pk", flat=True)) != {member.pk for member in plan.members}:
            history_author(team, actor=actor)
            team.members.set(plan.members)
        members += plan.members
    round_.inspection.members.set(members)


def _assign_in_turn(round_: Round) -> None:
    """The drawn points shared among the teams in turn (by name), in the order drawn."""
    teams = list(round_.teams.order_by("name", "pk"))
    points = list(round_.points.order_by("order"))
    for index, point in enumerate(points):
        point.team = teams[index % len(teams)] if teams else None
    RoundPoint.objects.bulk_update(points, ["team"])


def round_inspection(
    *, code: str, title: str, campaign: Campaign, start_date: datetime.date, end_date: datetime.date
) -> Inspection:
    """The inspection record a round's failures are filed under (their issues' ``inspection``)."""
    return Inspection.objects.create(
        campaign=campaign,
        code=code,
        title=title,
        kind=Inspection.Kind.THIRD_PARTY,
        team=_("Mock evaluation"),
        date=start_date,
        end_date=end_date,
    )


@dataclass
class Draw:
    """A round's draw: the seed, the candidates of each stratum (place codes, ordered) and the drawn points
    (stratum, place code), in the order drawn."""

    seed: int
    candidates: dict[str, list[str]]
    drawn: list[tuple[str, str]] = field(default_factory=list)


def _stratum(point_type: PointType, street_code: str | None) -> str:
    return f"{point_type.code}/{street_code}" if street_code else point_type.code


def round_candidates(*, round_: Round) -> dict[str, list[str]]:
    """The candidate points of each stratum now: the active places that are points of the round's types
    (in each street with ``by_street``), those drawn in the last ``exclude_rounds`` rounds left out, each
    stratum's codes in order."""
    types = list(round_.point_types.all()) or list(PointType.objects.filter(is_active=True))
    points = ObservationPoint.objects.filter(point_type__in=types, place__is_active=True).values_list(
        "point_type__code", "place__grid__subdistrict__code", "place__code", "place_id"
    )
    excluded: set[int] = set()
    if round_.exclude_rounds:
        earlier = (
            Round.objects.filter(start_date__lt=round_.start_date)
            .exclude(pk=round_.pk)
            .order_by("-start_date", "-pk")
            .values_list("pk", flat=True)[: round_.exclude_rounds]
        )
        excluded = set(RoundPoint.objects.filter(round__in=list(earlier)).values_list("place_id", flat=True))
    by_code = {point_type.code: point_type for point_type in types}
    strata: dict[str, list[str]] = {}
    for type_code, street_code, place_code, place_id in points:
        if place_id in excluded:
            continue
        key = _stratum(by_code[type_code], street_code if round_.by_street else None)
        strata.setdefault(key, []).append(place_code)
    return {key: sorted(codes) for key, codes in sorted(strata.items())}


def draw_from(*, candidates: dict[str, list[str]], seed: int, per_stratum: int) -> list[tuple[str, str]]:
    """The points drawn from recorded ``candidates`` with ``seed``: ``per_stratum`` of each stratum (all of a
    smaller one), strata in order. The same record and seed give the same points."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, not a secret
    drawn = []
    for key in sorted(candidates):
        codes = sorted(candidates[key])
        for code in rng.sample(codes, min(per_stratum, len(codes))):
            drawn.append((key, code))
    return drawn


def round_draw(*, round_: Round, seed: int | None = None) -> Draw:
    """What drawing ``round_`` gives, without saving it: from its recorded candidates and seed once drawn
    (and no other seed asked for), else from today's candidates."""
    if round_.sampled_at and (seed is None or seed == round_.seed):
        candidates, seed = round_.candidates, round_.seed
    else:
        candidates = round_candidates(round_=round_)
        if seed is None:
            seed = random.SystemRandom().randrange(1, 2**31)
    return Draw(
        seed=seed,
        candidates=candidates,
        drawn=draw_from(candidates=candidates, seed=seed, per_stratum=round_.points_per_type),
    )


def round_sample(*, round_: Round, seed: int | None = None, actor: User | None = None) -> Draw:
    """Draw a planned round's points (again, with a new seed, while it is planned), record the candidates
    and the seed, and assign the points to the teams in turn."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Status.PLANNED:
            raise Conflict(_("Only a planned round can be drawn."), code="round_not_planned")
        draw = round_draw(round_=round_, seed=seed)
        if not draw.drawn:
            raise Conflict(_("There is no observation point of the round's types to draw."), code="no_candidates")
        places = dict(
            ObservationPoint.objects.filter(place__code__in=[code for _key, code in draw.drawn]).values_list(
                "place__code", "place_id"
            )
        )
        types = dict(
            ObservationPoint.objects.filter(place__code__in=[code for _key, code in draw.drawn]).values_list(
                "place__code", "point_type_id"
            )
        )
        teams = list(round_.teams.order_by("name", "pk"))  # as _assign_in_turn shares them
        round_.points.all().delete()
        RoundPoint.objects.bulk_create(
            RoundPoint(
                round=round_,
                place_id=places[code],
                point_type_id=types[code],
                stratum=key,
                team=teams[index % len(teams)] if teams else None,
                order=index + 1,
            )
            for index, (key, code) in enumerate(draw.drawn)
        )
        # The round's inspection record covers the grids of its points, as an inspection's scope does.
        round_.inspection.grids.set(
            set(RoundPoint.objects.filter(round=round_).values_list("place__grid_id", flat=True))
        )
        round_.seed, round_.candidates, round_.sampled_at = draw.seed, draw.candidates, timezone.now()
        history_author(round_, actor=actor, reason="drawn")
        round_.save()
    return draw


def round_start(*, round_: Round, actor: User | None = None) -> Round:
    """Open a drawn round for observation."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Status.PLANNED:
            raise Conflict(_("Only a planned round can be started."), code="round_not_planned")
        if not round_.sampled_at:
            raise Conflict(_("Draw the round's points before it starts."), code="round_not_drawn")
        round_.status = Status.IN_PROGRESS
        history_author(round_, actor=actor, reason="started")
        round_.save()
    return round_


def round_close(*, round_: Round, actor: User | None = None, now: datetime.datetime | None = None) -> Round:
    """Close a round: its points and scores are shown to the departments from now on."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != Status.IN_PROGRESS:
            raise Conflict(_("Only a round in progress can be closed."), code="round_not_in_progress")
        round_.status = Status.CLOSED
        round_.closed_at = now or timezone.now()
        history_author(round_, actor=actor, reason="closed")
        round_.save()
    return round_


# ---------------------------------------------------------------------------------------------
# The observation sheet


@dataclass(frozen=True)
class Answer:
    """One standard's answer on a sheet: its result, a note, and photos (a failure needs both)."""

    result: str
    note: str = ""
    photos: tuple[Photo, ...] = ()


def standards_for(point_type_id: int) -> list[Standard]:
    """The active standards of a point type, in the sheet's order, with their items."""
    return list(
        Standard.objects.filter(point_types=point_type_id, is_active=True)
        .select_related("item", "criterion")
        .order_by("item__sort_order", "item__code", "sort_order", "code")
    )


def round_point_of(*, round_: Round, place_id: int) -> RoundPoint:
    """The point of ``round_`` at a place; ``ApplicationError`` for a place the round did not draw."""
    point = RoundPoint.objects.filter(round=round_, place_id=place_id).select_related("place__grid", "round").first()
    if point is None:
        raise ApplicationError(_("This point was not drawn for this round."), code="point_not_in_round")
    return point


def _may_observe(round_point: RoundPoint, actor: User) -> bool:
    if actor.is_superuser:
        return True
    return round_point.team_id is not None and round_point.team.members.filter(pk=actor.pk).exists()


def sheet_submit(
    *,
    round_point: RoundPoint,
    actor: User,
    answers: dict[int, Answer],
    idempotency_key: uuid.UUID,
    observed_at: datetime.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Sheet, bool]:
    """Record a point's sheet once: every standard of its type answered 达标, 不达标 or 不适用, a failure
    with a note and a photo, observed in the round's window (taken up to ``EVALUATION_LATE_DAYS`` after it
    ends). Each failure is filed as an issue (source 模拟测评, under the round's inspection), routed and
    timed as any. A sheet sent again with the same key returns the first, and ``False`` for "not new"."""
    now = now or timezone.now()
    observed_at = observed_at or now
    existing = Sheet.objects.filter(idempotency_key=idempotency_key).select_related("round_point").first()
    if existing is not None:
        return _repeat(existing, round_point)
    round_ = round_point.round
    _check_window(round_, observed_at=observed_at, now=now)
    try:
        latitude, longitude = location_pair(latitude, longitude)
    except LocationError as error:
        raise ApplicationError(error.message, code="location_incomplete") from None
    standards = {standard.pk: standard for standard in standards_for(round_point.point_type_id)}
    _check_answers(answers, standards)
    _check_captures(round_, answers, standards, now=now)
    place = round_point.place
    limit = settings.EVALUATION_MAX_DISTANCE_M
    distance = metres_between(latitude, longitude, place.latitude, place.longitude)
    photos_far = sum(
        1
        for answer in answers.values()
        for photo in answer.photos
        if (far_by := _photo_distance(photo, place)) is not None and far_by > limit
    )

    with transaction.atomic():
        locked = RoundPoint.objects.select_for_update(of=("self",)).select_related("team").get(pk=round_point.pk)
        if not _may_observe(locked, actor):
            raise ApplicationError(_("This point is not assigned to your team."), code="not_your_point")
        existing = Sheet.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _repeat(existing, round_point)
        if Sheet.objects.filter(round_point=locked).exists():
            raise Conflict(_("The sheet of this point has already been submitted."), code="sheet_already_submitted")
        sheet = Sheet.objects.create(
            round_point=locked,
            idempotency_key=idempotency_key,
            observed_by=actor,
            observed_at=observed_at,
            latitude=latitude,
            longitude=longitude,
            distance_m=distance,
            photos_far=photos_far,
            far=(distance is not None and distance > limit) or photos_far > 0,
        )
        rows = []
        for standard_id, answer in answers.items():
            standard = standards[standard_id]
            department = issue_route(place=place, criterion=standard.criterion).department
            issue = None
            if answer.result == Result.FAIL:
                # Where the failure was seen: its first photo's position, else where the sheet was filled.
                seen = next((photo.capture for photo in answer.photos if _photo_has_position(photo)), None)
                issue = issue_file(
                    reporter=actor,
                    place=place,
                    criterion=standard.criterion,
                    description=f"{standard.text}：{answer.note}",
                    inspection=round_.inspection,
                    campaign=round_.campaign,
                    latitude=seen.latitude if seen else latitude,
                    longitude=seen.longitude if seen else longitude,
                    photos=list(answer.photos),
                    source=Issue.Source.EVALUATION,
                )
                department = issue.department
            applicable = Decimal(0) if answer.result == Result.NA else standard.points
            rows.append(
                Observation(
                    sheet=sheet,
                    round=round_,
                    round_point=locked,
                    standard=standard,
                    point_type_id=locked.point_type_id,
                    street_id=place.grid.subdistrict_id,
                    grid_id=place.grid_id,
                    department=department,
                    result=answer.result,
                    points_applicable=applicable,
                    points_earned=applicable if answer.result == Result.PASS else Decimal(0),
                    note=answer.note,
                    issue=issue,
                )
            )
        # With their history records: an upheld appeal's change is then read against the first result.
        bulk_create_with_history(rows, Observation, default_user=actor, default_change_reason="observed")
    return sheet, True


def _repeat(existing: Sheet, round_point: RoundPoint) -> tuple[Sheet, bool]:
    if existing.round_point_id != round_point.pk:
        raise Conflict(_("This submission key was already used for another point."), code="key_reused")
    return existing, False


def _check_window(round_: Round, *, observed_at: datetime.datetime, now: datetime.datetime) -> None:
    if round_.status == Status.PLANNED:
        raise Conflict(_("The round has not started yet."), code="round_not_started")
    observed_day = timezone.localdate(observed_at)
    if not round_.start_date <= observed_day <= round_.end_date:
        raise ApplicationError(
            _("The answers were observed on %(day)s, outside the round's window (%(start)s to %(end)s).")
            % {"day": observed_day, "start": round_.start_date, "end": round_.end_date},
            code="outside_window",
        )
    if observed_at > now + _clock_grace():
        raise ApplicationError(_("The time of observation is in the future."), code="observed_in_future")
    last_day = round_.end_date + datetime.timedelta(days=settings.EVALUATION_LATE_DAYS)
    if timezone.localdate(now) > last_day:
        raise Conflict(
            _("Answers of this round were taken until %(day)s.") % {"day": last_day}, code="round_window_over"
        )


def _clock_grace() -> datetime.timedelta:
    """How far a phone's clock may be off: a moment this much later than now, or than the round's window,
    is still taken."""
    return datetime.timedelta(minutes=settings.EVALUATION_CLOCK_GRACE_MINUTES)


def _photo_has_position(photo: Photo) -> bool:
    return photo.capture is not None and photo.capture.has_position


def _photo_distance(photo: Photo, place) -> int | None:
    if not _photo_has_position(photo):
        return None
    capture = photo.capture
    return metres_between(capture.latitude, capture.longitude, place.latitude, place.longitude)


def _check_captures(
    round_: Round, answers: dict[int, Answer], standards: dict[int, Standard], *, now: datetime.datetime
) -> None:
    """Every failure's photo was taken in the round's window (its first day's midnight to its last day's,
    widened by the clock grace) and not later than now. The moment a photo merely arrived
    (``CaptureSource.SERVER``, a page without scripts) says nothing of its capture and is not checked."""
    grace = _clock_grace()
    opens = timezone.make_aware(datetime.datetime.combine(round_.start_date, datetime.time.min)) - grace
    last_midnight = datetime.datetime.combine(round_.end_date + datetime.timedelta(days=1), datetime.time.min)
    closes = timezone.make_aware(last_midnight) + grace
    for standard_id, answer in answers.items():
        for photo in answer.photos:
            capture = photo.capture
            if capture is None or capture.taken_at is None or capture.time_source == CaptureSource.SERVER:
                continue
            taken = timezone.localtime(capture.taken_at)
            words = {"photo": photo.name, "standard": standards[standard_id].text, "at": f"{taken:%Y-%m-%d %H:%M}"}
            if capture.taken_at > now + grace:
                raise ApplicationError(
                    _(
                        "The photo %(photo)s of %(standard)s was taken at %(at)s, later than now: check the phone's "
                        "clock and take the photo again."
                    )
                    % words,
                    code="photo_taken_in_future",
                )
            if not opens <= capture.taken_at < closes:
                raise ApplicationError(
                    _(
                        "The photo %(photo)s of %(standard)s was taken at %(at)s, outside the round's window "
                        "(%(start)s to %(end)s): take a photo on site now."
                    )
                    % {**words, "start": round_.start_date, "end": round_.end_date},
                    code="photo_taken_outside_window",
                )


def _check_answers(answers: dict[int, Answer], standards: dict[int, Standard]) -> None:
    foreign = sorted(set(answers) - set(standards))
    if foreign:
        raise ApplicationError(
            _("A standard that does not apply to this point's type was answered."), code="standard_not_applicable"
        )
    missing = [standards[pk] for pk in standards if pk not in answers]
    if missing:
        raise ApplicationError(
            _("Answer every standard: %(standard)s is not answered.") % {"standard": missing[0].text},
            code="answer_missing",
        )
    for standard_id, answer in answers.items():
        text = standards[standard_id].text
        if answer.result not in Result.values:
            raise ApplicationError(
                _("Choose 达标, 不达标 or 不适用 for %(standard)s.") % {"standard": text}, code="result"
            )
        text_check(answer.note, limit=TEXT_LIMITS.description, what=_("The note"))
        if answer.result == Result.FAIL:
            if not answer.note.strip():
                raise ApplicationError(
                    _("A failure needs a note: %(standard)s.") % {"standard": text}, code="note_required"
                )
            if not answer.photos:
                raise ApplicationError(
                    _("A failure needs at least one photo: %(standard)s.") % {"standard": text}, code="photo_required"
                )


# ---------------------------------------------------------------------------------------------
# Appeals


def appeal_deadline(round_: Round) -> datetime.date | None:
    """The last day a failure of a closed round may be appealed."""
    if round_.closed_at is None:
        return None
    return add_working_days(timezone.localdate(round_.closed_at), settings.EVALUATION_APPEAL_WORKING_DAYS)


def appeal_file(
    *,
    observation: Observation,
    actor: User,
    reason: str,
    photos: list[Photo] = (),
    today: datetime.date | None = None,
) -> Appeal:
    """A department appeals a failure charged to it, with a reason and photos, after the round closed and
    before the appeal deadline."""
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Say why the failure should not stand."), code="reason_required")
    text_check(reason, limit=TEXT_LIMITS.reason, what=_("The reason"))
    if observation.result != Result.FAIL:
        raise Conflict(_("Only a failure can be appealed."), code="not_a_failure")
    round_ = observation.round
    if round_.status != Status.CLOSED:
        raise Conflict(_("A failure can be appealed once the round is closed."), code="round_not_closed")
    deadline = appeal_deadline(round_)
    if (today or timezone.localdate()) > deadline:
        raise Conflict(_("Appeals were taken until %(day)s.") % {"day": deadline}, code="appeal_too_late")
    if not actor.is_superuser and actor.work_department_id != observation.department_id:
        raise ApplicationError(_("Only the department charged with a failure may appeal it."), code="not_charged")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                observation=observation, department_id=observation.department_id, filed_by=actor, reason=reason
            )
            for photo in photos:
                AppealPhoto.objects.create(appeal=appeal, image=photo.image, thumbnail=photo.thumbnail)
            return appeal
    except IntegrityError:
        raise Conflict(_("This failure has already been appealed."), code="appeal_exists") from None


def appeal_decide(*, appeal: Appeal, actor: User, uphold: bool, note: str = "") -> Appeal:
    """The evaluation office upholds an appeal (the failure earns its points back; the observation's history
    keeps both) or rejects it with a reason."""
    note = note.strip()
    text_check(note, limit=TEXT_LIMITS.note, what=_("The note"))
    if not uphold and not note:
        raise ApplicationError(_("Say why the appeal is rejected."), code="note_required")
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise Conflict(_("This appeal has already been decided."), code="appeal_decided")
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, timezone.now(), note
        appeal.save()
        if uphold:
            observation = Observation.objects.select_for_update().get(pk=appeal.observation_id)
            observation.points_earned = observation.points_applicable
            history_author(observation, actor=actor, reason=_("Appeal upheld"))
            observation.save(update_fields=["points_earned"])
    return appeal
