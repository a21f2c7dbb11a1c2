"""The committee's light review of letters of intent: a member rates a letter (1 invite
strongly – 5 do not invite, with a short comment) or declares a conflict with it; the program
office decides it (``letter_decide``, which hands the decision to grants).

Every write is audited on the rating (``grants.models.StateChange``), never on the letter,
whose history the applicant reads.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from accounts.choices import AuditAction
from accounts.models import User
from grants import services as grant_services
from grants.choices import LetterStatus
from grants.models import LetterOfIntent, Proposal
from grants.services.proposals import proposal_started_from_letter
from grants.validators import text_problem

from ..choices import LETTER_COMMENT_MAX, ConflictReason, LetterScore
from ..models import CallReview, ConflictOfInterest, LetterRating
from ._common import audit, require
from .assignments import record_conflict

CARRIED_NOTE = "Carried from the letter of intent: "


def _lock_letter(letter: LetterOfIntent) -> LetterOfIntent:
    """The letter's row, locked: a rating and the office's decision never interleave."""
    return (
        LetterOfIntent.objects.select_related("call")
        .select_for_update(of=("self",))
        .get(pk=letter.pk)
    )


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    problem = text_problem(comment, LETTER_COMMENT_MAX)
    if problem:
        raise ValidationError({"comment": [problem]})
    return comment


@transaction.atomic
def letter_rate(*, letter: LetterOfIntent, actor: User, rating, comment: str = "") -> LetterRating:
    """Record (or change) ``actor``'s rating of a letter: a member of the committee reviewing
    its call, not conflicted on it (its applicant, or a conflict they declared), while the
    letter awaits the office's decision. The rating (1–5) is required; the comment is short."""
    letter = _lock_letter(letter)
    require(actor, "reviews.rate_letter", letter)
    if isinstance(rating, bool) or rating not in LetterScore.values:
        raise ValidationError({"rating": ["Choose a rating from 1 (invite strongly) to 5."]})
    comment = _comment(comment)
    if letter.status != LetterStatus.SUBMITTED:
        raise grant_services.InvalidTransition("This letter is decided; its ratings are closed.")
    existing = LetterRating.objects.select_for_update().filter(letter=letter, member=actor).first()
    before = {"rating": existing.rating} if existing else None
    if existing is None:
        existing = LetterRating.objects.create(
            letter=letter, member=actor, rating=rating, comment=comment
        )
    else:
        existing.rating, existing.comment = rating, comment
        existing.save(update_fields=["rating", "comment", "updated_at"])
    audit(
        obj=existing,
        from_state="rated" if before else "",
        to_state="rated",
        actor=actor,
        audit_action=AuditAction.SCORE_CHANGED,
        before=before,
        after={"rating": rating},
    )
    return existing


@transaction.atomic
def letter_conflict_declare(
    *, letter: LetterOfIntent, actor: User, reason: str, explanation: str = ""
) -> LetterRating:
    """``actor`` (a member of the committee reviewing the letter's call) declares a conflict
    with it: any rating they gave is withdrawn, and from now on they rate nothing of it and
    see none of its ratings. Final: a conflict is not taken back. ``other`` needs an
    explanation."""
    letter = _lock_letter(letter)
    require(actor, "reviews.declare_letter_conflict", letter)
    explanation = _comment(explanation)
    if reason not in ConflictReason.values:
        raise ValidationError({"reason": ["Choose the reason for the conflict."]})
    if reason == ConflictReason.OTHER and not explanation:
        raise ValidationError({"comment": ["Explain the conflict."]})
    existing = LetterRating.objects.select_for_update().filter(letter=letter, member=actor).first()
    if existing is not None and existing.is_conflict:
        return existing
    before = {"rating": existing.rating} if existing else None
    if existing is None:
        existing = LetterRating.objects.create(
            letter=letter, member=actor, conflict=reason, comment=explanation
        )
    else:
        existing.rating, existing.conflict, existing.comment = None, reason, explanation
        existing.save(update_fields=["rating", "conflict", "comment", "updated_at"])
    audit(
        obj=existing,
        from_state="rated" if before else "",
        to_state="conflicted",
        actor=actor,
        reason=ConflictReason(reason).label,
        before=before,
        after={"conflict": reason},
    )
    if letter.proposal_id is not None:
        _carry_conflict(existing, Proposal.objects.get(pk=letter.proposal_id))
    return existing


def _carry_conflict(rating: LetterRating, proposal: Proposal) -> None:
    """A conflict with a letter is a conflict with the full proposal started from it (the same
    applicant and work): recorded on the proposal as if declared there, by the same member —
    their assignment, review and final score released (docs/invariants.md, "A conflict
    follows the letter into its full proposal")."""
    review = (
        CallReview.objects.select_for_update(of=("self",)).filter(call_id=proposal.call_id).first()
    )
    if ConflictOfInterest.objects.filter(proposal=proposal, reviewer=rating.member).exists():
        return
    record_conflict(
        proposal=proposal,
        reviewer=rating.member,
        actor=rating.member,
        reason=rating.conflict,
        explanation=rating.comment,
        review=review,
        note=CARRIED_NOTE,
    )


@receiver(proposal_started_from_letter, dispatch_uid="reviews_carry_letter_conflicts")
def carry_letter_conflicts(*, letter: LetterOfIntent, proposal: Proposal, **_kwargs) -> None:
    """The conflicts declared on the letter, onto the full proposal just started from it."""
    for rating in (
        LetterRating.objects.filter(letter=letter).exclude(conflict="").select_related("member")
    ):
        _carry_conflict(rating, proposal)


@transaction.atomic
def letter_decide(
    *, letter: LetterOfIntent, actor: User, outcome: str, message: str = ""
) -> LetterOfIntent:
    """The office's decision on a letter (invite or decline, with a message): refused to
    anyone conflicted on it, then made by ``grants.services.letter_triage`` (administrators,
    the call in letters triage, once; audited; the applicant e-mailed)."""
    require(actor, "reviews.triage_letter", letter)
    return grant_services.letter_triage(
        letter=letter, actor=actor, outcome=outcome, message=message
    )
