"""Letters of intent (two-stage calls): the applicant's letter and document, and the
office's triage."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from grants.choices import LETTER_AIMS_WORD_LIMIT, DisparityPopulation, LetterDecision
from grants.models import LetterOfIntent
from grants.validators import LETTER_TEXT_LIMITS, TRIAGE_MESSAGE_MAX

from .fields import _money, _text


class LetterSerializer(serializers.ModelSerializer):
    """A letter as its applicant and the office read it: the office's decision and message,
    never the committee's ratings nor who rated."""

    applicant = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    estimated_budget = _money(read_only=True, allow_null=True)
    is_editable = serializers.BooleanField(read_only=True)
    has_document = serializers.SerializerMethodField(help_text="A one-page PDF is attached.")
    document_url = serializers.SerializerMethodField(
        help_text="Where the PDF is downloaded (`GET`), uploaded and removed; null without one."
    )

    class Meta:
        model = LetterOfIntent
        fields = [
            "id",
            "call",
            "call_title",
            "applicant",
            "status",
            "is_editable",
            "title",
            "aims_summary",
            "team",
            "disparity_populations",
            "estimated_budget",
            "has_document",
            "document_name",
            "document_url",
            "submitted_at",
            "triage_message",
            "decided_at",
            "proposal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_document(self, letter: LetterOfIntent) -> bool:
        return bool(letter.document)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, letter: LetterOfIntent) -> str | None:
        if not letter.document:
            return None
        return reverse(
            "api-letter-document", kwargs={"pk": letter.pk}, request=self.context.get("request")
        )


class LetterWriteSerializer(serializers.Serializer):
    """The applicant's draft letter. Every field is optional; a budget over the call's maximum
    award is refused by the service (400 under `estimated_budget`)."""

    title = _text(max_length=LETTER_TEXT_LIMITS["title"])
    aims_summary = _text(
        max_length=LETTER_TEXT_LIMITS["aims_summary"],
        help_text=f"Up to {LETTER_AIMS_WORD_LIMIT} words to be sent (a longer draft is kept).",
    )
    team = _text(
        max_length=LETTER_TEXT_LIMITS["team"],
        help_text="The people expected on the team, one a line, with their role.",
    )
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), required=False
    )
    estimated_budget = _money(required=False, allow_null=True, min_value=Decimal("0"))


class LetterDocumentSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A one-page PDF (the bytes are checked, not the name).")


class LetterTriageSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(LetterDecision.choices)
    message = serializers.CharField(
        max_length=TRIAGE_MESSAGE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="E-mailed to the applicant with the decision; required to decline.",
    )
