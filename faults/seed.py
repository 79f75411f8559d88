"""The data of each drill, loaded into its private database by the product's own code and factories.
Nobody signs in with a password (sessions are made here), so none is hashed: that would take seconds.

    python -m faults.seed <scenario> '<options as JSON>'

runs with the drill's environment (DATABASE_URL of the private cluster) and prints what it made as one
line of JSON: always a leader's session and API token, and the scenario's own figures.
"""

import datetime
import json
import sys

import django


def leader() -> dict:
    """A leader signed in (a session made as django.contrib.auth.login makes it) and with an API token."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.tests.factories import UserFactory

    user = UserFactory(username="drill-leader", role=Role.LEADER, department=None, email="", password=None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.UserBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "token": Token.objects.create(user=user).key}


def reminders(*, robot: str, officials: int = 30) -> dict:
    """Officials with tasks overdue and due soon on the latest working day, in a bureau with a chat robot, in
    its section (which posts to the bureau's robot) and in a bureau without one; a few have no e-mail."""
    from django.utils import timezone

    from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
    from campaign.tests.factories import CampaignFactory, TaskFactory
    from core.working_time import WorkingCalendar

    today = timezone.localdate()
    calendar = WorkingCalendar(today - datetime.timedelta(days=60), today + datetime.timedelta(days=60))
    day = today
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)

    with_robot = DepartmentFactory(code="CGJ", name="市城管局", webhook_url=f"{robot}/CGJ")
    section = SectionFactory(code="CGJ-SR", name="市容科", parent=with_robot)
    without_robot = DepartmentFactory(code="ZJJ", name="市住建局")
    for department in (with_robot, without_robot):
        department.head = UserFactory(
            username=f"head-{department.code}",
            department=department,
            email=f"head-{department.code}@drill.example",
            password=None,
        )
        department.save()
    campaign = CampaignFactory(leader=UserFactory(username="campaign-leader", department=None, password=None))
    departments = (with_robot, section, without_robot)
    for number in range(officials):
        official = UserFactory(
            username=f"official{number}",
            department=departments[number % 3],
            email="" if number % 7 == 6 else f"official{number}@drill.example",
            password=None,
        )
        for due in (calendar.subtract_working_days(day, 1 + number % 5), calendar.add_working_days(day, 1)):
            TaskFactory(campaign=campaign, department=official.department, accountable=official, due_date=due)
    return {"date": day.isoformat()}


def workbook(*, tasks: int) -> dict:
    """Enough overdue tasks that the weekly workbook takes seconds to write, inserted in batches."""
    from django.utils import timezone

    from accounts.tests.factories import DepartmentFactory, UserFactory
    from campaign.models import Task
    from campaign.tests.factories import CampaignFactory
    from core.rollups import rollups_rebuild
    from core.working_time import end_of_day

    today = timezone.localdate()
    campaign = CampaignFactory()
    departments = [DepartmentFactory(code=f"W{number:02d}", name=f"第{number}局") for number in range(20)]
    people = [
        UserFactory(username=f"owner{number}", department=departments[number], password=None) for number in range(20)
    ]
    Task.objects.bulk_create(
        [
            Task(
                campaign=campaign,
                code=f"W{number:06d}",
                title=f"背街小巷整治第{number}批",
                department=departments[number % 20],
                accountable=people[number % 20],
                due_date=today - datetime.timedelta(days=1 + number % 60),
                # Inserted in bulk, past Task.save(): the clock a due date gives is set here.
                due_at=end_of_day(today - datetime.timedelta(days=1 + number % 60)),
                yellow_at=end_of_day(today - datetime.timedelta(days=8 + number % 60)),
            )
            for number in range(tasks)
        ],
        batch_size=2000,
    )
    rollups_rebuild()  # inserted past the services that keep the rollups
    return {"tasks": tasks}


SCENARIOS = {"leader": lambda: {}, "reminders": reminders, "workbook": workbook}


def main(scenario: str, options: str) -> None:
    django.setup()
    from django.db import transaction

    with transaction.atomic():
        made = {**leader(), **SCENARIOS[scenario](**json.loads(options or "{}"))}
    sys.stdout.write(json.dumps(made) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}")
