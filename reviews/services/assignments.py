"""Conflicts of interest and assignments, by hand and automatic."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import can
from grants.choices import DisparityPopulation, NimhdDomain, ProposalStatus
from grants.models import FundingCall, Proposal

from .. import conflicts, emails
from ..choices import (
    ASSIGNABLE_PHASES,
    ROLE_ORDER,
    SINGLE_HOLDER_ROLES,
    AssignmentRole,
    ConflictReason,
    ReviewPhase,
    ReviewStatus,
)
from ..matching import plan_assignments
from ..models import (
    Assignment,
    CallReview,
    CommitteeMembership,
    ConflictOfInterest,
    FinalScore,
    Review,
)
from ..selectors import open_assignment_counts
from ._common import audit, call_review_of, require, require_phase
from .panel import recompute_results

# ---- Conflicts ---------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(
    *,
    proposal: Proposal,
    reviewer: User,
    actor: User,
    reason: str,
    explanation: str = "",
) -> ConflictOfInterest:
    """Record a conflict of a committee member with a proposal (by the member, or by the chair
    or an administrator for them).

    Once the call's review has closed the conflict is only recorded (``after_review_closed``),
    audited and e-mailed to the administrators: the reviews, final scores and summary
    statement stand (docs/invariants.md, "Decisions follow the review").

    The member's assignment to the proposal, with any review they wrote, and any final score
    they gave, are removed: a conflicted reviewer is left out of the proposal entirely. The
    declaration is written to the audit history.
    """
    if actor.pk == reviewer.pk:
        require(actor, "reviews.declare_conflict", proposal)
    else:
        require(actor, "reviews.manage_review", proposal)
        if not can(reviewer, "reviews.declare_conflict", proposal):
            raise ValidationError({"reviewer": ["Only committee members declare conflicts."]})
    explanation = (explanation or "").strip()
    errors: dict[str, list[str]] = {}
    if reason not in ConflictReason.values:
        errors["reason"] = ["Choose the reason for the conflict."]
    elif reason == ConflictReason.OTHER and not explanation:
        errors["explanation"] = ["Explain the conflict."]
    if errors:
        raise ValidationError(errors)
    # Serialise with phase changes (and so with decisions, which wait for the review to close).
    review = call_review_of(proposal.call_id, lock=True)
    if ConflictOfInterest.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        raise ValidationError("This conflict is already on record.")
    return record_conflict(
        proposal=proposal,
        reviewer=reviewer,
        actor=actor,
        reason=reason,
        explanation=explanation,
        review=review,
    )


def record_conflict(
    *,
    proposal: Proposal,
    reviewer: User,
    actor: User,
    reason: str,
    explanation: str,
    review: CallReview | None,
    note: str = "",
) -> ConflictOfInterest:
    """Write a conflict already checked by the caller (``conflict_declare``, or a conflict
    declared on the proposal's letter of intent, ``reviews.services.letters``), with the call's
    review row locked by the caller (``review`` None: the call has no review yet). Releases
    the reviewer's assignment, review and final score — unless the review has closed, when it
    is only recorded, audited and e-mailed to the administrators. ``note`` heads the audit
    reason."""
    late = review is not None and review.phase == ReviewPhase.CLOSED
    conflict = ConflictOfInterest.objects.create(
        proposal=proposal,
        reviewer=reviewer,
        reason=reason,
        explanation=explanation,
        declared_by=actor,
        after_review_closed=late,
    )
    if late:
        # Results are frozen once the review closes: record, audit, flag; rewrite nothing.
        audit(
            obj=conflict,
            from_state="",
            to_state="declared",
            actor=actor,
            reason=f"{note}{ConflictReason(reason).label}; declared after the review closed — "
            "results unchanged, administrators told",
        )
        transaction.on_commit(lambda: emails.send_late_conflict_notice(conflict))
        return conflict
    released = Assignment.objects.filter(proposal=proposal, reviewer=reviewer)
    notes = [f"{note}{ConflictReason(reason).label}"]
    if released.exists():
        notes.append("assignment and review released")
        released.delete()
    dropped, _ = FinalScore.objects.filter(entry__proposal=proposal, member=reviewer).delete()
    if dropped:
        notes.append("final score removed")
        recompute_results(proposal.call_id, actor=actor)
    audit(obj=conflict, from_state="", to_state="declared", actor=actor, reason="; ".join(notes))
    return conflict


@transaction.atomic
def conflict_certify_none(*, assignment: Assignment, actor: User) -> Assignment:
    """The assigned reviewer certifies they have no conflict with the proposal, which lets
    them open it. Refused when they are conflicted."""
    require(actor, "reviews.certify_no_conflict", assignment)
    if assignment.certified_no_conflict_at is None:
        assignment.certified_no_conflict_at = timezone.now()
        assignment.save(update_fields=["certified_no_conflict_at"])
        audit(obj=assignment, from_state=assignment.role, to_state="certified", actor=actor)
    return assignment


# ---- Assignments -------------------------------------------------------------------------------


def _lock_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)


def _check_reviewer_for(proposal: Proposal, reviewer: User, review: CallReview) -> None:
    """Why ``reviewer`` cannot take ``proposal`` (as a ValidationError), or nothing."""
    membership = CommitteeMembership.objects.filter(
        committee_id=review.committee_id, user=reviewer
    ).first()
    if membership is None:
        raise ValidationError({"reviewer": [f"{reviewer.display_name} is not on the committee."]})
    if conflicts.is_conflicted(reviewer, proposal):
        raise ValidationError(
            {"reviewer": [f"{reviewer.display_name} has a conflict with this proposal."]}
        )
    if Assignment.objects.filter(proposal=proposal, reviewer=reviewer).exists():
        raise ValidationError(
            {"reviewer": [f"{reviewer.display_name} is already reviewing this proposal."]}
        )
    load = open_assignment_counts(review.committee).get(reviewer.pk, 0)
    if load >= membership.load_cap:
        raise ValidationError(
            {
                "reviewer": [
                    f"{reviewer.display_name} has reached their load cap "
                    f"({membership.load_cap} proposals)."
                ]
            }
        )


def _free_role(proposal: Proposal) -> str:
    held = set(Assignment.objects.filter(proposal=proposal).values_list("role", flat=True))
    return next(role for role in ROLE_ORDER if role not in held or role not in SINGLE_HOLDER_ROLES)


@transaction.atomic
def assignment_create(
    *, proposal: Proposal, reviewer: User, actor: User, role: str | None = None
) -> Assignment:
    """Assign a committee member to a proposal under review, in ``role`` or the first free
    one (primary, secondary, tertiary, then reader). Refused for non-members, conflicted
    members, members at their load cap, and a role already held."""
    proposal = _lock_proposal(proposal)
    review = call_review_of(proposal.call_id)
    require(actor, "reviews.manage_review", proposal)
    if conflicts.is_conflicted(actor, proposal):
        raise PermissionDenied("reviews.assign_reviewers")
    require_phase(review, ASSIGNABLE_PHASES, "assign reviewers")
    if proposal.status != ProposalStatus.IN_REVIEW:
        raise ValidationError("Only proposals in review can be assigned.")
    _check_reviewer_for(proposal, reviewer, review)
    if role is None:
        role = _free_role(proposal)
    elif role not in AssignmentRole.values:
        raise ValidationError({"role": ["Choose a role."]})
    elif (
        role in SINGLE_HOLDER_ROLES
        and Assignment.objects.filter(proposal=proposal, role=role).exists()
    ):
        raise ValidationError(
            {"role": [f"This proposal already has a {AssignmentRole(role).label.lower()}."]}
        )
    assignment = Assignment.objects.create(
        proposal=proposal, reviewer=reviewer, role=role, assigned_by=actor
    )
    audit(obj=assignment, from_state="", to_state=role, actor=actor)
    return assignment


@transaction.atomic
def assignment_swap(*, assignment: Assignment, reviewer: User, actor: User) -> Assignment:
    """Give ``assignment``'s role on its proposal to another member, any time before the panel.

    The outgoing reviewer's draft goes with them. Refused when their review is submitted (it
    counts towards the preliminary score; reopen it first or have them declare a conflict).
    """
    proposal = _lock_proposal(assignment.proposal)
    review = call_review_of(proposal.call_id)
    require(actor, "reviews.manage_review", proposal)
    if conflicts.is_conflicted(actor, proposal):
        raise PermissionDenied("reviews.assign_reviewers")
    require_phase(review, ASSIGNABLE_PHASES, "swap reviewers")
    assignment = Assignment.objects.select_related("reviewer").get(pk=assignment.pk)
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ValidationError(
            f"{assignment.reviewer.display_name} has submitted their review; it cannot be swapped."
        )
    _check_reviewer_for(proposal, reviewer, review)
    role, outgoing = assignment.role, assignment.reviewer
    assignment.delete()
    replacement = Assignment.objects.create(
        proposal=proposal, reviewer=reviewer, role=role, assigned_by=actor
    )
    audit(
        obj=replacement,
        from_state="",
        to_state=role,
        actor=actor,
        reason=f"Replaces {outgoing.display_name}.",
    )
    return replacement


@transaction.atomic
def assignment_remove(*, assignment: Assignment, actor: User) -> None:
    """Release an assignment before the panel (refused once its review is submitted)."""
    proposal = _lock_proposal(assignment.proposal)
    review = call_review_of(proposal.call_id)
    require(actor, "reviews.manage_review", proposal)
    require_phase(review, ASSIGNABLE_PHASES, "release assignments")
    if conflicts.is_conflicted(actor, proposal):
        raise PermissionDenied("A conflicted chair or administrator cannot change this review.")
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ValidationError("This review is submitted; it cannot be released.")
    assignment.delete()


@dataclass
class AutoAssignResult:
    """What ``auto_assign`` did: the assignments it made, and each proposal it could not fully
    staff with the reason."""

    created: list[Assignment] = field(default_factory=list)
    unstaffed: list[tuple[Proposal, str]] = field(default_factory=list)


def _topic_text(proposal: Proposal) -> str:
    populations = [
        f"{code} {DisparityPopulation(code).label}" if code in DisparityPopulation.values else code
        for code in proposal.disparity_populations or []
    ]
    domains = [
        NimhdDomain(code).label if code in NimhdDomain.values else code
        for code in proposal.nimhd_domains or []
    ]
    return " ".join([proposal.title, proposal.abstract, *populations, *domains]).lower()


def keyword_overlap(keywords: list[str], text: str) -> int:
    """How many of a member's expertise keywords occur in a proposal's topic text (matching at
    the start of a word, so "diabet" finds "diabetes" but "age" does not find "engage")."""
    return sum(1 for k in keywords if k and re.search(rf"(?<!\w){re.escape(k)}", text))


@transaction.atomic
def auto_assign(*, call: FundingCall, actor: User) -> AutoAssignResult:
    """Fill every proposal in review up to the call's reviewers per proposal.

    Guarantees: never a conflicted reviewer or a non-member; never beyond a member's load cap
    (counted across the committee's calls that are not closed); as many review slots filled as
    the caps and conflicts allow (a maximum flow, not a greedy pass); loads balanced, and
    members whose expertise keywords match the proposal's title, abstract, disparity
    populations and NIMHD domains preferred; roles handed out primary, secondary, tertiary
    (then reader), best match first. Existing assignments are kept. Every proposal left short
    is reported with the reason.
    """
    review = call_review_of(call, lock=True)
    require(actor, "reviews.manage_review", call)
    require_phase(review, ASSIGNABLE_PHASES, "assign reviewers")
    wanted = review.reviewers_per_proposal
    proposals = list(
        Proposal.objects.select_for_update()
        .filter(call=call, status=ProposalStatus.IN_REVIEW)
        .order_by("submitted_at", "pk")
    )
    # The chair or administrator running this may be conflicted on some proposals.
    actor_conflicted = conflicts.conflicted_proposal_ids(actor, [p.pk for p in proposals]) | {
        p.pk for p in proposals if p.pi_id == actor.pk
    }
    memberships = list(
        CommitteeMembership.objects.filter(committee_id=review.committee_id)
        .select_related("user", "user__profile")
        .order_by("user_id")
    )
    load = open_assignment_counts(review.committee)
    members = {m.user_id: m for m in memberships}
    keywords = {
        m.user_id: (p.keywords if (p := getattr(m.user, "profile", None)) else [])
        for m in memberships
    }
    conflicted = conflicts.conflicted_ids_by_proposal(proposals)
    existing: dict[int, list[Assignment]] = {p.pk: [] for p in proposals}
    for a in Assignment.objects.filter(proposal__in=proposals).order_by("pk"):
        existing[a.proposal_id].append(a)

    needs, eligible, affinity = {}, {}, {}
    for proposal in proposals:
        if proposal.pk in actor_conflicted:
            continue
        taken = {a.reviewer_id for a in existing[proposal.pk]}
        needs[proposal.pk] = max(0, wanted - len(taken))
        eligible[proposal.pk] = [
            uid for uid in members if uid not in conflicted[proposal.pk] and uid not in taken
        ]
        text = _topic_text(proposal)
        for uid in eligible[proposal.pk]:
            affinity[(proposal.pk, uid)] = keyword_overlap(keywords[uid], text)
    capacity = {uid: max(0, m.load_cap - load.get(uid, 0)) for uid, m in members.items()}
    plan = plan_assignments(
        needs=needs, capacity=capacity, load=load, eligible=eligible, affinity=affinity
    )

    result = AutoAssignResult()
    for proposal in proposals:
        if proposal.pk in actor_conflicted:
            result.unstaffed.append(
                (proposal, "You have a conflict with this proposal; another chair must staff it.")
            )
            continue
        chosen = sorted(
            plan.get(proposal.pk, []),
            key=lambda uid, p=proposal.pk: (-affinity[(p, uid)], load.get(uid, 0), uid),
        )
        held = {a.role for a in existing[proposal.pk]}
        free_roles = [r for r in ROLE_ORDER if r not in held or r not in SINGLE_HOLDER_ROLES]
        for uid in chosen:
            role = free_roles[0]
            if role in SINGLE_HOLDER_ROLES:
                free_roles.pop(0)
            assignment = Assignment.objects.create(
                proposal=proposal, reviewer=members[uid].user, role=role, assigned_by=actor
            )
            audit(
                obj=assignment, from_state="", to_state=role, actor=actor, reason="Auto-assigned."
            )
            load[uid] = load.get(uid, 0) + 1
            result.created.append(assignment)
        staffed = len(existing[proposal.pk]) + len(chosen)
        if staffed < wanted:
            possible = len(existing[proposal.pk]) + len(eligible[proposal.pk])
            if possible < wanted:
                reason = (
                    f"Only {possible} committee member(s) are free of conflicts with it; "
                    f"it needs {wanted}."
                )
            else:
                reason = (
                    f"The members free to review it have reached their load caps "
                    f"({staffed} of {wanted} reviewers assigned)."
                )
            result.unstaffed.append((proposal, reason))
    return result
