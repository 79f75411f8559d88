"""The weekly accountability workbook (问责周报): seven sheets with Chinese headers, ready to print.

    总览       the week's campaign KPIs against the week before
    部门排名   department_ranking()             逾期任务   overdue_tasks_stream()
    问题整改   open_issues()                    目标进度   target_progress()
    网格       grid_scoreboard()                测评得分率 evaluation.selectors.round_scores()

Every figure comes from ``reports.selectors``, the dashboard's own, so the two never disagree, and
every header and figure name from ``core.glossary``, the dashboard's words.

The report of a week is judged *as at the end of that week*: "today" is the Monday after it, or the
real today while the week is still running (the Monday build, the dashboard's "last week" and this
workbook then show the same numbers). The cut-off time (统计截止时间) is that moment; every sheet's
printed header and the summary say it. The period figures (KPIs, the ranking's and the grids' first
columns) count the week — a whole week compared with the whole week before, a week still running with
the same days of the week before — and the current ones (当前…) count the lists (overdue tasks, open
issues) at the cut-off time, read as things stand now.

Memory stays flat as rows grow: ``core.xlsx`` writes each row out to a temporary file as it goes, and
querysets are read with ``iterator(chunk_size=...)``.
"""

import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils import timezone, translation

from assessment.library import LIBRARY
from assessment.models import Grade
from campaign.models import Task
from citizens.selectors import satisfaction_in_days
from core.db_router import reading_from_replica
from core.glossary import definition, label
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
from evaluation.selectors import REPORT_BREAKDOWNS, latest_closed_round, round_scores
from inspections.models import Issue
from reports.selectors import ZONE, Period, Ranking, ranking_columns, week_figures

Progress = Callable[[int, int], None]

# The progress callback hears about every this many rows at most (a row's UPDATE is not free).
PROGRESS_EVERY = 500
CHUNK_SIZE = 2000
# Column widths are fitted to this many rows of a long list.
FIT_ROWS = 2000

TITLE = "创城问责周报"
SUMMARY, DEPARTMENTS, OVERDUE, ISSUES, TARGETS, GRIDS = "总览", "部门排名", "逾期任务", "问题整改", "目标进度", "网格"
SATISFACTION = "回访满意率"
EVALUATION = "测评得分率"
SHEET_NAMES = (SUMMARY, DEPARTMENTS, OVERDUE, ISSUES, TARGETS, GRIDS, SATISFACTION, EVALUATION)

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


# The dashboard's overdue export (``overdue_workbook_write``): the weekly sheet's columns and more,
# below a line giving the cut-off time.
EXPORT_HEADER_ROW = 3
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
# Headers named by the glossary are lazy (translated as the sheet is written, in Chinese): the
# ranking's are the dashboard's columns, word for word (``reports.selectors.ranking_columns``).
HOURS = "0.0"


def department_fields(codes: list[str]) -> list[tuple[str, int, str | None]]:
    """The 部门排名 sheet's columns for a scheme with ``codes``: (key, width, number format), the key a
    glossary code (``name`` under the word for a department)."""
    kinds = {code: LIBRARY[code].kind for code in codes}
    formats = {"rate": PERCENT, "points": POINTS, "hours": HOURS, "count": INTEGER}
    fields = [("name", 28, None)]
    for key in ranking_columns(codes):
        number_format = {"score": POINTS, "grade": None}.get(key, formats.get(kinds.get(key, "count"), INTEGER))
        fields.append((key, 9, number_format))
    return fields


