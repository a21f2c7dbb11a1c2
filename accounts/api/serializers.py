"""Shapes of the accounts endpoints, and the error bodies every endpoint documents.

Serializers validate shape only; who may do what is decided by services and permissions.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import ApplicantType, Role
from accounts.models import Profile, User
from accounts.selectors import PEOPLE_QUERY_MIN

# Most endpoints need a signed-in caller and look their object up in the caller's scope.


# ---- People ----------------------------------------------------------------------------------


class UserBriefSerializer(serializers.ModelSerializer):
    """A person as other people see them: name and username, nothing private."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class ProfileSerializer(serializers.ModelSerializer):
    applicant_type = serializers.ChoiceField(choices=ApplicantType.choices, allow_blank=True)

    class Meta:
        model = Profile
        fields = [
            "applicant_type",
            "department",
            "orcid",
            "era_commons_id",
            "expertise_keywords",
            "updated_at",
        ]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The signed-in person: account, professional profile and site roles. Demographics are
    never part of it."""

    display_name = serializers.CharField(read_only=True)
    # Not `format: email`: accounts made without an address have a blank one.
    email = serializers.CharField(read_only=True, help_text="E-mail address, or blank.")
    profile = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "profile",
            "roles",
        ]
        read_only_fields = fields

    @extend_schema_field(ProfileSerializer(allow_null=True))
    def get_profile(self, user: User) -> dict | None:
        # Users made in the admin may have no profile yet; a read must not create one.
        profile = Profile.objects.filter(user=user).first()
        return ProfileSerializer(profile).data if profile else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, user: User) -> list[str]:
        return [role.value for role in Role if user.has_role(role)]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=1024, trim_whitespace=False, write_only=True, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires = serializers.DateTimeField(
        read_only=True, help_text="When the token stops working (API_TOKEN_LIFETIME_HOURS)."
    )


class TokenInfoSerializer(serializers.Serializer):
    """The caller's token as its owner sees it later: when, never the key itself."""

    created = serializers.DateTimeField(read_only=True, help_text="When it was issued.")
    expires = serializers.DateTimeField(read_only=True, help_text="When it stops working.")
    expired = serializers.BooleanField(read_only=True)


class PeopleQuerySerializer(serializers.Serializer):
    search = serializers.CharField(
        min_length=PEOPLE_QUERY_MIN,
        max_length=254,
        help_text="At least 3 characters of a name or username, or a whole e-mail address.",
        error_messages={
            "min_length": "Type at least 3 characters of a name or an e-mail address.",
            "required": "Type at least 3 characters of a name or an e-mail address.",
            "blank": "Type at least 3 characters of a name or an e-mail address.",
        },
    )


class PersonMatchSerializer(serializers.Serializer):
    """A person found by the colleague finder: never their e-mail address."""

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    position = serializers.CharField(read_only=True, help_text="Their position, or blank.")
    department = serializers.CharField(read_only=True)
    matches_email = serializers.BooleanField(
        read_only=True, help_text="The search was this person's e-mail address."
    )
