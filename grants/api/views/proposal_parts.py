"""A proposal's team, budget lines and documents: small collections under ``proposals/{id}/``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, PdfRenderer, error_responses
from config.api_views import PdfDownloadMixin
from grants import selectors, services

from ..serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    BudgetLineSerializer,
    TeamMemberCreateSerializer,
    TeamMemberSerializer,
)
from ._common import PROPOSAL_PK, ProposalChildViewSet

# ---- Team ------------------------------------------------------------------------------------


@extend_schema(parameters=[PROPOSAL_PK])
@extend_schema_view(
    list=extend_schema(
        summary="The proposal's team",
        responses={200: TeamMemberSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One team member",
        responses={200: TeamMemberSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Add a team member",
        description="A person with an account (`user`, an id found with `GET "
        "/api/v1/people/?search=`; or `username`) or someone without one (`full_name`). "
        "Someone without an account who has an `email` is e-mailed a single-use link to join "
        "(14 days) and is `invited` until they accept; others are told by e-mail "
        "(`services.team_member_add`). A mentor has an account and a faculty position, or is "
        "invited by e-mail. 403 unless the caller is the PI of an editable proposal.",
        request=TeamMemberCreateSerializer,
        responses={201: TeamMemberSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Remove a team member",
        description="Removing the mentor also removes their endorsement "
        "(`services.team_member_remove`).",
        responses={204: None, **error_responses(*READ_ERRORS)},
    ),
)
class TeamMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet):
    serializer_class = TeamMemberSerializer
    create_serializer_class = TeamMemberCreateSerializer
    request_field_names = {"user": "username"}

    def parts_of(self, proposal):
        return selectors.team_of(proposal)

    def add(self, proposal, data):
        # The service's ``user`` errors go under the field the caller used.
        self.request_field_names = {"user": "username" if data.get("username") else "user"}
        return services.team_member_add(
            proposal=proposal,
            actor=self.request.user,
            role=data["role"],
            user=data.get("user") or data.get("username"),
            full_name=data.get("full_name", ""),
            email=data.get("email", ""),
            organisation=data.get("organisation", ""),
        )

    def remove(self, part):
        services.team_member_remove(member=part, actor=self.request.user)


# ---- Budget ----------------------------------------------------------------------------------


@extend_schema(parameters=[PROPOSAL_PK])
@extend_schema_view(
    list=extend_schema(
        summary="The proposal's budget lines",
        responses={200: BudgetLineSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One budget line",
        responses={200: BudgetLineSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Add a budget line",
        description="`services.budget_line_save`; amounts are positive, with two decimals. "
        "403 unless the caller is the PI of an editable proposal.",
        request=BudgetLineSerializer,
        responses={201: BudgetLineSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Remove a budget line",
        responses={204: None, **error_responses(*READ_ERRORS)},
    ),
)
class BudgetLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet):
    serializer_class = BudgetLineSerializer
    create_serializer_class = BudgetLineSerializer

    def parts_of(self, proposal):
        return selectors.budget_lines_of(proposal)

    def add(self, proposal, data):
        return services.budget_line_save(proposal=proposal, actor=self.request.user, **data)

    def remove(self, part):
        services.budget_line_remove(line=part, actor=self.request.user)

    @extend_schema(
        summary="Replace a budget line",
        request=BudgetLineSerializer,
        responses={200: BudgetLineSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def update(self, request, proposal_pk=None, pk=None, partial=False):
        line = self.get_object()
        proposal = self.require_edit()
        serializer = BudgetLineSerializer(line, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {
            field: serializer.validated_data.get(field, getattr(line, field))
            for field in ("category", "description", "amount")
        }
        line = services.budget_line_save(proposal=proposal, actor=request.user, line=line, **values)
        return Response(BudgetLineSerializer(line).data)

    @extend_schema(
        summary="Change a budget line",
        request=BudgetLineSerializer(partial=True),
        responses={200: BudgetLineSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def partial_update(self, request, proposal_pk=None, pk=None):
        return self.update(request, proposal_pk=proposal_pk, pk=pk, partial=True)


# ---- Attachments -----------------------------------------------------------------------------


@extend_schema(parameters=[PROPOSAL_PK])
@extend_schema_view(
    list=extend_schema(
        summary="The proposal's documents",
        responses={200: AttachmentSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One document's details",
        responses={200: AttachmentSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Upload a document",
        description="`multipart/form-data` with `kind` and `file` "
        "(`services.attachment_add`). The bytes must be a readable, unencrypted PDF within "
        "the size limit, whatever the file's name: otherwise 400 under `file`. 403 unless "
        "the caller is the PI of an editable proposal.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Remove a document",
        responses={204: None, **error_responses(*READ_ERRORS)},
    ),
)
class AttachmentViewSet(
    PdfDownloadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet
):
    serializer_class = AttachmentSerializer
    create_serializer_class = AttachmentUploadSerializer
    parser_classes = [MultiPartParser, FormParser]

    def parts_of(self, proposal):
        return selectors.attachments_of(proposal)

    def add(self, proposal, data):
        return services.attachment_add(
            proposal=proposal,
            actor=self.request.user,
            kind=data["kind"],
            uploaded_file=data["file"],
        )

    def remove(self, part):
        services.attachment_remove(attachment=part, actor=self.request.user)

    @extend_schema(
        summary="Download a document",
        description="The PDF, as an attachment under its original name.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            302: OpenApiResponse(
                description="When uploads are on an object store: a redirect to a signed URL "
                "of the PDF that expires within minutes (AWS_QUERYSTRING_EXPIRE)."
            ),
            **error_responses(*READ_ERRORS),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, proposal_pk=None, pk=None):
        attachment = self.get_object()
        return self.pdf_response(attachment)
