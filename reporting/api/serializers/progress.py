"""Progress reports (reading and submitting) and an award's change of status."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer
from grants.choices import AwardStatus
from reporting.choices import ProgressReportKind, ProgressReportStatus
from reporting.models import ProgressReport

from .fields import _date, _text


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
