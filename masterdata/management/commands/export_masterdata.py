from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterdata.services import masterdata_export


class Command(BaseCommand):
    help = "Export the master data to an Excel workbook in the import format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the .xlsx workbook to write")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            with file.open("wb") as stream:
                masterdata_export(stream=stream)
        except OSError as exc:
            raise CommandError(f"无法写入文件 {file}：{exc.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"已导出到 {file}"))
