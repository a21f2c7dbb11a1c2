"""Committee review: committees, a call's review set-up and criteria, assignments, conflicts,
reviews with their criterion scores, and the panel's dispositions and final scores.

Models hold data and derived read-only facts; every write lives in services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from grants.models import FundingCall, LetterOfIntent, Proposal

from .choices import (
    DEFAULT_LOAD_CAP,
    MAX_IMPACT,
    MAX_SCORE,
    MIN_IMPACT,
    MIN_SCORE,
    ROLE_ORDER,
    SINGLE_HOLDER_ROLES,
    AssignmentRole,
    ConflictReason,
    CriterionKind,
    LetterScore,
    PanelDisposition,
    ReviewPhase,
    ReviewStatus,
)


def _score_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(
        **{f"{field}__gte": MIN_SCORE, f"{field}__lte": MAX_SCORE}
    )


class Committee(models.Model):
    """A standing review committee: a chair and members, each with a load cap."""

    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_committees"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CommitteeMembership", related_name="committees"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CommitteeMembership(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="committee_memberships"
    )
    load_cap = models.PositiveSmallIntegerField(
        default=DEFAULT_LOAD_CAP,
        help_text="Most proposals this member reviews at once across the committee's open calls.",
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["committee", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="committee_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.committee}"


class CallReview(models.Model):
    """How one funding call is reviewed: by which committee, in which phase, by when."""

    call = models.OneToOneField(FundingCall, on_delete=models.CASCADE, related_name="call_review")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="call_reviews")
    phase = models.CharField(
        max_length=24, choices=ReviewPhase.choices, default=ReviewPhase.ASSIGNMENT
    )
    reviewers_per_proposal = models.PositiveSmallIntegerField(default=3)
    review_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewers_per_proposal__gte=1), name="call_review_needs_reviewers"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.call}"


class Criterion(models.Model):
    """One thing reviewers rate for a call (Factor 1, 2, 3, Health Disparities Relevance...)."""

    call = models.ForeignKey(FundingCall, on_delete=models.CASCADE, related_name="review_criteria")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=CriterionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["call", "name"], name="criterion_name_once_per_call")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_scored(self) -> bool:
        return self.kind == CriterionKind.SCORE


class Assignment(models.Model):
    """A committee member asked to review one proposal, in a role."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    role = models.CharField(max_length=16, choices=AssignmentRole.choices)
    # The reviewer's certification that they have no conflict; required before opening.
    certified_no_conflict_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer"], name="assignment_once_per_reviewer"
            ),
            models.UniqueConstraint(
                fields=["proposal", "role"],
                condition=Q(role__in=sorted(SINGLE_HOLDER_ROLES)),
                name="assignment_role_once_per_proposal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} — {self.get_role_display()} — {self.proposal}"

    @property
    def role_rank(self) -> int:
        return ROLE_ORDER.index(self.role)

    @property
    def is_certified(self) -> bool:
        return self.certified_no_conflict_at is not None

    @property
    def review_or_none(self) -> "Review | None":
        # A missing reverse one-to-one raises an AttributeError subclass.
        return getattr(self, "review", None)


class ConflictOfInterest(models.Model):
    """A conflict a reviewer (or the chair, for them) declared on a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_conflicts"
    )
    reason = models.CharField(max_length=24, choices=ConflictReason.choices)
    explanation = models.TextField(blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    # Declared once the call's review had closed: recorded, audited and flagged to the
    # administrators, but the reviews, scores and summary statement already made stand.
    after_review_closed = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["proposal", "declared_at", "pk"]
        verbose_name = "conflict of interest"
        verbose_name_plural = "conflicts of interest"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="conflict_once"),
            models.CheckConstraint(
                condition=~Q(reason=ConflictReason.OTHER) | ~Q(explanation=""),
                name="conflict_other_is_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} conflicted on {self.proposal}: {self.get_reason_display()}"


class Review(models.Model):
    """One reviewer's critique of one proposal. Locked once submitted, until the chair
    reopens it."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    overall_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    overall_paragraph = models.TextField("overall impact", blank=True)
    comments_to_applicant = models.TextField(blank=True)
    # For the committee only: never in the summary statement, never shown to the applicant.
    confidential_comments = models.TextField("confidential comments to the committee", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    # Optimistic concurrency: the review sheet carries the version it was loaded with and a
    # save from a stale one (another window) is refused by services.review_save_draft.
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised by one on every saved draft."
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=_score_in_range("overall_impact"), name="review_impact_1_to_9"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.SUBMITTED)
                | Q(overall_impact__isnull=False, submitted_at__isnull=False),
                name="review_submitted_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.assignment.proposal_id} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED


class CriterionScore(models.Model):
    """A review's rating of one criterion: a 1–9 score, or sufficient / insufficient."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    sufficient = models.BooleanField(null=True, blank=True)
    explanation = models.TextField(
        blank=True, help_text="Required when expertise and resources are insufficient."
    )
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)

    class Meta:
        ordering = ["review", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=_score_in_range("score"), name="criterion_score_1_to_9"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score if self.score is not None else self.sufficient}"


class PanelEntry(models.Model):
    """A proposal at the panel: discussed or not, the resume, and the computed results."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="panel_entry")
    disposition = models.CharField(
        max_length=16, choices=PanelDisposition.choices, default=PanelDisposition.DISCUSSED
    )
    resume_of_discussion = models.TextField(blank=True)
    final_impact_score = models.PositiveSmallIntegerField(null=True, blank=True)
    percentile = models.PositiveSmallIntegerField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposal"]
        verbose_name_plural = "panel entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(final_impact_score__isnull=True)
                | Q(final_impact_score__gte=MIN_IMPACT, final_impact_score__lte=MAX_IMPACT),
                name="panel_final_impact_10_to_90",
            ),
            models.CheckConstraint(
                condition=Q(percentile__isnull=True) | Q(percentile__gte=1, percentile__lte=100),
                name="panel_percentile_1_to_100",
            ),
            # Not discussed means no final score and no percentile.
            models.CheckConstraint(
                condition=Q(disposition=PanelDisposition.DISCUSSED)
                | Q(final_impact_score__isnull=True, percentile__isnull=True),
                name="panel_not_discussed_unscored",
            ),
        ]

    def __str__(self) -> str:
        return f"Panel entry for {self.proposal}"

    @property
    def is_discussed(self) -> bool:
        return self.disposition == PanelDisposition.DISCUSSED

    @property
    def is_finalized(self) -> bool:
        return self.finalized_at is not None


