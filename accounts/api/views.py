"""Departments and people, read-only: master data every signed-in client may read."""

from accounts.api.serializers import DepartmentSerializer, UserSerializer
from accounts.filters import DepartmentFilterSet, UserFilterSet
from accounts.models import Department, User
from core.api import RestrictedReadOnlyViewSet


class DepartmentViewSet(RestrictedReadOnlyViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    ordering_fields = ("sort_order", "code", "name", "updated")
    ordering = ("sort_order", "code")


class UserViewSet(RestrictedReadOnlyViewSet):
    """Active people only: a deactivated account is no one's contact any more."""

    queryset = User.objects.filter(is_active=True)
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ("username", "last_name")
    ordering = ("username",)
