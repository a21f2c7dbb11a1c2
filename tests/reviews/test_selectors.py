from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import demographics_for
from reviews import selectors, services
from reviews.choices import ConflictReason, PanelDisposition, ReviewPhase, ReviewStatus
from reviews.models import Criterion
from tests.factories import (
    make_review_setup,
    make_reviewer,
    move_review_to,
    submit_review,
)
from tests.reviews.support import assignments_of

pytestmark = pytest.mark.django_db


def _reviewed(proposals: int, impacts=None):
    """A call whose proposals each have three submitted reviews (impacts[i] each), read phase."""
    impacts = impacts or [3] * proposals
    setup = make_review_setup(proposals=proposals, members=3, reviewers_per_proposal=3)
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for proposal, impact in zip(setup.proposals, impacts, strict=True):
        for assignment in assignments_of(proposal):
            submit_review(assignment, impact=impact)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    return setup


def _finalize(setup, proposal, scores, resume="Discussed at length."):
    voters = [setup.chair, *setup.members]
    for member, score in zip(voters, scores, strict=False):
        services.final_score_record(proposal=proposal, actor=member, score=score)
    return services.panel_finalize(
        proposal=proposal, actor=setup.chair, resume_of_discussion=resume
    )


# ---- The reviewer's queue -----------------------------------------------------------------------


def test_queue_shows_each_assignment_with_progress_and_due_date():
    setup = make_review_setup(proposals=2, members=1, reviewers_per_proposal=2)
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    member = setup.members[0]
    first = assignments_of(setup.proposals[0])
    mine = next(a for a in first if a.reviewer == member)
    services.conflict_certify_none(assignment=mine, actor=member)
    factor1 = Criterion.objects.get(call=setup.call, position=1)
    services.review_save_draft(
        assignment=mine, actor=member, data={"criteria": {factor1.pk: {"score": 2}}}
    )

    queue = list(selectors.reviewer_queue(member))

    assert [a.proposal for a in queue] == setup.proposals
    assert [(a.criteria_done, a.criteria_total) for a in queue] == [(1, 4), (0, 4)]
    assert queue[0].review_or_none.status == ReviewStatus.DRAFT
    assert queue[1].review_or_none is None
    assert queue[0].proposal.call.call_review.review_due_at == setup.call_review.review_due_at


@pytest.mark.parametrize("count", [1, 3])
def test_queue_runs_two_queries_for_1_or_3_assignments(count, django_assert_num_queries):
    setup = make_review_setup(proposals=count, members=0, reviewers_per_proposal=1)
    services.auto_assign(call=setup.call, actor=setup.chair)

    with django_assert_num_queries(2):
        rows = [
            (
                a.proposal.title,
                a.proposal.call.title,
                a.proposal.call.call_review.review_due_at,
                a.review_or_none,
                a.criteria_done,
                a.criteria_total,
                a.get_role_display(),
            )
            for a in selectors.reviewer_queue(setup.chair)
        ]

    assert len(rows) == count


def test_queue_leaves_out_closed_reviews_and_other_reviewers():
    setup = make_review_setup(proposals=1, members=1, reviewers_per_proposal=1)
    services.assignment_create(
        proposal=setup.proposals[0], reviewer=setup.members[0], actor=setup.chair
    )

    assert list(selectors.reviewer_queue(setup.chair)) == []
    assert len(selectors.reviewer_queue(setup.members[0])) == 1


# ---- Visibility -----------------------------------------------------------------------------------


def test_visible_proposals_follow_certification_chairing_and_conflicts():
    setup = make_review_setup(proposals=2, members=2, reviewers_per_proposal=1)
    first, second = setup.proposals
    reviewer, bystander = setup.members
    assignment = services.assignment_create(proposal=first, reviewer=reviewer, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)

    assert list(selectors.proposals_visible_to_reviewer(reviewer)) == []
    services.conflict_certify_none(assignment=assignment, actor=reviewer)
    assert list(selectors.proposals_visible_to_reviewer(reviewer)) == [first]
    assert list(selectors.proposals_visible_to_reviewer(bystander)) == []
    assert set(selectors.proposals_visible_to_reviewer(setup.chair)) == {first, second}
    assert list(selectors.proposals_visible_to_reviewer(first.pi)) == []

    services.conflict_declare(
        proposal=second, reviewer=setup.chair, actor=setup.chair, reason=ConflictReason.FAMILY
    )
    assert list(selectors.proposals_visible_to_reviewer(setup.chair)) == [first]


@pytest.mark.parametrize("phase", [ReviewPhase.INDEPENDENT_REVIEW, ReviewPhase.PANEL])
def test_visibility_selector_and_open_permission_agree(phase):
    setup = make_review_setup(proposals=2, members=2, reviewers_per_proposal=1)
    first = setup.proposals[0]
    assignment = services.assignment_create(
        proposal=first, reviewer=setup.members[0], actor=setup.chair
    )
    services.conflict_certify_none(assignment=assignment, actor=setup.members[0])
    services.conflict_declare(
        proposal=setup.proposals[1],
        reviewer=setup.members[1],
        actor=setup.members[1],
        reason=ConflictReason.COLLABORATOR,
    )
    move_review_to(setup, phase)
    outsider = make_reviewer()

    for user in [setup.chair, *setup.members, outsider, first.pi, setup.admin]:
        visible = set(selectors.proposals_visible_to_reviewer(user))
        for proposal in setup.proposals:
            assert (proposal in visible) == user.has_perm("reviews.open_proposal", proposal)


