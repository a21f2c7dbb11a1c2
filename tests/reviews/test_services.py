from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.choices import Role
from grants.choices import ProposalStatus
from grants.selectors import state_history
from grants.services import InvalidTransition, proposal_transition
from reviews import permissions, services
from reviews.choices import (
    AssignmentRole,
    ConflictReason,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from reviews.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)
from reviews.selectors import conflicted_reviewer_ids, reviews_readable_by
from tests.factories import (
    complete_review_data,
    make_admin,
    make_committee,
    make_review_setup,
    make_reviewer,
    make_user,
    move_review_to,
    staff_if_nobody_is,
    submit_review,
)
from tests.reviews.support import CO_INVESTIGATOR, MENTOR, assignments_of, call_in_review_with_team

pytestmark = pytest.mark.django_db


# ---- Committees and set-up ------------------------------------------------------------------------


def test_committee_create_makes_the_chair_a_member_and_grants_roles():
    admin = make_admin()
    chair, member = make_reviewer(), make_reviewer()

    committee = services.committee_create(
        actor=admin, name="  Pilot review  ", chair=chair, members=[member, chair], load_cap=5
    )

    assert committee.name == "Pilot review"
    assert sorted(committee.members.values_list("pk", flat=True)) == sorted([chair.pk, member.pk])
    assert set(committee.memberships.values_list("load_cap", flat=True)) == {5}
    chair.refresh_from_db()
    assert chair.has_role(Role.CHAIR)
    assert member.has_role(Role.REVIEWER)


def test_committee_create_is_for_administrators_only():
    chair = make_reviewer()

    with pytest.raises(PermissionDenied):
        services.committee_create(actor=chair, name="Mine", chair=chair)


def test_attaching_a_committee_creates_the_review_and_the_default_criteria():
    setup = make_review_setup(proposals=1, reviewers_per_proposal=2)

    criteria = list(Criterion.objects.filter(call=setup.call))
    assert [(c.name, c.kind, c.position) for c in criteria] == [
        ("Factor 1: Importance of the Research", CriterionKind.SCORE, 1),
        ("Factor 2: Rigor and Feasibility", CriterionKind.SCORE, 2),
        ("Factor 3: Expertise and Resources", CriterionKind.SUFFICIENCY, 3),
        ("Health Disparities Relevance", CriterionKind.SCORE, 4),
    ]
    assert setup.call_review.phase == ReviewPhase.ASSIGNMENT
    assert setup.call_review.reviewers_per_proposal == 2


def test_attaching_defaults_reviewers_per_proposal_to_the_calls():
    setup = make_review_setup(proposals=1)
    other = make_committee(admin=setup.admin)

    review = services.committee_attach_to_call(committee=other, call=setup.call, actor=setup.admin)

    assert review.committee == other
    assert review.reviewers_per_proposal == setup.call.reviewers_per_proposal == 3
    assert Criterion.objects.filter(call=setup.call).count() == 4


def test_attaching_refuses_a_naive_due_date():
    setup = make_review_setup(proposals=1)

    with pytest.raises(ValidationError) as exc:
        services.committee_attach_to_call(
            committee=setup.committee,
            call=setup.call,
            actor=setup.admin,
            review_due_at=datetime(2030, 1, 1, 12, 0),  # noqa: DTZ001 (the point of the test)
        )

    assert exc.value.message_dict == {"review_due_at": ["Give a date and time with a time zone."]}


@pytest.mark.parametrize("year", [1227, 1999, 2100])
def test_attaching_refuses_an_implausible_due_date(year):
    setup = make_review_setup(proposals=1)

    with pytest.raises(ValidationError) as exc:
        services.committee_attach_to_call(
            committee=setup.committee,
            call=setup.call,
            actor=setup.admin,
            review_due_at=datetime(year, 10, 8, 12, 0, tzinfo=UTC),
        )

    assert exc.value.message_dict == {
        "review_due_at": ["Give a date between the years 2000 and 2099."]
    }


def test_committee_cannot_change_once_reviewers_are_assigned():
    setup = make_review_setup(proposals=1)
    services.auto_assign(call=setup.call, actor=setup.chair)

    with pytest.raises(ValidationError):
        services.committee_attach_to_call(
            committee=make_committee(admin=setup.admin), call=setup.call, actor=setup.admin
        )


def test_member_with_open_assignments_cannot_be_removed():
    setup = make_review_setup(proposals=1)
    member = setup.members[0]
    services.assignment_create(proposal=setup.proposals[0], reviewer=member, actor=setup.chair)

    with pytest.raises(ValidationError):
        services.committee_member_remove(committee=setup.committee, user=member, actor=setup.admin)
    with pytest.raises(ValidationError):
        services.committee_member_remove(
            committee=setup.committee, user=setup.chair, actor=setup.admin
        )


def test_criteria_are_editable_in_the_assignment_phase_only():
    setup = make_review_setup(proposals=1)

    criterion = services.criterion_save(
        call=setup.call,
        actor=setup.chair,
        name="Community engagement",
        kind=CriterionKind.SCORE,
    )
    assert criterion.position == 5
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=criterion, actor=setup.chair)


