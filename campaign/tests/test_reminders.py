import contextlib
import datetime
import io
import threading
import time
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from accounts.tests.factories import DepartmentFactory, UserFactory
from campaign.models import DeliveryAttempt, Reminder, ReminderDigest, Task
from campaign.reminders import reminder_candidates, reminder_digest_deliver, reminder_ladder, reminders_send
from campaign.tasks import deliver_reminder_digest, send_reminders
from campaign.tests.factories import CampaignFactory, TaskFactory
from config.celery import app
from core.tests.chat_robot import chat_robot
from core.working_time import add_working_days
from grids.tests.factories import GridFactory, PlaceFactory

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
# An ordinary working week: Monday 9 to Friday 13 March 2026.
WEDNESDAY = D(2026, 3, 11)


@contextlib.contextmanager
def time_travel(moment: datetime.datetime):
    """The services' now, for the steps taken inside."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def evening(day: datetime.date) -> datetime.datetime:
    """After the close of the office on ``day``: a clock red since the start of a working day has been red
    for all of it. (A day's run reads the clocks at the opening of the office.)"""
    return datetime.datetime.combine(day, datetime.time(18, 0), tzinfo=SHANGHAI)


@pytest.fixture
def city(settings):
    """A bureau with its head and an accountable official, a campaign leader and a grid leader.

    No roles: the transactional tests flush the groups that migrations create."""
    settings.DUE_SOON_WORKING_DAYS = 2
    settings.REMINDER_ESCALATE_HEAD_AFTER = "3d"
    settings.REMINDER_ESCALATE_LEADER_AFTER = "7d"
    department = DepartmentFactory(code="CGJ", name="市城管局")
    department.head = UserFactory(username="head", last_name="王", first_name="局长", department=department)
    department.save()
    return SimpleNamespace(
        department=department,
        head=department.head,
        zhang=UserFactory(username="zhang", last_name="张", first_name="伟", department=department),
        campaign=CampaignFactory(leader=UserFactory(username="campaign-leader", department=None)),
        grid=GridFactory(leader=UserFactory(username="grid-leader", department=None)),
    )


def task(city, code: str, due: datetime.date, *, grid=None, **fields) -> Task:
    fields.setdefault("accountable", city.zhang)
    made = TaskFactory(code=code, campaign=city.campaign, department=city.department, due_date=due, **fields)
    if grid is not None:
        made.grids.add(grid)
    return made


def claimed(run) -> set[tuple[str, str, str, int]]:
    """What a run claimed: (task code, step, recipient, working days left)."""
    return set(
        Reminder.objects.filter(run_token=run.token).values_list(
            "task__code", "step", "recipient__username", "days_left"
        )
    )


# The ladder ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_climbs_the_ladder_in_working_days(city):
    task(city, "SOON", D(2026, 3, 13))  # Friday: 2 working days left
    task(city, "LATER", D(2026, 3, 16))  # Monday: 3 working days left, not yet due soon
    task(city, "TODAY", WEDNESDAY)  # due today: due soon, with no working day left
    task(city, "NOBODY", D(2026, 3, 12), accountable=None)  # no accountable person: the head hears
    task(city, "LATE1", D(2026, 3, 10))
    task(city, "LATE2", D(2026, 3, 9))
    task(city, "LATE3", D(2026, 3, 6))  # Friday: Mon, Tue, Wed overdue
    task(city, "LATE6", D(2026, 3, 3))
    task(city, "LATE7", D(2026, 3, 2), grid=city.grid)
    task(city, "LATE7-NO-GRID", D(2026, 3, 2))
    task(city, "DONE", D(2026, 3, 2), status=Task.Status.DONE, completed_at=datetime.datetime.now(datetime.UTC))

    run = reminders_send(today=WEDNESDAY, now=evening(WEDNESDAY))

    assert claimed(run) == {
        ("SOON", "due_soon", "zhang", 2),
        ("TODAY", "due_soon", "zhang", 0),
        ("NOBODY", "due_soon", "head", 1),
        ("LATE1", "overdue", "zhang", -1),
        ("LATE2", "overdue", "zhang", -2),
        ("LATE3", "overdue", "zhang", -3),
        ("LATE3", "escalated_head", "head", -3),
        ("LATE6", "overdue", "zhang", -6),
        ("LATE6", "escalated_head", "head", -6),
        ("LATE7", "overdue", "zhang", -7),
        ("LATE7", "escalated_head", "head", -7),
        ("LATE7", "escalated_leader", "grid-leader", -7),
        ("LATE7-NO-GRID", "overdue", "zhang", -7),
        ("LATE7-NO-GRID", "escalated_head", "head", -7),
        ("LATE7-NO-GRID", "escalated_leader", "campaign-leader", -7),
    }
    assert run.by_step == {"due_soon": 3, "overdue": 6, "escalated_head": 4, "escalated_leader": 2}


@pytest.mark.django_db
def test_it_counts_across_the_spring_festival_and_its_make_up_saturdays(city):
    # 2026: holiday 15–23 February; Saturdays 14 and 28 February are working days (调休).
    task(city, "F12", D(2026, 2, 12))
    task(city, "F13", D(2026, 2, 13))
    task(city, "F24", D(2026, 2, 24))
    task(city, "F25", D(2026, 2, 25))
    task(city, "F27", D(2026, 2, 27))

    friday = reminders_send(today=D(2026, 2, 13), now=evening(D(2026, 2, 13)))
    # Two working days after the 13th are the make-up Saturday and the 24th.
    assert claimed(friday) == {
        ("F12", "overdue", "zhang", -1),
        ("F13", "due_soon", "zhang", 0),
        ("F24", "due_soon", "zhang", 2),
    }

    make_up_saturday = reminders_send(today=D(2026, 2, 14), now=evening(D(2026, 2, 14)))
    assert not make_up_saturday.skipped
    assert claimed(make_up_saturday) == {("F13", "overdue", "zhang", -1), ("F25", "due_soon", "zhang", 2)}

    holiday = reminders_send(today=D(2026, 2, 16))
    assert holiday.skipped
    assert holiday.reminders == 0

    # Eleven calendar days (seven weekdays) after the 13th, but only two working days: no escalation yet.
    after_the_holiday = reminders_send(today=D(2026, 2, 24), now=evening(D(2026, 2, 24)))
    assert claimed(after_the_holiday) == {("F12", "escalated_head", "head", -3)}

    # The 28th is a make-up Saturday, so on Monday 2 March the 27th is two working days overdue.
    monday = reminders_send(today=D(2026, 3, 2), now=evening(D(2026, 3, 2)))
    assert claimed(monday) == {
        ("F27", "overdue", "zhang", -2),
        ("F24", "overdue", "zhang", -5),
        ("F24", "escalated_head", "head", -5),
        ("F25", "overdue", "zhang", -4),
        ("F25", "escalated_head", "head", -4),
        ("F13", "escalated_head", "head", -7),
        ("F13", "escalated_leader", "campaign-leader", -7),
        ("F12", "escalated_leader", "campaign-leader", -8),
    }


@pytest.mark.django_db
def test_it_sends_one_digest_per_recipient_and_nothing_twice(city):
    task(city, "SOON", D(2026, 3, 13))
    task(city, "LATE1", D(2026, 3, 10))
    task(city, "LATE2", D(2026, 3, 9))
    task(city, "LATE3", D(2026, 3, 6))

    first = reminders_send(today=WEDNESDAY, now=evening(WEDNESDAY))

    assert first.digests == 2
    assert first.by_step == {"due_soon": 1, "overdue": 3, "escalated_head": 1}
    zhang = Notification.objects.get(recipient=city.zhang)
    assert all(code in zhang.body for code in ("SOON", "LATE1", "LATE2", "LATE3"))
    assert "督办提醒" in zhang.title
    assert "4 项任务" in zhang.title
    head = Notification.objects.get(recipient=city.head)
    assert "LATE3" in head.body
    assert "SOON" not in head.body
    assert ReminderDigest.objects.get(recipient=city.zhang).items == 4
    assert not Reminder.objects.filter(digest=None).exists()
    assert DeliveryAttempt.objects.filter(channel="inbox", succeeded=True).count() == 2

    again = reminders_send(today=WEDNESDAY, now=evening(WEDNESDAY))
    assert (again.digests, again.reminders) == (0, 0)
    assert Notification.objects.count() == 2

    # Next day: nothing is repeated at a step already reached; LATE2 has now climbed to the head.
    thursday = reminders_send(today=D(2026, 3, 12), now=evening(D(2026, 3, 12)))
    assert claimed(thursday) == {("LATE2", "escalated_head", "head", -3)}
    assert Notification.objects.filter(recipient=city.zhang).count() == 1
    assert Notification.objects.filter(recipient=city.head).count() == 2


@pytest.mark.django_db
def test_it_takes_a_rectification_task_from_an_issue_up_the_ladder(city):
    from inspections.services import issue_file
    from inspections.tests.factories import CriterionFactory

    place = PlaceFactory(assigned_department=city.department, grid=city.grid)
    issue = issue_file(
        reporter=UserFactory(username="inspector", department=None),
        place=place,
        criterion=CriterionFactory(rectify_limit="3d"),
        description="路边有暴露垃圾",
        campaign=city.campaign,
    )
    rectification = issue.rectification_task
    assert rectification.kind == Task.Kind.RECTIFICATION
    assert rectification.accountable == city.head

    seventh = add_working_days(rectification.due_date, 7)
    run = reminders_send(today=seventh, now=evening(seventh))

    code = rectification.code
    assert claimed(run) == {
        (code, "overdue", "head", -7),
        (code, "escalated_head", "head", -7),
        (code, "escalated_leader", "grid-leader", -7),
    }
    assert "[整改]" in Notification.objects.get(recipient=city.head, title__contains="督办提醒").body


@pytest.mark.django_db
def test_it_warns_on_yellow_and_escalates_a_rectification_after_hours_of_red_in_working_time(city, settings):
    from inspections.services import issue_file, suspension_decide, suspension_request
    from inspections.tests.factories import CriterionFactory

    settings.REMINDER_ESCALATE_HEAD_AFTER = "2h"
    settings.REMINDER_ESCALATE_LEADER_AFTER = "1d"
    place = PlaceFactory(assigned_department=city.department, grid=city.grid)
    inspector = UserFactory(username="inspector", department=None)
    friday = datetime.datetime(2026, 3, 6, 16, 0, tzinfo=SHANGHAI)
    with time_travel(friday):
        issue = issue_file(
            reporter=inspector,
            place=place,
            criterion=CriterionFactory(rectify_limit="4h"),
            description="路边有暴露垃圾",
            campaign=city.campaign,
        )
    code = issue.rectification_task.code
    # Four office hours from Friday 16:00: due Monday 11:00, yellow from 10:12.
    assert issue.deadline == datetime.datetime(2026, 3, 9, 11, 0, tzinfo=SHANGHAI)

    def run(moment: str) -> set:
        now = datetime.datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)
        return {(step, person) for task, step, person, _days in claimed(reminders_send(today=now.date(), now=now))}

    assert run("2026-03-09 10:00") == set()  # still green
    assert run("2026-03-09 10:30") == {("due_soon", "head")}
    assert run("2026-03-09 12:00") == {("overdue", "head")}
    assert run("2026-03-09 14:00") == set()  # red for an office hour: lunch does not count
    assert run("2026-03-09 14:40") == {("escalated_head", "head")}
    assert run("2026-03-10 17:00") == set()
    # A working day of red: to the close of the office on the working day after the one it turned red.
    assert run("2026-03-10 17:40") == {("escalated_leader", "grid-leader")}
    assert Reminder.objects.filter(task__code=code).count() == 4

    # A suspended clock is nobody's lateness: nothing more is owed while it stands still.
    with time_travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)):
        other = issue_file(
            reporter=inspector,
            place=place,
            criterion=CriterionFactory(rectify_limit="1h"),
            description="井盖缺失",
            campaign=city.campaign,
        )
        asked = suspension_request(issue=other, actor=city.head, reason="等待法院判决")
        suspension_decide(suspension=asked, actor=UserFactory(username="boss", department=None), approve=True)
    assert not Reminder.objects.filter(task__code=other.rectification_task.code).exists()
    run("2026-03-11 10:00")
    assert not Reminder.objects.filter(task__code=other.rectification_task.code).exists()


