import datetime
from dataclasses import replace
from decimal import Decimal

import pytest

from accounts.models import Department, Role
from accounts.tests.factories import DepartmentFactory, SectionFactory, UserFactory
from assessment.tests.factories import JINNIU, scheme_with
from campaign.tests.factories import CampaignFactory, TargetFactory, TaskFactory
from grids.tests.factories import GridFactory, PlaceFactory
from inspections.tests.factories import CriterionFactory


@pytest.fixture
def city(db) -> dict:
    """A small city with one of everything the workbook holds, built through the factories."""
    district = DepartmentFactory(code="DCF", name="东昌府区", kind=Department.Kind.DISTRICT)
    subdistrict = DepartmentFactory(code="DCF-GL", name="古楼街道", kind=Department.Kind.SUBDISTRICT, parent=district)
    community = DepartmentFactory(
        code="DCF-GL-01", name="米市街社区", kind=Department.Kind.COMMUNITY, parent=subdistrict
    )
    bureau = DepartmentFactory(code="LC-ZJJ", name="聊城市住房和城乡建设局", short_name="市住建局")
    section = SectionFactory(code="LC-ZJJ-CJK", name="城建科", parent=bureau)
    leader = UserFactory(
        username="ronghongzhi",
        last_name="荣",
        first_name="红智",
        department=district,
        title="区委书记",
        role=Role.LEADER,
    )
    head = UserFactory(username="guoxinhua", last_name="郭", first_name="新华", department=bureau, phone="0635-8888001")
    bureau.head = head
    bureau.save()
    staff = UserFactory(username="zhangli", department=section, role=Role.STAFF)
    grid = GridFactory(code="G01", name="第1网格", subdistrict=subdistrict, leader=leader, latitude="36.456789")
    grid.departments.set([bureau, district])
    places = [
        PlaceFactory(code="P001", name="柳园北路", kind="street", grid=grid, assigned_department=bureau, length_m=1200),
        PlaceFactory(
            code="P002", grid=grid, assigned_department=bureau, assigned_leader=leader, territorial_unit=community
        ),
    ]
    criterion = CriterionFactory(code="CS-01", default_department=bureau, points="1.50")
    campaign = CampaignFactory()
    target = TargetFactory(code="T-104", pledge__department=bureau, pledge__campaign=campaign)
    task = TaskFactory(
        code="RW-001",
        campaign=campaign,
        department=bureau,
        section=section,
        accountable=staff,
        target=target,
        start_date=datetime.date(2018, 3, 1),
        due_date=datetime.date(2018, 6, 30),
    )
    task.grids.set([grid])
    # A 考核方案 with every part: its sheets round-trip too.
    scheme = scheme_with(replace(JINNIU, source_weights=[("leader", Decimal(2))]), code="KH-01", campaign=campaign)
    # The mock evaluation's system: a point type, an item, a standard, and a place that is a point.
    from evaluation.models import ObservationPoint
    from evaluation.tests.factories import ItemFactory, PointTypeFactory, StandardFactory

    road = PointTypeFactory(code="ZCGD", name="主次干道")
    StandardFactory(code="ZCGD-01", item=ItemFactory(code="SRHJ"), point_types=[road], criterion=criterion)
    ObservationPoint.objects.create(place=places[0], point_type=road)
    return {
        "district": district,
        "subdistrict": subdistrict,
        "bureau": bureau,
        "section": section,
        "leader": leader,
        "head": head,
        "staff": staff,
        "grid": grid,
        "places": places,
        "criterion": criterion,
        "campaign": campaign,
        "task": task,
        "scheme": scheme,
    }
