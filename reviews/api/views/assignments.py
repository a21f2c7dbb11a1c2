"""Assignments, by hand and automatic, and the assigned proposal as its reviewer reads it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, PdfRenderer, error_responses
from config.api_views import PdfDownloadMixin, require
from grants import selectors as grant_selectors
from grants.models import Proposal

from ... import selectors, services
from ...exporters import committee_document_response
from ...models import Assignment
from ..filters import AssignmentFilter
from ..serializers.assignments import (
    AssignmentCreateSerializer,
    AssignmentSerializer,
    AutoAssignResultSerializer,
    ReviewerProposalSerializer,
    SwapSerializer,
)
from .common import (
    ATTACHMENT_PK,
    CALL_ID,
    CallView,
    ScopedReadViewSet,
    active_user,
    require_certified,
)


@extend_schema_view(
    list=extend_schema(
        summary="List assignments",
        description="A reviewer sees their own assignments; a chair also sees those of the "
        "calls their committee reviews, and administrators those of every call — never any "
        "of a proposal the caller is conflicted on.",
        responses={200: AssignmentSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One assignment",
        responses={200: AssignmentSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class AssignmentViewSet(PdfDownloadMixin, ScopedReadViewSet):
    model = Assignment
    scope = staticmethod(selectors.assignments_visible_to)
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["created_at", "role", "pk"]
    ordering = ["proposal_id", "pk"]

    @extend_schema(
        summary="Assign a reviewer",
        description="A chair or administrator assigns a committee member to a proposal in "
        "review, in `role` or the first free one (`services.assignment_create`). Refused with "
        "400 under `reviewer` for a non-member, a conflicted member, one already on it or at "
        "their load cap; under `role` for a role already held; `non_field_errors` outside "
        "the assignment phases. A proposal outside the calls you manage is an unknown "
        "`proposal`. 403 for anyone who manages no review.",
        request=AssignmentCreateSerializer,
        responses={201: AssignmentSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        user = request.user
        if not selectors.manages_any_review(user):
            raise PermissionDenied("Only administrators and chairs assign reviewers.")
        serializer = AssignmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = selectors.managed_proposals(user).filter(pk=data["proposal"]).first()
        if proposal is None:
            raise ApiValidationError({"proposal": ["No such proposal in a call you manage."]})
        assignment = services.assignment_create(
            proposal=proposal,
            reviewer=active_user(data["reviewer"], "reviewer"),
            actor=user,
            role=data["role"],
        )
        return self.read_back(assignment, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Release an assignment",
        description="`services.assignment_remove`, before the panel; refused (400) once its "
        "review is submitted. 403 for the reviewer themselves.",
        responses={204: None, **error_responses(*READ_ERRORS, 400)},
    )
    def destroy(self, request, pk=None):
        assignment = self.get_object()
        require(request.user, "reviews.manage_review", assignment.proposal)
        services.assignment_remove(assignment=assignment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Swap the reviewer",
        description="Give the assignment's role to another committee member, any time before "
        "the panel (`services.assignment_swap`). The answer is the new assignment (a new "
        "id); the outgoing reviewer's draft goes with them. Refused (400) once the review is "
        "submitted, and under `reviewer` as for a new assignment.",
        request=SwapSerializer,
        responses={200: AssignmentSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        assignment = self.get_object()
        require(request.user, "reviews.manage_review", assignment.proposal)
        serializer = SwapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        replacement = services.assignment_swap(
            assignment=assignment,
            reviewer=active_user(serializer.validated_data["reviewer"], "reviewer"),
            actor=request.user,
        )
        return self.read_back(replacement)

    def reviewer_proposal(self, assignment: Assignment) -> Proposal:
        """The assignment's proposal, for its reviewer once they have certified no conflict
        (selectors.proposals_visible_to_reviewer, with its team, budget, documents and
        endorsement loaded). Others who see the assignment (its chair, administrators) get
        403; a reviewer who has not certified gets 403 too; anything else 404."""
        user = self.request.user
        if assignment.reviewer_id != user.pk:
            raise PermissionDenied(
                "Only the reviewer assigned reads the proposal through the assignment."
            )
        require_certified(assignment)
        return grant_selectors.proposal_with_parts(
            queryset=selectors.proposals_visible_to_reviewer(user), pk=assignment.proposal_id
        )

    @extend_schema(
        summary="Read the assigned proposal",
        description="The proposal as the committee's proposal page shows it: its sections, "
        "team (names, roles, organisations), budget lines and total, documents (each with "
        "its `download_url` through this assignment) and the mentor's endorsement. Never the "
        "applicant's demographics, the proposal's state or decision, or who else reviews "
        "it. On a blind call (`identities_hidden`) no name, department, position, "
        "organisation or account of the applicant or the team, and no biosketch or letter "
        "of support. The assigned reviewer, once they have certified no conflict "
        "(`POST assignments/{id}/certify/`): 403 before that, and 403 for the chair and "
        "administrators, who see the assignment; 404 for everyone else, and once the "
        "reviewer is conflicted.",
        responses={200: ReviewerProposalSerializer, **error_responses(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def proposal(self, request, pk=None):
        assignment = self.get_object()
        proposal = self.reviewer_proposal(assignment)
        context = {
            "request": request,
            "assignment": assignment,
            "as_read": selectors.proposal_as_read(proposal, viewer=request.user),
        }
        return Response(ReviewerProposalSerializer(proposal, context=context).data)

    @extend_schema(
        summary="Download a document of the assigned proposal",
        description="The PDF, as an attachment under its original name — for the same "
        "reviewer, under the same rules, as `GET assignments/{id}/proposal/` (the "
        "applicant's download route, `proposals/{id}/attachments/{id}/download/`, is not "
        "open to reviewers). On a blind call biosketches and letters of support are 404, "
        "and the other documents come as a copy of their pages only (no author or title "
        "metadata) named `NS-<id>-document-<n>.pdf`.",
        parameters=[ATTACHMENT_PK],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            302: OpenApiResponse(
                description="When uploads are on an object store: a redirect to a signed URL "
                "of the PDF that expires within minutes (AWS_QUERYSTRING_EXPIRE)."
            ),
            **error_responses(*READ_ERRORS),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_pk>[0-9]+)",
        url_name="attachment",
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def attachment(self, request, pk=None, attachment_pk=None):
        assignment = self.get_object()
        proposal = self.reviewer_proposal(assignment)
        as_read = selectors.proposal_as_read(proposal, viewer=request.user)
        document = next(
            (d for d in as_read.documents if d.attachment.pk == int(attachment_pk)), None
        )
        if document is None:
            raise NotFound("No such document.")
        return committee_document_response(as_read, document)

    @extend_schema(
        summary="Certify no conflict",
        description="The assigned reviewer certifies they have no conflict of interest with "
        "the proposal, which lets them open it and write their review "
        "(`services.conflict_certify_none`). Repeating it changes nothing. 403 for anyone "
        "else. To declare a conflict instead, `POST conflicts/`.",
        request=None,
        responses={200: AssignmentSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        assignment = self.get_object()
        services.conflict_certify_none(assignment=assignment, actor=request.user)
        return self.read_back(assignment)


class AutoAssignView(CallView):
    @extend_schema(
        operation_id="calls_auto_assign",
        summary="Assign reviewers automatically",
        description="Fills every proposal in review up to the call's reviewers per proposal "
        "(`services.auto_assign`): never a conflicted member, never beyond a load cap, loads "
        "balanced, expertise keywords preferred; existing assignments are kept. The answer "
        "lists the assignments made and every proposal left short with the reason. The "
        "call's chair or an administrator; 404 for anyone else. 400 outside the assignment "
        "phases or when no committee is attached.",
        parameters=[CALL_ID],
        request=None,
        responses={200: AutoAssignResultSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        result = services.auto_assign(call=call, actor=request.user)
        created = selectors.assignments_visible_to(request.user).filter(
            pk__in=[a.pk for a in result.created]
        )
        data = {
            "created": list(created.order_by("proposal_id", "pk")),
            "unstaffed": [
                {"proposal": proposal, "reason": reason} for proposal, reason in result.unstaffed
            ],
        }
        return Response(AutoAssignResultSerializer(data, context={"request": request}).data)
