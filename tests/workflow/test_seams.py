"""The eight reproductions of issue 14, each through the public surface (pages and API), each
refused or hidden now, with the data left as it was. docs/invariants.md names the rule each
one proves."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry
from grants import services as grant_services
from grants.choices import CallStatus, DecisionOutcome, ProposalStatus
from grants.models import Award, Decision, Proposal
from grants.selectors import call_committed_amount
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Assignment, ConflictOfInterest, PanelEntry, Review
from tests.api.support import API, api_as, call_in_review
from tests.factories import (
    PASSWORD,
    close_review,
    make_admin,
    make_proposal,
    make_review_setup,
    make_trainee_proposal,
    make_user,
    move_review_to,
    reviewed_by,
    submit_review,
)
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def chair_also_reviewing():
    """One proposal reviewed by two members and the chair; the members have submitted, the
    chair's own review is a draft; the call is in the read phase."""
    setup = make_review_setup(proposals=1, members=2)
    (proposal,) = setup.proposals
    review_services.assignment_create(proposal=proposal, reviewer=setup.chair, actor=setup.admin)
    reviewed_by(setup, proposal, setup.members, impact=2)
    own = Assignment.objects.get(proposal=proposal, reviewer=setup.chair)
    review_services.conflict_certify_none(assignment=own, actor=setup.chair)
    review_services.review_save_draft(assignment=own, actor=setup.chair, data={"overall_impact": 5})
    move_review_to(setup, ReviewPhase.READ_PHASE)
    return setup, proposal, own


# ---- 1. Blind until submitted ----------------------------------------------------------------


def test_chair_with_a_draft_review_sees_no_preliminary_score_on_the_panel_api():
    setup, proposal, _ = chair_also_reviewing()

    response = api_as(setup.chair).get(f"{API}/calls/{setup.call.pk}/panel/")

    (row,) = response.json()
    assert response.status_code == 200
    assert (row["proposal"]["id"], row["preliminary_score"]) == (proposal.pk, None)
    assert (row["awaiting_own_review"], row["conflicted"]) == (True, False)


def test_chair_with_a_draft_review_is_refused_the_summary_statement_page_and_api():
    setup, proposal, _ = chair_also_reviewing()

    api = api_as(setup.chair).get(f"{API}/proposals/{proposal.pk}/summary-statement/")
    page = signed_in(setup.chair).get(reverse("reviews:summary_statement", args=[proposal.pk]))
    panel = signed_in(setup.chair).get(reverse("reviews:panel", args=[setup.call.pk]))

    assert api.status_code == 404
    assert page.status_code == 404
    assert panel.status_code == 200
    assert "hidden until you submit your own review" in panel.content.decode()
    assert "2.00" not in panel.content.decode()


def test_chair_sees_the_scores_once_their_own_review_is_submitted():
    setup, proposal, own = chair_also_reviewing()
    review_services.review_phase_transition(
        call=setup.call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=setup.admin
    )
    submit_review(own, impact=5)
    review_services.review_phase_transition(
        call=setup.call, to=ReviewPhase.READ_PHASE, actor=setup.admin
    )

    response = api_as(setup.chair).get(f"{API}/calls/{setup.call.pk}/panel/")
    summary = api_as(setup.chair).get(f"{API}/proposals/{proposal.pk}/summary-statement/")

    (row,) = response.json()
    assert (row["preliminary_score"], row["awaiting_own_review"]) == ("3.00", False)
    assert summary.status_code == 200
    assert len(summary.json()["critiques"]) == 3


# ---- 2. Money is what was decided --------------------------------------------------------------


def test_withdrawal_after_an_unreleased_decision_voids_it_and_no_award_is_made():
    call, (proposal,), admin = call_in_review(1)
    api_as(admin).post(
        f"{API}/proposals/{proposal.pk}/decision/", {"outcome": "funded"}, format="json"
    )
    assert call_committed_amount(call) == Decimal("15000.00")

    withdrawn = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/withdraw/", {})
    release = api_as(admin).post(f"{API}/calls/{call.pk}/release-decisions/", {})

    proposal.refresh_from_db()
    assert withdrawn.status_code == 200
    assert proposal.status == ProposalStatus.WITHDRAWN
    assert not Decision.objects.filter(proposal=proposal).exists()
    assert not Award.objects.filter(proposal=proposal).exists()
    assert call_committed_amount(call) == Decimal("0.00")
    assert release.status_code == 400
    assert release.json() == {
        "non_field_errors": ["There are no unreleased decisions in this call."]
    }


