"""The assessment schemes in the master-data workbook. The 考核方案 sheet is a record sheet like the others;
its four parts (考核指标, 考核加减分, 案件来源权重, 考核等级) hold a scheme's rows of each part: a part sheet that is
in the file replaces, for each scheme it names, that scheme's rows of the part (schemes it does not name keep
theirs). Every scheme the file touches is checked whole, as the admin checks it
(``assessment.services.scheme_problems``: weights adding up to 100, bands covering every score, ...), and a
problem is reported on the row it comes from, in Chinese; then nothing is written."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import translation

from assessment.models import Scheme
from assessment.scoring import Adjustment, Band, Draft, Item, Problem
from assessment.services import scheme_problems
from masterdata.schema import (
    SCHEME_ADJUSTMENTS,
    SCHEME_BANDS,
    SCHEME_INDICATORS,
    SCHEME_PARTS,
    SCHEME_SOURCES,
    SCHEMES,
    Sheet,
)
from masterdata.services.records import Lookups

BATCH_SIZE = 500
# Which part of a scheme (assessment.scoring.Problem.part) each sheet holds, and the column a problem
# with the part as a whole is shown in.
PART_OF_SHEET = {
    SCHEME_INDICATORS.name: ("indicators", "权重"),
    SCHEME_ADJUSTMENTS.name: ("adjustments", "每单位分值"),
    SCHEME_SOURCES.name: ("sources", "权重"),
    SCHEME_BANDS.name: ("bands", "最低分(含)"),
}
SHEET_OF_PART = {part: name for name, (part, _column) in PART_OF_SHEET.items()}


def _values(sheet: Sheet, row: Any) -> dict[str, Any]:
    """A model row's values as the sheet's columns hold them (the scheme by its code)."""
    return {column.key: getattr(row, column.key) for column in sheet.columns if column.key != "scheme"}


def part_records(sheet: Sheet, lookups: Lookups) -> list[dict[str, Any]]:
    """Every row of a part sheet in the database, by scheme code and then in the scheme's order."""
    codes = lookups.scheme
    rows = [{"scheme": codes[row.scheme_id], **_values(sheet, row)} for row in sheet.model.objects.all()]
    return sorted(rows, key=lambda row: (row["scheme"], row.get("sort_order") or 0, str(row[sheet.part_key])))


def _draft_from(parts: dict[str, list[dict[str, Any]]], appeal_days: int) -> Draft:
    def ordered(rows: list[dict]) -> list[dict]:
        return sorted(rows, key=lambda row: row.get("sort_order") or 0)

    return Draft(
        items=[
            Item(
                row["code"],
                row["weight"],
                row["rule"],
                row.get("threshold"),
                row.get("points_off"),
                bool(row.get("allow_negative")),
            )
            for row in ordered(parts["indicators"])
        ],
        adjustments=[
            Adjustment(row["code"], row["points_per_unit"], row.get("min_count"), row.get("cap"))
            for row in ordered(parts["adjustments"])
        ],
        source_weights=[(row["source"], row["weight"]) for row in parts["sources"]],
        bands=[Band(row["grade"], row.get("min_score"), row.get("max_score")) for row in parts["bands"]],
        appeal_days=appeal_days,
    )


