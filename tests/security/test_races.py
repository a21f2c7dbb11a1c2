"""Races that matter, run for real: threads on PostgreSQL, released together by a barrier.

Each thread has its own database connection (closed when it ends) and calls the same service a
user's request would. Row locks only mean something on a database that has them, so these
tests run on PostgreSQL only:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/northstar_races \\
        .venv/bin/pytest tests/security/test_races.py -p no:cacheprovider
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import services as grant_services
from grants.choices import DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, Proposal, StateChange
from grants.selectors import call_committed_amount
from grants.services import InvalidTransition, StaleVersion
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Assignment, Review
from tests.api.support import call_in_review
from tests.factories import make_proposal, make_review_setup, move_review_to
from tests.support.races import POSTGRES_ONLY, run_together

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]


def test_concurrent_funding_decisions_never_exceed_the_budget():
    # $40,000 left; four decisions of $15,000 each arrive at once: two fit, two do not.
    call, proposals, admin = call_in_review(4, total_budget="40000")

    outcomes = run_together(
        *[
            lambda p=p: grant_services.decision_record(
                proposal=p, actor=admin, outcome=DecisionOutcome.FUNDED
            )
            for p in proposals
        ]
    )

    funded = [o for o in outcomes if o[0] == "ok"]
    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert len(funded) == 2
    assert [type(exc) for exc in refused] == [ValidationError] * 2
    assert [list(exc.message_dict) for exc in refused] == [["amount"], ["amount"]]
    assert call_committed_amount(call) == Decimal("30000.00")
    assert Decision.objects.filter(call=call, outcome=DecisionOutcome.FUNDED).count() == 2
    assert Award.objects.filter(call=call).count() == 2
    assert sum(a.amount for a in Award.objects.filter(call=call)) <= call.total_budget


def test_concurrent_decisions_of_different_sizes_fund_exactly_what_fits():
    # $40,000: $15,000 + $15,000 + $12,000 + $10,000 asked at once. Whatever the order, every
    # refused one would not have fitted beside those funded, and the total stays in budget.
    call, proposals, admin = call_in_review(4, total_budget="40000")
    amounts = [Decimal("15000"), Decimal("15000"), Decimal("12000"), Decimal("10000")]

    outcomes = run_together(
        *[
            lambda p=p, amount=amount: grant_services.decision_record(
                proposal=p,
                actor=admin,
                outcome=DecisionOutcome.FUNDED,
                amount=amount,
                reason="Reduced to fit the budget." if amount < Decimal("15000") else "",
            )
            for p, amount in zip(proposals, amounts, strict=True)
        ]
    )

    committed = call_committed_amount(call)
    funded = [amount for (kind, _), amount in zip(outcomes, amounts, strict=True) if kind == "ok"]
    refused = [a for (kind, _), a in zip(outcomes, amounts, strict=True) if kind == "refused"]
    assert committed == sum(funded)
    assert committed <= call.total_budget
    assert refused, "the four cannot all fit"
    assert all(committed + amount > call.total_budget for amount in refused)
    assert Award.objects.filter(call=call).count() == len(funded)


def test_double_submission_submits_once():
    proposal = make_proposal()

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
    )

    kinds = sorted(kind for kind, _ in outcomes)
    refusal = next(result for kind, result in outcomes if kind == "refused")
    proposal.refresh_from_db()
    assert kinds == ["ok", "refused"]
    assert isinstance(refusal, InvalidTransition)  # the API's 409
    assert proposal.status == ProposalStatus.SUBMITTED
    assert (
        StateChange.objects.filter(object_id=proposal.pk, to_state=ProposalStatus.SUBMITTED).count()
        == 1
    )


def test_two_windows_saving_the_same_version_at_once_one_wins_the_other_is_told():
    proposal = make_proposal(complete=False)

    def save(title: str):
        return lambda: grant_services.proposal_update(
            proposal=Proposal.objects.get(pk=proposal.pk),
            actor=proposal.pi,
            data={"title": title, "abstract": f"{title}'s abstract."},
            expected_version=0,
        )

    outcomes = run_together(save("Window A"), save("Window B"))

    winner = next(result for kind, result in outcomes if kind == "ok")
    loser = next(result for kind, result in outcomes if kind == "refused")
    proposal.refresh_from_db()
    assert isinstance(loser, StaleVersion)
    assert (proposal.version, proposal.title) == (1, winner.title)
    assert proposal.abstract == f"{winner.title}'s abstract."  # never half of each


def test_two_windows_saving_the_same_review_draft_at_once_one_wins():
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=3)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    assignment = Assignment.objects.filter(proposal=setup.proposals[0]).order_by("pk").first()
    review_services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)

    def save(text: str):
        return lambda: review_services.review_save_draft(
            assignment=assignment,
            actor=assignment.reviewer,
            data={"overall_paragraph": text, "comments_to_applicant": text},
            expected_version=0,
        )

    outcomes = run_together(save("From A."), save("From B."))

    kinds = sorted(kind for kind, _ in outcomes)
    loser = next(result for kind, result in outcomes if kind == "refused")
    review = Review.objects.get(assignment=assignment)
    assert kinds == ["ok", "refused"]
    assert isinstance(loser, StaleVersion)
    assert Review.objects.filter(assignment=assignment).count() == 1
    assert review.version == 1
    assert review.overall_paragraph == review.comments_to_applicant


def test_concurrent_nominations_never_pass_the_sponsors_limit():
    # A limited submission the sponsor takes two of; four nominations arrive at once.
    from tests.grants.test_limited_submissions import limited_call

    call, proposals, admin = limited_call(4, allowed=2)

    outcomes = run_together(
        *[
            lambda p=p: grant_services.decision_record(
                proposal=p, actor=admin, outcome=DecisionOutcome.NOMINATED
            )
            for p in proposals
        ]
    )

    refused = [o[1] for o in outcomes if o[0] == "refused"]
    assert sum(1 for o in outcomes if o[0] == "ok") == 2
    assert [list(exc.message_dict) for exc in refused] == [["outcome"], ["outcome"]]
    assert Decision.objects.filter(call=call, outcome=DecisionOutcome.NOMINATED).count() == 2
    assert not Award.objects.filter(call=call).exists()
