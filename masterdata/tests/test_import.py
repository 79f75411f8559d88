"""Importing good files: counts, matching by code, no-op re-imports, history, and all-or-nothing."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.models import Department, Role, User
from grids.models import Grid, Place
from inspections.models import Criterion
from masterdata.schema import SHEETS
from masterdata.services import masterdata_import, masterdata_template
from masterdata.tests.workbooks import as_file, exported, find_row, row_counts, saved, set_cell, workbook_bytes

pytestmark = pytest.mark.django_db

NEW_CITY = {
    "部门": [
        # A child before its parent: the tree is resolved whatever the order of the rows.
        {"编码": "LC-CGJ-SRK", "名称": "市容科", "类型": "科室", "上级部门编码": "LC-CGJ"},
        {
            "编码": "LC-CGJ",
            "名称": "聊城市城市管理局",
            "简称": "市城管局",
            "类型": "市直部门",
            "负责人用户名": "libaozhong",
        },
    ],
    "人员": [
        {
            "用户名": "libaozhong",
            "姓": "李",
            "名": "保忠",
            "部门编码": "LC-CGJ",
            "角色": "领导,督查员",
            "电话": "0635-8888002",
        },
        {"用户名": "wangfang", "姓": "王", "名": "芳", "部门编码": "LC-CGJ-SRK", "角色": "部门联络员", "启用": "否"},
    ],
    "网格": [
        {
            "编码": "G02",
            "名称": "第2网格",
            "街道编码": "DCF-GL",
            "县级领导用户名": "libaozhong",
            "帮包部门编码": "LC-CGJ",
        },
    ],
    "点位": [
        {
            "编码": "P100",
            "名称": "兴华路",
            "类型": "街巷",
            "网格编码": "G02",
            "纬度": 36.4567891,
            "经度": "115.98",
            "帮包部门编码": "LC-CGJ",
            "属地单位编码": "DCF-GL",
            "长度(米)": 2300,
        },
        {
            "编码": "P001",
            "名称": "柳园北路（改）",
            "类型": "街巷",
            "网格编码": "G01",
            "帮包部门编码": "LC-ZJJ",
            "属地单位编码": "DCF-GL",
            "长度(米)": 1200,
        },
    ],
}


def test_it_reports_created_updated_and_unchanged_counts(city):
    result = masterdata_import(file=as_file(workbook_bytes(NEW_CITY)), dry_run=False)
    assert result.ok, result.errors
    assert result.counts == {
        "部门": {"created": 2, "updated": 0, "unchanged": 0},
        "人员": {"created": 2, "updated": 0, "unchanged": 0},
        "网格": {"created": 1, "updated": 0, "unchanged": 0},
        "点位": {"created": 1, "updated": 1, "unchanged": 0},
    }
    section = Department.objects.get(code="LC-CGJ-SRK")
    assert section.parent.code == "LC-CGJ"
    assert section.parent.head.username == "libaozhong"
    leader = User.objects.get(username="libaozhong")
    assert not leader.has_usable_password()
    assert leader.role_names == {Role.LEADER, Role.INSPECTOR}
    assert not User.objects.get(username="wangfang").is_active
    assert list(Grid.objects.get(code="G02").departments.values_list("code", flat=True)) == ["LC-CGJ"]
    place = Place.objects.get(code="P100")
    assert place.latitude == Decimal("36.456789")
    assert place.grid.code == "G02"
    assert Place.objects.get(code="P001").name == "柳园北路（改）"

    again = masterdata_import(file=as_file(workbook_bytes(NEW_CITY)), dry_run=False)
    assert again.counts == {
        "部门": {"created": 0, "updated": 0, "unchanged": 2},
        "人员": {"created": 0, "updated": 0, "unchanged": 2},
        "网格": {"created": 0, "updated": 0, "unchanged": 1},
        "点位": {"created": 0, "updated": 0, "unchanged": 2},
    }


def test_it_writes_nothing_on_a_dry_run(city):
    before = row_counts()
    result = masterdata_import(file=as_file(workbook_bytes(NEW_CITY)), dry_run=True)
    assert result.ok
    assert result.dry_run
    assert result.counts["点位"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert row_counts() == before
    assert Place.objects.get(code="P001").name == "柳园北路"


def test_it_round_trips_an_export_without_a_change(city):
    before = row_counts()
    result = masterdata_import(file=saved(exported()), dry_run=False)
    assert result.ok, result.errors
    assert [name for name in result.counts] == [sheet.name for sheet in SHEETS]
    for name, counts in result.counts.items():
        assert counts["created"] == counts["updated"] == 0, name
        assert counts["unchanged"] > 0, name
    assert result.counts["人员"]["unchanged"] == User.objects.count()
    assert result.counts["点位"]["unchanged"] == Place.objects.count()
    assert row_counts() == before  # the history tables included


def test_it_changes_exactly_the_leader_whose_name_was_fixed(city):
    """The issue's "done when": download, fix a leader's name in Excel, upload: one record changes."""
    workbook = exported()
    people = workbook["人员"]
    row = find_row(people, "用户名", "ronghongzhi")
    set_cell(people, row, "名", "红志")
    places = workbook["点位"]
    set_cell(places, find_row(places, "编码", "P002"), "名称", "柳园小区")
    before = row_counts()
    place_history = Place.history.filter(code="P002").count()

    result = masterdata_import(file=saved(workbook), dry_run=False, actor=city["head"])

    assert result.ok, result.errors
    assert result.counts["人员"] == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.counts["点位"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert [str(change) for change in result.changes] == [
        f"人员 第{row}行 ronghongzhi：名：红智 → 红志",
        f"点位 第{find_row(places, '编码', 'P002')}行 P002：名称：{city['places'][1].name} → 柳园小区",
    ]
    assert all(counts["updated"] == 0 for name, counts in result.counts.items() if name not in ("人员", "点位"))
    leader = User.objects.get(username="ronghongzhi")
    assert leader.display_name == "荣红志"
    assert leader.has_usable_password()  # an update touches only the columns of the sheet
    assert User.objects.get(username="guoxinhua").display_name == "郭新华"
    latest = Place.history.filter(code="P002").latest("history_date")
    assert Place.history.filter(code="P002").count() == place_history + 1
    assert (latest.name, latest.history_type, latest.history_user) == ("柳园小区", "~", city["head"])
    assert latest.history_change_reason == "Excel导入"
    fixed = leader.history.latest("history_date")
    assert (fixed.first_name, fixed.history_type, fixed.history_change_reason) == ("红志", "~", "Excel导入")
    assert row_counts() == {
        **before,
        "Place.history": before["Place.history"] + 1,
        "User.history": before["User.history"] + 1,
    }


def test_it_records_a_grid_s_new_departments_in_its_history(city):
    workbook = exported()
    grids = workbook["网格"]
    set_cell(grids, find_row(grids, "编码", "G01"), "帮包部门编码", "LC-ZJJ")
    history = city["grid"].history.count()
    result = masterdata_import(file=saved(workbook), dry_run=False)
    assert result.counts["网格"] == {"created": 0, "updated": 1, "unchanged": 0}
    assert list(city["grid"].departments.values_list("code", flat=True)) == ["LC-ZJJ"]
    assert city["grid"].history.count() > history


def test_it_imports_nothing_when_one_row_among_a_thousand_is_bad(city):
    good = {"类型": "居民小区", "网格编码": "G01", "帮包部门编码": "LC-ZJJ", "属地单位编码": "DCF-GL"}
    rows = [{**good, "编码": f"P{n:04d}X", "名称": f"柳园{n}号小区", "户数": n} for n in range(1000)]
    rows[637]["网格编码"] = "G404"
    before = row_counts()

    result = masterdata_import(file=as_file(workbook_bytes({"点位": rows})), dry_run=False)

    assert [(e.sheet, e.row, e.column) for e in result.errors] == [("点位", 639, "网格编码")]
    assert "G404" in result.errors[0].message
    assert row_counts() == before

    rows[637]["网格编码"] = "G01"
    result = masterdata_import(file=as_file(workbook_bytes({"点位": rows})), dry_run=False)
    assert result.counts == {"点位": {"created": 1000, "updated": 0, "unchanged": 0}}
    assert Place.history.filter(code="P0637X").count() == 1


def test_it_leaves_out_sheets_that_the_file_leaves_out(city):
    # Only places: references to grids and departments resolve against the database.
    rows = [
        {
            "编码": "P100",
            "名称": "兴华路",
            "类型": "街巷",
            "网格编码": "G01",
            "帮包部门编码": "LC-ZJJ",
            "属地单位编码": "DCF-GL",
        }
    ]
    result = masterdata_import(file=as_file(workbook_bytes({"点位": rows})), dry_run=False)
    assert result.counts == {"点位": {"created": 1, "updated": 0, "unchanged": 0}}


def test_it_leaves_grid_boundaries_alone_when_their_column_is_left_out(city):
    Grid.objects.filter(pk=city["grid"].pk).update(boundary={"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]})
    rows = [{"编码": "G01", "名称": "第1网格（改）", "街道编码": "DCF-GL"}]
    content = workbook_bytes({"网格": rows}, drop_headers={"网格": "边界GeoJSON"})
    result = masterdata_import(file=as_file(content), dry_run=False)
    assert result.counts["网格"]["updated"] == 1
    city["grid"].refresh_from_db()
    assert city["grid"].boundary == {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}


def test_it_keeps_text_that_looks_like_a_formula_as_text(city):
    Place.objects.filter(code="P001").update(name="=HYPERLINK(1)", property_company="+86 物业")
    workbook = load_workbook(saved(exported()))
    assert workbook["点位"].cell(row=find_row(workbook["点位"], "编码", "P001"), column=2).data_type == "s"
    result = masterdata_import(file=saved(workbook), dry_run=False)
    assert result.counts["点位"]["updated"] == 0


def test_it_offers_a_template_whose_example_rows_import_as_nothing(city):
    content = masterdata_template()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["说明", *(sheet.name for sheet in SHEETS)]
    places = workbook["点位"]
    assert [cell.value for cell in places[1]] == SHEETS[3].headers
    assert places.freeze_panes == "A2"
    assert places.max_row == 2
    drop_downs = {str(validation.sqref): validation.formula1 for validation in places.data_validations.dataValidation}
    assert drop_downs["C2:C1048576"].startswith('"街巷,居民小区,城中村')
    before = row_counts()
    result = masterdata_import(file=as_file(content), dry_run=False)
    assert result.ok, result.errors
    assert all(counts == {"created": 0, "updated": 0, "unchanged": 0} for counts in result.counts.values())
    assert row_counts() == before


def test_it_reports_progress(city):
    calls = []
    masterdata_import(file=as_file(workbook_bytes(NEW_CITY)), dry_run=False, progress=lambda *call: calls.append(call))
    assert calls[-1] == (21, 21)  # 7 rows: read, checked, written
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_it_changes_one_leader_of_the_liaocheng_demo(db):
    """The issue's "done when", on the demo's own master data."""
    from demo.services import demo_load

    demo_load()
    leader = Grid.objects.select_related("leader").order_by("code").first().leader
    workbook = exported()
    people = workbook["人员"]
    set_cell(people, find_row(people, "用户名", leader.username), "名", "新名")
    before = row_counts()

    result = masterdata_import(file=saved(workbook), dry_run=False)

    assert result.ok, result.errors[:5]
    assert result.counts["人员"]["updated"] == 1
    assert sum(counts["created"] + counts["updated"] for counts in result.counts.values()) == 1
    assert [change.key for change in result.changes] == [leader.username]
    assert User.objects.get(pk=leader.pk).first_name == "新名"
    assert leader.history.latest("history_date").first_name == "新名"
    assert row_counts() == {**before, "User.history": before["User.history"] + 1}


def test_it_takes_the_three_ways_of_leading_and_the_assisting_departments_and_refuses_others(city):
    criteria = [
        {"编码": "CS-10", "类别": "小区管理", "标题": "楼道堆物", "分值": 1, "牵头方式": "属地"},
        {"编码": "CS-11", "类别": "农贸市场", "标题": "市场脏乱", "分值": 1, "牵头方式": "帮包"},
        {
            "编码": "CS-12",
            "类别": "校园周边",
            "标题": "流动摊贩",
            "分值": 1,
            "牵头方式": "属主",
            "默认责任部门编码": "LC-ZJJ",
            "协办部门编码": "DCF-GL、DCF",
        },
    ]
    result = masterdata_import(file=as_file(workbook_bytes({"测评标准": criteria})), dry_run=False)
    assert result.ok, result.errors
    leads = dict(Criterion.objects.filter(code__startswith="CS-1").values_list("code", "lead"))
    assert leads == {"CS-10": "territorial", "CS-11": "assigned", "CS-12": "owner"}
    assisting = Criterion.objects.get(code="CS-12").assisting_departments.values_list("code", flat=True)
    assert set(assisting) == {"DCF-GL", "DCF"}

    before = row_counts()
    unknown = {"编码": "CS-13", "类别": "市容", "标题": "无乱贴", "分值": 1, "牵头方式": "主管"}
    refused = masterdata_import(file=as_file(workbook_bytes({"测评标准": [unknown]})), dry_run=False)
    assert not refused.ok
    [error] = refused.errors
    assert (error.sheet, error.column) == ("测评标准", "牵头方式")
    assert "可选：属地、帮包、属主" in error.message
    assert row_counts() == before


def test_it_exports_a_criterions_way_of_leading_in_chinese_and_reads_it_back(city):
    criterion = city["criterion"]
    criterion.lead = Criterion.Lead.ASSIGNED
    criterion.save()
    criterion.assisting_departments.set([city["subdistrict"]])
    sheet = exported()["测评标准"]
    row = find_row(sheet, "编码", "CS-01")
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=row, column=headers.index("牵头方式") + 1).value == "帮包"
    assert sheet.cell(row=row, column=headers.index("协办部门编码") + 1).value == "DCF-GL"

    again = masterdata_import(file=saved(exported()), dry_run=False)
    assert again.ok, again.errors
    assert again.counts["测评标准"] == {"created": 0, "updated": 0, "unchanged": 1}
