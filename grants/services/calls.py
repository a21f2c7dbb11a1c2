"""A funding call's state: opening, closing, its review and the committee review flag."""

from django.db import transaction

from accounts.audit import audit_record
from accounts.choices import AuditAction

from .. import lifecycle
from ..choices import CALL_TRANSITIONS, CallStatus, ProposalStatus
from ..models import Decision, FundingCall
from ._common import InvalidTransition, require
from .history import record_state_change
from .proposals import proposal_transition


@transaction.atomic
def call_transition(*, call: FundingCall, to: str, actor, reason: str = "") -> FundingCall:
    """The only code that changes a call's status (administrators only). A two-stage call
    moves into letters triage only once its letters are due, and out of it (open for the
    invited full proposals) once every letter is decided."""
    require(actor, "grants.manage_calls")
    allowed = CALL_TRANSITIONS[call.status]
    if not call.letter_of_intent:  # a one-stage call has no letters triage
        allowed = allowed - {CallStatus.LETTERS_TRIAGE}
    if to not in allowed:
        raise InvalidTransition(f"A call cannot go from {call.status} to {to}.")
    problem = ""
    if to == CallStatus.LETTERS_TRIAGE:
        problem = lifecycle.letters_triage_problem(call)
    elif call.status == CallStatus.LETTERS_TRIAGE:
        problem = lifecycle.full_proposals_problem(call)
    if problem:
        raise InvalidTransition(problem)
    previous = call.status
    call.status = to
    call.save(update_fields=["status"])
    record_state_change(obj=call, from_state=previous, to_state=to, actor=actor, reason=reason)
    return call


@transaction.atomic
def call_begin_review(*, call: FundingCall, actor) -> FundingCall:
    """Close the call if it is still open, move it to review, and put every submitted proposal
    in review (returned proposals not resubmitted by the deadline stay out)."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.OPEN:
        call_transition(call=call, to=CallStatus.CLOSED, actor=actor, reason="Review begins.")
    call_transition(call=call, to=CallStatus.IN_REVIEW, actor=actor)
    for proposal in call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("pk"):
        proposal_transition(
            proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=actor, reason="Review begins."
        )
    return call


@transaction.atomic
def call_committee_review_set(*, call: FundingCall, reviewing: bool, actor, reason: str = ""):
    """Record that a committee's review of the call began (``reviewing``) or closed. Called
    by the reviews app after its own permission checks (attaching a committee, closing the
    review); decisions and their release wait while it is on (lifecycle.decisions_problem).
    Refuses to start a review once decisions exist: it could change what was decided on."""
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if call.committee_review_open == reviewing:
        return call
    if reviewing and Decision.objects.filter(call=call).exists():
        raise InvalidTransition(
            "Funding decisions are already recorded on this call; a committee review cannot "
            "start now."
        )
    call.committee_review_open = reviewing
    call.save(update_fields=["committee_review_open"])
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=call,
        before={"committee_review_open": not reviewing},
        after={"committee_review_open": reviewing},
        note=reason,
    )
    return call
