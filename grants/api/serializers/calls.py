"""Funding calls (with the caller's eligibility), a call's copy as a new round, and the
administrator's eligibility exceptions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from accounts.models import User
from grants import selectors
from grants.models import EligibilityException, FundingCall

from .fields import _money


class CallSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.name", read_only=True)
    total_budget = _money(read_only=True)
    max_award = _money(read_only=True)
    is_accepting = serializers.SerializerMethodField(
        help_text="Open for submissions now, by the server clock."
    )
    # Eligibility rules (issue #19): checked at start and at submission.
    eligible_departments = serializers.ListField(
        child=serializers.CharField(allow_blank=False, trim_whitespace=True, max_length=200),
        read_only=True,
        help_text="Departments allowed to apply (compared with the profile's, any case); "
        "empty means any.",
    )

    class Meta:
        model = FundingCall
        fields = [
            "id",
            "program",
            "title",
            "description",
            "status",
            "is_accepting",
            "opens_at",
            "closes_at",
            "letter_of_intent",
            "letters_close_at",
            "time_zone",
            "eligible_applicant_types",
            "eligible_departments",
            "requires_faculty_mentor",
            "requires_community_partner",
            "first_time_applicants_only",
            "excludes_current_awardees",
            "eligibility_notes",
            "total_budget",
            "max_award",
            "duration_months",
            "one_per_applicant",
            "abstract_word_limit",
            "aims_word_limit",
            "strategy_word_limit",
            "required_sections",
            "required_attachments",
            "reviewers_per_proposal",
            "blind_review",
            "nominations_allowed",
            "sponsor",
            "sponsor_opportunity",
            "sponsor_deadline",
            "copied_from",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "copied_from": {
                "help_text": "The call this one was copied from (a new round), or null."
            },
            "nominations_allowed": {
                "help_text": "A limited submission: how many applications the external sponsor "
                "accepts from the institution; this call chooses the nominees and its decisions "
                "are nominated / not nominated. Null for a call that awards money."
            },
            "blind_review": {
                "help_text": "Reviewed blind: reviewers see no name, department or position "
                "of the applicant or the team, nor their biosketches and letters of support "
                "(the call's chair and administrators see everything). Applicants keep names "
                "out of their text and file names."
            },
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_accepting(self, call: FundingCall) -> bool:
        return call.is_accepting(self.context.get("now"))


class CallCopySerializer(serializers.Serializer):
    """A new round of a call: its dates and, if not the source's a year on, its title; the
    rest is copied (grants.services.call_copy checks the dates)."""

    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The new call's title; left out or blank: the source's, with each year in it "
        "moved on.",
    )
    opens_at = serializers.DateTimeField(help_text="When the new call opens; in the future.")
    letters_close_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When letters of intent are due: required when the source opens with a "
        "letter of intent (between the opening and the deadline), refused when it does not.",
    )
    closes_at = serializers.DateTimeField(
        help_text="The deadline for (full) proposals; after the opening."
    )


class EligibilityReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(
        help_text="The rule: profile (your profile lacks your position or department), "
        "position, department, first_time, current_awardee."
    )
    message = serializers.CharField()


class EligibilityExceptionBriefSerializer(serializers.Serializer):
    granted_by = serializers.CharField(
        source="granted_by.display_name", default="", help_text="The administrator's name."
    )
    granted_at = serializers.DateTimeField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField(
        help_text="Nothing in your profile or record stands in the way (the team's rules are "
        "checked when you submit)."
    )
    may_start = serializers.BooleanField(
        help_text="You may start a proposal, eligibility-wise: an incomplete profile is asked "
        "for at submission, not refused at the start."
    )
    reasons = EligibilityReasonSerializer(many=True, source="problems")
    exception = EligibilityExceptionBriefSerializer(
        allow_null=True, help_text="The exception that waives the call's rules for you, if any."
    )
    rules = serializers.ListField(
        child=serializers.CharField(), help_text="The call's rules in words, as its page says."
    )


class CallDetailSerializer(CallSerializer):
    eligibility = serializers.SerializerMethodField(
        help_text="Whether you (the caller) may apply, and why not."
    )

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "eligibility"]
        read_only_fields = fields

    @extend_schema_field(EligibilitySerializer)
    def get_eligibility(self, call: FundingCall) -> dict:
        request = self.context.get("request")
        standing = selectors.eligibility_of(call=call, user=getattr(request, "user", None))
        return EligibilitySerializer(
            {
                "eligible": standing.eligible,
                "may_start": not standing.refusals,
                "problems": standing.problems,
                "exception": standing.exception,
                "rules": selectors.call_rules(call),
            }
        ).data


class EligibilityExceptionSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    granted_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = EligibilityException
        fields = ["id", "call", "person", "reason", "granted_by", "granted_at"]
        read_only_fields = fields


class EligibilityExceptionCreateSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="The person it is for: an id from GET /api/v1/people/?search=.",
    )
    reason = serializers.CharField(
        max_length=4000, help_text="Why this person may apply although the rules say no."
    )
