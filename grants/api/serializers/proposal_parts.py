"""A proposal's parts: the team, budget lines, documents, and the mentor's endorsement."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from accounts.models import User
from grants.choices import AttachmentKind, BudgetCategory, TeamRole
from grants.models import Attachment, BudgetLine, Endorsement, TeamMember

from .fields import _money, _text
from .proposals import ProposalBriefSerializer


class TeamMemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    # Not `format: email`: it is blank for most members (those with an account).
    email = serializers.CharField(read_only=True, help_text="An outside person's e-mail, or blank.")
    invited = serializers.SerializerMethodField(
        help_text="Invited by e-mail and has not joined yet (no account linked)."
    )

    class Meta:
        model = TeamMember
        fields = ["id", "role", "user", "name", "email", "organisation", "invited", "added_at"]
        read_only_fields = fields

    def get_invited(self, member: TeamMember) -> bool:
        return member.user_id is None and bool(member.email)


class TeamMemberCreateSerializer(serializers.Serializer):
    """A person with an account (``user``, an id from ``GET /api/v1/people/?search=``, or
    ``username``) or someone without one (``full_name``; with ``email`` they are invited)."""

    role = serializers.ChoiceField(TeamRole.choices)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="A person with an account: an id from GET /api/v1/people/?search=.",
    )
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="A person with an account, by username (kept for older clients; prefer user).",
    )
    full_name = _text(max_length=200, help_text="An outside person, e.g. a community partner.")
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    organisation = _text(max_length=200)

    def validate_username(self, value: str) -> User | None:
        value = value.strip()
        if not value:
            return None
        user = User.objects.filter(username__iexact=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(f"No active user is called “{value}”.")
        return user

    def validate(self, attrs):
        if attrs.get("user") and attrs.get("username"):
            raise serializers.ValidationError({"user": ["Give user or username, not both."]})
        return attrs


class BudgetLineSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(BudgetCategory.choices)
    description = serializers.CharField(max_length=250)
    amount = _money()

    class Meta:
        model = BudgetLine
        fields = ["id", "category", "description", "amount"]
        read_only_fields = ["id"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "size",
            "pages",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "api-proposal-attachment-download",
            kwargs={"proposal_pk": attachment.proposal_id, "pk": attachment.pk},
            request=self.context.get("request"),
        )


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(AttachmentKind.choices)
    file = serializers.FileField(help_text="A PDF (the bytes are checked, not the name).")


# ---- Endorsements ----------------------------------------------------------------------------


class EndorsementSerializer(serializers.ModelSerializer):
    proposal = ProposalBriefSerializer(read_only=True)
    mentor = UserBriefSerializer(read_only=True)

    class Meta:
        model = Endorsement
        fields = ["id", "proposal", "mentor", "status", "statement", "requested_at", "responded_at"]
        read_only_fields = fields


class EndorsementRespondSerializer(serializers.Serializer):
    decision = serializers.ChoiceField([("endorse", "Endorse"), ("decline", "Decline")])
    statement = serializers.CharField(max_length=4000, allow_blank=True)
