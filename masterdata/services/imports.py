"""The all-or-nothing import of a master-data workbook: read and parse every row, check the rows
against each other and against the database, plan what changes, and write it in one transaction only
when nothing is wrong.

Records are matched by code (people by username); a row equal to what the database holds is not saved
at all, so importing the same file twice changes nothing and writes no history.

A workbook may leave sheets out: the records of a left-out sheet stay as they are, and references
to them must then exist in the database. A sheet that is there must have all its headers (the
grid boundary column may be left out, and boundaries then stay as they are). Other sheets, such
as the template's 说明, are ignored.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, models, transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import Department, User
from assessment.models import Scheme
from campaign.models import Campaign, Target, Task
from campaign.rollups import TaskFacts, task_target_moved, tasks_rollups_move
from core.history import history_author
from core.working_time import WorkingCalendar
from evaluation.models import Item as EvaluationItem
from evaluation.models import PointType
from grids.models import Grid, Place
from inspections.models import Criterion
from masterdata.schema import (
    CRITERIA,
    DEPARTMENTS,
    EVALUATION_ITEMS,
    GRIDS,
    PLACES,
    POINT_TYPES,
    REF_MISSING,
    SCHEMES,
    SHEETS,
    SHEETS_BY_NAME,
    TASKS,
    USERS,
    CellError,
    Column,
    Ref,
    Sheet,
)
from masterdata.services.records import Current, Lookups, current_records, is_fk
from masterdata.services.schemes import part_counts, scheme_parts_write, scheme_rows_check
from masterdata.xlsx import SheetRows, WorkbookRejected, workbook_read

logger = logging.getLogger(__name__)

# The references a workbook's own sheets may define, besides departments, people, grids and schemes.
IN_FILE_EVALUATION = {
    Ref.POINT_TYPE: POINT_TYPES,
    Ref.ITEM: EVALUATION_ITEMS,
    Ref.PLACE: PLACES,
    Ref.CRITERION: CRITERIA,
}

Progress = Callable[[int, int], None]
CHANGE_REASON = "Excel导入"
BATCH_SIZE = 500
PROGRESS_EVERY = 500  # rows


@dataclass(frozen=True)
class RowError:
    """One thing wrong with the file: where (sheet, Excel row number, column header) and what, in Chinese.

    A problem with the file as a whole has no sheet, row or column."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.sheet, f"第{self.row}行" if self.row else "", self.column) if part)
        return f"{where}：{self.message}" if where else self.message

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class RowChange:
    """A record that the import changes: which one, and each changed column's old and new value as
    the workbook shows them. Kept with the import job, so that changes to records without a history
    of their own (people, departments, criteria) can still be traced."""

    sheet: str
    row: int
    key: str
    changes: dict[str, tuple[str, str]]  # header → (before, after)

    def __str__(self) -> str:
        changes = "；".join(
            f"{header}：{before or '（空）'} → {after or '（空）'}" for header, (before, after) in self.changes.items()
        )
        return f"{self.sheet} 第{self.row}行 {self.key}：{changes}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "key": self.key,
            "changes": {h: list(v) for h, v in self.changes.items()},
        }


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do).

    ``counts`` maps each sheet in the file to its created, updated and unchanged rows, and
    ``changes`` lists the updated records; both are empty when there are errors, because then
    nothing is written."""

    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    changes: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------
# Read and parse


@dataclass
class _Row:
    number: int
    values: dict[str, Any]


@dataclass
class _ParsedSheet:
    sheet: Sheet
    columns: list[Column]  # those present in the file
    rows: list[_Row]


def masterdata_import(
    *,
    file: BinaryIO | UploadedFile,
    dry_run: bool,
    progress: Progress | None = None,
    actor: User | None = None,
) -> ImportResult:
    """Check every row of the workbook and, if nothing is wrong and this is not a dry run, write them all.

    ``progress(done, total)`` is called now and then; ``total`` is three times the rows, one for
    reading them, one for checking them, one for writing them (an estimate while reading).
    ``actor`` is recorded as the author of the history entries."""
    report = progress or (lambda done, total: None)
    try:
        raw = workbook_read(
            file,
            max_bytes=settings.MASTERDATA_MAX_UPLOAD_BYTES,
            sheet_names=SHEETS_BY_NAME,
            progress=lambda read, expected: report(read, 3 * expected),
        )
    except WorkbookRejected as exc:
        return ImportResult(dry_run=dry_run, errors=[RowError("", None, "", exc.message)])
    if not raw:
        names = "、".join(sheet.name for sheet in SHEETS)
        return ImportResult(
            dry_run=dry_run, errors=[RowError("", None, "", f"工作簿中没有可导入的工作表（应为：{names}）")]
        )

    rows = sum(len(content.rows) for content in raw.values())
    total = 3 * rows
    report(rows, total)
    errors: list[RowError] = []
    parsed = _parse(raw, errors, lambda done: report(rows + done, total))
    lookups = Lookups()
    # A scheme's parts (考核指标, ...) are planned and written by masterdata.services.schemes.
    records = {name: batch for name, batch in parsed.items() if not batch.sheet.part_of}
    current = {name: current_records(batch.sheet, lookups) for name, batch in records.items()}
    _validate(parsed, lookups, errors)
    if errors:
        return ImportResult(dry_run=dry_run, errors=_sorted(errors))

    plans = {name: _plan(batch, current[name]) for name, batch in records.items()}
    part_counts_of = part_counts(parsed, lookups)
    counts = {name: plans[name].counts if name in plans else part_counts_of[name] for name in parsed}
    changes = [change for name, plan in plans.items() for change in plan.changes(current[name])]
    done = 2 * rows
    report(done, total)
    if dry_run:
        report(total, total)
        return ImportResult(dry_run=True, counts=counts, changes=changes)

    def written(count: int) -> None:
        nonlocal done
        done += count
        report(done, total)

    try:
        with transaction.atomic():
            _Writer(plans=plans, current=current, actor=actor, written=written).write()
            scheme_parts_write(parsed, lookups)
    except DatabaseError as exc:
        # Checked beforehand, so only a concurrent change can get here; the transaction rolled back.
        logger.warning("Master data import rolled back: %s", exc)
        message = f"写入数据库时出错，已全部撤销，数据未改变：{exc}（可能有人同时修改了这些数据，请重新导入）"
        return ImportResult(dry_run=False, errors=[RowError("", None, "", message)])
    report(total, total)
    return ImportResult(dry_run=False, counts=counts, changes=changes)


def _parse(
    raw: dict[str, SheetRows], errors: list[RowError], report: Callable[[int], None]
) -> dict[str, "_ParsedSheet"]:
    parsed = {}
    done = 0
    for sheet in SHEETS:
        if sheet.name not in raw:
            continue
        content = raw[sheet.name]
        positions = _header_positions(sheet, content.headers, errors)
        if positions is None:
            done += len(content.rows)
            continue
        columns = [column for column in sheet.columns if column.header in positions]
        example = _example_values(sheet, columns)
        rows = []
        for number, cells in content.rows:
            values, failed = {}, False
            for column in columns:
                position = positions[column.header]
                raw_value = cells[position] if position < len(cells) else None
                try:
                    values[column.key] = column.parse(raw_value)
                except CellError as exc:
                    errors.append(RowError(sheet.name, number, column.header, exc.message))
                    values[column.key] = column.empty()
                    failed = True
            if failed or values != example:  # the template's untouched example row is not data
                rows.append(_Row(number, values))
            done += 1
            if done % PROGRESS_EVERY == 0:
                report(done)
        parsed[sheet.name] = _ParsedSheet(sheet, columns, rows)
    return parsed


def _header_positions(sheet: Sheet, headers: list[str], errors: list[RowError]) -> dict[str, int] | None:
    """Where each of the sheet's columns is, by header; None (with errors) if one is missing or repeated."""
    positions: dict[str, int] = {}
    ok = True
    for index, header in enumerate(headers):
        if header not in sheet.by_header:
            continue
        if header in positions:
            errors.append(RowError(sheet.name, 1, header, f"表头“{header}”出现了两次"))
            ok = False
        positions[header] = index
    for column in sheet.columns:
        if column.header not in positions and not column.optional_header:
            errors.append(RowError(sheet.name, 1, column.header, f"缺少表头“{column.header}”"))
            ok = False
    return positions if ok else None


