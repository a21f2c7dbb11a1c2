"""Who may do what in committee review (rules predicates, shared by the web UI and the API).

Predicates take the user and an object: a FundingCall, CallReview, Proposal, Assignment, Review
or PanelEntry — each resolves to its call and (where there is one) its proposal. A user
conflicted on a proposal (declared, or automatically as its PI, mentor or team member) may do
nothing with it or its reviews, whatever else they are — chair and administrator included.
Objects a user may not know exist answer 404: look them up through ``selectors`` first.

The rules, in words:
- open a proposal: not conflicted, and the proposal is under review, and either assigned and
  certified no conflict, or chair of the call's committee, or (in the panel and after) any
  committee member;
- read the reviews of a proposal: not conflicted, and either an assigned reviewer who has
  submitted their own review, from the read phase on; or — when not assigned to it — an
  administrator, the chair, or (in the panel and after) any committee member;
- manage committees: administrators; manage a call's review (assign, swap, auto-assign,
  criteria, phases): administrators and the call's chair;
- run the panel (dispositions, resume, finalize) and reopen reviews: the chair (administrators
  may run the panel too, e.g. when the chair is conflicted, or is assigned to the proposal and
  has not submitted their own review — the blind rule);
- final scores: every non-conflicted committee member enters their own, in the panel phase.
"""

import rules

from accounts.permissions import is_administrator
from grants.choices import LetterStatus
from grants.models import Decision, FundingCall, LetterOfIntent, Proposal

from . import conflicts
from .choices import (
    ASSIGNABLE_PHASES,
    PANEL_PHASES,
    READ_PHASES,
    REVIEW_STATES,
    WRITABLE_PHASES,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)
from .models import Assignment, CallReview, CommitteeMembership, PanelEntry, Review


def _call_id(obj) -> int | None:
    if isinstance(obj, FundingCall):
        return obj.pk
    if isinstance(obj, CallReview | Proposal | LetterOfIntent):
        return obj.call_id
    proposal = _proposal(obj)
    return proposal.call_id if proposal is not None else None


def _proposal(obj) -> Proposal | None:
    if isinstance(obj, Proposal):
        return obj
    if isinstance(obj, Assignment | PanelEntry):
        return obj.proposal
    if isinstance(obj, Review):
        return obj.assignment.proposal
    return None


def _phase(obj) -> str | None:
    call_id = _call_id(obj)
    if call_id is None:
        return None
    if isinstance(obj, CallReview):
        return obj.phase
    return CallReview.objects.filter(call_id=call_id).values_list("phase", flat=True).first()


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


# ---- Facts about the user and the object ------------------------------------------------------


@rules.predicate
def is_committee_chair_for(user, obj) -> bool:
    """Chair of the committee attached to the object's call."""
    call_id = _call_id(obj)
    if call_id is None or not _signed_in(user):
        return False
    return CallReview.objects.filter(call_id=call_id, committee__chair_id=user.pk).exists()


@rules.predicate
def is_committee_member_for(user, obj) -> bool:
    """Member (or chair) of the committee attached to the object's call."""
    call_id = _call_id(obj)
    if call_id is None or not _signed_in(user):
        return False
    return CommitteeMembership.objects.filter(
        user_id=user.pk, committee__call_reviews__call_id=call_id
    ).exists() or is_committee_chair_for(user, obj)


@rules.predicate
def is_assigned_reviewer(user, obj) -> bool:
    proposal = _proposal(obj)
    if proposal is None or not _signed_in(user):
        return False
    return Assignment.objects.filter(proposal_id=proposal.pk, reviewer_id=user.pk).exists()


@rules.predicate
def has_certified_no_conflict(user, obj) -> bool:
    proposal = _proposal(obj)
    if proposal is None or not _signed_in(user):
        return False
    return Assignment.objects.filter(
        proposal_id=proposal.pk, reviewer_id=user.pk, certified_no_conflict_at__isnull=False
    ).exists()


@rules.predicate
def is_conflicted(user, obj) -> bool:
    """Declared a conflict on the proposal, or is its PI, mentor or a team member."""
    proposal = _proposal(obj)
    if proposal is None or not _signed_in(user):
        return False
    return conflicts.is_conflicted(user, proposal)


@rules.predicate
def has_submitted_own_review(user, obj) -> bool:
    proposal = _proposal(obj)
    if proposal is None or not _signed_in(user):
        return False
    return Review.objects.filter(
        assignment__proposal_id=proposal.pk,
        assignment__reviewer_id=user.pk,
        status=ReviewStatus.SUBMITTED,
    ).exists()


@rules.predicate
def is_own_assignment(user, obj) -> bool:
    assignment = obj.assignment if isinstance(obj, Review) else obj
    return (
        isinstance(assignment, Assignment)
        and _signed_in(user)
        and assignment.reviewer_id == user.pk
    )


@rules.predicate
def is_under_review(user, obj) -> bool:
    proposal = _proposal(obj)
    return proposal is not None and proposal.status in REVIEW_STATES


@rules.predicate
def is_review_draft(user, obj) -> bool:
    """The assignment's review is not yet written, or still a draft."""
    if isinstance(obj, Assignment):
        return not Review.objects.filter(
            assignment_id=obj.pk, status=ReviewStatus.SUBMITTED
        ).exists()
    return isinstance(obj, Review) and obj.status == ReviewStatus.DRAFT


@rules.predicate
def is_review_submitted(user, obj) -> bool:
    return isinstance(obj, Review) and obj.status == ReviewStatus.SUBMITTED


@rules.predicate
def is_assignable_phase(user, obj) -> bool:
    return _phase(obj) in ASSIGNABLE_PHASES


