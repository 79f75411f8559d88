"""Excel writing (``core.xlsx``), and the product's three workbooks written with it: the weekly
accountability workbook, the dashboard's overdue export and the master-data export keep text that
looks like a formula as text, and size their columns by one rule."""

import datetime
import io
from dataclasses import replace

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import TaskFactory
from core.xlsx import MAX_WIDTH, Column, Formula, Style, WorkbookWriter, column_width, display_width
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.services import issue_file
from inspections.tests.factories import CriterionFactory
from masterdata import schema
from masterdata.services import exports as masterdata_exports
from masterdata.services import masterdata_export
from reports import workbook as weekly
from reports.selectors import overdue_tasks_stream

PERSON = '=HYPERLINK("http://x","y")'
PLACE = "@SUM(A1)"
TASK = "+1+1"
DEPARTMENT = "-2+3"
LOOKS_LIKE_A_FORMULA = (PERSON, PLACE, TASK, DEPARTMENT)


def written(write) -> "load_workbook":
    """The workbook that ``write(stream)`` writes, read back."""
    stream = io.BytesIO()
    write(stream)
    stream.seek(0)
    return load_workbook(stream)


def cells(book):
    return (cell for sheet in book for row in sheet.iter_rows() for cell in row)


# --- The helper ---------------------------------------------------------------------------------


def test_it_keeps_text_that_looks_like_a_formula_as_text():
    workbook = WorkbookWriter()
    sheet = workbook.sheet("表", [Column("名称"), Column("合计")])
    sheet.header(Style(bold=True))
    for text in (*LOOKS_LIKE_A_FORMULA, "柳园北路"):
        sheet.data([text, Formula("=1+1")])

    rows = list(written(workbook.save)["表"].iter_rows(min_row=2))

    assert [(name.value, name.data_type, name.quotePrefix) for name, _sum in rows] == [
        *((text, "s", True) for text in LOOKS_LIKE_A_FORMULA),
        ("柳园北路", "s", False),
    ]
    assert {(total.value, total.data_type) for _name, total in rows} == {("=1+1", "f")}


def test_it_sizes_a_column_for_its_header_and_content_within_bounds():
    assert display_width("丢分 A") == 6
    assert column_width("网格") == 6 + 2  # the least width
    assert column_width("逾期工作日", content=8) == 10 + 2  # the header is wider than the content
    assert column_width("任务", content=30) == 30 + 2
    assert column_width("任务", content=500) == column_width("长" * 100) == MAX_WIDTH + 2


def test_it_writes_times_in_local_time_with_a_date_format():
    workbook = WorkbookWriter()
    sheet = workbook.sheet("表", [Column("时间"), Column("日期")])
    sheet.data([datetime.datetime(2018, 3, 12, 0, 30, tzinfo=datetime.UTC), datetime.date(2018, 3, 12)])

    moment, day = next(written(workbook.save)["表"].iter_rows(min_row=1))

    assert moment.value == datetime.datetime(2018, 3, 12, 8, 30)  # noqa: DTZ001 - Asia/Shanghai, as Excel shows it
    assert (moment.is_date, day.is_date, day.number_format) == (True, True, "yyyy-mm-dd")


# --- The product's workbooks --------------------------------------------------------------------


@pytest.fixture
def names_like_formulas(db):
    """A person, a place, a task and a department whose names Excel would take for formulas; the task
    is overdue and the place has an open issue, so that every workbook lists them."""
    department = DepartmentFactory(name=DEPARTMENT)
    person = UserFactory(department=department, last_name=PERSON, first_name="")
    grid = GridFactory(leader=person)
    place = PlaceFactory(name=PLACE, grid=grid, assigned_department=department)
    TaskFactory(
        title=TASK, department=department, accountable=person, due_date=timezone.localdate() - datetime.timedelta(30)
    )
    issue_file(
        reporter=UserFactory(role=Role.INSPECTOR, department=None),
        place=place,
        criterion=CriterionFactory(default_department=department),
        description="路边有暴露垃圾",
    )


def weekly_workbook(stream) -> None:
    weekly.weekly_workbook_write(stream, week_start=timezone.localdate())


def overdue_export(stream) -> None:
    today = timezone.localdate()
    count, rows = overdue_tasks_stream(today=today)
    weekly.overdue_workbook_write(stream, rows=rows, total=count, today=today)


def masterdata_workbook(stream) -> None:
    masterdata_export(stream=stream)


WORKBOOKS = pytest.mark.parametrize(
    ("write", "expected"),
    [
        (weekly_workbook, set(LOOKS_LIKE_A_FORMULA)),
        (overdue_export, {PERSON, TASK, DEPARTMENT}),
        (masterdata_workbook, set(LOOKS_LIKE_A_FORMULA)),
    ],
    ids=["weekly workbook", "overdue export", "master-data export"],
)


@WORKBOOKS
def test_every_workbook_keeps_names_that_look_like_formulas_as_text(names_like_formulas, write, expected):
    book = written(write)

    found = [cell for cell in cells(book) if cell.value in LOOKS_LIKE_A_FORMULA]
    assert {cell.value for cell in found} == expected
    assert {(cell.data_type, cell.quotePrefix) for cell in found} == {("s", True)}
    # The only formulas are the workbook's own totals.
    assert all(cell.value.startswith("=SUM(") for cell in cells(book) if cell.data_type == "f")


LONG_HEADERS = ["东昌府区住房和城乡建设局物业管理科责任人联系方式", "聊城市创建全国文明城市工作指挥部办公室" * 2]


@pytest.mark.parametrize("header", LONG_HEADERS, ids=["long", "longer than the widest column"])
def test_every_workbook_gives_a_long_chinese_header_the_same_width(db, monkeypatch, header):
    def renamed(columns: tuple) -> tuple:
        return (columns[0], replace(columns[1], header=header), *columns[2:])  # the second column's header

    monkeypatch.setattr(weekly, "GRID_COLUMNS", renamed(weekly.GRID_COLUMNS))
    monkeypatch.setattr(weekly, "EXPORT_OVERDUE_COLUMNS", renamed(weekly.EXPORT_OVERDUE_COLUMNS))
    places = replace(schema.PLACES, columns=renamed(schema.PLACES.columns))
    monkeypatch.setattr(masterdata_exports, "SHEETS", (places,))

    widths = {
        "weekly": written(weekly_workbook)[weekly.GRIDS].column_dimensions["B"].width,
        "overdue": written(overdue_export)[weekly.OVERDUE].column_dimensions["B"].width,
        "masterdata": written(masterdata_workbook)[places.name].column_dimensions["B"].width,
    }

    assert widths == dict.fromkeys(widths, column_width(header))
    assert column_width(header) == min(display_width(header), MAX_WIDTH) + 2
