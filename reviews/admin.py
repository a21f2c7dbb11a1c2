"""Django admin for program staff: committees and criteria are edited here; reviews, scores
and panel results are read-only (they change only through the services, which audit them)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.admin_base import ReadOnlyInline, ReadOnlyModelAdmin
from grants.services import InvalidTransition

from . import services
from .choices import ReviewPhase
from .models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    Criterion,
    CriterionScore,
    FinalScore,
    PanelEntry,
    Review,
)


class MembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "chair", "created_at"]
    search_fields = ["name"]
    autocomplete_fields = ["chair"]
    inlines = [MembershipInline]


def _phase_action(to: str, label: str):
    def action(modeladmin, request, queryset):
        for review in queryset.select_related("call"):
            try:
                services.review_phase_transition(call=review.call, to=to, actor=request.user)
            except (InvalidTransition, ValidationError) as exc:
                messages.error(request, f"{review.call}: {'; '.join(_messages(exc))}")
            else:
                messages.success(request, f"{review.call}: now {ReviewPhase(to).label.lower()}.")

    action.short_description = label
    action.__name__ = f"move_to_{to}"
    return action


def _messages(exc: Exception) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


@admin.register(CallReview)
class CallReviewAdmin(admin.ModelAdmin):
    list_display = ["call", "committee", "phase", "reviewers_per_proposal", "review_due_at"]
    list_filter = ["phase", "committee"]
    # The phase changes only through the actions (they check the table and record history).
    readonly_fields = ["phase", "created_at"]
    actions = [
        _phase_action(ReviewPhase.INDEPENDENT_REVIEW, "Start independent review"),
        _phase_action(ReviewPhase.READ_PHASE, "Start the read phase"),
        _phase_action(ReviewPhase.PANEL, "Start the panel"),
        _phase_action(ReviewPhase.CLOSED, "Close the review"),
    ]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyModelAdmin):
    """Read-only: criteria change through the call page, only in the assignment phase."""

    list_display = ["name", "call", "kind", "position"]
    list_filter = ["kind"]
    search_fields = ["name", "call__title"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyModelAdmin):
    list_display = ["proposal", "reviewer", "role", "certified_no_conflict_at", "created_at"]
    list_filter = ["role", "proposal__call"]
    search_fields = ["proposal__title", "reviewer__username", "reviewer__last_name"]


@admin.register(ConflictOfInterest)
class ConflictAdmin(ReadOnlyModelAdmin):
    list_display = ["proposal", "reviewer", "reason", "declared_at", "declared_by"]
    list_filter = ["reason"]
    search_fields = ["proposal__title", "reviewer__username", "reviewer__last_name"]


class ScoreInline(ReadOnlyInline):
    model = CriterionScore
    fields = ["criterion", "score", "sufficient", "explanation", "strengths", "weaknesses"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyModelAdmin):
    list_display = ["assignment", "status", "overall_impact", "submitted_at", "reopened_count"]
    list_filter = ["status"]
    inlines = [ScoreInline]


class FinalScoreInline(ReadOnlyInline):
    model = FinalScore
    fields = ["member", "score", "recorded_at"]


@admin.register(PanelEntry)
class PanelEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["proposal", "disposition", "final_impact_score", "percentile", "finalized_at"]
    list_filter = ["disposition", "proposal__call"]
    inlines = [FinalScoreInline]
