"""Schemes in the master-data workbook: exported and imported with the same all-or-nothing rules, checked
whole as the admin checks them, with each problem on its row in Chinese."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from assessment.models import Scheme
from assessment.scoring import MESSAGES
from assessment.tests.factories import scheme_with
from campaign.tests.factories import CampaignFactory
from masterdata.schema import SCHEME_BANDS, SCHEME_INDICATORS, SCHEMES
from masterdata.services import masterdata_import, masterdata_template
from masterdata.tests.workbooks import as_file, exported, saved, workbook_bytes

pytestmark = pytest.mark.django_db

BANDS = [
    {"方案编码": "JN-2018", "等级": "优秀", "最低分(含)": 90},
    {"方案编码": "JN-2018", "等级": "良好", "最低分(含)": 80, "最高分(不含)": 90},
    {"方案编码": "JN-2018", "等级": "一般", "最低分(含)": 60, "最高分(不含)": 80},
    {"方案编码": "JN-2018", "等级": "较差", "最高分(不含)": 60},
]


def jinniu(**changes) -> dict[str, list[dict]]:
    """The 金牛区 formula as an administrator types it into the workbook."""
    CampaignFactory()
    indicators = [
        ("处置率", 30, "权重×比率"),
        ("按期处置率", 20, "权重×比率"),
        ("返工率", 20, "权重×(1−比率)"),
        ("超期待处置率", 20, "权重×(1−比率)"),
        ("延期率", 10, "权重×(1−比率)"),
    ]
    sheets = {
        "考核方案": [
            {
                "编码": "JN-2018",
                "名称": "数字城管月度考核",
                "活动编码": "C2018",
                "考核周期": "月度",
                "生效日期": "2018-03-01",
            }
        ],
        "考核指标": [
            {"方案编码": "JN-2018", "指标": name, "权重": weight, "计分方式": rule, "排序": n}
            for n, (name, weight, rule) in enumerate(indicators)
        ],
        "考核加减分": [{"方案编码": "JN-2018", "项目": "重复投诉点位", "每单位分值": -1, "起计次数": 3}],
        "案件来源权重": [
            {"方案编码": "JN-2018", "来源": "领导交办", "权重": 2},
            {"方案编码": "JN-2018", "来源": "媒体曝光", "权重": 2},
        ],
        "考核等级": BANDS,
    }
    return sheets | changes


def test_a_scheme_typed_into_the_workbook_is_imported_whole():
    result = masterdata_import(file=as_file(workbook_bytes(jinniu())), dry_run=False)

    assert result.ok, result.errors
    scheme = Scheme.objects.get(code="JN-2018")
    assert [(row.code, row.weight) for row in scheme.indicators.all()][:2] == [
        ("disposal_rate", Decimal(30)),
        ("on_time_disposal_rate", Decimal(20)),
    ]
    assert scheme.adjustments.get().min_count == 3
    assert sorted(scheme.source_weights.values_list("source", flat=True)) == ["leader", "media"]
    assert result.counts[SCHEME_INDICATORS.name] == {"created": 5, "updated": 0, "unchanged": 0}
    assert scheme.valid_from == datetime.date(2018, 3, 1)


def test_an_exported_scheme_imports_again_unchanged():
    scheme_with(code="JN-2018")
    before = list(Scheme.objects.get(code="JN-2018").indicators.values_list("pk", flat=True))

    result = masterdata_import(file=saved(exported()), dry_run=False)

    assert result.ok, result.errors
    assert result.counts[SCHEMES.name] == {"created": 0, "updated": 0, "unchanged": 1}
    assert result.counts[SCHEME_INDICATORS.name] == {"created": 0, "updated": 0, "unchanged": 5}
    assert list(Scheme.objects.get(code="JN-2018").indicators.values_list("pk", flat=True)) == before  # not rewritten


def test_the_template_has_the_scheme_sheets():
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(masterdata_template()))

    assert {"考核方案", "考核指标", "考核加减分", "案件来源权重", "考核等级"} <= set(workbook.sheetnames)


def errors_of(sheets: dict) -> list[tuple[str, int | None, str, str]]:
    result = masterdata_import(file=as_file(workbook_bytes(sheets)), dry_run=False)
    assert not Scheme.objects.exists(), "nothing is saved"
    return [(error.sheet, error.row, error.column, error.message) for error in result.errors]


def test_weights_not_adding_up_to_100_are_refused_on_the_schemes_rows_and_nothing_is_saved():
    sheets = jinniu()
    sheets["考核指标"][0]["权重"] = 20

    errors = errors_of(sheets)

    with translation.override("zh-hans"):
        message = str(MESSAGES["weights_sum"]) % {"total": "90"}
    assert errors == [("考核指标", 2, "权重", f"方案“JN-2018”：{message}")]


def test_an_unknown_indicator_is_refused_on_its_cell():
    sheets = jinniu()
    sheets["考核指标"][1]["指标"] = "办结率"

    errors = errors_of(sheets)

    assert errors[0][:3] == ("考核指标", 3, "指标")
    assert "“办结率”不是可选值" in errors[0][3]


def test_bands_leaving_scores_without_a_grade_are_refused():
    sheets = jinniu(**{SCHEME_BANDS.name: BANDS[:3]})  # nothing below 60

    errors = errors_of(sheets)

    assert [error[:3] for error in errors] == [("考核等级", 2, "最低分(含)")]
    assert errors[0][3].startswith("方案“JN-2018”：")


def test_an_item_twice_and_a_scheme_overlapping_another_are_refused():
    scheme_with(code="OLD", valid_from=datetime.date(2018, 1, 1))
    sheets = jinniu()
    sheets["考核加减分"].append(dict(sheets["考核加减分"][0]))

    result = masterdata_import(file=as_file(workbook_bytes(sheets)), dry_run=False)

    found = [(error.sheet, error.row, error.column) for error in result.errors]
    assert ("考核加减分", 3, "项目") in found
    assert ("考核方案", 2, "编码") in found  # “OLD” is in force for the same campaign and month
    assert not Scheme.objects.filter(code="JN-2018").exists()
