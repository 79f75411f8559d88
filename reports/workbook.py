"""The weekly accountability workbook (问责周报): six sheets with Chinese headers, ready to print.

    总览       the week's campaign KPIs against the week before
    部门排名   department_scoreboard()          逾期任务   overdue_tasks_stream()
    问题整改   open_issues()                    目标进度   target_progress()
    网格       grid_scoreboard()

Every figure comes from ``reports.selectors``, the dashboard's own, so the two never disagree.

The report of a week is judged *as at the end of that week*: "today" is the Monday after it, or the
real today while the week is still running (the Monday build, the dashboard's "last week" and this
workbook then show the same numbers). The period boards (KPIs, ranking, grids) count the week; the
lists (overdue tasks, open issues, targets) are the state at that moment, read as things stand now.

Memory stays flat as rows grow: ``core.xlsx`` streams each sheet to a temporary file, and querysets
are read with ``iterator(chunk_size=...)``.
"""

import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation

from campaign.models import Task
from core.xlsx import (
    Column,
    Formula,
    PrintSetup,
    SheetWriter,
    Style,
    WorkbookWriter,
    column_letter,
    content_widths,
    display_width,
)
from inspections.models import Issue
from reports.selectors import ZONE, Period, week_figures

Progress = Callable[[int, int], None]

# The progress callback hears about every this many rows at most (a row's UPDATE is not free).
PROGRESS_EVERY = 500
CHUNK_SIZE = 2000
# Column widths are fitted to this many rows of a long list.
FIT_ROWS = 2000

TITLE = "创城问责周报"
SUMMARY, DEPARTMENTS, OVERDUE, ISSUES, TARGETS, GRIDS = "总览", "部门排名", "逾期任务", "问题整改", "目标进度", "网格"
SHEET_NAMES = (SUMMARY, DEPARTMENTS, OVERDUE, ISSUES, TARGETS, GRIDS)

INTEGER = "0"
POINTS = "0.00"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
QUANTITY = "#,##0.##"
SIGNED_INTEGER = "+0;-0;0"
SIGNED_POINTS = "+0.00;-0.00;0.00"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"

# The cells of a table have a thin border. Overdue and at risk are Excel's own "bad" and "neutral"
# cell styles: they stay legible when printed in black and white.
CELL = Style(border=True)
OVERDUE_CELL = Style(color="9C0006", fill="FFC7CE", border=True)
AT_RISK_CELL = Style(color="9C5700", fill="FFEB9C", border=True)
ALERT_CELL = Style(bold=True, color="C00000", border=True)
HEADER_CELL = Style(bold=True, fill="D9E1F2", border=True, center=True, wrap=True)
TOTAL_CELL = Style(bold=True, border=True)
TITLE_CELL = Style(bold=True, size=14)
LABEL_CELL = Style(bold=True)  # the summary's facts above its table, without borders
VALUE_CELL = Style()
NOTE_CELL = Style(color="595959", size=9)