def _example_values(sheet: Sheet, columns: list[Column]) -> dict[str, Any]:
    return {column.key: column.parse(column.example) for column in columns}


def _sorted(errors: list[RowError]) -> list[RowError]:
    sheet_order = {sheet.name: index for index, sheet in enumerate(SHEETS)}

    def position(error: RowError) -> tuple:
        sheet = SHEETS_BY_NAME.get(error.sheet)
        column = sheet.headers.index(error.column) if sheet and error.column in sheet.headers else -1
        return (sheet_order.get(error.sheet, -1), error.row or 0, column)

    return sorted(errors, key=position)


# ---------------------------------------------------------------------------------------------
# Check the rows against each other and against the database


def _validate(parsed: dict[str, _ParsedSheet], lookups: Lookups, errors: list[RowError]) -> None:
    known = _known_keys(parsed, lookups)
    for batch in parsed.values():
        if not batch.sheet.part_of:  # a scheme's parts: masterdata.services.schemes
            _check_duplicates(batch, errors)
        _check_references(batch, known, errors)
    departments = _final_departments(parsed, lookups)
    if DEPARTMENTS.name in parsed:
        _check_department_cycles(parsed[DEPARTMENTS.name], departments, errors)
    if GRIDS.name in parsed:
        _check_grid_subdistricts(parsed[GRIDS.name], departments, errors)
    if CRITERIA.name in parsed:
        _check_criterion_leads(parsed[CRITERIA.name], errors)
    if TASKS.name in parsed:
        _check_tasks(parsed[TASKS.name], departments, errors)
    scheme_rows_check(parsed, lookups, errors)