class FinalScore(models.Model):
    """One eligible member's final overall impact score at the panel."""

    entry = models.ForeignKey(PanelEntry, on_delete=models.CASCADE, related_name="final_scores")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="final_panel_scores"
    )
    score = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["entry", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "member"], name="final_score_once_per_member"),
            models.CheckConstraint(
                condition=Q(score__gte=MIN_SCORE, score__lte=MAX_SCORE),
                name="final_score_1_to_9",
            ),
        ]

    def __str__(self) -> str:
        return f"Final score {self.score} on entry {self.entry_id}"


# ---- Letters of intent (two-stage calls): the committee's light rating ------------------------


class LetterRating(models.Model):
    """One committee member's rating of a letter of intent (``LetterScore``) with a short
    comment — or their declared conflict with it, which leaves no rating. The program office
    and the chair read the ratings; members read only their own; applicants never see them."""

    letter = models.ForeignKey(LetterOfIntent, on_delete=models.CASCADE, related_name="ratings")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letter_ratings"
    )
    rating = models.PositiveSmallIntegerField(choices=LetterScore.choices, null=True, blank=True)
    comment = models.TextField(blank=True)
    # A declared conflict: the member rates nothing and sees none of the letter's ratings.
    conflict = models.CharField(max_length=24, choices=ConflictReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "member"], name="letter_rating_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=min(LetterScore.values), rating__lte=max(LetterScore.values)),
                name="letter_rating_1_to_5",
            ),
            # Either a rating or a conflict, never both nor neither.
            models.CheckConstraint(
                condition=Q(conflict="", rating__isnull=False)
                | (~Q(conflict="") & Q(rating__isnull=True)),
                name="letter_rating_or_conflict",
            ),
            models.CheckConstraint(
                condition=~Q(conflict=ConflictReason.OTHER) | ~Q(comment=""),
                name="letter_conflict_other_is_explained",
            ),
        ]

    def __str__(self) -> str:
        what = self.get_conflict_display() if self.conflict else self.get_rating_display()
        return f"{self.member} on letter {self.letter_id}: {what}"

    @property
    def is_conflict(self) -> bool:
        return bool(self.conflict)