@pytest.mark.django_db
def test_it_prints_what_the_command_sent(city):
    task(city, "LATE3", D(2026, 3, 6))
    out = io.StringIO()

    call_command("send_reminders", "--date", "2026-03-11", stdout=out)
    call_command("send_reminders", "--date", "2026-03-11", stdout=out)
    call_command("send_reminders", "--date", "2026-03-14", stdout=out)

    lines = out.getvalue()
    # Read at the opening of the office on Wednesday, LATE3 has been red for two working days: not yet three.
    assert "2026-03-11: 1 digests, 1 reminders sent." in lines
    assert "2026-03-11: 0 digests, 0 reminders sent." in lines
    assert "2026-03-14 is not a working day" in lines


# Cost ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_runs_in_the_same_number_of_queries_for_5_or_50_tasks(city):
    def queries_of_a_run_with(count: int, start: int) -> int:
        for number in range(start, start + count):
            task(city, f"N{number:03d}", D(2026, 3, 2), grid=city.grid)  # every step but due soon
        with CaptureQueriesContext(connection) as queries:
            run = reminders_send(today=WEDNESDAY, now=evening(WEDNESDAY))
        assert run.reminders == count * 3
        return len(queries)

    few = queries_of_a_run_with(5, 0)
    many = queries_of_a_run_with(50, 5)

    # At most one more INSERT batch: SQLite takes 142 reminder rows per statement, PostgreSQL 500.
    assert few <= many <= few + 1
    assert many <= 16


