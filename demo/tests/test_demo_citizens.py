import datetime

import pytest
from django.db.models import Count

from citizens.models import Followup, Report
from citizens.selectors import repeat_locations
from demo.services import demo_load, demo_reset
from inspections.models import Issue

pytestmark = pytest.mark.django_db


def test_the_demo_has_citizen_reports_in_every_state():
    demo_load(today=datetime.date(2018, 4, 16))

    assert set(Report.objects.values_list("status", flat=True)) == set(Report.Status.values)
    merged = Report.objects.filter(status=Report.Status.MERGED).values("issue").annotate(n=Count("pk"))
    assert [row["n"] for row in merged] == [2]
    assert set(Followup.objects.values_list("answer", flat=True)) == set(Followup.Answer.values)
    assert Followup.objects.filter(channel=Followup.Channel.PHONE).count() == 1
    assert Followup.objects.filter(review=Followup.Review.PENDING).count() == 1
    assert not Report.objects.filter(status__in=["accepted", "merged"]).exclude(issue__source="citizen").exists()
    assert Issue.objects.filter(source=Issue.Source.CITIZEN).exists()
    latest = Report.objects.order_by("-created").first().created
    assert repeat_locations(now=latest).exists()

    demo_reset()
    assert not Report.objects.exists()
