"""The demo's mock evaluation (模拟测评): twelve point types of the handbook with sixty standards, the places
of 东昌府区 made observation points, a round closed in March 2018 whose failures are in the issue workflow
(its score rate differs by street), and a round in progress assigned to the ``inspector`` account.

The rounds are planned, drawn and started through ``evaluation.services`` (the draw is reproducible from
its seed); the closed round's sheets and observations are written in bulk, as the rest of the demo is,
each failure an issue the builder plans (``plan_failures`` then ``write_observations``). The March round
keeps March 2018's dates whatever day the demo is loaded on: its record, its sheets and the issues filed from
them (``demo.services`` walks those on the working calendar of that spring, all closed within it)."""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from accounts.models import User
from campaign.models import Campaign
from evaluation import services
from evaluation.models import Item, Observation, ObservationPoint, PointType, Round, Sheet, Standard, Team
from grids.models import Place
from inspections.models import Criterion, Inspection, Issue
from inspections.services import issue_route

PREFIX = "LC-PC-"
CLOSED_ROUND = "LC-PC-2018-03"
RUNNING_ROUND = "LC-PC-NOW"
SEED = 201803

# Point types of the 2021 handbook, and the kinds of place they are drawn from.
POINT_TYPES = (
    ("ZCGD", "主次干道", "street"),
    ("BJXX", "背街小巷", "street"),
    ("SYDJ", "商业大街", "street"),
    ("GJZD", "公交站点", "street"),
    ("SZLK", "十字路口", "street"),
    ("WYXQ", "物业小区", "compound"),
    ("LJXQ", "老旧小区", "compound"),
    ("SJZ", "新时代文明实践站", "compound"),
    ("CZC", "城中村", "village"),
    ("NMSC", "农贸市场", "market"),
    ("XXZB", "学校周边", "school"),
    ("GYGC", "公园广场", "public_place"),
)
ITEMS = (
    ("SRHJ", "市容环境"),
    ("GGZX", "公共秩序"),
    ("GYGG", "公益广告"),
    ("SSWH", "设施维护"),
    ("WMXW", "文明行为"),
)
# Five texts per item.
STANDARD_TEXTS = (
    (
        "SRHJ",
        (
            "路面干净，无暴露垃圾",
            "无乱堆乱放、卫生死角",
            "垃圾桶完好、分类投放",
            "无乱贴乱画、小广告",
            "绿化带无垃圾、无黄土裸露",
        ),
    ),
    ("GGZX", ("无占道经营、店外经营", "机动车、非机动车停放有序", "无乱搭乱建", "无乱扯乱挂", "无噪音扰民")),
    (
        "GYGG",
        (
            "公益广告不少于3处",
            "社会主义核心价值观宣传醒目",
            "文明城市宣传栏内容更新",
            "讲文明树新风公益广告完好",
            "宣传品无破损褪色",
        ),
    ),
    ("SSWH", ("路灯、井盖完好", "无障碍设施畅通", "休闲座椅完好", "指示标识清晰", "消防通道畅通")),
    ("WMXW", ("无随地吐痰、乱扔杂物", "无闯红灯、乱穿马路", "排队有序、礼让斑马线", "无不文明养犬", "公共场所无吸烟")),
)


SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
# A sheet is sent when its point is done: this long after the team began observing it.
SUBMITTED_AFTER = datetime.timedelta(minutes=25)


@dataclass
class Failure:
    """A standard failed at a point, filed when its sheet was sent (``filed_at``) by who observed it: the issue
    the builder plans for it (``issue``, set by the builder)."""

    observation: Observation
    place: Place
    criterion: Criterion
    observed_at: datetime.datetime
    filed_at: datetime.datetime
    observer: User
    issue: Issue | None = None


@dataclass
class Plan:
    round: Round
    sheets: list[Sheet] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    inspector: User | None = None
    leader: User | None = None  # of the evaluation office: plans, draws, starts and closes the rounds


