import pytest
from django.db import IntegrityError, transaction

from grids.models import Grid, Place
from grids.tests.factories import GridFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_it_rejects_a_duplicate_grid_code():
    grid = GridFactory(code="LC-G01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Grid.objects.create(code="LC-G01", name="重复网格", subdistrict=grid.subdistrict)


def test_it_rejects_a_duplicate_place_code():
    place = PlaceFactory(code="LC-P0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceFactory(code="LC-P0001", grid=place.grid)


@pytest.mark.parametrize(("field", "value"), [("latitude", 91), ("longitude", -181), ("households", -1)])
def test_it_rejects_impossible_place_facts(field, value):
    place = PlaceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(**{field: value})


def test_it_records_a_change_of_responsibility_in_the_history():
    place = PlaceFactory()
    old_department = place.assigned_department
    new_department = type(place.assigned_department).objects.create(code="NEW", name="区城管局", kind="bureau")
    place.assigned_department = new_department
    place.save()
    assert [h.assigned_department_id for h in place.history.all()] == [new_department.pk, old_department.pk]
