import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Department
from accounts.tests.factories import DepartmentFactory
from core.errors import Conflict
from evaluation import services
from evaluation.models import Round, RoundPoint
from evaluation.tests.factories import PointTypeFactory, make_round, observation_point
from grids.tests.factories import GridFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """Two streets, two point types: 6 主次干道 and 4 农贸市场 in each street."""
    streets = [DepartmentFactory(code=f"JD{n}", kind=Department.Kind.SUBDISTRICT) for n in (1, 2)]
    road, market = PointTypeFactory(code="ROAD", name="主次干道"), PointTypeFactory(code="MARKET", name="农贸市场")
    for street in streets:
        grid = GridFactory(subdistrict=street)
        for n in range(6):
            observation_point(road, grid=grid, code=f"{street.code}-R{n}")
        for n in range(4):
            observation_point(market, grid=grid, code=f"{street.code}-M{n}")
    return {"streets": streets, "road": road, "market": market}


def drawn(round_: Round) -> list[str]:
    return list(RoundPoint.objects.filter(round=round_).order_by("order").values_list("place__code", flat=True))


def test_it_draws_n_points_per_type(city):
    round_ = make_round(points_per_type=3)

    draw = services.round_sample(round_=round_, seed=42)
    round_.refresh_from_db()

    assert round_.seed == 42
    assert round_.sampled_at is not None
    assert set(round_.candidates) == {"MARKET", "ROAD"}
    assert len(round_.candidates["ROAD"]) == 12
    assert round_.points.filter(point_type=city["road"]).count() == 3
    assert round_.points.filter(point_type=city["market"]).count() == 3
    assert [code for _stratum, code in draw.drawn] == drawn(round_)
    assert set(round_.points.values_list("team", flat=True)) == {round_.teams.get().pk}


def test_it_draws_per_street_when_asked(city):
    round_ = make_round(points_per_type=2, by_street=True)

    services.round_sample(round_=round_, seed=7)

    assert set(round_.points.values_list("stratum", flat=True)) == {"MARKET/JD1", "MARKET/JD2", "ROAD/JD1", "ROAD/JD2"}
    for street in ("JD1", "JD2"):
        assert round_.points.filter(place__grid__subdistrict__code=street).count() == 4


def test_the_same_seed_gives_the_same_points_even_after_places_are_added(city):
    first = make_round(code="R1", points_per_type=3)
    services.round_sample(round_=first, seed=2018)
    first.refresh_from_db()
    points = drawn(first)
    recorded = first.candidates

    for n in range(5):  # places added since the draw
        observation_point(city["road"], grid=GridFactory(subdistrict=city["streets"][0]), code=f"NEW{n}")
    first.refresh_from_db()
    again = services.round_draw(round_=first)

    assert [code for _stratum, code in again.drawn] == points
    assert again.candidates == recorded
    assert [code for _s, code in services.draw_from(candidates=recorded, seed=2018, per_stratum=3)] == points


def test_another_seed_gives_another_draw(city):
    round_ = make_round(points_per_type=3)
    a = services.round_draw(round_=round_, seed=1).drawn
    b = services.round_draw(round_=round_, seed=2).drawn
    assert a != b
    assert services.round_draw(round_=round_, seed=1).drawn == a


def test_it_leaves_out_the_points_of_the_last_rounds(city):
    earlier = make_round(code="R1", points_per_type=5, start=datetime.date(2018, 1, 1), end=datetime.date(2018, 1, 5))
    services.round_sample(round_=earlier, seed=3)
    later = make_round(code="R2", points_per_type=5, exclude_rounds=1)

    services.round_sample(round_=later, seed=3)
    later.refresh_from_db()

    assert not set(drawn(earlier)) & set(drawn(later))
    assert len(later.candidates["ROAD"]) == 12 - 5


def test_it_draws_only_a_planned_round(city):
    round_ = make_round()
    services.round_sample(round_=round_, seed=1)
    services.round_start(round_=round_)

    with pytest.raises(Conflict):
        services.round_sample(round_=round_, seed=2)
    assert round_.points.count() == 6


def test_a_round_starts_only_once_drawn(city):
    with pytest.raises(Conflict):
        services.round_start(round_=make_round())


def test_the_command_prints_the_draw_and_a_dry_run_saves_nothing(city):
    round_ = make_round(code="MN-2018-03", points_per_type=2)
    out = io.StringIO()

    call_command("sample_round", "MN-2018-03", "--seed", "5", "--dry-run", stdout=out)

    assert "seed=5: 4 points from 20 candidates in 2 strata (not saved)" in out.getvalue()
    assert not round_.points.exists()

    call_command("sample_round", "MN-2018-03", "--seed", "5", stdout=io.StringIO())
    printed = io.StringIO()
    call_command("sample_round", "MN-2018-03", stdout=printed)  # the recorded draw, printed again
    lines = out.getvalue().splitlines()[1:]
    assert printed.getvalue().splitlines()[1:] == lines
    assert [line.split()[-1] for line in lines] == drawn(round_)


def test_the_command_refuses_an_unknown_round():
    with pytest.raises(CommandError):
        call_command("sample_round", "NOPE", stdout=io.StringIO())