def department_columns(codes: list[str]) -> tuple[Column, ...]:
    return tuple(
        Column(label("department" if key == "name" else key), width, number_format)
        for key, width, number_format in department_fields(codes)
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
    Column("方向", 8),
    Column("基数", 10, QUANTITY),
    Column("目标值", 10, QUANTITY),
    Column("当前值", 10, QUANTITY),
    Column(label("target_progress"), 9, PERCENT),
    Column("截止日期", 12, DATE),
    Column("状态", 10),
)
GRID_COLUMNS = (
    Column("网格编号", 10),
    Column("网格", 16),
    Column("县级领导", 10),
    Column(label("found"), 8, INTEGER),
    Column(label("points_lost"), 9, POINTS),
    Column(label("current_open_issues"), 9, INTEGER),
    Column(label("current_overdue_issues"), 9, INTEGER),
    Column(label("current_open_tasks"), 9, INTEGER),
    Column(label("current_overdue_tasks"), 9, INTEGER),
)
# 回访 per department (citizens.selectors.satisfaction_by_department): the cases closed in the week.
SATISFACTION_COLUMNS = (
    Column("部门", 24),
    Column("应回访", 8, INTEGER),
    Column("已回访", 8, INTEGER),
    Column("满意及基本满意", 10, INTEGER),
    Column("回访率", 9, PERCENT),
    Column(label("satisfaction_rate"), 9, PERCENT),
)
# The summary's columns for a whole week; a week still running is compared with the same days of the
# week before, and its headers say so (``_summary_columns``).
SUMMARY_COLUMNS = (
    Column("指标", 16),
    Column("本周", 12),
    Column("上周", 12),
    Column(label("vs_previous_week"), 12),
)
# (glossary code, part of campaign_kpis(), key, format, signed format of the change)
KPI_ROWS = (
    ("tasks_due", "tasks", "total", INTEGER, SIGNED_INTEGER),
    ("tasks_done", "tasks", "done", INTEGER, SIGNED_INTEGER),
    ("overdue_tasks", "tasks", "overdue", INTEGER, SIGNED_INTEGER),
    ("tasks_on_time", "tasks", "on_time", INTEGER, SIGNED_INTEGER),
    ("on_time_rate", "tasks", "on_time_rate", PERCENT, SIGNED_PERCENT),
    ("found", "issues", "found", INTEGER, SIGNED_INTEGER),
    ("open", "issues", "open", INTEGER, SIGNED_INTEGER),
    ("dispatched", "issues", "dispatched", INTEGER, SIGNED_INTEGER),
    ("closed", "issues", "rectified", INTEGER, SIGNED_INTEGER),
    ("closure_rate", "issues", "closure_rate", PERCENT, SIGNED_PERCENT),
    ("on_time_closure_rate", "issues", "on_time_closure_rate", PERCENT, SIGNED_PERCENT),
    ("rework_rate", "issues", "rework_rate", PERCENT, SIGNED_PERCENT),
    ("points_lost", "issues", "points_lost", POINTS, SIGNED_POINTS),
)
# Below the KPIs, what is open at the cut-off time: the rows of the 逾期任务 and 问题整改 sheets.
CURRENT_ROWS = ("current_overdue_tasks", "current_open_issues")
SUMMARY_NOTES = (
    "说明：任务按截止日期计入所在周，问题按上报立案时间计入所在周；“当前”指标为统计截止时间的情况，与对应清单一致；",
    "逾期工作日按国家法定节假日和调休计算。红色底纹：逾期或超期；黄色底纹：进度滞后。",
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
        """The cut-off time as every sheet's printed header says it."""
        return f"{label('as_of')} {timezone.localtime(self.moment, ZONE):%Y-%m-%d %H:%M}"

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
        # The glossary's headers are lazy: written in the language the workbook is built in.
        columns = tuple(replace(column, header=str(column.header)) for column in columns)
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
    week = Period.week(day=week_start)
    moment = reference_moment(week, generated_at)
    today = timezone.localtime(moment, ZONE).date()
    # A week still running counts its days so far, compared with the same days of the week before.
    period = week.through(today)
    facts = WorkbookFacts(period=period, moment=moment, today=today, generated_at=generated_at)

    # The workbook is Chinese whoever builds it (a worker, a leader browsing in English, a shell). It only
    # reads figures, so it may read them from the replica (core/db_router.py).
    with translation.override(settings.LANGUAGE_CODE), reading_from_replica():
        week = week_figures(period=period, moment=moment, today=today, chunk_size=CHUNK_SIZE)
        kpis = week.kpis
        statuses = {value: str(name) for value, name in Issue.Status.choices}
        current = {"current_overdue_tasks": week.overdue_count, "current_open_issues": week.issues.count()}

        satisfaction = satisfaction_in_days(start=period.start, end=period.end)
        counter = _Counter(
            len(satisfaction)
            + len(KPI_ROWS)
            + len(CURRENT_ROWS)
            + len(week.departments.rows)
            + week.overdue_count
            + current["current_open_issues"]
            + len(week.targets)
            + len(week.grids),
            progress,
        )
        with WorkbookWriter(stream) as workbook:
            facts.rows[SUMMARY] = _write_summary(workbook, facts, kpis, current, counter)
            facts.rows[DEPARTMENTS] = _write_departments(workbook, facts, week.departments, counter)
            facts.rows[OVERDUE] = _write_overdue(workbook, facts, week.overdue, counter)
            facts.rows[ISSUES] = _write_issues(workbook, facts, week.issues, statuses, counter)
            facts.rows[TARGETS] = _write_targets(workbook, facts, week.targets, counter)
            facts.rows[GRIDS] = _write_grids(workbook, facts, week.grids, counter)
            facts.rows[SATISFACTION] = _write_satisfaction(workbook, facts, satisfaction, counter)
            facts.rows[EVALUATION] = _write_evaluation(workbook, facts, counter)
            workbook.save()
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
        "as_of": timezone.localtime(moment, ZONE).isoformat(),
    }
    return facts


