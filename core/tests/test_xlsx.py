"""Excel writing (``core.xlsx``), and the product's three workbooks written with it: the weekly
accountability workbook, the dashboard's overdue export and the master-data export keep text that
looks like a formula as text, and size their columns by one rule."""

import datetime
import io
import tempfile
import zipfile
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.tests.factories import TaskFactory
from core import xlsx
from core.xlsx import (
    MAX_WIDTH,
    PLAIN,
    Column,
    Formula,
    PrintSetup,
    Style,
    WorkbookWriter,
    column_width,
    display_width,
)
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


def saved(workbook: WorkbookWriter, stream: io.BytesIO) -> "load_workbook":
    """``workbook``, saved into ``stream``, read back."""
    workbook.save()
    stream.seek(0)
    return load_workbook(stream)


def cells(book):
    return (cell for sheet in book for row in sheet.iter_rows() for cell in row)


# --- The helper ---------------------------------------------------------------------------------


def test_it_keeps_text_that_looks_like_a_formula_as_text():
    stream = io.BytesIO()
    workbook = WorkbookWriter(stream)
    sheet = workbook.sheet("表", [Column("名称"), Column("合计")])
    sheet.header(Style(bold=True))
    for text in (*LOOKS_LIKE_A_FORMULA, "柳园北路"):
        sheet.data([text, Formula("=1+1")])

    rows = list(saved(workbook, stream)["表"].iter_rows(min_row=2))

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
    stream = io.BytesIO()
    workbook = WorkbookWriter(stream)
    sheet = workbook.sheet("表", [Column("时间"), Column("日期")])
    sheet.data([datetime.datetime(2018, 3, 12, 0, 30, tzinfo=datetime.UTC), datetime.date(2018, 3, 12)])

    moment, day = next(saved(workbook, stream)["表"].iter_rows(min_row=1))

    assert moment.value == datetime.datetime(2018, 3, 12, 8, 30)  # noqa: DTZ001 - Asia/Shanghai, as Excel shows it
    assert (moment.is_date, day.is_date, day.number_format) == (True, True, "yyyy-mm-dd")


def test_it_keeps_styles_number_formats_and_print_settings():
    stream = io.BytesIO()
    workbook = WorkbookWriter(stream)
    columns = [Column("点位", 20), Column("截止日期", 10, "yyyy-mm-dd"), Column("得分率", 9, "0.0%"), Column("丢分")]
    header = Style(bold=True, fill="D9E1F2", border=True, center=True, wrap=True)
    alert = Style(color="9C0006", fill="FFC7CE", border=True)
    sheet = workbook.sheet("表", columns, header_row=2, print_setup=PrintSetup(header="创城问责周报 · 表"))
    sheet.append([sheet.cell("标题", Style(bold=True, size=14))])
    sheet.header(header, notes=["", "按工作日计算"])
    sheet.data(["柳园北路", datetime.date(2018, 3, 12), 0.925, Decimal("2.50")], style=alert, styles={0: PLAIN})
    sheet.autofilter(sheet.rows)
    sheet.drop_down(0, ["街巷", "居民小区"], strict=False, title="请选择", message="可选：街巷、居民小区")

    book = saved(workbook, stream)["表"]

    title, (place, deadline, rate, lost) = book["A1"], book[3]
    assert (title.font.b, title.font.sz) == (True, 14)
    for cell in book[2]:
        assert (cell.font.b, cell.fill.fill_type, cell.fill.fgColor.rgb[-6:]) == (True, "solid", "D9E1F2")
        assert (cell.alignment.horizontal, cell.alignment.vertical, cell.alignment.wrap_text) == (
            "center",
            "center",
            True,
        )
        assert (cell.border.left.style, cell.border.bottom.color.rgb[-6:]) == ("thin", "A6A6A6")
    assert book["B2"].comment.text == "按工作日计算"
    assert book["A2"].comment is None
    assert (place.value, place.fill.fill_type, place.border.left.style) == ("柳园北路", None, None)
    assert (deadline.is_date, deadline.value.date(), deadline.number_format) == (
        True,
        datetime.date(2018, 3, 12),
        "yyyy-mm-dd",
    )
    assert (rate.data_type, rate.value, rate.number_format) == ("n", 0.925, "0.0%")
    assert (lost.value, lost.font.color.rgb[-6:], lost.fill.fgColor.rgb[-6:]) == (2.5, "9C0006", "FFC7CE")
    assert [book.column_dimensions[letter].width for letter in "ABCD"] == [
        column_width(column.header, content=column.width) for column in columns
    ]
    assert (book.freeze_panes, book.auto_filter.ref, book.print_title_rows) == ("A3", "A2:D3", "$2:$2")
    (drop_down,) = book.data_validations.dataValidation
    assert (str(drop_down.sqref), drop_down.type, drop_down.formula1, drop_down.errorStyle) == (
        "A3:A1048576",
        "list",
        '"街巷,居民小区"',
        "warning",
    )
    setup = book.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert book.sheet_properties.pageSetUpPr.fitToPage is True
    assert book.print_options.horizontalCentered is True
    margins = book.page_margins
    assert (margins.left, margins.top, margins.header, margins.footer) == (0.4, 0.7, 0.3, 0.3)
    assert book.oddHeader.center.text == "创城问责周报 · 表"
    assert book.oddFooter.center.text == "第 &P 页，共 &N 页"


