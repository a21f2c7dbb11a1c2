"""Shapes of the reporting endpoints. They validate shape only (types, choices, lengths); every
rule — who may record, DOI and PubMed ID form, dates within the award's life, amounts, the
trainee being on the award, duplicates — is decided by reporting.services, so a bad value is
the same field error as on the web form.

People appear as ``UserBriefSerializer`` (id, username, name): no demographics, ever.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from grants.choices import AwardStatus
from grants.models import Award
from reporting.choices import (
    EnrollmentKind,
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    ProgressReportKind,
    ProgressReportStatus,
    SponsorType,
    SupportKind,
    TrainingStatusValue,
    YesNoUnknown,
)
from reporting.forms import ReportOptionsForm
from reporting.hrsa.exporters import EXPORTERS
from reporting.models import (
    EnrollmentReport,
    FollowOnFunding,
    ParticipantSupport,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
    TrainingStatus,
)
from reporting.services.outcomes import (
    FOLLOW_ON_FIELDS,
    PARTNERSHIP_FIELDS,
    PRESENTATION_FIELDS,
    PUBLICATION_FIELDS,
    TRAINEE_OUTCOME_FIELDS,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
OUTCOME_META = ["recorded_by", "created_at", "updated_at"]


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def _date(**kwargs) -> serializers.DateField:
    return serializers.DateField(required=False, allow_null=True, **kwargs)


def _yes_no(label: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(YesNoUnknown.choices, required=False, help_text=label)


class AwardsField(serializers.PrimaryKeyRelatedField):
    """An award the caller may see, by id (one they may not see is an unknown id)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Award.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        # Set per request by the view: reporting.selectors.awards_visible_to, unprefetched.
        return self.root.context.get("awards", Award.objects.none())


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class AwardIdsField(serializers.Field):
    """The ids of a list of awards (the view prefetches those the caller may see)."""

    def to_representation(self, awards) -> list[int]:
        return [award.pk for award in awards]


# ---- Progress reports ------------------------------------------------------------------------


class ProgressReportSerializer(serializers.ModelSerializer):
    award_title = serializers.CharField(source="award.proposal.title", read_only=True)
    pi = UserBriefSerializer(source="award.proposal.pi", read_only=True)
    kind = serializers.ChoiceField(ProgressReportKind.choices, read_only=True)
    status = serializers.ChoiceField(ProgressReportStatus.choices, read_only=True)
    is_overdue = serializers.SerializerMethodField(
        help_text="Still due and past its due date (program time zone)."
    )
    submitted_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "award",
            "award_title",
            "pi",
            "kind",
            "due_date",
            "status",
            "is_overdue",
            "objectives_accomplishments",
            "barriers_resolutions",
            "submitted_at",
            "submitted_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, report: ProgressReport) -> bool:
        return report.is_overdue(self.context["today"])


class ProgressReportSubmitSerializer(serializers.Serializer):
    """Both narratives; the service refuses blank ones under their field names."""

    objectives_accomplishments = _text(
        max_length=20000, help_text="Project objectives and accomplishments (required)."
    )
    barriers_resolutions = _text(
        max_length=20000, help_text="Project barriers and resolutions (required; “none” is fine)."
    )


# ---- Awards ----------------------------------------------------------------------------------


class AwardTransitionSerializer(serializers.Serializer):
    """An award's change of status, as on the award page; the service checks the rest (a
    later end date for an extension, a reason to terminate, an end not before the start)."""

    to = serializers.ChoiceField(
        [
            (AwardStatus.NO_COST_EXTENSION, "No-cost extension"),
            (AwardStatus.CLOSED, "Close"),
            (AwardStatus.TERMINATED, "Terminate"),
        ]
    )
    reason = _text(max_length=2000, default="", help_text="Required to terminate.")
    new_end_date = _date(default=None, help_text="The new end date (no-cost extension only).")
    ended_on = _date(default=None, help_text="When it closed or was terminated (default: today).")


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
    trainee = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="User id of the trainee: the PI or a team member with an account.",
    )
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


# ---- The HRSA report -------------------------------------------------------------------------

_THRESHOLD = ReportOptionsForm.base_fields["threshold"]  # the web form's bounds, not a copy
FORMAT_LABELS = {
    "json": "The tables as data",
    "xlsx": "Excel workbook, one sheet per table",
    "pdf": "PDF",
}


class ReportQuerySerializer(serializers.Serializer):
    period = serializers.CharField(
        required=False,
        max_length=20,
        help_text="Academic year, e.g. 2025-2026 (July 1 to June 30); default: the current one.",
    )
    format = serializers.ChoiceField(
        [(fmt, FORMAT_LABELS.get(fmt, fmt)) for fmt in EXPORTERS],
        required=False,
        default="json",
        help_text="json (default), xlsx or pdf.",
    )
    suppress = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Small-cell suppression, for sharing beyond the funder.",
    )
    threshold = serializers.IntegerField(
        required=False,
        default=10,
        min_value=_THRESHOLD.min_value,
        max_value=_THRESHOLD.max_value,
        help_text="Suppress counts from 1 to this number.",
    )


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="text, count, money, percent, ratio or date.")
    group = serializers.CharField()


