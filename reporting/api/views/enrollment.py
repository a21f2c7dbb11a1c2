"""An award's NIH inclusion enrollment under ``awards/{id}/enrollment/``: the same rule as the
web page (``reporting.report_enrollment``: the award's PI on their released award, or an
administrator). An award the caller may not see is 404; one they see as a team member is 403;
writes go through reporting.services.enrollment, whose field errors answer 400."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from reporting import services
from reporting.choices import EnrollmentKind
from reporting.models import EnrollmentReport

from ..serializers import EnrollmentReportSerializer, EnrollmentWriteSerializer
from .support import AWARD_PK, _AwardChild

ENROLLMENT_MESSAGE = "Only the award's PI and administrators report enrollment."


@extend_schema(parameters=[AWARD_PK])
@extend_schema_view(
    list=extend_schema(
        summary="The award's inclusion enrollment tables",
        description="The planned table (one per award) and every cumulative table, newest first.",
        responses={200: EnrollmentReportSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Save the planned table or submit a cumulative one",
        description="`kind: planned` records or replaces the planned table "
        "(`services.enrollment_planned_save`); `kind: cumulative` adds a table as of `as_of` "
        "(`services.enrollment_cumulative_submit`). Every cell a whole number of at least 0; "
        "stated totals must add up; no cell of a cumulative table below the previous one's "
        "without `reason_for_decrease`. 400 under `counts.<cell>`, `totals.<key>` or the field; "
        "nothing is saved.",
        request=EnrollmentWriteSerializer,
        responses={201: EnrollmentReportSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class EnrollmentViewSet(mixins.ListModelMixin, _AwardChild):
    serializer_class = EnrollmentReportSerializer
    permission = "reporting.report_enrollment"
    refusal = ENROLLMENT_MESSAGE

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EnrollmentReport.objects.none()
        return EnrollmentReport.objects.filter(award=self.get_award()).order_by(
            "kind", "-as_of", "-pk"
        )

    def create(self, request, award_pk=None):
        award = self.get_award()
        body = EnrollmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if data.pop("kind") == EnrollmentKind.PLANNED:
            report = services.enrollment_planned_save(actor=request.user, award=award, data=data)
        else:
            report = services.enrollment_cumulative_submit(
                actor=request.user, award=award, data=data
            )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)