# ---- Conflicts ----------------------------------------------------------------------------------


def test_pi_team_member_and_mentor_are_automatically_conflicted():
    admin = make_admin()
    mentor, co_investigator, outsider = make_reviewer(), make_reviewer(), make_reviewer()
    pi = make_user()
    _, proposal = call_in_review_with_team(
        admin=admin, pi=pi, team={mentor: MENTOR, co_investigator: CO_INVESTIGATOR}
    )

    assert permissions.is_conflicted(pi, proposal)
    assert permissions.is_conflicted(mentor, proposal)
    assert permissions.is_conflicted(co_investigator, proposal)
    assert not permissions.is_conflicted(outsider, proposal)
    assert conflicted_reviewer_ids(proposal) == {pi.pk, mentor.pk, co_investigator.pk}


def test_automatically_conflicted_member_cannot_be_assigned():
    admin = make_admin()
    mentor = make_reviewer()
    call, proposal = call_in_review_with_team(admin=admin, team={mentor: MENTOR})
    committee = make_committee(admin=admin, chair=make_reviewer())
    services.committee_member_add(committee=committee, user=mentor, actor=admin)
    services.committee_attach_to_call(committee=committee, call=call, actor=admin)

    with pytest.raises(ValidationError) as exc:
        services.assignment_create(proposal=proposal, reviewer=mentor, actor=admin)

    assert list(exc.value.message_dict) == ["reviewer"]
    assert not Assignment.objects.filter(reviewer=mentor).exists()


def test_declared_conflict_blocks_assignment():
    setup = make_review_setup(proposals=1)
    proposal, member = setup.proposals[0], setup.members[0]

    conflict = services.conflict_declare(
        proposal=proposal, reviewer=member, actor=member, reason=ConflictReason.COLLABORATOR
    )

    assert conflict.declared_by == member
    assert permissions.is_conflicted(member, proposal)
    with pytest.raises(ValidationError):
        services.assignment_create(proposal=proposal, reviewer=member, actor=setup.chair)


def test_other_conflict_needs_an_explanation():
    setup = make_review_setup(proposals=1)
    member = setup.members[0]

    with pytest.raises(ValidationError) as exc:
        services.conflict_declare(
            proposal=setup.proposals[0], reviewer=member, actor=member, reason=ConflictReason.OTHER
        )

    assert exc.value.message_dict == {"explanation": ["Explain the conflict."]}


def test_unexplained_other_conflict_is_refused_by_the_database():
    setup = make_review_setup(proposals=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        ConflictOfInterest.objects.create(
            proposal=setup.proposals[0], reviewer=setup.members[0], reason=ConflictReason.OTHER
        )


def test_only_committee_members_declare_conflicts():
    setup = make_review_setup(proposals=1)
    stranger = make_reviewer()

    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            proposal=setup.proposals[0],
            reviewer=stranger,
            actor=stranger,
            reason=ConflictReason.FAMILY,
        )


def test_declaring_a_conflict_releases_the_assignment_and_its_review(staffed):
    proposal = staffed.proposals[0]
    assignment = assignments_of(proposal)[0]
    reviewer = assignment.reviewer
    services.conflict_certify_none(assignment=assignment, actor=reviewer)
    services.review_save_draft(assignment=assignment, actor=reviewer, data={"overall_impact": 2})

    conflict = services.conflict_declare(
        proposal=proposal, reviewer=reviewer, actor=reviewer, reason=ConflictReason.FINANCIAL
    )

    assert not Assignment.objects.filter(proposal=proposal, reviewer=reviewer).exists()
    assert not Review.objects.filter(assignment__proposal=proposal, overall_impact=2).exists()
    assert not reviewer.has_perm("reviews.open_proposal", proposal)
    history = list(state_history(conflict))
    assert [(h.to_state, h.actor) for h in history] == [("declared", reviewer)]
    assert history[0].reason == "Financial interest; assignment and review released"


def test_chair_may_record_a_conflict_for_a_member():
    setup = make_review_setup(proposals=1)
    member = setup.members[0]

    conflict = services.conflict_declare(
        proposal=setup.proposals[0],
        reviewer=member,
        actor=setup.chair,
        reason=ConflictReason.SAME_LAB,
    )

    assert (conflict.reviewer, conflict.declared_by) == (member, setup.chair)


def test_opening_a_proposal_needs_certification_of_no_conflict(staffed):
    assignment = assignments_of(staffed.proposals[0])[1]
    reviewer = assignment.reviewer

    assert not reviewer.has_perm("reviews.open_proposal", assignment.proposal)
    with pytest.raises(PermissionDenied):
        services.review_save_draft(assignment=assignment, actor=reviewer, data={})

    services.conflict_certify_none(assignment=assignment, actor=reviewer)

    assert reviewer.has_perm("reviews.open_proposal", assignment.proposal)


