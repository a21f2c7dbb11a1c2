"""Funding decisions within the call's budget, awards, and releasing decisions."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections

from grants import selectors, services
from grants.choices import AwardStatus, CallStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, FundingCall
from tests.factories import make_admin, make_call, make_submitted_proposal


def move_to_review(call: FundingCall, admin) -> None:
    """Close the call and put every submitted proposal in review, through the services."""
    services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    services.call_transition(call=call, to=CallStatus.IN_REVIEW, actor=admin)
    for proposal in call.proposals.filter(status=ProposalStatus.SUBMITTED):
        services.proposal_transition(proposal=proposal, to=ProposalStatus.IN_REVIEW, actor=admin)


def call_in_review(n: int, *, total_budget: str = "40000"):
    admin = make_admin()
    call = make_call(
        one_per_applicant=False, total_budget=Decimal(total_budget), max_award=Decimal("20000")
    )
    proposals = [make_submitted_proposal(call=call) for _ in range(n)]  # each requests $15,000
    move_to_review(call, admin)
    for proposal in proposals:
        proposal.refresh_from_db()
    return call, proposals, admin


@pytest.mark.django_db
def test_award_dates_start_next_month_and_run_the_duration():
    call = make_call(duration_months=12)

    assert services.award_dates(call=call, decided_on=date(2026, 12, 15)) == (
        date(2027, 1, 1),
        date(2027, 12, 31),
    )
    assert services.award_dates(call=call, decided_on=date(2026, 3, 31)) == (
        date(2026, 4, 1),
        date(2027, 3, 31),
    )


@pytest.mark.django_db
def test_funded_decision_creates_award_at_requested_amount():
    call, (proposal,), admin = call_in_review(1)

    decision = services.decision_record(
        proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
    )

    award = Award.objects.get(proposal=proposal)
    assert decision.amount == Decimal("15000.00")
    assert award.amount == Decimal("15000.00")
    assert award.status == AwardStatus.ACTIVE
    assert award.call == call


@pytest.mark.django_db
def test_reduced_amount_needs_a_reason():
    _, (proposal,), admin = call_in_review(1)

    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED, amount="10000"
        )

    assert exc.value.message_dict == {
        "reason": ["Give the reason for funding less than was requested."]
    }
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_amount_above_request_is_refused():
    _, (proposal,), admin = call_in_review(1)

    with pytest.raises(ValidationError) as exc:
        services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED, amount="15000.01"
        )

    assert exc.value.message_dict == {
        "amount": ["The amount cannot exceed the $15,000.00 requested."]
    }


@pytest.mark.django_db
def test_funding_beyond_the_budget_is_refused_and_nothing_is_saved():
    call, (first, second, third), admin = call_in_review(3, total_budget="40000")
    services.decision_record(proposal=first, actor=admin, outcome=DecisionOutcome.FUNDED)
    services.decision_record(proposal=second, actor=admin, outcome=DecisionOutcome.FUNDED)

    with pytest.raises(ValidationError) as exc:
        services.decision_record(proposal=third, actor=admin, outcome=DecisionOutcome.FUNDED)

    assert exc.value.message_dict["amount"] == [
        "Funding $15,000.00 would exceed the call's budget of $40,000.00: $30,000.00 is "
        "committed and only $10,000.00 remains."
    ]
    assert selectors.call_committed_amount(call) == Decimal("30000.00")
    assert not Award.objects.filter(proposal=third).exists()


@pytest.mark.django_db
def test_changing_funded_to_waitlisted_frees_budget_and_removes_award():
    call, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)

    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.WAITLISTED)

    assert selectors.call_committed_amount(call) == Decimal("0.00")
    assert not Award.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_only_administrators_decide():
    _, (proposal,), _ = call_in_review(1)

    with pytest.raises(PermissionDenied):
        services.decision_record(proposal=proposal, actor=proposal.pi, outcome="funded")


@pytest.mark.django_db
def test_unreleased_decision_is_hidden_from_applicant_history():
    _, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)

    public = [c.reason for c in selectors.state_history(proposal)]
    internal = [c.reason for c in selectors.state_history(proposal, include_internal=True)]

    assert "Decision recorded: Funded at $15,000.00." not in public
    assert internal[-1] == "Decision recorded: Funded at $15,000.00."
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_REVIEW


@pytest.mark.django_db
def test_release_sets_outcomes_mails_each_pi_and_marks_call_decided(
    mailoutbox, django_capture_on_commit_callbacks
):
    call, (funded, declined), admin = call_in_review(2)
    services.decision_record(proposal=funded, actor=admin, outcome=DecisionOutcome.FUNDED)
    services.decision_record(proposal=declined, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)

    with django_capture_on_commit_callbacks(execute=True):
        released = services.decisions_release(call=call, actor=admin)

    funded.refresh_from_db()
    declined.refresh_from_db()
    call.refresh_from_db()
    assert len(released) == 2
    assert funded.status == ProposalStatus.FUNDED
    assert declined.status == ProposalStatus.NOT_FUNDED
    assert call.status == CallStatus.DECIDED
    assert sorted(m.to[0] for m in mailoutbox[-2:]) == sorted([funded.pi.email, declined.pi.email])


@pytest.mark.django_db
def test_release_with_nothing_decided_is_an_error():
    call, _, admin = call_in_review(1)

    with pytest.raises(ValidationError):
        services.decisions_release(call=call, actor=admin)


@pytest.mark.django_db
def test_released_waitlisted_proposal_can_be_funded_later():
    call, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.WAITLISTED)
    services.decisions_release(call=call, actor=admin)

    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.FUNDED
    assert Award.objects.get(proposal=proposal).amount == Decimal("15000.00")


@pytest.mark.django_db
def test_decided_proposal_cannot_be_decided_again():
    call, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    services.decisions_release(call=call, actor=admin)

    proposal.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)


def test_stale_copy_of_a_decided_proposal_is_an_invalid_transition(db):
    call, (proposal,), admin = call_in_review(1)
    stale = type(proposal).objects.get(pk=proposal.pk)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    services.decisions_release(call=call, actor=admin)

    with pytest.raises(services.InvalidTransition):
        services.decision_record(proposal=stale, actor=admin, outcome=DecisionOutcome.FUNDED)


# On PostgreSQL the call row lock serialises the two; on SQLite, IMMEDIATE transactions do.
@pytest.mark.django_db(transaction=True)
def test_two_administrators_funding_at_once_never_overcommit():
    """Both requests fit the budget alone, not together: exactly one may win."""
    call, (first, second), admin = call_in_review(2, total_budget="20000")
    other_admin = make_admin()
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name, proposal, actor):
        try:
            barrier.wait(timeout=10)
            services.decision_record(proposal=proposal, actor=actor, outcome="funded")
            outcomes[name] = "funded"
        except ValidationError as exc:
            outcomes[name] = exc.message_dict["amount"][0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=("a", first, admin)),
        threading.Thread(target=decide, args=("b", second, other_admin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values())[1] == "funded"
    assert sorted(outcomes.values())[0].startswith("Funding $15,000.00 would exceed")
    assert selectors.call_committed_amount(call) == Decimal("15000.00")
    assert Award.objects.filter(call=call).count() == 1


def funded_award():
    call, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    return Award.objects.get(proposal=proposal), admin


@pytest.mark.django_db
def test_no_cost_extension_moves_the_end_date_and_records_history():
    award, admin = funded_award()
    new_end = award.end_date.replace(year=award.end_date.year + 1)

    services.award_transition(
        award=award, to=AwardStatus.NO_COST_EXTENSION, actor=admin, new_end_date=new_end
    )

    award.refresh_from_db()
    history = list(selectors.state_history(award))
    assert award.status == AwardStatus.NO_COST_EXTENSION
    assert award.end_date == new_end
    assert [(h.from_state, h.to_state) for h in history] == [("active", "no_cost_extension")]


@pytest.mark.django_db
def test_no_cost_extension_needs_a_later_end_date():
    award, admin = funded_award()

    with pytest.raises(ValidationError) as exc:
        services.award_transition(
            award=award, to=AwardStatus.NO_COST_EXTENSION, actor=admin, new_end_date=award.end_date
        )

    assert list(exc.value.message_dict) == ["new_end_date"]


@pytest.mark.django_db
def test_termination_needs_reason_and_sets_effective_end():
    award, admin = funded_award()
    with pytest.raises(ValidationError):
        services.award_transition(award=award, to=AwardStatus.TERMINATED, actor=admin)

    services.award_transition(
        award=award,
        to=AwardStatus.TERMINATED,
        actor=admin,
        reason="PI left the institution.",
        ended_on=award.start_date,
    )

    award.refresh_from_db()
    assert award.effective_end == award.start_date
    with pytest.raises(services.InvalidTransition):
        services.award_transition(award=award, to=AwardStatus.CLOSED, actor=admin)


@pytest.mark.django_db
def test_applicant_cannot_change_an_award():
    award, _ = funded_award()

    with pytest.raises(PermissionDenied):
        services.award_transition(award=award, to=AwardStatus.CLOSED, actor=award.proposal.pi)


@pytest.mark.django_db
def test_begin_review_closes_the_call_and_moves_submitted_proposals():
    admin = make_admin()
    call = make_call(one_per_applicant=False)
    submitted = make_submitted_proposal(call=call)
    returned = make_submitted_proposal(call=call)
    services.proposal_return(proposal=returned, actor=admin, reason="Fix the budget.")

    services.call_begin_review(call=call, actor=admin)

    call.refresh_from_db()
    submitted.refresh_from_db()
    returned.refresh_from_db()
    assert call.status == CallStatus.IN_REVIEW
    assert submitted.status == ProposalStatus.IN_REVIEW
    assert returned.status == ProposalStatus.RETURNED
    assert [(c.from_state, c.to_state) for c in selectors.state_history(call)] == [
        ("open", "closed"),
        ("closed", "in_review"),
    ]