# Delivery ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_the_email_in_chinese_text_and_html(city, mailoutbox):
    city.zhang.email = "zhang@example.com"
    city.zhang.save()
    task(city, "SOON", D(2026, 3, 13), title="背街小巷环境整治")
    task(city, "LATE3", D(2026, 3, 6), title="占道经营清理")
    reminders_send(today=WEDNESDAY)
    digest = ReminderDigest.objects.get(recipient=city.zhang)

    reminder_digest_deliver(digest_id=digest.pk, channel="email")
    assert reminder_digest_deliver(digest_id=digest.pk, channel="email") is None  # never twice

    (email,) = mailoutbox
    assert email.to == ["zhang@example.com"]
    assert email.subject == "【督办提醒】3月11日：2 项任务需要您关注（其中逾期 1 项）"
    assert "张伟，您好" in email.body
    assert "已逾期\n- LATE3 占道经营清理" in email.body.replace("】", "")
    assert "已逾期 3 个工作日" in email.body
    assert "剩余 2 个工作日" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<table" in html
    assert "背街小巷环境整治" in html
    assert "逾期 3 个工作日" in html
    assert list(digest.attempts.values_list("channel", "attempt", "succeeded")) == [
        ("email", 1, True),
        ("inbox", 1, True),
    ]


@pytest.fixture
def robot():
    """A chat robot on 127.0.0.1 that fails the first message with a 500 and accepts the rest."""
    with chat_robot(refuse_first=1) as robot:
        yield robot