def test_only_the_assigned_reviewer_certifies(staffed):
    assignment = assignments_of(staffed.proposals[0])[0]
    other = assignments_of(staffed.proposals[0])[1].reviewer

    with pytest.raises(PermissionDenied):
        services.conflict_certify_none(assignment=assignment, actor=other)


# ---- Assignments ---------------------------------------------------------------------------------


def test_assignment_refuses_non_members():
    setup = make_review_setup(proposals=1)

    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            proposal=setup.proposals[0], reviewer=make_reviewer(), actor=setup.chair
        )

    assert list(exc.value.message_dict) == ["reviewer"]


def test_manual_assignments_take_roles_in_order():
    setup = make_review_setup(proposals=1, members=4)
    proposal = setup.proposals[0]

    roles = [
        services.assignment_create(proposal=proposal, reviewer=m, actor=setup.chair).role
        for m in setup.members
    ]

    assert roles == [
        AssignmentRole.PRIMARY,
        AssignmentRole.SECONDARY,
        AssignmentRole.TERTIARY,
        AssignmentRole.READER,
    ]


def test_a_role_is_held_once():
    setup = make_review_setup(proposals=1)
    proposal = setup.proposals[0]
    services.assignment_create(
        proposal=proposal, reviewer=setup.members[0], actor=setup.chair, role="secondary"
    )

    with pytest.raises(ValidationError) as exc:
        services.assignment_create(
            proposal=proposal, reviewer=setup.members[1], actor=setup.chair, role="secondary"
        )

    assert list(exc.value.message_dict) == ["role"]


def test_manual_assignment_respects_the_load_cap():
    setup = make_review_setup(proposals=2, load_cap=1)
    member = setup.members[0]
    services.assignment_create(proposal=setup.proposals[0], reviewer=member, actor=setup.chair)

    with pytest.raises(ValidationError):
        services.assignment_create(proposal=setup.proposals[1], reviewer=member, actor=setup.chair)


def test_members_cannot_assign():
    setup = make_review_setup(proposals=1)

    with pytest.raises(PermissionDenied):
        services.assignment_create(
            proposal=setup.proposals[0], reviewer=setup.members[0], actor=setup.members[1]
        )


def test_only_proposals_in_review_are_assigned():
    setup = make_review_setup(proposals=1)
    proposal = setup.proposals[0]
    proposal_transition(proposal=proposal, to=ProposalStatus.WITHDRAWN, actor=proposal.pi)

    with pytest.raises(ValidationError):
        services.assignment_create(proposal=proposal, reviewer=setup.members[0], actor=setup.chair)


def test_swap_keeps_the_role_and_drops_the_outgoing_draft(staffed):
    proposal = staffed.proposals[0]
    primary = assignments_of(proposal)[0]
    services.conflict_certify_none(assignment=primary, actor=primary.reviewer)
    services.review_save_draft(
        assignment=primary, actor=primary.reviewer, data={"overall_paragraph": "Half done"}
    )
    newcomer = make_reviewer()
    services.committee_member_add(committee=staffed.committee, user=newcomer, actor=staffed.admin)

    swapped = services.assignment_swap(assignment=primary, reviewer=newcomer, actor=staffed.chair)

    assert (swapped.reviewer, swapped.role) == (newcomer, AssignmentRole.PRIMARY)
    assert swapped.review_or_none is None
    assert not Review.objects.filter(overall_paragraph="Half done").exists()
    assert [h.reason for h in state_history(swapped)] == [
        f"Replaces {primary.reviewer.display_name}."
    ]


def test_swap_is_refused_once_the_review_is_submitted(staffed):
    primary = assignments_of(staffed.proposals[0])[0]
    submit_review(primary)
    newcomer = make_reviewer()
    services.committee_member_add(committee=staffed.committee, user=newcomer, actor=staffed.admin)

    with pytest.raises(ValidationError):
        services.assignment_swap(assignment=primary, reviewer=newcomer, actor=staffed.chair)


def test_swap_is_refused_from_the_panel_on(staffed):
    primary = assignments_of(staffed.proposals[0])[0]
    newcomer = make_reviewer()
    services.committee_member_add(committee=staffed.committee, user=newcomer, actor=staffed.admin)
    move_review_to(staffed, ReviewPhase.PANEL)

    with pytest.raises(ValidationError):
        services.assignment_swap(assignment=primary, reviewer=newcomer, actor=staffed.chair)


def test_auto_assign_gives_every_proposal_its_reviewers_in_role_order():
    setup = make_review_setup(proposals=4, members=5, reviewers_per_proposal=3)

    result = services.auto_assign(call=setup.call, actor=setup.chair)

    assert len(result.created) == 12
    assert result.unstaffed == []
    for proposal in setup.proposals:
        assert [a.role for a in assignments_of(proposal)] == [
            AssignmentRole.PRIMARY,
            AssignmentRole.SECONDARY,
            AssignmentRole.TERTIARY,
        ]
    loads = [Assignment.objects.filter(reviewer=m).count() for m in setup.committee.members.all()]
    assert loads == [2, 2, 2, 2, 2, 2]  # 12 slots over the chair and five members


