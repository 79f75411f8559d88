"""Writing Excel workbooks: the one way every download the product makes is written (the weekly
accountability workbook, the dashboard's overdue list, the master-data template and export).

Here, and only here, text stays text (no formula injection), columns are sized by one rule, headers
are styled, and styles are cached. Callers speak in ``Column``, ``Style`` and ``Formula``, never in
openpyxl objects, so that the writer underneath (openpyxl's write-only mode today; XlsxWriter is
faster) can change in this module alone.

Write-only mode streams each sheet to a temporary file, so memory stays flat as rows grow, and it
fixes the order of work: a sheet's column widths, frozen header and print setup are given when the
sheet is created, before its first row; the autofilter and drop-downs any time before saving.
"""

import datetime
import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

logger = logging.getLogger(__name__)

# Text beginning with one of these is what Excel (and LibreOffice) would take for a formula when typed.
FORMULA_TRIGGERS = ("=", "+", "-", "@")
EXCEL_CELL_MAX_CHARS = 32767
EXCEL_MAX_ROW = 1048576
# Column widths in character cells (a Chinese character takes two): at least MIN_WIDTH, at most
# MAX_WIDTH however long the text, plus PADDING for the filter arrow and the cell's margins.
MIN_WIDTH = 6
MAX_WIDTH = 60
PADDING = 2
NOTE_AUTHOR = "创城督办平台"
BORDER_COLOR = "A6A6A6"
# openpyxl's own formats for a date or time written without one.
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd h:mm:ss"
TIME = "h:mm:ss"


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
    page, with ``header`` at the top of each page and the page number at the bottom."""

    header: str
    footer: str = "第 &P 页，共 &N 页"


class WorkbookWriter:
    """A workbook written sheet by sheet, then saved once."""

    def __init__(self) -> None:
        self._workbook = Workbook(write_only=True)
        self._zone = ZoneInfo(settings.TIME_ZONE)
        self._styles: dict[tuple, Any] = {}  # (style, number format, quoted) → openpyxl's style array

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
        worksheet = self._workbook.create_sheet(title)
        for index, column in enumerate(columns):
            content = widths[index] if widths is not None else column.width
            worksheet.column_dimensions[get_column_letter(index + 1)].width = column_width(
                column.header, content=content
            )
        if header_row is not None:
            worksheet.freeze_panes = f"A{header_row + 1}"
        if print_setup is not None:
            _set_up_printing(worksheet, print_setup, header_row)
        return SheetWriter(self, worksheet, columns, header_row)

    def save(self, stream: IO[bytes] | str) -> None:
        """Write the workbook to ``stream`` (a binary file object or a path)."""
        self._workbook.save(stream)

    def __enter__(self) -> "WorkbookWriter":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.discard()

    def discard(self) -> None:
        """Drop a workbook that will not be saved (its build failed, or stopped): its sheets are closed
        and their temporary files removed now, rather than complaining when collected."""
        for worksheet in self._workbook.worksheets:
            if worksheet.closed or worksheet._writer is None:
                continue
            try:
                worksheet.close()
                worksheet._writer.cleanup()
            except Exception:  # the error that stopped the workbook matters, not this one
                logger.warning("Could not discard the sheet %s", worksheet.title, exc_info=True)

    def _cell(self, worksheet: Worksheet, value: Any, style: Style, number_format: str | None) -> WriteOnlyCell:
        quoted = False
        if isinstance(value, Formula):
            cell = WriteOnlyCell(worksheet, value=value.text)
        elif isinstance(value, str):
            cell = WriteOnlyCell(worksheet, value=value)
            # Text is text: "=…" would otherwise be stored as a formula. The quote prefix (Excel's
            # leading apostrophe, not part of the value) keeps it text when someone edits the cell.
            cell.data_type = "s"
            quoted = value.startswith(FORMULA_TRIGGERS)
            number_format = None
            if len(value) > EXCEL_CELL_MAX_CHARS:
                logger.warning("A cell of %d characters is more than Excel shows.", len(value))
        else:
            if isinstance(value, datetime.datetime):
                if value.tzinfo is not None:
                    value = timezone.localtime(value, self._zone).replace(tzinfo=None)  # Excel has no time zones
                number_format = number_format or DATETIME
            elif isinstance(value, datetime.date):
                number_format = number_format or DATE
            elif isinstance(value, datetime.time):
                number_format = number_format or TIME
            cell = WriteOnlyCell(worksheet, value=value)
        # Setting a style attribute hashes openpyxl's style objects deeply, which took most of a big
        # workbook's time: each combination is set once, and its array of style indices shared by the
        # next cells. Shared, not copied: a write-only cell is written out as it is appended, and
        # nothing sets a style on it after this method, so no cell can change another's.
        key = (style, number_format, quoted)
        array = self._styles.get(key)
        if array is None:
            array = self._styles[key] = _style_array(cell, style, number_format, quoted)
        cell._style = array
        return cell


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

    def cell(self, value: Any, style: Style = PLAIN, number_format: str | None = None) -> Any:
        """A cell for ``append``: text as text, a ``Formula`` as a formula, an aware datetime in local time."""
        return self._workbook._cell(self._worksheet, value, style, number_format)

    def append(self, cells: Iterable[Any]) -> None:
        """A row of ``cell()``s (an empty row for no cells)."""
        self._worksheet.append(list(cells))
        self.rows += 1

    def header(self, style: Style | Sequence[Style], *, notes: Sequence[str] = ()) -> None:
        """The header row: each column's header in ``style`` (one, or one per column), with a note
        (a comment shown on hovering) where ``notes`` has one."""
        styles = [style] * len(self.columns) if isinstance(style, Style) else style
        cells = []
        for index, column in enumerate(self.columns):
            cell = self.cell(column.header, styles[index])
            if index < len(notes) and notes[index]:
                cell.comment = Comment(notes[index], NOTE_AUTHOR, width=240, height=80)
            cells.append(cell)
        self.append(cells)

    def data(self, values: Sequence[Any], *, style: Style = PLAIN, styles: dict[int, Style] | None = None) -> None:
        """A row of values, each in its column's number format and in ``style`` (``styles`` overrides it
        for the columns it names, by index)."""
        styles = styles or {}
        self.append(
            self.cell(value, styles.get(index, style), column.number_format)
            for index, (column, value) in enumerate(zip(self.columns, values, strict=True))
        )

    def autofilter(self, last_row: int) -> None:
        """Filter buttons on the header, over the rows down to ``last_row``."""
        last_column = get_column_letter(len(self.columns))
        self._worksheet.auto_filter.ref = f"A{self.header_row}:{last_column}{last_row}"

    def drop_down(self, index: int, labels: Sequence[str], *, strict: bool, title: str, message: str) -> None:
        """A drop-down list of ``labels`` on every cell of column ``index`` below the header. A
        ``strict`` list refuses other values; otherwise Excel only warns (``title``, ``message``)."""
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(labels)),
            allow_blank=True,
            showDropDown=False,  # (sic) False shows the arrow
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            errorTitle=title,
            error=message,
        )
        letter = get_column_letter(index + 1)
        validation.add(f"{letter}{(self.header_row or 0) + 1}:{letter}{EXCEL_MAX_ROW}")
        self._worksheet.data_validations.append(validation)


def _set_up_printing(worksheet: Worksheet, setup: PrintSetup, header_row: int | None) -> None:
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0
    if header_row is not None:
        worksheet.print_title_rows = f"{header_row}:{header_row}"
    worksheet.print_options.horizontalCentered = True
    worksheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    worksheet.oddHeader.center.text = setup.header
    worksheet.oddFooter.center.text = setup.footer


def _style_array(cell: WriteOnlyCell, style: Style, number_format: str | None, quoted: bool) -> Any:
    """openpyxl's style array for ``style``, made by setting it on ``cell`` (the first cell to use it)."""
    if number_format:
        cell.number_format = number_format
    font = {"bold": style.bold or None, "italic": style.italic or None, "size": style.size, "color": style.color}
    if any(font.values()):
        cell.font = Font(**{name: value for name, value in font.items() if value is not None})
    if style.fill:
        cell.fill = PatternFill("solid", fgColor=style.fill)
    if style.center or style.wrap:
        cell.alignment = Alignment(
            horizontal="center" if style.center else None,
            vertical="center" if style.center else None,
            wrap_text=style.wrap or None,
        )
    if style.border:
        edge = Side(style="thin", color=BORDER_COLOR)
        cell.border = Border(left=edge, right=edge, top=edge, bottom=edge)
    if quoted:
        cell.quotePrefix = True
    return cell._style


def column_letter(index: int) -> str:
    """Excel's letters for the column at ``index`` (from 0), for formulas: 0 → A, 26 → AA."""
    return get_column_letter(index + 1)