# The dashboard's overdue export (``overdue_workbook_write``): the weekly sheet's columns and more.
EXPORT_OVERDUE_COLUMNS = (
    Column("任务编号", 14),
    Column("任务名称", 38),
    Column("类型", 8),
    Column("责任单位", 22),
    Column("科室", 16),
    Column("责任人", 10),
    Column("联系电话", 13),
    Column("截止日期", 10, DATE),
    Column("逾期工作日", 9, INTEGER),
    Column("逾期天数", 8, INTEGER),
    Column("完成进度", 8, "0%"),
)
DEPARTMENT_COLUMNS = (
    Column("部门", 28),
    Column("派遣", 8, INTEGER),
    Column("完成", 8, INTEGER),
    Column("未完成", 8, INTEGER),
    Column("结案率", 9, PERCENT),
    Column("按期结案率", 9, PERCENT),
    Column("返工率", 9, PERCENT),
    Column("丢分", 9, POINTS),
    Column("逾期任务", 9, INTEGER),
)
OVERDUE_COLUMNS = (
    Column("任务编号", 14),
    Column("任务", 36),
    Column("部门", 24),
    Column("科室", 14),
    Column("责任人", 10),
    Column("联系电话", 14),
    Column("截止日期", 12, DATE),
    Column("逾期工作日", 8, INTEGER),
)
ISSUE_COLUMNS = (
    Column("编号", 18),
    Column("部门", 24),
    Column("网格", 14),
    Column("点位", 24),
    Column("测评标准", 30),
    Column("整改期限", 17, DATETIME),
    Column("状态", 10),
)
TARGET_COLUMNS = (
    Column("承诺部门", 24),
    Column("目标", 30),
    Column("单位", 6),
    Column("基数", 10, QUANTITY),
    Column("目标值", 10, QUANTITY),
    Column("当前值", 10, QUANTITY),
    Column("完成率", 9, PERCENT),
    Column("截止日期", 12, DATE),
    Column("状态", 10),
)
GRID_COLUMNS = (
    Column("网格编号", 10),
    Column("网格", 16),
    Column("县级领导", 10),
    Column("未整改问题", 8, INTEGER),
    Column("丢分", 9, POINTS),
    Column("未完成任务", 8, INTEGER),
    Column("逾期任务", 8, INTEGER),
)
SUMMARY_COLUMNS = (
    Column("指标", 16),
    Column("本周", 12),
    Column("上周", 12),
    Column("较上周", 12),
)
# (label, part of campaign_kpis(), key, format, signed format of the change)
KPI_ROWS = (
    ("到期任务", "tasks", "total", INTEGER, SIGNED_INTEGER),
    ("已完成任务", "tasks", "done", INTEGER, SIGNED_INTEGER),
    ("逾期任务", "tasks", "overdue", INTEGER, SIGNED_INTEGER),
    ("按期完成任务", "tasks", "on_time", INTEGER, SIGNED_INTEGER),
    ("按期完成率", "tasks", "on_time_rate", PERCENT, SIGNED_PERCENT),
    ("发现问题", "issues", "found", INTEGER, SIGNED_INTEGER),
    ("未结案问题", "issues", "open", INTEGER, SIGNED_INTEGER),
    ("派遣问题", "issues", "dispatched", INTEGER, SIGNED_INTEGER),
    ("结案问题", "issues", "rectified", INTEGER, SIGNED_INTEGER),
    ("结案率", "issues", "closure_rate", PERCENT, SIGNED_PERCENT),
    ("按期结案率", "issues", "on_time_closure_rate", PERCENT, SIGNED_PERCENT),
    ("返工率", "issues", "rework_rate", PERCENT, SIGNED_PERCENT),
    ("丢分", "issues", "points_lost", POINTS, SIGNED_POINTS),
)
SUMMARY_NOTES = (
    "说明：任务按截止日期计入所在周，问题按发现时间计入所在周；",
    "逾期任务、问题整改、目标进度为统计时点（周末，本周未过完时为生成时间）的情况，逾期工作日按国家法定节假日和调休计算；",
    "结案率＝结案问题÷派遣问题，按期结案率＝按期结案÷结案问题，返工率＝被退回过的问题÷已提交整改的问题。",
    "红色底纹：已逾期；黄色底纹：进度滞后。",
)


@dataclass
class WorkbookFacts:
    """What a build wrote: the week, its reference date, rows per sheet and the headline figures."""

    period: Period
    moment: datetime.datetime  # what the lists are "as at" (see reference_moment)
    today: datetime.date  # the local date of that moment: what "overdue" is counted against
    generated_at: datetime.datetime
    rows: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def as_at(self) -> str:
        return f"截至 {timezone.localtime(self.moment, ZONE):%Y-%m-%d %H:%M}"

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def week_label(day: datetime.date) -> str:
    """The ISO week of ``day``, e.g. ``2018-W09``."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def reference_moment(period: Period, now: datetime.datetime) -> datetime.datetime:
    """The moment a week's report is judged at: the end of the week, or now while it runs."""
    return min(now, period.ends_before)


# ---------------------------------------------------------------------------------------------
# Writing


