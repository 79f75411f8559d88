import datetime

import pytest
from django.utils import timezone

from core.working_time import WorkingCalendar, office_working_time
from demo.services import demo_load
from evaluation.models import Observation, Round, Sheet
from evaluation.selectors import round_scores, round_summary
from inspections.models import Issue, Stage
from reports.selectors import overdue_tasks_stream, week_open_issues

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_march_round_and_one_in_progress_for_the_inspector():
    demo_load(today=datetime.date(2018, 4, 16))
    closed = Round.objects.get(code="LC-PC-2018-03")

    assert (closed.status, closed.start_date.month, closed.start_date.year) == ("closed", 3, 2018)
    assert closed.points.count() >= 80
    assert len(round_scores(round_=closed, by="type")) >= 12
    assert 65 <= round_summary(round_=closed)["score_rate"] <= 85
    rates = {row["score_rate"] for row in round_scores(round_=closed, by="street")}
    assert len(rates) > 1
    failures = closed.observations.filter(result="fail")
    assert (
        failures.count() == Issue.objects.filter(source=Issue.Source.EVALUATION, inspection=closed.inspection).count()
    )
    assert not failures.filter(issue__isnull=True).exists()

    running = Round.objects.get(status=Round.Status.IN_PROGRESS, code__startswith="LC-PC-")
    assert running.teams.filter(members__username="inspector").exists()
    assert running.start_date <= datetime.date(2018, 4, 16) <= running.end_date
    assert running.points.filter(team__members__username="inspector").exists()


def test_the_march_round_keeps_march_2018_dates_whatever_day_the_demo_is_loaded():
    today = datetime.date(2031, 6, 16)  # a Monday long after the campaign
    demo_load(today=today)
    closed = Round.objects.get(code="LC-PC-2018-03")
    window = (closed.start_date, closed.end_date)
    assert window == (datetime.date(2018, 3, 19), datetime.date(2018, 3, 23))

    # The round's record: planned, drawn, started and closed around its window, by the evaluation office.
    record = {record.history_change_reason: record for record in closed.history.all()}
    assert {reason: local_day(record.history_date) for reason, record in record.items()} == {
        "planned": datetime.date(2018, 3, 12),
        "drawn": datetime.date(2018, 3, 16),
        "started": datetime.date(2018, 3, 19),
        "closed": datetime.date(2018, 3, 23),
    }
    assert {record.history_user.username for record in record.values()} == {"leader"}
    assert local_day(closed.sampled_at) == datetime.date(2018, 3, 16)
    assert local_day(closed.closed_at) == datetime.date(2018, 3, 23)

    # Every sheet observed and sent on a day of the window, in office hours.
    sheets = Sheet.objects.filter(round_point__round=closed)
    assert sheets.count() == closed.points.count()
    for sheet in sheets:
        assert window[0] <= local_day(sheet.observed_at) <= window[1]
        assert sheet.observed_at < sheet.submitted_at <= sheet.observed_at + datetime.timedelta(hours=1)

    # Each failure filed when its sheet was sent, by who observed it, and dispatched at once, as the sheet's
    # submission does; then rectified and verified that spring, step after step, each on a working day.
    failures = Observation.objects.filter(round=closed, result="fail").select_related("sheet", "issue__criterion")
    calendar = WorkingCalendar(datetime.date(2018, 3, 1), datetime.date(2018, 5, 31))
    working_time = office_working_time(calendar=calendar)
    for failure in failures:
        issue = failure.issue
        assert (issue.reported_at, issue.dispatched_at) == (failure.sheet.submitted_at, failure.sheet.submitted_at)
        assert issue.reported_by == failure.sheet.observed_by
        assert issue.status == Issue.Status.CLOSED
        assert issue.closed_at < datetime.datetime(2018, 4, 15, tzinfo=datetime.UTC)
        events = list(issue.events.order_by("pk"))
        assert [event.action for event in events[:2]] == ["filed", "dispatched"]
        assert events[-1].action == "verified"
        assert [event.created for event in events] == sorted(event.created for event in events)
        assert all(calendar.is_working_day(local_day(event.created)) for event in events)
        if issue.rework_count == 0:
            assert issue.deadline == working_time.add(issue.dispatched_at, issue.criterion.limit(Stage.RECTIFY))
        task = issue.rectification_task
        assert (task.status, local_day(task.completed_at)) == ("done", local_day(issue.closed_at))
        assert all(report.created.year == 2018 for report in task.progress_reports.all())

    # Nothing of it runs into the week the demo is loaded in: no open issue, no overdue task.
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    codes = set(Issue.objects.filter(inspection=closed.inspection).values_list("code", flat=True))
    assert not codes & {row["code"] for row in week_open_issues(moment=moment)}
    _count, overdue = overdue_tasks_stream(today=today)
    tasks = set(Issue.objects.filter(inspection=closed.inspection).values_list("rectification_task__code", flat=True))
    assert not tasks & {row["code"] for row in overdue}


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()
