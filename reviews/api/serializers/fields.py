"""The fields and proposal references every committee-review serializer uses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from accounts.models import User
from grants.models import Proposal

from ...selectors import IdentityScreen

MONEY = {"max_digits": 12, "decimal_places": 2}


def text_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def id_field(**kwargs) -> serializers.IntegerField:
    # Ids fit a database bigint; anything else is refused before it reaches SQL.
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9, "nullable": True})
class ScoreField(serializers.Field):
    """A 1–9 score exactly as sent (a number or a digit string; null or "" clears it). The
    service parses it, so anything else becomes the service's field error."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "oneOf": [
            {"type": "boolean"},
            {"type": "string", "enum": ["sufficient", "insufficient", ""]},
        ],
        "nullable": True,
    }
)
class SufficiencyField(serializers.Field):
    """``true`` / ``false`` or ``"sufficient"`` / ``"insufficient"`` as sent; parsed by the
    service."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "maxLength": 150})
class UsernameField(serializers.Field):
    """A person with an active account, named by username (any case)."""

    default_error_messages = {
        "invalid": "Give a username.",
        "unknown": "No active user is called “{value}”.",
    }

    def to_internal_value(self, data) -> User:
        if not isinstance(data, str) or not data.strip() or len(data) > 150 or "\x00" in data:
            self.fail("invalid")
        value = data.strip()
        user = User.objects.filter(username__iexact=value, is_active=True).first()
        if user is None:
            self.fail("unknown", value=value)
        return user

    def to_representation(self, value) -> str:
        return value.username


class ProposalRefSerializer(serializers.ModelSerializer):
    """A proposal named, nothing more."""

    class Meta:
        model = Proposal
        fields = ["id", "title", "call"]
        read_only_fields = fields


def identity_screen(context: dict) -> IdentityScreen:
    """Whose applicants the caller (``context["request"].user``) may not see — blind calls —
    made once per answer and kept in the serializer's context. Without a request every blind
    call's applicants are hidden."""
    screen = context.get("identity_screen")
    if screen is None:
        request = context.get("request")
        screen = IdentityScreen(request.user if request is not None else None)
        context["identity_screen"] = screen
    return screen


class ProposalWithPiSerializer(ProposalRefSerializer):
    """A proposal with its PI: what a reviewer needs to decide whether they are conflicted —
    except on a blind call, where only its chair and administrators see who the PI is."""

    pi = serializers.SerializerMethodField(
        help_text="The principal investigator; null on a blind call for anyone but the "
        "call's chair and administrators (reviewers do not learn who applied)."
    )

    class Meta(ProposalRefSerializer.Meta):
        fields = [*ProposalRefSerializer.Meta.fields, "pi"]
        read_only_fields = fields

    @extend_schema_field(UserBriefSerializer(allow_null=True))
    def get_pi(self, proposal: Proposal) -> dict | None:
        if identity_screen(self.context).hides(proposal):
            return None
        return UserBriefSerializer(proposal.pi).data
