"""Who is conflicted on a proposal: the one place the conflict rule lives.

A user is conflicted when they declared a conflict on the proposal, or automatically when they
are its principal investigator, its mentor, or anyone else on its team. Permissions, selectors
and services all ask here, one proposal at a time or in bulk.
"""

from collections.abc import Iterable

from grants.choices import TeamRole
from grants.models import Proposal, TeamMember

from .choices import AutomaticConflict
from .models import ConflictOfInterest


def automatic_conflict(user, proposal: Proposal) -> str | None:
    """The automatic conflict of ``user`` with ``proposal`` (an ``AutomaticConflict``), if any."""
    if user is None or not user.is_authenticated or proposal is None:
        return None
    if proposal.pi_id == user.pk:
        return AutomaticConflict.PI
    roles = set(
        TeamMember.objects.filter(proposal_id=proposal.pk, user_id=user.pk).values_list(
            "role", flat=True
        )
    )
    if TeamRole.MENTOR in roles:
        return AutomaticConflict.MENTOR
    if roles:
        return AutomaticConflict.TEAM
    return None


def conflict_of(user, proposal: Proposal) -> str | None:
    """Why ``user`` is conflicted on ``proposal`` (an automatic or declared reason), or None."""
    automatic = automatic_conflict(user, proposal)
    if automatic:
        return automatic
    declared = (
        ConflictOfInterest.objects.filter(proposal_id=proposal.pk, reviewer_id=user.pk)
        .values_list("reason", flat=True)
        .first()
    )
    return declared


def is_conflicted(user, proposal: Proposal) -> bool:
    return conflict_of(user, proposal) is not None


def conflicted_ids_by_proposal(
    proposals: Iterable[Proposal], *, for_results: bool = False
) -> dict[int, set[int]]:
    """{proposal id: ids of every conflicted user} for many proposals, in two queries.

    ``for_results``: the conflicts that shape scores and the summary statement. A conflict
    declared after the review closed hides the proposal from its declarer like any other, but
    never rewrites the results already made (docs/invariants.md)."""
    proposals = list(proposals)
    result: dict[int, set[int]] = {p.pk: {p.pi_id} for p in proposals}
    ids = list(result)
    team = TeamMember.objects.filter(proposal_id__in=ids, user__isnull=False).values_list(
        "proposal_id", "user_id"
    )
    declared = ConflictOfInterest.objects.filter(proposal_id__in=ids)
    if for_results:
        declared = declared.filter(after_review_closed=False)
    declared = declared.values_list("proposal_id", "reviewer_id")
    for proposal_id, user_id in [*team, *declared]:
        result[proposal_id].add(user_id)
    return result


def conflicted_proposal_ids(user, proposal_ids: Iterable[int] | None = None) -> set[int]:
    """Ids of the proposals (among ``proposal_ids``, or all) ``user`` is conflicted on, apart
    from those they lead as PI (callers have ``pi_id`` at hand)."""
    team = TeamMember.objects.filter(user_id=user.pk)
    declared = ConflictOfInterest.objects.filter(reviewer_id=user.pk)
    if proposal_ids is not None:
        proposal_ids = list(proposal_ids)
        team = team.filter(proposal_id__in=proposal_ids)
        declared = declared.filter(proposal_id__in=proposal_ids)
    return set(team.values_list("proposal_id", flat=True)) | set(
        declared.values_list("proposal_id", flat=True)
    )


# ---- Letters of intent ------------------------------------------------------------------------


def letter_conflict_of(user, letter) -> str | None:
    """Why ``user`` is conflicted on a letter of intent: they wrote it (``AutomaticConflict.PI``)
    or declared a conflict on it (the reason); None when they are not. A conflicted person
    rates nothing of the letter and sees none of its ratings."""
    from .models import LetterRating

    if user is None or not user.is_authenticated or letter is None:
        return None
    if letter.applicant_id == user.pk:
        return AutomaticConflict.PI
    return (
        LetterRating.objects.filter(letter_id=letter.pk, member_id=user.pk)
        .exclude(conflict="")
        .values_list("conflict", flat=True)
        .first()
    )
