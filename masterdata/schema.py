"""The master-data workbook, declared once: its sheets, their Chinese headers, what each column holds.

Template generation, export, import and validation all read these declarations, so a column added
here appears in all four. The Chinese headers, labels and error messages are data of the workbook
format (the city's registers are kept in Chinese), not interface strings, so they are written
literally and do not pass through gettext.

A cell is parsed into the same Python value that export reads out of the database, so comparing
the two tells whether a row changed: text is ``str`` ("" when blank), a reference is a code or a
username (``None`` when blank), a list of references is a sorted tuple, numbers are ``int`` or
``Decimal``, dates are ``date``, flags are ``bool``, a choice is the model's stored value.
"""

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.db import models
from openpyxl.utils.datetime import from_excel

from accounts.models import Department, Role, User
from assessment.models import (
    Grade,
    GradeBand,
    PeriodKind,
    Rule,
    Scheme,
    SchemeAdjustment,
    SchemeIndicator,
    SourceWeight,
)
from campaign.models import Task
from evaluation.models import Item, ObservationPoint, PointType, Standard
from grids.models import Grid, Place
from inspections.models import Criterion, Issue


class CellError(ValueError):
    """A cell's content cannot be read as its column's type; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Type(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    GEOJSON = "geojson"


class Ref(StrEnum):
    """What a reference column points at; each is looked up in the file and in the database."""

    DEPARTMENT = "department"
    USER = "user"
    GRID = "grid"
    CAMPAIGN = "campaign"
    TARGET = "target"
    SCHEME = "scheme"
    POINT_TYPE = "point_type"
    ITEM = "item"
    PLACE = "place"
    CRITERION = "criterion"


# How a missing reference is explained; campaigns and targets are not in the workbook.
REF_MISSING = {
    Ref.DEPARTMENT: "找不到部门编码“{}”：“部门”表和系统中都没有",
    Ref.USER: "找不到用户名“{}”：“人员”表和系统中都没有",
    Ref.GRID: "找不到网格编码“{}”：“网格”表和系统中都没有",
    Ref.CAMPAIGN: "找不到活动编码“{}”：系统中没有该活动",
    Ref.TARGET: "找不到目标编码“{}”：系统中没有该目标",
    Ref.SCHEME: "找不到考核方案编码“{}”：“考核方案”表和系统中都没有",
    Ref.POINT_TYPE: "找不到点位类型编码“{}”：“点位类型”表和系统中都没有",
    Ref.ITEM: "找不到测评项目编码“{}”：“测评项目”表和系统中都没有",
    Ref.PLACE: "找不到点位编码“{}”：“点位”表和系统中都没有",
    Ref.CRITERION: "找不到测评标准编码“{}”：“测评标准”表和系统中都没有",
}

LIST_SEPARATORS = re.compile(r"[,，、;；\s]+")
TRUE_WORDS = {"是", "启用", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "停用", "禁用", "false", "no", "n", "0", "×"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
EXCEL_SERIAL_DAYS = (32874, 73051)  # 1990-01-01 to 2100-01-01
# A time limit as core.working_time.Limit reads it: office minutes or hours, working days (1–366), natural hours.
TIME_LIMIT = re.compile(r"[1-9][0-9]*(?:m|h|nh)|(?:[1-9]|[1-9][0-9]|[12][0-9]{2}|3[0-5][0-9]|36[0-6])d")
TIME_LIMIT_MESSAGE = "时限写作 90m（工作分钟）、4h（工作小时）、3d（工作日，1–366）或 24nh（自然小时），且须大于零"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, the row key it fills, its type and its limits."""

    header: str
    key: str
    type: Type = Type.TEXT
    required: bool = False
    max_length: int | None = None
    ref: Ref | None = None
    many: bool = False  # a comma-separated list
    choices: tuple[tuple[Any, str], ...] = ()  # (stored value, Chinese label)
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    decimal_places: int = 0
    max_digits: int = 0
    default: Any = None
    pattern: re.Pattern | None = None
    pattern_message: str = ""
    optional_header: bool = False  # the whole column may be left out; the field is then left alone
    width: int = 14
    example: Any = None
    note: str = ""

    def parse(self, raw: Any) -> Any:
        """The cell's value as this column's Python value; raises ``CellError``."""
        if _is_blank(raw):
            if self.required:
                raise CellError("必填，不能为空")
            return self.empty()
        if self.many:
            items = [item for item in LIST_SEPARATORS.split(_text(raw)) if item]
            return tuple(sorted({self._parse_one(item) for item in items}, key=str))
        return self._parse_one(raw)

    def empty(self) -> Any:
        if self.many:
            return ()
        if self.default is not None:
            return self.default
        return "" if self.type == Type.TEXT and self.ref is None else None

    def to_cell(self, value: Any) -> Any:
        """The value as it is written into a cell, which ``parse`` reads back to the same value."""
        if self.many:
            return ",".join(self._one_to_cell(item) for item in value) or None
        if value is None or value == "":
            return None
        return self._one_to_cell(value)

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.choices]

    def _one_to_cell(self, value: Any) -> Any:
        if self.type == Type.CHOICE:
            return dict(self.choices)[value]
        if self.type == Type.BOOLEAN:
            return "是" if value else "否"
        if self.type == Type.GEOJSON:
            return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return value

    def _parse_one(self, raw: Any) -> Any:
        parser = {
            Type.TEXT: self._parse_text,
            Type.INTEGER: self._parse_integer,
            Type.DECIMAL: self._parse_decimal,
            Type.DATE: _parse_date,
            Type.BOOLEAN: _parse_boolean,
            Type.CHOICE: self._parse_choice,
            Type.GEOJSON: _parse_geojson,
        }[self.type]
        return parser(raw)

    def _parse_text(self, raw: Any) -> str:
        if isinstance(raw, datetime.date | datetime.time):
            raise CellError("应为文字，不是日期或时间")
        value = _text(raw)
        if self.max_length is not None and len(value) > self.max_length:
            raise CellError(f"不能超过 {self.max_length} 个字符（现有 {len(value)} 个）")
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise CellError(f"“{value}”格式不对：{self.pattern_message}")
        return value

    def _parse_integer(self, raw: Any) -> int:
        number = _number(raw, "应为整数")
        if number != number.to_integral_value():
            raise CellError(f"应为整数，不是 {raw}")
        value = int(number)
        self._check_range(value)
        return value

    def _parse_decimal(self, raw: Any) -> Decimal:
        number = _number(raw, "应为数字")
        # Checked before rounding: quantize() itself fails on a number of more than 28 digits.
        if abs(number) >= Decimal(10) ** (self.max_digits - self.decimal_places):
            raise CellError(f"数值 {raw} 太大")
        value = number.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)
        self._check_range(value)
        return value

    def _check_range(self, value: int | Decimal) -> None:
        if self.minimum is not None and value < self.minimum:
            raise CellError(f"不能小于 {self.minimum}（现为 {value}）")
        if self.maximum is not None and value > self.maximum:
            raise CellError(f"不能大于 {self.maximum}（现为 {value}）")

    def _parse_choice(self, raw: Any) -> Any:
        text = _text(raw)
        for value, label in self.choices:
            if text in (label, str(value)):
                return value
        raise CellError(f"“{text}”不是可选值；可选：{'、'.join(self.labels)}")


