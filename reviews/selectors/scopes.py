"""Who may see what, as querysets: the scopes the API's lists and lookups go through, the
proposals a reviewer may open, and whose results a viewer may not see yet.

The API's scopes express, as filters, the same rules as reviews.permissions (which decides one
object at a time); the role x route matrix (tests/api/test_reviews_matrix.py) and a test
comparing reviews/ with selectors.reviews_readable_by check that they agree.
"""

from django.db.models import Prefetch, Q, QuerySet

from accounts.permissions import can
from grants.models import FundingCall, Proposal, TeamMember

from ..choices import PANEL_PHASES, READ_PHASES, REVIEW_STATES, ReviewPhase, ReviewStatus
from ..models import Assignment, CallReview, ConflictOfInterest, Criterion, CriterionScore, Review

# ---- Whose results a viewer may not see; which proposals a reviewer may open ------------------


def results_hidden_ids(user, proposal_ids, *, call: FundingCall) -> set[int]:
    """Ids among ``proposal_ids`` (all of ``call``) whose results — scores, critiques,
    preliminary score, ranking position, summary statement — ``user`` may not see now: those
    they are conflicted on, and those they are assigned to review without having submitted
    their own review in the read phase or later. The bulk form of
    permissions.is_blind_to_results, asked by the panel and the ranking (page and API alike);
    two queries, each narrowed to the user and the call."""
    if user is None or not getattr(user, "pk", None):
        return set()
    ids = set(proposal_ids)
    if not ids:
        return set()
    # Narrowed by the user and the call, never an IN list of the call's proposals.
    hidden = set(
        Proposal.objects.filter(call=call)
        .filter(Q(pi_id=user.pk) | Q(team__user_id=user.pk) | Q(conflicts__reviewer_id=user.pk))
        .values_list("pk", flat=True)
        .distinct()
    )
    own = Assignment.objects.filter(reviewer_id=user.pk, proposal__call=call).values_list(
        "proposal_id", "review__status", "proposal__call__call_review__phase"
    )
    for proposal_id, status, phase in own:
        if status != ReviewStatus.SUBMITTED or phase not in READ_PHASES:
            hidden.add(proposal_id)
    return hidden & ids


def proposals_visible_to_reviewer(user) -> QuerySet[Proposal]:
    """Proposals the user may open as a reviewer or chair (``reviews.open_proposal``); look
    proposals up through this so everything else answers 404.

    Never the ones they are conflicted on, whoever they are.
    """
    if not user.is_authenticated:
        return Proposal.objects.none()
    certified = Assignment.objects.filter(
        reviewer=user, certified_no_conflict_at__isnull=False
    ).values("proposal_id")
    chaired = CallReview.objects.filter(committee__chair=user).values("call_id")
    in_panel = CallReview.objects.filter(
        committee__memberships__user=user, phase__in=PANEL_PHASES
    ).values("call_id")
    return (
        Proposal.objects.filter(status__in=REVIEW_STATES)
        .filter(Q(pk__in=certified) | Q(call_id__in=chaired) | Q(call_id__in=in_panel))
        .exclude(pi=user)
        .exclude(pk__in=TeamMember.objects.filter(user=user).values("proposal_id"))
        .exclude(pk__in=ConflictOfInterest.objects.filter(reviewer=user).values("proposal_id"))
        .select_related("call", "call__program", "pi")
    )


# ---- The API's lists: the rules of reviews.permissions as filters -------------------------------


def _is_administrator(user) -> bool:
    return can(user, "accounts.administer")


def conflicted_with(user, prefix: str = "") -> Q:
    """Proposals ``user`` is conflicted on, as a filter on ``<prefix>`` proposal: they lead it,
    are on its team (the mentor included) or declared a conflict (reviews.conflicts)."""
    team = TeamMember.objects.filter(user_id=user.pk).values("proposal_id")
    declared = ConflictOfInterest.objects.filter(reviewer_id=user.pk).values("proposal_id")
    return (
        Q(**{f"{prefix}pi_id": user.pk})
        | Q(**{f"{prefix}pk__in": team})
        | Q(**{f"{prefix}pk__in": declared})
    )


def _chaired_call_ids(user) -> QuerySet:
    return CallReview.objects.filter(committee__chair_id=user.pk).values("call_id")


def manages_any_review(user) -> bool:
    """An administrator, or the chair of a committee attached to a call."""
    return _is_administrator(user) or _chaired_call_ids(user).exists()