class _Counter:
    """Rows written against rows to write, passed on to the callback at most every PROGRESS_EVERY rows."""

    def __init__(self, total: int, callback: Progress | None) -> None:
        self.total, self.done, self.reported = total, 0, None
        self.callback = callback
        self._report()

    def add(self, rows: int = 1) -> None:
        self.done += rows
        if self.done - self.reported[0] >= PROGRESS_EVERY:
            self._report()

    def finish(self) -> None:
        # Rows may have come or gone between counting and writing: the end is 100 % all the same.
        self.total = self.done
        if self.reported != (self.done, self.done):
            self._report()

    def _report(self) -> None:
        self.reported = (self.done, max(self.total, self.done))
        if self.callback is not None:
            self.callback(*self.reported)


class _Sheet:
    """One sheet of the workbook: a table below ``header_row``, set up for the screen and for printing,
    whose rows count toward the build's progress."""

    def __init__(
        self,
        workbook: WorkbookWriter,
        title: str,
        columns: Sequence[Column],
        *,
        counter: _Counter,
        header_row: int = 1,
        widths: Sequence[int] | None = None,
        subtitle: str = "",
        document: str = TITLE,
    ) -> None:
        self.counter, self.header_row = counter, header_row
        self.last_data_row = header_row
        page_header = f"{document} · {title}{(' · ' + subtitle) if subtitle else ''}"
        self.sheet: SheetWriter = workbook.sheet(
            title, columns, header_row=header_row, widths=widths, print_setup=PrintSetup(header=page_header)
        )
        self.columns = columns

    @property
    def row(self) -> int:
        return self.sheet.rows

    def cell(self, value: Any, number_format: str | None = None, style: Style = CELL) -> Any:
        return self.sheet.cell(value, style, number_format)

    def append(self, cells: Iterable) -> None:
        self.sheet.append(cells)

    def header(self) -> None:
        self.sheet.header(HEADER_CELL)

    def data(self, values: Sequence[Any], *, style: Style = CELL, styles: dict[int, Style] | None = None) -> None:
        """One data row: each value in its column's number format, in the row's style."""
        self.sheet.data(values, style=style, styles=styles)
        self.last_data_row = self.row
        self.counter.add()

    def totals(self, label: str, summed: Sequence[int]) -> None:
        """A 合计 row of SUM formulas below the data, outside the autofilter so sorting leaves it last."""
        if self.last_data_row == self.header_row:
            return
        first, last = self.header_row + 1, self.last_data_row
        cells = [self.cell(label, style=TOTAL_CELL)]
        for index, column in enumerate(self.columns[1:], 1):
            letter = column_letter(index)
            value = Formula(f"=SUM({letter}{first}:{letter}{last})") if index in summed else None
            cells.append(self.cell(value, column.number_format, TOTAL_CELL))
        self.append(cells)

    def finish(self) -> int:
        self.sheet.autofilter(self.last_data_row)
        return self.last_data_row - self.header_row


def _number(value: Any) -> Any:
    return value if value is None or isinstance(value, int | float | Decimal) else float(value)


def weekly_workbook_write(
    stream: IO[bytes] | str,
    *,
    week_start: datetime.date,
    generated_at: datetime.datetime | None = None,
    progress: Progress | None = None,
) -> WorkbookFacts:
    """Write the accountability workbook of the week containing ``week_start`` to ``stream`` (a
    binary file object or a path). ``progress(done, total)`` hears of rows written now and then.

    Queries do not grow with rows: a count per sheet, then each sheet's selector once."""
    generated_at = generated_at or timezone.now()
    period = Period.week(day=week_start)
    moment = reference_moment(period, generated_at)
    today = timezone.localtime(moment, ZONE).date()
    facts = WorkbookFacts(period=period, moment=moment, today=today, generated_at=generated_at)

    # The workbook is Chinese whoever builds it (a worker, a leader browsing in English, a shell).
    with translation.override(settings.LANGUAGE_CODE):
        week = week_figures(period=period, moment=moment, today=today, chunk_size=CHUNK_SIZE)
        kpis = week.kpis
        statuses = {value: str(label) for value, label in Issue.Status.choices}

        counter = _Counter(
            len(KPI_ROWS)
            + len(week.departments)
            + week.overdue_count
            + week.issues.count()
            + len(week.targets)
            + len(week.grids),
            progress,
        )
        with WorkbookWriter() as workbook:
            facts.rows[SUMMARY] = _write_summary(workbook, facts, kpis, counter)
            facts.rows[DEPARTMENTS] = _write_departments(workbook, facts, week.departments, counter)
            facts.rows[OVERDUE] = _write_overdue(workbook, facts, week.overdue, counter)
            facts.rows[ISSUES] = _write_issues(workbook, facts, week.issues, statuses, counter)
            facts.rows[TARGETS] = _write_targets(workbook, facts, week.targets, counter)
            facts.rows[GRIDS] = _write_grids(workbook, facts, week.grids, counter)
            workbook.save(stream)
        counter.finish()

    facts.figures = {
        "tasks_total": kpis["tasks"]["total"],
        "tasks_done": kpis["tasks"]["done"],
        "tasks_overdue": kpis["tasks"]["overdue"],
        "issues_found": kpis["issues"]["found"],
        "issues_rectified": kpis["issues"]["rectified"],
        "points_lost": str(kpis["issues"]["points_lost"]),
        "overdue_tasks": facts.rows[OVERDUE],
        "open_issues": facts.rows[ISSUES],
    }
    return facts


