"""The committee's pages, through the web client: the reviewer's conflict check, review sheet
and read phase; the chair's assignment board, panel and resume; the members' ballot; the
administrator's ranking, decisions and release; and the applicant's summary statement.

Who may reach which page is the matrix in ``test_page_matrix.py``; the rules behind the pages
are tested on the services in ``test_services.py``.
"""

import html
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants import selectors as grant_selectors
from grants import services as grant_services
from grants.choices import DecisionOutcome, ProposalStatus
from grants.models import Award, Decision
from reviews import services
from reviews.choices import (
    ConflictReason,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from reviews.models import Assignment, FinalScore, PanelEntry, Review
from reviews.selectors import criteria_for
from tests.factories import (
    ReviewSetup,
    close_review,
    make_admin,
    make_call_in_review,
    make_committee,
    move_review_to,
    submit_review,
)
from tests.reviews.support import assignments_of
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


# ---- Helpers ---------------------------------------------------------------------------------


def flashed(response) -> list[str]:
    """The messages this request added (read from its redirect, before a page shows them;
    messages of earlier requests that no page has shown yet are left out)."""
    storage = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def review_setup(
    *,
    proposals: int = 1,
    members: int = 3,
    reviewers_per_proposal: int = 3,
    total_budget: Decimal = Decimal("100000"),
) -> ReviewSetup:
    """A call in review (each proposal requests $15,000) with a chair and ``members`` members."""
    call, items, admin = make_call_in_review(
        proposals=proposals, total_budget=total_budget, max_award=min(total_budget, Decimal(25000))
    )
    committee = make_committee(admin=admin, members=members)
    call_review = services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=reviewers_per_proposal,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    return ReviewSetup(
        call=call, proposals=items, admin=admin, committee=committee, call_review=call_review
    )


def staffed_by_hand(setup: ReviewSetup, reviewers: int = 3) -> ReviewSetup:
    """Every proposal reviewed by the first ``reviewers`` members (never the chair), in the
    independent review phase."""
    for proposal in setup.proposals:
        for member in setup.members[:reviewers]:
            services.assignment_create(proposal=proposal, reviewer=member, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    return setup


def review_all(setup: ReviewSetup, impacts: dict[int, int] | None = None) -> None:
    """Every assigned reviewer submits; ``impacts`` maps proposal ids to their overall impact."""
    for proposal in setup.proposals:
        for assignment in assignments_of(proposal):
            submit_review(assignment, impact=(impacts or {}).get(proposal.pk, 3))


def finalize(setup: ReviewSetup, proposal, scores: list[int]) -> PanelEntry:
    """The chair and members give ``scores`` (in that order) and the chair finalizes."""
    voters = [setup.chair, *setup.members]
    for voter, score in zip(voters, scores, strict=False):
        services.final_score_record(proposal=proposal, actor=voter, score=score)
    return services.panel_finalize(
        proposal=proposal, actor=setup.chair, resume_of_discussion="The panel liked the aims."
    )


def sheet_form(
    call,
    *,
    score="2",
    sufficient="sufficient",
    explanation="",
    impact="3",
    action="save",
    version=0,
) -> dict[str, str]:
    """The review sheet as the browser posts it, every criterion filled in (``version``: the
    review's version when the sheet was opened, 0 before it exists)."""
    data = {
        "action": action,
        "version": str(version),
        "overall_impact": impact,
        "overall_paragraph": "A strong, feasible pilot with a clear community partner.",
        "comments_to_applicant": "Consider a larger sample in the next round.",
        "confidential_comments": "CONFIDENTIAL: the PI is overcommitted.",
    }
    for criterion in criteria_for(call):
        prefix = f"c{criterion.pk}_"
        if criterion.kind == CriterionKind.SCORE:
            data[prefix + "score"] = score
        else:
            data[prefix + "sufficient"] = sufficient
            data[prefix + "explanation"] = explanation
        data[prefix + "strengths"] = f"Strengths of {criterion.name}."
        data[prefix + "weaknesses"] = f"Weaknesses of {criterion.name}."
    return data


def criterion(call, kind: str):
    return criteria_for(call).filter(kind=kind).first()


def certified(assignment: Assignment) -> Assignment:
    return services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def mentions(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", text) is not None


@pytest.fixture
def one_proposal():
    """One proposal in independent review with three assigned members (the chair is not)."""
    return staffed_by_hand(review_setup(proposals=1, members=3))


# ---- Conflict check, proposal and files ------------------------------------------------------


def test_reviewer_certifies_no_conflict_then_reads_the_proposal_and_its_file(one_proposal):
    proposal = one_proposal.proposals[0]
    assignment = assignments_of(proposal)[0]
    attachment = proposal.attachments.get()
    client = signed_in(assignment.reviewer)

    queue = client.get(reverse("reviews:queue"))
    before = client.get(reverse("reviews:review", args=[assignment.pk]))
    certify = client.post(
        reverse("reviews:conflict_check", args=[assignment.pk]), {"action": "certify"}
    )
    page = client.get(reverse("reviews:proposal", args=[proposal.pk]))
    download = client.get(reverse("reviews:attachment_download", args=[proposal.pk, attachment.pk]))

    assignment.refresh_from_db()
    assert reverse("reviews:conflict_check", args=[assignment.pk]) in queue.content.decode()
    assert before.status_code == 302
    assert before["Location"] == reverse("reviews:conflict_check", args=[assignment.pk])
    assert certify.status_code == 302
    assert certify["Location"] == reverse("reviews:proposal", args=[proposal.pk])
    assert assignment.certified_no_conflict_at is not None
    assert page.status_code == 200
    assert proposal.title in page.content.decode()
    assert (
        reverse("reviews:attachment_download", args=[proposal.pk, attachment.pk])
        in page.content.decode()
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="biosketch.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_review_sheet_shows_the_scale_beside_the_buttons(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])

    response = signed_in(assignment.reviewer).get(reverse("reviews:review", args=[assignment.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    for value, label in ((1, "Exceptional"), (5, "Good"), (9, "Poor")):
        assert (
            f'<span class="score-number">{value}</span> <span class="score-label">{label}</span>'
            in content
        )
    assert response.context["editable"] is True
    assert f'data-autosave="review-{assignment.pk}"' in content
    assert 'id="autosave-restore"' in content


def test_declaring_a_conflict_hides_the_proposal_its_files_and_reviews():
    setup = staffed_by_hand(review_setup(proposals=1, members=3))
    proposal = setup.proposals[0]
    mine, *others = assignments_of(proposal)
    for other in others:
        submit_review(other)
    submit_review(mine)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    attachment = proposal.attachments.get()
    client = signed_in(mine.reviewer)
    urls = [
        reverse("reviews:proposal", args=[proposal.pk]),
        reverse("reviews:attachment_download", args=[proposal.pk, attachment.pk]),
        reverse("reviews:proposal_reviews", args=[proposal.pk]),
        reverse("reviews:review", args=[mine.pk]),
        reverse("reviews:conflict_check", args=[mine.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200, 200, 200]

    response = client.post(
        reverse("reviews:conflict_check", args=[mine.pk]),
        {"action": "declare", "reason": ConflictReason.SAME_LAB, "explanation": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:queue")
    assert flashed(response) == [
        "Your conflict is recorded. The proposal has been taken off your list; "
        "you will not see it or its reviews."
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404, 404]
    assert list(client.get(reverse("reviews:queue")).context["assignments"]) == []
    assert not Assignment.objects.filter(pk=mine.pk).exists()


def test_declaring_an_other_conflict_needs_an_explanation(one_proposal):
    assignment = assignments_of(one_proposal.proposals[0])[0]

    response = signed_in(assignment.reviewer).post(
        reverse("reviews:conflict_check", args=[assignment.pk]),
        {"action": "declare", "reason": ConflictReason.OTHER, "explanation": "  "},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"explanation": ["Explain the conflict."]}
    assert Assignment.objects.filter(pk=assignment.pk).exists()


# ---- The review sheet ------------------------------------------------------------------------


def test_saving_a_draft_keeps_the_text(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    call = one_proposal.call
    factor1 = criterion(call, CriterionKind.SCORE)
    client = signed_in(assignment.reviewer)

    response = client.post(
        reverse("reviews:review", args=[assignment.pk]),
        {
            "action": "save",
            "version": "0",
            f"c{factor1.pk}_score": "4",
            f"c{factor1.pk}_strengths": "An urgent problem in the valley.",
            "overall_paragraph": "Half written.",
        },
    )
    page = client.get(reverse("reviews:review", args=[assignment.pk]))

    review = Review.objects.get(assignment=assignment)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review", args=[assignment.pk])
    assert flashed(response) == ["Draft saved."]
    assert review.status == ReviewStatus.DRAFT
    assert review.overall_paragraph == "Half written."
    assert review.scores.get(criterion=factor1).score == 4
    assert "An urgent problem in the valley." in page.content.decode()
    assert "Half written." in page.content.decode()
    assert [row["current"] for row in page.context["rows"]][0] == "4"


@pytest.mark.parametrize("bad", ["0", "10", "abc"])
def test_score_outside_1_to_9_is_a_field_error_and_the_other_text_is_kept(one_proposal, bad):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    call = one_proposal.call
    factor1 = criterion(call, CriterionKind.SCORE)
    data = sheet_form(call)
    data[f"c{factor1.pk}_score"] = bad

    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]), data
    )

    review = Review.objects.get(assignment=assignment)
    row = response.context["rows"][0]
    assert response.status_code == 200
    assert row["criterion"] == factor1
    assert len(row["errors"]) == 1
    assert row["current"] == bad
    assert [r["errors"] for r in response.context["rows"][1:]] == [[], [], []]
    assert row["strengths"] == "Strengths of Factor 1: Importance of the Research."
    assert review.scores.get(criterion=factor1).score is None
    assert review.scores.get(criterion=factor1).strengths == (
        "Strengths of Factor 1: Importance of the Research."
    )
    assert review.overall_paragraph == data["overall_paragraph"]
    assert review.confidential_comments == data["confidential_comments"]
    assert data["overall_paragraph"] in response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "Saved, except the items marked below."
    ]


def test_submitting_insufficient_without_explanation_is_refused(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    call = one_proposal.call
    factor3 = criterion(call, CriterionKind.SUFFICIENCY)
    data = sheet_form(call, sufficient="insufficient", explanation="", action="submit")

    response = signed_in(assignment.reviewer).post(
        reverse("reviews:review", args=[assignment.pk]), data
    )

    review = Review.objects.get(assignment=assignment)
    row = next(r for r in response.context["rows"] if r["criterion"] == factor3)
    assert response.status_code == 200
    assert row["explanation_errors"] == [
        "Explain why Factor 3: Expertise and Resources is insufficient."
    ]
    assert row["current"] == "insufficient"
    assert review.status == ReviewStatus.DRAFT
    assert review.scores.get(criterion=factor3).sufficient is False
    assert [str(m) for m in response.context["messages"]] == [
        "Your draft is saved. Complete the items marked below to submit it."
    ]


def test_submitting_locks_the_review(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    call = one_proposal.call
    client = signed_in(assignment.reviewer)
    url = reverse("reviews:review", args=[assignment.pk])

    submitted = client.post(url, sheet_form(call, impact="2", action="submit"), follow=True)
    later = client.post(url, {**sheet_form(call, impact="7"), "overall_paragraph": "Changed."})
    page = client.get(url)

    review = Review.objects.get(assignment=assignment)
    assert submitted.redirect_chain == [(reverse("reviews:queue"), 302)]
    assert [str(m) for m in submitted.context["messages"]] == [
        "Your review is submitted. You can now read the other reviews of this proposal once "
        "the read phase opens."
    ]
    assert review.status == ReviewStatus.SUBMITTED
    assert review.overall_impact == 2
    assert review.overall_paragraph == "A strong, feasible pilot with a clear community partner."
    assert later.status_code == 200
    assert later.context["general_errors"] == [
        "This review is submitted; ask the chair to reopen it."
    ]
    assert [str(m) for m in later.context["messages"]] == ["Nothing was saved."]
    assert page.context["editable"] is False
    assert "It is locked." in page.content.decode()
    assert 'value="submit"' not in page.content.decode()


def test_autosave_answers_json(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    call = one_proposal.call
    factor1 = criterion(call, CriterionKind.SCORE)
    client = signed_in(assignment.reviewer)
    url = reverse("reviews:review", args=[assignment.pk])

    saved = client.post(
        url, {"overall_paragraph": "Typed so far.", "version": "0"}, headers={"X-Autosave": "1"}
    )
    refused = client.post(
        url,
        {
            f"c{factor1.pk}_score": "12",
            "overall_paragraph": "Typed a little more.",
            "version": str(saved.json()["version"]),
        },
        headers={"X-Autosave": "1"},
    )

    review = Review.objects.get(assignment=assignment)
    assert saved.status_code == 200
    assert saved["Content-Type"] == "application/json"
    assert saved.json()["errors"] == {}
    assert saved.json()["saved"] is True
    assert re.fullmatch(r"\d{1,2}:\d\d:\d\d [AP]M", saved.json()["saved_at"])
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == [f"criterion_{factor1.pk}_score"]
    assert refused.json()["saved"] is True
    assert (saved.json()["version"], refused.json()["version"]) == (1, 2) == (1, review.version)
    assert review.overall_paragraph == "Typed a little more."
    assert review.status == ReviewStatus.DRAFT


# ---- The read phase --------------------------------------------------------------------------


def test_reviewer_reads_the_other_reviews_only_after_submitting_their_own():
    setup = staffed_by_hand(review_setup(proposals=1, members=3))
    proposal = setup.proposals[0]
    mine, *others = assignments_of(proposal)
    for other in others:
        submit_review(other, impact=4)
    certified(mine)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    client = signed_in(mine.reviewer)
    url = reverse("reviews:proposal_reviews", args=[proposal.pk])

    before = client.get(url)
    client.post(reverse("reviews:review", args=[mine.pk]), sheet_form(setup.call, action="submit"))
    after = client.get(url)

    assert before.status_code == 302
    assert before["Location"] == reverse("reviews:proposal", args=[proposal.pk])
    assert flashed(before) == [
        "You can read the other reviews after submitting your own, once the read phase opens."
    ]
    assert after.status_code == 200
    assert [r.assignment_id for r in after.context["reviews"]] == [
        mine.pk,
        *(o.pk for o in others),
    ]
    assert "CONFIDENTIAL: the PI is overcommitted." in after.content.decode()


def test_submitted_reviewer_waits_for_the_read_phase(one_proposal):
    proposal = one_proposal.proposals[0]
    mine, other, _ = assignments_of(proposal)
    submit_review(other)
    submit_review(mine)

    response = signed_in(mine.reviewer).get(reverse("reviews:proposal_reviews", args=[proposal.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:proposal", args=[proposal.pk])


def test_reviewer_never_reads_another_proposals_reviews():
    setup = review_setup(proposals=2, members=3)
    first, second = setup.proposals
    mine = services.assignment_create(proposal=first, reviewer=setup.members[0], actor=setup.chair)
    theirs = services.assignment_create(
        proposal=second, reviewer=setup.members[1], actor=setup.chair
    )
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    submit_review(mine)
    submit_review(theirs)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    client = signed_in(setup.members[0])

    own = client.get(reverse("reviews:proposal_reviews", args=[first.pk]))
    other = client.get(reverse("reviews:proposal_reviews", args=[second.pk]))

    assert own.status_code == 200
    assert other.status_code == 404


def test_conflicted_member_never_reads_the_reviews():
    setup = staffed_by_hand(review_setup(proposals=1, members=3))
    proposal = setup.proposals[0]
    for assignment in assignments_of(proposal):
        submit_review(assignment)
    move_review_to(setup, ReviewPhase.PANEL)
    member = setup.members[0]
    client = signed_in(member)
    url = reverse("reviews:proposal_reviews", args=[proposal.pk])
    assert client.get(url).status_code == 200

    services.conflict_declare(
        proposal=proposal,
        reviewer=member,
        actor=setup.chair,
        reason=ConflictReason.FAMILY,
    )

    assert client.get(url).status_code == 404
    assert client.get(reverse("reviews:proposal", args=[proposal.pk])).status_code == 404


def test_chair_reopens_a_review_with_a_reason(one_proposal):
    proposal = one_proposal.proposals[0]
    assignment = assignments_of(proposal)[0]
    review = submit_review(assignment)
    chair = signed_in(one_proposal.chair)

    page = chair.get(reverse("reviews:proposal_reviews", args=[proposal.pk]))
    no_reason = chair.post(reverse("reviews:review_reopen", args=[review.pk]), {"reason": ""})
    review.refresh_from_db()
    still_submitted = review.status
    response = chair.post(
        reverse("reviews:review_reopen", args=[review.pk]),
        {"reason": "The Factor 2 critique is missing."},
    )
    sheet = signed_in(assignment.reviewer).get(reverse("reviews:review", args=[assignment.pk]))

    review.refresh_from_db()
    history = grant_selectors.state_history(review, include_internal=True)
    assert page.context["can_reopen"] == {review.pk: True}
    assert reverse("reviews:review_reopen", args=[review.pk]) in page.content.decode()
    assert flashed(no_reason) == ["Give a reason for reopening the review."]
    assert still_submitted == ReviewStatus.SUBMITTED
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:proposal_reviews", args=[proposal.pk])
    assert flashed(response) == ["The review is reopened; the reviewer can edit it again."]
    assert review.status == ReviewStatus.DRAFT
    assert review.reopened_count == 1
    assert [(h.to_state, h.actor, h.reason) for h in history][-1] == (
        ReviewStatus.DRAFT,
        one_proposal.chair,
        "The Factor 2 critique is missing.",
    )
    assert sheet.context["editable"] is True


# ---- The chair's assignment board ------------------------------------------------------------


def test_chair_auto_assigns_through_the_page_and_hears_what_could_not_be_staffed():
    setup = review_setup(proposals=2, members=1, reviewers_per_proposal=3)
    first, second = setup.proposals
    client = signed_in(setup.chair)

    response = client.post(reverse("reviews:call_auto_assign", args=[setup.call.pk]))
    page = client.get(response["Location"])
    again = client.get(reverse("reviews:call_manage", args=[setup.call.pk]))

    reason = "Only 2 committee member(s) are free of conflicts with it; it needs 3."
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:call_manage", args=[setup.call.pk])
    assert flashed(response) == ["4 assignments made."]
    assert Assignment.objects.filter(proposal__call=setup.call).count() == 4
    assert page.context["auto_result"] == [
        {"proposal": f"NS-{first.pk} {first.title}", "reason": reason},
        {"proposal": f"NS-{second.pk} {second.title}", "reason": reason},
    ]
    assert "These proposals could not be fully staffed" in page.content.decode()
    assert again.context["auto_result"] is None


def test_chair_assigns_swaps_and_removes_reviewers_on_the_board():
    setup = review_setup(proposals=1, members=3, reviewers_per_proposal=2)
    proposal = setup.proposals[0]
    first, second, spare = setup.members
    client = signed_in(setup.chair)
    add_url = reverse("reviews:assignment_add", args=[setup.call.pk, proposal.pk])
    client.post(add_url, {"reviewer": first.pk})
    client.post(add_url, {"reviewer": second.pk})
    outgoing = Assignment.objects.get(proposal=proposal, reviewer=second)
    keep = Assignment.objects.get(proposal=proposal, reviewer=first)

    duplicate = client.post(
        reverse("reviews:assignment_change", args=[setup.call.pk, outgoing.pk]),
        {"reviewer": first.pk},
    )
    swap = client.post(
        reverse("reviews:assignment_change", args=[setup.call.pk, outgoing.pk]),
        {"reviewer": spare.pk},
    )
    remove = client.post(
        reverse("reviews:assignment_change", args=[setup.call.pk, keep.pk]),
        {"action": "remove"},
    )

    assert flashed(duplicate) == [f"{first.display_name} is already reviewing this proposal."]
    assert flashed(swap) == ["Assignment swapped."]
    assert flashed(remove) == ["Assignment removed."]
    assert [(a.reviewer, a.role) for a in assignments_of(proposal)] == [(spare, "secondary")]
    board = client.get(reverse("reviews:call_manage", args=[setup.call.pk]))
    assert [a.reviewer for a in board.context["board"][0].review_assignments.all()] == [spare]


def test_a_chair_conflicted_with_a_proposal_cannot_touch_it_and_gets_404():
    setup = review_setup(proposals=2, members=3)
    first, second = setup.proposals
    services.conflict_declare(
        proposal=first, reviewer=setup.chair, actor=setup.chair, reason=ConflictReason.SAME_LAB
    )
    for proposal in setup.proposals:
        for member in setup.members:
            services.assignment_create(proposal=proposal, reviewer=member, actor=setup.admin)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    call_pk = setup.call.pk
    theirs = assignments_of(first)[0]
    client = signed_in(setup.chair)

    board = client.get(reverse("reviews:call_manage", args=[call_pk]))
    add = client.post(
        reverse("reviews:assignment_add", args=[call_pk, first.pk]),
        {"reviewer": setup.members[0].pk},
    )
    remove = client.post(
        reverse("reviews:assignment_change", args=[call_pk, theirs.pk]), {"action": "remove"}
    )
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    refused = [
        client.post(
            reverse("reviews:panel_disposition", args=[call_pk, first.pk]),
            {"disposition": PanelDisposition.NOT_DISCUSSED},
        ).status_code,
        client.get(reverse("reviews:panel_proposal", args=[call_pk, first.pk])).status_code,
        client.get(reverse("reviews:proposal", args=[first.pk])).status_code,
        client.get(reverse("reviews:proposal_reviews", args=[first.pk])).status_code,
        client.get(reverse("reviews:summary_statement", args=[first.pk])).status_code,
    ]
    admin = signed_in(setup.admin).get(reverse("reviews:panel_proposal", args=[call_pk, first.pk]))

    content = board.content.decode()
    assert board.context["conflicted"] == {first.pk}
    assert "You have a conflict with this proposal" in content
    assert reverse("reviews:assignment_add", args=[call_pk, first.pk]) not in content
    assert reverse("reviews:assignment_add", args=[call_pk, second.pk]) in content
    assert (add.status_code, remove.status_code) == (404, 404)
    assert Assignment.objects.filter(pk=theirs.pk).exists()
    assert refused == [404, 404, 404, 404, 404]
    assert PanelEntry.objects.get(proposal=first).disposition == PanelDisposition.DISCUSSED
    assert admin.status_code == 200


# ---- The panel -------------------------------------------------------------------------------


@pytest.fixture
def three_in_panel():
    """Three proposals reviewed with overall impact 5, 2 and 3, in the panel (default triage:
    the first is not discussed)."""
    setup = staffed_by_hand(review_setup(proposals=3, members=3))
    weak, best, good = setup.proposals
    review_all(setup, {weak.pk: 5, best.pk: 2, good.pk: 3})
    move_review_to(setup, ReviewPhase.PANEL)
    return setup


def test_panel_lists_proposals_by_preliminary_score_with_triage_buttons(three_in_panel):
    weak, best, good = three_in_panel.proposals
    client = signed_in(three_in_panel.chair)
    url = reverse("reviews:panel", args=[three_in_panel.call.pk])

    page = client.get(url)
    back = client.post(
        reverse("reviews:panel_disposition", args=[three_in_panel.call.pk, weak.pk]),
        {"disposition": PanelDisposition.DISCUSSED},
    )
    after = client.get(url)

    rows = page.context["rows"]
    content = page.content.decode()
    assert [(r.proposal, r.preliminary_score, r.disposition) for r in rows] == [
        (best, Decimal("2"), PanelDisposition.DISCUSSED),
        (good, Decimal("3"), PanelDisposition.DISCUSSED),
        (weak, Decimal("5"), PanelDisposition.NOT_DISCUSSED),
    ]
    assert content.count("Mark not discussed") == 2
    assert content.count("Bring back for discussion") == 1
    assert back.status_code == 302
    assert back["Location"] == url
    assert PanelEntry.objects.get(proposal=weak).disposition == PanelDisposition.DISCUSSED
    assert after.content.decode().count("Mark not discussed") == 3


def test_members_enter_their_final_scores_on_the_ballot(three_in_panel):
    weak, best, good = three_in_panel.proposals
    member = three_in_panel.members[0]
    client = signed_in(member)
    url = reverse("reviews:ballot", args=[three_in_panel.call.pk])

    page = client.get(url)
    saved = client.post(url, {f"score_{best.pk}": "2", f"score_{good.pk}": "3"})
    refused = client.post(url, {f"score_{best.pk}": "10", f"score_{weak.pk}": "1"})

    assert [row.proposal for row in page.context["rows"]] == [best, good]
    assert saved.status_code == 302
    assert flashed(saved) == ["2 final scores saved."]
    assert refused.status_code == 200
    assert refused.context["errors"] == {
        best.pk: ["Select a valid choice. 10 is not one of the available choices."]
    }
    assert [(row.proposal, row.my_score) for row in refused.context["rows"]] == [
        (best, 2),
        (good, 3),
    ]
    assert sorted(
        FinalScore.objects.filter(member=member).values_list("entry__proposal_id", "score")
    ) == sorted([(best.pk, 2), (good.pk, 3)])


def test_conflicted_member_does_not_see_the_proposal_on_the_ballot(three_in_panel):
    _, best, good = three_in_panel.proposals
    member = three_in_panel.members[1]
    services.conflict_declare(
        proposal=best, reviewer=member, actor=member, reason=ConflictReason.COLLABORATOR
    )
    client = signed_in(member)
    url = reverse("reviews:ballot", args=[three_in_panel.call.pk])

    page = client.get(url)
    client.post(url, {f"score_{best.pk}": "1", f"score_{good.pk}": "4"})

    assert [row.proposal for row in page.context["rows"]] == [good]
    assert f'name="score_{best.pk}"' not in page.content.decode()
    assert list(
        FinalScore.objects.filter(member=member).values_list("entry__proposal_id", "score")
    ) == [(good.pk, 4)]


def test_chair_finalizes_with_a_resume_and_the_panel_shows_score_and_percentile(
    three_in_panel,
):
    _, best, good = three_in_panel.proposals
    voters = [three_in_panel.chair, *three_in_panel.members]
    for voter, score in zip(voters, [2, 2, 3, 2], strict=True):
        services.final_score_record(proposal=best, actor=voter, score=score)
    services.final_score_record(proposal=good, actor=three_in_panel.chair, score=4)
    client = signed_in(three_in_panel.chair)
    call_pk = three_in_panel.call.pk

    votes = client.get(reverse("reviews:panel_proposal", args=[call_pk, best.pk]))
    empty = client.post(
        reverse("reviews:panel_proposal", args=[call_pk, best.pk]), {"resume_of_discussion": ""}
    )
    done = client.post(
        reverse("reviews:panel_proposal", args=[call_pk, best.pk]),
        {"resume_of_discussion": "Strong aims; the panel wanted a power analysis."},
    )
    client.post(
        reverse("reviews:panel_proposal", args=[call_pk, good.pk]),
        {"resume_of_discussion": "Feasible but incremental."},
    )
    panel = client.get(reverse("reviews:panel", args=[call_pk]))

    assert [(v.member, v.voted) for v in votes.context["votes"]] == [
        (voter, True) for voter in sorted(voters, key=lambda u: (u.last_name, u.first_name, u.pk))
    ]
    assert empty.status_code == 200
    assert empty.context["form"].errors == {"resume_of_discussion": ["This field is required."]}
    assert done.status_code == 302
    assert done["Location"] == reverse("reviews:panel", args=[call_pk])
    rows = {row.proposal: row for row in panel.context["rows"]}
    assert (rows[best].entry.final_impact_score, rows[best].entry.percentile) == (23, 25)
    assert (rows[good].entry.final_impact_score, rows[good].entry.percentile) == (40, 75)
    assert '<td class="num">23</td>\n      <td class="num">25</td>' in panel.content.decode()


def test_administrator_runs_the_panel_page_too(three_in_panel):
    _, best, _ = three_in_panel.proposals
    services.final_score_record(proposal=best, actor=three_in_panel.members[0], score=3)
    client = signed_in(three_in_panel.admin)
    url = reverse("reviews:panel_proposal", args=[three_in_panel.call.pk, best.pk])

    page = client.get(url)
    reviews = client.get(reverse("reviews:proposal_reviews", args=[best.pk]))
    response = client.post(url, {"resume_of_discussion": "Chair conflicted; staff ran it."})

    assert page.status_code == 200
    assert reverse("grants:proposal_detail", args=[best.pk]) in page.content.decode()
    assert reviews.status_code == 200
    assert len(reviews.context["reviews"]) == 3
    assert response.status_code == 302
    assert PanelEntry.objects.get(proposal=best).final_impact_score == 30


# ---- Funding decisions -----------------------------------------------------------------------


def test_ranking_shows_the_running_total_and_the_pay_line_where_the_budget_runs_out():
    setup = staffed_by_hand(review_setup(proposals=3, members=3, total_budget=Decimal("40000")))
    third, first, second = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, first, [2, 2])
    finalize(setup, second, [3, 3])
    finalize(setup, third, [4, 4])

    response = signed_in(setup.admin).get(reverse("reviews:ranking", args=[setup.call.pk]))

    rows = response.context["ranking"].rows
    content = response.content.decode()
    assert [(r.proposal, r.running_total, r.pay_line_before) for r in rows] == [
        (first, Decimal("15000"), False),
        (second, Decimal("30000"), False),
        (third, Decimal("45000"), True),
    ]
    assert "$45,000.00" in content
    link = 'href="{}"'.format
    second_at = content.index(link(reverse("reviews:summary_statement", args=[second.pk])))
    pay_line_at = content.index("<strong>Pay line:</strong>")
    third_at = content.index(link(reverse("reviews:summary_statement", args=[third.pk])))
    assert second_at < pay_line_at < third_at
    assert content.count("<strong>Pay line:</strong>") == 1


def test_the_pay_line_follows_the_decisions_not_every_request():
    """A proposal decided 'not funded' takes nothing from the budget, so the money it requested
    is still there for the next one (the pay line used to count every request)."""
    setup = staffed_by_hand(review_setup(proposals=3, members=3, total_budget=Decimal("30000")))
    third, first, second = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, first, [2, 2])
    finalize(setup, second, [3, 3])
    finalize(setup, third, [4, 4])
    move_review_to(setup, ReviewPhase.CLOSED)
    grant_services.decision_record(
        proposal=second, actor=setup.admin, outcome=DecisionOutcome.NOT_FUNDED
    )

    response = signed_in(setup.admin).get(reverse("reviews:ranking", args=[setup.call.pk]))

    rows = response.context["ranking"].rows
    assert [(r.proposal, r.running_total, r.within_budget) for r in rows] == [
        (first, Decimal("15000"), True),
        (second, Decimal("15000"), True),
        (third, Decimal("30000"), True),
    ]
    assert response.context["ranking"].pay_line_rank is None
    assert "Every ranked proposal fits within the budget." in response.content.decode()


def test_deciding_a_proposal_without_a_final_score_is_flagged():
    setup = staffed_by_hand(review_setup(proposals=2, members=3))
    scored, unscored = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, scored, [2, 2])
    services.panel_set_disposition(
        proposal=unscored,
        actor=setup.chair,
        disposition=PanelDisposition.NOT_DISCUSSED,
        reason="Lower half",
    )
    move_review_to(setup, ReviewPhase.CLOSED)

    response = signed_in(setup.admin).get(reverse("reviews:ranking", args=[setup.call.pk]))

    rows = {r.proposal: r for r in response.context["ranking"].rows}
    content = response.content.decode()
    assert (rows[scored].unscored, rows[unscored].unscored) == (False, True)
    assert content.count('<strong class="decision-warning">No final score</strong>') == 1
    assert "not discussed by the panel" in content


def test_ranking_pages_count_every_running_total_from_the_top(monkeypatch):
    monkeypatch.setattr("reviews.views.results.RANKING_PAGE_SIZE", 2)
    setup = staffed_by_hand(review_setup(proposals=3, members=3, total_budget=Decimal("40000")))
    third, first, second = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, first, [2, 2])
    finalize(setup, second, [3, 3])
    finalize(setup, third, [4, 4])
    client = signed_in(setup.admin)
    url = reverse("reviews:ranking", args=[setup.call.pk])

    top = client.get(url)
    bottom = client.get(url, {"page": 2})
    past_the_end = client.get(url, {"page": 9})

    assert [(r.rank, r.proposal) for r in top.context["ranking"].rows] == [(1, first), (2, second)]
    assert [
        (r.rank, r.proposal, r.running_total, r.pay_line_before)
        for r in bottom.context["ranking"].rows
    ] == [(3, third, Decimal("45000"), True)]
    assert past_the_end.context["ranking"].page.number == 2
    top_html, bottom_html = top.content.decode(), bottom.content.decode()
    assert "The budget runs out at rank 3" in top_html
    assert 'href="?page=2#pay-line"' in top_html
    assert "<strong>Pay line:</strong>" not in top_html
    assert '<tr class="pay-line" id="pay-line">' in bottom_html
    assert 'href="?page=1" rel="prev"' in bottom_html


def test_funding_over_the_budget_is_refused_and_saves_nothing():
    setup = review_setup(proposals=2, members=1, total_budget=Decimal("20000"))
    close_review(setup)
    first, second = setup.proposals
    client = signed_in(setup.admin)

    funded = client.post(
        reverse("reviews:decide", args=[setup.call.pk, first.pk]), {"outcome": "funded"}
    )
    over = client.post(
        reverse("reviews:decide", args=[setup.call.pk, second.pk]), {"outcome": "funded"}
    )
    page = client.get(reverse("reviews:ranking", args=[setup.call.pk]))

    assert flashed(funded) == [f"Decision recorded for “{first.title}”."]
    assert over.status_code == 200
    assert over.templates[0].name == "reviews/decision.html"
    assert (
        "Funding $15,000.00 would exceed the call's budget of $20,000.00: $15,000.00 is "
        "committed and only $5,000.00 remains."
    ) in html.unescape(over.content.decode())
    assert list(Decision.objects.values_list("proposal_id", "amount")) == [
        (first.pk, Decimal("15000.00"))
    ]
    assert list(Award.objects.values_list("proposal_id", flat=True)) == [first.pk]
    assert (page.context["ranking"].committed, page.context["ranking"].remaining) == (
        Decimal("15000.00"),
        Decimal("5000.00"),
    )


def test_release_mails_the_pis_who_then_read_the_decision_and_summary_statement(
    django_capture_on_commit_callbacks,
):
    setup = staffed_by_hand(review_setup(proposals=2, members=3))
    funded, declined = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, funded, [2, 2, 3, 2])
    finalize(setup, declined, [5, 5])
    move_review_to(setup, ReviewPhase.CLOSED)
    admin = signed_in(setup.admin)
    admin.post(reverse("reviews:decide", args=[setup.call.pk, funded.pk]), {"outcome": "funded"})
    admin.post(
        reverse("reviews:decide", args=[setup.call.pk, declined.pk]), {"outcome": "not_funded"}
    )
    pi = signed_in(funded.pi)
    summary_url = reverse("reviews:summary_statement", args=[funded.pk])
    pdf_url = reverse("reviews:summary_statement_pdf", args=[funded.pk])
    before = [pi.get(summary_url).status_code, pi.get(pdf_url).status_code]

    with django_capture_on_commit_callbacks(execute=True):
        released = admin.post(reverse("reviews:release", args=[setup.call.pk]))
    detail = pi.get(reverse("grants:proposal_detail", args=[funded.pk]))
    html = pi.get(summary_url)
    pdf = pi.get(pdf_url)

    funded.refresh_from_db()
    assert before == [404, 404]
    assert flashed(released) == ["2 decisions released; applicants are e-mailed."]
    assert sorted(m.to for m in mail.outbox) == sorted([[funded.pi.email], [declined.pi.email]])
    assert funded.status == ProposalStatus.FUNDED
    assert detail.context["released_decision"].outcome == DecisionOutcome.FUNDED
    assert "Funding decision: Funded" in detail.content.decode()
    assert summary_url in detail.content.decode()
    assert html.status_code == 200
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    reviewers = [a.reviewer for a in assignments_of(funded)]
    for text in (html.content.decode(), pdf_text(pdf.content)):
        assert "Reviewer 1" in text
        assert "Reviewer 3" in text
        assert "Final impact score" in text
        assert "The panel liked the aims." in text
        assert "Consider a larger sample." in text
        assert "CONFIDENTIAL" not in text
        assert "overcommitted" not in text
        for reviewer in reviewers:
            assert not mentions(text, reviewer.display_name)
            assert not mentions(text, reviewer.last_name)
            assert not mentions(text, reviewer.username)
    assert html.context["summary"].final_impact_score == 23


def test_other_applicants_never_read_a_summary_statement():
    setup = review_setup(proposals=2, members=1)
    close_review(setup)
    mine, theirs = setup.proposals
    for proposal in setup.proposals:
        grant_services.decision_record(
            proposal=proposal, actor=setup.admin, outcome=DecisionOutcome.NOT_FUNDED
        )
    grant_services.decisions_release(call=setup.call, actor=setup.admin)
    client = signed_in(mine.pi)

    own = client.get(reverse("reviews:summary_statement", args=[mine.pk]))
    other = client.get(reverse("reviews:summary_statement", args=[theirs.pk]))

    assert own.status_code == 200
    assert "Not discussed" in own.content.decode()
    assert other.status_code == 404


# ---- Query counts ----------------------------------------------------------------------------


def _queue_world(n: int):
    setup = review_setup(proposals=n, members=1)
    reviewer = setup.members[0]
    for proposal in setup.proposals:
        services.assignment_create(proposal=proposal, reviewer=reviewer, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    first = certified(assignments_of(setup.proposals[0])[0])
    services.review_save_draft(assignment=first, actor=reviewer, data={"overall_impact": 3})
    return reviewer, reverse("reviews:queue")


def _panel_world(n: int):
    setup = staffed_by_hand(review_setup(proposals=n, members=2), reviewers=2)
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    services.final_score_record(proposal=setup.proposals[0], actor=setup.chair, score=2)
    return setup.chair, reverse("reviews:panel", args=[setup.call.pk])


def _ranking_world(n: int):
    setup = staffed_by_hand(review_setup(proposals=n, members=1), reviewers=1)
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, setup.proposals[0], [2])
    close_review(setup)
    grant_services.decision_record(
        proposal=setup.proposals[0], actor=setup.admin, outcome=DecisionOutcome.FUNDED
    )
    return setup.admin, reverse("reviews:ranking", args=[setup.call.pk])


@pytest.mark.parametrize("n", [1, 3])
def test_queue_page_query_count_does_not_grow_with_assignments(n, django_assert_num_queries):
    user, url = _queue_world(n)
    client = signed_in(user)
    client.get(url)

    with django_assert_num_queries(11):  # 10, and the letters awaiting a rating
        response = client.get(url)

    assert len(response.context["assignments"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_panel_page_query_count_does_not_grow_with_proposals(n, django_assert_num_queries):
    user, url = _panel_world(n)
    client = signed_in(user)
    client.get(url)

    # Two of them ask what the chair may see (selectors.results_hidden_ids: the blind rule).
    with django_assert_num_queries(16):
        response = client.get(url)

    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_ranking_page_query_count_does_not_grow_with_proposals(n, django_assert_num_queries):
    user, url = _ranking_world(n)
    client = signed_in(user)
    client.get(url)

    # 16: the rows, and whether any proposal is left to decide several at once.
    with django_assert_num_queries(16):
        response = client.get(url)

    assert len(response.context["ranking"].rows) == n


@pytest.mark.parametrize("n", [1, 3])
def test_committee_page_query_count_does_not_grow_with_members(n, django_assert_num_queries):
    committee = make_committee(members=n)
    admin = make_admin()
    client = signed_in(admin)
    url = reverse("reviews:committee_detail", args=[committee.pk])
    client.get(url)

    with django_assert_num_queries(9):
        response = client.get(url)

    assert len(response.context["members"]) == n + 1


def test_applicant_of_a_proposal_not_discussed_reads_its_criterion_scores(three_in_panel):
    weak, best, good = three_in_panel.proposals
    finalize(three_in_panel, best, [2])
    finalize(three_in_panel, good, [3])
    move_review_to(three_in_panel, ReviewPhase.CLOSED)
    admin = three_in_panel.admin
    ranking = signed_in(admin).get(reverse("reviews:ranking", args=[three_in_panel.call.pk]))
    grant_services.decision_record(proposal=weak, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    grant_services.decisions_release(call=three_in_panel.call, actor=admin)

    response = signed_in(weak.pi).get(reverse("reviews:summary_statement", args=[weak.pk]))

    summary = response.context["summary"]
    assert [r.proposal for r in ranking.context["ranking"].rows] == [best, good, weak]
    assert ranking.content.decode().count('<abbr title="Not discussed">ND</abbr>') == 1
    assert (summary.not_discussed, summary.final_impact_score, summary.percentile) == (
        True,
        None,
        None,
    )
    assert "Not discussed:" in response.content.decode()
    assert [c.ratings for c in summary.criteria][0] == ("2 (Outstanding)",) * 3


def test_the_team_sees_the_decision_but_only_the_pi_is_offered_the_summary_statement():
    from grants.choices import CallStatus
    from tests.factories import make_call, make_trainee_proposal

    admin = make_admin()
    call = make_call()
    proposal, student, mentor = make_trainee_proposal(call=call)
    grant_services.proposal_submit(proposal=proposal, actor=student)
    grant_services.call_transition(call=call, to=CallStatus.CLOSED, actor=admin)
    grant_services.call_begin_review(call=call, actor=admin)
    proposal.refresh_from_db()
    grant_services.decision_record(
        proposal=proposal, actor=admin, outcome=DecisionOutcome.NOT_FUNDED
    )
    grant_services.decisions_release(call=call, actor=admin)
    summary_url = reverse("reviews:summary_statement", args=[proposal.pk])
    detail_url = reverse("grants:proposal_detail", args=[proposal.pk])

    as_pi = signed_in(student).get(detail_url).content.decode()
    as_mentor = signed_in(mentor).get(detail_url).content.decode()

    assert "Funding decision: Not funded" in as_pi and "Funding decision: Not funded" in as_mentor
    assert summary_url in as_pi
    assert summary_url not in as_mentor
    assert signed_in(mentor).get(summary_url).status_code == 404


def test_a_refused_decision_says_what_to_do_in_words_not_field_names():
    setup = staffed_by_hand(review_setup(proposals=1, members=3))
    (proposal,) = setup.proposals
    review_all(setup)
    move_review_to(setup, ReviewPhase.PANEL)
    finalize(setup, proposal, [2, 2])
    move_review_to(setup, ReviewPhase.CLOSED)
    url = reverse("reviews:decide", args=[setup.call.pk, proposal.pk])

    response = signed_in(setup.admin).post(url, {"amount": "ten thousand"})

    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert response.templates[0].name == "reviews/decision.html"
    # Each problem in words, as a link to its field, and what was typed is still there.
    assert '<a href="#id_outcome">Decision: Choose Fund, Waitlist or Do not fund.</a>' in content
    assert "Enter the amount in dollars, like 12500 or 12500.00." in content
    assert 'value="ten thousand"' in content
    assert not Decision.objects.filter(proposal=proposal).exists()


def test_a_refused_review_lists_each_problem_as_a_link_to_its_field(one_proposal):
    assignment = certified(assignments_of(one_proposal.proposals[0])[0])
    client = signed_in(assignment.reviewer)

    response = client.post(
        reverse("reviews:review", args=[assignment.pk]),
        {"action": "submit", "version": "0", "overall_paragraph": "Half written."},
    )
    html = response.content.decode()

    problems = response.context["error_summary"]
    assert response.status_code == 200
    assert "data-error-summary" in html and "Some items need attention" not in html
    assert problems, "submitting an empty sheet names what is missing"
    assert any(p["href"] == "#overall_impact" for p in problems)
    for problem in problems:
        assert f'id="{problem["href"][1:]}"' in html, problem  # each link reaches its field
        assert f'<a href="{problem["href"]}">' in html


def test_the_review_sheet_carries_the_proposal_as_the_committee_reads_it(one_proposal):
    proposal = one_proposal.proposals[0]
    assignment = certified(assignments_of(proposal)[0])

    response = signed_in(assignment.reviewer).get(reverse("reviews:review", args=[assignment.pk]))
    html = response.content.decode()

    aside = html[html.index('<aside class="review-reading"') : html.index("</aside>")]
    assert proposal.abstract[:40] in aside
    assert reverse("reviews:proposal", args=[proposal.pk]) in aside
    assert "Demographics" not in aside and "History" not in aside


def test_the_queue_lists_the_calls_chaired_and_the_ballots_open():
    setup = review_setup(proposals=1, members=1)
    member = setup.members[0]
    move_review_to(setup, ReviewPhase.PANEL)
    manage = reverse("reviews:call_manage", args=[setup.call.pk])
    ballot = reverse("reviews:ballot", args=[setup.call.pk])

    chairs = signed_in(setup.chair).get(reverse("reviews:queue")).content.decode()
    sits = signed_in(member).get(reverse("reviews:queue")).content.decode()

    assert f'<li><a href="{manage}">{html.escape(setup.call.title)}</a> — Panel</li>' in chairs
    assert "Calls you chair" not in sits
    assert (
        f'<a href="{ballot}">Enter your final scores for {html.escape(setup.call.title)}</a>'
        in sits
    )