def _known_keys(parsed: dict[str, _ParsedSheet], lookups: Lookups) -> dict[Ref, set[str]]:
    known = {ref: set(lookups.codes(ref).values()) for ref in Ref}
    in_file = {Ref.DEPARTMENT: DEPARTMENTS, Ref.USER: USERS, Ref.GRID: GRIDS, Ref.SCHEME: SCHEMES, **IN_FILE_EVALUATION}
    for ref, sheet in in_file.items():
        if sheet.name in parsed:
            known[ref].update(row.values[sheet.key] for row in parsed[sheet.name].rows if row.values[sheet.key])
    return known


def _check_duplicates(batch: _ParsedSheet, errors: list[RowError]) -> None:
    sheet = batch.sheet
    first: dict[str, _Row] = {}
    for row in batch.rows:
        key = row.values[sheet.key]
        if not key:
            continue
        if key not in first:
            first[key] = row
            continue
        earlier = first[key]
        if sheet is USERS and row.values["department"] != earlier.values["department"]:
            message = (
                f"用户“{key}”在第{earlier.number}行属于部门“{earlier.values['department'] or '（无）'}”，"
                f"这里又属于部门“{row.values['department'] or '（无）'}”：一个人只能属于一个部门"
            )
            errors.append(RowError(sheet.name, row.number, "部门编码", message))
        else:
            header = sheet.key_column.header
            errors.append(RowError(sheet.name, row.number, header, f"{header}“{key}”与第{earlier.number}行重复"))


def _check_references(batch: _ParsedSheet, known: dict[Ref, set[str]], errors: list[RowError]) -> None:
    columns = [column for column in batch.columns if column.ref is not None]
    for row in batch.rows:
        for column in columns:
            value = row.values[column.key]
            for code in value if column.many else (value,):
                if code and code not in known[column.ref]:
                    errors.append(
                        RowError(batch.sheet.name, row.number, column.header, REF_MISSING[column.ref].format(code))
                    )


@dataclass
class _Tree:
    """Every department as it will be after the import: its kind and its parent's code."""

    kind: dict[str, str]
    parent: dict[str, str | None]


def _final_departments(parsed: dict[str, _ParsedSheet], lookups: Lookups) -> _Tree:
    tree = _Tree(kind={}, parent={})
    for record in Department.objects.values("code", "kind", "parent_id"):
        tree.kind[record["code"]] = record["kind"]
        tree.parent[record["code"]] = lookups.department.get(record["parent_id"])
    if DEPARTMENTS.name in parsed:
        for row in parsed[DEPARTMENTS.name].rows:
            code = row.values["code"]
            if code:
                tree.kind[code] = row.values["kind"]
                tree.parent[code] = row.values["parent"]
    return tree


def _check_department_cycles(batch: _ParsedSheet, tree: _Tree, errors: list[RowError]) -> None:
    for row in batch.rows:
        code = row.values["code"]
        path: list[str] = []
        node: str | None = code
        while node is not None and node not in path and len(path) <= len(tree.parent):
            path.append(node)
            node = tree.parent.get(node)
        if node is None or node != code:
            continue  # reaches a root, or joins a loop that does not pass through this row
        message = "上级部门形成循环：" + " → ".join([*path, code])
        if len(path) == 1:
            message = f"部门“{code}”不能是自己的上级部门"
        errors.append(RowError(batch.sheet.name, row.number, "上级部门编码", message))


