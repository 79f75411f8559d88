"""What one may do in the mock evaluation (object-level rules, shared by the pages and the API)."""

import rules

from accounts.rules import can_read_everything, is_administrator, is_department_staff, is_inspector, is_leader


@rules.predicate
def on_the_team(user, round_point) -> bool:
    """The sampled point is assigned to a team the user is on."""
    return (
        round_point is not None
        and round_point.team_id is not None
        and round_point.team.members.filter(pk=user.pk).exists()
    )


@rules.predicate
def round_closed(user, round_) -> bool:
    return round_ is not None and round_.status == "closed"


office = rules.is_authenticated & (is_administrator | is_leader)

# The draw is blind: departments see a round once it is closed.
rules.add_perm("evaluation.view_round", rules.is_authenticated & (can_read_everything | is_inspector | round_closed))
rules.add_perm("evaluation.observe_point", rules.is_authenticated & (is_administrator | (is_inspector & on_the_team)))
rules.add_perm("evaluation.manage_round", office)
rules.add_perm("evaluation.file_appeal", rules.is_authenticated & (is_administrator | is_department_staff))
rules.add_perm("evaluation.decide_appeal", office)