def managed_proposals(user) -> QuerySet[Proposal]:
    """Proposals under review in calls whose review ``user`` manages (administrators: every
    call; chairs: their committee's), apart from those they are conflicted on."""
    qs = Proposal.objects.filter(status__in=REVIEW_STATES)
    if not _is_administrator(user):
        qs = qs.filter(call_id__in=_chaired_call_ids(user))
    return qs.exclude(conflicted_with(user))


def proposals_open_to_own_declaration(user) -> QuerySet[Proposal]:
    """Proposals ``user`` may declare a conflict on for themselves: any under review by a
    committee they are on or chair (administrators: any under review)."""
    proposals = Proposal.objects.filter(status__in=REVIEW_STATES)
    if _is_administrator(user):
        return proposals
    member_of = CallReview.objects.filter(
        Q(committee__memberships__user_id=user.pk) | Q(committee__chair_id=user.pk)
    ).values("call_id")
    return proposals.filter(call_id__in=member_of)


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """A reviewer's own assignments; a chair's calls' and (administrators) every call's
    assignments — never those of a proposal the user is conflicted on."""
    qs = Assignment.objects.select_related(
        "proposal",
        "proposal__pi",
        "proposal__call",
        "proposal__call__call_review",
        "reviewer",
        "review",
    )
    if not _is_administrator(user):
        qs = qs.filter(Q(reviewer_id=user.pk) | Q(proposal__call_id__in=_chaired_call_ids(user)))
    return qs.exclude(conflicted_with(user, "proposal__"))


def conflicts_visible_to(user) -> QuerySet[ConflictOfInterest]:
    """A member's own declarations; the declarations in a chair's calls (administrators: all)
    apart from those on proposals the user is conflicted on."""
    qs = ConflictOfInterest.objects.select_related("proposal", "reviewer", "declared_by")
    managed = ~conflicted_with(user, "proposal__")
    if not _is_administrator(user):
        managed &= Q(proposal__call_id__in=_chaired_call_ids(user))
    return qs.filter(Q(reviewer_id=user.pk) | managed)


def reviews_visible_to(user) -> QuerySet[Review]:
    """The user's own reviews (drafts too), and the submitted reviews they may read — the rule
    ``reviews.read_reviews`` (selectors.reviews_readable_by) as one filter:

    never on a proposal they are conflicted on; an assigned reviewer once they have submitted
    their own review of it, from the read phase on; others (not assigned to it) when they are
    an administrator, the call's chair, or a committee member from the panel on.
    """
    own = Q(assignment__reviewer_id=user.pk)
    assigned = Assignment.objects.filter(reviewer_id=user.pk).values("proposal_id")
    submitted_own = Review.objects.filter(
        assignment__reviewer_id=user.pk, status=ReviewStatus.SUBMITTED
    ).values("assignment__proposal_id")
    as_reviewer = Q(
        assignment__proposal_id__in=submitted_own,
        assignment__proposal__call__call_review__phase__in=READ_PHASES,
    )
    as_committee = ~Q(assignment__proposal_id__in=assigned)
    if not _is_administrator(user):
        in_panel = CallReview.objects.filter(
            committee__memberships__user_id=user.pk, phase__in=PANEL_PHASES
        ).values("call_id")
        as_committee &= Q(assignment__proposal__call_id__in=_chaired_call_ids(user)) | Q(
            assignment__proposal__call_id__in=in_panel
        )
    readable = (
        Q(status=ReviewStatus.SUBMITTED, assignment__proposal__status__in=REVIEW_STATES)
        & (as_reviewer | as_committee)
        & ~conflicted_with(user, "assignment__proposal__")
    )
    return reviews_loaded().filter(own | readable)


def reviews_loaded() -> QuerySet[Review]:
    """Reviews with what ReviewSerializer shows: the proposal, the reviewer, the call's
    criteria and the scores (a fixed number of queries)."""
    return Review.objects.select_related(
        "assignment",
        "assignment__reviewer",
        "assignment__proposal",
        "assignment__proposal__call",
    ).prefetch_related(
        Prefetch("scores", queryset=CriterionScore.objects.order_by("pk")),
        Prefetch(
            "assignment__proposal__call__review_criteria",
            queryset=Criterion.objects.order_by("position", "pk"),
        ),
    )


def reviews_chaired_by(user) -> QuerySet[CallReview]:
    """The call reviews ``user`` chairs, with their calls (the dashboard and *Your reviews*)."""
    return CallReview.objects.filter(committee__chair=user).select_related("call")


def calls_voting_for(user) -> QuerySet[FundingCall]:
    """The calls in their panel phase whose committee ``user`` sits on: their ballots."""
    return FundingCall.objects.filter(
        call_review__phase=ReviewPhase.PANEL,
        call_review__committee__memberships__user=user,
    ).distinct()