def _check_grid_subdistricts(batch: _ParsedSheet, tree: _Tree, errors: list[RowError]) -> None:
    labels = dict(DEPARTMENTS.by_header["类型"].choices)
    for row in batch.rows:
        code = row.values["subdistrict"]
        kind = tree.kind.get(code)
        if kind is not None and kind != Department.Kind.SUBDISTRICT:
            message = f"“{code}”的类型是“{labels[kind]}”，所属街道必须是类型为“街道”的部门"
            errors.append(RowError(batch.sheet.name, row.number, "街道编码", message))


def _check_criterion_leads(batch: _ParsedSheet, errors: list[RowError]) -> None:
    for row in batch.rows:
        if row.values.get("lead") == "owner" and not row.values.get("default_department"):
            message = "牵头方式为“属主”时必须填写默认责任部门编码"
            errors.append(RowError(batch.sheet.name, row.number, "默认责任部门编码", message))


def _check_tasks(batch: _ParsedSheet, tree: _Tree, errors: list[RowError]) -> None:
    for row in batch.rows:
        values = row.values
        section, department = values["section"], values["department"]
        if section and section in tree.kind and department in tree.kind:
            # A section is any unit directly under the department: a bureau's 科室, a district's 街道.
            if tree.parent.get(section) != department:
                message = f"“{section}”不是部门“{department}”的下级单位（科室）"
                errors.append(RowError(batch.sheet.name, row.number, "科室编码", message))
        start, due = values["start_date"], values["due_date"]
        if start and due and due < start:
            errors.append(RowError(batch.sheet.name, row.number, "截止日期", "截止日期不能早于开始日期"))


# ---------------------------------------------------------------------------------------------
# What changes, and writing it


@dataclass
class _Plan:
    batch: _ParsedSheet
    creates: list[_Row]
    updates: list[tuple[_Row, list[str]]]  # the row and the keys of the values that change
    unchanged: int

    @property
    def counts(self) -> dict[str, int]:
        return {"created": len(self.creates), "updated": len(self.updates), "unchanged": self.unchanged}

    def changes(self, current: Current) -> list[RowChange]:
        sheet = self.batch.sheet
        result = []
        for row, keys in self.updates:
            key = row.values[sheet.key]
            before = current.rows[key]
            changes = {
                column.header: (_shown(column, before[column.key]), _shown(column, row.values[column.key]))
                for column in (sheet.by_key[key] for key in keys)
            }
            result.append(RowChange(sheet.name, row.number, key, changes))
        return result


def _shown(column: Column, value: Any) -> str:
    cell = column.to_cell(value)
    if cell is None:
        return ""
    return cell.isoformat() if hasattr(cell, "isoformat") else str(cell)


def _plan(batch: _ParsedSheet, current: Current) -> _Plan:
    plan = _Plan(batch, creates=[], updates=[], unchanged=0)
    keys = [column.key for column in batch.columns]
    for row in batch.rows:
        existing = current.rows.get(row.values[batch.sheet.key])
        if existing is None:
            plan.creates.append(row)
            continue
        changed = [key for key in keys if row.values[key] != existing[key]]
        if changed:
            plan.updates.append((row, changed))
        else:
            plan.unchanged += 1
    return plan