def test_review_pages_never_read_demographics():
    setup = _reviewed(2)
    for proposal in setup.proposals:
        demographics_for(proposal.pi)
    member = setup.members[0]

    with CaptureQueriesContext(connection) as queries:
        list(selectors.reviewer_queue(member))
        list(selectors.proposals_visible_to_reviewer(member))
        for proposal in setup.proposals:
            selectors.reviews_readable_by(setup.chair, proposal)
            selectors.summary_statement(proposal)
        selectors.panel_rows(setup.call, viewer=setup.chair)
        list(selectors.ranking(setup.call))
        list(selectors.assignment_board(setup.call))

    assert not [q for q in queries.captured_queries if "demographics" in q["sql"]]


# ---- The summary statement -------------------------------------------------------------------------


def test_summary_statement_labels_reviewers_and_hides_names_and_confidential_comments():
    setup = _reviewed(1, impacts=[2])
    proposal = setup.proposals[0]
    move_review_to(setup, ReviewPhase.PANEL)
    _finalize(setup, proposal, [2, 2, 3, 2], resume="The panel praised the community plan.")

    statement = selectors.summary_statement(proposal)

    assert [c.label for c in statement.critiques] == ["Reviewer 1", "Reviewer 2", "Reviewer 3"]
    assert (statement.final_impact_score, statement.percentile) == (23, 50)
    assert statement.resume_of_discussion == "The panel praised the community plan."
    assert statement.critiques[0].comments_to_applicant == "Consider a larger sample."
    assert [c.criterion for c in statement.criteria] == [
        "Factor 1: Importance of the Research",
        "Factor 2: Rigor and Feasibility",
        "Factor 3: Expertise and Resources",
        "Health Disparities Relevance",
    ]
    assert statement.criteria[0].ratings == ("2 (Outstanding)",) * 3
    assert statement.criteria[2].ratings == ("Sufficient",) * 3
    text = repr(statement)
    assert "CONFIDENTIAL" not in text
    for assignment in assignments_of(proposal):
        reviewer = assignment.reviewer
        assert reviewer.username not in text
        assert reviewer.last_name not in text


def test_summary_statement_orders_reviewers_primary_secondary_tertiary():
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=3)
    proposal = setup.proposals[0]
    for member, role in zip(setup.members, ["tertiary", "primary", "secondary"], strict=True):
        services.assignment_create(proposal=proposal, reviewer=member, actor=setup.chair, role=role)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for assignment in reversed(assignments_of(proposal)):
        submit_review(assignment, impact=assignment.role_rank + 1)

    statement = selectors.summary_statement(proposal)

    assert [c.ratings[0].score for c in statement.critiques] == [2, 2, 2]
    primary_review = assignments_of(proposal)[0].review
    assert statement.critiques[0].overall_impact == primary_review.overall_paragraph
    assert statement.disposition == ""


def test_summary_statement_of_an_undiscussed_proposal_has_no_final_score():
    setup = _reviewed(2, impacts=[2, 6])
    move_review_to(setup, ReviewPhase.PANEL)

    statement = selectors.summary_statement(setup.proposals[1])

    assert statement.not_discussed
    assert (statement.final_impact_score, statement.percentile) == (None, None)
    assert statement.resume_of_discussion == ""
    assert len(statement.critiques) == 3
    assert statement.criteria[1].ratings == ("2 (Outstanding)",) * 3


@pytest.mark.parametrize("count", [1, 3])
def test_summary_statement_query_count_is_constant(count, django_assert_num_queries):
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=count)
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    for assignment in assignments_of(setup.proposals[0]):
        submit_review(assignment)

    with django_assert_num_queries(7):
        statement = selectors.summary_statement(setup.proposals[0])

    assert len(statement.critiques) == count


# ---- Panel and ranking ----------------------------------------------------------------------------


def test_panel_rows_are_ordered_by_preliminary_score():
    setup = _reviewed(3, impacts=[5, 2, 3])

    rows = selectors.panel_rows(setup.call)

    assert [r.proposal for r in rows] == [
        setup.proposals[1],
        setup.proposals[2],
        setup.proposals[0],
    ]
    assert [r.preliminary_score for r in rows] == [
        Decimal("2.00"),
        Decimal("3.00"),
        Decimal("5.00"),
    ]
    assert [(r.reviews_assigned, r.reviews_submitted) for r in rows] == [(3, 3)] * 3
    assert {r.eligible_voters for r in rows} == {4}


