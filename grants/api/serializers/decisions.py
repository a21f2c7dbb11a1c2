"""Funding decisions, their release, and awards."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from grants.choices import DecisionOutcome
from grants.models import Award, Decision

from .calls import CallSerializer
from .fields import _money
from .proposals import ProposalBriefSerializer


class AwardSerializer(serializers.ModelSerializer):
    proposal = ProposalBriefSerializer(read_only=True)
    amount = _money(read_only=True)
    effective_end = serializers.DateField(read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "proposal",
            "call",
            "amount",
            "status",
            "start_date",
            "end_date",
            "ended_on",
            "effective_end",
            "created_at",
        ]
        read_only_fields = fields


class DecisionRequestSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(DecisionOutcome.choices)
    amount = _money(
        required=False,
        allow_null=True,
        help_text="Funded amount; defaults to the budget total requested. Less needs a reason.",
    )
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AwardBriefSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True)

    class Meta:
        model = Award
        fields = ["id", "amount", "status", "start_date", "end_date"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True, allow_null=True)
    decided_by = UserBriefSerializer(read_only=True)
    award = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "proposal",
            "call",
            "outcome",
            "amount",
            "reason",
            "decided_by",
            "decided_at",
            "released_at",
            "award",
        ]
        read_only_fields = fields

    @extend_schema_field(AwardBriefSerializer(allow_null=True))
    def get_award(self, decision: Decision) -> dict | None:
        award = Award.objects.filter(proposal_id=decision.proposal_id).first()
        return AwardBriefSerializer(award).data if award else None


class ReleasedDecisionSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "proposal", "outcome", "amount", "released_at"]
        read_only_fields = fields


class ReleaseSerializer(serializers.Serializer):
    """What releasing a call's decisions did: the call as it now is, and each decision
    released (its proposal now has the decision's outcome as its status)."""

    call = CallSerializer(read_only=True)
    released = ReleasedDecisionSerializer(many=True, read_only=True)