class _Writer:
    """Writes the plans in the order of their references: departments (heads last), people, grids,
    places, criteria, tasks. Creations are bulk inserts; changes are ``save()`` calls, so that the
    models with history record them."""

    def __init__(
        self,
        *,
        plans: dict[str, _Plan],
        current: dict[str, Current],
        actor: User | None,
        written: Callable[[int], None],
    ) -> None:
        self.plans = plans
        self.actor = actor
        self.written = written
        self.pks: dict[Ref, dict[str, int]] = {}
        self.current = current

    def write(self) -> None:
        for sheet in SHEETS:
            plan = self.plans.get(sheet.name)
            if plan is None:
                continue
            if sheet is DEPARTMENTS:
                self._write_departments(plan)
            elif sheet is USERS:
                self._write_users(plan)
                self._write_department_heads()
            else:
                self._write_sheet(plan)
            self.written(len(plan.batch.rows))
        if USERS.name not in self.plans:
            self._write_department_heads()

    # Keys of what a row refers to; read after the sheet they belong to has been written.
    def _pk(self, ref: Ref, code: str | None) -> int | None:
        if code is None:
            return None
        if ref not in self.pks:
            model, field_name = {
                Ref.DEPARTMENT: (Department, "code"),
                Ref.USER: (User, "username"),
                Ref.GRID: (Grid, "code"),
                Ref.CAMPAIGN: (Campaign, "code"),
                Ref.TARGET: (Target, "code"),
                Ref.SCHEME: (Scheme, "code"),
                Ref.POINT_TYPE: (PointType, "code"),
                Ref.ITEM: (EvaluationItem, "code"),
                Ref.PLACE: (Place, "code"),
                Ref.CRITERION: (Criterion, "code"),
            }[ref]
            self.pks[ref] = {code: pk for pk, code in model.objects.values_list("pk", field_name)}
        return self.pks[ref][code]

    def _forget(self, ref: Ref) -> None:
        self.pks.pop(ref, None)

    def _field_values(self, sheet: Sheet, values: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        """Model attribute → value for the plain and foreign-key columns among ``keys``."""
        result = {}
        for key in keys:
            column = sheet.by_key[key]
            if column.many or (sheet is DEPARTMENTS and key == "head"):
                continue
            if is_fk(column):
                result[f"{key}_id"] = self._pk(column.ref, values[key])
            else:
                result[key] = values[key]
        return result

    def _many_keys(self, plan: _Plan) -> list[Column]:
        return [column for column in plan.batch.columns if column.many]

    def _mark(self, instance: models.Model) -> models.Model:
        return history_author(instance, actor=self.actor, reason=CHANGE_REASON)

    def _bulk_create(self, model: type[models.Model], instances: list[models.Model]) -> None:
        """Insert new records, each with its history record naming the uploader when the model has a history."""
        if hasattr(model, "history"):
            bulk_create_with_history(
                instances, model, batch_size=BATCH_SIZE, default_user=self.actor, default_change_reason=CHANGE_REASON
            )
        else:
            model.objects.bulk_create(instances, batch_size=BATCH_SIZE)

    def _save_changes(self, sheet: Sheet, instance: models.Model, values: dict[str, Any], changed: list[str]) -> None:
        fields = self._field_values(sheet, values, changed)
        if not fields:
            return
        for name, value in fields.items():
            setattr(instance, name, value)
        names = list(fields)
        if any(field.name == "updated" for field in sheet.model._meta.concrete_fields):
            names.append("updated")  # auto_now, but only saved when named
        self._mark(instance).save(update_fields=names)

    def _write_sheet(self, plan: _Plan) -> None:
        sheet = plan.batch.sheet
        many = self._many_keys(plan)
        extra = {"created_by_id": self.actor.pk if self.actor else None} if sheet is TASKS else {}
        plain, with_members = [], []
        calendar = None
        if sheet is TASKS and plan.creates:
            dates = [row.values["due_date"] for row in plan.creates]
            calendar = WorkingCalendar.spanning(*dates, margin=settings.DUE_SOON_WORKING_DAYS + 1)
        for row in plan.creates:
            instance = sheet.model(**self._field_values(sheet, row.values, row.values), **extra)
            if calendar is not None:  # inserted in bulk, past Task.save(): its clock follows its due date here
                instance.due_at, instance.yellow_at = Task.pledged_clock(instance.due_date, calendar=calendar)
            if any(row.values[column.key] for column in many):
                with_members.append((instance, row))
            else:
                plain.append(instance)
        self._bulk_create(sheet.model, plain)
        # Rows with members are saved one by one, so that their history holds the members too.
        for instance, row in with_members:
            self._mark(instance).save()
            for column in many:
                getattr(instance, column.key).set([self._pk(column.ref, code) for code in row.values[column.key]])
        moved = []  # tasks: where the rollups counted them, and where they count now (campaign.rollups)
        if sheet is TASKS:
            moved += [(None, TaskFacts.of(instance)) for instance in [*plain, *(i for i, _row in with_members)]]
        if plan.updates:
            pks = self.current[sheet.name].pks
            rows = sheet.model.objects.select_for_update() if sheet is TASKS else sheet.model.objects
            instances = rows.in_bulk([pks[row.values[sheet.key]] for row, _ in plan.updates])
            for row, changed in plan.updates:
                instance = instances[pks[row.values[sheet.key]]]
                before = TaskFacts.of(instance) if sheet is TASKS else None
                self._save_changes(sheet, instance, row.values, changed)
                if sheet is TASKS:
                    moved.append((before, TaskFacts.of(instance)))
                    task_target_moved(task_id=instance.pk, before=before.target_id, after=instance.target_id)
                for column in many:
                    if column.key in changed:
                        self._mark(instance)
                        getattr(instance, column.key).set(
                            [self._pk(column.ref, code) for code in row.values[column.key]]
                        )
        tasks_rollups_move(moved)
        if sheet is GRIDS:
            self._forget(Ref.GRID)
        for ref, written in IN_FILE_EVALUATION.items():
            if sheet is written:
                self._forget(ref)

    def _write_departments(self, plan: _Plan) -> None:
        """Create and change departments level by level, so that a parent exists before its children."""
        updates = {row.values["code"]: (row, changed) for row, changed in plan.updates}
        creates = {row.values["code"]: row for row in plan.creates}
        pks = self.current[DEPARTMENTS.name].pks
        for level in _tree_levels([row.values for row in plan.batch.rows]):
            new = [
                Department(**self._field_values(DEPARTMENTS, creates[c].values, creates[c].values))
                for c in level
                if c in creates
            ]
            if new:
                self._bulk_create(Department, new)
                self._forget(Ref.DEPARTMENT)
            changed = [code for code in level if code in updates]
            if changed:
                instances = Department.objects.in_bulk([pks[code] for code in changed])
                for code in changed:
                    row, keys = updates[code]
                    self._save_changes(DEPARTMENTS, instances[pks[code]], row.values, keys)

    def _write_department_heads(self) -> None:
        plan = self.plans.get(DEPARTMENTS.name)
        if plan is None:
            return
        current = self.current[DEPARTMENTS.name].rows
        heads = {
            row.values["code"]: row.values["head"]
            for row in plan.batch.rows
            if "head" in row.values and row.values["head"] != current.get(row.values["code"], {}).get("head")
        }
        if not heads:
            return
        self._forget(Ref.DEPARTMENT)
        instances = Department.objects.in_bulk([self._pk(Ref.DEPARTMENT, code) for code in heads])
        for code, username in heads.items():
            instance = instances[self._pk(Ref.DEPARTMENT, code)]
            instance.head_id = self._pk(Ref.USER, username)
            self._mark(instance).save(update_fields=["head", "updated"])

    def _write_users(self, plan: _Plan) -> None:
        unusable = make_password(None)
        new = []
        for row in plan.creates:
            user = User(**self._field_values(USERS, row.values, row.values), password=unusable)
            new.append(user)
        self._bulk_create(User, new)
        self._forget(Ref.USER)
        pks = self.current[USERS.name].pks
        instances = User.objects.in_bulk([pks[row.values["username"]] for row, _ in plan.updates])
        for row, changed in plan.updates:
            self._save_changes(USERS, instances[pks[row.values["username"]]], row.values, changed)
        if "roles" in {column.key for column in plan.batch.columns}:
            self._write_roles(plan)

    def _write_roles(self, plan: _Plan) -> None:
        groups = {name: Group.objects.get_or_create(name=name)[0].pk for name, _ in USERS.by_header["角色"].choices}
        through = User.groups.through
        current = self.current[USERS.name].rows
        wanted = [(row, ()) for row in plan.creates] + [
            (row, current[row.values["username"]]["roles"]) for row, changed in plan.updates if "roles" in changed
        ]
        additions, removals = [], defaultdict(list)
        for row, before in wanted:
            user_pk = self._pk(Ref.USER, row.values["username"])
            after = row.values["roles"]
            additions += [through(user_id=user_pk, group_id=groups[role]) for role in after if role not in before]
            for role in before:
                if role not in after:
                    removals[groups[role]].append(user_pk)
        through.objects.bulk_create(additions, batch_size=BATCH_SIZE)
        for group_pk, user_pks in removals.items():
            through.objects.filter(group_id=group_pk, user_id__in=user_pks).delete()


def _tree_levels(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The file's department codes by depth inside the file: a parent before its children."""
    parent = {row["code"]: row["parent"] for row in rows}
    levels: dict[int, list[str]] = defaultdict(list)
    for code in parent:
        depth, above = 0, parent[code]
        while above in parent:  # the rows were checked to hold no loop
            depth, above = depth + 1, parent[above]
        levels[depth].append(code)
    return [levels[index] for index in sorted(levels)]
