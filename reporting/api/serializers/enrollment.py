"""NIH inclusion enrollment tables, read and written."""

from rest_framework import serializers

from reporting.choices import EnrollmentKind
from reporting.models import EnrollmentReport

from .fields import _text


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