def test_panel_rows_hide_scores_of_proposals_the_viewer_is_conflicted_on():
    setup = _reviewed(2, impacts=[2, 4])
    services.conflict_declare(
        proposal=setup.proposals[0],
        reviewer=setup.chair,
        actor=setup.admin,
        reason=ConflictReason.COLLABORATOR,
    )

    rows = {r.proposal: r for r in selectors.panel_rows(setup.call, viewer=setup.chair)}

    hidden = rows[setup.proposals[0]]
    assert (hidden.conflicted, hidden.preliminary_score, hidden.entry) == (True, None, None)
    assert (hidden.reviews_assigned, hidden.reviews_submitted, hidden.eligible_voters) == (
        None,
        None,
        None,
    )
    assert rows[setup.proposals[1]].preliminary_score == Decimal("4.00")
    assert rows[setup.proposals[1]].reviews_submitted == 3


@pytest.mark.parametrize("count", [1, 3])
def test_panel_rows_query_count_is_constant(count, django_assert_num_queries):
    setup = _reviewed(count)
    move_review_to(setup, ReviewPhase.PANEL)

    # Five, and two for what the viewer may see (results_hidden_ids: the blind rule).
    with django_assert_num_queries(7):
        rows = selectors.panel_rows(setup.call, viewer=setup.chair)
        _ = [(r.proposal.title, r.proposal.pi.display_name, r.disposition) for r in rows]

    assert len(rows) == count


def test_final_score_status_shows_who_has_voted_among_eligible_members():
    setup = _reviewed(2, impacts=[2, 3])
    proposal = setup.proposals[0]
    services.conflict_declare(
        proposal=proposal,
        reviewer=setup.members[2],
        actor=setup.members[2],
        reason=ConflictReason.FINANCIAL,
    )
    move_review_to(setup, ReviewPhase.PANEL)
    services.final_score_record(proposal=proposal, actor=setup.members[0], score=2)

    status = {s.member: s.voted for s in selectors.final_score_status(proposal)}

    assert status == {setup.chair: False, setup.members[0]: True, setup.members[1]: False}


def test_ballot_lists_discussed_proposals_the_member_may_score():
    setup = _reviewed(3, impacts=[2, 3, 7])
    services.conflict_declare(
        proposal=setup.proposals[1],
        reviewer=setup.members[0],
        actor=setup.members[0],
        reason=ConflictReason.FAMILY,
    )
    move_review_to(setup, ReviewPhase.PANEL)
    services.final_score_record(proposal=setup.proposals[0], actor=setup.members[0], score=3)

    ballot = selectors.ballot_for(setup.members[0], setup.call)

    assert [(row.proposal, row.my_score) for row in ballot] == [(setup.proposals[0], 3)]
    assert selectors.ballot_for(make_reviewer(), setup.call) == []


def test_ranking_orders_by_final_score_then_percentile_then_submission():
    setup = _reviewed(4, impacts=[2, 2, 3, 7])
    move_review_to(setup, ReviewPhase.PANEL)
    services.panel_set_disposition(
        proposal=setup.proposals[2], disposition=PanelDisposition.DISCUSSED, actor=setup.chair
    )
    _finalize(setup, setup.proposals[0], [3, 3])  # 30, tied
    _finalize(setup, setup.proposals[1], [3, 3])  # 30, tied, submitted later
    _finalize(setup, setup.proposals[2], [2, 2])  # 20

    ranked = list(selectors.ranking(setup.call))

    assert ranked == [
        setup.proposals[2],
        setup.proposals[0],
        setup.proposals[1],
        setup.proposals[3],
    ]
    assert [(p.panel_entry.final_impact_score, p.panel_entry.percentile) for p in ranked[:3]] == [
        (20, 17),
        (30, 67),
        (30, 67),
    ]
    assert ranked[3].panel_entry.final_impact_score is None


@pytest.mark.parametrize("count", [1, 3])
def test_ranking_query_count_is_constant(count, django_assert_num_queries):
    setup = _reviewed(count)
    move_review_to(setup, ReviewPhase.PANEL)
    for proposal in setup.proposals:
        _finalize(setup, proposal, [3])

    with django_assert_num_queries(3):
        rows = [
            (p.title, p.pi.display_name, p.requested_amount, p.panel_entry.final_impact_score)
            for p in selectors.ranking(setup.call)
        ]

    assert len(rows) == count


@pytest.mark.parametrize("count", [1, 3])
def test_assignment_board_query_count_is_constant(count, django_assert_num_queries):
    setup = make_review_setup(proposals=count, members=3, reviewers_per_proposal=3)
    services.auto_assign(call=setup.call, actor=setup.chair)

    with django_assert_num_queries(4):
        rows = [
            (
                p.title,
                [(a.reviewer.display_name, a.review_or_none) for a in p.review_assignments.all()],
            )
            for p in selectors.assignment_board(setup.call)
        ]

    assert [len(assignments) for _, assignments in rows] == [3] * count


def test_committee_members_show_their_load():
    setup = make_review_setup(proposals=2, members=1, reviewers_per_proposal=2, load_cap=5)
    services.auto_assign(call=setup.call, actor=setup.chair)

    rows = {
        m.user: (m.open_assignments, m.load_cap)
        for m in selectors.committee_members(setup.committee)
    }

    assert rows == {setup.chair: (2, 5), setup.members[0]: (2, 5)}
