"""Assignments, and the proposal as its assigned reviewer reads it."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from grants.choices import DisparityPopulation, NimhdDomain
from grants.models import Attachment, BudgetLine, Proposal, TeamMember

from ...choices import AssignmentRole, ReviewPhase
from ...models import Assignment, Review
from .fields import MONEY, ProposalRefSerializer, ProposalWithPiSerializer, id_field


class ReviewStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "status", "submitted_at"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    """One assignment (from a queryset with proposal, its call's review, reviewer and review
    loaded)."""

    proposal = ProposalWithPiSerializer(read_only=True)
    reviewer = UserBriefSerializer(read_only=True)
    phase = serializers.ChoiceField(
        ReviewPhase.choices, source="proposal.call.call_review.phase", read_only=True
    )
    review_due_at = serializers.DateTimeField(
        source="proposal.call.call_review.review_due_at", read_only=True, allow_null=True
    )
    review = serializers.SerializerMethodField(
        help_text="The reviewer's review (null until their first save)."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "proposal",
            "reviewer",
            "role",
            "certified_no_conflict_at",
            "review",
            "phase",
            "review_due_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewStateSerializer(allow_null=True))
    def get_review(self, assignment: Assignment) -> dict | None:
        review = assignment.review_or_none
        return ReviewStateSerializer(review).data if review is not None else None


class AssignmentCreateSerializer(serializers.Serializer):
    proposal = id_field(help_text="A proposal in review in a call whose review you manage.")
    reviewer = id_field(help_text="User id of a member of the call's committee.")
    role = serializers.ChoiceField(
        AssignmentRole.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="The first free role (primary, secondary, tertiary, then reader) if omitted.",
    )


class SwapSerializer(serializers.Serializer):
    reviewer = id_field(help_text="User id of the committee member who takes the role over.")


class UnstaffedSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    reason = serializers.CharField()


class AutoAssignResultSerializer(serializers.Serializer):
    created = AssignmentSerializer(many=True)
    unstaffed = UnstaffedSerializer(
        many=True, help_text="Each proposal left short of its reviewers, and why."
    )


class ReviewerTeamMemberSerializer(serializers.ModelSerializer):
    """A team member as the committee sees them: name, role and organisation (no e-mail)."""

    user = UserBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = TeamMember
        fields = ["role", "name", "user", "organisation"]
        read_only_fields = fields


class ReviewerBudgetLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        read_only_fields = fields


class ReviewerAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="The PDF, through the assignment (GET assignments/{id}/attachments/{id}/)."
    )

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "pages", "size", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "api-assignment-attachment",
            kwargs={"pk": self.context["assignment"].pk, "attachment_pk": attachment.pk},
            request=self.context.get("request"),
        )


class ReviewerEndorsementSerializer(serializers.Serializer):
    mentor = UserBriefSerializer()
    statement = serializers.CharField()


class ReviewerProposalSerializer(serializers.ModelSerializer):
    """The proposal as its assigned reviewer reads it — what the committee's proposal page
    shows: the sections, the team, the budget, the documents and the mentor's endorsement.
    Never the applicant's demographics, the proposal's history, state or decision, or who
    else reviews it. From ``grants.selectors.proposal_with_parts``; the context holds the
    ``assignment``."""

    assignment = serializers.SerializerMethodField(help_text="The assignment's id.")
    role = serializers.SerializerMethodField(help_text="Your role on it.")
    call_title = serializers.CharField(source="call.title", read_only=True)
    pi = UserBriefSerializer(read_only=True)
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices), read_only=True
    )
    requested_amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    team = ReviewerTeamMemberSerializer(many=True, read_only=True)
    budget = ReviewerBudgetLineSerializer(source="budget_lines", many=True, read_only=True)
    budget_total = serializers.SerializerMethodField(help_text="Sum of the budget lines.")
    attachments = ReviewerAttachmentSerializer(many=True, read_only=True)
    endorsement = serializers.SerializerMethodField(
        help_text="The mentor's endorsement statement, once endorsed (trainees' proposals)."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "assignment",
            "role",
            "call",
            "call_title",
            "title",
            "pi",
            "abstract",
            "specific_aims",
            "research_strategy",
            "disparity_populations",
            "nimhd_domains",
            "community_engagement_plan",
            "timeline",
            "budget_justification",
            "irb_status",
            "requested_amount",
            "team",
            "budget",
            "budget_total",
            "attachments",
            "endorsement",
            "submitted_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_assignment(self, proposal: Proposal) -> int:
        return self.context["assignment"].pk

    @extend_schema_field(serializers.ChoiceField(AssignmentRole.choices))
    def get_role(self, proposal: Proposal) -> str:
        return self.context["assignment"].role

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_budget_total(self, proposal: Proposal) -> str:
        total = sum((line.amount for line in proposal.budget_lines.all()), Decimal("0.00"))
        return f"{total:.2f}"

    @extend_schema_field(ReviewerEndorsementSerializer(allow_null=True))
    def get_endorsement(self, proposal: Proposal) -> dict | None:
        endorsement = proposal.endorsement_or_none
        if endorsement is None or not endorsement.is_endorsed:
            return None
        return ReviewerEndorsementSerializer(endorsement).data
