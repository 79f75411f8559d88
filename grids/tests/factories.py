import factory

from accounts.models import Department
from accounts.tests.factories import DepartmentFactory, UserFactory
from grids.models import Grid, Place


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}网格")
    subdistrict = factory.SubFactory(DepartmentFactory, kind=Department.Kind.SUBDISTRICT)
    leader = factory.SubFactory(UserFactory)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"柳园{n}号小区")
    kind = Place.Kind.COMPOUND
    grid = factory.SubFactory(GridFactory)
    assigned_department = factory.SubFactory(DepartmentFactory)
    territorial_unit = factory.SelfAttribute("grid.subdistrict")