def test_auto_assign_never_exceeds_load_caps_and_reports_what_it_could_not_staff():
    # 3 proposals x 3 reviewers = 9 slots; 4 members with a cap of 2 hold 8.
    setup = make_review_setup(proposals=3, members=3, reviewers_per_proposal=3, load_cap=2)

    result = services.auto_assign(call=setup.call, actor=setup.chair)

    assert len(result.created) == 8
    for member in setup.committee.members.all():
        assert Assignment.objects.filter(reviewer=member).count() == 2
    assert len(result.unstaffed) == 1
    proposal, reason = result.unstaffed[0]
    assert len(assignments_of(proposal)) == 2
    assert reason == (
        "The members free to review it have reached their load caps (2 of 3 reviewers assigned)."
    )


def test_auto_assign_counts_load_across_the_committees_open_calls():
    setup = make_review_setup(proposals=2, members=1, reviewers_per_proposal=2, load_cap=1)
    services.auto_assign(call=setup.call, actor=setup.chair)
    second = make_review_setup(proposals=1, members=0, reviewers_per_proposal=1)
    services.committee_attach_to_call(
        committee=setup.committee, call=second.call, actor=second.admin
    )

    result = services.auto_assign(call=second.call, actor=setup.chair)

    assert result.created == []
    assert [p for p, _ in result.unstaffed] == second.proposals


def test_auto_assign_never_picks_a_conflicted_member_and_says_why():
    admin = make_admin()
    mentor = make_reviewer()
    call, proposal = call_in_review_with_team(admin=admin, team={mentor: MENTOR})
    committee = make_committee(admin=admin, members=1)
    services.committee_member_add(committee=committee, user=mentor, actor=admin)
    services.committee_attach_to_call(committee=committee, call=call, actor=admin)
    declared = committee.members.exclude(pk__in=[mentor.pk, committee.chair_id]).get()
    services.conflict_declare(
        proposal=proposal, reviewer=declared, actor=declared, reason=ConflictReason.FAMILY
    )

    result = services.auto_assign(call=call, actor=admin)

    reviewers = {a.reviewer for a in assignments_of(proposal)}
    assert mentor not in reviewers
    assert declared not in reviewers
    assert len(reviewers) == 1
    assert result.unstaffed == [
        (proposal, "Only 1 committee member(s) are free of conflicts with it; it needs 3.")
    ]


def test_auto_assign_prefers_matching_expertise_as_primary():
    setup = make_review_setup(proposals=1, members=0, reviewers_per_proposal=1)
    expert = make_reviewer(keywords="diabetes, promotora, rural")
    novice = make_reviewer(keywords="oncology")
    for member in (novice, expert):
        services.committee_member_add(committee=setup.committee, user=member, actor=setup.admin)

    services.auto_assign(call=setup.call, actor=setup.admin)

    assert [(a.reviewer, a.role) for a in assignments_of(setup.proposals[0])] == [
        (expert, AssignmentRole.PRIMARY)
    ]


def test_auto_assign_keeps_existing_assignments_and_fills_the_rest():
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=3)
    proposal = setup.proposals[0]
    services.assignment_create(
        proposal=proposal, reviewer=setup.members[2], actor=setup.chair, role="secondary"
    )

    result = services.auto_assign(call=setup.call, actor=setup.chair)

    assert len(result.created) == 2
    roles = {a.reviewer: a.role for a in assignments_of(proposal)}
    assert roles[setup.members[2]] == AssignmentRole.SECONDARY
    assert sorted(roles.values()) == ["primary", "secondary", "tertiary"]


def test_auto_assign_skips_proposals_the_actor_is_conflicted_on():
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=1)
    services.conflict_declare(
        proposal=setup.proposals[0],
        reviewer=setup.chair,
        actor=setup.chair,
        reason=ConflictReason.COLLABORATOR,
    )

    result = services.auto_assign(call=setup.call, actor=setup.chair)

    assert assignments_of(setup.proposals[0]) == []
    assert len(assignments_of(setup.proposals[1])) == 1
    assert [p for p, _ in result.unstaffed] == [setup.proposals[0]]


# ---- Reviews ------------------------------------------------------------------------------------


def _certified(setup, index=0, proposal_index=0):
    assignment = assignments_of(setup.proposals[proposal_index])[index]
    services.conflict_certify_none(assignment=assignment, actor=assignment.reviewer)
    return assignment


@pytest.mark.parametrize("bad", [0, 10, -3, 2.5, "4.5", "3.0", "high", True])
def test_scores_outside_1_to_9_or_not_whole_are_field_errors_and_text_is_kept(staffed, bad):
    assignment = _certified(staffed)
    factor1 = Criterion.objects.get(call=staffed.call, position=1)

    with pytest.raises(services.ReviewDraftInvalid) as exc:
        services.review_save_draft(
            assignment=assignment,
            actor=assignment.reviewer,
            data={
                "overall_impact": bad,
                "overall_paragraph": "Long careful paragraph.",
                "criteria": {
                    factor1.pk: {"score": bad, "strengths": "Clear aims.", "weaknesses": "Small n."}
                },
            },
        )

    assert sorted(exc.value.message_dict) == [f"criterion_{factor1.pk}_score", "overall_impact"]
    review = Review.objects.get(assignment=assignment)
    assert review.overall_paragraph == "Long careful paragraph."
    assert review.overall_impact is None
    score = CriterionScore.objects.get(review=review, criterion=factor1)
    assert (score.score, score.strengths, score.weaknesses) == (None, "Clear aims.", "Small n.")


