"""Who is who: the predicates every app's permissions are built from (django-rules).

Object rules live in each app's ``rules.py`` and are checked the same way by views, templates
(``{% has_perm %}``) and the API."""

import rules

from accounts.models import Role
from accounts.selectors import departments_seen_by


@rules.predicate
def is_administrator(user) -> bool:
    return user.is_superuser or Role.ADMINISTRATOR in user.role_names


@rules.predicate
def is_leader(user) -> bool:
    return Role.LEADER in user.role_names


@rules.predicate
def is_inspector(user) -> bool:
    return Role.INSPECTOR in user.role_names


@rules.predicate
def is_department_staff(user) -> bool:
    return Role.STAFF in user.role_names and user.work_department_id is not None


@rules.predicate
def works_for(user, obj) -> bool:
    """The object (a task or an issue) belongs to the department the user works for."""
    return obj is not None and user.work_department_id is not None and obj.department_id == user.work_department_id


@rules.predicate
def oversees(user, obj) -> bool:
    """The object (a task or an issue) belongs to a department whose work the user sees: the one they
    work for or one of its sub-units (``accounts.selectors.departments_seen_by``). Seeing is not
    acting: only the department itself rectifies (``works_for``)."""
    return obj is not None and obj.department_id is not None and obj.department_id in departments_seen_by(user=user)


can_read_everything = is_administrator | is_leader
