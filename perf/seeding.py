"""City-scale synthetic data for the benchmark (``manage.py seed_scale``).

``scale_seed`` builds a province-sized city, 鲁西市, around exactly the tasks, issues and progress
reports asked for, plans it in memory with plain tuples, and writes it table by table in one
transaction: ``COPY`` on PostgreSQL, ``executemany`` elsewhere. Issues follow the workflow as
``demo.planner`` plans it for the demo too. ``scale_reset`` removes it again. What the city holds
and how it is written: README, "Performance".
"""

import csv
import dataclasses
import datetime
import io
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Department, Role, User
from campaign.models import Campaign, Pledge, ProgressReport, Target, Task
from core.errors import ApplicationError
from core.rollups import rollups_rebuild
from core.working_time import Limit, WorkingCalendar, end_of_day, office_working_time, yellow_share
from demo import data as demo_data
from demo import names
from demo.planner import Actor, Extension, RectificationTask, SendBack, Timeline, Workflow, plan_workflow
from demo.services import LatticeCell, apportion, grid_lattice
from grids.models import Grid, Place
from inspections.models import Criterion, ExtensionRequest, Inspection, Issue, IssueEvent, Stage, StageClock
from inspections.services import extension_limit, issue_route
from perf.evaluation import evaluation_points_for, scale_evaluation_reset, scale_evaluation_seed

PREFIX = "SC-"
USER_PREFIX = "sc-"
PASSWORD = "scale2024"  # noqa: S105 - the published sign-in of synthetic benchmark data
CITY = "鲁西市"

DEFAULT_TASKS = 100_000
DEFAULT_ISSUES = 250_000
DEFAULT_PROGRESS = 1_000_000
DEFAULT_SEED = 8
# Share of all tasks that are open and past their due date on ``today`` (the reminder benchmark).
DEFAULT_OVERDUE_SHARE = 0.5
# Share of the tasks that are the rectification tasks of dispatched issues (older issues have none).
RECTIFICATION_SHARE = 0.2
# How far back inspections, issues and most task activity go.
HISTORY_DAYS = 364
# A typo (an extra zero or three) should fail, not fill the disk.
MAX_COUNT = 10_000_000
COPY_CHUNK_ROWS = 50_000
# Parents written with their children per chunk: an issue has some five events, so a chunk holds
# about COPY_CHUNK_ROWS rows in all.
FAMILY_CHUNK_PARENTS = COPY_CHUNK_ROWS // 5
INSERT_BATCH_ROWS = 500
EARLIEST_TODAY, LATEST_TODAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)

CHINA = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai has had no DST since 1991
MINUTES_PER_DAY = 1440
ONE_MINUTE = datetime.timedelta(minutes=1)
NOON = 12 * 60
# How many working days past the deadline a department asks for when it asks for more time.
EXTENSION_WORKING_DAYS = 3

# The columns each table is written with, in the order of the planned rows' values.
DEPARTMENT_COLUMNS = "id created updated code name short_name kind parent_id head_id sort_order is_active webhook_url"
USER_COLUMNS = (
    "id password last_login is_superuser username first_name last_name email is_staff is_active date_joined "
    "department_id title phone"
)
CAMPAIGN_COLUMNS = "id created updated code name kind description start_date end_date leader_id"
PLEDGE_COLUMNS = "id created updated campaign_id department_id speaker speaker_title headline statement date sort_order"
TARGET_COLUMNS = "id created updated pledge_id code name unit baseline target_value direction deadline sort_order"
GRID_COLUMNS = "id created updated code name subdistrict_id leader_id boundary latitude longitude"
PLACE_COLUMNS = (
    "id created updated code name kind grid_id address latitude longitude assigned_department_id "
    "assigned_leader_id territorial_unit_id households length_m property_company is_active"
)
CRITERION_COLUMNS = (
    "id created updated code category title requirement points default_department_id lead dispatch_limit "
    "rectify_limit verify_limit is_active"
)
INSPECTION_COLUMNS = "id created updated campaign_id code title kind team leader_id date end_date scope"
TASK_COLUMNS = (
    "id created updated campaign_id code title description kind priority department_id section_id accountable_id "
    "target_id start_date due_date status percent completed_at due_at yellow_at suspended_at created_by_id"
)
ISSUE_COLUMNS = (
    "id created updated campaign_id inspection_id code place_id grid_id criterion_id description points "
    "department_id status reported_by_id reported_at dispatched_at submitted_at closed_at deadline rework_count "
    "rectification_note return_reason latitude longitude rectification_task_id source clock_stage clock_started_at "
    "clock_due_at clock_yellow_at clock_suspended_at"
)
CLOCK_COLUMNS = (
    "issue_id stage department_id limit started_at due_at yellow_at extended_to stopped_at suspended_minutes "
    "suspended_minutes_at_extension overdue"
)
EVENT_COLUMNS = "issue_id action from_status to_status actor_id department_id note created"
EXTENSION_COLUMNS = (
    "created updated issue_id requested_by_id reason requested_deadline limit_deadline beyond_limit_note status"
    " decided_by_id decided_at decision_note approved_deadline"
)
PROGRESS_COLUMNS = "task_id author_id created percent previous_percent quantity note is_final"

# Vocabulary ------------------------------------------------------------------------------------------

# (name, short name, section names); the first five are the owners of the checklist's owner criteria.
BUREAUS = (
    ("城市管理局", "城管局", ("市容环境卫生科", "户外广告管理科", "违法建设治理科", "市政设施管理科", "执法支队")),
    ("卫生健康委员会", "卫健委", ("爱国卫生运动办公室", "疾病预防控制科", "健康教育科", "公共卫生监督科")),
    ("住房和城乡建设局", "住建局", ("棚户区改造办公室", "物业管理科", "建筑节能与科技科", "建筑市场监管科")),
    ("公安局交通警察支队", "交警支队", ("秩序科", "科技科", "宣传科", "勤务指挥科")),
    ("市场监督管理局", "市场监管局", ("食品经营监管科", "特种设备安全监察科", "市场规范管理科", "执法稽查局")),
)
OTHER_BUREAUS = (
    ("生态环境局", "环保局"), ("教育和体育局", "教体局"), ("自然资源和规划局", "自然资源局"),
    ("交通运输局", "交通局"), ("水利局", "水利局"), ("商务局", "商务局"), ("文化和旅游局", "文旅局"),
    ("民政局", "民政局"), ("农业农村局", "农业农村局"), ("应急管理局", "应急局"), ("公安局", "公安局"),
    ("财政局", "财政局"), ("人力资源和社会保障局", "人社局"), ("发展和改革委员会", "发改委"),
    ("工业和信息化局", "工信局"), ("司法局", "司法局"), ("退役军人事务局", "退役军人局"),
    ("行政审批服务局", "审批局"), ("综合行政执法局", "执法局"), ("园林绿化服务中心", "园林中心"),
    ("环境卫生服务中心", "环卫中心"), ("水务局", "水务局"), ("住房公积金管理中心", "公积金中心"),
    ("机关事务管理局", "机关事务局"), ("统计局", "统计局"), ("医疗保障局", "医保局"),
    ("广播电视台", "广播电视台"), ("总工会", "总工会"), ("共青团委员会", "团市委"), ("妇女联合会", "妇联"),
    ("科学技术协会", "科协"), ("残疾人联合会", "残联"), ("红十字会", "红十字会"), ("邮政管理局", "邮政局"),
    ("消防救援支队", "消防支队"),
)  # fmt: skip
GENERIC_SECTIONS = (
    "办公室", "综合科", "督查科", "宣传科", "法规科", "计划财务科", "执法大队", "业务一科", "业务二科",
    "安全监管科", "项目建设科", "政策研究室",
)  # fmt: skip
DISTRICTS = (
    "水城区", "运河区", "古楼区", "湖滨区", "凤凰区", "经济开发区", "高新技术产业开发区", "旅游度假区",
    "东河县", "西山县",
)  # fmt: skip
COUNTY_LEADER_TITLES = demo_data.COUNTY_LEADER_TITLES
# The demo departments that lead the checklist's owner criteria, in the order of BUREAUS.
CRITERION_OWNERS = (
    demo_data.URBAN_MANAGEMENT,
    demo_data.HEALTH_COMMISSION,
    demo_data.HOUSING,
    demo_data.TRAFFIC_POLICE,
    "LC-DCF-SJ",
    "LC-DCF-JT",
)
ROAD_ROOTS = names.ROAD_ROOTS_EW + names.ROAD_ROOTS_NS
CENTRE = (36.45, 115.98)  # latitude, longitude of the urban area's centre
GRID_KM = 0.6  # the side of a grid
WORKS = (
    "背街小巷环境整治", "老旧小区改造提升", "农贸市场标准化改造", "占道经营专项整治", "户外广告和门头牌匾规范",
    "违法建设拆除", "公益广告设置", "垃圾分类示范创建", "公厕提升改造", "病媒生物防制", "餐饮油烟治理",
    "建筑工地扬尘治理", "交通秩序综合整治", "非机动车停放秩序整治", "礼让斑马线专项行动", "校园周边环境整治",
    "九小场所规范提升", "城中村环境综合整治", "绿化补植和黄土覆盖", "道路破损修复", "雨污管网改造",
    "志愿服务站点建设", "新时代文明实践站建设", "诚信建设示范街创建", "文明餐桌行动", "健康教育宣传",
    "控烟示范单位创建", "小区物业管理全覆盖", "楼道堆物和飞线充电整治",
)  # fmt: skip
# (name, unit, direction, baseline range, target range)
TARGETS = (
    ("老旧小区改造", "个", "increase", (0, 0), (40, 200)),
    ("背街小巷硬化改造", "条", "increase", (0, 0), (60, 300)),
    ("棚户区改造开工", "套", "increase", (0, 0), (5000, 50000)),
    ("新增城市绿地", "万平方米", "increase", (0, 0), (20, 120)),
    ("交通信号灯智能化改造", "处", "increase", (0, 0), (50, 150)),
    ("公厕新建改建", "座", "increase", (0, 0), (30, 120)),
    ("农贸市场标准化改造", "个", "increase", (0, 0), (8, 40)),
    ("垃圾分类覆盖小区", "个", "increase", (0, 0), (100, 600)),
    ("违法建设存量", "处", "decrease", (300, 1200), (0, 50)),
    ("占道经营点位", "处", "decrease", (200, 800), (0, 30)),
    ("病媒生物密度超标点位", "处", "decrease", (100, 400), (0, 20)),
)
PUBLIC_PLACES = ("汽车站", "火车站", "人民公园", "文化广场", "图书馆", "体育中心", "人民医院", "影剧院", "博物馆")
PLACE_KINDS = (
    # kind, code letter, share of a grid's places
    ("street", "ST", 18),
    ("compound", "CP", 38),
    ("village", "VL", 6),
    ("market", "MK", 3),
    ("school", "SC", 4),
    ("small_trade", "SH", 28),
    ("public_place", "PP", 3),
)
INSPECTION_KINDS = (
    ("supervision", "市创城办督查组", "督导检查"),
    ("self_check", "创城办自查组", "自查"),
    ("undercover", "市创城办暗访组", "暗访"),
    ("self_check", "创城办自查组", "自查"),
    ("third_party", "第三方测评机构", "模拟测评"),
)
# How likely each issue status is by the issue's age in days: old issues are mostly closed.
ISSUE_STATUS_WEIGHTS = (
    (20, (("closed", 80), ("submitted", 3), ("rectifying", 4), ("returned", 8), ("dispatched", 2), ("reported", 3))),
    (10, (("closed", 50), ("submitted", 18), ("rectifying", 14), ("returned", 8), ("dispatched", 5), ("reported", 5))),
    (4, (("closed", 14), ("submitted", 22), ("rectifying", 30), ("dispatched", 18), ("returned", 4), ("reported", 12))),
    (0, (("rectifying", 12), ("dispatched", 40), ("reported", 48))),
)
# How the pledged tasks that are not overdue stand, as shares of them.
TASK_MIX = (("done", 45), ("running", 30), ("todo", 17), ("cancelled", 8))
EXTENSION_OUTCOMES = ("pending", "approved", "refused")
# The percent a department has reported on a rectification it has started, by the issue's number.
RECTIFYING_PERCENTS = (30, 40, 50, 60, 80)


