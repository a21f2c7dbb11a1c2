"""The HRSA report: its query (period, format, suppression) and its tables as data."""

from rest_framework import serializers

from reporting.forms import ReportOptionsForm
from reporting.hrsa.exporters import EXPORTERS

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