class ReportRowSerializer(serializers.Serializer):
    cells = serializers.ListField(
        child=serializers.JSONField(),
        help_text='Numbers, text, money as a string ("1500.00"), ISO dates, null, or "*" '
        "where suppressed.",
    )
    total = serializers.BooleanField()
    kinds = serializers.ListField(child=serializers.CharField(), required=False)


class ReportTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    columns = ReportColumnSerializer(many=True)
    rows = ReportRowSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    suppressed_cells = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="[row, column] of each suppressed cell.",
    )


class ReportCheckSerializer(serializers.Serializer):
    rule = serializers.CharField()
    status = serializers.CharField(help_text="pass, warning or fail.")
    count = serializers.JSONField(help_text='A number, null, or "*" where suppressed.')
    detail = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.Serializer):
    """reporting.hrsa.exporters.report_to_dict: the same tables as the workbook and the PDF."""

    program = serializers.CharField()
    period = serializers.CharField()
    period_display = serializers.CharField()
    generated_at = serializers.DateTimeField()
    generated_by = serializers.CharField()
    profile = serializers.CharField()
    suppressed = serializers.BooleanField()
    threshold = serializers.IntegerField()
    checks = ReportCheckSerializer(many=True)
    tables = ReportTableSerializer(many=True)


# ---- Trainee support (INDGEN) ----------------------------------------------------------------


class ParticipantSupportSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    kind = serializers.ChoiceField(SupportKind.choices, read_only=True)
    training_program_name = serializers.CharField(
        source="training_program.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ParticipantSupport
        fields = [
            "id",
            "award",
            "person",
            "kind",
            "amount",
            "paid_from",
            "paid_to",
            "training_program",
            "training_program_name",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, **kwargs)


class ParticipantSupportWriteSerializer(serializers.Serializer):
    """Shape only; services.participant_support_* check the rules (PATCH: partial=True)."""

    person = _id(help_text="User id of the person paid: the award's PI or a team member.")
    kind = serializers.ChoiceField(SupportKind.choices)
    amount = serializers.DecimalField(**MONEY, help_text="Dollars, more than zero.")
    paid_from = serializers.DateField(help_text="First day paid for, within the award.")
    paid_to = serializers.DateField(help_text="Last day paid for, within the award.")
    training_program = _id(
        required=False, allow_null=True, help_text="Id of one of the program's training programs."
    )
    note = _text(max_length=500)


class TrainingStatusSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    status = serializers.ChoiceField(TrainingStatusValue.choices, read_only=True)
    training_program_name = serializers.CharField(
        source="training_program.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = TrainingStatus
        fields = [
            "id",
            "person",
            "training_program",
            "training_program_name",
            "status",
            "status_date",
            "updated_at",
        ]
        read_only_fields = fields


class TrainingStatusWriteSerializer(serializers.Serializer):
    person = _id(help_text="User id: the award's PI or a team member.")
    training_program = _id(required=False, allow_null=True)
    status = serializers.ChoiceField(TrainingStatusValue.choices)
    status_date = _date(help_text="Required when completed or left; not in the future.")


# ---- NIH inclusion enrollment ----------------------------------------------------------------


class EnrollmentReportSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(EnrollmentKind.choices, read_only=True)
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text='Every cell: "<ethnicity>|<race>|<sex>" -> number of participants.',
    )
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = EnrollmentReport
        fields = [
            "id",
            "award",
            "kind",
            "enrolls_humans",
            "as_of",
            "counts",
            "total",
            "reason_for_decrease",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnrollmentWriteSerializer(serializers.Serializer):
    """Shape only: services.enrollment checks the table (each cell, totals, decreases) and
    answers under ``counts.<cell>``, ``totals.<key>``, ``as_of``, ``reason_for_decrease``."""

    kind = serializers.ChoiceField(EnrollmentKind.choices)
    counts = serializers.JSONField(
        required=False,
        help_text='Every cell "<ethnicity>|<race>|<sex>" (3 x 7 x 3 = 63) with a whole number '
        "of at least 0. Ethnicity: not_hispanic, hispanic, unknown; race: aian, asian, nhpi, "
        "black, white, more_than_one, unknown; sex: female, male, unknown.",
    )
    totals = serializers.JSONField(
        required=False,
        help_text='Optional totals to check: "all", a race (row), or "<ethnicity>|<sex>" (column).',
    )
    enrolls_humans = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Planned only: false for a project enrolling nobody.",
    )
    as_of = serializers.DateField(
        required=False, allow_null=True, help_text="Cumulative only: the date counts are as of."
    )
    reason_for_decrease = _text(max_length=2000)
