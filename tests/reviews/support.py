"""Helpers shared by the reviews tests."""

from grants import services as grant_services
from grants.choices import CallStatus, ProposalStatus, TeamRole
from reviews.choices import ROLE_ORDER
from reviews.models import Assignment
from tests.factories import make_call, make_proposal


def assignments_of(proposal) -> list[Assignment]:
    """The proposal's assignments, primary first."""
    return sorted(
        Assignment.objects.filter(proposal=proposal).select_related("reviewer", "proposal"),
        key=lambda a: (ROLE_ORDER.index(a.role), a.pk),
    )


def call_in_review_with_team(*, admin, team: dict, pi=None):
    """A call in review holding one proposal whose team includes ``team`` ({user: role})."""
    call = make_call()
    proposal = make_proposal(call=call, pi=pi)
    for user, role in team.items():
        grant_services.team_member_add(proposal=proposal, actor=proposal.pi, role=role, user=user)
    proposal = grant_services.proposal_submit(proposal=proposal, actor=proposal.pi)
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grant_services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    grant_services.proposal_transition(proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin)
    return call, proposal


MENTOR = TeamRole.MENTOR
CO_INVESTIGATOR = TeamRole.CO_INVESTIGATOR
