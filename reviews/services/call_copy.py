"""A copied call's review set-up: the reviews app's part of a call template
(grants.services.call_copy sends ``call_copied`` inside its transaction)."""

from datetime import timedelta

from django.dispatch import receiver

from grants.models import FundingCall
from grants.services.call_copy import call_copied
from grants.validators import LAST_CALL_YEAR

from ..models import CallReview, Criterion
from .committees import committee_attach_to_call


@receiver(call_copied, dispatch_uid="reviews_copy_review_setup")
def copy_review_setup(
    *, source: FundingCall, new: FundingCall, actor, shift: timedelta, **_kwargs
) -> None:
    """The source's criteria, as they are and in their order, and its committee, attached to
    the copy through ``committee_attach_to_call`` (audited, and the call's review flag set, as
    on any attachment). The review's due date moves with the deadline."""
    kept = [
        field.attname
        for field in Criterion._meta.concrete_fields
        if field.name not in ("id", "call")
    ]
    Criterion.objects.bulk_create(
        Criterion(call=new, **{name: getattr(criterion, name) for name in kept})
        for criterion in Criterion.objects.filter(call=source).order_by("position", "pk")
    )
    setup = CallReview.objects.filter(call=source).select_related("committee").first()
    if setup is None:
        return
    review_due_at = setup.review_due_at + shift if setup.review_due_at else None
    if review_due_at is not None and review_due_at.year > LAST_CALL_YEAR:
        review_due_at = None  # past the years dates are given in: the chair sets it later
    # Criteria are already there (when the source had any), so none are added by default.
    committee_attach_to_call(
        committee=setup.committee,
        call=new,
        actor=actor,
        reviewers_per_proposal=setup.reviewers_per_proposal,
        review_due_at=review_due_at,
    )
