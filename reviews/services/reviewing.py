"""Reviews: drafts that never lose text, submission, reopening."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import permissions, scoring
from ..choices import (
    WRITABLE_PHASES,
    CriterionKind,
    ReviewStatus,
)
from ..models import (
    Assignment,
    CallReview,
    Criterion,
    CriterionScore,
    Review,
)
from ._common import audit, call_review_of, require, require_phase

# ---- Reviews -----------------------------------------------------------------------------------


class ReviewDraftInvalid(ValidationError):
    """Some values of a draft were refused (keyed by field). Everything else — all the text and
    every valid score — was saved: ``review`` is the saved draft."""

    def __init__(self, errors: dict[str, list[str]], review: Review):
        super().__init__(errors)
        self.review = review


TEXT_FIELDS = ("overall_paragraph", "comments_to_applicant", "confidential_comments")
SCORE_TEXT_FIELDS = ("explanation", "strengths", "weaknesses")


def _parse_sufficient(value) -> bool | None:
    if value is None or value is True or value is False:
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text == "":
            return None
        if text in {"sufficient", "true", "yes", "1"}:
            return True
        if text in {"insufficient", "false", "no", "0"}:
            return False
    raise ValueError("Choose sufficient or insufficient.")


def _text(value) -> str:
    return "" if value is None else str(value)


def _check_review_writable(assignment: Assignment, actor: User) -> CallReview:
    review_setup = call_review_of(assignment.proposal.call_id)
    if actor.pk != assignment.reviewer_id:
        raise PermissionDenied("reviews.write_review")
    require_phase(review_setup, WRITABLE_PHASES, "write reviews")
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ValidationError("This review is submitted; ask the chair to reopen it.")
    require(actor, "reviews.write_review", assignment)
    return review_setup


def review_save_draft(*, assignment: Assignment, actor: User, data: dict) -> Review:
    """Save the reviewer's draft; creates the review on first save. Only the keys present in
    ``data`` change:

        overall_impact, overall_paragraph, comments_to_applicant, confidential_comments,
        criteria: {criterion id: {score | sufficient, explanation, strengths, weaknesses}}

    Scores are whole numbers 1–9 (ints or digit strings; blank clears). Never loses text: all
    text and every valid value are saved (in their own transaction) even when some score is
    refused, and then ``ReviewDraftInvalid`` is raised with field errors keyed
    ``overall_impact``, ``criterion_<id>_score``, ``criterion_<id>_sufficient`` or
    ``criteria``.
    """
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("proposal")
            .get(pk=assignment.pk)
        )
        _check_review_writable(assignment, actor)
        review, _ = Review.objects.get_or_create(assignment=assignment)
        fields = []
        if "overall_impact" in data:
            try:
                review.overall_impact = scoring.parse_score(data["overall_impact"])
                fields.append("overall_impact")
            except ValueError as exc:
                errors["overall_impact"] = [str(exc)]
        for name in TEXT_FIELDS:
            if name in data:
                setattr(review, name, _text(data[name]))
                fields.append(name)
        review.save(update_fields=[*fields, "updated_at"])
        _save_criterion_scores(review, assignment, data.get("criteria") or {}, errors)
    if errors:
        raise ReviewDraftInvalid(errors, review)
    return review


def _save_criterion_scores(review: Review, assignment: Assignment, given: dict, errors) -> None:
    criteria = {c.pk: c for c in Criterion.objects.filter(call_id=assignment.proposal.call_id)}
    existing = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)}
    for raw_id, values in given.items():
        try:
            criterion = criteria[int(raw_id)]
        except (KeyError, TypeError, ValueError):
            errors.setdefault("criteria", []).append(f"Unknown criterion {raw_id!r}.")
            continue
        values = values or {}
        row = existing.get(criterion.pk) or CriterionScore(review=review, criterion=criterion)
        score_key = f"criterion_{criterion.pk}_score"
        sufficient_key = f"criterion_{criterion.pk}_sufficient"
        if criterion.kind == CriterionKind.SCORE:
            if "score" in values:
                try:
                    row.score = scoring.parse_score(values["score"])
                except ValueError as exc:
                    errors[score_key] = [str(exc)]
            if values.get("sufficient") not in (None, ""):
                errors[sufficient_key] = ["This criterion is scored 1–9."]
        else:
            if "sufficient" in values:
                try:
                    row.sufficient = _parse_sufficient(values["sufficient"])
                except ValueError as exc:
                    errors[sufficient_key] = [str(exc)]
            if values.get("score") not in (None, ""):
                errors[score_key] = ["This criterion is rated sufficient or insufficient."]
        for name in SCORE_TEXT_FIELDS:
            if name in values:
                setattr(row, name, _text(values[name]))
        row.save()


@transaction.atomic
def review_submit(*, assignment: Assignment, actor: User) -> Review:
    """Submit the reviewer's saved draft, which locks it (until the chair reopens it).

    Refused, with every missing item keyed by field, unless each criterion is rated (a 1–9
    score, or sufficient / insufficient with an explanation when insufficient) and the overall
    impact score and paragraph are given. Writes the submission, with the scores, to the audit
    history.
    """
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("proposal")
        .get(pk=assignment.pk)
    )
    _check_review_writable(assignment, actor)
    review = Review.objects.filter(assignment=assignment).first()
    if review is None:
        raise ValidationError("Write the review before submitting it.")
    errors: dict[str, list[str]] = {}
    scores = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)}
    summary = []
    for criterion in Criterion.objects.filter(call_id=assignment.proposal.call_id):
        row = scores.get(criterion.pk)
        if criterion.kind == CriterionKind.SCORE:
            if row is None or row.score is None:
                errors[f"criterion_{criterion.pk}_score"] = [f"Score {criterion.name}."]
            else:
                summary.append(f"{criterion.name}: {row.score}")
        elif row is None or row.sufficient is None:
            errors[f"criterion_{criterion.pk}_sufficient"] = [
                f"Rate {criterion.name} sufficient or insufficient."
            ]
        else:
            if not row.sufficient and not row.explanation.strip():
                errors[f"criterion_{criterion.pk}_explanation"] = [
                    f"Explain why {criterion.name} is insufficient."
                ]
            summary.append(
                f"{criterion.name}: {'sufficient' if row.sufficient else 'insufficient'}"
            )
    if review.overall_impact is None:
        errors["overall_impact"] = ["Give an overall impact score."]
    if not review.overall_paragraph.strip():
        errors["overall_paragraph"] = ["Write the overall impact paragraph."]
    if errors:
        raise ValidationError(errors)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    review.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(
        obj=review,
        from_state=ReviewStatus.DRAFT,
        to_state=ReviewStatus.SUBMITTED,
        actor=actor,
        reason="; ".join([f"Overall impact: {review.overall_impact}", *summary]),
    )
    return review


@transaction.atomic
def review_reopen(*, review: Review, actor: User, reason: str = "") -> Review:
    """The chair unlocks a submitted review for its reviewer (during independent review or the
    read phase); the reopening is written to the audit history."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("assignment", "assignment__proposal")
        .get(pk=review.pk)
    )
    review_setup = call_review_of(review.assignment.proposal.call_id)
    if not permissions.may_reopen_reviews(actor, review.assignment.proposal):
        raise PermissionDenied("reviews.reopen_review")
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError("This review is not submitted.")
    require_phase(review_setup, WRITABLE_PHASES, "reopen reviews")
    require(actor, "reviews.reopen_review", review)
    review.status = ReviewStatus.DRAFT
    review.submitted_at = None
    review.reopened_count += 1
    review.save(update_fields=["status", "submitted_at", "reopened_count", "updated_at"])
    audit(
        obj=review,
        from_state=ReviewStatus.SUBMITTED,
        to_state=ReviewStatus.DRAFT,
        actor=actor,
        reason=(reason or "").strip() or "Reopened by the chair.",
    )
    return review
