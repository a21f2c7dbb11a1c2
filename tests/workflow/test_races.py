"""Submitted means frozen, and decisions follow the review, under real concurrency: each child
write of a proposal raced against its submission, and withdrawals, conflicts and phase
changes raced against decisions and their release — threads on PostgreSQL, released together.
Whichever wins, the invariant holds afterwards (docs/invariants.md). Each race is run a few
times, since which thread takes the lock first varies.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/northstar \\
        .venv/bin/pytest tests/workflow/test_races.py -p no:cacheprovider
"""

from decimal import Decimal

import pytest

from grants import services as grant_services
from grants.choices import (
    AttachmentKind,
    BudgetCategory,
    DecisionOutcome,
    ProposalStatus,
    TeamRole,
)
from grants.models import Award, Decision, Endorsement, Proposal
from grants.selectors import proposal_blockers
from reviews import services as review_services
from reviews.choices import PanelDisposition, ReviewPhase
from reviews.models import ConflictOfInterest, PanelEntry, Review
from tests.api.support import call_in_review
from tests.factories import (
    make_proposal,
    make_review_setup,
    make_trainee_proposal,
    move_review_to,
    pdf_upload,
    reviewed_by,
)
from tests.support.races import POSTGRES_ONLY, run_together

pytestmark = [pytest.mark.django_db(transaction=True), POSTGRES_ONLY]

TRIES = 4


def assert_submitted_passes_its_checklist(proposal: Proposal) -> None:
    """A submitted proposal is one its checklist accepts (the deadline apart)."""
    proposal = Proposal.objects.select_related("call", "pi").get(pk=proposal.pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        return
    blockers = [
        b for b in proposal_blockers(proposal, now=proposal.submitted_at) if b.field != "call"
    ]
    assert blockers == []


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_budget_line_racing_submission_never_lands_on_a_submitted_proposal(attempt):
    proposal = make_proposal()  # $15,000 in two lines; the call's maximum is $25,000

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
        lambda: grant_services.budget_line_save(
            proposal=proposal,
            actor=proposal.pi,
            category=BudgetCategory.EQUIPMENT,
            description="A scanner",
            amount=Decimal("85000.00"),
        ),
    )

    proposal.refresh_from_db()
    submitted, line_saved = (kind == "ok" for kind, _ in outcomes)
    assert submitted != line_saved  # exactly one of them wins
    assert_submitted_passes_its_checklist(proposal)
    total = sum(line.amount for line in proposal.budget_lines.all())
    assert total == (Decimal("15000.00") if submitted else Decimal("100000.00"))


@pytest.mark.parametrize("attempt", range(TRIES))
def test_deleting_the_only_biosketch_racing_submission_never_submits_without_it(attempt):
    proposal = make_proposal()
    biosketch = proposal.attachments.get(kind=AttachmentKind.BIOSKETCH)

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
        lambda: grant_services.attachment_remove(attachment=biosketch, actor=proposal.pi),
    )

    proposal.refresh_from_db()
    submitted, removed = (kind == "ok" for kind, _ in outcomes)
    assert submitted != removed
    assert_submitted_passes_its_checklist(proposal)
    assert proposal.attachments.exists() == submitted


@pytest.mark.parametrize("attempt", range(TRIES))
def test_an_upload_racing_submission_is_kept_only_on_a_draft(attempt):
    proposal = make_proposal()

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
        lambda: grant_services.attachment_add(
            proposal=proposal,
            actor=proposal.pi,
            kind=AttachmentKind.LETTER_OF_SUPPORT,
            uploaded_file=pdf_upload("letter.pdf"),
        ),
    )

    proposal.refresh_from_db()
    submitted_first = outcomes[1][0] == "refused"
    assert outcomes[0][0] == "ok"  # the letter blocks nothing
    assert proposal.status == ProposalStatus.SUBMITTED
    assert proposal.attachments.count() == (1 if submitted_first else 2)


