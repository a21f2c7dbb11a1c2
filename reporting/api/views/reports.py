"""The HRSA performance report, as data or as the workbook or PDF."""

import io

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import error_responses
from config.api_views import require
from reporting import services
from reporting.hrsa import build_report, exporter_for
from reporting.hrsa.exporters import XlsxExporter, report_to_dict
from reporting.hrsa.periods import available_periods, current_period, parse_period

from ..serializers import ReportQuerySerializer, ReportSerializer

# ---- The HRSA report -------------------------------------------------------------------------


class JsonOnly(BaseContentNegotiation):
    """Here ``?format=`` names the report's file format, not a DRF renderer: errors and the
    JSON report are always JSON, and the files are plain downloads."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class HrsaReportView(APIView):
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    @extend_schema(
        summary="The HRSA performance report",
        description="Administrators only (403 for everyone else). Every table of the report "
        "for one academic year (July 1 – June 30), built once (`reporting.hrsa.build_report`) "
        "and rendered as `format`: `json` (the tables as data, default), `xlsx` (the workbook) "
        "or `pdf`; files come as attachments with their name in `Content-Disposition`. "
        "`suppress=true` hides counts from 1 to `threshold` (default 10), with complementary "
        "suppression, for sharing beyond the funder. A period outside the program's years, a "
        "malformed one, an unknown format or a threshold out of range is 400 under its name.",
        parameters=[ReportQuerySerializer],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, XlsxExporter.content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The workbook: one sheet per table."
            ),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The same tables as a PDF."
            ),
            **error_responses(400, 401, 403),
        },
    )
    def get(self, request):
        require(
            request.user,
            "reporting.export_reports",
            message="Only administrators see and export the reports.",
        )
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        period = self._period(options.get("period"))
        built = build_report(
            period,
            suppress=options["suppress"],
            threshold=options["threshold"],
            generated_by=request.user.display_name,
        )
        if options["format"] == "json":
            response = Response(report_to_dict(built))
        else:
            exporter = exporter_for(options["format"], built)
            response = FileResponse(
                io.BytesIO(exporter.render()),
                as_attachment=True,
                filename=exporter.filename,
                content_type=exporter.content_type,
            )
        services.report_export_record(
            report=built, fmt=options["format"], actor=request.user, request=request
        )
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _period(label: str | None):
        """The requested period, one of those the web page offers (the current one if none)."""
        if not label:
            return current_period()
        try:
            period = parse_period(label)
        except DjangoValidationError as exc:
            raise ValidationError({"period": exc.messages}) from exc
        offered = available_periods()
        if period not in offered:
            raise ValidationError(
                {
                    "period": [
                        f"No report for {period.label}: choose a period from "
                        f"{offered[-1].label} to {offered[0].label}."
                    ]
                }
            )
        return period
