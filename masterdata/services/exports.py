"""The master-data workbook to fill in (the template) and the data now in the database (the export),
both in exactly the format the import reads: a 说明 sheet, then one sheet per kind of record with its
headers, a note on each header, and drop-downs for the columns of choices."""

import io
from typing import BinaryIO

from core.xlsx import PLAIN, Column, SheetWriter, Style, WorkbookWriter
from masterdata.schema import README_LINES, README_SHEET, SHEETS, Sheet, Type
from masterdata.services.records import Lookups, current_records
from masterdata.services.schemes import part_records

HEADER_FILL = "FBE3E0"
REQUIRED_HEADER = Style(bold=True, color="C0392B", fill=HEADER_FILL, center=True)
OPTIONAL_HEADER = Style(bold=True, color="1F2933", fill=HEADER_FILL, center=True)
EXAMPLE = Style(italic=True, color="808080")
README_TITLE = Style(bold=True, size=14)
README_WIDTH = 100


def masterdata_template() -> bytes:
    """An empty workbook to fill in: every sheet with its headers, one example row, drop-downs."""
    buffer = io.BytesIO()
    with _new_workbook(buffer) as workbook:
        for sheet in SHEETS:
            _add_sheet(workbook, sheet).data(sheet.example_row, style=EXAMPLE)
        workbook.save()
    return buffer.getvalue()


def masterdata_export(*, stream: BinaryIO) -> None:
    """Write the master data now in the database to ``stream``, in exactly the import format."""
    lookups = Lookups()
    with _new_workbook(stream) as workbook:
        for sheet in SHEETS:
            writer = _add_sheet(workbook, sheet)
            records = part_records(sheet, lookups) if sheet.part_of else current_records(sheet, lookups).rows.values()
            for values in records:
                writer.data([column.to_cell(values[column.key]) for column in sheet.columns])
        workbook.save()


def _new_workbook(stream: BinaryIO) -> WorkbookWriter:
    workbook = WorkbookWriter(stream)
    readme = workbook.sheet(README_SHEET, [Column("", README_WIDTH)], header_row=None)
    for number, line in enumerate(README_LINES):
        readme.append([readme.cell(line, README_TITLE if number == 0 else PLAIN)])
    return workbook


def _add_sheet(workbook: WorkbookWriter, sheet: Sheet) -> SheetWriter:
    """A sheet with its styled header row, frozen, sized for Chinese, with drop-downs."""
    writer = workbook.sheet(sheet.name, [Column(column.header, column.width) for column in sheet.columns])
    writer.header(
        [REQUIRED_HEADER if column.required else OPTIONAL_HEADER for column in sheet.columns],
        notes=[("必填。" if column.required else "") + column.note for column in sheet.columns],
    )
    for index, column in enumerate(sheet.columns):
        if column.type == Type.CHOICE:
            # A list of several values (roles) is allowed with a warning; a single choice is enforced.
            writer.drop_down(
                index,
                column.labels,
                strict=not column.many,
                title="请从下拉列表中选择",
                message="可选：" + "、".join(column.labels),
            )
    return writer