def test_valid_draft_values_are_saved(staffed):
    assignment = _certified(staffed)
    factor3 = Criterion.objects.get(call=staffed.call, kind=CriterionKind.SUFFICIENCY)

    review = services.review_save_draft(
        assignment=assignment,
        actor=assignment.reviewer,
        data={"overall_impact": "4", "criteria": {str(factor3.pk): {"sufficient": "insufficient"}}},
    )

    assert review.overall_impact == 4
    assert review.status == ReviewStatus.DRAFT
    assert CriterionScore.objects.get(review=review, criterion=factor3).sufficient is False


def test_database_refuses_scores_outside_1_to_9(staffed):
    assignment = _certified(staffed)
    review = services.review_save_draft(assignment=assignment, actor=assignment.reviewer, data={})

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(overall_impact=10)


def test_sufficiency_criterion_is_not_scored_1_to_9(staffed):
    assignment = _certified(staffed)
    factor3 = Criterion.objects.get(call=staffed.call, kind=CriterionKind.SUFFICIENCY)

    with pytest.raises(services.ReviewDraftInvalid) as exc:
        services.review_save_draft(
            assignment=assignment,
            actor=assignment.reviewer,
            data={"criteria": {factor3.pk: {"score": 3}}},
        )

    assert list(exc.value.message_dict) == [f"criterion_{factor3.pk}_score"]


def test_unknown_criteria_are_refused(staffed):
    assignment = _certified(staffed)

    with pytest.raises(services.ReviewDraftInvalid) as exc:
        services.review_save_draft(
            assignment=assignment, actor=assignment.reviewer, data={"criteria": {999999: {}}}
        )

    assert list(exc.value.message_dict) == ["criteria"]


def test_another_reviewer_cannot_write_my_review(staffed):
    assignment = _certified(staffed)
    other = _certified(staffed, index=1)

    with pytest.raises(PermissionDenied):
        services.review_save_draft(assignment=assignment, actor=other.reviewer, data={})


def test_reviews_are_not_written_during_assignment():
    setup = make_review_setup(proposals=1)
    services.auto_assign(call=setup.call, actor=setup.chair)
    assignment = _certified(setup)

    with pytest.raises(ValidationError):
        services.review_save_draft(assignment=assignment, actor=assignment.reviewer, data={})


def test_submit_lists_everything_missing(staffed):
    assignment = _certified(staffed)
    services.review_save_draft(assignment=assignment, actor=assignment.reviewer, data={})
    ids = list(Criterion.objects.filter(call=staffed.call).values_list("pk", "kind"))

    with pytest.raises(ValidationError) as exc:
        services.review_submit(assignment=assignment, actor=assignment.reviewer)

    expected = {
        f"criterion_{pk}_{'score' if kind == CriterionKind.SCORE else 'sufficient'}"
        for pk, kind in ids
    } | {"overall_impact", "overall_paragraph"}
    assert set(exc.value.message_dict) == expected
    assert Review.objects.get(assignment=assignment).status == ReviewStatus.DRAFT


def test_insufficient_needs_an_explanation(staffed):
    assignment = _certified(staffed)
    data = complete_review_data(staffed.call)
    factor3 = Criterion.objects.get(call=staffed.call, kind=CriterionKind.SUFFICIENCY)
    data["criteria"][factor3.pk] = {"sufficient": False, "explanation": "   "}
    services.review_save_draft(assignment=assignment, actor=assignment.reviewer, data=data)

    with pytest.raises(ValidationError) as exc:
        services.review_submit(assignment=assignment, actor=assignment.reviewer)

    assert exc.value.message_dict == {
        f"criterion_{factor3.pk}_explanation": [
            "Explain why Factor 3: Expertise and Resources is insufficient."
        ]
    }


def test_submit_locks_the_review_and_is_audited(staffed):
    assignment = assignments_of(staffed.proposals[0])[0]

    review = submit_review(assignment, impact=3, score=2)

    assert review.status == ReviewStatus.SUBMITTED
    assert review.submitted_at is not None
    with pytest.raises(ValidationError):
        services.review_save_draft(
            assignment=assignment, actor=assignment.reviewer, data={"overall_impact": 1}
        )
    assert Review.objects.get(pk=review.pk).overall_impact == 3
    [entry] = state_history(review)
    assert (entry.from_state, entry.to_state, entry.actor) == (
        "draft",
        "submitted",
        assignment.reviewer,
    )
    assert entry.reason.startswith("Overall impact: 3; Factor 1: Importance of the Research: 2")


