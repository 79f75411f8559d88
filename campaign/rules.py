"""What one may do to a task (object-level rules, shared by the pages and the API)."""

import rules

from accounts.rules import (
    can_read_everything,
    is_administrator,
    is_department_staff,
    is_inspector,
    oversees,
    works_for,
)

rules.add_perm("campaign.read_task", rules.is_authenticated & (can_read_everything | is_inspector | oversees))
rules.add_perm(
    "campaign.report_progress", rules.is_authenticated & (is_administrator | (is_department_staff & works_for))
)
rules.add_perm("campaign.view_my_work", rules.is_authenticated & (is_department_staff | is_administrator))
