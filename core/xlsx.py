"""Writing Excel workbooks: the one way every download the product makes is written (the weekly
accountability workbook, the dashboard's overdue export, the master-data template and export).

Here, and only here, text stays text (no formula injection), columns are sized by one rule, headers
are styled, and styles are cached. Callers speak in ``Column``, ``Style`` and ``Formula``, never in
XlsxWriter objects, so that the writer underneath can change in this module alone. (openpyxl reads
workbooks: the master-data import, and the tests that open what is written here.)

XlsxWriter's constant-memory mode writes each row out to a temporary file once the next one begins,
so memory stays flat as rows grow, and it fixes the order of work: rows go top to bottom, each once; a
sheet's column widths, frozen header and print setup are given when the sheet is created, the
autofilter and drop-downs any time before saving. The workbook reaches its stream only in ``save()``:
a build that fails or is stopped before leaves nothing there.
"""

import datetime
import logging
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, NamedTuple
from zoneinfo import ZoneInfo

import xlsxwriter
from django.conf import settings
from django.utils import timezone
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

logger = logging.getLogger(__name__)

# Text beginning with one of these is what Excel (and LibreOffice) would take for a formula when typed.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
EXCEL_CELL_MAX_CHARS = 32767
# Text this short cannot pass Excel's limit, which counts UTF-16 units (two for some characters).
QUICK_TEXT_MAX = EXCEL_CELL_MAX_CHARS // 2
EXCEL_MAX_ROW = 1048576
# Column widths in character cells (a Chinese character takes two): at least MIN_WIDTH, at most
# MAX_WIDTH however long the text, plus PADDING for the filter arrow and the cell's margins.
MIN_WIDTH = 6
MAX_WIDTH = 60
PADDING = 2
# A character cell is the width of a digit of the default font (Calibri 11): 7 pixels. A column's width
# is given in pixels so that the file stores exactly the width asked for, margins included.
DIGIT_PIXELS = 7
NOTE_AUTHOR = "创城督办平台"
NOTE_PIXELS = (240, 80)
BORDER_COLOR = "A6A6A6"
# The formats of a date or time written without one.
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd h:mm:ss"
TIME = "h:mm:ss"
A4 = 9  # Excel's number for the paper size
# Excel keeps at most 255 characters of a printed header or footer, its codes included.
PAGE_TEXT_MAX = 255


def display_width(text: str) -> int:
    """Character cells ``text`` takes in a spreadsheet column: two for an East Asian wide character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def column_width(header: str, *, content: int = 0) -> int:
    """The width of a column headed ``header`` whose content takes ``content`` character cells:
    the wider of the two, kept between MIN_WIDTH and MAX_WIDTH, plus PADDING."""
    return min(MAX_WIDTH, max(MIN_WIDTH, content, display_width(header))) + PADDING


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, the width its usual content takes (in character cells, a
    Chinese character counting two) and the number format of its cells."""

    header: str
    width: int = 10
    number_format: str | None = None


