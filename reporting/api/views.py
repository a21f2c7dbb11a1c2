"""API views of awards' progress reports, outcomes, the publication import and the HRSA report.

Thin, like the web views (reporting/views.py): outcomes and progress reports are looked up
among the awards the caller may see (reporting.selectors.awards_visible_to), so anything
outside answers 404; every write is made by reporting.services, which check the permission
rules themselves (the ``require`` calls here only make a refusal come before input validation);
the report is built once by reporting.hrsa.build_report and rendered by its exporters. Service
errors become API errors in config.api.exception_handler: ValidationError 400,
PermissionDenied 403.
"""

import io

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    Conflict,
    error_responses,
)
from config.api_views import ScopedViewSet, require
from grants import selectors as grant_selectors
from grants.api.serializers import AwardSerializer
from grants.models import Award
from reporting import selectors, services
from reporting.hrsa import build_report, exporter_for
from reporting.hrsa.exporters import XlsxExporter, report_to_dict
from reporting.hrsa.periods import available_periods, current_period, parse_period
from reporting.models import (
    FollowOnFunding,
    Partnership,
    Presentation,
    ProgressReport,
    Publication,
    TraineeOutcome,
)

from .filters import (
    FollowOnFundingFilter,
    PartnershipFilter,
    PresentationFilter,
    ProgressReportFilter,
    PublicationFilter,
    TraineeOutcomeFilter,
)
from .serializers import (
    AwardTransitionSerializer,
    FollowOnFundingSerializer,
    FollowOnFundingWriteSerializer,
    ImportQuerySerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    PartnershipCreateSerializer,
    PartnershipSerializer,
    PartnershipWriteSerializer,
    PresentationSerializer,
    PresentationWriteSerializer,
    ProgressReportSerializer,
    ProgressReportSubmitSerializer,
    PublicationSerializer,
    PublicationWriteSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    TraineeOutcomeCreateSerializer,
    TraineeOutcomeSerializer,
    TraineeOutcomeWriteSerializer,
)

LIST_ERRORS = (400, 401, 403, 404)


def visible_award_ids(user) -> QuerySet:
    """Ids of the awards the user may see, as a subquery (no query of its own)."""
    return selectors.awards_visible_to(user).values("pk")


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


# ---- Outcomes: one base, five kinds ----------------------------------------------------------

RECORD_MESSAGE = "Only the award's team and administrators record outcomes."


