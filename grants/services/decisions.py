"""Funding decisions: recorded (with their award) until released, then released per call."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.choices import AuditAction
from accounts.models import User

from .. import emails, lifecycle
from ..choices import (
    DECIDABLE_STATES,
    FUNDING_OUTCOMES,
    NOMINATION_OUTCOMES,
    CallStatus,
    DecisionOutcome,
    ProposalStatus,
)
from ..models import Award, Decision, FundingCall, Proposal
from ..selectors import call_committed_amount, call_nominees, proposal_requested_total
from ._common import InvalidTransition, audit_amount, require
from .awards import award_dates
from .calls import call_transition
from .history import record_proposal_note
from .proposals import proposal_transition


@transaction.atomic
def decision_record(
    *,
    proposal: Proposal,
    actor: User,
    outcome: str,
    amount: Decimal | None = None,
    reason: str = "",
) -> Decision:
    """Record (or change, until released) the funding decision on a proposal.

    Locks the call row first, so that two administrators deciding at once are serialised and
    the committed total can never pass the call's budget. A funded decision creates or updates
    the Award; changing it away from funded removes the unreleased award. A waitlisted
    proposal whose decision was already released is decided and released at once.
    """
    require(actor, "grants.decide_proposal", proposal)
    call = FundingCall.objects.select_for_update().get(pk=proposal.call_id)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    problem = lifecycle.decisions_problem(call)
    if problem:
        raise InvalidTransition(problem)
    if proposal.status not in DECIDABLE_STATES:
        raise InvalidTransition(
            f"A proposal that is {proposal.get_status_display().lower()} cannot be decided."
        )
    _check_outcome_for_call(call, outcome)
    existing = Decision.objects.filter(proposal=proposal).first()
    released_waitlist = existing is not None and existing.is_released
    if released_waitlist and outcome == DecisionOutcome.WAITLISTED:
        raise InvalidTransition("This proposal is already on the released waitlist.")
    reason = (reason or "").strip()
    if outcome == DecisionOutcome.FUNDED:
        requested = proposal_requested_total(proposal)
        amount = requested if amount in (None, "") else Decimal(amount)
        errors: dict[str, list[str]] = {}
        if amount <= 0:
            errors["amount"] = ["Enter an amount above zero."]
        elif amount > requested:
            errors["amount"] = [f"The amount cannot exceed the ${requested:,.2f} requested."]
        elif amount < requested and not reason:
            errors["reason"] = ["Give the reason for funding less than was requested."]
        if errors:
            raise ValidationError(errors)
        committed = call_committed_amount(call, exclude_proposal_pk=proposal.pk)
        if committed + amount > call.total_budget:
            remaining = call.total_budget - committed
            raise ValidationError(
                {
                    "amount": [
                        f"Funding ${amount:,.2f} would exceed the call's budget of "
                        f"${call.total_budget:,.2f}: ${committed:,.2f} is committed and only "
                        f"${remaining:,.2f} remains."
                    ]
                }
            )
    elif outcome == DecisionOutcome.NOMINATED:
        amount = None
        _check_nomination_limit(call, proposal)
    else:
        amount = None
    decision, _ = Decision.objects.update_or_create(
        proposal=proposal,
        defaults={
            "call": call,
            "outcome": outcome,
            "amount": amount,
            "reason": reason,
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    if outcome == DecisionOutcome.FUNDED:
        start, end = award_dates(call=call, decided_on=timezone.localdate())
        Award.objects.update_or_create(
            proposal=proposal,
            defaults={"call": call, "amount": amount, "start_date": start, "end_date": end},
        )
    else:
        Award.objects.filter(proposal=proposal).delete()
    summary = DecisionOutcome(outcome).label
    if amount is not None:
        summary += f" at ${amount:,.2f}"
    record_proposal_note(
        proposal=proposal,
        actor=actor,
        reason=f"Decision recorded: {summary}." + (f" {reason}" if reason else ""),
        internal=True,
        audit_action=AuditAction.DECISION_RECORDED,
        before={
            "outcome": existing.outcome if existing else None,
            "amount": audit_amount(existing.amount) if existing else None,
        },
        after={"outcome": outcome, "amount": audit_amount(amount)},
    )
    if released_waitlist:
        proposal_transition(proposal=proposal, to=outcome, actor=actor, reason="Decision released.")
        transaction.on_commit(lambda: emails.send_decision(proposal, decision))
    return decision


def _check_outcome_for_call(call: FundingCall, outcome: str) -> None:
    """A call with money funds; a limited-submission call nominates (never both)."""
    if call.is_limited_submission:
        if outcome not in NOMINATION_OUTCOMES:
            raise ValidationError(
                {
                    "outcome": [
                        "This is a limited submission: choose nominated, not nominated or "
                        "waitlisted (an alternate)."
                    ]
                }
            )
    elif outcome not in FUNDING_OUTCOMES:
        raise ValidationError({"outcome": ["Choose funded, not funded or waitlisted."]})


def _check_nomination_limit(call: FundingCall, proposal: Proposal) -> None:
    """The sponsor accepts ``call.nominations_allowed`` applications from the institution: an
    (N+1)th nomination is refused, naming the nominees (the call row is locked by the caller,
    so two administrators nominating at once cannot both take the last place)."""
    others = [p for p in call_nominees(call) if p.pk != proposal.pk]
    if len(others) >= call.nominations_allowed:
        names = ", ".join(f"NS-{p.pk}" for p in others)
        limit = call.nominations_allowed
        raise ValidationError(
            {
                "outcome": [
                    f"{call.sponsor} accepts {limit} application{'s' if limit != 1 else ''} "
                    f"from the institution and {limit} {'are' if limit != 1 else 'is'} already "
                    f"nominated ({names}). Decide one of them otherwise first."
                ]
            }
        )


@transaction.atomic
def decisions_record_many(
    *,
    call: FundingCall,
    actor: User,
    proposals: list[Proposal],
    outcome: str,
    confirmed_total: Decimal | None = None,
) -> list[Decision]:
    """Record ``outcome`` for several proposals of the call at once (funding at the requested
    amounts), all or none: each goes through ``decision_record``, so every rule of a single
    decision holds (the budget above all); the first refusal undoes the batch and names the
    proposal.

    ``confirmed_total`` is the money the administrator saw on the confirmation: if funding the
    batch now would commit a different sum (someone changed a budget or a decision since), it
    is refused, so nobody funds a total they did not see.
    """
    require(actor, "grants.manage_calls")
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    if not proposals:
        raise ValidationError({"proposals": ["Choose at least one proposal to decide."]})
    if any(p.call_id != call.pk for p in proposals):
        raise ValidationError({"proposals": ["Every proposal must belong to this call."]})
    _check_outcome_for_call(call, outcome)
    released = Decision.objects.filter(
        proposal__in=proposals, released_at__isnull=False
    ).select_related("proposal")
    if released:
        names = ", ".join(f"NS-{d.proposal_id}" for d in released)
        raise ValidationError(
            {"proposals": [f"Released decisions are changed one at a time: {names}."]}
        )
    if confirmed_total is not None and outcome == DecisionOutcome.FUNDED:
        total = sum((proposal_requested_total(p) for p in proposals), Decimal("0.00"))
        if total != confirmed_total:
            raise ValidationError(
                {
                    "proposals": [
                        f"The requested amounts now add up to ${total:,.2f}, not the "
                        f"${confirmed_total:,.2f} you confirmed. Check the batch again."
                    ]
                }
            )
    recorded = []
    for proposal in proposals:
        try:
            recorded.append(decision_record(proposal=proposal, actor=actor, outcome=outcome))
        except ValidationError as exc:
            raise ValidationError(
                {"proposals": [f"NS-{proposal.pk} {proposal.title}: " + " ".join(exc.messages)]}
            ) from exc
        except InvalidTransition as exc:
            raise InvalidTransition(f"NS-{proposal.pk} {proposal.title}: {exc}") from exc
    return recorded


@transaction.atomic
def decisions_release(*, call: FundingCall, actor: User) -> list[Decision]:
    """Release every unreleased decision of the call: the proposals take their outcome and each
    PI is e-mailed after commit. The call becomes decided once nothing is left undecided."""
    require(actor, "grants.manage_calls")
    call = FundingCall.objects.select_for_update().get(pk=call.pk)
    problem = lifecycle.decisions_problem(call)
    if problem:
        raise InvalidTransition(problem)
    now = timezone.now()
    released = []
    pending = (
        Decision.objects.filter(call=call, released_at__isnull=True)
        .select_related("proposal", "proposal__pi", "proposal__call")
        .order_by("pk")
    )
    for decision in pending:
        proposal = decision.proposal
        if proposal.status == ProposalStatus.IN_REVIEW:
            proposal_transition(
                proposal=proposal, to=decision.outcome, actor=actor, reason="Decision released."
            )
        decision.released_at = now
        decision.save(update_fields=["released_at"])
        released.append(decision)
    if not released:
        raise ValidationError("There are no unreleased decisions in this call.")
    audit_record(
        action=AuditAction.DECISIONS_RELEASED,
        actor=actor,
        obj=call,
        after={"decisions": {str(d.proposal_id): d.outcome for d in released}},
    )
    undecided = call.proposals.filter(status=ProposalStatus.IN_REVIEW).exists()
    if not undecided and call.status == CallStatus.IN_REVIEW:
        call_transition(call=call, to=CallStatus.DECIDED, actor=actor, reason="Decisions released.")

    def notify():
        for decision in released:
            emails.send_decision(decision.proposal, decision)

    transaction.on_commit(notify)
    return released