@pytest.mark.django_db
def test_it_retries_a_failed_webhook_and_records_every_attempt_without_a_duplicate(
    city, robot, django_capture_on_commit_callbacks
):
    city.department.webhook_url = robot.url()
    city.department.save()
    task(city, "LATE1", D(2026, 3, 10), title="占道经营清理")
    with django_capture_on_commit_callbacks() as enqueued:
        reminders_send(today=WEDNESDAY)
    assert len(enqueued) == 1
    digest = ReminderDigest.objects.get(recipient=city.zhang)

    result = deliver_reminder_digest.apply(args=(digest.pk, "webhook"))

    assert result.get() == "sent"
    assert [(a.attempt, a.succeeded) for a in digest.attempts.filter(channel="webhook")] == [(1, False), (2, True)]
    assert "500" in digest.attempts.get(channel="webhook", attempt=1).error
    assert len(robot.received) == 2  # the refused one and the accepted one
    message = robot.received[-1]
    assert message["msgtype"] == "markdown"
    assert "LATE1 占道经营清理" in message["markdown"]["content"]
    assert "逾期 1 个工作日" in message["markdown"]["content"]

    # A redelivered message, and a second run the same day, send nothing more.
    assert deliver_reminder_digest.apply(args=(digest.pk, "webhook")).get() == "nothing to do"
    assert reminders_send(today=WEDNESDAY).digests == 0
    assert len(robot.received) == 2
    assert digest.attempts.filter(channel="webhook").count() == 2


