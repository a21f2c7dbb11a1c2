"""Committees, a call's review set-up, and its criteria."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.services import role_grant
from grants import services as grant_services
from grants.models import FundingCall

from ..choices import (
    CRITERIA_EDITABLE_PHASES,
    DEFAULT_CRITERIA,
    DEFAULT_LOAD_CAP,
    CriterionKind,
    ReviewPhase,
)
from ..models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    Criterion,
    CriterionScore,
)
from ..selectors import open_assignment_counts
from ._common import audit, call_review_of, require, require_phase

# ---- Committees --------------------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *,
    actor: User,
    name: str,
    chair: User,
    members: tuple[User, ...] | list[User] = (),
    load_cap: int = DEFAULT_LOAD_CAP,
) -> Committee:
    """Create a committee with its chair (also a member) and members; grants them the chair
    and reviewer roles."""
    require(actor, "reviews.manage_committees")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the committee a name."]})
    committee = Committee.objects.create(name=name, chair=chair)
    role_grant(user=chair, role=Role.CHAIR)
    seen: set[int] = set()
    for user in [chair, *members]:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        CommitteeMembership.objects.create(committee=committee, user=user, load_cap=load_cap)
        role_grant(user=user, role=Role.REVIEWER)
    return committee


@transaction.atomic
def committee_member_add(
    *, committee: Committee, user: User, actor: User, load_cap: int = DEFAULT_LOAD_CAP
) -> CommitteeMembership:
    require(actor, "reviews.manage_committees")
    if CommitteeMembership.objects.filter(committee=committee, user=user).exists():
        raise ValidationError({"user": [f"{user.display_name} is already on this committee."]})
    _check_load_cap(load_cap)
    membership = CommitteeMembership.objects.create(
        committee=committee, user=user, load_cap=load_cap
    )
    role_grant(user=user, role=Role.REVIEWER)
    return membership


def _check_load_cap(load_cap) -> None:
    if isinstance(load_cap, bool) or not isinstance(load_cap, int) or not 0 <= load_cap <= 100:
        raise ValidationError({"load_cap": ["The load cap is a whole number from 0 to 100."]})


@transaction.atomic
def committee_member_update(
    *, membership: CommitteeMembership, actor: User, load_cap: int
) -> CommitteeMembership:
    """Change a member's load cap (existing assignments above a lowered cap stay)."""
    require(actor, "reviews.manage_committees")
    _check_load_cap(load_cap)
    membership.load_cap = load_cap
    membership.save(update_fields=["load_cap"])
    return membership


@transaction.atomic
def committee_member_remove(*, committee: Committee, user: User, actor: User) -> None:
    """Remove a member. Refused for the chair, and for anyone still holding assignments in
    one of the committee's calls that is not closed (reassign those first)."""
    require(actor, "reviews.manage_committees")
    if committee.chair_id == user.pk:
        raise ValidationError({"user": ["The chair cannot leave; appoint another chair first."]})
    held = open_assignment_counts(committee).get(user.pk, 0)
    if held:
        raise ValidationError(
            {"user": [f"{user.display_name} still has {held} assignment(s); reassign them first."]}
        )
    CommitteeMembership.objects.filter(committee=committee, user=user).delete()


@transaction.atomic
def committee_set_chair(*, committee: Committee, chair: User, actor: User) -> Committee:
    """Appoint a new chair (made a member if they are not one)."""
    require(actor, "reviews.manage_committees")
    committee.chair = chair
    committee.save(update_fields=["chair"])
    CommitteeMembership.objects.get_or_create(committee=committee, user=chair)
    role_grant(user=chair, role=Role.CHAIR)
    role_grant(user=chair, role=Role.REVIEWER)
    return committee


# ---- A call's review set-up and criteria -------------------------------------------------------


def _check_aware(value, name: str) -> None:
    """A due date with a time zone, in a plausible range (a year like 1227 is a typo, and
    time zones before 1900 carry local-mean-time offsets no calendar client can read)."""
    if value is None:
        return
    if timezone.is_naive(value):
        raise ValidationError({name: ["Give a date and time with a time zone."]})
    if not 2000 <= value.year <= 2099:
        raise ValidationError({name: ["Give a date between the years 2000 and 2099."]})


