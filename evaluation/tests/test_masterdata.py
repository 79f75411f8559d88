import io

import pytest
from openpyxl import Workbook

from evaluation.models import ObservationPoint, PointType, Standard
from evaluation.tests.factories import PointTypeFactory
from grids.tests.factories import PlaceFactory
from inspections.tests.factories import CriterionFactory
from masterdata.schema import EVALUATION_SHEETS, SHEETS_BY_NAME
from masterdata.services.imports import masterdata_import

pytestmark = pytest.mark.django_db


def workbook(sheets: dict[str, list[list]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(SHEETS_BY_NAME[name].headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "masterdata.xlsx"
    return buffer


def test_the_evaluation_system_is_imported_from_the_workbook():
    CriterionFactory(code="CS-01")
    PlaceFactory(code="DCF-P1")
    result = masterdata_import(
        file=workbook(
            {
                "点位类型": [["ZCGD", "主次干道", 3, "是"], ["NMSC", "农贸市场", 2, "是"]],
                "测评项目": [["SRHJ", "市容环境秩序", 1]],
                "测评细则": [["ZCGD-01", "SRHJ", "路面干净，无暴露垃圾", 1, "ZCGD,NMSC", "CS-01", 1, "是"]],
                "测评点位": [["DCF-P1", "ZCGD"]],
            }
        ),
        dry_run=False,
    )

    assert result.ok, result.errors
    standard = Standard.objects.get(code="ZCGD-01")
    assert sorted(standard.point_types.values_list("code", flat=True)) == ["NMSC", "ZCGD"]
    assert standard.criterion.code == "CS-01"
    assert ObservationPoint.objects.get(place__code="DCF-P1").point_type.code == "ZCGD"
    # (rows equal to the template's example rows would be skipped: these differ from them)
    assert [sheet.name for sheet in EVALUATION_SHEETS] == ["点位类型", "测评项目", "测评细则", "测评点位"]


def test_a_wrong_row_imports_nothing_and_says_why_in_chinese():
    PointTypeFactory(code="ZCGD")
    result = masterdata_import(
        file=workbook(
            {
                "点位类型": [["BJXX", "背街小巷", 2, "是"]],
                "测评点位": [["NO-SUCH-PLACE", "ZCGD"], ["NO-SUCH-PLACE-2", "XXXX"]],
            }
        ),
        dry_run=False,
    )

    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert any("找不到点位编码“NO-SUCH-PLACE”" in message for message in messages)
    assert any("找不到点位类型编码“XXXX”" in message for message in messages)
    assert not PointType.objects.filter(code="BJXX").exists()
