import datetime

import pytest

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, UserFactory
from evaluation import services
from evaluation.tests.factories import PointTypeFactory, StandardFactory, make_round, observation_point
from grids.tests.factories import GridFactory


@pytest.fixture
def running():
    """A round in progress on 2018-03-01..10 with two points of 主次干道 (three standards, the third worth 2)
    in two streets, both assigned to the one team of two inspectors; the places lie at 36.45 N, 115.98 E."""
    road = PointTypeFactory(code="ROAD", name="主次干道")
    standards = [StandardFactory(point_types=[road], points=points) for points in (1, 1, 2)]
    streets = [DepartmentFactory(code=f"JD{n}", name=f"街道{n}", kind=Department.Kind.SUBDISTRICT) for n in (1, 2)]
    points = [
        observation_point(
            road, grid=GridFactory(subdistrict=street), code=f"P{n}", latitude="36.450000", longitude="115.980000"
        )
        for n, street in enumerate(streets)
    ]
    inspectors = [UserFactory(role=Role.INSPECTOR, department=None) for _ in range(2)]
    round_ = make_round(code="R2018-03", points_per_type=2, inspectors=inspectors)
    services.round_sample(round_=round_, seed=1)
    services.round_start(round_=round_)
    round_.refresh_from_db()
    return {
        "round": round_,
        "standards": standards,
        "points": list(round_.points.order_by("place__code")),
        "places": [point.place for point in points],
        "inspector": inspectors[0],
        "streets": streets,
        "now": datetime.datetime(2018, 3, 5, 10, 0, tzinfo=datetime.UTC),
    }