def test_a_released_decision_cannot_be_withdrawn_from():
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    grant_services.decisions_release(call=call, actor=admin)

    response = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/withdraw/", {})

    proposal.refresh_from_db()
    assert response.status_code == 403
    assert proposal.status == ProposalStatus.FUNDED
    assert Award.objects.filter(proposal=proposal).count() == 1


# ---- 3 and 4. Decisions follow the review; released results are frozen ------------------------


def reviewed_and_released():
    """A call reviewed by three members, closed, decided and released."""
    setup = make_review_setup(proposals=1, members=3)
    (proposal,) = setup.proposals
    reviewed_by(setup, proposal, setup.members, impact=2)
    move_review_to(setup, ReviewPhase.PANEL)
    for voter in setup.members:
        review_services.final_score_record(proposal=proposal, actor=voter, score=2)
    review_services.panel_finalize(
        proposal=proposal, actor=setup.chair, resume_of_discussion="Strong pilot."
    )
    close_review(setup)
    grant_services.decision_record(
        proposal=proposal, actor=setup.admin, outcome=DecisionOutcome.FUNDED
    )
    grant_services.decisions_release(call=setup.call, actor=setup.admin)
    return setup, proposal


def test_a_conflict_declared_after_release_is_recorded_and_flagged_but_rewrites_nothing(
    django_capture_on_commit_callbacks,
):
    setup, proposal = reviewed_and_released()
    before = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/summary-statement/").json()
    late = setup.members[0]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(late).post(
            f"{API}/conflicts/",
            {"proposal": proposal.pk, "reason": "collaborator"},
            format="json",
        )

    after = api_as(proposal.pi).get(f"{API}/proposals/{proposal.pk}/summary-statement/").json()
    assert response.status_code == 201
    assert response.json()["after_review_closed"] is True
    assert after == before
    assert len(after["critiques"]) == 3
    assert Review.objects.filter(assignment__proposal=proposal).count() == 3
    assert PanelEntry.objects.get(proposal=proposal).final_impact_score == 20
    assert ConflictOfInterest.objects.get(proposal=proposal).after_review_closed is True
    assert [m.to for m in mail.outbox] == [[setup.admin.email]]
    assert "after the committee's review of the call had closed" in mail.outbox[0].body
    # The late declarer, now conflicted, sees nothing of the proposal's reviews.
    assert api_as(late).get(f"{API}/proposals/{proposal.pk}/summary-statement/").status_code == 404
    # The administrator sees it flagged on the call's review page.
    board = signed_in(setup.admin).get(reverse("reviews:call_manage", args=[setup.call.pk]))
    assert board.context["late_conflicts"] == [ConflictOfInterest.objects.get(proposal=proposal)]
    assert "Conflicts declared after the review closed" in board.content.decode()


def test_decisions_are_refused_while_the_committee_is_in_independent_review():
    setup = make_review_setup(proposals=1, members=3)
    (proposal,) = setup.proposals
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    admin = api_as(setup.admin)

    decided = admin.post(
        f"{API}/proposals/{proposal.pk}/decision/", {"outcome": "funded"}, format="json"
    )
    released = admin.post(f"{API}/calls/{setup.call.pk}/release-decisions/", {})
    page = signed_in(setup.admin).post(
        reverse("reviews:decide", args=[setup.call.pk, proposal.pk]), {"outcome": "funded"}
    )

    message = (
        "The committee is still reviewing this call; record and release funding decisions "
        "after the chair closes the review."
    )
    assert (decided.status_code, decided.json()) == (409, {"detail": message})
    ranking = admin.get(f"{API}/calls/{setup.call.pk}/ranking/").json()
    assert ranking["decisions_problem"] == message
    assert (released.status_code, released.json()) == (409, {"detail": message})
    assert page.status_code == 302
    assert not Decision.objects.exists()
    assert not Award.objects.exists()


