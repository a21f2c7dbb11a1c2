"""Helpers shared by the API tests."""

from decimal import Decimal

from rest_framework.test import APIClient

from grants import services as grant_services
from grants.choices import CallStatus, ProposalStatus
from tests.factories import make_admin, make_call, make_submitted_proposal

API = "/api/v1"


def api_as(user=None) -> APIClient:
    """A client signed in as ``user`` (or anonymous)."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def results(response) -> list:
    """The items of a paginated list response."""
    return response.json()["results"]


def ids(response) -> list[int]:
    return [item["id"] for item in results(response)]


def move_to_review(call, admin) -> None:
    """Close the call and put its submitted proposals in review, through the services."""
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grant_services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    for proposal in call.proposals.filter(status=ProposalStatus.SUBMITTED):
        grant_services.proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin
        )


def call_in_review(n: int, *, total_budget: str = "40000"):
    """A call in review with ``n`` proposals in review, each requesting $15,000.

    Returns (call, [proposals], admin).
    """
    admin = make_admin()
    call = make_call(
        one_per_applicant=False, total_budget=Decimal(total_budget), max_award=Decimal("20000")
    )
    proposals = [make_submitted_proposal(call=call) for _ in range(n)]
    move_to_review(call, admin)
    for proposal in proposals:
        proposal.refresh_from_db()
    return call, proposals, admin