def overdue_workbook_write(stream: IO[bytes] | str, *, rows: Iterable[dict], total: int, today: datetime.date) -> int:
    """Write the overdue tasks ``rows`` (``overdue_tasks_stream()``, ``total`` of them) as a
    one-sheet workbook, the dashboard's download: the weekly sheet's style, text kept as text.
    Returns the rows written."""
    with translation.override(settings.LANGUAGE_CODE):
        kinds = {value: str(label) for value, label in Task.Kind.choices}
    with WorkbookWriter() as workbook:
        sheet = _Sheet(
            workbook,
            OVERDUE,
            EXPORT_OVERDUE_COLUMNS,
            counter=_Counter(total, None),
            subtitle=f"截至 {today:%Y-%m-%d}",
            document="创城逾期任务",
        )
        sheet.header()
        for row in rows:
            sheet.data(
                (
                    row["code"],
                    row["title"],
                    kinds.get(row["kind"], row["kind"]),
                    row["department_name"],
                    row["section_name"] or "",
                    row["accountable_name"] or "",
                    row["accountable_phone"] or "",
                    row["due_date"],
                    row["days_overdue"],
                    row["calendar_days_overdue"],
                    row["percent"] / 100,
                )
            )
        written = sheet.finish()
        workbook.save(stream)
    return written


def _period_text(period: Period) -> str:
    return f"{week_label(period.start)}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"


def _write_summary(workbook: WorkbookWriter, facts: WorkbookFacts, kpis: dict, counter: _Counter) -> int:
    header_row = 7
    previous = kpis["previous_period"]
    meta = (
        ("统计周", _period_text(facts.period), None),
        ("统计时点", facts.moment, DATETIME),
        ("生成时间", facts.generated_at, DATETIME),
        ("对比周", _period_text(previous), None),
    )
    widths = [max(column.width, *(display_width(label) for label, *_rest in KPI_ROWS)) for column in SUMMARY_COLUMNS]
    sheet = _Sheet(
        workbook,
        SUMMARY,
        SUMMARY_COLUMNS,
        counter=counter,
        header_row=header_row,
        widths=widths,
        subtitle=week_label(facts.period.start),
    )
    sheet.append([sheet.cell(TITLE, style=TITLE_CELL)])
    for label, value, number_format in meta:
        sheet.append([sheet.cell(label, style=LABEL_CELL), sheet.cell(value, number_format, VALUE_CELL)])
    sheet.append([])
    sheet.header()
    for label, part, key, number_format, signed_format in KPI_ROWS:
        current = _number(kpis[part][key])
        before = _number(kpis["previous"][part][key])
        change = _number(kpis["delta"][part][key])
        sheet.append(
            [
                sheet.cell(label),
                sheet.cell(current, number_format),
                sheet.cell(before, number_format),
                sheet.cell(change, signed_format),
            ]
        )
        sheet.last_data_row = sheet.row
        counter.add()
    sheet.append([])
    for note in SUMMARY_NOTES:
        sheet.append([sheet.cell(note, style=NOTE_CELL)])
    return sheet.finish()


