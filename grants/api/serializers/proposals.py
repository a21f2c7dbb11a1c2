"""Proposals as their readers see them, the applicant's sections, the office's NIMHD
correction, and the submission checklist and reasons of state changes."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from grants import selectors
from grants.choices import DisparityPopulation, IrbStatus, NimhdDomain, nimhd_cells_clean
from grants.models import FundingCall, Proposal
from grants.validators import PROPOSAL_TEXT_LIMITS

from .fields import NIMHD_CELL_CHOICES, _money, _text


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as its readers see it (from a queryset annotated with ``budget_total``)."""

    pi = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    # JSON columns: say what they hold, for the schema.
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices), read_only=True
    )
    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        read_only=True,
        help_text="The NIMHD framework cells, `domain:level`; empty when not classified.",
    )
    requested_amount = _money(read_only=True, allow_null=True)
    budget_total = _money(
        read_only=True, default=Decimal("0.00"), help_text="Sum of the budget lines."
    )
    # Blank until the applicant chooses one (read-only model fields lose `allow_blank`).
    irb_status = serializers.ChoiceField(IrbStatus.choices, allow_blank=True, read_only=True)
    is_editable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "call",
            "call_title",
            "pi",
            "status",
            "is_editable",
            "title",
            "abstract",
            "specific_aims",
            "research_strategy",
            "disparity_populations",
            "nimhd_domains",
            "nimhd_cells",
            "community_engagement_plan",
            "timeline",
            "budget_justification",
            "requested_amount",
            "budget_total",
            "irb_status",
            "submitted_at",
            "checked_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    return_reason = serializers.SerializerMethodField(
        help_text="Why an administrator returned it (empty unless it was returned)."
    )

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "return_reason"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_return_reason(self, proposal: Proposal) -> str:
        return selectors.latest_return_reason(proposal)


class ProposalWriteSerializer(serializers.Serializer):
    """The applicant's sections. Every field is optional: a draft keeps whatever is sent, and
    the checklist says what still blocks submission (length limits are not errors here)."""

    title = _text(max_length=PROPOSAL_TEXT_LIMITS["title"])
    abstract = _text(max_length=PROPOSAL_TEXT_LIMITS["abstract"])
    specific_aims = _text(max_length=PROPOSAL_TEXT_LIMITS["specific_aims"])
    research_strategy = _text(max_length=PROPOSAL_TEXT_LIMITS["research_strategy"])
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), required=False
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices),
        required=False,
        help_text="Kept for older clients; when `nimhd_cells` is sent the domains follow it.",
    )
    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        required=False,
        help_text="NIMHD framework cells, `domain:level` (e.g. `behavioral:community`); "
        "`nimhd_domains` becomes the domains with any cell.",
    )
    community_engagement_plan = _text(max_length=PROPOSAL_TEXT_LIMITS["community_engagement_plan"])
    timeline = _text(max_length=PROPOSAL_TEXT_LIMITS["timeline"])
    budget_justification = _text(max_length=PROPOSAL_TEXT_LIMITS["budget_justification"])
    requested_amount = _money(required=False, allow_null=True, min_value=Decimal("0"))
    irb_status = serializers.ChoiceField(IrbStatus.choices, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The `version` you read the proposal at (or send its ETag as `If-Match`): "
        "when it was saved since, nothing is saved and the answer is 409. Leave it out to save "
        "without the check.",
    )

    def validate_disparity_populations(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_nimhd_domains(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_nimhd_cells(self, value: list[str]) -> list[str]:
        return nimhd_cells_clean(value)


class NimhdClassificationSerializer(serializers.Serializer):
    """The program office's correction of a submitted proposal's cells."""

    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        allow_empty=True,
        help_text="Every cell the proposal belongs in, `domain:level`.",
    )
    reason = serializers.CharField(max_length=2000, help_text="Why it is corrected.")


class ProposalCreateSerializer(ProposalWriteSerializer):
    call = serializers.PrimaryKeyRelatedField(
        queryset=FundingCall.objects.none(), help_text="The id of the funding call."
    )
    version = None  # a new draft has no earlier version to check against

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # A call the caller may not see is "not found", like everywhere else.
        if user is not None and user.is_authenticated:
            self.fields["call"].queryset = selectors.calls_visible_to(user)


class ProposalBriefSerializer(serializers.ModelSerializer):
    pi = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "title", "status", "call", "call_title", "pi"]
        read_only_fields = fields


class BlockerSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="What to fix: a section name, or budget, attachments, endorsement, "
        "eligibility, call, requested_amount."
    )
    message = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    status = serializers.CharField()
    ready = serializers.BooleanField(help_text="Editable and nothing blocks submission.")
    blockers = BlockerSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