def content_widths(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> list[int]:
    """Each column's width fitted to the text of ``rows`` (rows held in memory anyway): the widest
    text, the column's own width at least."""
    widths = [column.width for column in columns]
    for row in rows:
        for index, value in enumerate(row):
            if isinstance(value, str):
                widths[index] = max(widths[index], display_width(value))
    return widths


# eq=False: styles are compared, and cached, by identity, which is fast; each is a module constant.
@dataclass(frozen=True, eq=False)
class Style:
    """How a cell looks. Colours are RRGGBB; ``border`` is a thin grey line on every side; ``center``
    centres both ways."""

    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None
    fill: str | None = None
    border: bool = False
    center: bool = False
    wrap: bool = False


PLAIN = Style()


@dataclass(frozen=True)
class Formula:
    """A cell that is a live formula, e.g. ``Formula("=SUM(B2:B9)")``. The only way to write one:
    any ``str`` is written as text, whatever it begins with."""

    text: str


@dataclass(frozen=True)
class PrintSetup:
    """Landscape A4, one page wide and as many long as it takes, centred, the header row on every
    page, with ``header`` (plain text) at the top of each page and ``footer`` (Excel's codes: &P the
    page, &N the pages) at the bottom."""

    header: str
    footer: str = "第 &P 页，共 &N 页"


class Cell(NamedTuple):
    """A cell for ``SheetWriter.append``, made by ``SheetWriter.cell``."""

    value: Any
    style: Style
    number_format: str | None


# Text XlsxWriter writes as it is: nothing to escape, no control character, no "_xHHHH_" that Excel
# would read as one, no space at either end to preserve.
_PLAIN_TEXT = re.compile(r'["&<>\x00-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')


class _Worksheet(Worksheet):
    """XlsxWriter's worksheet, with a quicker way for the rows of a long sheet.

    In constant-memory mode XlsxWriter keeps the cells of one row and writes them out as XML when the
    next row begins. Its general path checks and escapes every cell on the way in and on the way out,
    which took most of a big workbook's time. Here ``SheetWriter.data`` puts plain text and numbers into
    the row's cells directly (``row_cells``), and a row of styled plain text, numbers and dates is
    written out in one piece; anything else (a formula, a blank, text to escape, a row with a note or a
    height) goes XlsxWriter's own way. The file is the same, byte for byte: core/tests/test_xlsx.py
    compares it with what XlsxWriter writes with ``quick`` off."""

    quick = True

    def row_cells(self, row: int, columns: int) -> dict[int, Any] | None:
        """Where the cells of ``row`` (``columns`` wide) wait to be written out, the row before it written
        out first, as XlsxWriter's own ``write_*`` do. None where XlsxWriter's own way must be taken."""
        if not self.quick or self._check_dimensions(row, 0) or self._check_dimensions(row, columns - 1):
            return None
        if row > self.previous_row:
            self._write_single_row(row)
        return self.table[row]

    def _write_single_row(self, current_row_num: int = 0) -> None:
        row = self.previous_row
        cells = self.table.get(row)
        if not self.quick or not cells or row in self.row_info or row in self.comments:
            super()._write_single_row(current_row_num)
            return
        self.previous_row = current_row_num
        self._write_row(row, None)
        number, letters, plain_text = str(row + 1), _COLUMN_LETTERS, _PLAIN_TEXT.search
        out = []
        for column in sorted(cells):
            cell = cells[column]
            kind, cell_format = type(cell), cell.format
            if cell_format is not None and kind is CellStringTuple and not plain_text(cell.string):
                out.append(
                    f'<c r="{letters[column]}{number}" s="{cell_format._get_xf_index()}" t="inlineStr">'
                    f"<is><t>{cell.string}</t></is></c>"
                )
            elif cell_format is not None and (kind is CellNumberTuple or kind is CellDatetimeTuple):
                out.append(
                    f'<c r="{letters[column]}{number}" s="{cell_format._get_xf_index()}"><v>{cell.number:.16G}</v></c>'
                )
            else:
                self.fh.write("".join(out))
                out.clear()
                self._write_cell(row, column, cell)
        out.append("</row>")
        self.fh.write("".join(out))
        self.table.clear()


class _ColumnLetters(dict):
    def __missing__(self, column: int) -> str:
        letters = self[column] = xl_col_to_name(column)
        return letters


_COLUMN_LETTERS = _ColumnLetters()


class WorkbookWriter:
    """A workbook written sheet by sheet into ``stream`` (a binary file object or a path), then saved
    once. As a context manager, it discards itself when the block fails."""

    def __init__(self, stream: IO[bytes] | str) -> None:
        # The rows of every sheet, and the parts of the file while it is zipped, wait in a folder of
        # the workbook's own, which goes with it whether it is saved or discarded.
        self._folder = tempfile.TemporaryDirectory(prefix="workbook-")
        self._workbook = xlsxwriter.Workbook(
            stream,
            {
                "constant_memory": True,
                "tmpdir": self._folder.name,
                # Only write() reads these, and nothing here calls it: each value has its own write_*.
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self._zone = ZoneInfo(settings.TIME_ZONE)
        self._formats: dict[tuple, Format] = {}  # (style, number format, quoted) → XlsxWriter's format

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        header_row: int | None = 1,
        widths: Sequence[int] | None = None,
        print_setup: PrintSetup | None = None,
    ) -> "SheetWriter":
        """A new sheet, set up before its first row: each column as wide as ``column_width`` makes it
        for its header and ``widths`` (its content; the column's own width if not given), the rows
        down to ``header_row`` frozen (None: a sheet without a header row)."""
        worksheet = self._workbook.add_worksheet(title, worksheet_class=_Worksheet)
        for index, column in enumerate(columns):
            content = widths[index] if widths is not None else column.width
            worksheet.set_column_pixels(index, index, column_width(column.header, content=content) * DIGIT_PIXELS)
        if header_row is not None:
            worksheet.freeze_panes(header_row, 0)
        if print_setup is not None:
            _set_up_printing(worksheet, print_setup, header_row)
        return SheetWriter(self, worksheet, columns, header_row)

    def save(self) -> None:
        """Write the workbook to its stream."""
        try:
            self._workbook.close()
        finally:
            self._folder.cleanup()

    def __enter__(self) -> "WorkbookWriter":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.discard()

    def discard(self) -> None:
        """Drop a workbook that will not be saved (its build failed, or stopped): nothing reaches its
        stream, and the rows written so far are deleted now."""
        for worksheet in self._workbook.worksheets():
            try:
                worksheet._opt_close()  # the open file of its rows (what Workbook.close() does too)
            except Exception:  # the error that stopped the workbook matters, not this one
                logger.warning("Could not close the rows of the sheet %s", worksheet.name, exc_info=True)
        self._folder.cleanup()

    def _format(self, style: Style, number_format: str | None, quoted: bool) -> Format:
        key = (style, number_format, quoted)
        cell_format = self._formats.get(key)
        if cell_format is None:
            cell_format = self._formats[key] = self._workbook.add_format(_properties(style, number_format, quoted))
        return cell_format

    def _write(
        self, worksheet: Worksheet, row: int, column: int, value: Any, style: Style, number_format: str | None
    ) -> None:
        """``value`` into the cell at ``row``, ``column`` (from 0) as its type: text as text, a ``Formula``
        as a formula, a date or time as one (an aware datetime in local time), a number as a number."""
        if isinstance(value, str):
            # Text is text, whatever it begins with: write_string never makes a formula of "=…". The
            # quote prefix (Excel's leading apostrophe, not part of the value) keeps it text when
            # someone edits the cell.
            if len(value) > EXCEL_CELL_MAX_CHARS:
                logger.warning("A cell of %d characters is more than Excel shows.", len(value))
            worksheet.write_string(row, column, value, self._format(style, None, value.startswith(FORMULA_TRIGGERS)))
        elif value is None:
            worksheet.write_blank(row, column, None, self._format(style, number_format, False))
        elif isinstance(value, bool):
            worksheet.write_boolean(row, column, value, self._format(style, number_format, False))
        elif isinstance(value, int | float):
            worksheet.write_number(row, column, value, self._format(style, number_format, False))
        elif isinstance(value, Decimal):
            worksheet.write_number(row, column, float(value), self._format(style, number_format, False))
        elif isinstance(value, datetime.datetime):
            if value.tzinfo is not None:
                value = timezone.localtime(value, self._zone).replace(tzinfo=None)  # Excel has no time zones
            worksheet.write_datetime(row, column, value, self._format(style, number_format or DATETIME, False))
        elif isinstance(value, datetime.date):
            worksheet.write_datetime(row, column, value, self._format(style, number_format or DATE, False))
        elif isinstance(value, datetime.time):
            worksheet.write_datetime(row, column, value, self._format(style, number_format or TIME, False))
        elif isinstance(value, Formula):
            worksheet.write_formula(row, column, value.text, self._format(style, number_format, False))
        else:
            raise TypeError(f"A cell cannot hold a {type(value).__name__}: {value!r}")


class SheetWriter:
    """One sheet being written, row after row. ``rows`` counts the rows appended so far."""

    def __init__(
        self, workbook: WorkbookWriter, worksheet: Worksheet, columns: Sequence[Column], header_row: int | None
    ) -> None:
        self._workbook = workbook
        self._worksheet = worksheet
        self.columns = columns
        self.header_row = header_row
        self.rows = 0
        self._formats: dict[Style, tuple[Format, Format, list[Format]]] = {}

    def cell(self, value: Any, style: Style = PLAIN, number_format: str | None = None) -> Cell:
        """A cell for ``append``: text as text, a ``Formula`` as a formula, an aware datetime in local time."""
        return Cell(value, style, number_format)

    def append(self, cells: Iterable[Cell]) -> None:
        """A row of ``cell()``s (an empty row for no cells)."""
        write, worksheet, row = self._workbook._write, self._worksheet, self.rows
        for index, cell in enumerate(cells):
            write(worksheet, row, index, cell.value, cell.style, cell.number_format)
        self.rows += 1

    def header(self, style: Style | Sequence[Style], *, notes: Sequence[str] = ()) -> None:
        """The header row: each column's header in ``style`` (one, or one per column), with a note
        (a comment shown on hovering) where ``notes`` has one."""
        styles = [style] * len(self.columns) if isinstance(style, Style) else style
        width, height = NOTE_PIXELS
        for index, column in enumerate(self.columns):
            self._workbook._write(self._worksheet, self.rows, index, column.header, styles[index], None)
            if index < len(notes) and notes[index]:
                options = {"author": NOTE_AUTHOR, "width": width, "height": height}
                self._worksheet.write_comment(self.rows, index, notes[index], options)
        self.rows += 1

    def data(self, values: Sequence[Any], *, style: Style = PLAIN, styles: dict[int, Style] | None = None) -> None:
        """A row of values, each in its column's number format and in ``style`` (``styles`` overrides it
        for the columns it names, by index)."""
        if len(values) != len(self.columns):
            raise ValueError(f"A row of {len(values)} values for {len(self.columns)} columns")
        write, worksheet, row, columns = self._workbook._write, self._worksheet, self.rows, self.columns
        # The common cells, text and numbers, go straight into the row in formats looked up once a style.
        text, quoted, numbers = self._formats.get(style) or self._row_formats(style)
        cells = worksheet.row_cells(row, len(columns))
        for index, value in enumerate(values):
            kind = type(value)
            if cells is None or (styles and index in styles):
                write(
                    worksheet,
                    row,
                    index,
                    value,
                    styles.get(index, style) if styles else style,
                    columns[index].number_format,
                )
            elif kind is str and len(value) <= QUICK_TEXT_MAX:
                cells[index] = CellStringTuple(value, quoted if value.startswith(FORMULA_TRIGGERS) else text)
            elif kind is int or (kind is float and math.isfinite(value)):
                cells[index] = CellNumberTuple(value, numbers[index])
            else:
                write(worksheet, row, index, value, style, columns[index].number_format)
        self.rows += 1

    def _row_formats(self, style: Style) -> tuple[Format, Format, list[Format]]:
        """The formats of text, of text that looks like a formula and of each column's numbers in ``style``."""
        formats = self._formats[style] = (
            self._workbook._format(style, None, False),
            self._workbook._format(style, None, True),
            [self._workbook._format(style, column.number_format, False) for column in self.columns],
        )
        return formats

    def autofilter(self, last_row: int) -> None:
        """Filter buttons on the header, over the rows down to ``last_row`` (counted from 1)."""
        self._worksheet.autofilter(self.header_row - 1, 0, last_row - 1, len(self.columns) - 1)

    def drop_down(self, index: int, labels: Sequence[str], *, strict: bool, title: str, message: str) -> None:
        """A drop-down list of ``labels`` on every cell of column ``index`` below the header. A
        ``strict`` list refuses other values; otherwise Excel only warns (``title``, ``message``)."""
        first_row = self.header_row or 0  # the row below the header, counted from 0
        refused = self._worksheet.data_validation(
            first_row,
            index,
            EXCEL_MAX_ROW - 1,
            index,
            {
                "validate": "list",
                "source": list(labels),
                "ignore_blank": True,
                "dropdown": True,
                "error_type": "stop" if strict else "warning",
                "error_title": title,
                "error_message": message,
            },
        )
        if refused:  # XlsxWriter only warns, and leaves the list out: Excel's limits (255 characters)
            raise ValueError(f"Excel cannot show the drop-down of column {index}: {', '.join(labels)}")


def _properties(style: Style, number_format: str | None, quoted: bool) -> dict[str, Any]:
    """XlsxWriter's format properties for ``style``."""
    properties: dict[str, Any] = {}
    if number_format:
        properties["num_format"] = number_format
    if style.bold:
        properties["bold"] = True
    if style.italic:
        properties["italic"] = True
    if style.size:
        properties["font_size"] = style.size
    if style.color:
        properties["font_color"] = f"#{style.color}"
    if style.fill:
        properties.update(pattern=1, bg_color=f"#{style.fill}")  # a solid fill of bg_color (sic)
    if style.center:
        properties.update(align="center", valign="vcenter")
    if style.wrap:
        properties["text_wrap"] = True
    if style.border:
        properties.update(border=1, border_color=f"#{BORDER_COLOR}")
    if quoted:
        properties["quote_prefix"] = True
    return properties


def _set_up_printing(worksheet: Worksheet, setup: PrintSetup, header_row: int | None) -> None:
    worksheet.set_landscape()
    worksheet.set_paper(A4)
    worksheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    if header_row is not None:
        worksheet.repeat_rows(header_row - 1)
    worksheet.center_horizontally()
    worksheet.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    # "&C" centres; a "&" of the text itself is written "&&". A header too long for Excel is cut short
    # rather than left out (XlsxWriter's way).
    text = setup.header
    room = PAGE_TEXT_MAX - len("&C") - text.count("&")
    if len(text) > room:
        text = text[: room - 1] + "…"
    worksheet.set_header("&C" + text.replace("&", "&&"), margin=0.3)
    worksheet.set_footer("&C" + setup.footer, margin=0.3)


def column_letter(index: int) -> str:
    """Excel's letters for the column at ``index`` (from 0), for formulas: 0 → A, 26 → AA."""
    return xl_col_to_name(index)