def test_it_is_scheduled_by_beat_and_retries_within_the_brokers_visibility_timeout(settings):
    assert settings.CELERY_BEAT_SCHEDULE["send-reminders"]["task"] == send_reminders.name
    assert send_reminders.acks_late
    assert deliver_reminder_digest.acks_late
    assert deliver_reminder_digest.max_retries == 5
    # A countdown longer than Redis' visibility timeout (1 h unless configured) would deliver the message twice.
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 60 * 60)
    assert deliver_reminder_digest.retry_backoff_max < visibility_timeout


# Real workers and real PostgreSQL -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_sends_reminders_end_to_end_through_a_real_worker(city, mailoutbox):
    city.zhang.email = "zhang@example.com"
    city.zhang.save()
    task(city, "LATE1", D(2026, 3, 10), title="占道经营清理")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = send_reminders.delay(WEDNESDAY.isoformat()).get(timeout=30)
        deadline = time.monotonic() + 30
        while not DeliveryAttempt.objects.filter(channel="email", succeeded=True).exists():
            assert time.monotonic() < deadline, "the e-mail was not delivered"
            time.sleep(0.2)

    assert (result["digests"], result["by_step"]) == (1, {"overdue": 1})
    assert Notification.objects.get(recipient=city.zhang).body.count("LATE1") == 1
    (email,) = mail.outbox
    assert email.to == ["zhang@example.com"]
    assert "LATE1 占道经营清理" in email.body


@pytest.mark.django_db(transaction=True)
def test_it_sends_nothing_twice_when_two_runs_race_on_postgresql(postgres, city):
    for number in range(30):
        task(city, f"R{number:02d}", D(2026, 3, 2) + datetime.timedelta(days=number % 14), grid=city.grid)
    owed = reminder_candidates(ladder=reminder_ladder(today=WEDNESDAY))
    start = threading.Barrier(2)
    runs, errors = [], []

    def run() -> None:
        try:
            start.wait(timeout=10)
            runs.append(reminders_send(today=WEDNESDAY))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(runs) == 2
    assert sum(run.reminders for run in runs) == len(owed) == Reminder.objects.count()
    assert set(Reminder.objects.values_list("task_id", "step", "recipient_id")) == {
        (candidate.task_id, candidate.step, candidate.recipient_id) for candidate in owed
    }
    recipients = {candidate.recipient_id for candidate in owed}
    assert Notification.objects.count() == len(recipients) == sum(run.digests for run in runs)
    assert not Reminder.objects.filter(digest=None).exists()
