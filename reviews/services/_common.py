"""Helpers shared by the review services."""

from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from accounts.permissions import can
from grants.models import FundingCall
from grants.services import record_state_change

from ..choices import ReviewPhase
from ..models import CallReview

FINALIZED = "finalized"


def require(actor: User, perm: str, obj=None) -> None:
    if not can(actor, perm, obj):
        raise PermissionDenied(perm)


def call_review_of(call: FundingCall | int, *, lock: bool = False) -> CallReview:
    call_id = call if isinstance(call, int) else call.pk
    qs = CallReview.objects.select_related("committee", "call")
    if lock:
        qs = qs.select_for_update(of=("self",))
    review = qs.filter(call_id=call_id).first()
    if review is None:
        raise ValidationError("Attach a review committee to this call first.")
    return review


def require_phase(review: CallReview, phases: frozenset[str], doing: str) -> None:
    if review.phase not in phases:
        allowed = " or ".join(ReviewPhase(p).label.lower() for p in ReviewPhase if p in phases)
        raise ValidationError(
            f"You can {doing} only during {allowed}; the review is in the "
            f"{review.get_phase_display().lower()} phase."
        )


def audit(
    *, obj, from_state: str, to_state: str, actor: User, reason: str = "", **audit_entry
) -> None:
    """One audit row on a review object (an assignment, review, final score, panel entry,
    conflict or call review) — never on the proposal, whose history the applicant reads.
    ``audit_entry`` (``audit_action``, ``before``, ``after``) shapes the audit-trail entry."""
    record_state_change(
        obj=obj, from_state=from_state, to_state=to_state, actor=actor, reason=reason, **audit_entry
    )
