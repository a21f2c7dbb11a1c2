"""Assignments, and the proposal as its assigned reviewer reads it."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from grants.choices import AttachmentKind, DisparityPopulation, NimhdDomain, TeamRole
from grants.models import BudgetLine, Proposal

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


class ReviewerTeamMemberSerializer(serializers.Serializer):
    """A team member as the committee sees them: name, role and organisation (no e-mail); on
    a blind call, for a reviewer, a neutral label ("Co-investigator 1") and nothing else.
    From ``selectors.proposal_as_read``."""

    role = serializers.ChoiceField(TeamRole.choices)
    name = serializers.CharField(
        help_text='The person\'s name; on a blind call, for a reviewer, "<role> <n>".'
    )
    user = UserBriefSerializer(
        allow_null=True,
        help_text="Their account; null for an outside person, and on a blind call for a reviewer.",
    )
    organisation = serializers.CharField(help_text="Empty on a blind call for a reviewer.")


class ReviewerBudgetLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        read_only_fields = fields


class ReviewerAttachmentSerializer(serializers.Serializer):
    """A document the reader gets (``selectors.proposal_as_read``): on a blind call, for a
    reviewer, no biosketch or letter of support, and a neutral file name."""

    id = serializers.IntegerField(source="attachment.pk")
    kind = serializers.ChoiceField(AttachmentKind.choices, source="attachment.kind")
    original_name = serializers.CharField(
        source="filename",
        help_text="The uploaded file's name; on a blind call, for a reviewer, "
        '"NS-<id>-document-<n>.pdf".',
    )
    pages = serializers.IntegerField(source="attachment.pages")
    size = serializers.IntegerField(source="attachment.size")
    download_url = serializers.SerializerMethodField(
        help_text="The PDF, through the assignment (GET assignments/{id}/attachments/{id}/)."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, document) -> str:
        return reverse(
            "api-assignment-attachment",
            kwargs={"pk": self.context["assignment"].pk, "attachment_pk": document.attachment.pk},
            request=self.context.get("request"),
        )


class ReviewerEndorsementSerializer(serializers.Serializer):
    mentor = UserBriefSerializer(allow_null=True, help_text="Null on a blind call for a reviewer.")
    statement = serializers.CharField(
        help_text="Empty on a blind call for a reviewer: a mentor's letter names the applicant."
    )


class ReviewerProposalSerializer(serializers.ModelSerializer):
    """The proposal as its assigned reviewer reads it — what the committee's proposal page
    shows: the sections, the team, the budget, the documents and the mentor's endorsement.
    Never the applicant's demographics, the proposal's history, state or decision, or who
    else reviews it; on a blind call, no name, department, position or identifying document
    (``identities_hidden``). From ``grants.selectors.proposal_with_parts``; the context holds
    the ``assignment`` and ``as_read`` (``selectors.proposal_as_read``)."""

    assignment = serializers.SerializerMethodField(help_text="The assignment's id.")
    role = serializers.SerializerMethodField(help_text="Your role on it.")
    call_title = serializers.CharField(source="call.title", read_only=True)
    identities_hidden = serializers.SerializerMethodField(
        help_text="The call is reviewed blind: `pi` is null, the team are neutral labels "
        "without organisations, biosketches and letters of support are left out and the "
        "mentor's endorsement is named by no one."
    )
    pi = serializers.SerializerMethodField(help_text="Null when `identities_hidden`.")
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices), read_only=True
    )
    requested_amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    team = serializers.SerializerMethodField()
    budget = ReviewerBudgetLineSerializer(source="budget_lines", many=True, read_only=True)
    budget_total = serializers.SerializerMethodField(help_text="Sum of the budget lines.")
    attachments = serializers.SerializerMethodField()
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
            "identities_hidden",
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

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_identities_hidden(self, proposal: Proposal) -> bool:
        return self.context["as_read"].identities_hidden

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_pi(self, proposal: Proposal) -> dict | None:
        pi = self.context["as_read"].pi
        return UserBriefSerializer(pi).data if pi is not None else None

    @extend_schema_field(ReviewerTeamMemberSerializer(many=True))
    def get_team(self, proposal: Proposal) -> list[dict]:
        return ReviewerTeamMemberSerializer(self.context["as_read"].team, many=True).data

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_budget_total(self, proposal: Proposal) -> str:
        total = sum((line.amount for line in proposal.budget_lines.all()), Decimal("0.00"))
        return f"{total:.2f}"

    @extend_schema_field(ReviewerAttachmentSerializer(many=True))
    def get_attachments(self, proposal: Proposal) -> list[dict]:
        documents = self.context["as_read"].documents
        return ReviewerAttachmentSerializer(documents, many=True, context=self.context).data

    @extend_schema_field(ReviewerEndorsementSerializer(allow_null=True))
    def get_endorsement(self, proposal: Proposal) -> dict | None:
        as_read = self.context["as_read"]
        if not as_read.endorsed:
            return None
        return ReviewerEndorsementSerializer(
            {"mentor": as_read.mentor, "statement": as_read.endorsement_statement}
        ).data