class SchemeRows:
    """What the file and the database say of each scheme the file touches: its own row, and each part's rows
    with the Excel row numbers they come from (``None`` for rows kept from the database)."""

    def __init__(self, parsed: dict, lookups: Lookups) -> None:
        self.parsed = parsed
        self.lookups = lookups
        schemes = parsed[SCHEMES.name].rows if SCHEMES.name in parsed else []
        self.file_schemes = {row.values["code"]: row for row in schemes}
        self.file_parts: dict[str, dict[str, list]] = {}
        for sheet in SCHEME_PARTS:
            if sheet.name in parsed:
                by_scheme = defaultdict(list)
                for row in parsed[sheet.name].rows:
                    if row.values["scheme"]:
                        by_scheme[row.values["scheme"]].append(row)
                self.file_parts[sheet.name] = by_scheme
        codes = set(self.file_schemes) | {code for rows in self.file_parts.values() for code in rows}
        self.codes = sorted(code for code in codes if code)
        self.stored = {
            scheme.code: scheme
            for scheme in Scheme.objects.filter(code__in=self.codes).prefetch_related(
                "indicators", "adjustments", "source_weights", "bands"
            )
        }

    def scheme(self, code: str) -> Scheme | None:
        """The scheme as it would be after the import (unsaved), or ``None`` when it does not exist."""
        row = self.file_schemes.get(code)
        stored = self.stored.get(code)
        if row is None:
            return stored
        campaigns = {value: key for key, value in self.lookups.campaign.items()}
        values = {key: value for key, value in row.values.items() if key != "campaign"}
        return Scheme(pk=stored.pk if stored else None, campaign_id=campaigns.get(row.values["campaign"]), **values)

    def parts(self, code: str) -> dict[str, tuple[list[dict], list[int | None]]]:
        """Per part (``indicators`` …), the rows after the import and the Excel row number of each."""
        stored = self.stored.get(code)
        result = {}
        for sheet in SCHEME_PARTS:
            part, _column = PART_OF_SHEET[sheet.name]
            rows = self.file_parts.get(sheet.name, {}).get(code)
            if rows is not None:
                ordered = sorted(rows, key=lambda row: (row.values.get("sort_order") or 0, row.number))
                result[part] = ([row.values for row in ordered], [row.number for row in ordered])
            elif stored is not None:
                related = {"indicators": "indicators", "adjustments": "adjustments", "sources": "source_weights"}
                records = getattr(stored, related.get(part, "bands")).all()
                values = [_values(sheet, record) for record in records]
                result[part] = (values, [None] * len(values))
            else:
                result[part] = ([], [])
        return result


def scheme_rows_check(parsed: dict, lookups: Lookups, errors: list) -> None:
    """Check every scheme the file touches, whole; add a ``RowError`` per problem, on the row it comes from."""
    from masterdata.services.imports import RowError

    _check_part_duplicates(parsed, errors)
    rows = SchemeRows(parsed, lookups)
    for code in rows.codes:
        scheme = rows.scheme(code)
        if scheme is None:
            continue  # an unknown scheme code: the reference check reports it
        parts = rows.parts(code)
        draft = _draft_from({part: values for part, (values, _numbers) in parts.items()}, scheme.appeal_days)
        with translation.override("zh-hans"):
            problems = scheme_problems(scheme=scheme, draft=draft)
        for problem in problems:
            errors.append(RowError(*_where(problem, code, rows, parts), f"方案“{code}”：{problem.message}"))
    _check_file_overlaps(rows, errors)


def _where(problem: Problem, code: str, rows: SchemeRows, parts: dict) -> tuple[str, int | None, str]:
    """The sheet, row and column a problem is shown at: its part's row, else the scheme's own row."""
    scheme_row = rows.file_schemes.get(code)
    if problem.part in SHEET_OF_PART:
        name = SHEET_OF_PART[problem.part]
        numbers = parts[problem.part][1]
        column = PART_OF_SHEET[name][1]
        if problem.row is not None and numbers[problem.row] is not None:
            return name, numbers[problem.row], column
        present = [number for number in numbers if number is not None]
        if present:
            return name, present[0], column
    if scheme_row is not None:
        return SCHEMES.name, scheme_row.number, "编码"
    return SHEET_OF_PART.get(problem.part, SCHEMES.name), None, ""


def _check_part_duplicates(parsed: dict, errors: list) -> None:
    from masterdata.services.imports import RowError

    for sheet in SCHEME_PARTS:
        if sheet.name not in parsed:
            continue
        first: dict[tuple, int] = {}
        header = next(column.header for column in sheet.columns if column.key == sheet.part_key)
        for row in parsed[sheet.name].rows:
            key = (row.values["scheme"], row.values[sheet.part_key])
            if not all(key):
                continue
            if key in first:
                message = f"方案“{key[0]}”的这一项与第{first[key]}行重复"
                errors.append(RowError(sheet.name, row.number, header, message))
            else:
                first[key] = row.number


