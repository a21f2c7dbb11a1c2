"""Progress reports owed on the caller's awards, and an award's change of status."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import READ_ERRORS, WRITE_ERRORS, Conflict, error_responses
from config.api_views import ScopedViewSet, require
from grants import selectors as grant_selectors
from grants.api.serializers import AwardSerializer
from reporting import services
from reporting.models import ProgressReport

from ..filters import ProgressReportFilter
from ..serializers import (
    AwardTransitionSerializer,
    ProgressReportSerializer,
    ProgressReportSubmitSerializer,
)
from ._common import LIST_ERRORS, visible_award_ids

# ---- Progress reports ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List progress reports",
        description="The interim and final reports owed on the awards the caller may see — "
        "as on the award pages: their PI's and team's (once the decision is released); "
        "administrators see all. Awards released since the last reminder run get their "
        "reports scheduled first.",
        responses={200: ProgressReportSerializer(many=True), **error_responses(*LIST_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One progress report",
        responses={200: ProgressReportSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilter
    ordering_fields = ["due_date", "submitted_at", "pk"]
    ordering = ["due_date", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ProgressReport.objects.none()
        return ProgressReport.objects.filter(
            award__in=visible_award_ids(self.request.user)
        ).select_related("award", "award__proposal", "award__proposal__pi", "submitted_by")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request, *args, **kwargs):
        services.progress_reports_schedule_missing(visible_award_ids(request.user))
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Submit a progress report",
        description="The award's PI (or an administrator) submits both narratives "
        "(`services.progress_report_submit`); a blank one is refused with 400 under its "
        "field. 403 for anyone else who sees the award (its team); 409 when it is already "
        "submitted.",
        request=ProgressReportSubmitSerializer,
        responses={200: ProgressReportSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        require(
            request.user,
            "reporting.submit_progress_report",
            report,
            "Only the award's PI submits its progress reports.",
        )
        if report.is_submitted:
            raise Conflict("This progress report has already been submitted.")
        serializer = ProgressReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.progress_report_submit(
            report=report,
            actor=request.user,
            objectives_accomplishments=serializer.validated_data.get(
                "objectives_accomplishments", ""
            ),
            barriers_resolutions=serializer.validated_data.get("barriers_resolutions", ""),
        )
        fresh = self.get_queryset().get(pk=report.pk)
        return Response(self.get_serializer(fresh).data)


# ---- Awards ----------------------------------------------------------------------------------
# Here rather than in grants/api: an award's change moves its progress reports too
# (reporting.services.award_change), and grants may not import reporting.


class AwardTransitionView(APIView):
    @extend_schema(
        operation_id="awards_transition",
        summary="Extend, close or terminate an award",
        description="An administrator changes the award's status "
        "(`reporting.services.award_change`, the award page's service; audited): `to` "
        "`no_cost_extension` with a later `new_end_date` moves the unsubmitted progress "
        "reports' due dates; `closed` or `terminated` (which needs a `reason`) records "
        "`ended_on` (default today), and an early end drops an interim report no longer "
        "owed. 400 under the field for bad input; 403 for the award's PI and team, who see "
        "it; 404 for everyone else; 409 for a change the award's status does not allow "
        "(anything from closed or terminated, an extension of an extension).",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Award id.")
        ],
        request=AwardTransitionSerializer,
        responses={200: AwardSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        visible = grant_selectors.awards_visible_to(request.user)
        award = visible.filter(pk=pk).first()
        if award is None:
            raise NotFound("No such award.")
        require(request.user, "grants.manage_awards", award, "Only administrators change awards.")
        serializer = AwardTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.award_change(award=award, actor=request.user, **serializer.validated_data)
        return Response(AwardSerializer(visible.get(pk=award.pk)).data)
