"""Outcomes: one viewset base, five kinds. Each kind names its service kind
(reporting.services.OutcomeKind), its serializers, filters and orderings; the base does the
rest through the generic outcome services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import ScopedViewSet, require
from grants.models import Award
from reporting import services

from ..filters import (
    FollowOnFundingFilter,
    PartnershipFilter,
    PresentationFilter,
    PublicationFilter,
    TraineeOutcomeFilter,
)
from ..serializers import (
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
    PublicationSerializer,
    PublicationWriteSerializer,
    TraineeOutcomeCreateSerializer,
    TraineeOutcomeSerializer,
    TraineeOutcomeWriteSerializer,
)
from ._common import LIST_ERRORS, visible_award_ids

RECORD_MESSAGE = "Only the award's team and administrators record outcomes."


class OutcomeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """List, read, create, change (PATCH) and delete one kind of outcome, among the awards the
    caller may see. Subclasses name the model, serializers and the three services."""

    # The docstring is the API schema's text for the operations without their own; the model
    # and the three services come with the subclass's ``kind`` (services.outcome_create …).

    kind: services.OutcomeKind
    write_serializer_class: type  # what create and PATCH take
    create_serializer_class: type | None = None  # create's, where it names more (the award)
    related = ("recorded_by",)

    def get_queryset(self):
        model = self.kind.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        visible = visible_award_ids(self.request.user)
        if not self.kind.linked:
            return model.objects.filter(award__in=visible).select_related(*self.related)
        # A subquery rather than a join, so an outcome on two visible awards is listed once.
        linked = model.objects.filter(awards__in=visible).values("pk")
        return (
            model.objects.filter(pk__in=linked)
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
        serializer = (self.create_serializer_class or self.write_serializer_class)(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        target = (
            {"awards": data.pop("awards")} if self.kind.linked else {"award": data.pop("award")}
        )
        outcome = services.outcome_create(self.kind, actor=request.user, data=data, **target)
        return self.read_back(outcome, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        outcome = self.get_object()
        require(request.user, "reporting.change_outcome", outcome, RECORD_MESSAGE)
        serializer = self.write_serializer_class(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        links = {"awards": data.pop("awards")} if "awards" in data else {}
        services.outcome_update(self.kind, actor=request.user, outcome=outcome, data=data, **links)
        return self.read_back(outcome)

    def destroy(self, request, pk=None):
        outcome = self.get_object()
        services.outcome_delete(self.kind, actor=request.user, outcome=outcome)
        return Response(status=status.HTTP_204_NO_CONTENT)


def outcome_schema(*, singular: str, plural: str, create_notes: str):
    """The five operations' documentation for one kind of outcome, from its viewset's
    serializers and filters."""
    scope = (
        "Among the awards the caller may see: their own (as PI or team member, once the "
        "decision is released); administrators see every released award's."
    )

    def document(viewset: type[OutcomeViewSet]) -> type[OutcomeViewSet]:
        read, update = viewset.serializer_class, viewset.write_serializer_class
        filters = ", ".join(f"`{name}`" for name in viewset.filterset_class.Meta.fields)
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
                request=viewset.create_serializer_class or update,
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
                description="Needs the right to record on every award it is linked to "
                "(otherwise 403).",
                responses={204: None, **error_responses(*READ_ERRORS)},
            ),
        )(viewset)

    return document


@outcome_schema(
    singular="publication",
    plural="publications",
    create_notes="Against one or more awards (`services.publication_create`). The DOI and "
    "PubMed ID are checked for form and must not be recorded already; the date (or year) must "
    "fall within an award's life plus the reporting window.",
)
class PublicationViewSet(OutcomeViewSet):
    kind = services.PUBLICATION
    serializer_class = PublicationSerializer
    write_serializer_class = PublicationWriteSerializer
    filterset_class = PublicationFilter
    ordering_fields = ["published_on", "year", "title", "created_at", "pk"]

    @extend_schema(
        summary="Import publications (MEDLINE, RIS, BibTeX or CSL JSON)",
        description="`multipart/form-data` with `award` and `file`: a citation export in "
        "MEDLINE (PubMed, ERIC, Ovid), RIS (Scopus, CINAHL, EndNote, Zotero, ...), BibTeX "
        "(Google Scholar, ORCID, Zotero) or CSL JSON (Zotero, Mendeley); the content decides, "
        "not the name. Without `?commit=true` it is a **preview**: the records read, each "
        "marked `duplicate` when its DOI, PubMed ID, or title and year is already recorded, "
        "and a record that could not be read listed with its `problems` (and no title) — "
        "nothing is saved (`services.publications_import_preview`). With `?commit=true` the "
        "same file is read and saved (`services.publications_import_commit`): 201 with what "
        "was `created` and what was `skipped` and why (duplicates, unreadable, dated outside "
        "the award). A file in none of these formats is 400 under `file`, and nothing is saved.",
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
    create_notes="Against one or more awards (`services.presentation_create`); the date must "
    "fall within an award's life plus the reporting window.",
)
class PresentationViewSet(OutcomeViewSet):
    kind = services.PRESENTATION
    serializer_class = PresentationSerializer
    write_serializer_class = PresentationWriteSerializer
    filterset_class = PresentationFilter
    ordering_fields = ["presented_on", "title", "created_at", "pk"]


@outcome_schema(
    singular="follow-on grant",
    plural="follow-on funding",
    create_notes="A grant applied for or won on the strength of one or more awards "
    "(`services.follow_on_funding_create`). The amount is 0 or more; a pending application "
    "needs `applied_on`, an awarded or declined one `decided_on`; dates fall within an "
    "award's life plus the reporting window.",
)
class FollowOnFundingViewSet(OutcomeViewSet):
    kind = services.FOLLOW_ON_FUNDING
    serializer_class = FollowOnFundingSerializer
    write_serializer_class = FollowOnFundingWriteSerializer
    filterset_class = FollowOnFundingFilter
    ordering_fields = ["applied_on", "decided_on", "amount", "created_at", "pk"]


@outcome_schema(
    singular="trainee outcome",
    plural="trainee outcomes",
    create_notes="Where a trainee of one award is now, as of `recorded_on` "
    "(`services.trainee_outcome_create`); the trainee must be the award's PI or a team "
    "member with an account (400 under `trainee`).",
)
class TraineeOutcomeViewSet(OutcomeViewSet):
    kind = services.TRAINEE_OUTCOME
    serializer_class = TraineeOutcomeSerializer
    create_serializer_class = TraineeOutcomeCreateSerializer
    write_serializer_class = TraineeOutcomeWriteSerializer
    related = ("recorded_by", "trainee", "award", "award__proposal")
    filterset_class = TraineeOutcomeFilter
    ordering_fields = ["recorded_on", "completion_date", "created_at", "pk"]


@outcome_schema(
    singular="partnership",
    plural="partnerships",
    create_notes="A community or academic partner organisation of one award "
    "(`services.partnership_create`).",
)
class PartnershipViewSet(OutcomeViewSet):
    kind = services.PARTNERSHIP
    serializer_class = PartnershipSerializer
    create_serializer_class = PartnershipCreateSerializer
    write_serializer_class = PartnershipWriteSerializer
    related = ("recorded_by", "award", "award__proposal")
    filterset_class = PartnershipFilter
    ordering_fields = ["organisation", "partner_type", "created_at", "pk"]