@rules.predicate
def is_writable_phase(user, obj) -> bool:
    return _phase(obj) in WRITABLE_PHASES


@rules.predicate
def is_read_phase(user, obj) -> bool:
    """The read phase or later (panel, closed)."""
    return _phase(obj) in READ_PHASES


@rules.predicate
def is_panel_phase(user, obj) -> bool:
    """The panel or later (closed)."""
    return _phase(obj) in PANEL_PHASES


@rules.predicate
def is_voting_phase(user, obj) -> bool:
    return _phase(obj) == ReviewPhase.PANEL


@rules.predicate
def is_discussed(user, obj) -> bool:
    proposal = _proposal(obj)
    if proposal is None:
        return False
    return PanelEntry.objects.filter(
        proposal_id=proposal.pk, disposition=PanelDisposition.DISCUSSED
    ).exists()


# ---- Composed rules ---------------------------------------------------------------------------

may_manage_review = is_administrator | is_committee_chair_for

may_open_proposal = (
    ~is_conflicted
    & is_under_review
    & (
        (is_assigned_reviewer & has_certified_no_conflict)
        | is_committee_chair_for
        | (is_committee_member_for & is_panel_phase)
    )
)

# Blind until submitted (docs/invariants.md): anyone assigned to review a proposal — reviewer,
# chair or staff — sees no other score, critique, preliminary score, ranking position or
# summary statement of it until their own review is submitted and the read phase is open; a
# conflicted person sees nothing of it. selectors.results_hidden_ids is the same rule in bulk.
is_blind_to_results = is_conflicted | (
    is_assigned_reviewer & ~(has_submitted_own_review & is_read_phase)
)

may_read_other_reviews = ~is_blind_to_results & (
    is_assigned_reviewer
    | is_administrator
    | is_committee_chair_for
    | (is_committee_member_for & is_panel_phase)
)

may_write_review = is_own_assignment & may_open_proposal & is_writable_phase & is_review_draft

# Running a proposal's panel shows its scores, so the blind rule applies: a chair assigned to
# a proposal without having submitted their own review leaves it to an administrator.
may_run_panel = ~is_blind_to_results & (is_committee_chair_for | is_administrator)

# Who, whatever the state: the services check these first, then the state.
may_reopen_reviews = is_committee_chair_for & ~is_conflicted
may_vote = is_committee_member_for & ~is_conflicted

may_record_final_score = may_vote & is_voting_phase & is_discussed

rules.add_perm("reviews.manage_committees", is_administrator)
rules.add_perm("reviews.manage_review", may_manage_review)
rules.add_perm("reviews.assign_reviewers", may_manage_review & ~is_conflicted & is_assignable_phase)
rules.add_perm("reviews.view_review_progress", may_manage_review)
rules.add_perm("reviews.declare_conflict", is_committee_member_for)
rules.add_perm("reviews.certify_no_conflict", is_own_assignment & ~is_conflicted)
rules.add_perm("reviews.open_proposal", may_open_proposal)
rules.add_perm("reviews.write_review", may_write_review)
rules.add_perm("reviews.read_reviews", may_read_other_reviews)
rules.add_perm(
    "reviews.reopen_review", may_reopen_reviews & is_review_submitted & is_writable_phase
)
rules.add_perm("reviews.run_panel", may_run_panel)
rules.add_perm("reviews.record_final_score", may_record_final_score)


@rules.predicate
def is_pi_with_released_decision(user, obj) -> bool:
    """The applicant reads the summary statement once the decision is released."""
    proposal = _proposal(obj)
    if proposal is None or not _signed_in(user) or proposal.pi_id != user.pk:
        return False
    return Decision.objects.filter(proposal_id=proposal.pk, released_at__isnull=False).exists()


rules.add_perm("reviews.view_summary_statement", may_run_panel | is_pi_with_released_decision)


# ---- Letters of intent (two-stage calls) ------------------------------------------------------
# The committee rates the letters lightly; the office (and the chair) read the ratings; the
# office decides. A conflicted person (the letter's applicant, or a member who declared a
# conflict on it) rates nothing of it and sees none of its ratings, whatever else they are.
# Look letters up through ``selectors.letters_for_committee`` first (404 outside it).


@rules.predicate
def is_letter_conflicted(user, letter) -> bool:
    if not isinstance(letter, LetterOfIntent) or not _signed_in(user):
        return False
    return conflicts.letter_conflict_of(user, letter) is not None


@rules.predicate
def is_letter_applicant(user, letter) -> bool:
    return (
        isinstance(letter, LetterOfIntent) and _signed_in(user) and letter.applicant_id == user.pk
    )


@rules.predicate
def is_two_stage_call(user, call) -> bool:
    return isinstance(call, FundingCall) and call.letter_of_intent


@rules.predicate
def is_letter_sent(user, letter) -> bool:
    return isinstance(letter, LetterOfIntent) and letter.status != LetterStatus.DRAFT


may_read_letter_ratings = (is_administrator | is_committee_chair_for) & ~is_letter_conflicted

rules.add_perm(
    "reviews.view_call_letters", is_two_stage_call & (is_administrator | is_committee_member_for)
)
rules.add_perm("reviews.view_letter", is_letter_sent & (is_administrator | is_committee_member_for))
# Who rates; the letter's state (sent, not yet decided) is the service's to check.
rules.add_perm("reviews.rate_letter", is_committee_member_for & ~is_letter_conflicted)
rules.add_perm("reviews.declare_letter_conflict", is_committee_member_for & ~is_letter_applicant)
rules.add_perm("reviews.read_letter_ratings", may_read_letter_ratings)
rules.add_perm("reviews.triage_letter", is_administrator & ~is_letter_conflicted)