def _system(criteria: list[Criterion]) -> dict[str, PointType]:
    """The point types, items and standards; every standard of an item is filed under one demo criterion."""
    types = PointType.objects.bulk_create(
        PointType(code=f"{PREFIX}{code}", name=name, sort_order=n) for n, (code, name, _kind) in enumerate(POINT_TYPES)
    )
    items = {
        code: Item.objects.create(code=f"{PREFIX}{code}", title=title, sort_order=n)
        for n, (code, title) in enumerate(ITEMS)
    }
    by_code = {code: point_type for (code, _name, _kind), point_type in zip(POINT_TYPES, types, strict=True)}
    texts = dict(STANDARD_TEXTS)
    # Sixty standards, twelve per item, each applying to two neighbouring types: every type has ten, and no
    # two of a type's standards say the same.
    for number in range(60):
        item_code = ITEMS[number // 12][0]
        standard = Standard.objects.create(
            code=f"{PREFIX}S{number + 1:02d}",
            item=items[item_code],
            text=texts[item_code][number % 5],
            points=Decimal(2) if number % 3 == 0 else Decimal(1),
            criterion=criteria[(number // 12) % len(criteria)],
            sort_order=number,
        )
        standard.point_types.set([types[number % 12], types[(number + 1) % 12]])
    return by_code


def _points(by_code: dict[str, PointType], places: list[Place]) -> None:
    """Every place of a kind a point type is drawn from becomes a point, the kind's types taken in turn."""
    kinds: dict[str, list[PointType]] = {}
    for code, _name, kind in POINT_TYPES:
        kinds.setdefault(kind, []).append(by_code[code])
    points = []
    counters = dict.fromkeys(kinds, 0)
    for place in sorted(places, key=lambda place: place.code):
        fitting = kinds.get(place.kind)
        if not fitting:
            continue
        points.append(ObservationPoint(place=place, point_type=fitting[counters[place.kind] % len(fitting)]))
        counters[place.kind] += 1
    ObservationPoint.objects.bulk_create(points)


def plan_failures(
    *,
    today: datetime.date,
    campaign: Campaign,
    criteria: list[Criterion],
    places: list[Place],
    inspector: User,
    partner: User,
    observers: list[User],
    leader: User,
) -> Plan:
    """The evaluation system, the round closed in March 2018 (drawn, observed; its failures returned for the
    builder to plan as issues) and the round in progress, assigned to ``inspector`` and ``partner``."""
    by_code = _system(criteria)
    _points(by_code, places)
    march = datetime.date(2018, 3, 19)
    closed = services.round_create(
        code=CLOSED_ROUND,
        title="2018年3月模拟测评",
        campaign=campaign,
        start_date=march,
        end_date=datetime.date(2018, 3, 23),
        points_per_type=1,
        by_street=True,
        teams=[(f"第{n + 1}组", observers[2 * n : 2 * n + 2]) for n in range(len(observers) // 2)],
        actor=leader,
    )
    services.round_sample(round_=closed, seed=SEED, actor=leader)
    services.round_start(round_=closed, actor=leader)  # its record is dated when it is closed
    plan = Plan(round=Round.objects.get(pk=closed.pk), inspector=inspector, leader=leader)
    _observe(plan)
    start = today - datetime.timedelta(days=2)
    running = services.round_create(
        code=RUNNING_ROUND,
        title=f"{today:%Y年%m月}模拟测评",
        campaign=campaign,
        start_date=start,
        end_date=start + datetime.timedelta(days=9),
        points_per_type=1,
        exclude_rounds=1,
        teams=[("第一组", [inspector, partner])],
        actor=leader,
    )
    services.round_sample(round_=running, seed=SEED + 1, actor=leader)
    services.round_start(round_=running, actor=leader)
    _date_the_record(running, planned=_at(start, -5, 10), drawn=_at(start, -3, 15), started=_at(start, 0, 8, 30))
    Inspection.objects.filter(pk=running.inspection_id).update(leader=inspector)
    return plan


def _at(day: datetime.date, days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``hour``:``minute`` in Liaocheng, ``days`` after ``day``."""
    return datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time(hour, minute), SHANGHAI)


def _date_the_record(
    round_: Round,
    *,
    planned: datetime.datetime,
    drawn: datetime.datetime,
    started: datetime.datetime,
    closed: datetime.datetime | None = None,
) -> None:
    """Date the round's record (its history, its teams', its inspection record) as the round was run, not as
    the demo was loaded."""
    moments = {"planned": planned, "drawn": drawn, "started": started, "closed": closed}
    for history_id, reason in round_.history.values_list("history_id", "history_change_reason"):
        if moments.get(reason):
            Round.history.filter(history_id=history_id).update(history_date=moments[reason])
    Team.history.filter(round_id=round_.pk).update(history_date=planned)
    Round.objects.filter(pk=round_.pk).update(created=planned, updated=closed or started, sampled_at=drawn)
    Inspection.objects.filter(pk=round_.inspection_id).update(created=planned, updated=closed or started)


def _observe(plan: Plan) -> None:
    """Every drawn point observed on one of the round's days; a street's failures are rarer or more common
    by its place in the order of streets, so that the score rate differs by street."""
    rng = random.Random(SEED)  # noqa: S311 - a demo, not secrets
    round_ = plan.round
    points = list(round_.points.select_related("place__grid", "team").order_by("order"))
    streets = sorted({point.place.grid.subdistrict_id for point in points})
    standards: dict[int, list[Standard]] = {}
    for point in points:
        if point.point_type_id not in standards:
            standards[point.point_type_id] = services.standards_for(point.point_type_id)
        observed_at = _at(round_.start_date, point.order % 5, 9 + point.order % 8, 10 * (point.order % 6))
        observer = point.team.members.order_by("username").first()
        sheet = Sheet(
            round_point=point,
            observed_by=observer,
            observed_at=observed_at,
            latitude=point.place.latitude,
            longitude=point.place.longitude,
            distance_m=0 if point.place.latitude is not None else None,
        )
        plan.sheets.append(sheet)
        failing = 0.13 + 0.025 * streets.index(point.place.grid.subdistrict_id)
        for standard in standards[point.point_type_id]:
            draw = rng.random()
            result = (
                Observation.Result.NA if draw < 0.04 else Observation.Result.FAIL if draw < 0.04 + failing else "pass"
            )
            applicable = Decimal(0) if result == Observation.Result.NA else standard.points
            observation = Observation(
                sheet=sheet,
                round=round_,
                round_point=point,
                standard=standard,
                point_type_id=point.point_type_id,
                street_id=point.place.grid.subdistrict_id,
                grid_id=point.place.grid_id,
                department=issue_route(place=point.place, criterion=standard.criterion).department,
                result=result,
                points_applicable=applicable,
                points_earned=applicable if result == Observation.Result.PASS else Decimal(0),
                note=f"{standard.text}：不达标" if result == Observation.Result.FAIL else "",
            )
            plan.observations.append(observation)
            if result == Observation.Result.FAIL:
                filed_at = observed_at + SUBMITTED_AFTER
                plan.failures.append(
                    Failure(observation, point.place, standard.criterion, observed_at, filed_at, observer)
                )


def write_observations(plan: Plan) -> None:
    """Write the closed round's sheets (each sent when its point was done) and observations (its failures'
    issues saved by now) and close it on its last day."""
    Sheet.objects.bulk_create(plan.sheets)
    for sheet in plan.sheets:  # the database stamped them with the day of loading
        sheet.submitted_at = sheet.observed_at + SUBMITTED_AFTER
    Sheet.objects.bulk_update(plan.sheets, ["submitted_at"])
    for failure in plan.failures:
        failure.observation.issue = failure.issue
        failure.observation.department_id = failure.issue.department_id or failure.observation.department_id
    Observation.objects.bulk_create(plan.observations)
    round_ = plan.round
    closed_at = _at(round_.end_date, 0, 18)
    services.round_close(round_=round_, now=closed_at, actor=plan.leader)
    _date_the_record(
        round_,
        planned=_at(round_.start_date, -7, 10),
        drawn=_at(round_.start_date, -3, 15),
        started=_at(round_.start_date, 0, 8, 30),
        closed=closed_at,
    )


def demo_evaluation_delete(*, campaign_ids: list[int]) -> dict[str, int]:
    """Remove the demo's rounds (their points, sheets and observations with them) and its evaluation system."""
    rounds = Round.objects.filter(Q(campaign__in=campaign_ids) | Q(code__startswith=PREFIX))
    deleted = {"evaluation_rounds": rounds.delete()[1].get(Round._meta.label, 0)}
    Standard.objects.filter(code__startswith=PREFIX).delete()
    Item.objects.filter(code__startswith=PREFIX).delete()
    ObservationPoint.objects.filter(point_type__code__startswith=PREFIX).delete()
    PointType.objects.filter(code__startswith=PREFIX).delete()
    return deleted


def demo_evaluation_counts() -> dict[str, int]:
    return {
        "evaluation_rounds": Round.objects.filter(code__startswith=PREFIX).count(),
        "evaluation_standards": Standard.objects.filter(code__startswith=PREFIX).count(),
        "evaluation_observations": Observation.objects.filter(round__code__startswith=PREFIX).count(),
    }