def _write_departments(workbook: WorkbookWriter, facts: WorkbookFacts, rows: list[dict], counter: _Counter) -> int:
    sheet = _Sheet(workbook, DEPARTMENTS, DEPARTMENT_COLUMNS, counter=counter, subtitle=week_label(facts.period.start))
    sheet.header()
    for row in rows:
        sheet.data(
            (
                row["name"],
                row["dispatched"],
                row["closed"],
                row["open"],
                row["closure_rate"],
                row["on_time_closure_rate"],
                row["rework_rate"],
                row["points_lost"],
                row["overdue_tasks"],
            ),
            styles={8: ALERT_CELL} if row["overdue_tasks"] else None,
        )
    sheet.totals("合计", summed=(1, 2, 3, 7, 8))
    return sheet.finish()


def _write_overdue(workbook: WorkbookWriter, facts: WorkbookFacts, rows: Iterator[dict], counter: _Counter) -> int:
    values = (
        (
            row["code"],
            row["title"],
            row["department_name"],
            row["section_name"] or "",
            row["accountable_name"] or "",
            row["accountable_phone"] or "",
            row["due_date"],
            row["days_overdue"],
        )
        for row in rows
    )
    # The columns are fitted to the first rows: the rest stream straight through, never all in memory.
    first = list(itertools.islice(values, FIT_ROWS))
    sheet = _Sheet(
        workbook,
        OVERDUE,
        OVERDUE_COLUMNS,
        counter=counter,
        widths=content_widths(OVERDUE_COLUMNS, first),
        subtitle=facts.as_at,
    )
    sheet.header()
    for row in itertools.chain(first, values):
        sheet.data(row, style=OVERDUE_CELL)
    return sheet.finish()


def _write_issues(workbook: WorkbookWriter, facts: WorkbookFacts, rows, statuses: dict, counter: _Counter) -> int:
    sheet = _Sheet(workbook, ISSUES, ISSUE_COLUMNS, counter=counter, subtitle=facts.as_at)
    sheet.header()
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        overdue = row["is_overdue"]
        sheet.data(
            (
                row["code"],
                row["department__name"] or "",
                row["grid__name"],
                row["place__name"],
                row["criterion__title"],
                row["deadline"],
                statuses.get(row["status"], row["status"]) + ("（超期）" if overdue else ""),
            ),
            style=OVERDUE_CELL if overdue else CELL,
        )
    return sheet.finish()


def _target_state(target: dict, today: datetime.date) -> tuple[str, Style]:
    if target["achieved"]:
        return "已完成", CELL
    if today > target["deadline"]:
        return "已逾期", OVERDUE_CELL
    if target["on_track"]:
        return "按期推进", CELL
    return "进度滞后", AT_RISK_CELL


def _write_targets(workbook: WorkbookWriter, facts: WorkbookFacts, rows: list[dict], counter: _Counter) -> int:
    values = [
        (
            row["department_name"],
            row["name"],
            row["unit"],
            row["baseline"],
            row["target_value"],
            row["current_value"],
            None if row["percent"] is None else row["percent"] / 100,  # as the pages show it: held to 0–100 %
            row["deadline"],
            _target_state(row, facts.today),
        )
        for row in rows
    ]
    sheet = _Sheet(
        workbook,
        TARGETS,
        TARGET_COLUMNS,
        counter=counter,
        widths=content_widths(TARGET_COLUMNS, (row[:-1] for row in values)),
        subtitle=facts.as_at,
    )
    sheet.header()
    for *row, (state, style) in values:
        sheet.data((*row, state), style=style)
    return sheet.finish()


def _write_grids(workbook: WorkbookWriter, facts: WorkbookFacts, rows: list[dict], counter: _Counter) -> int:
    sheet = _Sheet(workbook, GRIDS, GRID_COLUMNS, counter=counter, subtitle=week_label(facts.period.start))
    sheet.header()
    for row in rows:
        sheet.data(
            (
                row["code"],
                row["name"],
                row["leader_name"] or "",
                row["open_issues"],
                row["points_lost"],
                row["open_tasks"],
                row["overdue_tasks"],
            ),
            styles={6: ALERT_CELL} if row["overdue_tasks"] else None,
        )
    sheet.totals("合计", summed=(3, 4, 5, 6))
    return sheet.finish()
