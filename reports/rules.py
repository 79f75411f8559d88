"""Who may read the leaders' figures (object-level rules, shared by views, templates and the API).

Leaders and administrators read everything. Department staff read the rows of the ranking, the
drill-downs and the overdue list of their own department and its sub-units, not the city-wide
figures. Nobody else reads."""

import rules

from accounts.rules import can_read_everything, is_department_staff
from accounts.selectors import departments_seen_by


@rules.predicate
def is_own_department(user, department) -> bool:
    """The department (a ``Department`` or its id) is the one the user works for, or one of its
    sub-units (``accounts.selectors.departments_seen_by``)."""
    department_id = getattr(department, "pk", department)
    return department_id is not None and department_id in departments_seen_by(user=user)


rules.add_perm("reports.view_dashboard", rules.is_authenticated & (can_read_everything | is_department_staff))
rules.add_perm("reports.view_city_figures", rules.is_authenticated & can_read_everything)
rules.add_perm(
    "reports.view_department_figures",
    rules.is_authenticated & (can_read_everything | (is_department_staff & is_own_department)),
)
rules.add_perm("reports.view_grid_figures", rules.is_authenticated & can_read_everything)

# The weekly accountability workbook lists every department's overdue work: leaders and administrators.
rules.add_perm("reports.view_weekly_reports", rules.is_authenticated & can_read_everything)
rules.add_perm("reports.build_weekly_report", rules.is_authenticated & can_read_everything)
