"""demo.journeys: a call taken from the assignment phase to released decisions through the
services, as the demo and the tests' builders do."""

import pytest

from demo import journeys
from grants.choices import DecisionOutcome, ProposalStatus
from reviews.choices import PanelDisposition, ReviewPhase, ReviewStatus
from reviews.models import CallReview, PanelEntry, Review
from tests.factories import complete_review_data, make_review_setup, staff_if_nobody_is

pytestmark = pytest.mark.django_db


def test_call_through_review_reviews_discusses_closes_decides_and_releases():
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    strong, weak = setup.proposals
    reviewers = setup.members[:2]

    decisions = journeys.call_through_review(
        call=setup.call,
        actor=setup.admin,
        chair=setup.chair,
        assignments={strong: reviewers, weak: reviewers},
        review_data=lambda assignment: complete_review_data(setup.call, impact=2),
        discussed={strong: {member: 2 for member in setup.members}},
        decisions=[
            journeys.PlannedDecision(strong, DecisionOutcome.FUNDED),
            journeys.PlannedDecision(weak, DecisionOutcome.NOT_FUNDED),
        ],
    )

    assert [d.outcome for d in decisions] == [DecisionOutcome.FUNDED, DecisionOutcome.NOT_FUNDED]
    assert Review.objects.filter(status=ReviewStatus.SUBMITTED).count() == 4
    assert CallReview.objects.get(call=setup.call).phase == ReviewPhase.CLOSED
    entry = PanelEntry.objects.get(proposal=strong)
    assert (entry.disposition, entry.final_impact_score) == (PanelDisposition.DISCUSSED, 20)
    assert PanelEntry.objects.get(proposal=weak).disposition == PanelDisposition.NOT_DISCUSSED
    strong.refresh_from_db()
    weak.refresh_from_db()
    assert (strong.status, weak.status) == (ProposalStatus.FUNDED, ProposalStatus.NOT_FUNDED)
    assert all(d.released_at is not None for d in (strong.decision, weak.decision))


def test_decisions_record_wraps_each_decision_in_its_step():
    setup = make_review_setup(proposals=2)
    staff_if_nobody_is(setup)
    journeys.panel_close(call=setup.call, actor=setup.admin, chair=setup.chair)
    steps = []

    class Step:
        def __init__(self, step):
            self.step = step

        def __enter__(self):
            steps.append(self.step)

        def __exit__(self, *exc):
            return False

    journeys.decisions_record(
        decisions=[
            journeys.PlannedDecision(p, DecisionOutcome.NOT_FUNDED) for p in setup.proposals
        ],
        actor=setup.admin,
        during=Step,
    )

    assert steps == [0, 1]
