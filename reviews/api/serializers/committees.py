"""Committees, their members, and a call's review set-up and phase."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer

from ...choices import DEFAULT_LOAD_CAP, PHASE_TRANSITIONS, ReviewPhase
from ...models import CallReview, Committee, CommitteeMembership
from .fields import UsernameField, id_field


class CommitteeSerializer(serializers.ModelSerializer):
    chair = UserBriefSerializer(read_only=True)
    member_count = serializers.IntegerField(
        read_only=True, help_text="Members, the chair included."
    )

    class Meta:
        model = Committee
        fields = ["id", "name", "chair", "member_count", "created_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    open_assignments = serializers.IntegerField(
        read_only=True,
        help_text="Assignments held across the committee's calls that are not closed.",
    )

    class Meta:
        model = CommitteeMembership
        fields = ["user", "load_cap", "open_assignments", "joined_at"]
        read_only_fields = fields


class CommitteeDetailSerializer(CommitteeSerializer):
    members = MemberSerializer(many=True, read_only=True, source="member_rows")

    class Meta(CommitteeSerializer.Meta):
        fields = [*CommitteeSerializer.Meta.fields, "members"]
        read_only_fields = fields


class CommitteeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    chair = UsernameField(help_text="Username of the chair (also made a member).")
    members = serializers.ListField(
        child=UsernameField(), required=False, default=list, help_text="Usernames."
    )
    load_cap = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        default=DEFAULT_LOAD_CAP,
        help_text="Every member's load cap to begin with.",
    )


class MemberAddSerializer(serializers.Serializer):
    username = UsernameField()
    load_cap = serializers.IntegerField(required=False, default=DEFAULT_LOAD_CAP)


class MemberUpdateSerializer(serializers.Serializer):
    load_cap = serializers.IntegerField(
        help_text="Most proposals the member reviews at once across the committee's open calls "
        "(0–100; assignments above a lowered cap stay)."
    )


class AttachSerializer(serializers.Serializer):
    call = id_field(help_text="The funding call's id.")
    reviewers_per_proposal = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="1–10; the call's by default."
    )
    review_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReviewSetupSerializer(serializers.ModelSerializer):
    """A call's review: its committee, phase and where it may go next."""

    committee = serializers.SerializerMethodField()
    next_phases = serializers.SerializerMethodField(
        help_text="The phases `phase/` may move to from here."
    )

    class Meta:
        model = CallReview
        fields = [
            "call",
            "committee",
            "phase",
            "next_phases",
            "reviewers_per_proposal",
            "review_due_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_committee(self, review: CallReview) -> dict:
        return {"id": review.committee_id, "name": review.committee.name}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ReviewPhase.choices)))
    def get_next_phases(self, review: CallReview) -> list[str]:
        return [p for p in ReviewPhase.values if p in PHASE_TRANSITIONS[review.phase]]


class PhaseRequestSerializer(serializers.Serializer):
    to = serializers.ChoiceField(ReviewPhase.choices)
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