def overdue_workbook_write(
    stream: IO[bytes] | str,
    *,
    rows: Iterable[dict],
    total: int,
    today: datetime.date,
    as_of: datetime.datetime | None = None,
) -> int:
    """Write the overdue tasks ``rows`` (``overdue_tasks_stream()`` on ``today``, ``total`` of them) as a
    one-sheet workbook, the dashboard's download: the weekly sheet's style, text kept as text, and the
    cut-off time ``as_of`` (this moment by default) above the table and in the printed header.
    Returns the rows written."""
    as_of = timezone.localtime(as_of or timezone.now(), ZONE)
    with translation.override(settings.LANGUAGE_CODE):
        kinds = {value: str(name) for value, name in Task.Kind.choices}
        cut_off = str(label("as_of"))
    with WorkbookWriter(stream) as workbook:
        sheet = _Sheet(
            workbook,
            OVERDUE,
            EXPORT_OVERDUE_COLUMNS,
            counter=_Counter(total, None),
            header_row=EXPORT_HEADER_ROW,
            subtitle=f"{cut_off} {as_of:%Y-%m-%d %H:%M}",
            document="创城逾期任务",
        )
        sheet.append([sheet.cell(cut_off, style=LABEL_CELL), sheet.cell(as_of, DATETIME, VALUE_CELL)])
        sheet.append([])
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
        workbook.save()
    return written


def _period_text(period: Period) -> str:
    return f"{week_label(period.start)}（{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}）"


def _summary_columns(period: Period) -> tuple[Column, ...]:
    """The summary's columns: a whole week against the week before, or a week still running against
    the same days of the week before, as the change's header says (the glossary's words)."""
    if period.is_whole:
        return SUMMARY_COLUMNS
    return (
        SUMMARY_COLUMNS[0],
        replace(SUMMARY_COLUMNS[1], header="本周至今"),
        Column("上周同期", 12),
        Column(period.comparison, 12),
    )


def _write_summary(workbook: WorkbookWriter, facts: WorkbookFacts, kpis: dict, current: dict, counter: _Counter) -> int:
    header_row = 7
    previous = kpis["previous_period"]
    meta = (
        ("统计周", _period_text(facts.period), None),
        (label("as_of"), facts.moment, DATETIME),
        ("生成时间", facts.generated_at, DATETIME),
        ("对比周", _period_text(previous), None),
    )
    columns = _summary_columns(facts.period)
    kpi_labels = [str(label(code)) for code in (*(row[0] for row in KPI_ROWS), *CURRENT_ROWS)]
    widths = [max(column.width, *(display_width(text) for text in kpi_labels)) for column in columns]
    sheet = _Sheet(
        workbook,
        SUMMARY,
        columns,
        counter=counter,
        header_row=header_row,
        widths=widths,
        subtitle=f"{week_label(facts.period.start)} · {facts.as_at}",
    )
    sheet.append([sheet.cell(TITLE, style=TITLE_CELL)])
    for name, value, number_format in meta:
        sheet.append([sheet.cell(str(name), style=LABEL_CELL), sheet.cell(value, number_format, VALUE_CELL)])
    sheet.append([])
    sheet.header()
    for code, part, key, number_format, signed_format in KPI_ROWS:
        current_value = _number(kpis[part][key])
        before = _number(kpis["previous"][part][key])
        change = _number(kpis["delta"][part][key])
        sheet.append(
            [
                sheet.cell(str(label(code))),
                sheet.cell(current_value, number_format),
                sheet.cell(before, number_format),
                sheet.cell(change, signed_format),
            ]
        )
        sheet.last_data_row = sheet.row
        counter.add()
    # What is open at the cut-off time has no "week before": the lists of the next sheets, counted.
    for code in CURRENT_ROWS:
        sheet.append(
            [sheet.cell(str(label(code))), sheet.cell(current[code], INTEGER), sheet.cell(None), sheet.cell(None)]
        )
        sheet.last_data_row = sheet.row
        counter.add()
    sheet.append([])
    for note in SUMMARY_NOTES:
        sheet.append([sheet.cell(note, style=NOTE_CELL)])
    # 指标口径: what each figure counts, in the glossary's words.
    for code in (*(row[0] for row in KPI_ROWS), *CURRENT_ROWS):
        sheet.append([sheet.cell(f"{label(code)}：{definition(code)}", style=NOTE_CELL)])
    return sheet.finish()