def test_a_review_cannot_be_reopened_after_release():
    setup, proposal = reviewed_and_released()
    review = Review.objects.filter(assignment__proposal=proposal).first()

    response = api_as(setup.chair).post(f"{API}/reviews/{review.pk}/reopen/", {})

    review.refresh_from_db()
    assert response.status_code == 400
    assert "closed" in response.json()["non_field_errors"][0]
    assert review.is_submitted


def test_a_committee_cannot_be_attached_once_decisions_exist():
    call, (proposal,), admin = call_in_review(1)
    grant_services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    committee = make_review_setup(proposals=0, members=1).committee

    response = api_as(admin).post(
        f"{API}/committees/{committee.pk}/attach/", {"call": call.pk}, format="json"
    )

    call.refresh_from_db()
    assert response.status_code == 409
    assert call.committee_review_open is False


# ---- 5. Submitted means frozen (the races themselves: tests/workflow/test_races.py) ---------


def test_child_writes_after_submission_are_refused_and_change_nothing():
    proposal = make_proposal()
    line = proposal.budget_lines.first()
    grant_services.proposal_submit(proposal=proposal, actor=proposal.pi)
    client = api_as(proposal.pi)

    add = client.post(
        f"{API}/proposals/{proposal.pk}/budget/",
        {"category": "supplies", "description": "More", "amount": "85000"},
        format="json",
    )
    delete = client.delete(f"{API}/proposals/{proposal.pk}/budget/{line.pk}/")
    team = client.post(
        f"{API}/proposals/{proposal.pk}/team/",
        {"role": "collaborator", "full_name": "A. Late"},
        format="json",
    )

    assert (add.status_code, delete.status_code, team.status_code) == (403, 403, 403)
    assert proposal.budget_lines.count() == 2
    assert proposal.team.count() == 0


# ---- 6. Trainee rules hold -------------------------------------------------------------------


def test_a_student_cannot_name_a_phd_student_as_mentor():
    proposal, student, mentor = make_trainee_proposal(endorsed=False)
    peer = make_user(applicant_type=ApplicantType.PHD_STUDENT)
    client = api_as(student)
    faculty_member = proposal.team.get(user=mentor)
    client.delete(f"{API}/proposals/{proposal.pk}/team/{faculty_member.pk}/")

    response = client.post(
        f"{API}/proposals/{proposal.pk}/team/",
        {"role": "mentor", "username": peer.username},
        format="json",
    )
    submit = client.post(f"{API}/proposals/{proposal.pk}/submit/", {})

    assert response.status_code == 400
    assert list(response.json()) == ["role"]
    assert "does not hold a faculty position" in response.json()["role"][0]
    assert submit.status_code == 400
    assert submit.json()["endorsement"] == ["Trainee proposals need a faculty mentor on the team."]
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DRAFT


def test_a_resident_who_makes_themself_a_professor_still_needs_the_endorsement():
    resident = make_user(applicant_type=ApplicantType.RESIDENT)
    proposal = make_proposal(pi=resident)
    client = signed_in(resident)

    saved = client.post(
        reverse("accounts:profile"),
        {
            "user-first_name": "Kevin",
            "user-last_name": "Nguyen",
            "user-email": resident.email,
            "profile-applicant_type": ApplicantType.FULL_PROFESSOR,
            "profile-department": "Medicine",
        },
    )
    submit = api_as(resident).post(f"{API}/proposals/{proposal.pk}/submit/", {})

    resident.profile.refresh_from_db()
    assert saved.status_code == 302
    assert resident.profile.applicant_type == ApplicantType.FULL_PROFESSOR
    change = AuditEntry.objects.get(
        actor=resident, action=AuditAction.STATE_CHANGED, note__startswith="Position changed"
    )
    assert (change.before, change.after) == (
        {"position": ApplicantType.RESIDENT},
        {"position": ApplicantType.FULL_PROFESSOR},
    )
    assert submit.status_code == 400
    assert submit.json()["endorsement"] == ["Trainee proposals need a faculty mentor on the team."]
    proposal.refresh_from_db()
    assert (proposal.status, proposal.pi_career_stage) == (
        ProposalStatus.DRAFT,
        ApplicantType.RESIDENT,
    )


