"""Files that are not a usable workbook: each gets a clear error and changes nothing."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from masterdata import xlsx
from masterdata.services import masterdata_import
from masterdata.tests.workbooks import as_file, row_counts, workbook_bytes

pytestmark = pytest.mark.django_db


def _only_error(result) -> str:
    assert not result.ok
    assert result.counts == {}
    assert len(result.errors) == 1, result.errors
    return result.errors[0].message


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_it_rejects_a_renamed_text_file(city):
    before = row_counts()
    csv = "编码,名称,类型\nDCF-X,新街道,街道\n".encode()
    message = _only_error(masterdata_import(file=as_file(csv), dry_run=False))
    assert "不是 Excel 工作簿" in message
    assert row_counts() == before


def test_it_rejects_an_old_xls_file(city):
    before = row_counts()
    xls = xlsx.OLE_MAGIC + bytes(4096)
    message = _only_error(masterdata_import(file=as_file(xls, "旧表.xls"), dry_run=False))
    assert ".xls" in message
    assert "另存为" in message
    assert row_counts() == before


def test_it_rejects_a_zip_bomb(city):
    before = row_counts()
    # 20 MB of zeros deflate to about 20 KB: a ratio no real sheet comes near.
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": bytes(20 * 1024 * 1024)})
    message = _only_error(masterdata_import(file=as_file(bomb), dry_run=False))
    assert "压缩炸弹" in message
    assert row_counts() == before


def test_it_rejects_a_file_that_unpacks_past_the_cap(city, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED_BYTES", 2048)
    content = workbook_bytes({"部门": [{"编码": "X1", "名称": "某局", "类型": "市直部门"}]})
    message = _only_error(masterdata_import(file=as_file(content), dry_run=False))
    assert "超过上限" in message
    assert "压缩炸弹" in message


def test_it_rejects_a_zip_that_is_not_a_workbook(city):
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    assert "不是 Excel 工作簿" in _only_error(masterdata_import(file=as_file(docx), dry_run=False))


def test_it_rejects_a_truncated_workbook(city):
    content = workbook_bytes({"部门": [{"编码": "X1", "名称": "某局", "类型": "市直部门"}]})
    message = _only_error(masterdata_import(file=as_file(content[: len(content) // 2]), dry_run=False))
    assert "损坏" in message


def test_it_rejects_a_file_over_the_size_limit(city, settings):
    settings.MASTERDATA_MAX_UPLOAD_BYTES = 1024
    before = row_counts()
    content = workbook_bytes({"部门": [{"编码": "X1", "名称": "某局", "类型": "市直部门"}]})
    assert len(content) > 1024
    message = _only_error(masterdata_import(file=as_file(content), dry_run=False))
    assert "超过上限 1 KB" in message
    assert row_counts() == before


def test_it_rejects_a_workbook_without_any_known_sheet(city):
    before = row_counts()
    workbook = Workbook()
    workbook.active.title = "Sheet1"
    workbook.active.append(["编码", "名称"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    message = _only_error(masterdata_import(file=as_file(buffer.getvalue()), dry_run=False))
    assert "没有可导入的工作表" in message
    assert "部门" in message
    assert row_counts() == before


def test_it_names_a_missing_header(city):
    before = row_counts()
    content = workbook_bytes(
        {
            "部门": [{"编码": "X1", "名称": "某局"}],
            "点位": [],
        },
        drop_headers={"部门": "类型", "点位": "网格编码"},
    )
    result = masterdata_import(file=as_file(content), dry_run=False)
    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("部门", 1, "类型"), ("点位", 1, "网格编码")]
    assert "缺少表头“类型”" in result.errors[0].message
    assert row_counts() == before
