"""The demo's limited submission (demo.toml, "A limited submission"): the sponsor takes two;
five center pre-proposals reviewed, scored and the review closed, nobody nominated — what the
README's demo table says to try, through the pages."""

import pytest
from django.utils import timezone

from accounts.models import User
from demo.content import load_demo
from grants.choices import CallStatus, ProposalStatus
from grants.models import Award, Decision, FundingCall
from reviews.choices import ReviewPhase
from tests.support.clients import signed_in

DEMO = load_demo()
LIMITED = DEMO.calls["limited"]


def test_demo_data_limited_submission_is_one_with_its_sponsor():
    fields = LIMITED.fields
    assert fields["nominations_allowed"] == 2
    assert fields["sponsor"] and fields["sponsor_opportunity"]
    assert "sponsor_due" in LIMITED.times
    assert len(LIMITED.proposals) > fields["nominations_allowed"]
    committee = {DEMO.committee["chair"], *DEMO.committee["members"]}
    assert not {plan.pi for plan in LIMITED.proposals} & committee


@pytest.mark.django_db
class TestLimitedSubmissionDemo:
    def test_the_call_is_in_review_with_its_review_closed_and_nobody_nominated(self, demo):
        call = FundingCall.objects.get(title=LIMITED.title)
        proposals = list(call.proposals.select_related("panel_entry"))

        assert (call.status, call.nominations_allowed, call.is_limited_submission) == (
            CallStatus.IN_REVIEW,
            2,
            True,
        )
        assert call.closes_at < timezone.now()
        assert call.sponsor_deadline > timezone.localdate()
        call.full_clean()  # the sponsor named, its deadline after the call's
        assert call.call_review.phase == ReviewPhase.CLOSED
        assert {p.status for p in proposals} == {ProposalStatus.IN_REVIEW}
        scored = sorted(
            p.panel_entry.final_impact_score
            for p in proposals
            if hasattr(p, "panel_entry") and p.panel_entry.final_impact_score
        )
        assert scored == sorted(
            plan.final_impact for plan in LIMITED.proposals if plan.final_impact
        )
        assert not Decision.objects.filter(call=call).exists()
        assert not Award.objects.filter(call=call).exists()

    def test_the_ranking_draws_the_nomination_line_after_two_and_refuses_a_third(self, demo):
        call = FundingCall.objects.get(title=LIMITED.title)
        admin = User.objects.get(username="admin")
        client = signed_in(admin)

        page = client.get(f"/review/calls/{call.pk}/ranking/")

        html = page.content.decode()
        assert "Nomination line:</strong> the sponsor's 2 places run out here." in html
        assert page.context["ranking"].pay_line_rank == 3
        first, second, third = (row.proposal for row in page.context["ranking"].rows[:3])
        for proposal in (first, second):
            response = client.post(
                f"/review/calls/{call.pk}/ranking/{proposal.pk}/decide/", {"outcome": "nominated"}
            )
            assert response.status_code == 302
        refused = client.post(
            f"/review/calls/{call.pk}/ranking/{third.pk}/decide/", {"outcome": "nominated"}
        )
        assert refused.status_code == 200
        assert "are already nominated" in refused.content.decode()
        assert Decision.objects.filter(call=call, outcome="nominated").count() == 2