class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List, read, create, change (PATCH) and delete one kind of outcome, among the awards the
    caller may see. Subclasses name the model, serializers and the three services."""

    model: type
    create_serializer_class: type
    update_serializer_class: type
    create_service = None
    update_service = None
    delete_service = None
    instance_arg = ""
    # Linked to awards through a many-to-many (``awards``) rather than one ``award``.
    linked = True
    related = ("recorded_by",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        visible = visible_award_ids(self.request.user)
        if not self.linked:
            return self.model.objects.filter(award__in=visible).select_related(*self.related)
        # A subquery rather than a join, so an outcome on two visible awards is listed once.
        linked = self.model.objects.filter(awards__in=visible).values("pk")
        return (
            self.model.objects.filter(pk__in=linked)
            .select_related(*self.related)
            .prefetch_related(
                Prefetch(
                    "awards",
                    queryset=Award.objects.filter(pk__in=visible).only("pk"),
                    to_attr="visible_awards",
                )
            )
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            # The awards a request may name: the caller's, loaded as the services need them.
            context["awards"] = Award.objects.filter(
                pk__in=visible_award_ids(self.request.user)
            ).select_related("proposal", "call")
        return context

    def read_back(self, outcome, code: int = status.HTTP_200_OK) -> Response:
        """The outcome as it now is, read in the caller's scope."""
        fresh = self.get_queryset().get(pk=outcome.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request):
        serializer = self.create_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        target = {"awards": data.pop("awards")} if self.linked else {"award": data.pop("award")}
        outcome = self.create_service(actor=request.user, data=data, **target)
        return self.read_back(outcome, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        outcome = self.get_object()
        require(request.user, "reporting.change_outcome", outcome, RECORD_MESSAGE)
        serializer = self.update_serializer_class(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        links = {"awards": data.pop("awards")} if self.linked and "awards" in data else {}
        self.update_service(actor=request.user, data=data, **{self.instance_arg: outcome}, **links)
        return self.read_back(outcome)

    def destroy(self, request, pk=None):
        outcome = self.get_object()
        self.delete_service(actor=request.user, **{self.instance_arg: outcome})
        return Response(status=status.HTTP_204_NO_CONTENT)


def outcome_schema(
    *, singular: str, plural: str, read, create, update, create_notes: str, filters: str
):
    """The five operations' documentation for one kind of outcome."""
    scope = (
        "Among the awards the caller may see: their own (as PI or team member, once the "
        "decision is released); administrators see every released award's."
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"{scope} Filters: {filters}.",
            responses={200: read(many=True), **error_responses(*LIST_ERRORS)},
        ),
        retrieve=extend_schema(
            summary=f"One {singular}",
            responses={200: read, **error_responses(*READ_ERRORS)},
        ),
        create=extend_schema(
            summary=f"Record a {singular}",
            description=f"{create_notes} An award the caller may not see is an unknown id "
            "(400). Rules are the web form's, checked by the service: 400 under the field.",
            request=create,
            responses={201: read, **error_responses(*WRITE_ERRORS)},
        ),
        partial_update=extend_schema(
            summary=f"Change a {singular}",
            description="Only the fields sent change; the same rules as recording it. 403 "
            "unless the caller is on one of its awards' teams or an administrator.",
            request=update(partial=True),
            responses={200: read, **error_responses(*WRITE_ERRORS)},
        ),
        destroy=extend_schema(
            summary=f"Delete a {singular}",
            description="Needs the right to record on every award it is linked to (otherwise 403).",
            responses={204: None, **error_responses(*READ_ERRORS)},
        ),
    )


@outcome_schema(
    singular="publication",
    plural="publications",
    read=PublicationSerializer,
    create=PublicationWriteSerializer,
    update=PublicationWriteSerializer,
    create_notes="Against one or more awards (`services.publication_create`). The DOI and "
    "PubMed ID are checked for form and must not be recorded already; the date (or year) must "
    "fall within an award's life plus the reporting window.",
    filters="`award`, `year`, `published_after`, `published_before`, `peer_reviewed`, "
    "`disparities_focused`",
)
class PublicationViewSet(OutcomeViewSet):
    model = Publication
    serializer_class = PublicationSerializer
    create_serializer_class = PublicationWriteSerializer
    update_serializer_class = PublicationWriteSerializer
    create_service = staticmethod(services.publication_create)
    update_service = staticmethod(services.publication_update)
    delete_service = staticmethod(services.publication_delete)
    instance_arg = "publication"
    filterset_class = PublicationFilter
    ordering_fields = ["published_on", "year", "title", "created_at", "pk"]

    @extend_schema(
        summary="Import publications (MEDLINE or RIS)",
        description="`multipart/form-data` with `award` and `file`: a PubMed MEDLINE "
        "(.nbib/.txt) or RIS export; the content decides, not the name. Without "
        "`?commit=true` it is a **preview**: the records read, each marked `duplicate` when "
        "its DOI or PubMed ID is already recorded — nothing is saved "
        "(`services.publications_import_preview`). With `?commit=true` the same file is read "
        "and saved (`services.publications_import_commit`): 201 with what was `created` and "
        "what was `skipped` and why (duplicates, no title, dated outside the award). A file "
        "in neither format is 400 under `file`, and nothing is saved.",
        parameters=[ImportQuerySerializer],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportResultSerializer,
            201: ImportResultSerializer,
            **error_responses(*WRITE_ERRORS),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
    )
    def import_(self, request):
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        upload = ImportUploadSerializer(data=request.data, context=self.get_serializer_context())
        upload.is_valid(raise_exception=True)
        award = upload.validated_data["award"]
        require(request.user, "reporting.record_outcome", award, RECORD_MESSAGE)
        try:
            records = services.publications_import_preview(file=upload.validated_data["file"])
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        result = {"committed": False, "records": records, "created": [], "skipped": []}
        if not query.validated_data["commit"]:
            return Response(ImportResultSerializer(result).data)
        saved = services.publications_import_commit(
            award=award, records=records, actor=request.user
        )
        result["committed"] = True
        result["created"] = list(
            self.get_queryset().filter(pk__in=[p.pk for p in saved.created]).order_by("pk")
        )
        result["skipped"] = [{"record": r, "reason": reason} for r, reason in saved.skipped]
        return Response(
            ImportResultSerializer(result, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@outcome_schema(
    singular="presentation",
    plural="presentations",
    read=PresentationSerializer,
    create=PresentationWriteSerializer,
    update=PresentationWriteSerializer,
    create_notes="Against one or more awards (`services.presentation_create`); the date must "
    "fall within an award's life plus the reporting window.",
    filters="`award`, `year`, `presented_after`, `presented_before`, `kind`, `level`",
)
class PresentationViewSet(OutcomeViewSet):
    model = Presentation
    serializer_class = PresentationSerializer
    create_serializer_class = PresentationWriteSerializer
    update_serializer_class = PresentationWriteSerializer
    create_service = staticmethod(services.presentation_create)
    update_service = staticmethod(services.presentation_update)
    delete_service = staticmethod(services.presentation_delete)
    instance_arg = "presentation"
    filterset_class = PresentationFilter
    ordering_fields = ["presented_on", "title", "created_at", "pk"]


@outcome_schema(
    singular="follow-on grant",
    plural="follow-on funding",
    read=FollowOnFundingSerializer,
    create=FollowOnFundingWriteSerializer,
    update=FollowOnFundingWriteSerializer,
    create_notes="A grant applied for or won on the strength of one or more awards "
    "(`services.follow_on_funding_create`). The amount is 0 or more; a pending application "
    "needs `applied_on`, an awarded or declined one `decided_on`; dates fall within an "
    "award's life plus the reporting window.",
    filters="`award`, `status`, `sponsor_type`, `applied_after`, `applied_before`, "
    "`decided_after`, `decided_before`",
)
class FollowOnFundingViewSet(OutcomeViewSet):
    model = FollowOnFunding
    serializer_class = FollowOnFundingSerializer
    create_serializer_class = FollowOnFundingWriteSerializer
    update_serializer_class = FollowOnFundingWriteSerializer
    create_service = staticmethod(services.follow_on_funding_create)
    update_service = staticmethod(services.follow_on_funding_update)
    delete_service = staticmethod(services.follow_on_funding_delete)
    instance_arg = "follow_on_funding"
    filterset_class = FollowOnFundingFilter
    ordering_fields = ["applied_on", "decided_on", "amount", "created_at", "pk"]


@outcome_schema(
    singular="trainee outcome",
    plural="trainee outcomes",
    read=TraineeOutcomeSerializer,
    create=TraineeOutcomeCreateSerializer,
    update=TraineeOutcomeWriteSerializer,
    create_notes="Where a trainee of one award is now, as of `recorded_on` "
    "(`services.trainee_outcome_create`); the trainee must be the award's PI or a team "
    "member with an account (400 under `trainee`).",
    filters="`award`, `trainee`, `recorded_after`, `recorded_before`",
)
class TraineeOutcomeViewSet(OutcomeViewSet):
    model = TraineeOutcome
    serializer_class = TraineeOutcomeSerializer
    create_serializer_class = TraineeOutcomeCreateSerializer
    update_serializer_class = TraineeOutcomeWriteSerializer
    create_service = staticmethod(services.trainee_outcome_create)
    update_service = staticmethod(services.trainee_outcome_update)
    delete_service = staticmethod(services.trainee_outcome_delete)
    instance_arg = "trainee_outcome"
    linked = False
    related = ("recorded_by", "trainee", "award", "award__proposal")
    filterset_class = TraineeOutcomeFilter
    ordering_fields = ["recorded_on", "completion_date", "created_at", "pk"]


@outcome_schema(
    singular="partnership",
    plural="partnerships",
    read=PartnershipSerializer,
    create=PartnershipCreateSerializer,
    update=PartnershipWriteSerializer,
    create_notes="A community or academic partner organisation of one award "
    "(`services.partnership_create`).",
    filters="`award`, `partner_type`, `purpose`",
)
class PartnershipViewSet(OutcomeViewSet):
    model = Partnership
    serializer_class = PartnershipSerializer
    create_serializer_class = PartnershipCreateSerializer
    update_serializer_class = PartnershipWriteSerializer
    create_service = staticmethod(services.partnership_create)
    update_service = staticmethod(services.partnership_update)
    delete_service = staticmethod(services.partnership_delete)
    instance_arg = "partnership"
    linked = False
    related = ("recorded_by", "award", "award__proposal")
    filterset_class = PartnershipFilter
    ordering_fields = ["organisation", "partner_type", "created_at", "pk"]


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
