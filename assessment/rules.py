"""Who may read and act on the assessment (object-level rules, shared by the pages and the API).

Leaders and administrators read every result, publish, decide appeals and freeze. Department staff read
the results of their own department and its sub-units (``accounts.selectors.departments_seen_by``) and
appeal their numbers. Inspectors and API clients without a department read nothing here."""

import rules

from accounts.rules import can_read_everything, is_department_staff
from accounts.selectors import departments_seen_by


@rules.predicate
def is_own_department(user, department) -> bool:
    """The department (a ``Department`` or its id) is the user's own or one of its sub-units."""
    department_id = getattr(department, "pk", department)
    return department_id is not None and department_id in departments_seen_by(user=user)


rules.add_perm("assessment.view_results", rules.is_authenticated & (can_read_everything | is_department_staff))
rules.add_perm("assessment.view_city_results", rules.is_authenticated & can_read_everything)
rules.add_perm(
    "assessment.view_department_result",
    rules.is_authenticated & (can_read_everything | (is_department_staff & is_own_department)),
)
rules.add_perm("assessment.publish_results", rules.is_authenticated & can_read_everything)
rules.add_perm("assessment.appeal", rules.is_authenticated & is_department_staff)
rules.add_perm("assessment.decide_appeal", rules.is_authenticated & can_read_everything)
rules.add_perm("assessment.freeze_results", rules.is_authenticated & can_read_everything)
