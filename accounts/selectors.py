"""Reads of the accounts app: the department tree, and who holds a role where."""

from django.db import connections

from accounts.models import Department, Role, User

# The cache of ``departments_seen_by`` on a user object: a request's user is read once per request.
_SEEN = "_departments_seen"


def department_subtree_ids(*, department_id: int) -> list[int]:
    """The department and every unit below it in the tree (a bureau's 科室, a 街道's 社区, a district's
    街道 and their 社区), in one query whatever the depth: a recursive query walks the tree in the
    database. ``UNION`` (not ``UNION ALL``) keeps a loop in bad data from running forever."""
    table = Department._meta.db_table
    connection = connections[Department.objects.db]
    name = connection.ops.quote_name
    sql = (
        f"WITH RECURSIVE subtree(id) AS ("  # noqa: S608 - the model's own table and columns, no input
        f" SELECT {name('id')} FROM {name(table)} WHERE {name('id')} = %s"
        f" UNION SELECT child.{name('id')} FROM {name(table)} child"
        f" JOIN subtree ON child.{name('parent_id')} = subtree.id"
        f") SELECT id FROM subtree"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [department_id])
        return sorted(row[0] for row in cursor.fetchall())


def departments_seen_by(*, user: User) -> list[int]:
    """The departments whose work ``user`` sees: the department they work for
    (``User.work_department_id``) and its sub-units; none without a department.

    Task and issue visibility, the figures' scope and the home page all ask here. Read once per user
    object (so once per request) and kept on it."""
    if _SEEN not in user.__dict__:
        department_id = user.work_department_id
        user.__dict__[_SEEN] = [] if department_id is None else department_subtree_ids(department_id=department_id)
    return user.__dict__[_SEEN]


def departments_with_role(*, role: Role) -> list[str]:
    """The names of the departments where someone active holds ``role``, a section named with its
    parent's short name (e.g. "市创城办督查组"): who to turn to for that role's work. One query."""
    rows = (
        Department.objects.filter(members__is_active=True, members__groups__name=role)
        .distinct()
        .order_by("sort_order", "code")
        .values_list("name", "kind", "parent__short_name", "parent__name")
    )
    return [
        f"{parent_short or parent_name}{name}" if kind == Department.Kind.SECTION and parent_name else name
        for name, kind, parent_short, parent_name in rows
    ]