def sheet_xml(monkeypatch, *, fast: bool) -> bytes:
    """The XML of a sheet of every kind of cell, written the quick way or XlsxWriter's own."""
    monkeypatch.setattr(xlsx._Worksheet, "quick", fast)
    stream = io.BytesIO()
    workbook = WorkbookWriter(stream)
    columns = [Column("名称"), Column("数量", number_format="0.00"), Column("日期"), Column("其他")]
    sheet = workbook.sheet("表", columns, print_setup=PrintSetup(header="表"))
    sheet.header(Style(bold=True), notes=["", "说明"])
    red = Style(color="9C0006", fill="FFC7CE", border=True)
    sheet.data(["柳园北路", 3, datetime.date(2018, 3, 12), 2.5], style=red)
    sheet.append([])
    sheet.data(["A & B <c>", -1.25, datetime.datetime(2018, 3, 12, 8, 30, tzinfo=datetime.UTC), None])
    sheet.data([" 前后有空格 ", Decimal("0.10"), datetime.time(8, 30), True])
    sheet.data(["控制\x01字符_x0041_", 10**20, None, Formula("=SUM(B2:B5)")], styles={1: red})
    sheet.data(["长" * 20000, float("1e-7"), datetime.date(2018, 3, 12), 12345678901234567890])
    sheet.data([*LOOKS_LIKE_A_FORMULA])
    sheet.append([sheet.cell("备注", Style(italic=True))])
    workbook.save()
    return zipfile.ZipFile(stream).read("xl/worksheets/sheet1.xml")


def test_its_quicker_rows_are_xlsxwriters_own_byte_for_byte(monkeypatch):
    fast = sheet_xml(monkeypatch, fast=True)

    assert fast == sheet_xml(monkeypatch, fast=False)
    assert "柳园北路".encode() in fast


def test_it_refuses_a_value_a_cell_cannot_hold():
    workbook = WorkbookWriter(io.BytesIO())
    with workbook:
        sheet = workbook.sheet("表", [Column("名称")])
        with pytest.raises(TypeError, match="cannot hold a list"):
            sheet.data([["柳园北路"]])


def test_a_workbook_stopped_half_way_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stream = io.BytesIO()

    def build() -> None:
        with WorkbookWriter(stream) as workbook:
            sheet = workbook.sheet("表", [Column("名称")])
            for number in range(100):
                sheet.data([f"点位{number}"])
            raise RuntimeError("the build stopped")

    with pytest.raises(RuntimeError):
        build()

    assert stream.getvalue() == b""
    assert list(tmp_path.iterdir()) == []


def test_a_saved_workbook_leaves_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stream = io.BytesIO()

    with WorkbookWriter(stream) as workbook:
        workbook.sheet("表", [Column("名称")]).data(["柳园北路"])
        workbook.save()

    assert list(tmp_path.iterdir()) == []
    assert load_workbook(stream)["表"]["A1"].value == "柳园北路"


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