def _check_reviewers_per_proposal(value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
        raise ValidationError(
            {"reviewers_per_proposal": ["Reviewers per proposal is a whole number from 1 to 10."]}
        )


@transaction.atomic
def committee_attach_to_call(
    *,
    committee: Committee,
    call: FundingCall,
    actor: User,
    reviewers_per_proposal: int | None = None,
    review_due_at=None,
) -> CallReview:
    """Attach (or re-attach) a committee to a call: creates the call's review set-up in the
    assignment phase, with the call's reviewers per proposal unless given, and the default
    criteria if the call has none. Changing the committee is refused once anyone is assigned."""
    require(actor, "reviews.manage_committees")
    _check_aware(review_due_at, "review_due_at")
    per_proposal = (
        reviewers_per_proposal
        if reviewers_per_proposal is not None
        else call.reviewers_per_proposal or 3
    )
    _check_reviewers_per_proposal(per_proposal)
    review = CallReview.objects.select_for_update().filter(call=call).first()
    if review is None:
        review = CallReview.objects.create(
            call=call,
            committee=committee,
            reviewers_per_proposal=per_proposal,
            review_due_at=review_due_at,
        )
        audit(
            obj=review,
            from_state="",
            to_state=review.phase,
            actor=actor,
            reason=f"Committee {committee.name} attached.",
        )
        # From now on the call's decisions wait for this review to close (grants.lifecycle).
        grant_services.call_committee_review_set(
            call=call, reviewing=True, actor=actor, reason=f"Committee {committee.name} attached."
        )
    else:
        if review.phase == ReviewPhase.CLOSED:
            raise ValidationError("This call's review is closed.")
        if (
            review.committee_id != committee.pk
            and Assignment.objects.filter(proposal__call=call).exists()
        ):
            raise ValidationError(
                {"committee": ["Reviewers are already assigned; the committee cannot change."]}
            )
        review.committee = committee
        review.reviewers_per_proposal = per_proposal
        if review_due_at is not None:
            review.review_due_at = review_due_at
        review.save(update_fields=["committee", "reviewers_per_proposal", "review_due_at"])
    if not Criterion.objects.filter(call=call).exists():
        criteria_create_defaults(call=call)
    return review


@transaction.atomic
def call_review_update(
    *,
    call: FundingCall,
    actor: User,
    reviewers_per_proposal: int | None = None,
    review_due_at=None,
) -> CallReview:
    """Set reviewers per proposal and the review due date (administrators and the chair)."""
    review = call_review_of(call, lock=True)
    require(actor, "reviews.manage_review", call)
    fields = []
    if reviewers_per_proposal is not None:
        _check_reviewers_per_proposal(reviewers_per_proposal)
        review.reviewers_per_proposal = reviewers_per_proposal
        fields.append("reviewers_per_proposal")
    if review_due_at is not None:
        _check_aware(review_due_at, "review_due_at")
        review.review_due_at = review_due_at
        fields.append("review_due_at")
    if fields:
        review.save(update_fields=fields)
    return review


@transaction.atomic
def criteria_create_defaults(*, call: FundingCall) -> list[Criterion]:
    """The NIH Simplified Review Framework factors plus Health Disparities Relevance."""
    return [
        Criterion.objects.create(
            call=call, name=name, description=description, kind=kind, position=position
        )
        for position, (name, description, kind) in enumerate(DEFAULT_CRITERIA, start=1)
    ]


@transaction.atomic
def criterion_save(
    *,
    call: FundingCall,
    actor: User,
    name: str,
    kind: str,
    description: str = "",
    position: int | None = None,
    criterion: Criterion | None = None,
) -> Criterion:
    """Add or edit one of the call's criteria; only in the assignment phase (before anyone
    has rated anything)."""
    review = call_review_of(call, lock=True)
    require(actor, "reviews.manage_review", call)
    require_phase(review, CRITERIA_EDITABLE_PHASES, "edit the criteria")
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = ["Name the criterion."]
    elif (
        Criterion.objects.filter(call=call, name=name)
        .exclude(pk=criterion.pk if criterion else None)
        .exists()
    ):
        errors["name"] = ["This call already has a criterion with that name."]
    if kind not in CriterionKind.values:
        errors["kind"] = ["Choose how the criterion is rated."]
    if errors:
        raise ValidationError(errors)
    if criterion is None:
        criterion = Criterion(call=call)
        if position is None:
            position = (
                max(
                    Criterion.objects.filter(call=call).values_list("position", flat=True),
                    default=0,
                )
                + 1
            )
    elif criterion.call_id != call.pk:
        raise ValidationError("That criterion belongs to another call.")
    criterion.name = name
    criterion.kind = kind
    criterion.description = (description or "").strip()
    if position is not None:
        criterion.position = position
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, actor: User) -> None:
    review = call_review_of(criterion.call_id, lock=True)
    require(actor, "reviews.manage_review", criterion.call)
    require_phase(review, CRITERIA_EDITABLE_PHASES, "edit the criteria")
    if CriterionScore.objects.filter(criterion=criterion).exists():
        raise ValidationError("Reviewers have already rated this criterion.")
    criterion.delete()