def _check_file_overlaps(rows: SchemeRows, errors: list) -> None:
    """Two schemes of the file in force for the same campaign and period on one day (the database's are
    checked by ``scheme_problems``)."""
    from masterdata.services.imports import RowError

    active = [row for row in rows.file_schemes.values() if row.values.get("is_active")]
    for n, row in enumerate(active):
        for other in active[:n]:
            a, b = row.values, other.values
            if (a["campaign"], a["period_kind"]) != (b["campaign"], b["period_kind"]):
                continue
            if (a["valid_until"] is None or a["valid_until"] >= b["valid_from"]) and (
                b["valid_until"] is None or b["valid_until"] >= a["valid_from"]
            ):
                message = f"与第{other.number}行的方案“{b['code']}”同一活动、同一考核周期，生效期重叠"
                errors.append(RowError(SCHEMES.name, row.number, "生效日期", message))


# ---------------------------------------------------------------------------------------------
# What changes, and writing it


def _comparable(sheet: Sheet, values: dict[str, Any]) -> tuple:
    return tuple(
        str(values.get(column.key)) if isinstance(values.get(column.key), Decimal) else values.get(column.key)
        for column in sheet.columns
        if column.key != "scheme"
    )


def part_counts(parsed: dict, lookups: Lookups) -> dict[str, dict[str, int]]:
    """Per part sheet in the file: its rows created, updated (same item, other values) and unchanged."""
    rows = SchemeRows(parsed, lookups)
    counts = {}
    for sheet in SCHEME_PARTS:
        if sheet.name not in parsed:
            continue
        part = PART_OF_SHEET[sheet.name][0]
        count = {"created": 0, "updated": 0, "unchanged": 0}
        for code, file_rows in rows.file_parts[sheet.name].items():
            stored = rows.stored.get(code)
            before = {}
            if stored is not None:
                related = {"indicators": "indicators", "adjustments": "adjustments", "sources": "source_weights"}
                for record in getattr(stored, related.get(part, "bands")).all():
                    values = _values(sheet, record)
                    before[values[sheet.part_key]] = _comparable(sheet, values)
            for row in file_rows:
                old = before.get(row.values[sheet.part_key])
                if old is None:
                    count["created"] += 1
                elif old == _comparable(sheet, row.values):
                    count["unchanged"] += 1
                else:
                    count["updated"] += 1
        counts[sheet.name] = count
    return counts


def scheme_parts_write(parsed: dict, lookups: Lookups) -> None:
    """Replace, for each scheme a part sheet names, that scheme's rows of the part, where they differ
    (importing the same file twice writes nothing the second time). Runs after the schemes are written."""
    schemes = dict(Scheme.objects.filter(code__in=_named(parsed)).values_list("code", "pk"))
    rows = SchemeRows(parsed, lookups)
    for sheet in SCHEME_PARTS:
        if sheet.name not in parsed:
            continue
        for code, file_rows in rows.file_parts[sheet.name].items():
            scheme_id = schemes[code]
            records = sheet.model.objects.filter(scheme_id=scheme_id)
            current = sorted((_comparable(sheet, _values(sheet, record)) for record in records), key=repr)
            wanted = sorted((_comparable(sheet, row.values) for row in file_rows), key=repr)
            if current == wanted:
                continue
            sheet.model.objects.filter(scheme_id=scheme_id).delete()
            sheet.model.objects.bulk_create(
                [
                    sheet.model(scheme_id=scheme_id, **{k: v for k, v in row.values.items() if k != "scheme"})
                    for row in file_rows
                ],
                batch_size=BATCH_SIZE,
            )


def _named(parsed: dict) -> Iterable[str]:
    names = set()
    for sheet in SCHEME_PARTS:
        if sheet.name in parsed:
            names |= {row.values["scheme"] for row in parsed[sheet.name].rows}
    return names
