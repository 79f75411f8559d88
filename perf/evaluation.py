"""The mock evaluation at city scale, for ``seed_scale`` and ``bench``: twelve point types (one with 40
standards, the others 30), observation points, and a closed round of about 3,000 sampled points with every
standard observed (90,000 observations and more), written in bulk after the rest of the synthetic city."""

import datetime
import random
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from accounts.models import Role, User
from campaign.models import Campaign
from evaluation import services
from evaluation.models import (
    Appeal,
    Item,
    Observation,
    ObservationPoint,
    PointType,
    Round,
    RoundPoint,
    Sheet,
    Standard,
    Team,
)
from grids.models import Grid, Place
from inspections.models import Criterion
from inspections.services import issue_route

PREFIX = "SC-"
ROUND_CODE = "SC-PC-1"
TYPES = 12
STANDARDS_PER_TYPE = 30
SHEET_STANDARDS = 40  # the first type's, for the sheet page's measurement
MAX_POINTS = 3000
BATCH = 5000


def evaluation_points_for(issues: int) -> int:
    """How many points the round draws for a city of ``issues`` issues: 3,000 at the default scale."""
    return min(MAX_POINTS, max(TYPES * 2, issues // 80))


def scale_evaluation_seed(*, points: int, seed: int, today: datetime.date) -> dict[str, int]:
    """Seed the evaluation system and one closed round of ``points`` points (about), every standard observed."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    campaign = Campaign.objects.filter(code__startswith=PREFIX).order_by("pk").first()
    criteria = list(Criterion.objects.filter(code__startswith=PREFIX).select_related("default_department"))
    inspectors = list(User.objects.filter(username__startswith="sc-", groups__name=Role.INSPECTOR).order_by("pk")[:2])
    if campaign is None or not criteria or not inspectors:
        return {}
    types = PointType.objects.bulk_create(
        PointType(code=f"{PREFIX}PT{n + 1:02d}", name=f"点位类型{n + 1:02d}", sort_order=n) for n in range(TYPES)
    )
    item = Item.objects.create(code=f"{PREFIX}ITEM", title="城市管理")
    for index, point_type in enumerate(types):
        count = SHEET_STANDARDS if index == 0 else STANDARDS_PER_TYPE
        standards = Standard.objects.bulk_create(
            Standard(
                code=f"{PREFIX}S{index + 1:02d}-{n + 1:02d}",
                item=item,
                text=f"{point_type.name}测评标准{n + 1}",
                points=Decimal(1 + n % 2),
                criterion=criteria[(index + n) % len(criteria)],
                sort_order=n,
            )
            for n in range(count)
        )
        Standard.point_types.through.objects.bulk_create(
            Standard.point_types.through(standard_id=standard.pk, pointtype_id=point_type.pk) for standard in standards
        )
    per_type = max(1, points // TYPES)
    wanted = per_type * TYPES * 6 // 5  # a fifth more candidates than points, so that the draw chooses
    _more_places(wanted)
    places = list(
        Place.objects.filter(grid__code__startswith=PREFIX).order_by("code").values_list("pk", flat=True)[:wanted]
    )
    ObservationPoint.objects.bulk_create(
        (ObservationPoint(place_id=pk, point_type=types[n % TYPES]) for n, pk in enumerate(places)), batch_size=BATCH
    )
    end = today - datetime.timedelta(days=7)
    round_ = services.round_create(
        code=ROUND_CODE,
        title="模拟测评（规模测试）",
        campaign=campaign,
        start_date=end - datetime.timedelta(days=4),
        end_date=end,
        points_per_type=per_type,
        teams=[("第一组", inspectors)],
    )
    services.round_sample(round_=round_, seed=seed)
    services.round_start(round_=round_)
    _observe(round_, rng, inspectors[0])
    services.round_close(round_=round_, now=datetime.datetime.combine(end, datetime.time(18), tzinfo=datetime.UTC))
    return scale_evaluation_counts()


def _more_places(wanted: int) -> None:
    """Streets enough for the round: a small synthetic city gets more, in its grids (gone with them on reset)."""
    grids = list(Grid.objects.filter(code__startswith=PREFIX).order_by("code"))
    missing = wanted - Place.objects.filter(grid__code__startswith=PREFIX).count()
    if missing <= 0 or not grids:
        return
    Place.objects.bulk_create(
        (
            Place(
                code=f"{PREFIX}EP{n + 1:05d}",
                name=f"测评路{n + 1}号段",
                kind=Place.Kind.STREET,
                grid=grids[n % len(grids)],
                assigned_department_id=grids[n % len(grids)].subdistrict_id,
                territorial_unit_id=grids[n % len(grids)].subdistrict_id,
            )
            for n in range(missing)
        ),
        batch_size=BATCH,
    )


def _observe(round_: Round, rng: random.Random, observer: User) -> None:
    points = list(
        round_.points.select_related("place__grid", "place__assigned_department", "place__territorial_unit").order_by(
            "order"
        )
    )
    observed_at = datetime.datetime.combine(round_.start_date, datetime.time(10), tzinfo=datetime.UTC)
    sheets = Sheet.objects.bulk_create(
        (Sheet(round_point=point, observed_by=observer, observed_at=observed_at) for point in points), batch_size=BATCH
    )
    standards: dict[int, list[Standard]] = {}
    rows = []
    for point, sheet in zip(points, sheets, strict=True):
        if point.point_type_id not in standards:
            standards[point.point_type_id] = services.standards_for(point.point_type_id)
        failing = 0.1 + 0.2 * rng.random()
        for standard in standards[point.point_type_id]:
            draw = rng.random()
            result = "na" if draw < 0.05 else "fail" if draw < 0.05 + failing else "pass"
            applicable = Decimal(0) if result == "na" else standard.points
            rows.append(
                Observation(
                    sheet=sheet,
                    round=round_,
                    round_point=point,
                    standard=standard,
                    point_type_id=point.point_type_id,
                    street_id=point.place.grid.subdistrict_id,
                    grid_id=point.place.grid_id,
                    department_id=issue_route(place=point.place, criterion=standard.criterion).department.pk,
                    result=result,
                    points_applicable=applicable,
                    points_earned=applicable if result == "pass" else Decimal(0),
                )
            )
            if len(rows) >= BATCH:
                Observation.objects.bulk_create(rows)
                rows = []
    Observation.objects.bulk_create(rows)


def scale_evaluation_counts() -> dict[str, int]:
    return {
        "evaluation_points": RoundPoint.objects.filter(round__code__startswith=PREFIX).count(),
        "evaluation_observations": Observation.objects.filter(round__code__startswith=PREFIX).count(),
    }


def scale_evaluation_reset() -> None:
    """Delete the synthetic rounds (and all that hangs on them) and evaluation system, before the rest of the
    synthetic city (their inspections, places and people are deleted after). Plain DELETEs: no row is loaded."""
    rounds = Round.objects.filter(code__startswith=PREFIX)
    standards = Standard.objects.filter(code__startswith=PREFIX)
    steps = [
        Appeal.objects.filter(observation__round__in=rounds),
        Observation.objects.filter(round__in=rounds),
        Observation.history.model.objects.filter(round_id__in=rounds.values("pk")),
        Sheet.objects.filter(round_point__round__in=rounds),
        RoundPoint.objects.filter(round__in=rounds),
        Team.members.through.objects.filter(team__round__in=rounds),
        Team.objects.filter(round__in=rounds),
        Round.point_types.through.objects.filter(round__in=rounds),
        Round.history.model.objects.filter(code__startswith=PREFIX),
        rounds,
        ObservationPoint.objects.filter(
            Q(point_type__code__startswith=PREFIX) | Q(place__grid__code__startswith=PREFIX)
        ),
        Standard.point_types.through.objects.filter(standard__in=standards),
        Standard.history.model.objects.filter(code__startswith=PREFIX),
        standards,
        Item.objects.filter(code__startswith=PREFIX),
        PointType.objects.filter(code__startswith=PREFIX),
    ]
    with connection.cursor() as cursor:
        for queryset in steps:
            model = queryset.model
            sql, params = queryset.values("pk").query.sql_with_params()
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"DELETE FROM {table} WHERE {pk} IN (SELECT * FROM ({sql}) AS doomed)", params)  # noqa: S608 - names from _meta