def test_the_career_stage_is_kept_on_the_proposal_at_submission():
    proposal, student, _ = make_trainee_proposal(endorsed=True)

    grant_services.proposal_submit(proposal=proposal, actor=student)

    proposal.refresh_from_db()
    assert proposal.pi_career_stage == ApplicantType.MEDICAL_STUDENT


# ---- 7. A conflicted chair learns nothing from the ranking ------------------------------------


def test_a_conflicted_chair_does_not_learn_the_rank_of_the_proposal():
    setup = make_review_setup(proposals=3, members=2)
    conflicted = setup.proposals[1]
    review_services.conflict_declare(
        proposal=conflicted, reviewer=setup.chair, actor=setup.chair, reason="family"
    )
    close_review(setup)

    response = api_as(setup.chair).get(f"{API}/calls/{setup.call.pk}/ranking/")

    body = response.json()
    assert response.status_code == 200
    assert body["hidden_count"] == 1
    assert conflicted.pk not in [row["proposal"]["id"] for row in body["results"]]
    assert [row["rank"] for row in body["results"]] == [1, 2]
    assert [row["running_total"] for row in body["results"]] == ["15000.00", "30000.00"]


def test_an_unconflicted_administrator_sees_the_whole_ranking():
    setup = make_review_setup(proposals=3, members=2)
    close_review(setup)

    body = api_as(setup.admin).get(f"{API}/calls/{setup.call.pk}/ranking/").json()

    assert body["hidden_count"] == 0
    assert len(body["results"]) == 3


# ---- The call's stage ------------------------------------------------------------------------


def test_the_call_waits_for_the_review_from_attachment_to_close():
    setup = make_review_setup(proposals=1, members=1)
    setup.call.refresh_from_db()
    assert setup.call.committee_review_open is True

    close_review(setup)

    assert setup.call.committee_review_open is False
    assert setup.call.status == CallStatus.IN_REVIEW


def test_a_call_without_a_committee_is_decided_from_review():
    call, (proposal,), admin = call_in_review(1)

    decision = grant_services.decision_record(
        proposal=proposal, actor=admin, outcome=DecisionOutcome.NOT_FUNDED
    )

    assert decision.outcome == DecisionOutcome.NOT_FUNDED
    assert call.committee_review_open is False


def test_an_administrator_corrects_a_wrong_position_on_a_draft():
    resident = make_user(applicant_type=ApplicantType.RESIDENT)
    proposal = make_proposal(pi=resident)
    admin = make_admin()
    resident.profile.applicant_type = ApplicantType.ASSISTANT_PROFESSOR
    resident.profile.save()

    grant_services.proposal_career_stage_correct(proposal=proposal, actor=admin)
    submit = api_as(resident).post(f"{API}/proposals/{proposal.pk}/submit/", {})

    proposal.refresh_from_db()
    assert submit.status_code == 200
    assert proposal.pi_career_stage == ApplicantType.ASSISTANT_PROFESSOR


# ---- 8. Tokens follow the account: sign out everywhere (the rest: tests/accounts) -----------


def test_sign_out_everywhere_ends_every_session_and_the_api_token():
    user = make_user()
    laptop, phone = Client(), Client()
    laptop.force_login(user)
    phone.force_login(user)
    issued = Client().post(
        f"{API}/auth/token/",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert issued.status_code == 200, issued.content
    key = issued.json()["token"]

    done = laptop.post(reverse("accounts:profile"), {"action": "sign_out_everywhere"})

    by_token = Client().get(f"{API}/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert done.status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 302  # to the sign-in page
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert by_token.status_code == 401
    user.refresh_from_db()
    fresh = Client()
    fresh.force_login(user)  # signing in afresh works
    assert fresh.get(reverse("accounts:profile")).status_code == 200
