"""The import_masterdata and export_masterdata management commands."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from masterdata.tests.workbooks import exported, find_row, row_counts, set_cell, workbook_bytes

pytestmark = pytest.mark.django_db


def _call(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_exports_and_imports_a_file(city, tmp_path):
    path = tmp_path / "主数据.xlsx"
    out, _ = _call("export_masterdata", str(path))
    assert "已导出" in out
    before = row_counts()
    out, _ = _call("import_masterdata", str(path))
    assert "人员：新建 0，更新 0，未变 3" in out
    assert "导入完成" in out
    assert row_counts() == before


def test_it_writes_nothing_on_a_dry_run(city, tmp_path):
    workbook = exported()
    people = workbook["人员"]
    set_cell(people, find_row(people, "用户名", "ronghongzhi"), "姓", "王")
    path = tmp_path / "改.xlsx"
    workbook.save(path)
    out, _ = _call("import_masterdata", str(path), "--dry-run")
    assert "人员：新建 0，更新 1，未变 2" in out
    assert "ronghongzhi：姓：荣 → 王" in out
    assert "试运行" in out
    assert User.objects.get(username="ronghongzhi").last_name == "荣"


def test_it_lists_the_errors_and_fails(city, tmp_path):
    path = tmp_path / "错.xlsx"
    path.write_bytes(workbook_bytes({"点位": [{"编码": "P9", "名称": "某路", "类型": "街巷", "网格编码": "G404"}]}))
    before = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 3 处错误，未写入任何数据"):
        call_command("import_masterdata", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "点位 第2行 网格编码：找不到网格编码“G404”：“网格”表和系统中都没有"
    assert lines[1] == "点位 第2行 帮包部门编码：必填，不能为空"
    assert row_counts() == before


def test_it_fails_on_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="无法打开文件"):
        call_command("import_masterdata", str(tmp_path / "none.xlsx"))
