"""Opening an uploaded workbook without trusting it, and reading out its raw rows.

An upload may be anything: a renamed text file, an old binary .xls, a zip bomb, a .docx. Every
check here fails with ``WorkbookRejected`` and a Chinese message, before openpyxl parses a byte of
XML, so that no bad file reaches the parser or costs more than the caps below."""

import io
import warnings
import zipfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, BinaryIO

from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .xls (Excel 97–2003)
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # deflate tops out near 1000:1; real sheets stay well below 100:1
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024  # small members may compress extremely well, and are harmless
MAX_MEMBERS = 10_000


class WorkbookRejected(Exception):
    """The file is not a workbook that may be read; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetRows:
    """The raw content of one sheet: its header row and its non-blank rows with their row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]


def file_size(file: BinaryIO) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def workbook_check(file: BinaryIO, *, max_bytes: int) -> None:
    """Refuse anything that is not a plain, reasonably sized .xlsx."""
    size = file_size(file)
    if size > max_bytes:
        raise WorkbookRejected(f"文件大小 {_size(size)}，超过上限 {_size(max_bytes)}；请拆分后分批导入")
    if size == 0:
        raise WorkbookRejected("文件是空的")
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head == OLE_MAGIC:
        raise WorkbookRejected("这是旧版 Excel 文件（.xls），请在 Excel 中“另存为” Excel 工作簿（.xlsx）后再上传")
    if not head.startswith(ZIP_MAGIC):
        raise WorkbookRejected(
            "文件不是 Excel 工作簿（.xlsx）；如果是改了扩展名的文本或 CSV 文件，请用 Excel 另存为 .xlsx"
        )
    try:
        with zipfile.ZipFile(file) as archive:
            _check_members(archive.infolist())
            names = archive.namelist()
            if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
                raise WorkbookRejected("文件是压缩包，但不是 Excel 工作簿（.xlsx）")
            # Reading every member checks its CRC; the caps above bound what this may cost, because
            # zipfile never inflates a member past its declared size.
            broken = archive.testzip()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError):
        raise WorkbookRejected("文件已损坏，无法作为 .xlsx 打开") from None
    finally:
        file.seek(0)
    if broken is not None:
        raise WorkbookRejected(f"文件已损坏（{broken} 校验失败）")


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise WorkbookRejected("文件包含的部件过多，不像是正常的 Excel 工作簿")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookRejected(f"文件解压后有 {_size(total)}，超过上限 {_size(MAX_UNCOMPRESSED_BYTES)}（疑似压缩炸弹）")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise WorkbookRejected(f"文件中的 {member.filename} 压缩比异常（{ratio:.0f}:1），疑似压缩炸弹，已拒绝")


PROGRESS_EVERY = 500  # rows


def workbook_read(
    file: BinaryIO,
    *,
    max_bytes: int,
    sheet_names: Collection[str],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, SheetRows]:
    """Check the file, then read the named sheets it has (others are ignored), blank rows skipped.

    ``progress(rows read, rows expected)`` is called every few hundred rows; the expected number
    comes from the sheets' stated dimensions and is only an estimate."""
    workbook_check(file, max_bytes=max_bytes)
    counter = _Counter(progress)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (e.g. some data validations); they do not matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(file, read_only=True, data_only=True)
            try:
                sheets = [workbook[name] for name in workbook.sheetnames if name in sheet_names]
                counter.expected = sum(max((sheet.max_row or 1) - 1, 0) for sheet in sheets)
                return {sheet.title: _sheet_rows(sheet, counter) for sheet in sheets}
            finally:
                workbook.close()
    except WorkbookRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds of error on a malformed file
        raise WorkbookRejected(f"无法读取工作簿内容：{type(exc).__name__}") from exc


class _Counter:
    def __init__(self, progress: Callable[[int, int], None] | None) -> None:
        self.progress = progress
        self.read = 0
        self.expected = 0

    def tick(self) -> None:
        self.read += 1
        if self.progress is not None and self.read % PROGRESS_EVERY == 0:
            self.progress(self.read, max(self.read, self.expected))


def _sheet_rows(worksheet, counter: _Counter) -> SheetRows:
    # The stored dimensions may be wrong (some programs write "A1"); read what is there instead.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header_row = next(rows, ())
    headers = ["" if value is None else str(value).strip() for value in header_row]
    data = []
    for number, values in enumerate(rows, start=2):
        if any(value is not None and not (isinstance(value, str) and not value.strip()) for value in values):
            data.append((number, values))
        counter.tick()
    return SheetRows(name=worksheet.title, headers=headers, rows=data)
