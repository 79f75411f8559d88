"""The demo's places sit in the grids their names say: 古楼南街 in a grid of 古楼街道, 东昌府区利民路中学
in a grid with a 利民 street (and its address on it), 湖西佳苑 by 湖西路 or in 湖西街道."""

import datetime

import pytest
from django.db import transaction

from demo import data, names
from demo.services import demo_load
from grids.models import Place

pytestmark = pytest.mark.django_db

NEIGHBOURHOODS = {}
for seed in data.SUBDISTRICTS:
    NEIGHBOURHOODS[seed.name.removesuffix("街道")] = seed.code
    for community in seed.communities:
        NEIGHBOURHOODS.setdefault(community.removesuffix("社区"), seed.code)


@pytest.fixture(scope="module")
def places(django_db_setup, django_db_blocker):
    """The demo's places, loaded once for the module in a transaction rolled back at its end; and each
    grid's street roots."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_load(today=datetime.date(2018, 4, 16))
        found = list(Place.objects.select_related("grid__subdistrict").order_by("code"))
        streets: dict[int, set[str]] = {}
        for place in found:
            if place.kind == "street":
                streets.setdefault(place.grid_id, set()).add(names.street_root(place.name))
        yield found, streets
        transaction.set_rollback(True)


def test_streets_lie_in_the_neighbourhood_they_are_named_after(places):
    found, _streets = places
    named = [place for place in found if place.kind == "street" and names.named_after(place.name, NEIGHBOURHOODS)]

    assert len(named) > 30
    wrong = [
        (place.name, place.grid.name)
        for place in named
        if place.grid.subdistrict.code != NEIGHBOURHOODS[names.named_after(place.name, NEIGHBOURHOODS)]
    ]
    assert wrong == []


@pytest.mark.parametrize("kind", ["school", "market", "compound"])
def test_places_lie_by_the_street_or_in_the_neighbourhood_they_are_named_after(places, kind):
    found, streets = places
    all_roots = set().union(*streets.values())
    wrong, checked = [], 0
    for place in (place for place in found if place.kind == kind):
        word = names.named_after(place.name, [*all_roots, *NEIGHBOURHOODS])
        if word is None:
            continue
        checked += 1
        if word in all_roots:
            if word not in streets.get(place.grid_id, set()):
                wrong.append((place.name, place.grid.name))
            elif kind != "compound" and word not in place.address:
                wrong.append((place.name, place.address))
        elif place.grid.subdistrict.code != NEIGHBOURHOODS[word]:
            wrong.append((place.name, place.grid.name))

    assert checked > 0
    assert wrong == []
