"""Who may do what to calls and proposals. Used by the web views and the API alike.

Anything a user may not even see answers 404 (the views look objects up through
``selectors.proposals_visible_to``); these predicates decide actions on visible objects.
"""

import rules

from accounts.permissions import is_administrator

from .choices import (
    DECIDABLE_STATES,
    EDITABLE_STATES,
    WITHDRAWABLE_STATES,
    ProposalStatus,
    TeamRole,
)


@rules.predicate
def is_pi(user, proposal) -> bool:
    return proposal is not None and user.is_authenticated and proposal.pi_id == user.pk


@rules.predicate
def is_team_member(user, proposal) -> bool:
    if proposal is None or not user.is_authenticated:
        return False
    return any(m.user_id == user.pk for m in proposal.team.all())


@rules.predicate
def is_mentor_of(user, proposal) -> bool:
    if proposal is None or not user.is_authenticated:
        return False
    return any(m.user_id == user.pk and m.role == TeamRole.MENTOR for m in proposal.team.all())


@rules.predicate
def is_editable(user, proposal) -> bool:
    return proposal is not None and proposal.status in EDITABLE_STATES


@rules.predicate
def is_withdrawable(user, proposal) -> bool:
    return proposal is not None and proposal.status in WITHDRAWABLE_STATES


@rules.predicate
def is_awaiting_check(user, proposal) -> bool:
    return proposal is not None and proposal.status == ProposalStatus.SUBMITTED


can_view_proposal = is_pi | is_team_member | is_administrator
can_edit_proposal = is_pi & is_editable

rules.add_perm("grants.view_proposal", can_view_proposal)
rules.add_perm("grants.change_proposal", can_edit_proposal)
rules.add_perm("grants.submit_proposal", can_edit_proposal)
rules.add_perm("grants.withdraw_proposal", is_pi & is_withdrawable)
rules.add_perm("grants.return_proposal", is_administrator & is_awaiting_check)
rules.add_perm("grants.request_endorsement", can_edit_proposal)
rules.add_perm("grants.endorse_proposal", is_mentor_of & is_editable)


@rules.predicate
def is_decidable(user, proposal) -> bool:
    return proposal is not None and proposal.status in DECIDABLE_STATES


@rules.predicate
def is_classification_correctable(user, proposal) -> bool:
    """Submitted at least once and not back with the applicant (who classifies it then)."""
    return (
        proposal is not None
        and proposal.submitted_at is not None
        and proposal.status not in EDITABLE_STATES
    )


rules.add_perm("grants.manage_calls", is_administrator)
rules.add_perm("grants.correct_classification", is_administrator & is_classification_correctable)
rules.add_perm("grants.decide_proposal", is_administrator & is_decidable)
rules.add_perm("grants.manage_awards", is_administrator)
rules.add_perm("grants.view_call_proposals", is_administrator)


# ---- Letters of intent -----------------------------------------------------------------------


@rules.predicate
def is_letter_applicant(user, letter) -> bool:
    return letter is not None and user.is_authenticated and letter.applicant_id == user.pk


@rules.predicate
def is_letter_draft(user, letter) -> bool:
    return letter is not None and letter.is_editable


rules.add_perm("grants.view_letter", is_letter_applicant | is_administrator)
rules.add_perm("grants.change_letter", is_letter_applicant & is_letter_draft)
# Nobody decides their own letter; the state (a sent letter, a call in triage) is the
# service's to check.
rules.add_perm("grants.triage_letter", is_administrator & ~is_letter_applicant)
