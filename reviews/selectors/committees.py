"""Committees, a call's review set-up, its criteria and conflicts, and the chair's
assignment board."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.permissions import can
from grants.choices import ProposalStatus, TeamRole
from grants.models import FundingCall, Proposal, TeamMember

from .. import conflicts
from ..choices import AutomaticConflict, ReviewPhase
from ..models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
)
from .scopes import results_hidden_ids

# ---- Committees and set-up --------------------------------------------------------------------


def call_review_for(call: FundingCall) -> CallReview | None:
    return (
        CallReview.objects.filter(call=call).select_related("committee", "committee__chair").first()
    )


def committees_list() -> QuerySet[Committee]:
    return Committee.objects.select_related("chair").annotate(member_count=Count("memberships"))


def committees_visible_to(user) -> QuerySet[Committee]:
    """Administrators see every committee; a chair sees the committees they chair."""
    qs = committees_list()
    if can(user, "accounts.administer"):
        return qs
    return qs.filter(chair_id=user.pk)


def open_assignment_counts(committee: Committee) -> dict[int, int]:
    """{user id: assignments they hold} across the committee's calls that are not closed."""
    rows = (
        Assignment.objects.filter(proposal__call__call_review__committee=committee)
        .exclude(proposal__call__call_review__phase=ReviewPhase.CLOSED)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


def committee_members(committee: Committee) -> QuerySet[CommitteeMembership]:
    """The members with their current load (``open_assignments``) next to their cap."""
    load = (
        Assignment.objects.filter(
            reviewer_id=OuterRef("user_id"),
            proposal__call__call_review__committee_id=OuterRef("committee_id"),
        )
        .exclude(proposal__call__call_review__phase=ReviewPhase.CLOSED)
        .values("reviewer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        CommitteeMembership.objects.filter(committee=committee)
        .select_related("user")
        .annotate(open_assignments=Coalesce(Subquery(load, output_field=IntegerField()), 0))
        .order_by("user__last_name", "user__first_name", "pk")
    )


def criteria_for(call: FundingCall) -> QuerySet[Criterion]:
    return Criterion.objects.filter(call=call).order_by("position", "pk")


def conflicted_reviewer_ids(proposal: Proposal, *, for_results: bool = False) -> set[int]:
    """Ids of every user conflicted on the proposal: declared conflicts, the PI, the team
    (the mentor included). ``for_results`` leaves out conflicts declared after the review
    closed (they never rewrite results; conflicts.conflicted_ids_by_proposal)."""
    return conflicts.conflicted_ids_by_proposal([proposal], for_results=for_results)[proposal.pk]


def conflicts_for_call(call: FundingCall) -> QuerySet[ConflictOfInterest]:
    return (
        ConflictOfInterest.objects.filter(proposal__call=call)
        .select_related("reviewer", "proposal")
        .order_by("proposal__title", "proposal_id", "reviewer__last_name", "pk")
    )


def conflicts_declared_by(user) -> QuerySet[ConflictOfInterest]:
    return ConflictOfInterest.objects.filter(reviewer=user).select_related(
        "proposal", "proposal__call"
    )


# ---- The chair's side: assignments and progress -----------------------------------------------


def assignment_board(call: FundingCall) -> QuerySet[Proposal]:
    """The call's proposals under review with their assignments (reviewer, review status) and
    declared conflicts, for the chair's assignment page; fixed number of queries."""
    return (
        Proposal.objects.filter(call=call, status=ProposalStatus.IN_REVIEW)
        .select_related("pi")
        .prefetch_related(
            Prefetch(
                "review_assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by("pk"),
            ),
            Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("reviewer")),
            Prefetch("team", queryset=TeamMember.objects.filter(user__isnull=False)),
        )
        .order_by("submitted_at", "pk")
    )


@dataclass(frozen=True)
class MemberConflict:
    """A committee member who may not review a proposal, and why (automatic or declared)."""

    user: object
    reason: str


def board_conflicts_and_choices(board: list[Proposal], memberships) -> int:
    """Sets on each proposal of ``assignment_board``: ``member_conflicts``, the committee
    members conflicted on it (its PI, its team — the mentor named — and declared conflicts,
    with the reason), and ``assignable``, the members who may be added to it (not conflicted,
    not already assigned). Returns how many proposals have no reviewer yet. Reads only what
    the board prefetched: no query."""
    members = [m.user for m in memberships]
    unstaffed = 0
    for proposal in board:
        team_roles: dict[int, set[str]] = {}
        for member in proposal.team.all():
            team_roles.setdefault(member.user_id, set()).add(member.role)
        declared = {c.reviewer_id: c.get_reason_display() for c in proposal.conflicts.all()}
        assigned = {a.reviewer_id for a in proposal.review_assignments.all()}
        unstaffed += not assigned
        found = []
        for user in members:
            if user.pk == proposal.pi_id:
                reason = AutomaticConflict.PI.label
            elif TeamRole.MENTOR in team_roles.get(user.pk, ()):
                reason = AutomaticConflict.MENTOR.label
            elif user.pk in team_roles:
                reason = AutomaticConflict.TEAM.label
            else:
                reason = declared.get(user.pk)
            if reason:
                found.append(MemberConflict(user=user, reason=str(reason)))
        conflicted = {c.user.pk for c in found}
        # Declared conflicts of people who are not (or no longer) members still show.
        found += [
            MemberConflict(user=c.reviewer, reason=c.get_reason_display())
            for c in proposal.conflicts.all()
            if c.reviewer_id not in conflicted
        ]
        proposal.member_conflicts = found
        proposal.assignable = [
            u for u in members if u.pk not in conflicted and u.pk not in assigned
        ]
    return unstaffed


def conflicts_declared_after_review_closed(call: FundingCall, *, viewer) -> list:
    """Conflicts declared once the call's review had closed (they changed no result), for the
    administrators' attention on the call's review page — apart from those on proposals the
    viewer is conflicted on, of which they see nothing."""
    late = list(
        ConflictOfInterest.objects.filter(proposal__call=call, after_review_closed=True)
        .select_related("proposal", "reviewer", "declared_by")
        .order_by("declared_at", "pk")
    )
    hidden = results_hidden_ids(viewer, {c.proposal_id for c in late}, call=call)
    return [c for c in late if c.proposal_id not in hidden]
