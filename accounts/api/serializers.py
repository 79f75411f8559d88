"""How departments and people look in the API. People show only their public fields."""

from rest_framework import serializers

from accounts.models import Department, User


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ("id", "code", "name", "short_name", "kind", "parent", "sort_order", "is_active", "updated")


class UserSerializer(serializers.ModelSerializer):
    """A person's public card: no e-mail, no phone, nothing about their account."""

    display_name = serializers.CharField(read_only=True)
    # What the property reads, for lists read as values (core.rows).
    row_reads = {"display_name": ("last_name", "first_name", "username")}

    class Meta:
        model = User
        fields = ("id", "username", "display_name", "department", "title")