def _write_departments(workbook: WorkbookWriter, facts: WorkbookFacts, ranking: Ranking, counter: _Counter) -> int:
    fields = department_fields(ranking.codes)
    sheet = _Sheet(
        workbook,
        DEPARTMENTS,
        department_columns(ranking.codes),
        counter=counter,
        subtitle=f"{week_label(facts.period.start)} · {facts.as_at}",
    )
    sheet.header()
    grades = {value: str(name) for value, name in Grade.choices}
    alert = {index for index, (key, *_rest) in enumerate(fields) if key.endswith("overdue_tasks")}
    for row in ranking.rows:
        values = [grades.get(row[key], row[key]) if key == "grade" else row[key] for key, *_rest in fields]
        sheet.data(values, styles={index: ALERT_CELL for index in alert if values[index]})
    # Counts and points add up; scores, grades, rates and hours do not.
    summed = [
        index
        for index, (key, _width, number_format) in enumerate(fields)
        if key != "score" and number_format in (INTEGER, POINTS)
    ]
    sheet.totals("合计", summed=summed)
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
                statuses.get(row["status"], row["status"]) + (f"（{label('past_deadline')}）" if overdue else ""),
            ),
            style=OVERDUE_CELL if overdue else CELL,
        )
    return sheet.finish()


TARGET_STATE_STYLES = {"target_missed": OVERDUE_CELL, "target_at_risk": AT_RISK_CELL}


def _target_state(target: dict) -> tuple[str, Style]:
    """Where the target stands, in the dashboard's words (``target_progress()``'s ``state``)."""
    return str(label(target["state"])), TARGET_STATE_STYLES.get(target["state"], CELL)


def _write_targets(workbook: WorkbookWriter, facts: WorkbookFacts, rows: list[dict], counter: _Counter) -> int:
    values = [
        (
            row["department_name"],
            row["name"],
            row["unit"],
            str(label(row["direction_term"])),
            row["baseline"],
            row["target_value"],
            row["current_value"],
            None if row["percent"] is None else row["percent"] / 100,  # as the pages show it: held to 0–100 %
            row["deadline"],
            _target_state(row),
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
    sheet = _Sheet(
        workbook, GRIDS, GRID_COLUMNS, counter=counter, subtitle=f"{week_label(facts.period.start)} · {facts.as_at}"
    )
    sheet.header()
    for row in rows:
        sheet.data(
            (
                row["code"],
                row["name"],
                row["leader_name"] or "",
                row["found"],
                row["points_lost"],
                row["current_open_issues"],
                row["current_overdue_issues"],
                row["current_open_tasks"],
                row["current_overdue_tasks"],
            ),
            styles={8: ALERT_CELL} if row["current_overdue_tasks"] else None,
        )
    sheet.totals("合计", summed=(3, 4, 5, 6, 7, 8))
    return sheet.finish()


def _write_satisfaction(workbook: WorkbookWriter, facts: WorkbookFacts, rows: list[dict], counter: _Counter) -> int:
    sheet = _Sheet(
        workbook,
        SATISFACTION,
        SATISFACTION_COLUMNS,
        counter=counter,
        subtitle=f"{week_label(facts.period.start)} · {facts.as_at}",
    )
    sheet.header()
    for row in rows:
        sheet.data(
            (
                row["name"],
                row["asked"],
                row["answered"],
                row["satisfied"],
                row["response_rate"],
                row["satisfaction_rate"],
            )
        )
    return sheet.finish()


EVALUATION_COLUMNS = (
    Column("维度", 10),
    Column("名称", 20),
    Column("实得分", 9, POINTS),
    Column("应得分", 9, POINTS),
    Column(label("score_rate"), 9, PERCENT),
    Column("较上轮", 9, SIGNED_PERCENT),
    Column("不达标", 8, INTEGER),
)


def _write_evaluation(workbook: WorkbookWriter, facts: WorkbookFacts, counter: _Counter) -> int:
    """The last mock evaluation round closed by the cut-off time: its 得分率 by point type, street, grid and
    responsible department, each against the round before (``evaluation.selectors.round_scores``)."""
    round_ = latest_closed_round(before=facts.moment)
    held = (
        f"{round_.title}（{round_.start_date:%Y-%m-%d}至{round_.end_date:%Y-%m-%d}）" if round_ else "尚无已结束的测评"
    )
    sheet = _Sheet(workbook, EVALUATION, EVALUATION_COLUMNS, counter=counter, subtitle=f"{held} · {facts.as_at}")
    sheet.header()
    if round_ is None:
        return sheet.finish()
    for by, dimension in REPORT_BREAKDOWNS:
        for row in round_scores(round_=round_, by=by):
            rate, change = row["score_rate"], row["change"]
            sheet.data(
                (
                    dimension,
                    row["name"],
                    row["points_earned"],
                    row["points_applicable"],
                    None if rate is None else rate / 100,
                    None if change is None else change / 100,
                    row["failed"],
                )
            )
    return sheet.finish()