def test_chair_reopens_a_submitted_review(staffed):
    assignment = assignments_of(staffed.proposals[0])[0]
    review = submit_review(assignment)

    services.review_reopen(review=review, actor=staffed.chair, reason="Score the rigor again.")

    review.refresh_from_db()
    assert (review.status, review.reopened_count, review.submitted_at) == ("draft", 1, None)
    services.review_save_draft(
        assignment=assignment, actor=assignment.reviewer, data={"overall_impact": 5}
    )
    services.review_submit(assignment=assignment, actor=assignment.reviewer)
    history = [(h.from_state, h.to_state, h.actor) for h in state_history(review)]
    assert history == [
        ("draft", "submitted", assignment.reviewer),
        ("submitted", "draft", staffed.chair),
        ("draft", "submitted", assignment.reviewer),
    ]


def test_only_the_chair_reopens(staffed):
    assignment, other = [
        a for a in assignments_of(staffed.proposals[0]) if a.reviewer != staffed.chair
    ][:2]
    review = submit_review(assignment)
    other = other.reviewer

    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=assignment.reviewer)
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=other)
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=staffed.admin)


# ---- The read phase -----------------------------------------------------------------------------


def test_nobody_reads_other_reviews_before_submitting_their_own(staffed):
    first, second, _ = assignments_of(staffed.proposals[0])
    submit_review(first)
    _certified(staffed, index=1)
    move_review_to(staffed, ReviewPhase.READ_PHASE)

    assert reviews_readable_by(second.reviewer, staffed.proposals[0]) == []
    assert not second.reviewer.has_perm("reviews.read_reviews", staffed.proposals[0])


def test_submitted_reviewer_reads_nothing_during_independent_review(staffed):
    first, second, _ = assignments_of(staffed.proposals[0])
    submit_review(first)
    submit_review(second)

    assert reviews_readable_by(first.reviewer, staffed.proposals[0]) == []


def test_submitted_reviewer_reads_the_other_reviews_in_the_read_phase(staffed):
    first, second, third = assignments_of(staffed.proposals[0])
    submit_review(first, impact=2)
    submit_review(second, impact=4)
    _certified(staffed, index=2)
    move_review_to(staffed, ReviewPhase.READ_PHASE)

    readable = reviews_readable_by(first.reviewer, staffed.proposals[0])

    assert [r.assignment for r in readable] == [first, second]


@pytest.fixture
def by_hand():
    """Two proposals reviewed by two members each, assigned by hand (the chair reviews none):
    proposal 0 by members 0 and 1, proposal 1 by member 2 alone; independent review."""
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    for proposal, members in zip(
        setup.proposals, [setup.members[:2], setup.members[2:]], strict=True
    ):
        for member in members:
            services.assignment_create(proposal=proposal, reviewer=member, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    return setup


def test_a_reviewer_never_reads_another_proposals_reviews(by_hand):
    mine = assignments_of(by_hand.proposals[0])[0]
    submit_review(mine)
    submit_review(assignments_of(by_hand.proposals[1])[0])
    move_review_to(by_hand, ReviewPhase.READ_PHASE)

    assert len(reviews_readable_by(mine.reviewer, by_hand.proposals[0])) == 1
    assert reviews_readable_by(mine.reviewer, by_hand.proposals[1]) == []
    assert not mine.reviewer.has_perm("reviews.open_proposal", by_hand.proposals[1])


def test_unassigned_members_read_submitted_reviews_from_the_panel_on(by_hand):
    outsider = by_hand.members[2]
    submit_review(assignments_of(by_hand.proposals[0])[0])
    move_review_to(by_hand, ReviewPhase.READ_PHASE)
    assert reviews_readable_by(outsider, by_hand.proposals[0]) == []

    move_review_to(by_hand, ReviewPhase.PANEL)

    assert len(reviews_readable_by(outsider, by_hand.proposals[0])) == 1
    assert outsider.has_perm("reviews.open_proposal", by_hand.proposals[0])


def test_chair_reads_submitted_reviews_but_not_drafts(by_hand):
    proposal = by_hand.proposals[0]
    submitted = submit_review(assignments_of(proposal)[0])
    draft = assignments_of(proposal)[1]
    services.conflict_certify_none(assignment=draft, actor=draft.reviewer)
    services.review_save_draft(assignment=draft, actor=draft.reviewer, data={"overall_impact": 1})

    assert reviews_readable_by(by_hand.chair, proposal) == [submitted]


def test_conflicted_chair_sees_nothing_of_the_proposals_reviews(by_hand):
    proposal = by_hand.proposals[0]
    submit_review(assignments_of(proposal)[0])

    services.conflict_declare(
        proposal=proposal, reviewer=by_hand.chair, actor=by_hand.chair, reason="family"
    )

    assert reviews_readable_by(by_hand.chair, proposal) == []
    assert not by_hand.chair.has_perm("reviews.open_proposal", proposal)
    assert not by_hand.chair.has_perm("reviews.run_panel", proposal)
    assert by_hand.chair.has_perm("reviews.open_proposal", by_hand.proposals[1])


def test_conflicted_chair_cannot_reopen_or_triage_that_proposal(by_hand):
    proposal = by_hand.proposals[0]
    review = submit_review(assignments_of(proposal)[0])
    services.conflict_declare(
        proposal=proposal, reviewer=by_hand.chair, actor=by_hand.admin, reason="financial"
    )

    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, actor=by_hand.chair)
    move_review_to(by_hand, ReviewPhase.READ_PHASE)
    with pytest.raises(PermissionDenied):
        services.panel_set_disposition(
            proposal=proposal, disposition="not_discussed", actor=by_hand.chair
        )
    # An administrator stands in for the conflicted chair.
    entry = services.panel_set_disposition(
        proposal=proposal, disposition="not_discussed", actor=by_hand.admin
    )
    assert entry.disposition == "not_discussed"


