"""What one may do to an issue (object-level rules, shared by the pages and the API)."""

import rules

from accounts.rules import (
    can_read_everything,
    is_administrator,
    is_department_staff,
    is_inspector,
    is_leader,
    oversees,
    works_for,
)

rectifier = rules.is_authenticated & (is_administrator | (is_department_staff & works_for))
verifier = rules.is_authenticated & (is_administrator | is_inspector)

rules.add_perm("inspections.read_issue", rules.is_authenticated & (can_read_everything | is_inspector | oversees))
rules.add_perm("inspections.file_issue", verifier)
rules.add_perm("inspections.dispatch_issue", verifier)
rules.add_perm("inspections.start_issue", rectifier)
rules.add_perm("inspections.submit_issue", rectifier)
rules.add_perm("inspections.return_issue", rectifier)
rules.add_perm("inspections.request_extension", rectifier)
rules.add_perm("inspections.verify_issue", verifier)
rules.add_perm("inspections.send_back_issue", verifier)
rules.add_perm("inspections.decide_extension", rules.is_authenticated & (is_administrator | is_leader))
# A suspension (挂起) is asked for by the department, decided by a leader as an extension is, and released
# by either: the department once it can go on, a leader once the reason has passed.
rules.add_perm("inspections.request_suspension", rectifier)
rules.add_perm("inspections.decide_suspension", rules.is_authenticated & (is_administrator | is_leader))
rules.add_perm("inspections.release_suspension", rectifier | (rules.is_authenticated & (is_administrator | is_leader)))
