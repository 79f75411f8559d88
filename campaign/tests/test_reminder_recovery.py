"""Reminders survive a broker outage: nothing lost, nothing sent twice.

The run commits even when its deliveries cannot be queued; beat's sweep queues again whatever recent
digests still owe; beat calls the daily run through the day and only the first run of a day counts.
faults/test_redis_outage.py drills the same with real processes and a Redis that stops.
"""

import datetime
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.models import Notification
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from campaign.models import DeliveryAttempt, ReminderDigest
from campaign.reminders import (
    DAILY_RUN,
    DELIVERY_TRIES,
    reminder_deliveries_lost,
    reminder_deliveries_requeue,
    reminder_digest_deliver,
    reminders_send,
    reminders_send_daily,
)
from campaign.tasks import deliver_reminder_digest, requeue_reminder_deliveries, send_reminders
from campaign.tests.factories import CampaignFactory, TaskFactory
from config.celery import app
from core.models import Heartbeat
from core.tasks import heartbeat
from core.tests.chat_robot import chat_robot

D = datetime.date
WEDNESDAY = D(2026, 3, 11)  # an ordinary working day
SHANGHAI = ZoneInfo("Asia/Shanghai")
IDLE = datetime.timedelta(minutes=20)  # longer than REMINDER_REDELIVER_AFTER_SECONDS below


@pytest.fixture
def city(settings):
    """A bureau with a chat robot and its section (which posts to the bureau's robot), a bureau without
    one, and officials with and without an e-mail address, each with a task overdue on Wednesday."""
    settings.DUE_SOON_WORKING_DAYS = 2
    settings.REMINDER_ESCALATE_HEAD_AFTER = "3d"
    settings.REMINDER_ESCALATE_LEADER_AFTER = "7d"
    settings.REMINDER_REDELIVER_AFTER_SECONDS = 15 * 60
    bureau = DepartmentFactory(code="CGJ", name="市城管局", webhook_url="http://127.0.0.1:9/robot")
    section = SectionFactory(code="CGJ-SR", name="市容科", parent=bureau)
    quiet = DepartmentFactory(code="ZJJ", name="市住建局")
    city = SimpleNamespace(
        bureau=bureau,
        zhang=UserFactory(username="zhang", department=bureau, email="zhang@example.com"),
        li=UserFactory(username="li", department=section, email=""),
        wang=UserFactory(username="wang", department=quiet, email="wang@example.com"),
        zhao=UserFactory(username="zhao", department=quiet, email=""),
    )
    campaign = CampaignFactory()
    for person in (city.zhang, city.li, city.wang, city.zhao):
        TaskFactory(campaign=campaign, department=person.department, accountable=person, due_date=D(2026, 3, 10))
    return city


def digest_of(user) -> ReminderDigest:
    return ReminderDigest.objects.get(recipient=user)


# The run, with the broker down -------------------------------------------------------------------


@pytest.mark.django_db
def test_it_commits_the_run_and_logs_the_deliveries_it_could_not_queue(
    city, broker_down, django_capture_on_commit_callbacks, logged
):
    log = logged("campaign.reminders")
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        run = reminders_send(today=WEDNESDAY)

    assert len(enqueued) == 1
    assert run.digests == 4
    assert Notification.objects.count() == 4  # every inbox has its digest
    assert not DeliveryAttempt.objects.exclude(channel="inbox").exists()
    # E-mail for zhang and wang, the robot for zhang and li: one refusal stops the loop, all four are named.
    assert any("Could not queue 4 of 4 reminder deliveries, the broker is unavailable" in m for m in log)


# The sweep ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_finds_what_recent_digests_still_owe_once_nothing_has_happened_for_a_while(city):
    reminders_send(today=WEDNESDAY)
    now = timezone.now()

    assert reminder_deliveries_lost(now=now) == []  # the first messages may still be on their way
    assert reminder_deliveries_lost(now=now + IDLE) == sorted(
        [
            (digest_of(city.zhang).pk, "email"),
            (digest_of(city.zhang).pk, "webhook"),
            (digest_of(city.li).pk, "webhook"),  # the section's digest goes to its bureau's robot
            (digest_of(city.wang).pk, "email"),
        ]
    )
    assert reminder_deliveries_lost(now=now + datetime.timedelta(days=3)) == []  # too old to be worth sending


@pytest.mark.django_db
def test_it_leaves_out_what_was_delivered_what_is_being_retried_and_what_failed_too_often(city):
    reminders_send(today=WEDNESDAY)
    zhang, li, wang = digest_of(city.zhang), digest_of(city.li), digest_of(city.wang)
    DeliveryAttempt.objects.create(digest=zhang, channel="email", attempt=1, succeeded=True)
    DeliveryAttempt.objects.create(digest=zhang, channel="webhook", attempt=1, succeeded=False, error="timeout")
    DeliveryAttempt.objects.bulk_create(
        [DeliveryAttempt(digest=li, channel="webhook", attempt=n, succeeded=False) for n in range(1, 7)]
    )
    ReminderDigest.objects.update(created=timezone.now() - IDLE)  # the run was twenty minutes ago

    assert DELIVERY_TRIES == 6
    # Zhang's failed post is waiting for its retry (it failed just now), li's robot failed six times.
    assert reminder_deliveries_lost() == [(wang.pk, "email")]
    DeliveryAttempt.objects.filter(digest=zhang, channel="webhook").update(created=timezone.now() - IDLE)
    assert reminder_deliveries_lost() == sorted([(zhang.pk, "webhook"), (wang.pk, "email")])