# ---- The panel ----------------------------------------------------------------------------------


@pytest.fixture
def paneled():
    """Four proposals each reviewed by three of the chair + three members, preliminary
    scores 2, 3, 5 and 7, in the read phase."""
    setup = make_review_setup(proposals=4, members=3, reviewers_per_proposal=3)
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for proposal, impact in zip(setup.proposals, [2, 3, 5, 7], strict=True):
        for assignment in assignments_of(proposal):
            submit_review(assignment, impact=impact)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    return setup


def _dispositions(setup):
    return [PanelEntry.objects.get(proposal=p).disposition for p in setup.proposals]


def test_default_triage_leaves_the_weaker_half_undiscussed(paneled):
    entries = services.triage_default(call=paneled.call, actor=paneled.chair)

    assert len(entries) == 4
    assert _dispositions(paneled) == ["discussed", "discussed", "not_discussed", "not_discussed"]
    history = state_history(PanelEntry.objects.get(proposal=paneled.proposals[3]))
    assert [(h.from_state, h.to_state) for h in history] == [
        ("", "discussed"),
        ("discussed", "not_discussed"),
    ]


def test_the_panel_phase_triages_by_default(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    assert _dispositions(paneled) == ["discussed", "discussed", "not_discussed", "not_discussed"]


def test_chair_brings_a_proposal_back_for_discussion(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    entry = services.panel_set_disposition(
        proposal=paneled.proposals[2],
        disposition=PanelDisposition.DISCUSSED,
        actor=paneled.chair,
        reason="Innovative aims.",
    )

    assert entry.disposition == PanelDisposition.DISCUSSED
    assert [h.reason for h in state_history(entry)][-1] == "Innovative aims."


def test_members_cannot_set_dispositions(paneled):
    with pytest.raises(PermissionDenied):
        services.panel_set_disposition(
            proposal=paneled.proposals[0],
            disposition=PanelDisposition.NOT_DISCUSSED,
            actor=paneled.members[0],
        )


def _vote(setup, proposal, scores):
    voters = [setup.chair, *setup.members]
    for member, score in zip(voters, scores, strict=False):
        services.final_score_record(proposal=proposal, actor=member, score=score)


def test_final_scores_give_the_final_impact_score_and_percentiles(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)
    first, second = paneled.proposals[:2]
    _vote(paneled, first, [2, 2, 3, 2])
    _vote(paneled, second, [3, 3, 3, 4])

    services.panel_finalize(proposal=first, actor=paneled.chair, resume_of_discussion="Strong.")
    entry = services.panel_finalize(
        proposal=second, actor=paneled.chair, resume_of_discussion="Solid, some concerns."
    )

    first_entry = PanelEntry.objects.get(proposal=first)
    assert (first_entry.final_impact_score, first_entry.percentile) == (23, 25)
    assert (entry.final_impact_score, entry.percentile) == (33, 75)
    assert first_entry.resume_of_discussion == "Strong."
    for proposal in paneled.proposals[2:]:
        undiscussed = PanelEntry.objects.get(proposal=proposal)
        assert (undiscussed.final_impact_score, undiscussed.percentile) == (None, None)


def test_a_single_finalized_proposal_is_at_the_50th_percentile(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)
    _vote(paneled, paneled.proposals[0], [2, 3])

    entry = services.panel_finalize(
        proposal=paneled.proposals[0], actor=paneled.chair, resume_of_discussion="Good."
    )

    assert (entry.final_impact_score, entry.percentile) == (25, 50)


def test_changing_a_vote_after_finalizing_recomputes_and_is_audited(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)
    proposal = paneled.proposals[0]
    _vote(paneled, proposal, [2, 2, 2, 2])
    services.panel_finalize(proposal=proposal, actor=paneled.chair, resume_of_discussion="Fine.")

    final = services.final_score_record(proposal=proposal, actor=paneled.members[0], score=4)

    entry = PanelEntry.objects.get(proposal=proposal)
    assert entry.final_impact_score == 25
    assert [(h.from_state, h.to_state) for h in state_history(final)] == [("", "2"), ("2", "4")]
    assert [(h.from_state, h.to_state) for h in state_history(entry)][-1] == ("20", "25")


def test_final_scores_are_whole_numbers_1_to_9(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    for bad in (0, 10, 2.5, "x", None):
        with pytest.raises(ValidationError) as exc:
            services.final_score_record(
                proposal=paneled.proposals[0], actor=paneled.chair, score=bad
            )
        assert list(exc.value.message_dict) == ["score"]


def test_not_discussed_proposals_take_no_final_scores(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    with pytest.raises(ValidationError):
        services.final_score_record(proposal=paneled.proposals[3], actor=paneled.chair, score=5)


def test_final_scores_wait_for_the_panel(paneled):
    with pytest.raises(ValidationError):
        services.final_score_record(proposal=paneled.proposals[0], actor=paneled.chair, score=2)


def test_conflicted_member_cannot_vote_and_is_left_out_of_the_final_score(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)
    proposal = paneled.proposals[0]
    conflicted = paneled.members[2]
    _vote(paneled, proposal, [2, 2, 2, 9])
    assert FinalScore.objects.filter(entry__proposal=proposal, member=conflicted).exists()

    services.conflict_declare(
        proposal=proposal, reviewer=conflicted, actor=conflicted, reason=ConflictReason.FINANCIAL
    )

    with pytest.raises(PermissionDenied):
        services.final_score_record(proposal=proposal, actor=conflicted, score=1)
    entry = services.panel_finalize(
        proposal=proposal, actor=paneled.chair, resume_of_discussion="OK"
    )
    assert entry.final_impact_score == 20
    assert not FinalScore.objects.filter(entry__proposal=proposal, member=conflicted).exists()


def test_outsiders_cannot_vote(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    with pytest.raises(PermissionDenied):
        services.final_score_record(proposal=paneled.proposals[0], actor=make_reviewer(), score=2)


def test_finalizing_needs_a_resume_and_a_vote(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    with pytest.raises(ValidationError) as exc:
        services.panel_finalize(
            proposal=paneled.proposals[0], actor=paneled.chair, resume_of_discussion=" "
        )

    assert sorted(exc.value.message_dict) == ["final_scores", "resume_of_discussion"]


def test_dropping_a_finalized_proposal_from_discussion_clears_its_results(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)
    first, second = paneled.proposals[:2]
    _vote(paneled, first, [2])
    _vote(paneled, second, [4])
    services.panel_finalize(proposal=first, actor=paneled.chair, resume_of_discussion="A")
    services.panel_finalize(proposal=second, actor=paneled.chair, resume_of_discussion="B")

    services.panel_set_disposition(
        proposal=first, disposition=PanelDisposition.NOT_DISCUSSED, actor=paneled.chair
    )

    assert PanelEntry.objects.get(proposal=first).final_impact_score is None
    assert PanelEntry.objects.get(proposal=second).percentile == 50


# ---- Phases -------------------------------------------------------------------------------------


def test_phases_follow_the_table():
    setup = make_review_setup(proposals=1)
    staff_if_nobody_is(setup)

    with pytest.raises(InvalidTransition):
        services.review_phase_transition(call=setup.call, to=ReviewPhase.PANEL, actor=setup.chair)
    with pytest.raises(PermissionDenied):
        services.review_phase_transition(
            call=setup.call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=setup.members[0]
        )

    review = services.review_phase_transition(
        call=setup.call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=setup.admin, reason="Go."
    )

    assert review.phase == ReviewPhase.INDEPENDENT_REVIEW
    assert [(h.from_state, h.to_state, h.actor) for h in state_history(review)] == [
        ("", "assignment", setup.admin),
        ("assignment", "independent_review", setup.admin),
    ]


def test_closing_needs_every_discussed_proposal_finalized(paneled):
    move_review_to(paneled, ReviewPhase.PANEL)

    with pytest.raises(ValidationError):
        services.review_phase_transition(
            call=paneled.call, to=ReviewPhase.CLOSED, actor=paneled.chair
        )

    for proposal in paneled.proposals[:2]:
        _vote(paneled, proposal, [3])
        services.panel_finalize(proposal=proposal, actor=paneled.chair, resume_of_discussion="R")
    review = services.review_phase_transition(
        call=paneled.call, to=ReviewPhase.CLOSED, actor=paneled.chair
    )
    assert review.phase == ReviewPhase.CLOSED
    with pytest.raises(InvalidTransition):
        services.review_phase_transition(
            call=paneled.call, to=ReviewPhase.PANEL, actor=paneled.chair
        )


def test_due_date_and_reviewers_per_proposal_can_be_changed_by_the_chair():
    setup = make_review_setup(proposals=1)
    due = timezone.now() + timedelta(days=30)

    review = services.call_review_update(
        call=setup.call, actor=setup.chair, reviewers_per_proposal=2, review_due_at=due
    )

    assert (review.reviewers_per_proposal, review.review_due_at) == (2, due)
    with pytest.raises(PermissionDenied):
        services.call_review_update(
            call=setup.call, actor=setup.members[0], reviewers_per_proposal=1
        )
