"""The data migration that gives the three ways of leading their names keeps every existing
criterion's routing as it was."""

import importlib

import pytest
from django.apps import apps

from grids.tests.factories import PlaceFactory
from inspections.models import Criterion
from inspections.services import issue_route
from inspections.tests.factories import CriterionFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("inspections.migrations.0005_criterion_lead_three_ways_extension_limits")


def test_it_keeps_what_territorial_meant_under_its_new_name_assigned():
    place = PlaceFactory()
    before = CriterionFactory(lead=Criterion.Lead.ASSIGNED)
    owner = CriterionFactory(lead=Criterion.Lead.OWNER)
    # As the rows stood: "territorial" sent a finding to the place's assigned department.
    Criterion.objects.filter(pk=before.pk).update(lead="territorial")
    Criterion.history.filter(id=before.pk).update(lead="territorial")

    migration.keep_assigned_meaning(apps, None)

    before.refresh_from_db()
    assert before.lead == Criterion.Lead.ASSIGNED
    assert set(Criterion.history.filter(id=before.pk).values_list("lead", flat=True)) == {"assigned"}
    assert Criterion.objects.get(pk=owner.pk).lead == Criterion.Lead.OWNER
    assert issue_route(place=place, criterion=before).department == place.assigned_department
