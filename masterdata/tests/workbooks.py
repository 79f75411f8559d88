"""Building workbooks for the tests: from the schema's headers and rows given by header."""

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from accounts.models import Department, User
from campaign.models import Task
from grids.models import Grid, Place
from inspections.models import Criterion
from masterdata.schema import SHEETS_BY_NAME
from masterdata.services import masterdata_export

MODELS = (Department, User, Grid, Place, Criterion, Task)


def workbook_bytes(sheets: dict[str, list[dict[str, Any]]], *, drop_headers: dict[str, str] | None = None) -> bytes:
    """A workbook with the named sheets, their schema headers, and one row per dict (header → value)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        headers = [h for h in SHEETS_BY_NAME[name].headers if h != (drop_headers or {}).get(name)]
        worksheet.append(headers)
        for row in rows:
            worksheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_file(content: bytes, name: str = "主数据.xlsx") -> io.BytesIO:
    stream = io.BytesIO(content)
    stream.name = name
    return stream


def exported() -> Workbook:
    """The current data, exported and opened again for editing."""
    buffer = io.BytesIO()
    masterdata_export(stream=buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def saved(workbook: Workbook) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def row_counts() -> dict[str, int]:
    """How many rows each master-data table and its history hold."""
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for model in MODELS:
        if hasattr(model, "history"):
            counts[f"{model.__name__}.history"] = model.history.count()
    return counts


def find_row(worksheet, header: str, value: Any) -> int:
    """The Excel row number of the first row whose ``header`` column holds ``value``."""
    headers = [cell.value for cell in worksheet[1]]
    column = headers.index(header)
    for number, row in enumerate(worksheet.iter_rows(min_row=2, values_only=True), start=2):
        if row[column] == value:
            return number
    raise AssertionError(f"no row with {header}={value!r}")


def set_cell(worksheet, row: int, header: str, value: Any) -> None:
    headers = [cell.value for cell in worksheet[1]]
    worksheet.cell(row=row, column=headers.index(header) + 1, value=value)