# Options and results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleOptions:
    """What to seed: the counts of the three big tables, the random seed, the day the data is
    "as of", and the share of tasks that are open and overdue on that day."""

    tasks: int = DEFAULT_TASKS
    issues: int = DEFAULT_ISSUES
    progress: int = DEFAULT_PROGRESS
    seed: int = DEFAULT_SEED
    today: datetime.date | None = None
    overdue_share: float = DEFAULT_OVERDUE_SHARE

    def validate(self) -> None:
        """Raise ``ApplicationError`` naming the first bad option; check nothing in the database."""
        for name in ("tasks", "issues", "progress"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
                raise ApplicationError(
                    f"--{name} must be a whole number from 0 to {MAX_COUNT:,}, not {value!r}.", code="bad_count"
                )
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ApplicationError(f"--seed must be a whole number, not {self.seed!r}.", code="bad_seed")
        share = self.overdue_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ApplicationError(
                f"--overdue-share must be a fraction from 0 to 1, not {share!r}.", code="bad_overdue_share"
            )
        if self.progress and not self.tasks:
            raise ApplicationError("Progress reports belong to tasks: --progress needs --tasks.", code="bad_count")
        if self.today is not None and not EARLIEST_TODAY <= self.today <= LATEST_TODAY:
            raise ApplicationError(
                f"--today must be between {EARLIEST_TODAY} and {LATEST_TODAY}, not {self.today}.", code="bad_today"
            )


@dataclass(frozen=True)
class TableWritten:
    """One table written (or emptied by a reset): how many rows and how long it took."""

    label: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


Report = Callable[[TableWritten], None]


# Reading ---------------------------------------------------------------------------------------------


def _coded(path: str = "") -> Q:
    return Q(**{f"{path}code__startswith": PREFIX})


def _in_campaign(path: str = "") -> Q:
    """A row of a synthetic campaign (whoever added it since), or coded as synthetic itself."""
    return _coded(f"{path}campaign__") | _coded(path)


def _synthetic_filters() -> dict[type[models.Model], Q]:
    """What makes a row of each seeded model synthetic, through forward relations only, so that
    both the filter and its negation are plain joins (no ``NOT IN`` over a million keys)."""
    return {
        Department: _coded(),
        User: Q(username__startswith=USER_PREFIX),
        Campaign: _coded(),
        Pledge: _coded("campaign__"),
        Target: _coded("pledge__campaign__") | _coded(),
        Grid: _coded(),
        Place: _coded("grid__") | _coded(),
        Criterion: _coded(),
        Inspection: _in_campaign(),
        Task: _in_campaign(),
        Issue: _in_campaign(),
        IssueEvent: _in_campaign("issue__"),
        StageClock: _in_campaign("issue__"),
        ExtensionRequest: _in_campaign("issue__"),
        ProgressReport: _in_campaign("task__"),
    }


def _synthetic_querysets() -> dict[str, models.QuerySet]:
    """The synthetic rows of every model, and the rows that hang on them, by label."""
    return {ROOT_LABELS[model]: model.objects.filter(q) for model, q in _synthetic_filters().items()}


def scale_counts() -> dict[str, int]:
    """How many synthetic rows each model holds (one query per model)."""
    return {label: queryset.count() for label, queryset in _synthetic_querysets().items()}


def scale_is_loaded() -> bool:
    """Whether any synthetic row is in the database (the roots every other row hangs on)."""
    roots = ("departments", "users", "campaigns", "grids", "criteria")
    querysets = _synthetic_querysets()
    return any(querysets[label].exists() for label in roots)


# Writing ---------------------------------------------------------------------------------------------


def scale_seed(
    *,
    tasks: int = DEFAULT_TASKS,
    issues: int = DEFAULT_ISSUES,
    progress: int = DEFAULT_PROGRESS,
    seed: int = DEFAULT_SEED,
    today: datetime.date | None = None,
    overdue_share: float = DEFAULT_OVERDUE_SHARE,
    reset: bool = False,
    report: Report | None = None,
) -> dict[str, int]:
    """Seed the synthetic city (README, "Performance") and return its rows per model.

    ``reset`` first deletes the synthetic rows of an earlier run; without it, finding any is an
    ``ApplicationError``. Bad options raise ``ApplicationError`` before anything is written, and
    any failure while writing rolls everything back. ``report`` hears of every table written."""
    options = ScaleOptions(
        tasks=tasks, issues=issues, progress=progress, seed=seed, today=today, overdue_share=overdue_share
    )
    options.validate()
    options = dataclasses.replace(options, today=today or timezone.localdate())
    writer = _Writer(report=report)
    with transaction.atomic():
        if reset:
            scale_reset(report=report)
        elif scale_is_loaded():
            raise ApplicationError(
                "Synthetic data of an earlier seed_scale is in the database; run seed_scale --reset to replace it.",
                code="scale_leftovers",
            )
        writer.begin()
        _Builder(options, writer).build()
        writer.end()
        # The mock evaluation's round and observations, through the ORM once the city's keys are in place.
        scale_evaluation_seed(points=evaluation_points_for(options.issues), seed=options.seed, today=options.today)
        # Written with COPY, past the services that keep the rollups: they are counted again, once.
        moment = time.monotonic()
        rows = sum(rollups_rebuild().values())
        if report is not None:
            report(TableWritten("rollups", rows, time.monotonic() - moment))
    writer.analyze()
    return scale_counts()


@transaction.atomic
def scale_reset(*, report: Report | None = None) -> dict[str, int]:
    """Delete every synthetic row, the rows added onto them since (reminders, notifications,
    photos, history records) and their simple-history records; return deleted rows per table.

    Raises ``ApplicationError`` (and deletes nothing) when a row outside the synthetic data is
    protected from losing a synthetic row it refers to."""
    started = time.monotonic()
    scale_evaluation_reset()  # its rounds hold on to synthetic inspections, places and people
    querysets = _synthetic_querysets()
    roots = {model: querysets[label] for model, label in ROOT_LABELS.items()}
    _delete_history(roots)
    _detach_foreign_rows(roots, _synthetic_filters())
    if report is not None:
        report(TableWritten("reset: history and references", 0, time.monotonic() - started))
    deleted: dict[str, int] = {}
    with connection.cursor() as cursor:
        # A department's head is one of the users deleted below; the department goes after them.
        sql, params = _keys(querysets["departments"])
        update = f"UPDATE {_table(Department)} SET head_id = NULL WHERE id IN ({sql})"  # noqa: S608 - names from _meta
        cursor.execute(update, params)
        for label, model, queryset in _deletions(querysets):
            moment = time.monotonic()
            sql, params = _keys(queryset)
            cursor.execute(f"DELETE FROM {_table(model)} WHERE id IN ({sql})", params)  # noqa: S608 - names from _meta
            deleted[label] = deleted.get(label, 0) + cursor.rowcount
            if report is not None:
                report(TableWritten(f"reset {label}", cursor.rowcount, time.monotonic() - moment))
    rollups_rebuild()  # what is left (the demo, the city's own rows) counted again
    if report is not None:
        report(TableWritten("reset", sum(deleted.values()), time.monotonic() - started))
    return deleted


def _seeded_models() -> list[type[models.Model]]:
    """Every table the seeder writes, the many-to-many tables included."""
    return [
        Department,
        User,
        User.groups.through,
        Campaign,
        Pledge,
        Target,
        Grid,
        Grid.departments.through,
        Place,
        Criterion,
        Inspection,
        Inspection.members.through,
        Inspection.grids.through,
        Task,
        Task.places.through,
        Task.grids.through,
        Issue,
        IssueEvent,
        StageClock,
        ExtensionRequest,
        ProgressReport,
    ]


# The seeded models other rows may refer to, with the label of their synthetic queryset.
ROOT_LABELS = {
    Department: "departments",
    User: "users",
    Campaign: "campaigns",
    Pledge: "pledges",
    Target: "targets",
    Grid: "grids",
    Place: "places",
    Criterion: "criteria",
    Inspection: "inspections",
    Task: "tasks",
    Issue: "issues",
    IssueEvent: "issue_events",
    StageClock: "stage_clocks",
    ExtensionRequest: "extension_requests",
    ProgressReport: "progress_reports",
}


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _keys(queryset: models.QuerySet) -> tuple[str, tuple]:
    """The SQL (and its parameters) selecting the primary keys of ``queryset``, for a subquery."""
    return queryset.values("pk").order_by().query.sql_with_params()


def _deletions(querysets: dict[str, models.QuerySet]) -> list[tuple[str, type[models.Model], models.QuerySet]]:
    """What to delete, children before the rows they refer to; a many-to-many row goes when
    either of its ends does."""
    tasks, issues, places, grids = (querysets[key] for key in ("tasks", "issues", "places", "grids"))
    inspections, users, departments = (querysets[key] for key in ("inspections", "users", "departments"))

    through = {
        "task_places": (Task.places.through, ("task", tasks), ("place", places)),
        "task_grids": (Task.grids.through, ("task", tasks), ("grid", grids)),
        "inspection_members": (Inspection.members.through, ("inspection", inspections), ("user", users)),
        "inspection_grids": (Inspection.grids.through, ("inspection", inspections), ("grid", grids)),
        "grid_departments": (Grid.departments.through, ("grid", grids), ("department", departments)),
        "user_groups": (User.groups.through, ("user", users)),
        "user_permissions": (User.user_permissions.through, ("user", users)),
    }

    def links(label: str) -> list[tuple[str, type[models.Model], models.QuerySet]]:
        # One end at a time: "either end" would be an OR of two IN subqueries, which PostgreSQL
        # cannot plan as joins.
        model, *ends = through[label]
        return [(label, model, model.objects.filter(**{f"{end}__in": queryset})) for end, queryset in ends]

    return [
        ("progress_reports", ProgressReport, querysets["progress_reports"]),
        ("issue_events", IssueEvent, querysets["issue_events"]),
        ("stage_clocks", StageClock, querysets["stage_clocks"]),
        ("extension_requests", ExtensionRequest, querysets["extension_requests"]),
        ("issues", Issue, issues),
        *links("task_places"),
        *links("task_grids"),
        ("tasks", Task, tasks),
        *links("inspection_members"),
        *links("inspection_grids"),
        ("inspections", Inspection, inspections),
        ("targets", Target, querysets["targets"]),
        ("pledges", Pledge, querysets["pledges"]),
        ("criteria", Criterion, querysets["criteria"]),
        ("campaigns", Campaign, querysets["campaigns"]),
        ("places", Place, places),
        *links("grid_departments"),
        ("grids", Grid, grids),
        *links("user_groups"),
        *links("user_permissions"),
        ("users", User, users),
        ("departments", Department, departments),
    ]


def _delete_history(roots: dict[type[models.Model], models.QuerySet]) -> None:
    """Remove the simple-history records of the synthetic rows (those the product made since)."""
    for model, queryset in roots.items():
        history = getattr(model, "history", None)
        if history is None:
            continue
        history.model.objects.filter(id__in=queryset.values("pk")).delete()


def _detach_foreign_rows(
    roots: dict[type[models.Model], models.QuerySet], synthetic: dict[type[models.Model], Q]
) -> None:
    """Treat the rows that are not synthetic but refer to synthetic rows as deleting those would:
    cascade, set null, or refuse (``PROTECT``/``RESTRICT``) with an ``ApplicationError``. The
    many-to-many tables the seeder writes are emptied by ``_deletions`` instead."""
    protected: list[str] = []
    seeded = _seeded_models()
    for model in apps.get_models(include_auto_created=True):
        if model in seeded and model not in roots:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation
            and (field.many_to_one or field.one_to_one)
            and field.related_model in roots
            and field.remote_field.on_delete is not models.DO_NOTHING  # history copies: no constraint
        ]
        others = model._base_manager.all()
        if fields and model in synthetic:
            # A synthetic row referring to another goes with it; the others in its table are few, or none.
            others = others.exclude(synthetic[model])
            if not others.exists():
                continue
        for field in fields:
            rows = others.filter(**{f"{field.name}__in": roots[field.related_model].values("pk")})
            on_delete = field.remote_field.on_delete
            if on_delete is models.CASCADE:
                rows.delete()
            elif on_delete is models.SET_NULL:
                rows.update(**{field.name: None})
            elif rows.exists():
                protected.append(str(model._meta.verbose_name_plural))
    if protected:
        raise ApplicationError(
            f"The synthetic data cannot be removed: {', '.join(sorted(set(protected)))} outside it refer to it. "
            "Delete those first.",
            code="scale_protected",
        )


