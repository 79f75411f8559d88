import factory
from django.contrib.auth.models import Group

from accounts.models import Department, Role, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}部门")
    kind = Department.Kind.BUREAU


class SectionFactory(DepartmentFactory):
    kind = Department.Kind.SECTION
    parent = factory.SubFactory(DepartmentFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "张"
    first_name = factory.Sequence(lambda n: f"{n}号")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("liaocheng2018")

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs) -> None:
        if create and extracted:
            # The role groups exist after every migrate and every flush (accounts.apps, post_migrate).
            self.groups.add(Group.objects.get(name=extracted))
