"""Rows that are wrong: every error is named by sheet, row and column, and nothing is written."""

import pytest

from masterdata.services import masterdata_import
from masterdata.tests.workbooks import as_file, row_counts, workbook_bytes

pytestmark = pytest.mark.django_db

PLACE = {
    "编码": "P100",
    "名称": "兴华路",
    "类型": "街巷",
    "网格编码": "G01",
    "帮包部门编码": "LC-ZJJ",
    "属地单位编码": "DCF-GL",
}


def _import(sheets: dict) -> tuple[list[tuple], list]:
    result = masterdata_import(file=as_file(workbook_bytes(sheets)), dry_run=False)
    assert not result.ok
    assert result.counts == {}
    return [(error.sheet, error.row, error.column) for error in result.errors], result.errors


def test_it_names_every_cell_of_the_wrong_type(city):
    before = row_counts()
    where, errors = _import(
        {
            "人员": [{"用户名": "lisi", "部门编码": "LC-ZJJ", "启用": "也许", "电话": "打电话"}],
            "点位": [
                {**PLACE, "纬度": "北纬36度", "户数": -5},
                {**PLACE, "编码": "P101", "类型": "花园", "长度(米)": "1.5公里"},
            ],
            "任务": [
                {"编码": "RW-9", "标题": "整治", "活动编码": "C2018", "部门编码": "LC-ZJJ", "截止日期": "明天"},
            ],
        }
    )
    assert where == [
        ("人员", 2, "电话"),
        ("人员", 2, "启用"),
        ("点位", 2, "纬度"),
        ("点位", 2, "户数"),
        ("点位", 3, "类型"),
        ("点位", 3, "长度(米)"),
        ("任务", 2, "截止日期"),
    ]
    messages = [error.message for error in errors]
    assert "应填“是”或“否”" in messages[1]
    assert "应为数字" in messages[2]
    assert "不能小于 0" in messages[3]
    assert "可选：街巷、居民小区" in messages[4]
    assert "应为整数" in messages[5]
    assert "应为日期" in messages[6]
    assert row_counts() == before


def test_it_names_a_missing_required_value(city):
    where, errors = _import({"点位": [{**PLACE, "名称": None}]})
    assert where == [("点位", 2, "名称")]
    assert errors[0].message == "必填，不能为空"


def test_it_names_unknown_grid_and_department_codes(city):
    before = row_counts()
    where, errors = _import(
        {
            "点位": [
                {**PLACE, "网格编码": "G99"},
                {**PLACE, "编码": "P101", "帮包部门编码": "NO-SUCH", "帮包领导用户名": "nobody"},
            ],
            "网格": [{"编码": "G02", "名称": "第2网格", "街道编码": "DCF-GL", "帮包部门编码": "LC-ZJJ,LC-XXX"}],
        }
    )
    assert where == [
        ("网格", 2, "帮包部门编码"),
        ("点位", 2, "网格编码"),
        ("点位", 3, "帮包部门编码"),
        ("点位", 3, "帮包领导用户名"),
    ]
    assert "找不到部门编码“LC-XXX”" in errors[0].message
    assert "找不到网格编码“G99”" in errors[1].message
    assert row_counts() == before


def test_it_accepts_references_to_rows_of_the_same_file(city):
    result = masterdata_import(
        file=as_file(
            workbook_bytes(
                {
                    "部门": [{"编码": "DCF-XH", "名称": "新区街道", "类型": "街道", "上级部门编码": "DCF"}],
                    "网格": [{"编码": "G02", "名称": "第2网格", "街道编码": "DCF-XH"}],
                    "点位": [{**PLACE, "网格编码": "G02", "属地单位编码": "DCF-XH"}],
                }
            )
        ),
        dry_run=True,
    )
    assert result.ok, result.errors


def test_it_names_duplicates_inside_the_file(city):
    before = row_counts()
    where, errors = _import({"点位": [PLACE, {**PLACE, "名称": "另一条路"}, {**PLACE, "编码": "P101"}, PLACE]})
    assert where == [("点位", 3, "编码"), ("点位", 5, "编码")]
    assert errors[0].message == "编码“P100”与第2行重复"
    assert row_counts() == before


def test_it_names_a_cycle_in_the_department_tree(city):
    before = row_counts()
    where, errors = _import(
        {
            "部门": [
                {"编码": "A", "名称": "甲", "类型": "市直部门", "上级部门编码": "B"},
                {"编码": "B", "名称": "乙", "类型": "科室", "上级部门编码": "C"},
                {"编码": "C", "名称": "丙", "类型": "科室", "上级部门编码": "A"},
                {"编码": "D", "名称": "丁", "类型": "科室", "上级部门编码": "A"},
                {"编码": "E", "名称": "戊", "类型": "科室", "上级部门编码": "E"},
            ]
        }
    )
    assert where == [
        ("部门", 2, "上级部门编码"),
        ("部门", 3, "上级部门编码"),
        ("部门", 4, "上级部门编码"),
        ("部门", 6, "上级部门编码"),
    ]
    assert errors[0].message == "上级部门形成循环：A → B → C → A"
    assert errors[3].message == "部门“E”不能是自己的上级部门"
    assert row_counts() == before


def test_it_names_a_cycle_through_departments_already_in_the_database(city):
    # The database holds 东昌府区 (DCF) above 古楼街道 (DCF-GL); the file puts DCF under DCF-GL.
    where, errors = _import({"部门": [{"编码": "DCF", "名称": "东昌府区", "类型": "区", "上级部门编码": "DCF-GL"}]})
    assert where == [("部门", 2, "上级部门编码")]
    assert errors[0].message == "上级部门形成循环：DCF → DCF-GL → DCF"


def test_it_names_a_user_given_two_departments(city):
    before = row_counts()
    where, errors = _import(
        {
            "人员": [
                {"用户名": "lisi", "姓": "李", "名": "四", "部门编码": "LC-ZJJ"},
                {"用户名": "wangwu", "部门编码": "LC-ZJJ"},
                {"用户名": "lisi", "姓": "李", "名": "四", "部门编码": "DCF"},
            ]
        }
    )
    assert where == [("人员", 4, "部门编码")]
    assert "用户“lisi”在第2行属于部门“LC-ZJJ”，这里又属于部门“DCF”" in errors[0].message
    assert row_counts() == before


def test_it_checks_the_rules_between_columns(city):
    where, errors = _import(
        {
            "网格": [{"编码": "G02", "名称": "第2网格", "街道编码": "LC-ZJJ"}],
            "测评标准": [{"编码": "CS-02", "类别": "市容", "标题": "无乱贴", "分值": 1, "牵头方式": "属主"}],
            "任务": [
                {
                    "编码": "RW-9",
                    "标题": "整治",
                    "活动编码": "C2018",
                    "部门编码": "DCF",
                    "科室编码": "LC-ZJJ-CJK",
                    "开始日期": "2018-05-01",
                    "截止日期": "2018-04-01",
                }
            ],
        }
    )
    assert where == [
        ("网格", 2, "街道编码"),
        ("测评标准", 2, "默认责任部门编码"),
        ("任务", 2, "科室编码"),
        ("任务", 2, "截止日期"),
    ]
    assert "所属街道必须是类型为“街道”的部门" in errors[0].message
    assert errors[2].message == "“LC-ZJJ-CJK”不是部门“DCF”的下级单位（科室）"
