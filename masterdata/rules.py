"""Who may load and download master data: administrators only."""

import rules

from accounts.rules import is_administrator

rules.add_perm("masterdata.manage_masterdata", rules.is_authenticated & is_administrator)