@pytest.mark.django_db
def test_it_does_not_try_a_channel_again_after_six_failures(city, mailoutbox):
    reminders_send(today=WEDNESDAY)
    wang = digest_of(city.wang)
    DeliveryAttempt.objects.bulk_create(
        [DeliveryAttempt(digest=wang, channel="email", attempt=n, succeeded=False) for n in range(1, 7)]
    )

    assert reminder_digest_deliver(digest_id=wang.pk, channel="email") is None
    assert mailoutbox == []
    assert wang.attempts.filter(channel="email").count() == 6


@pytest.fixture
def robot():
    """A chat robot on 127.0.0.1 that accepts every post."""
    with chat_robot() as robot:
        yield robot


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_delivery_queued_by_the_run_and_again_by_the_sweep_once(city, robot, settings):
    settings.REMINDER_REDELIVER_AFTER_SECONDS = 60
    city.bureau.webhook_url = robot.url("/robot")
    city.bureau.save()
    reminders_send(today=WEDNESDAY)  # queues its four deliveries; no worker has taken them yet
    # As if those messages had waited long enough to look lost: the sweep queues all four again.
    ReminderDigest.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))

    assert reminder_deliveries_requeue() == 4
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # The queue is first in, first out: once this has run, all eight deliveries have too.
        assert heartbeat.delay().get(timeout=30) == "ok"

    assert sorted(message.to[0] for message in mail.outbox) == ["wang@example.com", "zhang@example.com"]
    assert len(robot.received) == 2  # zhang's and li's digests, to the bureau's robot
    assert set(DeliveryAttempt.objects.exclude(channel="inbox").values_list("channel", "succeeded")) == {
        ("email", True),
        ("webhook", True),
    }
    assert DeliveryAttempt.objects.exclude(channel="inbox").count() == 4
    assert reminder_deliveries_requeue() == 0


@pytest.mark.django_db(transaction=True)
def test_it_queues_nothing_when_nothing_is_owed():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert requeue_reminder_deliveries.delay().get(timeout=30) == 0


# The daily run, called again through the day ----------------------------------------------------


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_it_runs_the_day_once_however_often_beat_calls(city):
    late_comer = TaskFactory(department=city.bureau, accountable=city.zhang, due_date=D(2026, 3, 20))

    missed_at_0830 = reminders_send_daily(now=at(WEDNESDAY, 9))  # the first call that reached a worker
    late_comer.due_date = D(2026, 3, 13)  # due soon from now on
    late_comer.save()
    again = reminders_send_daily(now=at(WEDNESDAY, 10))
    next_day = reminders_send_daily(now=at(WEDNESDAY + datetime.timedelta(days=1), 8))

    assert missed_at_0830.digests == 4
    assert again is None  # nothing new that day, even what became due since
    assert (next_day.digests, next_day.by_step) == (1, {"due_soon": 1})
    assert Heartbeat.objects.get(name=DAILY_RUN).beat_at == at(WEDNESDAY + datetime.timedelta(days=1), 8)


@pytest.mark.django_db
def test_it_tells_beat_when_the_day_has_already_run():
    first = send_reminders.apply().get()
    second = send_reminders.apply().get()

    assert first["date"] == timezone.localdate().isoformat()
    assert second == {"date": first["date"], "skipped": True, "already_run": True}
    # A date given by hand always runs.
    assert send_reminders.apply(args=(first["date"],)).get()["date"] == first["date"]


def test_it_calls_the_run_through_the_working_day_and_sweeps_more_often_than_it_redelivers(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    catch_up = schedule["send-reminders-catch-up"]
    sweep = schedule["requeue-reminder-deliveries"]

    assert catch_up["task"] == schedule["send-reminders"]["task"] == send_reminders.name
    assert min(catch_up["schedule"].hour) == 9
    assert max(catch_up["schedule"].hour) == 17
    assert sweep["task"] == requeue_reminder_deliveries.name
    assert sweep["schedule"].total_seconds() == settings.REMINDER_REDELIVER_AFTER_SECONDS // 3
    # A delivery waiting for its retry is never taken for lost.
    assert settings.REMINDER_REDELIVER_AFTER_SECONDS > deliver_reminder_digest.retry_backoff_max
    assert deliver_reminder_digest.max_retries == DELIVERY_TRIES - 1


def test_it_is_quick_to_give_up_on_a_broker_that_is_down(broker_down):
    started = time.monotonic()
    with pytest.raises(Exception, match="Connection refused"):
        deliver_reminder_digest.apply_async((1, "email"), ignore_result=True)
    assert time.monotonic() - started < 10