@pytest.mark.parametrize("attempt", range(TRIES))
def test_removing_the_mentor_racing_a_trainee_submission_never_submits_unendorsed(attempt):
    proposal, student, mentor = make_trainee_proposal(endorsed=True)
    member = proposal.team.get(user=mentor)

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=student),
        lambda: grant_services.team_member_remove(member=member, actor=student),
    )

    proposal.refresh_from_db()
    submitted, removed = (kind == "ok" for kind, _ in outcomes)
    assert submitted != removed
    assert_submitted_passes_its_checklist(proposal)
    assert Endorsement.objects.filter(proposal=proposal).exists() == submitted


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_mentor_declining_racing_submission_never_leaves_it_submitted_unendorsed(attempt):
    proposal, student, mentor = make_trainee_proposal(endorsed=True)
    endorsement = Endorsement.objects.get(proposal=proposal)

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=student),
        lambda: grant_services.endorsement_respond(
            endorsement=endorsement, actor=mentor, endorse=False, statement="Not ready yet."
        ),
    )

    proposal.refresh_from_db()
    endorsement.refresh_from_db()
    submitted, declined = (kind == "ok" for kind, _ in outcomes)
    assert submitted != declined
    assert_submitted_passes_its_checklist(proposal)
    assert endorsement.is_endorsed == submitted


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_team_member_added_racing_submission_lands_before_it_or_not_at_all(attempt):
    proposal = make_proposal()

    outcomes = run_together(
        lambda: grant_services.proposal_submit(proposal=proposal, actor=proposal.pi),
        lambda: grant_services.team_member_add(
            proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, full_name="A. Late"
        ),
    )

    proposal.refresh_from_db()
    assert outcomes[0][0] == "ok"  # a collaborator blocks nothing
    members = list(proposal.team.all())
    if outcomes[1][0] == "ok":
        assert [m.added_at <= proposal.submitted_at for m in members] == [True]
    else:
        assert members == []


@pytest.mark.parametrize("attempt", range(TRIES))
def test_withdrawal_racing_a_decision_never_leaves_an_award_for_a_withdrawn_proposal(attempt):
    call, (proposal,), admin = call_in_review(1)

    run_together(
        lambda: grant_services.decision_record(
            proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED
        ),
        lambda: grant_services.proposal_withdraw(proposal=proposal, actor=proposal.pi),
    )

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN  # a decision never blocks withdrawal
    assert not Decision.objects.filter(proposal=proposal).exists()
    assert not Award.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("attempt", range(TRIES))
def test_withdrawal_racing_release_never_makes_an_award_for_a_withdrawn_proposal(attempt):
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)

    outcomes = run_together(
        lambda: grant_services.decisions_release(call=call, actor=admin),
        lambda: grant_services.proposal_withdraw(proposal=proposal, actor=proposal.pi),
    )

    proposal.refresh_from_db()
    released, withdrawn = (kind == "ok" for kind, _ in outcomes)
    assert released != withdrawn
    if withdrawn:
        assert proposal.status == ProposalStatus.WITHDRAWN
        assert not Award.objects.filter(proposal=proposal).exists()
    else:
        assert proposal.status == ProposalStatus.FUNDED
        assert Award.objects.filter(proposal=proposal).count() == 1


def _review_at_the_panel():
    setup = make_review_setup(proposals=1, members=3)
    (proposal,) = setup.proposals
    reviewed_by(setup, proposal, setup.members, impact=2)
    move_review_to(setup, ReviewPhase.PANEL)
    review_services.panel_set_disposition(
        proposal=proposal, disposition=PanelDisposition.NOT_DISCUSSED, actor=setup.admin
    )
    return setup, proposal


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_conflict_racing_the_close_of_review_is_either_early_or_late_never_half(attempt):
    setup, proposal = _review_at_the_panel()
    late = setup.members[0]

    outcomes = run_together(
        lambda: review_services.review_phase_transition(
            call=setup.call, to=ReviewPhase.CLOSED, actor=setup.chair
        ),
        lambda: review_services.conflict_declare(
            proposal=proposal, reviewer=late, actor=late, reason="collaborator"
        ),
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    conflict = ConflictOfInterest.objects.get(proposal=proposal, reviewer=late)
    reviews_left = Review.objects.filter(assignment__proposal=proposal).count()
    # Early: the reviewer leaves the proposal entirely. Late: the results stand.
    assert reviews_left == (3 if conflict.after_review_closed else 2)
    setup.call.refresh_from_db()
    assert setup.call.committee_review_open is False


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_decision_racing_the_close_of_review_lands_only_after_it(attempt):
    setup, proposal = _review_at_the_panel()

    outcomes = run_together(
        lambda: review_services.review_phase_transition(
            call=setup.call, to=ReviewPhase.CLOSED, actor=setup.chair
        ),
        lambda: grant_services.decision_record(
            proposal=proposal, actor=setup.admin, outcome=DecisionOutcome.NOT_FUNDED
        ),
    )

    closed, decided = (kind == "ok" for kind, _ in outcomes)
    assert closed
    assert Decision.objects.filter(proposal=proposal).exists() == decided
    assert PanelEntry.objects.get(proposal=proposal).disposition == PanelDisposition.NOT_DISCUSSED
    if not decided:
        assert type(outcomes[1][1]).__name__ == "InvalidTransition"
