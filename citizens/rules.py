"""What one may do in the citizens' channel: the campaign office (inspectors, leaders, administrators)
triages, phones and reviews; departments never see a report, nor who made it (举报人信息保密)."""

import rules

from accounts.rules import is_administrator, is_inspector, is_leader

is_office = rules.is_authenticated & (is_administrator | is_leader | is_inspector)

rules.add_perm("citizens.triage_report", is_office)
rules.add_perm("citizens.record_followup", is_office)
rules.add_perm("citizens.review_followup", is_office)
rules.add_perm("citizens.publish", is_office)
