"""Reviews: drafts that never lose text, submission, reopening."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import User
from grants.services import StaleVersion, saved_when
from grants.validators import text_problem

from .. import permissions, scoring
from ..choices import WRITABLE_PHASES, CriterionKind, ReviewStatus
from ..models import Assignment, Criterion, CriterionScore, Review
from ..validators import REVIEW_TEXT_MAX
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


def _rating(row: CriterionScore) -> int | str | None:
    """A criterion's rating as the audit trail records it: 1–9, or (in)sufficient."""
    if row.score is not None:
        return row.score
    if row.sufficient is None:
        return None
    return "sufficient" if row.sufficient else "insufficient"


def _text(value) -> str:
    return "" if value is None else str(value)


def _locked_for_writing(assignment: Assignment, actor: User) -> tuple[Assignment, Review | None]:
    """The assignment, locked until the transaction ends, once ``actor`` may write its review
    now (its reviewer, in a writable phase, the review not submitted); with the review so far
    (None before the first save)."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("proposal")
        .get(pk=assignment.pk)
    )
    review_setup = call_review_of(assignment.proposal.call_id)
    if actor.pk != assignment.reviewer_id:
        raise PermissionDenied("reviews.write_review")
    require_phase(review_setup, WRITABLE_PHASES, "write reviews")
    if Review.objects.filter(assignment=assignment, status=ReviewStatus.SUBMITTED).exists():
        raise ValidationError("This review is submitted; ask the chair to reopen it.")
    require(actor, "reviews.write_review", assignment)
    return assignment, Review.objects.filter(assignment=assignment).first()


def _stale_review(review: Review | None) -> StaleVersion:
    # Only its reviewer writes a review, so "someone else" is the reviewer in another window;
    # never name anyone (a reviewer's identity is not the applicant's or a co-reviewer's to see).
    if review is None:
        return StaleVersion(
            summary="This review has changed since you opened it.",
            current_version=0,
            saved_at=None,
        )
    return StaleVersion(
        summary=(
            f"This review was saved {saved_when(review.updated_at)} since you opened it (in "
            "another window or on another device)."
        ),
        current_version=review.version,
        saved_at=review.updated_at,
    )


def review_save_draft(
    *, assignment: Assignment, actor: User, data: dict, expected_version: int | None = None
) -> Review:
    """Save the reviewer's draft; creates the review on first save. Only the keys present in
    ``data`` change:

        overall_impact, overall_paragraph, comments_to_applicant, confidential_comments,
        criteria: {criterion id: {score | sufficient, explanation, strengths, weaknesses}}

    Scores are whole numbers 1–9 (ints or digit strings; blank clears). Never loses text: all
    text and every valid value are saved (in their own transaction) even when some score is
    refused, and then ``ReviewDraftInvalid`` is raised with field errors keyed
    ``overall_impact``, ``criterion_<id>_score``, ``criterion_<id>_sufficient`` or
    ``criteria``. A text over ``REVIEW_TEXT_MAX`` characters, or holding a NUL, is refused the
    same way (keyed by its name, or ``criterion_<id>_strengths`` etc.), keeping the text saved
    before.

    Never a silent overwrite: given ``expected_version`` (the version the sheet was loaded
    with; 0 before the review exists), a save is refused with ``grants.services.StaleVersion``
    — nothing saved — when the review was saved since. The assignment row stays locked from
    the comparison to the commit; every save raises the version by one.
    """
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        assignment, review = _locked_for_writing(assignment, actor)
        if expected_version is not None and expected_version != (review.version if review else 0):
            raise _stale_review(review)
        if review is None:
            review = Review.objects.create(assignment=assignment)
        review.version += 1
        fields = ["version"]
        if "overall_impact" in data:
            try:
                review.overall_impact = scoring.parse_score(data["overall_impact"])
                fields.append("overall_impact")
            except ValueError as exc:
                errors["overall_impact"] = [str(exc)]
        for name in TEXT_FIELDS:
            if name in data:
                text = _text(data[name])
                problem = text_problem(text, REVIEW_TEXT_MAX)
                if problem:  # refused; the text saved before stays
                    errors[name] = [problem]
                    continue
                setattr(review, name, text)
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
                text = _text(values[name])
                problem = text_problem(text, REVIEW_TEXT_MAX)
                if problem:
                    errors[f"criterion_{criterion.pk}_{name}"] = [problem]
                    continue
                setattr(row, name, text)
        row.save()


@transaction.atomic
def review_submit(*, assignment: Assignment, actor: User) -> Review:
    """Submit the reviewer's saved draft, which locks it (until the chair reopens it).

    Refused, with every missing item keyed by field, unless each criterion is rated (a 1–9
    score, or sufficient / insufficient with an explanation when insufficient) and the overall
    impact score and paragraph are given. Writes the submission, with the scores, to the audit
    history.
    """
    assignment, review = _locked_for_writing(assignment, actor)
    if review is None:
        raise ValidationError("Write the review before submitting it.")
    errors: dict[str, list[str]] = {}
    scores = {s.criterion_id: s for s in CriterionScore.objects.filter(review=review)}
    summary = []
    rated: dict[str, object] = {}
    for criterion in Criterion.objects.filter(call_id=assignment.proposal.call_id):
        row = scores.get(criterion.pk)
        if criterion.kind == CriterionKind.SCORE:
            if row is None or row.score is None:
                errors[f"criterion_{criterion.pk}_score"] = [f"Score {criterion.name}."]
            else:
                summary.append(f"{criterion.name}: {row.score}")
                rated[criterion.name] = _rating(row)
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
            rated[criterion.name] = _rating(row)
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
        audit_action=AuditAction.REVIEW_SUBMITTED,
        before={"status": ReviewStatus.DRAFT},
        after={
            "status": ReviewStatus.SUBMITTED,
            "overall_impact": review.overall_impact,
            "criteria": rated,
        },
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
    review_setup = call_review_of(review.assignment.proposal.call_id, lock=True)
    if not permissions.may_reopen_reviews(actor, review.assignment.proposal):
        raise PermissionDenied("reviews.reopen_review")
    if review.status != ReviewStatus.SUBMITTED:
        raise ValidationError("This review is not submitted.")
    require_phase(review_setup, WRITABLE_PHASES, "reopen reviews")
    require(actor, "reviews.reopen_review", review)
    scores_before = {
        "status": ReviewStatus.SUBMITTED,
        "overall_impact": review.overall_impact,
        "criteria": {
            s.criterion.name: _rating(s)
            for s in CriterionScore.objects.filter(review=review).select_related("criterion")
        },
    }
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
        audit_action=AuditAction.REVIEW_REOPENED,
        before=scores_before,
        after={"status": ReviewStatus.DRAFT, "reopened_count": review.reopened_count},
    )
    return review
