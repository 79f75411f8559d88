"""``manage.py load_demo [--reset] [--today YYYY-MM-DD]``: load the Liaocheng 2018 campaign demo."""

import datetime
import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from demo.credentials import demo_passwords_randomize
from demo.data import PASSWORD
from demo.services import demo_is_loaded, demo_load

LABELS = {
    "departments": "部门 departments",
    "users": "用户 users",
    "campaigns": "创建活动 campaigns",
    "pledges": "表态发言 pledges",
    "targets": "目标 targets",
    "grids": "网格 grids",
    "places": "点位 places",
    "tasks": "任务 tasks",
    "progress_reports": "进度填报 progress reports",
    "criteria": "测评标准 criteria",
    "inspections": "督查检查 inspections",
    "issues": "问题 issues",
    "issue_events": "问题流转记录 issue events",
    "extension_requests": "延期申请 extension requests",
}


class Command(BaseCommand):
    help = "Load the Liaocheng 2018 campaign demo (聊城市2018年创城、创卫复审演示数据); a second run changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reset", action="store_true", help="Remove the demo data first, then load it again.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load (or --reset) with DEBUG off, e.g. on a training server; the demo sign-ins then get random "
            "passwords, shown once.",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Date the activity as if today were YYYY-MM-DD (e.g. 2018-04-16, when the 2018 targets were still "
            "ahead); default: today.",
        )

    def handle(self, *args, reset: bool = False, today: datetime.date | None = None, **options) -> None:
        production = not settings.DEBUG
        if production and not options.get("force"):
            # A demo on a production database mixes invented work into real figures, its rows are found by
            # their codes, and its published password would open its accounts.
            raise CommandError(
                "DEBUG is off: this looks like a production installation. The demo adds invented departments, "
                "people and work, and --reset deletes rows by their demo codes. Run it with --force only on a "
                "training or demonstration server; its sign-ins then get random passwords."
            )
        already = not reset and demo_is_loaded()
        started = time.monotonic()
        try:
            counts = demo_load(reset=reset, today=today)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        passwords = demo_passwords_randomize() if production and not already else {}
        if already:
            self.stdout.write("演示数据已存在，未做更改。The demo is already loaded; use --reset to reload it.")
        else:
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"已加载演示数据。Demo loaded in {elapsed:.1f} s."))
        width = max(map(_width, LABELS.values()))
        for key, count in counts.items():
            label = LABELS.get(key, key)
            self.stdout.write(f"  {label}{' ' * (width - _width(label))}  {count:>5}")
        if passwords:
            self.stdout.write("登录 Sign in with these passwords, shown only this once:")
            for username, password in passwords.items():
                self.stdout.write(f"  {username:<10} {password}")
            self.stdout.write(
                "其他演示账号须由管理员设置密码后才能登录。Other demo accounts need a password set by an administrator."
            )
        elif not production:
            self.stdout.write(f"登录 Sign in as admin, leader, inspector or staff; 密码 password: {PASSWORD}")


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
