"""Admin for the department tree and the people in it."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Role, User
from core.admin import HistoryAdmin


def role_label(group: Group) -> str:
    """A group as people call it: a role group by its role's translated name (部门联络员, not
    "staff"); any other group by its own name. The group keeps its name, which the code looks up."""
    try:
        return str(Role(group.name).label)
    except ValueError:
        return group.name


class RoleFilter(admin.SimpleListFilter):
    """Filter people by role, named as the roles are called."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(BaseGroupAdmin):
    """The role groups, each shown by its role's name beside the group name the code uses."""

    list_display = ("role", "name")
    list_display_links = ("role", "name")

    @admin.display(description=_("role"), ordering="name")
    def role(self, obj: Group) -> str:
        return role_label(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        group = self.get_object(request, object_id) if object_id else None
        if group is not None:
            extra_context = {**(extra_context or {}), "subtitle": role_label(group)}
        return super().changeform_view(request, object_id, form_url, extra_context)


class ChildDepartmentInline(admin.TabularInline):
    """The sections, subdistricts or communities directly under a department."""

    model = Department
    fk_name = "parent"
    fields = ("code", "name", "short_name", "kind", "head", "sort_order", "is_active")
    autocomplete_fields = ("head",)
    extra = 0
    show_change_link = True
    verbose_name = _("child department")
    verbose_name_plural = _("child departments")


class MemberInline(admin.TabularInline):
    """Who works in a department, read-only: people are edited on their own page."""

    model = User
    fields = ("username", "last_name", "first_name", "title", "phone", "is_active")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent", "head", "sort_order", "is_active")
    list_display_links = ("code", "name")
    list_filter = ("kind", "is_active")
    list_select_related = ("parent", "head")
    search_fields = ("code", "name", "short_name")
    autocomplete_fields = ("parent", "head")
    fieldsets = (
        (None, {"fields": ("code", "name", "short_name", "kind", "parent", "head", "sort_order", "is_active")}),
        (_("Reminders"), {"fields": ("webhook_url",)}),
    )
    inlines = (ChildDepartmentInline, MemberInline)


class DepartmentKindFilter(admin.SimpleListFilter):
    """Filter rows by the kind of their department (bureau, district, ...); other apps reuse it,
    setting ``field_path`` when the department is further away."""

    title = _("department kind")
    parameter_name = "department_kind"
    field_path = "department__kind"

    def lookups(self, request, model_admin):
        return Department.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


@admin.register(User)
class UserAdmin(HistoryAdmin, BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (_("Organisation"), {"fields": ("department", "title", "phone")}),
        *BaseUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (
            _("Organisation"),
            {"classes": ("wide",), "fields": ("last_name", "first_name", "department", "title", "phone")},
        ),
    )
    list_display = ("username", "display_name", "department", "title", "phone", "is_active", "is_staff")
    list_filter = (DepartmentKindFilter, RoleFilter, "is_staff", "is_superuser", "is_active")
    list_select_related = ("department",)
    search_fields = ("username", "last_name", "first_name", "email", "phone", "department__name")
    autocomplete_fields = ("department",)

    @admin.display(description=_("full name"), ordering="last_name")
    def display_name(self, obj: User) -> str:
        return obj.display_name

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = role_label
        return field
