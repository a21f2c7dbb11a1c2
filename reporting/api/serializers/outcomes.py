"""Outcomes of funded projects, read and written (publications, presentations, follow-on
funding, trainee outcomes, partnerships), and the publication import."""

from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from reporting.choices import (
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    SponsorType,
)
from reporting.models import FollowOnFunding, Partnership, Presentation, Publication, TraineeOutcome
from reporting.services.outcomes import (
    FOLLOW_ON_FIELDS,
    PARTNERSHIP_FIELDS,
    PRESENTATION_FIELDS,
    PUBLICATION_FIELDS,
    TRAINEE_OUTCOME_FIELDS,
)

from .fields import MONEY, AwardIdsField, AwardsField, _date, _id, _text, _yes_no

OUTCOME_META = ["recorded_by", "created_at", "updated_at"]


# ---- Outcomes: reading -----------------------------------------------------------------------


class _OutcomeSerializer(serializers.ModelSerializer):
    recorded_by = UserBriefSerializer(read_only=True, allow_null=True)


class _LinkedOutcomeSerializer(_OutcomeSerializer):
    """Outcomes linked to one or more awards; ``awards`` lists those the caller may see."""

    awards = AwardIdsField(
        source="visible_awards",
        read_only=True,
        help_text="The ids of the awards it came from (those the caller may see).",
    )


class PublicationSerializer(_LinkedOutcomeSerializer):
    class Meta:
        model = Publication
        fields = ["id", "awards", *PUBLICATION_FIELDS, *OUTCOME_META]
        read_only_fields = fields


class PresentationSerializer(_LinkedOutcomeSerializer):
    class Meta:
        model = Presentation
        fields = ["id", "awards", *PRESENTATION_FIELDS, *OUTCOME_META]
        read_only_fields = fields


class FollowOnFundingSerializer(_LinkedOutcomeSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = FollowOnFunding
        fields = ["id", "awards", *FOLLOW_ON_FIELDS, *OUTCOME_META]
        read_only_fields = fields


class TraineeOutcomeSerializer(_OutcomeSerializer):
    trainee = UserBriefSerializer(read_only=True)

    class Meta:
        model = TraineeOutcome
        fields = ["id", "award", *TRAINEE_OUTCOME_FIELDS, *OUTCOME_META]
        read_only_fields = fields


class PartnershipSerializer(_OutcomeSerializer):
    class Meta:
        model = Partnership
        fields = ["id", "award", *PARTNERSHIP_FIELDS, *OUTCOME_META]
        read_only_fields = fields


# ---- Outcomes: writing -----------------------------------------------------------------------
# Create serializers mark what the record needs; PATCH uses the same with partial=True. Values go
# to reporting.services as sent (strings stripped there), which check them like the web form.


class _LinkedWriteSerializer(serializers.Serializer):
    awards = AwardsField(
        many=True,
        help_text="Ids of the award(s) it came from; on PATCH, replaces the links (changing "
        "them needs the right to record on every award added or removed).",
    )


class PublicationWriteSerializer(_LinkedWriteSerializer):
    title = serializers.CharField(max_length=500)
    doi = _text(max_length=250, help_text="e.g. 10.1001/jama.2024.1234 (a doi.org link is fine).")
    pmid = _text(max_length=20, help_text="PubMed ID: 1 to 8 digits.")
    journal = _text(max_length=300)
    year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=32767, help_text="Year published."
    )
    published_on = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=10,
        help_text="YYYY-MM-DD or YYYY-MM; stored as the first of the month.",
    )
    authors = _text(max_length=20000, help_text="One author per line, as cited.")
    peer_reviewed = serializers.BooleanField(required=False)
    disparities_focused = serializers.BooleanField(required=False)


class PresentationWriteSerializer(_LinkedWriteSerializer):
    title = serializers.CharField(max_length=500)
    venue = serializers.CharField(max_length=300)
    presented_on = serializers.DateField()
    kind = serializers.ChoiceField(PresentationKind.choices)
    level = serializers.ChoiceField(PresentationLevel.choices)


class FollowOnFundingWriteSerializer(_LinkedWriteSerializer):
    sponsor = serializers.CharField(max_length=200)
    sponsor_type = serializers.ChoiceField(SponsorType.choices)
    mechanism = _text(max_length=40, help_text="e.g. R01, K23, R21")
    title = _text(max_length=500)
    amount = serializers.DecimalField(**MONEY, help_text="Dollars, 0 or more (0 if not known).")
    status = serializers.ChoiceField(FundingStatus.choices)
    applied_on = _date(help_text="Needed while the status is applied.")
    decided_on = _date(help_text="Needed once awarded or declined.")


class TraineeOutcomeWriteSerializer(serializers.Serializer):
    trainee = _id(help_text="User id of the trainee: the PI or a team member with an account.")
    recorded_on = serializers.DateField(help_text="The date this information describes.")
    degree_completed = _text(max_length=100, help_text="e.g. MD, PhD")
    completion_date = _date()
    position = _text(max_length=300, help_text="Residency match or position.")
    in_further_training = _yes_no("In further training.")
    employed = _yes_no("Employed.")
    practicing_underserved = _yes_no("Practicing in a medically underserved community.")
    practicing_rural = _yes_no("Practicing in a rural area.")
    practicing_primary_care = _yes_no("Practicing in primary care.")


class TraineeOutcomeCreateSerializer(TraineeOutcomeWriteSerializer):
    award = AwardsField(help_text="The award's id (cannot be changed later).")


class PartnershipWriteSerializer(serializers.Serializer):
    organisation = serializers.CharField(max_length=300, help_text="The partner organisation.")
    partner_type = serializers.ChoiceField(PartnerType.choices)
    purpose = serializers.ChoiceField(PartnershipPurpose.choices)
    description = _text(max_length=20000)


class PartnershipCreateSerializer(PartnershipWriteSerializer):
    award = AwardsField(help_text="The award's id (cannot be changed later).")


# ---- Publication import ----------------------------------------------------------------------


class ImportUploadSerializer(serializers.Serializer):
    award = AwardsField(help_text="The award the publications came from.")
    file = serializers.FileField(
        help_text="A MEDLINE, RIS, BibTeX or CSL JSON export; the content decides, not the name."
    )


class ImportQuerySerializer(serializers.Serializer):
    commit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="false (default): preview only, nothing saved. true: save the records.",
    )


class PublicationRecordSerializer(serializers.Serializer):
    title = serializers.CharField()
    doi = serializers.CharField()
    pmid = serializers.CharField()
    journal = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    authors = serializers.ListField(child=serializers.CharField())
    peer_reviewed = serializers.BooleanField()
    duplicate = serializers.BooleanField(
        help_text="Already recorded (same DOI, PubMed ID, or title and year), or repeated "
        "earlier in the file."
    )
    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="What was left out or is missing; a record that could not be read has no "
        "title and says why here.",
    )


class SkippedRecordSerializer(serializers.Serializer):
    record = PublicationRecordSerializer()
    reason = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    committed = serializers.BooleanField(help_text="Whether anything was saved (commit=true).")
    records = PublicationRecordSerializer(many=True, help_text="Every record read from the file.")
    created = PublicationSerializer(many=True, help_text="Saved (commit=true only).")
    skipped = SkippedRecordSerializer(many=True, help_text="Not saved, with why (commit only).")