class _Writer:
    """Writes planned rows into one table at a time: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.
    Not ``bulk_create``: its ``auto_now`` would overwrite the dated ``created``/``updated`` columns."""

    def __init__(self, *, report: Report | None) -> None:
        self.report = report
        self.postgres = connection.vendor == "postgresql"
        self.written: list[type[models.Model]] = []

    def begin(self) -> None:
        """Lock the tables against other writers (the reserved keys must stay ours) and check
        foreign keys statement by statement rather than all at commit."""
        if not self.postgres:
            return
        tables = ", ".join(_table(model) for model in _seeded_models())
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def end(self) -> None:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def reserve_ids(self, model: type[models.Model], count: int) -> int:
        """The first of ``count`` consecutive primary keys of ``model`` that nobody else will use."""
        table, pk = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s)", [sequence])
                first = cursor.fetchone()[0]
                if count > 1:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
                return first
            cursor.execute(f"SELECT MAX({connection.ops.quote_name(pk)}) FROM {_table(model)}")  # noqa: S608 - names from _meta
            return (cursor.fetchone()[0] or 0) + 1

    def write(self, model: type[models.Model], columns: str, rows: Iterable[Sequence]) -> int:
        """Insert ``rows`` (tuples of Python values as the model holds them, for the space-separated
        field ``columns``) into ``model``'s table; report and return how many."""
        fields = self._fields(model, columns.split())
        started = time.monotonic()
        count = self._copy(model, fields, rows) if self.postgres else self._insert(model, fields, rows)
        self.written.append(model)
        if self.report is not None:
            self.report(TableWritten(model._meta.db_table, count, time.monotonic() - started))
        return count

    def write_families(
        self,
        parent: tuple[type[models.Model], str],
        children: Sequence[tuple[type[models.Model], str]],
        families: Iterable[tuple[Sequence, Sequence[Iterable[Sequence]]]],
    ) -> None:
        """Insert parent rows, each planned together with the rows of each child table that refer to it
        (``families`` yields the parent's row and one list of rows per child table): a chunk of parents,
        then their children, so that the children of all parents are never held at once. Each table is
        reported as ``write`` reports it; planning counts toward the parents' time."""
        tables = [(model, self._fields(model, columns.split())) for model, columns in (parent, *children)]
        counts, seconds = [0] * len(tables), [0.0] * len(tables)
        planned = time.monotonic()
        for chunk in _chunks(families, FAMILY_CHUNK_PARENTS if self.postgres else INSERT_BATCH_ROWS):
            seconds[0] += time.monotonic() - planned
            batches = [[row for row, _children in chunk]] + [
                [row for _parent, kinds in chunk for row in kinds[n]] for n in range(len(children))
            ]
            for n, ((model, fields), rows) in enumerate(zip(tables, batches, strict=True)):
                started = time.monotonic()
                counts[n] += self._copy(model, fields, rows) if self.postgres else self._insert(model, fields, rows)
                seconds[n] += time.monotonic() - started
            planned = time.monotonic()
        for (model, _fields), count, spent in zip(tables, counts, seconds, strict=True):
            self.written.append(model)
            if self.report is not None:
                self.report(TableWritten(model._meta.db_table, count, spent))

    def _fields(self, model: type[models.Model], columns: Sequence[str]) -> list[models.Field]:
        """The fields of ``columns``, which must be every concrete field (the key may be left to
        the database): a field added to the model must be seeded too, or the insert would fail."""
        concrete = [field.attname for field in model._meta.concrete_fields]
        missing = [name for name in concrete if name not in columns and name != "id"]
        unknown = [name for name in columns if name not in concrete]
        if missing or unknown:
            raise ApplicationError(
                f"perf/seeding.py is out of date for {model._meta.label}: missing {missing}, unknown {unknown}.",
                code="seeding_out_of_date",
            )
        return [model._meta.get_field(name) for name in columns]

    def _copy(self, model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence]) -> int:
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        sql = f"COPY {_table(model)} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        json_columns = [n for n, field in enumerate(fields) if isinstance(field, models.JSONField)]
        count = 0
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, COPY_CHUNK_ROWS):
                buffer = io.StringIO()
                out = csv.writer(buffer, lineterminator="\n")
                for row in chunk:
                    values = ["\\N" if value is None else value for value in row]
                    for n in json_columns:
                        if row[n] is not None:
                            values[n] = json.dumps(row[n], ensure_ascii=False)
                    out.writerow(values)
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                count += len(chunk)
        return count

    def _insert(self, model: type[models.Model], fields: list[models.Field], rows: Iterable[Sequence]) -> int:
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        values = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {_table(model)} ({names}) VALUES ({values})"  # noqa: S608 - names from _meta
        count = 0
        with connection.cursor() as cursor:
            for chunk in _chunks(rows, INSERT_BATCH_ROWS):
                cursor.executemany(
                    sql,
                    [
                        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
                        for row in chunk
                    ],
                )
                count += len(chunk)
        return count

    def update_heads(self, heads: list[tuple[int, int]]) -> None:
        """Set each department's head (user id, department id) once both exist."""
        started = time.monotonic()
        sql = f"UPDATE {_table(Department)} SET head_id = %s WHERE id = %s"  # noqa: S608 - names from _meta
        with connection.cursor() as cursor:
            for chunk in _chunks(heads, INSERT_BATCH_ROWS):
                cursor.executemany(sql, chunk)
        if self.report is not None:
            self.report(TableWritten("department heads", len(heads), time.monotonic() - started))

    def analyze(self) -> None:
        """Refresh the planner's statistics of every table written."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"ANALYZE {', '.join(dict.fromkeys(_table(model) for model in self.written))}")
            else:
                for model in dict.fromkeys(self.written):
                    cursor.execute(f"ANALYZE {_table(model)}")
        if self.report is not None:
            self.report(TableWritten(f"ANALYZE ({len(set(self.written))} tables)", 0, time.monotonic() - started))


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# The plan ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitySize:
    """How big the city is for the counts asked: it grows with the tasks up to a province's city."""

    grids: int
    districts: int
    subdistricts: int
    bureaus: int
    county_leaders: int
    inspectors: int
    inspections: int

    @classmethod
    def for_options(cls, options: ScaleOptions) -> "CitySize":
        grids = min(max(options.tasks // 33, 12), 3000)
        districts = min(max(grids // 300, 2), len(DISTRICTS))
        return cls(
            grids=grids,
            districts=districts,
            subdistricts=max(districts * 2, grids // 20),
            bureaus=min(max(grids // 75, 6), len(BUREAUS) + len(OTHER_BUREAUS)),
            county_leaders=max(4, grids // 10),
            inspectors=max(4, grids // 50),
            inspections=max(4, options.issues // 250),
        )


class _Dept:
    """A planned department with its people."""

    __slots__ = ("children", "code", "head", "id", "kind", "name", "parent", "short", "staff", "title")

    def __init__(self, code: str, name: str, short: str, kind: str, parent: "_Dept | None", title: str) -> None:
        self.code, self.name, self.short, self.kind, self.parent, self.title = code, name, short, kind, parent, title
        self.id = 0
        self.head = 0  # user ids
        self.staff: list[int] = []
        self.children: list[_Dept] = []
        if parent is not None:
            parent.children.append(self)


class _Issue:
    """A planned issue: its way through the workflow as minutes since the builder's epoch."""

    __slots__ = (
        "accountable",
        "closed",
        "criterion",
        "cycles",
        "deadline",
        "deadline_day",
        "department",
        "dispatched",
        "extension",
        "id",
        "inspection",
        "number",
        "place",
        "reported",
        "reporter",
        "returned",
        "started",
        "status",
        "submitted",
        "task",
    )

    def __init__(self, number: int, inspection: int, place: int, criterion: int, reporter: int, reported: int) -> None:
        self.number, self.inspection, self.place, self.criterion = number, inspection, place, criterion
        self.reporter, self.reported = reporter, reported
        self.id = 0
        self.status = "reported"
        self.department: _Dept | None = None
        self.accountable = 0
        self.dispatched = self.started = self.submitted = self.closed = self.returned = None
        self.deadline: int | None = None  # as dispatching set it (inspections.clocks), in minutes
        self.deadline_day: int | None = None  # the day of the deadline
        self.cycles: list[tuple[int, int]] = []  # (submitted, sent back)
        # outcome, asked, the day of the deadline asked for, decided, the day of its limit
        self.extension: tuple[str, int, int, int | None, int] | None = None
        self.task: _Task | None = None

    @property
    def code(self) -> str:
        return f"{PREFIX}Q{self.number:07d}"


class _Task:
    """A planned task: dates as day numbers since the builder's epoch, moments as minutes."""

    __slots__ = (
        "accountable",
        "campaign",
        "code",
        "completed",
        "created",
        "creator",
        "clock",
        "department",
        "description",
        "due",
        "first_day",
        "grids",
        "id",
        "issue",
        "kind",
        "last_day",
        "percent",
        "places",
        "priority",
        "quantity",
        "reports",
        "section",
        "start",
        "status",
        "target",
        "title",
    )

    def __init__(self) -> None:
        self.id = 0
        self.section: _Dept | None = None
        self.target: int | None = None
        self.places: list[int] = []
        self.grids: list[int] = []
        self.completed: int | None = None
        self.percent = 0
        self.reports = 0
        self.first_day = self.last_day = 0
        self.quantity = 0.0
        self.issue: _Issue | None = None
        self.clock: tuple = (None, None, None)  # due_at, yellow_at, suspended_at


class _Builder:
    """Plans the city and writes it, table by table, through a ``_Writer``."""

    def __init__(self, options: ScaleOptions, writer: _Writer) -> None:
        self.options = options
        self.writer = writer
        self.size = CitySize.for_options(options)
        self.rng = random.Random(options.seed)  # noqa: S311 - synthetic data, not secrets
        today = options.today
        # Day 0 is the campaigns' first day; everything is dated in days and minutes from it.
        self.epoch = today - datetime.timedelta(days=HISTORY_DAYS + 36)
        self.epoch_moment = datetime.datetime.combine(self.epoch, datetime.time(), tzinfo=CHINA)
        self.today = (today - self.epoch).days
        self.now = self.today * MINUTES_PER_DAY + NOON
        self._dates: dict[int, datetime.date] = {}
        self._deadlines: dict[int, datetime.datetime] = {}
        # The official calendar, the administrators' overrides and the office hours, read once: every clock
        # is counted in working time from a dispatch up to today, or from a deadline when more time is asked
        # for: a time limit, then an extension up to its limit (inspections.services.extension_limit).
        longest = max(_days(seed.rectify_limit) for seed in demo_data.CRITERIA) * (
            1 + settings.EXTENSION_LIMIT_TIME_LIMITS
        )
        self.calendar = WorkingCalendar.spanning(self.epoch, today, margin=longest)
        self.working_time = office_working_time(calendar=self.calendar)
        self.share = yellow_share()

    # Time: the plan counts days and minutes from the epoch; these turn them into dates and moments.

    def add_working_days(self, day: int, days: int) -> int:
        return (self.calendar.add_working_days(self.date(day), days) - self.epoch).days

    def date(self, day: int) -> datetime.date:
        cached = self._dates.get(day)
        if cached is None:
            cached = self._dates[day] = self.epoch + datetime.timedelta(days=day)
        return cached

    def day(self, date: datetime.date) -> int:
        return (date - self.epoch).days

    def moment(self, minutes: int | None) -> datetime.datetime | None:
        if minutes is None:
            return None
        return self.epoch_moment + ONE_MINUTE * minutes

    def minutes(self, moment: datetime.datetime) -> int:
        """``moment`` as whole minutes since the epoch (seconds dropped)."""
        return (moment - self.epoch_moment) // ONE_MINUTE

    def deadline(self, day: int) -> datetime.datetime:
        """The deadline "by ``day``" (``core.working_time.end_of_day``)."""
        cached = self._deadlines.get(day)
        if cached is None:
            cached = self._deadlines[day] = end_of_day(self.date(day))
        return cached

    def office(self, day: int, low: int = 510, high: int = 1080) -> int:
        """A moment in office hours of ``day``, never later than now."""
        return min(day * MINUTES_PER_DAY + self.rng.randrange(low, high), self.now)

    # Building --------------------------------------------------------------------------------------

    def build(self) -> None:
        self._plan_departments()
        self._plan_users()
        self._write_organisation()
        self._campaigns()
        self._grids()
        self._places()
        self._criteria()
        self._plan_issues()
        self._inspections()
        self._plan_tasks()
        self._plan_progress()
        self._write_tasks()
        self._write_issues()
        self._write_progress()

    # Organisation ----------------------------------------------------------------------------------

    def _plan_departments(self) -> None:
        rng, size = self.rng, self.size
        depts: list[_Dept] = []

        def add(code: str, name: str, short: str, kind: str, parent: _Dept | None, title: str) -> _Dept:
            dept = _Dept(f"{PREFIX}{code}", name, short, kind, parent, title)
            depts.append(dept)
            return dept

        self.office_dept = add(
            "CCB", f"{CITY}创建全国文明城市工作指挥部办公室", "市创城办", "bureau", None, "市创城办主任"
        )
        add("CCB-ZH", "综合协调组", "综合协调组", "section", self.office_dept, "综合协调组组长")
        self.supervision = add("CCB-DC", "督查组", "督查组", "section", self.office_dept, "市创城办督查组组长")

        bureau_seeds = [*BUREAUS, *((name, short, None) for name, short in OTHER_BUREAUS)][: size.bureaus]
        self.bureaus: list[_Dept] = []
        for number, (name, short, sections) in enumerate(bureau_seeds, start=1):
            bureau = add(f"B{number:02d}", f"{CITY}{name}", f"市{short}", "bureau", None, f"市{short}主要负责人")
            self.bureaus.append(bureau)
            chosen = list(sections) if sections else rng.sample(GENERIC_SECTIONS, rng.randint(3, 6))
            for index, section in enumerate(chosen, start=1):
                add(f"B{number:02d}-K{index}", section, section, "section", bureau, f"{section}负责人")

        self.districts: list[_Dept] = []
        self.subdistricts: list[_Dept] = []
        roots = [*names.ROAD_ROOTS_EW, *names.ROAD_ROOTS_NS, *names.STREET_ROOTS, *names.LANE_ROOTS]
        for number, name in enumerate(DISTRICTS[: size.districts], start=1):
            self.districts.append(add(f"D{number:02d}", name, name, "district", None, f"{name}委书记"))
        for index in range(size.subdistricts):
            district = self.districts[index * size.districts // size.subdistricts]
            number = len(district.children) + 1
            root = roots[index % len(roots)]
            subdistrict = add(
                f"{district.code.removeprefix(PREFIX)}-J{number:02d}",
                f"{root}街道",
                f"{root}街道",
                "subdistrict",
                district,
                "街道党工委书记",
            )
            self.subdistricts.append(subdistrict)
            for community in range(1, rng.randint(3, 6) + 1):
                community_root = rng.choice(roots)
                add(
                    f"{subdistrict.code.removeprefix(PREFIX)}-C{community:02d}",
                    f"{community_root}社区",
                    f"{community_root}社区",
                    "community",
                    subdistrict,
                    "社区党委书记",
                )
        first = self.writer.reserve_ids(Department, len(depts))
        for offset, dept in enumerate(depts):
            dept.id = first + offset
        self.depts = depts
        self.depts_by_id = {dept.id: dept for dept in depts}
        self._department_models: dict[int, Department] = {}

    def _person(self) -> tuple[str, str]:
        rng = self.rng
        family = rng.choices(self._families, self._family_weights)[0]
        roll = rng.random()
        if roll < 0.2:
            given = rng.choice(names.GIVEN_SINGLE)
        elif roll < 0.45:
            start = 2 * rng.randrange(len(names.GIVEN_FIRST) // 2)
            given = names.GIVEN_FIRST[start : start + 2]
        else:
            given = rng.choice(names.GIVEN_PAIRS_A) + rng.choice(names.GIVEN_PAIRS_B)
        return family, given

    def _phone(self) -> str:
        return f"{self.rng.choice(names.MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def _plan_users(self) -> None:
        self._families = [name for name, _weight in names.FAMILY_NAMES]
        self._family_weights = [weight for _name, weight in names.FAMILY_NAMES]
        people: list[tuple] = []  # username, department, title, role, is_staff

        def username(dept: _Dept, what: str) -> str:
            return f"{USER_PREFIX}{dept.code.removeprefix(PREFIX).lower()}-{what}"

        people.append((f"{USER_PREFIX}leader", self.office_dept, "市创城办主任", Role.LEADER, False))
        people.append((f"{USER_PREFIX}admin", self.office_dept, "系统管理员", Role.ADMINISTRATOR, True))
        for dept in self.depts:
            if dept is self.office_dept:
                continue
            inspects = dept is self.supervision
            leads = dept.kind in ("bureau", "district", "subdistrict")
            head_role = Role.INSPECTOR if inspects else Role.LEADER if leads else Role.STAFF
            people.append((username(dept, "head"), dept, dept.title, head_role, False))
            staff = 2 if dept.kind in ("bureau", "district") else 1
            for number in range(1, staff + 1):
                what = "staff" if number == 1 else f"staff{number}"
                role = Role.INSPECTOR if inspects else Role.STAFF
                people.append((username(dept, what), dept, f"{dept.short}创城联络员", role, False))
        self.county_leaders_at = len(people)
        for number in range(1, self.size.county_leaders + 1):
            district = self.districts[number % len(self.districts)]
            title = f"{district.name}{COUNTY_LEADER_TITLES[number % len(COUNTY_LEADER_TITLES)]}"
            people.append((f"{USER_PREFIX}xj-{number:03d}", district, title, Role.LEADER, False))
        self.inspectors_at = len(people)
        for number in range(1, self.size.inspectors + 1):
            people.append(
                (f"{USER_PREFIX}inspector-{number:03d}", self.supervision, "市创城办督查员", Role.INSPECTOR, False)
            )

        first = self.writer.reserve_ids(User, len(people))
        self.people = people
        self.user_ids = list(range(first, first + len(people)))
        self.leader = first
        self.office_dept.head = first
        for user_id, (name, dept, _title, _role, _is_staff) in zip(self.user_ids, people, strict=True):
            if name.endswith("-head"):
                dept.head = user_id
            elif dept is not self.office_dept and "-staff" in name:
                dept.staff.append(user_id)
        self.county_leaders = self.user_ids[self.county_leaders_at : self.inspectors_at]
        self.inspectors = self.user_ids[self.inspectors_at :]

    def _write_organisation(self) -> None:
        w, founded = self.writer, self.moment(9 * 60)
        rows = []
        for n, d in enumerate(self.depts):
            order = d.parent.children.index(d) + 1 if d.parent else n + 1
            parent = d.parent.id if d.parent else None
            rows.append((d.id, founded, founded, d.code, d.name, d.short, d.kind, parent, None, order, True, ""))
        w.write(Department, DEPARTMENT_COLUMNS, rows)
        password = make_password(PASSWORD)  # hashing is slow by design: once for everyone
        groups = dict(Group.objects.values_list("name", "pk"))
        missing = [role.value for role in Role if role.value not in groups]
        if missing:
            raise ApplicationError(f"The role groups {missing} are missing; run migrate first.", code="no_groups")
        joined = self.moment(8 * 60)
        rows, memberships = [], []
        self.user_names: dict[int, str] = {}
        for user_id, (name, dept, title, role, is_staff) in zip(self.user_ids, self.people, strict=True):
            family, given = self._person()
            row = (user_id, password, None, False, name, given, family, f"{name}@luxi.example", is_staff, True,
                   joined, dept.id, title, self._phone())  # fmt: skip
            rows.append(row)
            memberships.append((user_id, groups[role.value]))
            self.user_names[user_id] = family + given
        w.write(User, USER_COLUMNS, rows)
        w.write(User.groups.through, "user_id group_id", memberships)
        w.update_heads([(d.head, d.id) for d in self.depts])

    def _liaison(self, dept: _Dept) -> int:
        return dept.staff[0] if dept.staff else dept.head

    # Campaigns, pledges, targets ------------------------------------------------------------------

    def _campaigns(self) -> None:
        rng, w, founded = self.rng, self.writer, self.moment(9 * 60)
        first = w.reserve_ids(Campaign, 2)
        self.civilized, self.sanitary = first, first + 1
        start, end = self.date(0), self.date(self.today + 365)
        civilized = f"{CITY}创建全国文明城市：全员全力，对标创建，细化任务，层层传导压力。"
        sanitary = f"{CITY}巩固国家卫生城市创建成果，迎接国家卫生城市复审。"
        leader = self.leader
        campaigns = [
            (first, founded, founded, f"{PREFIX}WM", "创建全国文明城市", "civilized", civilized, start, end, leader),
            (first + 1, founded, founded, f"{PREFIX}WS", "国家卫生城市复审", "sanitary", sanitary, start, end, leader),
        ]  # fmt: skip
        w.write(Campaign, CAMPAIGN_COLUMNS, campaigns)

        pledging = [*self.bureaus, *self.districts]
        first_pledge = w.reserve_ids(Pledge, len(pledging))
        self.pledge_campaign: dict[int, int] = {}  # department id → campaign id
        pledges, target_plans = [], []
        for number, dept in enumerate(pledging):
            health = dept.short in ("市卫健委", "市市场监管局")
            campaign = self.sanitary if health or number % 5 == 4 else self.civilized
            self.pledge_campaign[dept.id] = campaign
            headline = f"{dept.short}：对标对表，确保创建任务按期完成"
            statement = (
                f"{dept.short}将认真落实创城工作部署，细化分解任务，明确到单位、科室和责任人，"
                "以最坚决的态度、最有力的措施抓好落实。"
            )
            row = (first_pledge + number, founded, founded, campaign, dept.id, self.user_names[dept.head], dept.title,
                   headline, statement, start, number + 1)  # fmt: skip
            pledges.append(row)
            target_plans += [(first_pledge + number, dept.id, template) for template in rng.sample(TARGETS, 2)]
        w.write(Pledge, PLEDGE_COLUMNS, pledges)

        first_target = w.reserve_ids(Target, len(target_plans))
        self.targets_of: dict[int, list[int]] = defaultdict(list)  # department id → target ids
        self.target_span: dict[int, float] = {}
        targets = []
        for number, (pledge, dept_id, (name, unit, direction, baselines, values)) in enumerate(target_plans):
            target_id = first_target + number
            baseline, value = rng.randint(*baselines), rng.randint(*values)
            self.targets_of[dept_id].append(target_id)
            self.target_span[target_id] = abs(value - baseline)
            row = (target_id, founded, founded, pledge, f"{PREFIX}T{number + 1:04d}", name, unit, Decimal(baseline),
                   Decimal(value), direction, end, number % 2 + 1)  # fmt: skip
            targets.append(row)
        w.write(Target, TARGET_COLUMNS, targets)

    # The city --------------------------------------------------------------------------------------

    def _grids(self) -> None:
        """A lattice of jittered quadrilaterals around the centre; neighbours share their corners, so
        the grids tile the area. Each subdistrict takes a run of them."""
        rng, w, count = self.rng, self.writer, self.size.grids
        cols = math.ceil(math.sqrt(count))
        rows = math.ceil(count / cols)
        corners = grid_lattice(rng=rng, rows=rows, cols=cols, centre=CENTRE, cell_km=GRID_KM, jitter=0.15)
        first = w.reserve_ids(Grid, count)
        self.grid_ids = list(range(first, first + count))
        self.grid_subdistrict: list[_Dept] = []
        self.grid_cells: list[LatticeCell] = []
        self.grid_leader: list[int] = []
        self.grid_departments: list[list[_Dept]] = []
        self.grid_names: list[str] = []
        self.grids_by_subdistrict: dict[int, list[int]] = defaultdict(list)
        grids, links = [], []
        founded = self.moment(9 * 60)
        for index in range(count):
            r, c = divmod(index, cols)
            cell = LatticeCell(corners[r, c], corners[r, c + 1], corners[r + 1, c + 1], corners[r + 1, c])
            subdistrict = self.subdistricts[index * len(self.subdistricts) // count]
            self.grids_by_subdistrict[subdistrict.id].append(index)
            leader = self.county_leaders[index * len(self.county_leaders) // count]
            assigned = rng.sample(self.bureaus, rng.choice((1, 2, 2, 3)))
            name = f"{subdistrict.name}第{len(self.grids_by_subdistrict[subdistrict.id])}网格"
            boundary = cell.geometry()
            latitude, longitude = f"{(cell.nw[1] + cell.se[1]) / 2:.6f}", f"{(cell.nw[0] + cell.se[0]) / 2:.6f}"
            code = f"{PREFIX}G{index + 1:05d}"
            grids.append(
                (first + index, founded, founded, code, name, subdistrict.id, leader, boundary, latitude, longitude)
            )
            links += [(first + index, dept.id) for dept in assigned]
            self.grid_subdistrict.append(subdistrict)
            self.grid_cells.append(cell)
            self.grid_leader.append(leader)
            self.grid_departments.append(assigned)
            self.grid_names.append(name)
        w.write(Grid, GRID_COLUMNS, grids)
        w.write(Grid.departments.through, "grid_id department_id", links)

    def _point(self, grid: int, u: float, v: float) -> tuple[str, str]:
        """(latitude, longitude) of the point ``u`` west→east and ``v`` north→south inside ``grid``."""
        longitude, latitude = self.grid_cells[grid].point(u, v)
        return f"{latitude:.6f}", f"{longitude:.6f}"

    def _place_name(self, kind: str) -> str:
        rng = self.rng
        if kind == "street":
            roll = rng.random()
            if roll < 0.55:
                return rng.choice(ROAD_ROOTS) + rng.choice(("路", "东路", "西路", "北路"))
            return rng.choice(names.STREET_ROOTS) + "街" if roll < 0.8 else rng.choice(names.LANE_ROOTS) + "巷"
        if kind == "compound":
            if rng.random() < 0.17:
                return rng.choice(names.WORK_UNITS) + rng.choice(names.OLD_COMPOUND_SUFFIXES)
            return rng.choice(names.COMPOUND_PREFIXES) + rng.choice(names.COMPOUND_SUFFIXES)
        if kind == "village":
            return f"{rng.choice(names.VILLAGE_FAMILIES)}{rng.choice(names.VILLAGE_CORES)}村"
        if kind == "market":
            return rng.choice(names.MARKET_ROOTS) + rng.choice(names.MARKET_TYPES)
        if kind == "school":
            return rng.choice(names.SCHOOL_ROOTS) + rng.choice(names.SCHOOL_TYPES)
        if kind == "small_trade":
            if rng.random() < 0.5:
                return rng.choice(names.EATERY_PREFIXES) + rng.choice(names.EATERY_TYPES)
            return rng.choice(names.SHOP_PREFIXES) + rng.choice(names.SHOP_TYPES)
        return rng.choice(names.MARKET_ROOTS) + rng.choice(PUBLIC_PLACES)

    def _places(self) -> None:
        """Eight to sixteen places of mixed kinds in every grid, and every community's own place."""
        rng = self.rng
        kinds = [kind for kind, _letter, _share in PLACE_KINDS]
        shares = [share for _kind, _letter, share in PLACE_KINDS]
        letters = {kind: letter for kind, letter, _share in PLACE_KINDS} | {"community": "CM"}
        plans: list[tuple[int, str, _Dept | None]] = []  # grid index, kind, community (for community places)
        for grid in range(len(self.grid_ids)):
            plans += [(grid, kind, None) for kind in rng.choices(kinds, shares, k=rng.randint(8, 16))]
        for subdistrict in self.subdistricts:
            for community in subdistrict.children:
                plans.append((rng.choice(self.grids_by_subdistrict[subdistrict.id]), "community", community))

        first = self.writer.reserve_ids(Place, len(plans))
        self.place_ids = list(range(first, first + len(plans)))
        self.place_grid: list[int] = []
        self.place_names: list[str] = []
        # Unsaved copies of the places, holding what routing may read (see _route).
        self.place_models: list[Place] = []
        self.place_coordinates: list[tuple[str, str]] = []
        self.places_by_kind: dict[str, list[int]] = defaultdict(list)
        self.places_by_subdistrict: dict[int, list[int]] = defaultdict(list)
        founded = self.moment(9 * 60)
        companies = [form.format(prefix) for prefix in names.PROPERTY_PREFIXES for form in names.PROPERTY_FORMS]
        rows = []
        for index, (grid, kind, community) in enumerate(plans):
            subdistrict = self.grid_subdistrict[grid]
            name = community.name if community else self._place_name(kind)
            assigned = self.grid_departments[grid][index % len(self.grid_departments[grid])]
            leader = self.grid_leader[grid] if kind in ("street", "village") else assigned.head
            if community is not None:
                territorial = community
            elif kind in ("street", "village"):
                territorial = subdistrict
            else:
                territorial = rng.choice(subdistrict.children or [subdistrict])
            latitude, longitude = self._point(grid, rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9))
            households = rng.randrange(120, 2600) if kind in ("compound", "village") else None
            length = rng.randrange(120, 4200, 10) if kind == "street" else None
            company = rng.choice(companies) if kind == "compound" and rng.random() < 0.7 else ""
            address = f"{subdistrict.name}{rng.choice(names.ROAD_ROOTS_NS)}路{rng.randrange(1, 400)}号"
            code = f"{PREFIX}{letters[kind]}{index + 1:06d}"
            row = (first + index, founded, founded, code, name, kind, self.grid_ids[grid], address, latitude,
                   longitude, assigned.id, leader, territorial.id, households, length, company, True)  # fmt: skip
            rows.append(row)
            self.place_grid.append(grid)
            self.place_names.append(name)
            self.place_models.append(
                Place(
                    id=first + index,
                    code=code,
                    kind=kind,
                    grid_id=self.grid_ids[grid],
                    assigned_department=self._department_model(assigned),
                    assigned_leader_id=leader,
                    territorial_unit=self._department_model(territorial),
                )
            )
            self.place_coordinates.append((latitude, longitude))
            self.places_by_kind[kind].append(index)
            self.places_by_subdistrict[subdistrict.id].append(index)
        self.writer.write(Place, PLACE_COLUMNS, rows)

    def _criteria(self) -> None:
        """The demo's checklist, its owner criteria led by the matching bureaus."""
        owners = dict(zip(CRITERION_OWNERS, self.bureaus, strict=False))
        first = self.writer.reserve_ids(Criterion, len(demo_data.CRITERIA))
        founded = self.moment(9 * 60)
        self.criteria: list[tuple] = []  # id, seed, owner department or None, campaign id, place kinds
        self.criterion_models: list[Criterion] = []  # unsaved copies, for routing (see _route)
        rows = []
        for number, seed in enumerate(demo_data.CRITERIA):
            owner = owners.get(seed.owner) if seed.owner else None
            kinds, campaign = demo_data.CATEGORIES[seed.category]
            campaign_id = self.civilized if campaign == demo_data.CIVILIZED else self.sanitary
            self.criteria.append((first + number, seed, owner, campaign_id, kinds))
            # A criterion whose owner the city has no bureau for is led by the place's assigned department.
            lead = Criterion.Lead.ASSIGNED if seed.lead == Criterion.Lead.OWNER and not owner else seed.lead
            code, department = f"{PREFIX}C{number + 1:03d}", owner.id if owner else None
            row = (first + number, founded, founded, code, seed.category, seed.title, seed.requirement, seed.points,
                   department, lead, seed.dispatch_limit, seed.rectify_limit, seed.verify_limit, True)  # fmt: skip
            rows.append(row)
            self.criterion_models.append(
                Criterion(
                    id=first + number,
                    code=code,
                    category=seed.category,
                    points=seed.points,
                    default_department=self._department_model(owner) if owner else None,
                    lead=lead,
                    dispatch_limit=seed.dispatch_limit,
                    rectify_limit=seed.rectify_limit,
                    verify_limit=seed.verify_limit,
                )
            )
        self.writer.write(Criterion, CRITERION_COLUMNS, rows)

    def _department_model(self, dept: _Dept) -> Department:
        """An unsaved copy of a planned department, for the product's rules to read."""
        model = self._department_models.get(dept.id)
        if model is None:
            parent = dept.parent.id if dept.parent else None
            model = Department(id=dept.id, code=dept.code, name=dept.name, kind=dept.kind, parent_id=parent)
            self._department_models[dept.id] = model
        return model

    def _route(self, issue: _Issue) -> _Dept:
        """The department ``inspections.services.issue_route`` sends ``issue`` to. It is asked of the
        copies of the issue's place and criterion, so the seeder never restates the routing rule."""
        place, criterion = self.place_models[issue.place], self.criterion_models[issue.criterion]
        return self.depts_by_id[issue_route(place=place, criterion=criterion).department.pk]

    # Inspections and issues ------------------------------------------------------------------------

    def _plan_issues(self) -> None:
        """Inspection rounds evenly over the last year, the last one today, and the issues they found."""
        rng, count = self.rng, self.size.inspections
        first_day = self.today - HISTORY_DAYS
        self.inspection_plans: list[tuple] = []  # day, days, kind index, campaign id, leader, team
        for number in range(count):
            day = first_day + (HISTORY_DAYS * number) // max(count - 1, 1)
            campaign = self.sanitary if number % 3 == 2 else self.civilized
            team = rng.sample(self.inspectors, min(3, len(self.inspectors)))
            self.inspection_plans.append(
                (day, rng.randint(1, 5), number % len(INSPECTION_KINDS), campaign, team[0], team)
            )
        criteria_of = {
            campaign: [n for n, criterion in enumerate(self.criteria) if criterion[3] == campaign]
            for campaign in (self.civilized, self.sanitary)
        }
        self.inspection_grids: list[dict[int, None]] = [{} for _ in range(count)]
        issues: list[_Issue] = []
        total = self.options.issues
        for number in range(total):
            inspection = number * count // total
            day, days, _kind, campaign, _leader, team = self.inspection_plans[inspection]
            found = min(day + rng.randrange(days), self.today)
            low, high = (480, NOON - 30) if found == self.today else (510, 1050)
            criterion = rng.choice(criteria_of[campaign])
            pool = self.places_by_kind[rng.choice(self.criteria[criterion][4])] or self.places_by_kind["compound"]
            place = rng.choice(pool)
            reported = found * MINUTES_PER_DAY + rng.randrange(low, high)
            issue = _Issue(number + 1, inspection, place, criterion, rng.choice(team), reported)
            table = next(weights for limit, weights in ISSUE_STATUS_WEIGHTS if self.today - found >= limit)
            self._walk(issue, rng.choices([status for status, _w in table], [weight for _s, weight in table])[0])
            issues.append(issue)
            self.inspection_grids[inspection][self.place_grid[place]] = None
        self._every_status(issues)
        self.issues = issues

    def _walk(self, issue: _Issue, status: str) -> None:
        """Choose when ``issue`` took each step on its way to ``status`` (minutes since the epoch)."""
        rng, now = self.rng, self.now
        issue.status, issue.department = "reported", None
        issue.dispatched = issue.deadline_day = issue.started = issue.submitted = issue.closed = issue.returned = None
        issue.deadline = None
        issue.cycles, issue.extension = [], None
        if status == "reported":
            return
        dispatched = issue.reported + rng.randrange(30, 1200)
        if dispatched > now:  # found this morning: nobody has dispatched it yet
            return
        department = self._route(issue)
        issue.status, issue.department, issue.dispatched = status, department, dispatched
        issue.accountable = self._liaison(department)
        limit = self.criterion_models[issue.criterion].limit(Stage.RECTIFY)
        deadline = issue.deadline = self.minutes(self.working_time.add(self.moment(dispatched), limit))
        issue.deadline_day = deadline // MINUTES_PER_DAY
        if status == "dispatched":
            return
        if status == "returned":
            issue.returned = min(dispatched + rng.randrange(60, 1800), now)
            return
        horizon = min(deadline, now)
        issue.started = dispatched + int((horizon - dispatched) * rng.uniform(0.1, 0.3))
        if status == "rectifying":
            if issue.reported < now - 4 * MINUTES_PER_DAY and rng.random() < 0.4:
                rework = rng.choice((1, 1, 2))
                last = now - rng.randrange(60, 2 * MINUTES_PER_DAY)
                issue.cycles = self._cycles(issue.started, last, rework)
            elif rng.random() < 0.5:
                self._extension(issue, deadline)
            return
        if status == "closed" and rng.random() < 0.2 and deadline + 120 < now:  # rectified late
            submitted = deadline + rng.randrange(120, 3600)
        else:
            submitted = issue.started + int((horizon - issue.started) * rng.uniform(0.3, 0.9))
        issue.submitted = max(min(submitted, now), issue.started)
        if status == "closed":
            issue.closed = max(min(issue.submitted + rng.randrange(60, 960), now), issue.submitted)
            if rng.random() < 0.15:
                last = issue.started + (issue.submitted - issue.started) * 3 // 4
                issue.cycles = self._cycles(issue.started, last, 1)

    @staticmethod
    def _cycles(started: int, last_sent_back: int, count: int) -> list[tuple[int, int]]:
        """``count`` (submitted, sent back) pairs between ``started`` and the last send-back."""
        last_sent_back = max(last_sent_back, started + 2 * count)
        span = (last_sent_back - started) / count
        return [
            (started + int(span * (n + 0.6)), started + int(span * (n + 1)) if n < count - 1 else last_sent_back)
            for n in range(count)
        ]

    def _extension(self, issue: _Issue, deadline: int) -> None:
        """The department asked for more time before ``deadline``; a leader approved or refused it, or has yet to."""
        rng = self.rng
        outcome = EXTENSION_OUTCOMES[issue.number % len(EXTENSION_OUTCOMES)]
        asked = issue.started + int((min(deadline, self.now) - issue.started) * rng.uniform(0.4, 0.9))
        limit = extension_limit(
            deadline=self.moment(issue.deadline),
            criterion=self.criterion_models[issue.criterion],
            working_time=self.working_time,
        )
        limit_day = (limit.date() - self.epoch).days
        requested_day = self.add_working_days(max(deadline, asked) // MINUTES_PER_DAY, EXTENSION_WORKING_DAYS)
        decided = None if outcome == "pending" else min(asked + rng.randrange(60, 1200), self.now)
        issue.extension = (outcome, asked, min(requested_day, limit_day), decided, limit_day)

    def _every_status(self, issues: list[_Issue]) -> None:
        """Make sure every workflow state occurs: walk the oldest issue of the commonest state into
        each missing one (an issue found months ago can have got anywhere)."""
        present: dict[str, list[_Issue]] = {status: [] for status in Issue.Status.values}
        for issue in issues:
            present[issue.status].append(issue)
        for status in Issue.Status.values:
            if present[status] or len(issues) < len(present):
                continue
            commonest = max(present, key=lambda s: len(present[s]))
            issue = min(present[commonest], key=lambda i: i.reported)
            present[commonest].remove(issue)
            self._walk(issue, status)
            present[issue.status].append(issue)

    def _inspections(self) -> None:
        w = self.writer
        first = w.reserve_ids(Inspection, len(self.inspection_plans))
        self.inspection_ids = first
        rows, members, scopes = [], [], []
        for number, (day, days, kind, campaign, leader, team) in enumerate(self.inspection_plans):
            kind_name, team_name, what = INSPECTION_KINDS[kind]
            if kind_name == "self_check":
                team_name = self.districts[number % len(self.districts)].name + team_name
            moment = self.moment(day * MINUTES_PER_DAY + 8 * 60)
            grids = sorted(self.inspection_grids[number])
            scope = f"{CITY}城区{len(grids)}个网格" + ("（随机抽查）" if kind_name != "third_party" else "")
            title = f"{self.date(day):%Y年%m月%d日}{team_name}{what}"
            row = (first + number, moment, moment, campaign, f"{PREFIX}I{number + 1:05d}", title, kind_name,
                   team_name, leader, self.date(day), self.date(day + days - 1), scope)  # fmt: skip
            rows.append(row)
            members += [(first + number, user) for user in team]
            scopes += [(first + number, self.grid_ids[grid]) for grid in grids]
        w.write(Inspection, INSPECTION_COLUMNS, rows)
        w.write(Inspection.members.through, "inspection_id user_id", members)
        w.write(Inspection.grids.through, "inspection_id grid_id", scopes)

    # Tasks -----------------------------------------------------------------------------------------

    def _plan_tasks(self) -> None:
        """Choose the issues with a rectification task and plan every task so that exactly the
        asked share is open and overdue today."""
        rng, total = self.rng, self.options.tasks
        overdue_target = round(total * self.options.overdue_share)
        # Where each dispatched issue's rectification task would stand, as the planner has it.
        plans = {
            issue.number: self._workflow(issue).rectification_task(reported_percent=self._reported_percent(issue))
            for issue in self.issues
            if issue.dispatched is not None
        }
        wanted = min(round(total * RECTIFICATION_SHARE), len(plans))
        late_issues, other_issues = [], []
        for issue in self.issues:
            if issue.number in plans:
                overdue = plans[issue.number].is_overdue(self.options.today)
                (late_issues if overdue else other_issues).append(issue)
        rng.shuffle(late_issues)
        rng.shuffle(other_issues)
        # Rectification tasks are overdue as often as the others, as far as the issues allow; the
        # pledged tasks make up the rest of the overdue count, so it is always exact.
        late = min(round(overdue_target * wanted / total) if total else 0, len(late_issues))
        on_time = min(wanted - late, len(other_issues), total - overdue_target)
        late = min(wanted - on_time, len(late_issues), overdue_target)
        chosen = sorted(late_issues[:late] + other_issues[:on_time], key=lambda issue: issue.number)

        pledged, overdue = total - len(chosen), overdue_target - late
        mix = ["overdue"] * overdue
        for (name, _share), number in zip(
            TASK_MIX, apportion(pledged - overdue, [s for _n, s in TASK_MIX]), strict=True
        ):
            mix += [name] * number
        rng.shuffle(mix)
        self.task_plans = [self._pledged_task(number, schedule) for number, schedule in enumerate(mix, start=1)]
        self.task_plans += [self._rectification_task(issue, plans[issue.number]) for issue in chosen]
        first = self.writer.reserve_ids(Task, len(self.task_plans))
        for offset, task in enumerate(self.task_plans):
            task.id = first + offset
        first = self.writer.reserve_ids(Issue, len(self.issues))
        for offset, issue in enumerate(self.issues):
            issue.id = first + offset

    @staticmethod
    def _reported_percent(issue: _Issue) -> int:
        """The percent the department last reported on the rectification of ``issue``."""
        return RECTIFYING_PERCENTS[issue.number % len(RECTIFYING_PERCENTS)] if issue.started is not None else 0

    def _pledged_task(self, number: int, schedule: str) -> _Task:
        """A piece of pledged work of a bureau, district, subdistrict or community on ``schedule``."""
        rng = self.rng
        task = _Task()
        roll = rng.random()
        if roll < 0.45:
            dept = rng.choice(self.bureaus)
        elif roll < 0.55:
            dept = rng.choice(self.districts)
        elif roll < 0.9:
            dept = rng.choice(self.subdistricts)
        else:
            dept = rng.choice(rng.choice(self.subdistricts).children or self.subdistricts)
        task.department = dept
        if dept.children and (dept.kind != "subdistrict" or rng.random() < 0.7):
            task.section = rng.choice(dept.children)
        owner = task.section or dept
        task.accountable = owner.head if number % 3 else self._liaison(owner)
        task.creator = dept.head
        task.campaign = self.pledge_campaign.get(dept.id) or (self.civilized if rng.random() < 0.7 else self.sanitary)
        if dept.id in self.targets_of and rng.random() < 0.25:
            task.target = rng.choice(self.targets_of[dept.id])
        task.kind = Task.Kind.SPECIAL if rng.random() < 0.2 else Task.Kind.ROUTINE
        task.priority = rng.choices((1, 2, 3, 4), (15, 55, 22, 8))[0]
        work = rng.choice(WORKS)
        task.code = f"{PREFIX}K{number:06d}"
        task.title = f"{work}（{self._task_scope(task, dept)}）"
        task.description = f"按照创城工作部署，{dept.short}牵头开展{work}，细化任务，明确责任人，确保按期完成。"
        self._schedule(task, schedule)
        return task

    def _schedule(self, task: _Task, schedule: str) -> None:
        """Dates, status and percent of a pledged task; ``overdue`` ones are open and due before today."""
        rng, today = self.rng, self.today
        if schedule == "overdue":
            task.due = today - 1 - min(int(rng.expovariate(1 / 30)), 300)
            task.start = max(task.due - rng.randint(7, 90), 0)
            started = rng.random() < 0.75
            task.status = Task.Status.IN_PROGRESS if started else Task.Status.TODO
            task.percent = rng.randint(10, 90) if started else 0
        elif schedule == "done":
            task.due = today + rng.randint(-330, 20)
            task.start = max(min(task.due - rng.randint(10, 90), today - 1), 0)
            finished = task.due - rng.randint(0, 10) if rng.random() < 0.8 else task.due + rng.randint(1, 15)
            finished = min(max(finished, task.start + 1), today)
            task.status, task.percent = Task.Status.DONE, 100
            task.completed = self.office(finished, 900, 1080)
        elif schedule == "running":
            task.due = today + (rng.randint(0, 5) if rng.random() < 0.15 else rng.randint(6, 120))
            task.start = max(today - rng.randint(3, 150), 0)
            task.status, task.percent = Task.Status.IN_PROGRESS, rng.randint(10, 95)
        elif schedule == "todo":
            task.due = today + rng.randint(3, 180)
            task.start = min(today + rng.randint(-30, 10), task.due)
            task.status = Task.Status.TODO
        else:
            task.due = today + rng.randint(-200, 60)
            task.start = max(min(task.due - rng.randint(10, 60), today - 1), 0)
            task.status = Task.Status.CANCELLED
            task.percent = 0 if rng.random() < 0.5 else rng.randint(10, 40)
        task.created = min(task.start * MINUTES_PER_DAY + 480, self.now)
        task.first_day = min(task.start, today)
        if task.completed is not None:
            task.last_day = task.completed // MINUTES_PER_DAY
        elif task.status == Task.Status.CANCELLED:
            task.last_day = max(min(task.due, today) - rng.randint(0, 10), task.first_day)
        else:  # open tasks last reported within the last ten days: this week and last have numbers
            task.last_day = max(today - rng.randint(0, 9), task.first_day)

    def _task_scope(self, task: _Task, dept: _Dept) -> str:
        """Give ``task`` places or grids (or neither) and return what its title says it covers: a
        subdistrict's or community's work stays in its subdistrict, a bureau's covers the city."""
        rng = self.rng
        area = dept.parent if dept.kind == "community" and dept.parent is not None else dept
        if area.kind == "district":
            area = rng.choice(area.children)
        local = area.kind == "subdistrict"
        roll = rng.random()
        if roll < 0.45:
            pool = self.places_by_subdistrict[area.id] if local else None
            picks = {rng.choice(pool) if pool else rng.randrange(len(self.place_ids)) for _ in range(rng.randint(1, 3))}
            task.places = sorted(picks)
            return self.place_names[task.places[0]]
        if roll < 0.7:
            pool = self.grids_by_subdistrict[area.id] if local else None
            picks = {rng.choice(pool) if pool else rng.randrange(len(self.grid_ids)) for _ in range(rng.randint(1, 2))}
            task.grids = sorted(picks)
            return self.grid_names[task.grids[0]]
        return area.name if local else f"{CITY}城区"

    def _rectification_task(self, issue: _Issue, plan: RectificationTask) -> _Task:
        """The task dispatching opened, standing where the planner puts it."""
        task = _Task()
        _criterion_id, seed, _owner, campaign, _kinds = self.criteria[issue.criterion]
        task.issue, issue.task = issue, task
        task.code = f"{PREFIX}ZG-Q{issue.number:07d}"
        task.title = f"整改{issue.code}：{seed.title}"[:200]
        task.description = seed.findings[0].format(place=self.place_names[issue.place])
        task.kind, task.priority = Task.Kind.RECTIFICATION, Task.Priority.HIGH
        task.department, task.accountable = issue.department, issue.department.head
        task.campaign, task.creator = campaign, self.inspection_plans[issue.inspection][4]
        task.start, task.due = self.day(plan.start_date), self.day(plan.due_date)
        task.clock = (plan.due_at, plan.yellow_at, plan.suspended_at)
        task.status, task.percent = plan.status, plan.percent
        task.completed = self.minutes(plan.completed_at) if plan.completed_at is not None else None
        task.created = issue.dispatched
        task.places, task.grids = [issue.place], [self.place_grid[issue.place]]
        task.first_day = issue.started // MINUTES_PER_DAY if issue.started is not None else task.start
        end = issue.closed if issue.closed is not None else issue.submitted or self.now
        task.last_day = max(end // MINUTES_PER_DAY, task.first_day)
        return task

    # Progress --------------------------------------------------------------------------------------

    def _plan_progress(self) -> None:
        """Share the progress reports among the tasks that have started, in proportion to the weeks
        they have run (rectification tasks take one share each)."""
        rng, total = self.rng, self.options.progress
        eligible = [
            task
            for task in self.task_plans
            if task.status in (Task.Status.IN_PROGRESS, Task.Status.DONE)
            or (task.status == Task.Status.CANCELLED and task.percent > 0)
        ]
        if total and not eligible:
            raise ApplicationError(
                "No task has started, so no progress can be reported: ask for more tasks or a smaller --overdue-share.",
                code="no_progress_possible",
            )
        if total >= len(eligible):
            weights = [1 if task.issue else max(1, (task.last_day - task.first_day + 1) // 7) for task in eligible]
            for task, extra in zip(eligible, apportion(total - len(eligible), weights), strict=True):
                task.reports = 1 + extra
        else:
            for task in rng.sample(eligible, total):
                task.reports = 1
        per_target: dict[int, int] = defaultdict(int)
        for task in self.task_plans:
            if task.status != Task.Status.DONE and not task.reports:
                task.percent = 0  # a task's percent is the latest one reported
            if task.target is not None:
                per_target[task.target] += 1
        for task in self.task_plans:
            if task.target is not None:
                task.quantity = self.target_span[task.target] / per_target[task.target] * rng.uniform(0.6, 1.2)

    def _write_tasks(self) -> None:
        def rows() -> Iterator[tuple]:
            for t in self.task_plans:
                yield (t.id, self.moment(t.created), self.moment(self._task_updated(t)), t.campaign, t.code, t.title,
                       t.description, t.kind, t.priority, t.department.id, t.section.id if t.section else None,
                       t.accountable, t.target, self.date(t.start), self.date(t.due), t.status, t.percent,
                       self.moment(t.completed), *self._task_clock(t), t.creator)  # fmt: skip

        self.writer.write(Task, TASK_COLUMNS, rows())
        places = ((t.id, self.place_ids[p]) for t in self.task_plans for p in t.places)
        self.writer.write(Task.places.through, "task_id place_id", places)
        grids = ((t.id, self.grid_ids[g]) for t in self.task_plans for g in t.grids)
        self.writer.write(Task.grids.through, "task_id grid_id", grids)

    def _task_clock(self, task: _Task) -> tuple:
        """``due_at``, ``yellow_at`` and ``suspended_at``: a rectification's as planned with its issue, pledged
        work's from its due date on the seeder's calendar."""
        if task.issue is not None:
            return task.clock
        return (*Task.pledged_clock(self.date(task.due), calendar=self.calendar), None)

    def _task_updated(self, task: _Task) -> int:
        latest = task.created
        if task.reports:
            latest = max(latest, min(task.last_day * MINUTES_PER_DAY + 1080, self.now))
        if task.completed is not None:
            latest = max(latest, task.completed)
        return latest

    def _timeline(self, issue: _Issue) -> Timeline:
        """The steps of ``issue`` as the planner takes them: moments as aware datetimes, and what was
        written at each, chosen by the issue's number so that asking twice gives the same answer."""
        at, number = self.moment, issue.number
        seed = self.criteria[issue.criterion][1]
        description = seed.findings[number % len(seed.findings)].format(place=self.place_names[issue.place])
        timeline = Timeline(reported=at(issue.reported), description=description)
        if issue.dispatched is None:
            return timeline
        timeline.dispatched = at(issue.dispatched)
        if issue.returned is not None:
            timeline.returned, timeline.return_reason = at(issue.returned), _pick(demo_data.RETURN_REASONS, number)
        timeline.started = at(issue.started)
        if issue.cycles:
            timeline.send_backs = [
                SendBack(
                    submitted=at(submitted),
                    note=demo_data.submission_note(seed.rectification, n),
                    sent_back=at(sent_back),
                    reason=_pick(demo_data.SEND_BACK_REASONS, number + n),
                )
                for n, (submitted, sent_back) in enumerate(issue.cycles)
            ]
        if issue.submitted is not None:
            timeline.submitted = at(issue.submitted)
            timeline.submission_note = demo_data.submission_note(seed.rectification, len(issue.cycles))
        if issue.closed is not None:
            timeline.closed, timeline.verification_note = at(issue.closed), demo_data.VERIFIED_NOTE
        if issue.extension is not None:
            outcome, asked, requested_day, decided, limit_day = issue.extension
            timeline.extension = Extension(
                asked=at(asked),
                reason=_pick(demo_data.EXTENSION_REASONS, number),
                requested_deadline=self.deadline(requested_day),
                limit_deadline=self.deadline(limit_day),
                outcome=outcome,
                decided=at(decided),
                decision_note=demo_data.EXTENSION_DECISION_NOTES.get(outcome, ""),
            )
        return timeline

    def _workflow(self, issue: _Issue, timeline: Timeline | None = None) -> Workflow:
        """The plan of ``issue``'s way, its clocks counted with the seeder's one reading of the calendar."""
        return plan_workflow(
            timeline or self._timeline(issue),
            limits=self.criterion_models[issue.criterion],
            working_time=self.working_time,
            share=self.share,
        )

    def _actors(self, issue: _Issue) -> dict[Actor, int | None]:
        """Who (user ids) took each part in ``issue``."""
        inspector = self.inspection_plans[issue.inspection][4]
        return {
            Actor.REPORTER: issue.reporter,
            Actor.DISPATCHER: inspector,
            Actor.RECTIFIER: issue.accountable,
            Actor.DEPARTMENT_HEAD: issue.department.head if issue.department else None,
            Actor.VERIFIER: inspector,
            Actor.LEADER: self.leader,
        }

    def _write_issues(self) -> None:
        """The issues with their events, then the extension requests."""
        w = self.writer
        w.write_families(
            (Issue, ISSUE_COLUMNS),
            ((IssueEvent, EVENT_COLUMNS), (StageClock, CLOCK_COLUMNS)),
            map(self._issue_rows, self.issues),
        )
        w.write(ExtensionRequest, EXTENSION_COLUMNS, (self._extension_row(i) for i in self.issues if i.extension))

    def _issue_rows(self, issue: _Issue) -> tuple[tuple, tuple[list[tuple], list[tuple]]]:
        """The issue's row and the rows of its events and its stage clocks, from one plan of its way."""
        timeline = self._timeline(issue)
        workflow = self._workflow(issue, timeline)
        return self._issue_row(issue, timeline, workflow), (
            self._event_rows(issue, workflow),
            self._clock_rows(issue, workflow),
        )

    def _clock_rows(self, issue: _Issue, workflow: Workflow) -> list[tuple]:
        """Every run of the issue's stage clocks, as ``inspections.clocks`` records them."""
        department = issue.department.id if issue.department else None
        return [
            (issue.id, c.stage, department if c.stage == Stage.RECTIFY else None, c.limit, c.started_at, c.due_at,
             c.yellow_at, c.extended_to, c.stopped_at, c.suspended_minutes, c.suspended_minutes_at_extension,
             c.overdue)
            for c in workflow.clocks
        ]  # fmt: skip

    def _issue_row(self, issue: _Issue, timeline: Timeline, workflow: Workflow) -> tuple:
        criterion_id, seed, _owner, campaign, _kinds = self.criteria[issue.criterion]
        place = issue.place
        department = issue.department.id if issue.department else None
        task = issue.task.id if issue.task else None
        return (issue.id, timeline.reported, workflow.events[-1].moment, campaign,
                self.inspection_ids + issue.inspection, issue.code, self.place_ids[place],
                self.grid_ids[self.place_grid[place]], criterion_id, timeline.description, seed.points, department,
                workflow.status, issue.reporter, timeline.reported, workflow.dispatched_at, workflow.submitted_at,
                workflow.closed_at, workflow.deadline, workflow.rework_count, workflow.rectification_note,
                workflow.return_reason, *self.place_coordinates[place], task, _source(issue.number),
                *workflow.clock_columns().values())  # fmt: skip

    def _event_rows(self, issue: _Issue, workflow: Workflow) -> list[tuple]:
        """The issue's way as the inspections services record it, one event per step."""
        actors = self._actors(issue)
        department = issue.department.id if issue.department else None
        return [
            (issue.id, event.action, event.from_status, event.to_status, actors[event.actor],
             department if event.names_department else None, event.note, event.moment)
            for event in workflow.events
        ]  # fmt: skip

    def _extension_row(self, issue: _Issue) -> tuple:
        extension, actors = self._timeline(issue).extension, self._actors(issue)
        decider = actors[Actor.LEADER] if extension.decided is not None else None
        updated = extension.decided or extension.asked
        approved = extension.requested_deadline if extension.outcome == ExtensionRequest.Status.APPROVED else None
        # Within its limit, a request needs no note for going beyond it.
        return (extension.asked, updated, issue.id, actors[Actor.RECTIFIER], extension.reason,
                extension.requested_deadline, extension.limit_deadline, "", extension.outcome, decider,
                extension.decided, extension.decision_note, approved)  # fmt: skip

    def _write_progress(self) -> None:
        rows = (row for task in self.task_plans if task.reports for row in self._reports(task))
        self.writer.write(ProgressReport, PROGRESS_COLUMNS, rows)

    def _reports(self, task: _Task) -> Iterator[tuple]:
        """``task.reports`` reports climbing to its percent, spread in office hours over its span;
        a finished task's last report is its completion."""
        rng, count, now, completed = self.rng, task.reports, self.now, task.completed
        span = task.last_day - task.first_day + 1
        authors = (task.accountable, self._liaison(task.section or task.department))
        previous = 0
        for n in range(count):
            position = span * (n + rng.random()) / count
            day = int(position)
            minutes = min((task.first_day + day) * MINUTES_PER_DAY + 510 + int((position - day) * 540), now)
            if completed is not None:
                minutes = completed if n == count - 1 else min(minutes, completed)
            percent = max(1, task.percent * (n + 1) // count)
            notes = next(texts for limit, texts in demo_data.PROGRESS_NOTES if percent <= limit)
            quantity = None
            if task.target is not None and percent > previous:
                quantity = f"{task.quantity * (percent - previous) / 100:.2f}"
            final = completed is not None and n == count - 1
            # The task's percent before this report, as progress_report_create records it.
            yield (
                task.id,
                authors[n % 2],
                self.moment(minutes),
                percent,
                previous,
                quantity,
                notes[n % len(notes)],
                final,
            )
            previous = percent


def _days(limit: str) -> int:
    """The working days a limit spans at most (a day for one counted in hours)."""
    parsed = Limit.parse(limit)
    return parsed.amount if parsed.unit == Limit.DAYS else 1


def _source(number: int) -> str:
    """Where the ``number``-th issue came from, as the demo spreads them (``demo.data.SOURCES_EVERY``)."""
    return next((source for source, every in demo_data.SOURCES_EVERY if number % every == 0), Issue.Source.INSPECTION)


def _pick(texts: Sequence[str], number: int) -> str:
    """One of ``texts`` by ``number``: the same every time it is asked for, and varied across issues."""
    return texts[number % len(texts)]