def _is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        # Excel stores a phone number or a numeric code typed into a General cell as a float.
        return str(int(raw))
    return str(raw).strip()


def _number(raw: Any, message: str) -> Decimal:
    if isinstance(raw, bool) or isinstance(raw, datetime.date | datetime.time):
        raise CellError(f"{message}，不是“{raw}”")
    try:
        # str() first: a float read from the sheet keeps the digits it was written with.
        number = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(f"{message}，不是“{raw}”") from None
    if not number.is_finite():
        raise CellError(f"{message}，不是“{raw}”")
    return number


def _parse_date(raw: Any) -> datetime.date:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    if (
        isinstance(raw, int | float)
        and not isinstance(raw, bool)
        and EXCEL_SERIAL_DAYS[0] <= raw < EXCEL_SERIAL_DAYS[1]
    ):
        # A date typed into a cell without a date format arrives as Excel's serial day number;
        # only that plausible range is read as one, so that a bare year (2018) is an error, not 1905.
        return from_excel(raw).date()
    text = _text(raw)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise CellError(f"应为日期（如 2018-02-28），不是“{text}”")


def _parse_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(f"应填“是”或“否”，不是“{text}”")


def _parse_geojson(raw: Any) -> dict:
    try:
        value = json.loads(_text(raw))
    except ValueError:
        raise CellError("不是有效的 GeoJSON（JSON 格式错误）") from None
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise CellError("GeoJSON 应为 Polygon 或 MultiPolygon 几何对象")
    if not isinstance(value.get("coordinates"), list) or not value["coordinates"]:
        raise CellError("GeoJSON 缺少坐标（coordinates）")
    return value


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook: the records of one kind, matched by the value of ``key``."""

    name: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: str = "code"
    description: str = ""
    # A part of the records of another sheet (a scheme's indicators): its rows, per record named in ``key``,
    # replace that record's part (masterdata.services.schemes); ``part_key`` tells its rows apart.
    part_of: str = ""
    part_key: str = ""
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)
    by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_header", {column.header: column for column in self.columns})
        object.__setattr__(self, "by_key", {column.key: column for column in self.columns})

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def key_column(self) -> Column:
        return self.by_key[self.key]

    @property
    def example_row(self) -> list[Any]:
        return [column.example for column in self.columns]


def _length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _code(model, *, header: str = "编码", example: str = "", **kwargs) -> Column:
    return Column(header, "code", required=True, max_length=_length(model, "code"), width=16, example=example, **kwargs)


def _ref(header: str, key: str, ref: Ref, *, example: Any = None, **kwargs) -> Column:
    # No length limit of its own: a value too long to be a code is reported as not found.
    return Column(header, key, ref=ref, width=18, example=example, **kwargs)


# Labels as the city says them (they match the Chinese catalogue of the models' choices).
DEPARTMENT_KINDS = (
    (Department.Kind.BUREAU.value, "市直部门"),
    (Department.Kind.DISTRICT.value, "区"),
    (Department.Kind.SUBDISTRICT.value, "街道"),
    (Department.Kind.COMMUNITY.value, "社区"),
    (Department.Kind.SECTION.value, "科室"),
)
ROLES = (
    (Role.STAFF.value, "部门联络员"),
    (Role.LEADER.value, "领导"),
    (Role.INSPECTOR.value, "督查员"),
    (Role.ADMINISTRATOR.value, "管理员"),
    (Role.API_CLIENT.value, "API客户端"),
)
PLACE_KINDS = (
    (Place.Kind.STREET.value, "街巷"),
    (Place.Kind.COMPOUND.value, "居民小区"),
    (Place.Kind.VILLAGE.value, "城中村"),
    (Place.Kind.COMMUNITY.value, "社区"),
    (Place.Kind.MARKET.value, "农贸市场"),
    (Place.Kind.SCHOOL.value, "校园及周边"),
    (Place.Kind.SMALL_TRADE.value, "九小行业"),
    (Place.Kind.PUBLIC_PLACE.value, "公共场所"),
)
CRITERION_LEADS = (
    (Criterion.Lead.TERRITORIAL.value, "属地"),
    (Criterion.Lead.ASSIGNED.value, "帮包"),
    (Criterion.Lead.OWNER.value, "属主"),
)
TASK_KINDS = (
    (Task.Kind.ROUTINE.value, "日常工作"),
    (Task.Kind.SPECIAL.value, "专项治理"),
    (Task.Kind.RECTIFICATION.value, "整改"),
)
TASK_PRIORITIES = (
    (Task.Priority.LOW.value, "低"),
    (Task.Priority.NORMAL.value, "一般"),
    (Task.Priority.HIGH.value, "高"),
    (Task.Priority.URGENT.value, "紧急"),
)

# The database constraints the rows must meet, checked before writing so that none fails there.
DEPARTMENT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
USERNAME = re.compile(r"[\w.@+-]+")
PHONE = re.compile(r"\+?[0-9-]{5,20}")


def _latitude(header: str, key: str, example: Any) -> Column:
    return Column(
        header, key, Type.DECIMAL, minimum=-90, maximum=90, decimal_places=6, max_digits=9, width=12, example=example
    )


def _longitude(header: str, key: str, example: Any) -> Column:
    return Column(
        header, key, Type.DECIMAL, minimum=-180, maximum=180, decimal_places=6, max_digits=9, width=12, example=example
    )


DEPARTMENTS = Sheet(
    "部门",
    model=Department,
    description="部门树：市直部门及其科室，区、街道、社区。上级部门可以在本表中，也可以是系统中已有的部门。",
    columns=(
        _code(
            Department,
            example="LC-ZJJ",
            pattern=DEPARTMENT_CODE,
            pattern_message="只能由字母、数字和 _ . - 组成，且以字母或数字开头",
        ),
        Column(
            "名称",
            "name",
            required=True,
            max_length=_length(Department, "name"),
            width=28,
            example="聊城市住房和城乡建设局",
        ),
        Column("简称", "short_name", max_length=_length(Department, "short_name"), width=14, example="市住建局"),
        Column("类型", "kind", Type.CHOICE, required=True, choices=DEPARTMENT_KINDS, width=12, example="市直部门"),
        _ref("上级部门编码", "parent", Ref.DEPARTMENT),
        _ref("负责人用户名", "head", Ref.USER, example="guoxinhua", note="接收逾期升级提醒的部门负责人"),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8, example=1),
    ),
)

USERS = Sheet(
    "人员",
    model=User,
    key="username",
    description="登录系统的人员。同一用户名只能出现一次；新建的用户没有密码，需由管理员设置或重置。",
    columns=(
        Column(
            "用户名",
            "username",
            required=True,
            max_length=_length(User, "username"),
            pattern=USERNAME,
            pattern_message="只能包含字母、数字和 @ . + - _",
            width=16,
            example="guoxinhua",
        ),
        Column("姓", "last_name", max_length=_length(User, "last_name"), width=8, example="郭"),
        Column("名", "first_name", max_length=_length(User, "first_name"), width=10, example="新华"),
        _ref("部门编码", "department", Ref.DEPARTMENT, example="LC-ZJJ"),
        Column("职务", "title", max_length=_length(User, "title"), width=20, example="党组书记、局长"),
        Column(
            "电话",
            "phone",
            max_length=_length(User, "phone"),
            pattern=PHONE,
            pattern_message="只能包含数字和 -，可以 + 开头，5 到 20 位",
            width=16,
            example="0635-8888001",
        ),
        Column(
            "角色",
            "roles",
            Type.CHOICE,
            many=True,
            choices=ROLES,
            width=16,
            example="领导",
            note="可填多个，用逗号分隔；留空表示没有角色",
        ),
        Column("启用", "is_active", Type.BOOLEAN, default=True, width=8, example="是"),
    ),
)

GRIDS = Sheet(
    "网格",
    model=Grid,
    description="网格：所属街道、县级领导和帮包部门（可填多个，用逗号分隔）。",
    columns=(
        _code(Grid, example="DCF-G01"),
        Column("名称", "name", required=True, max_length=_length(Grid, "name"), width=16, example="第1网格"),
        _ref(
            "街道编码", "subdistrict", Ref.DEPARTMENT, required=True, example="DCF-GL", note="必须是类型为“街道”的部门"
        ),
        _ref("县级领导用户名", "leader", Ref.USER, example="ronghongzhi"),
        _ref(
            "帮包部门编码", "departments", Ref.DEPARTMENT, many=True, example="DCF-ZJJ,DCF-CGJ", note="多个用逗号分隔"
        ),
        _latitude("中心纬度", "latitude", 36.456789),
        _longitude("中心经度", "longitude", 115.985432),
        Column(
            "边界GeoJSON",
            "boundary",
            Type.GEOJSON,
            optional_header=True,
            width=30,
            example='{"type":"Polygon","coordinates":[[[115.98,36.45],[115.99,36.45],[115.99,36.46],[115.98,36.45]]]}',
            note="可选：Polygon 或 MultiPolygon；整列删去则不修改边界",
        ),
    ),
)

PLACES = Sheet(
    "点位",
    model=Place,
    description="点位：街巷、小区、城中村等，所在网格、帮包部门和领导、属地单位。",
    columns=(
        _code(Place, example="DCF-P00001"),
        Column("名称", "name", required=True, max_length=_length(Place, "name"), width=20, example="柳园北路"),
        Column("类型", "kind", Type.CHOICE, required=True, choices=PLACE_KINDS, width=12, example="街巷"),
        _ref("网格编码", "grid", Ref.GRID, required=True, example="DCF-G01"),
        Column(
            "地址",
            "address",
            max_length=_length(Place, "address"),
            width=28,
            example="东昌府区柳园北路（东昌路至兴华路）",
        ),
        _latitude("纬度", "latitude", 36.457001),
        _longitude("经度", "longitude", 115.986002),
        _ref("帮包部门编码", "assigned_department", Ref.DEPARTMENT, required=True, example="DCF-ZJJ"),
        _ref("帮包领导用户名", "assigned_leader", Ref.USER, example="ronghongzhi"),
        _ref("属地单位编码", "territorial_unit", Ref.DEPARTMENT, required=True, example="DCF-GL"),
        Column("户数", "households", Type.INTEGER, minimum=0, maximum=2147483647, width=8),
        Column("长度(米)", "length_m", Type.INTEGER, minimum=0, maximum=2147483647, width=10, example=1200),
        Column("物业公司", "property_company", max_length=_length(Place, "property_company"), width=20),
    ),
)

CRITERIA = Sheet(
    "测评标准",
    model=Criterion,
    description="测评标准：每条问题扣的分、整改由谁牵头（属地、帮包或属主）、协办部门、默认责任部门和整改时限。",
    columns=(
        _code(Criterion, example="CS-01"),
        Column(
            "类别", "category", required=True, max_length=_length(Criterion, "category"), width=14, example="市容环境"
        ),
        Column(
            "标题",
            "title",
            required=True,
            max_length=_length(Criterion, "title"),
            width=28,
            example="主次干道无暴露垃圾",
        ),
        Column("要求", "requirement", width=36, example="主次干道、背街小巷路面干净，无暴露垃圾、无卫生死角"),
        Column(
            "分值",
            "points",
            Type.DECIMAL,
            required=True,
            minimum=Decimal("0.01"),
            decimal_places=2,
            max_digits=5,
            width=8,
            example=1,
        ),
        Column(
            "牵头方式",
            "lead",
            Type.CHOICE,
            choices=CRITERION_LEADS,
            default=Criterion.Lead.TERRITORIAL.value,
            width=10,
            example="属地",
            note="属地：由点位所在的街道或社区整改；帮包：由点位的帮包部门整改；"
            "属主：由默认责任部门整改（必须填默认责任部门）",
        ),
        _ref("默认责任部门编码", "default_department", Ref.DEPARTMENT, example="LC-CGJ"),
        _ref(
            "协办部门编码",
            "assisting_departments",
            Ref.DEPARTMENT,
            many=True,
            optional_header=True,
            example="LC-DCF-CG,LC-DCF-SJ",
            note="问题派遣时一并通知协助整改的部门；多个用逗号分隔",
        ),
        *(
            Column(
                header,
                key,
                default=default,
                pattern=TIME_LIMIT,
                pattern_message=TIME_LIMIT_MESSAGE,
                width=12,
                example=example,
                note=note,
            )
            for header, key, default, example, note in (
                ("派遣时限", "dispatch_limit", "1h", "1h", "从立案到派遣"),
                ("处置时限", "rectify_limit", "3d", "3d", "从派遣到部门报送整改结果"),
                ("核验时限", "verify_limit", "1d", "2h", "从部门报送到现场核验"),
            )
        ),
    ),
)

TASKS = Sheet(
    "任务",
    model=Task,
    description="批量分派的任务：每项任务落实到部门、科室和责任人。",
    columns=(
        _code(Task, example="RW-2018-001"),
        Column(
            "标题", "title", required=True, max_length=_length(Task, "title"), width=28, example="背街小巷整治第一批"
        ),
        _ref("活动编码", "campaign", Ref.CAMPAIGN, required=True, example="C2018"),
        Column(
            "类型",
            "kind",
            Type.CHOICE,
            choices=TASK_KINDS,
            default=Task.Kind.ROUTINE.value,
            width=10,
            example="专项治理",
        ),
        Column(
            "优先级",
            "priority",
            Type.CHOICE,
            choices=TASK_PRIORITIES,
            default=Task.Priority.NORMAL.value,
            width=8,
            example="一般",
        ),
        _ref("部门编码", "department", Ref.DEPARTMENT, required=True, example="LC-ZJJ"),
        _ref(
            "科室编码",
            "section",
            Ref.DEPARTMENT,
            example="LC-ZJJ-CJK",
            note="必须是该部门的直接下级单位，如局的科室、区的街道",
        ),
        _ref("责任人用户名", "accountable", Ref.USER, example="guoxinhua"),
        _ref("目标编码", "target", Ref.TARGET),
        _ref("网格编码", "grids", Ref.GRID, many=True, example="DCF-G01,DCF-G02", note="多个用逗号分隔"),
        Column("开始日期", "start_date", Type.DATE, width=12, example=datetime.date(2018, 3, 1)),
        Column("截止日期", "due_date", Type.DATE, required=True, width=12, example=datetime.date(2018, 6, 30)),
    ),
)

# In the order of writing: what a sheet refers to comes before it.
# --- 考核方案: a scheme's row, then its parts (assessment.models), each part replaced whole per scheme ---------

PERIOD_KINDS = ((PeriodKind.MONTH.value, "月度"), (PeriodKind.QUARTER.value, "季度"), (PeriodKind.WEEK.value, "每周"))
# The library's indicators (assessment.library) as the city names them: core.glossary's labels.
INDICATORS = (
    ("disposal_rate", "处置率"),
    ("on_time_disposal_rate", "按期处置率"),
    ("closure_rate", "结案率"),
    ("on_time_closure_rate", "按期结案率"),
    ("rework_rate", "返工率"),
    ("extension_rate", "延期率"),
    ("overdue_pending_rate", "超期待处置率"),
    ("return_rate", "回退率"),
    ("overruled_returns", "推诿次数"),
    ("on_time_verification_rate", "按期核查率"),
    ("average_disposal_hours", "平均处置时长"),
    ("points_lost", "丢分"),
    ("failed_verifications", "核查不通过次数"),
)
COUNTED = (
    ("repeated_complaint_places", "重复投诉点位"),
    ("overruled_returns", "推诿次数"),
    ("failed_verifications", "核查不通过次数"),
    ("points_lost", "丢分"),
)
RULES = (
    (Rule.RATE.value, "权重×比率"),
    (Rule.INVERSE_RATE.value, "权重×(1−比率)"),
    (Rule.THRESHOLD.value, "达标满分，每低1个百分点扣分"),
    (Rule.PER_UNIT.value, "满分，每单位扣分"),
)
SOURCES = (
    (Issue.Source.INSPECTION.value, "督查"),
    (Issue.Source.LEADER.value, "领导交办"),
    (Issue.Source.MEDIA.value, "媒体曝光"),
    (Issue.Source.HOTLINE.value, "12345热线"),
    (Issue.Source.EVALUATION.value, "模拟测评"),
    (Issue.Source.CITIZEN.value, "市民随手拍"),
)
GRADES = (
    (Grade.EXCELLENT.value, "优秀"),
    (Grade.GOOD.value, "良好"),
    (Grade.FAIR.value, "一般"),
    (Grade.POOR.value, "较差"),
)
SCORE = {"decimal_places": 2, "max_digits": 7, "width": 10}


def _scheme_ref() -> Column:
    return _ref("方案编码", "scheme", Ref.SCHEME, required=True, example="KH-2018-M", note="“考核方案”表或系统中的方案")


SCHEMES = Sheet(
    "考核方案",
    model=Scheme,
    description="考核方案：活动、考核周期、生效日期和申诉期；指标、加减分、来源权重和等级在后面四张表。",
    columns=(
        _code(Scheme, example="KH-2018-M"),
        Column("名称", "name", required=True, max_length=_length(Scheme, "name"), width=24, example="月度考核方案"),
        _ref("活动编码", "campaign", Ref.CAMPAIGN, required=True, example="C2018"),
        Column("考核周期", "period_kind", Type.CHOICE, choices=PERIOD_KINDS, default="month", width=10, example="月度"),
        Column("生效日期", "valid_from", Type.DATE, required=True, width=12, example=datetime.date(2018, 4, 1)),
        Column("停止日期", "valid_until", Type.DATE, width=12, note="留空表示长期有效"),
        Column("申诉期(工作日)", "appeal_days", Type.INTEGER, default=3, minimum=1, maximum=30, width=10, example=3),
        Column(
            "挂起不计按期",
            "exclude_suspended",
            Type.BOOLEAN,
            default=True,
            width=10,
            example="是",
            note="挂起（缓办）的案件不计入按期处置率、按期结案率的分母",
        ),
        Column("启用", "is_active", Type.BOOLEAN, default=True, width=8, example="是"),
    ),
)
SCHEME_INDICATORS = Sheet(
    "考核指标",
    model=SchemeIndicator,
    key="scheme",
    part_of=SCHEMES.name,
    part_key="code",
    description="每个方案的计分指标：表中出现的方案，其指标以本表为准；各指标权重之和须为100。",
    columns=(
        _scheme_ref(),
        Column("指标", "code", Type.CHOICE, required=True, choices=INDICATORS, width=14, example="处置率"),
        Column("权重", "weight", Type.DECIMAL, required=True, minimum=0, example=30, **SCORE),
        Column("计分方式", "rule", Type.CHOICE, choices=RULES, default="rate", width=22, example="权重×比率"),
        Column(
            "达标线(%)", "threshold", Type.DECIMAL, minimum=0, maximum=100, decimal_places=2, max_digits=5, width=10
        ),
        Column(
            "扣分",
            "points_off",
            Type.DECIMAL,
            minimum=0,
            decimal_places=2,
            max_digits=6,
            width=8,
            note="“达标满分”时每低1个百分点扣的分；“每单位扣分”时每单位扣的分",
        ),
        Column("可扣成负分", "allow_negative", Type.BOOLEAN, default=False, width=10, note="否：扣完该项权重为止"),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8, example=1),
    ),
)
SCHEME_ADJUSTMENTS = Sheet(
    "考核加减分",
    model=SchemeAdjustment,
    key="scheme",
    part_of=SCHEMES.name,
    part_key="code",
    description="每个方案的扣分项和加分项：每单位的分值（扣分填负数），可封顶。",
    columns=(
        _scheme_ref(),
        Column("项目", "code", Type.CHOICE, required=True, choices=COUNTED, width=14, example="重复投诉点位"),
        Column("每单位分值", "points_per_unit", Type.DECIMAL, required=True, example=-1, **SCORE),
        Column(
            "起计次数",
            "min_count",
            Type.INTEGER,
            minimum=2,
            maximum=32767,
            width=8,
            example=3,
            note="重复投诉：同一点位投诉达到几次算一处",
        ),
        Column("封顶分值", "cap", Type.DECIMAL, minimum=Decimal("0.01"), note="本项最多加或扣的分", **SCORE),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8),
    ),
)
SCHEME_SOURCES = Sheet(
    "案件来源权重",
    model=SourceWeight,
    key="scheme",
    part_of=SCHEMES.name,
    part_key="source",
    description="每个方案中各来源的案件按几件计（如领导交办、媒体曝光按两件计）；未列出的来源按一件计。",
    columns=(
        _scheme_ref(),
        Column("来源", "source", Type.CHOICE, required=True, choices=SOURCES, width=12, example="领导交办"),
        Column(
            "权重",
            "weight",
            Type.DECIMAL,
            required=True,
            minimum=Decimal("0.01"),
            decimal_places=2,
            max_digits=4,
            width=8,
            example=2,
        ),
    ),
)
SCHEME_BANDS = Sheet(
    "考核等级",
    model=GradeBand,
    key="scheme",
    part_of=SCHEMES.name,
    part_key="grade",
    description="每个方案的等级分数段：须覆盖所有分数（最低一档不填最低分，最高一档不填最高分）。",
    columns=(
        _scheme_ref(),
        Column("等级", "grade", Type.CHOICE, required=True, choices=GRADES, width=8, example="优秀"),
        Column("最低分(含)", "min_score", Type.DECIMAL, example=90, **SCORE),
        Column("最高分(不含)", "max_score", Type.DECIMAL, **SCORE),
    ),
)
SCHEME_PARTS: tuple[Sheet, ...] = (SCHEME_INDICATORS, SCHEME_ADJUSTMENTS, SCHEME_SOURCES, SCHEME_BANDS)

# The mock evaluation (模拟测评): its point types, items and their standards, and which places are observation
# points of which type (the city's data: whether a street is a 主次干道 or a 背街小巷).
POINT_TYPES = Sheet(
    "点位类型",
    model=PointType,
    description="模拟测评的点位类型（如主次干道、背街小巷、农贸市场），每类有自己的测评细则。",
    columns=(
        _code(PointType, example="ZCGD"),
        Column("名称", "name", required=True, max_length=_length(PointType, "name"), width=16, example="主次干道"),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8, example=1),
        Column("启用", "is_active", Type.BOOLEAN, default=True, width=8, example="是"),
    ),
)
EVALUATION_ITEMS = Sheet(
    "测评项目",
    model=Item,
    description="模拟测评的测评项目：测评细则按项目分组。",
    columns=(
        _code(Item, example="SRHJ"),
        Column("名称", "title", required=True, max_length=_length(Item, "title"), width=24, example="市容环境"),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8, example=1),
    ),
)
EVALUATION_STANDARDS = Sheet(
    "测评细则",
    model=Standard,
    description="模拟测评的测评细则：所属项目、分值、适用的点位类型，以及不达标时按哪条测评标准立案。",
    columns=(
        _code(Standard, example="ZCGD-01"),
        _ref("测评项目编码", "item", Ref.ITEM, required=True, example="SRHJ"),
        Column(
            "内容",
            "text",
            required=True,
            max_length=_length(Standard, "text"),
            width=36,
            example="路面干净，无暴露垃圾",
        ),
        Column(
            "分值",
            "points",
            Type.DECIMAL,
            required=True,
            minimum=Decimal("0.01"),
            decimal_places=2,
            max_digits=5,
            width=8,
            example=1,
        ),
        _ref(
            "适用点位类型编码",
            "point_types",
            Ref.POINT_TYPE,
            many=True,
            required=True,
            example="ZCGD,BJXX",
            note="多个用逗号分隔",
        ),
        _ref(
            "测评标准编码",
            "criterion",
            Ref.CRITERION,
            required=True,
            example="CS-01",
            note="不达标时按此标准立案、派遣",
        ),
        Column("排序", "sort_order", Type.INTEGER, default=0, minimum=0, maximum=32767, width=8),
        Column("启用", "is_active", Type.BOOLEAN, default=True, width=8),
    ),
)
OBSERVATION_POINTS = Sheet(
    "测评点位",
    model=ObservationPoint,
    key="place",
    description="哪些点位是模拟测评的测评点位、属于哪种点位类型（抽样从这里抽取）。",
    columns=(
        _ref("点位编码", "place", Ref.PLACE, required=True, example="DCF-P00001"),
        _ref("点位类型编码", "point_type", Ref.POINT_TYPE, required=True, example="ZCGD"),
    ),
)
EVALUATION_SHEETS: tuple[Sheet, ...] = (POINT_TYPES, EVALUATION_ITEMS, EVALUATION_STANDARDS, OBSERVATION_POINTS)

SHEETS: tuple[Sheet, ...] = (
    DEPARTMENTS,
    USERS,
    GRIDS,
    PLACES,
    CRITERIA,
    TASKS,
    SCHEMES,
    *SCHEME_PARTS,
    *EVALUATION_SHEETS,
)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}

README_SHEET = "说明"
README_LINES: Sequence[str] = (
    "主数据导入说明",
    "1. 每个工作表的第一行是表头，请不要修改表头文字；第二行起每行一条记录。",
    "2. 记录按编码（人员按用户名）匹配：系统中已有的更新，没有的新建；与系统一致的行不做任何修改。",
    "3. 可以只保留需要导入的工作表，删去的工作表对应的数据保持不变；被引用的编码此时必须已在系统中。",
    "4. 导入前先检查全部行；只要有一处错误，就不导入任何数据，并列出每个错误所在的工作表、行和列。",
    "5. 模板中的示例行如未修改，导入时会被忽略；请在其下方填写或直接覆盖示例行。",
    "6. 带下拉框的列请从下拉列表中选择；“角色”可填多个，“帮包部门编码”“网格编码”可填多个，均用逗号分隔。",
    "7. 日期格式如 2018-02-28；“启用”填“是”或“否”；坐标填小数，如纬度 36.456789、经度 115.985432。",
    "8. 新建的人员没有密码，请管理员在后台为其设置密码。",
    "9. 考核方案的指标、加减分、来源权重和等级：表中出现的方案，其该部分以表中各行为准（原有的被替换）；"
    "整个方案一并检查（权重之和为100、等级覆盖所有分数），有误则不导入。",
    "10. 本说明工作表导入时不读取。",
)
