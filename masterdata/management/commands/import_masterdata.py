from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterdata.services import masterdata_import

COUNT_LABELS = (("created", "新建"), ("updated", "更新"), ("unchanged", "未变"))
CHANGES_SHOWN = 20


class Command(BaseCommand):
    help = "Import master data (departments, people, grids, places, criteria, tasks) from an Excel workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx workbook, in the format of the template")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count the changes; write nothing"
        )

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            stream = file.open("rb")
        except OSError as exc:
            raise CommandError(f"无法打开文件 {file}：{exc.strerror}") from None
        with stream:
            result = masterdata_import(file=stream, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：共 {len(result.errors)} 处错误，未写入任何数据。")
        for sheet, counts in result.counts.items():
            numbers = "，".join(f"{label} {counts[key]}" for key, label in COUNT_LABELS)
            self.stdout.write(f"{sheet}：{numbers}")
        shown = result.changes if options["verbosity"] >= 2 else result.changes[:CHANGES_SHOWN]
        for change in shown:
            self.stdout.write(f"  {change}")
        if len(shown) < len(result.changes):
            self.stdout.write(f"  ……另有 {len(result.changes) - len(shown)} 条更新（加 -v 2 显示全部）")
        if dry_run:
            self.stdout.write("试运行：文件没有错误，未写入任何数据。")
        else:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
