"""Declared conflicts of interest."""

from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer

from ...choices import ConflictReason
from ...models import ConflictOfInterest
from .fields import ProposalRefSerializer, id_field, text_field


class ConflictSerializer(serializers.ModelSerializer):
    proposal = ProposalRefSerializer(read_only=True)
    reviewer = UserBriefSerializer(read_only=True)
    declared_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ConflictOfInterest
        fields = [
            "id",
            "proposal",
            "reviewer",
            "reason",
            "explanation",
            "declared_by",
            "declared_at",
            "after_review_closed",
        ]
        read_only_fields = fields


class ConflictDeclareSerializer(serializers.Serializer):
    proposal = id_field(help_text="A proposal reviewed by a committee you are on.")
    reason = serializers.ChoiceField(ConflictReason.choices)
    explanation = text_field(max_length=4000, default="", help_text="Required for `other`.")
    reviewer = id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The member who is conflicted, when a chair or administrator declares for "
        "them; yourself if omitted.",
    )
