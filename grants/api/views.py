"""API views for calls, proposals (with their team, budget and attachments), endorsements,
decisions and awards.

Thin, like the web views: objects are looked up in the caller's scope (grants.selectors), so
anything outside it answers 404; actions on a visible object are checked with the same rules
as the web pages (accounts.permissions.can) and then carried out by grants.services, which
check again. Service errors become API errors in config.api.exception_handler.
"""

from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.permissions import can
from config.api import (
    READ_ERRORS,
    STALE_VERSION_RESPONSE,
    WRITE_ERRORS,
    PdfRenderer,
    error_responses,
    etag,
    expected_version,
)
from config.api_views import ScopedViewSet, renamed_errors
from config.api_views import require as require_rule
from config.uploads import stored_file_response
from grants import selectors, services
from grants.models import (
    Attachment,
    Award,
    BudgetLine,
    Endorsement,
    FundingCall,
    Proposal,
    TeamMember,
)

from .filters import AwardFilter, CallFilter, EndorsementFilter, ProposalFilter
from .serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    AwardSerializer,
    BudgetLineSerializer,
    CallSerializer,
    ChecklistSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    EndorsementRespondSerializer,
    EndorsementSerializer,
    OptionalReasonSerializer,
    ProposalCreateSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    ProposalWriteSerializer,
    ReasonSerializer,
    ReleaseSerializer,
    TeamMemberCreateSerializer,
    TeamMemberSerializer,
)

# Every refusal here is about a proposal (or one of its parts) in its current state.
require = partial(
    require_rule, message="You may not do this to this proposal in its current state."
)

PROPOSAL_PK = OpenApiParameter(
    "proposal_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The proposal's id."
)


class ProposalChildViewSet(ScopedViewSet):
    """Base of the per-proposal collections (team, budget, attachments): small, unpaginated
    lists under ``proposals/{proposal_pk}/``, 404 when the proposal is not visible."""

    pagination_class = None
    filter_backends = []

    def get_proposal(self) -> Proposal:
        if not hasattr(self, "_proposal"):
            self._proposal = get_object_or_404(
                selectors.proposals_visible_to(self.request.user), pk=self.kwargs["proposal_pk"]
            )
        return self._proposal

    def require_edit(self) -> Proposal:
        proposal = self.get_proposal()
        require(self.request.user, "grants.change_proposal", proposal)
        return proposal


# ---- Calls -----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List funding calls",
        description="Administrators see drafts too; everyone else sees calls once opened. "
        "`open=true` keeps the calls accepting submissions now.",
        responses={200: CallSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One funding call", responses={200: CallSerializer, **error_responses(*READ_ERRORS)}
    ),
)
class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CallSerializer
    filterset_class = CallFilter
    ordering_fields = ["closes_at", "opens_at", "title", "pk"]
    ordering = ["-closes_at", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FundingCall.objects.none()
        return selectors.calls_visible_to(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def detail_response(self, call: FundingCall) -> Response:
        """The call as it now is, read back in the caller's scope."""
        fresh = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(fresh, context=self.get_serializer_context()).data)

    def require_manager(self) -> None:
        # Everyone signed in sees an open call; only administrators change its state.
        if not can(self.request.user, "grants.manage_calls"):
            raise PermissionDenied("Only administrators manage funding calls.")

    @extend_schema(
        summary="Begin the review",
        description="An administrator closes the call if it is still open (even before its "
        "deadline) and moves it to review, with every submitted proposal "
        "(`services.call_begin_review`; audited); a returned proposal not resubmitted stays "
        "out. Attach a committee next (`POST committees/{id}/attach/`). No body. 403 for "
        "anyone else; 409 when the call is neither open nor closed (a draft, or already in "
        "review or decided).",
        request=None,
        responses={200: CallSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"], url_path="begin-review", url_name="begin-review")
    def begin_review(self, request, pk=None):
        call = self.get_object()
        self.require_manager()
        services.call_begin_review(call=call, actor=request.user)
        return self.detail_response(call)

    @extend_schema(
        summary="Release the decisions",
        description="An administrator releases every decision of the call not yet released "
        "(`services.decisions_release`): each proposal takes its decision's outcome as its "
        "status, each PI is e-mailed, awards become visible to their teams, and the call "
        "becomes decided once no proposal is left in review. No body. 400 "
        "(`non_field_errors`) when there is nothing to release; 409 while the call's "
        "committee is still reviewing it (decisions follow the review); 403 for anyone else.",
        request=None,
        responses={200: ReleaseSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(
        detail=True, methods=["post"], url_path="release-decisions", url_name="release-decisions"
    )
    def release_decisions(self, request, pk=None):
        call = self.get_object()
        self.require_manager()
        released = services.decisions_release(call=call, actor=request.user)
        fresh = self.get_queryset().get(pk=call.pk)
        data = {"call": fresh, "released": released}
        return Response(ReleaseSerializer(data, context=self.get_serializer_context()).data)


# ---- Proposals -------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List proposals",
        description="The proposals the caller may see: their own and those they are on the "
        "team of; administrators see all.",
        responses={200: ProposalSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One proposal",
        description="With an `ETag` header naming its `version`: send it back as `If-Match` "
        "(or the `version` field) when you `PATCH`, so that a save made since is never "
        "overwritten.",
        responses={200: ProposalDetailSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["submitted_at", "updated_at", "title", "pk"]
    ordering = ["-updated_at", "-pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return selectors.with_budget_total(selectors.proposals_visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ProposalDetailSerializer
        return ProposalSerializer

    def detail_response(self, proposal: Proposal, code: int = status.HTTP_200_OK) -> Response:
        """The proposal as it now is, read back in the caller's scope, with its ETag."""
        fresh = self.get_queryset().get(pk=proposal.pk)
        return Response(
            ProposalDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=code,
            headers={"ETag": etag("proposal", fresh.pk, fresh.version)},
        )

    def retrieve(self, request, pk=None):
        proposal = self.get_object()
        return Response(
            ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data,
            headers={"ETag": etag("proposal", proposal.pk, proposal.version)},
        )

    @extend_schema(
        summary="Start a proposal",
        description="Starts a draft in a call (`services.proposal_create`); any section sent "
        "along is saved to it. Refused (400, `non_field_errors`) when the call is not "
        "accepting, the applicant is not eligible, or already has a proposal in a "
        "one-per-applicant call. A call the caller cannot see is an unknown `call`.",
        request=ProposalCreateSerializer,
        responses={201: ProposalDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        serializer = ProposalCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        sections = dict(serializer.validated_data)
        call = sections.pop("call")
        title = sections.pop("title", "")
        with transaction.atomic():
            proposal = services.proposal_create(call=call, actor=request.user, title=title)
            if sections:
                services.proposal_update(proposal=proposal, actor=request.user, data=sections)
        return self.detail_response(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft's sections",
        description="Saves the fields sent (`services.proposal_update`); nothing is refused for "
        "being long or incomplete — see `checklist/`. Only the PI edits, and only a draft or "
        "returned proposal: otherwise 403 (a submitted proposal is frozen). Send the "
        "`version` you read (or its `ETag` as `If-Match`) and a save made since is never "
        "overwritten: 409 (`code: stale_version`, nothing saved). Without either the save is "
        "not checked.",
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The ETag from `GET proposals/{id}/`, e.g. `"proposal-41-v3"`.',
            )
        ],
        request=ProposalWriteSerializer,
        responses={
            200: ProposalDetailSerializer,
            **error_responses(*WRITE_ERRORS),
            409: STALE_VERSION_RESPONSE,
        },
    )
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.change_proposal", proposal)
        serializer = ProposalWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(
            request, kind="proposal", pk=proposal.pk, body_version=data.pop("version", None)
        )
        services.proposal_update(
            proposal=proposal, actor=request.user, data=data, expected_version=version
        )
        return self.detail_response(proposal)

    @extend_schema(
        summary="Submit",
        description="Submits the proposal and e-mails the PI a receipt "
        "(`services.proposal_submit`). When anything blocks it the answer is 400 listing "
        "every blocker under its field (`call` for a closed call or one-per-applicant, "
        "`budget`, `attachments`, `endorsement`, `eligibility`, `requested_amount`, or a "
        "section name). 403 for anyone but the PI; 409 when it is already submitted (or in "
        "any state that cannot be submitted).",
        request=None,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_submit(proposal=proposal, actor=request.user)
        return self.detail_response(proposal)

    @extend_schema(
        summary="Withdraw",
        description="The PI withdraws the proposal, with an optional reason "
        "(`services.proposal_withdraw`). A funding decision not yet released is voided (its "
        "award removed, its money free again); once released, the proposal has its outcome "
        "and cannot be withdrawn. 403 for anyone else or when it can no longer be withdrawn.",
        request=OptionalReasonSerializer,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.withdraw_proposal", proposal)
        serializer = OptionalReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.proposal_withdraw(
            proposal=proposal, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return self.detail_response(proposal)

    @extend_schema(
        summary="Return to the applicant",
        description="An administrator returns a submitted proposal for changes, with a reason "
        "that is e-mailed to the PI (`services.proposal_return`). 403 for anyone else or "
        "when the proposal is not awaiting its administrative check.",
        request=ReasonSerializer,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.return_proposal", proposal)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.proposal_return(
            proposal=proposal, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return self.detail_response(proposal)

    @extend_schema(
        summary="Record the funding decision",
        description="An administrator decides a proposal in review or on the waitlist "
        "(`services.decision_record`): `funded` (at the requested total unless `amount` is "
        "given; less needs a `reason`) creates the award; the call's budget can never be "
        "exceeded (400 under `amount`). The applicant learns of it when decisions are "
        "released. 403 for non-administrators (who see the proposal) and for proposals not "
        "in review or waitlisted; 409 for a change the decision's state does not allow, "
        "and while the call's committee is still reviewing it (decisions follow the review).",
        request=DecisionRequestSerializer,
        responses={200: DecisionSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.decide_proposal", proposal)
        serializer = DecisionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = services.decision_record(
            proposal=proposal, actor=request.user, **serializer.validated_data
        )
        return Response(DecisionSerializer(decision).data)

    @extend_schema(
        summary="Submission checklist",
        description="Everything that blocks submission now, each under the field to fix — "
        "the same list `submit/` answers with. Empty once the proposal is no longer editable.",
        responses={200: ChecklistSerializer, **error_responses(*READ_ERRORS)},
    )
    @action(detail=True, methods=["get"])
    def checklist(self, request, pk=None):
        proposal = self.get_object()
        blockers = selectors.proposal_blockers(proposal) if proposal.is_editable else []
        data = {
            "status": proposal.status,
            "ready": proposal.is_editable and not blockers,
            "blockers": [{"field": b.field, "message": b.message} for b in blockers],
        }
        return Response(ChecklistSerializer(data).data)

    @extend_schema(
        summary="Ask the mentor to endorse",
        description="E-mails the mentor on the team a fresh link to endorse the proposal "
        "(`services.endorsement_request`); trainees need the endorsement to submit. 400 "
        "under `endorsement` when no mentor with an account is on the team.",
        request=None,
        responses={200: EndorsementSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="request-endorsement")
    def request_endorsement(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.request_endorsement", proposal)
        endorsement = services.endorsement_request(proposal=proposal, actor=request.user)
        return Response(EndorsementSerializer(endorsement).data)


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
)
class TeamMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet):
    serializer_class = TeamMemberSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TeamMember.objects.none()
        return TeamMember.objects.filter(proposal=self.get_proposal()).select_related("user")

    @extend_schema(
        summary="Add a team member",
        description="A person with an account (`username`) or an outside person "
        "(`full_name`); they are e-mailed an invitation (`services.team_member_add`). A "
        "mentor needs an account. 403 unless the caller is the PI of an editable proposal.",
        request=TeamMemberCreateSerializer,
        responses={201: TeamMemberSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def create(self, request, proposal_pk=None):
        proposal = self.require_edit()
        serializer = TeamMemberCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            member = services.team_member_add(
                proposal=proposal,
                actor=request.user,
                role=data["role"],
                user=data.get("username"),
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
                organisation=data.get("organisation", ""),
            )
        except DjangoValidationError as exc:
            raise renamed_errors(exc, {"user": "username"}) from exc
        return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a team member",
        description="Removing the mentor also removes their endorsement "
        "(`services.team_member_remove`).",
        responses={204: None, **error_responses(*READ_ERRORS)},
    )
    def destroy(self, request, proposal_pk=None, pk=None):
        member = self.get_object()
        self.require_edit()
        services.team_member_remove(member=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
)
class BudgetLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet):
    serializer_class = BudgetLineSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BudgetLine.objects.none()
        return BudgetLine.objects.filter(proposal=self.get_proposal())

    @extend_schema(
        summary="Add a budget line",
        description="`services.budget_line_save`; amounts are positive, with two decimals. "
        "403 unless the caller is the PI of an editable proposal.",
        request=BudgetLineSerializer,
        responses={201: BudgetLineSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def create(self, request, proposal_pk=None):
        proposal = self.require_edit()
        serializer = BudgetLineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.budget_line_save(
            proposal=proposal, actor=request.user, **serializer.validated_data
        )
        return Response(BudgetLineSerializer(line).data, status=status.HTTP_201_CREATED)

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

    @extend_schema(
        summary="Remove a budget line",
        responses={204: None, **error_responses(*READ_ERRORS)},
    )
    def destroy(self, request, proposal_pk=None, pk=None):
        line = self.get_object()
        self.require_edit()
        services.budget_line_remove(line=line, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
)
class AttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProposalChildViewSet):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return Attachment.objects.filter(proposal=self.get_proposal())

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # An error answering "Accept: application/pdf" is still a JSON error body.
        if isinstance(getattr(response, "accepted_renderer", None), PdfRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    @extend_schema(
        summary="Upload a document",
        description="`multipart/form-data` with `kind` and `file` "
        "(`services.attachment_add`). The bytes must be a readable, unencrypted PDF within "
        "the size limit, whatever the file's name: otherwise 400 under `file`. 403 unless "
        "the caller is the PI of an editable proposal.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def create(self, request, proposal_pk=None):
        proposal = self.require_edit()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            proposal=proposal,
            actor=request.user,
            kind=serializer.validated_data["kind"],
            uploaded_file=serializer.validated_data["file"],
        )
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Remove a document",
        responses={204: None, **error_responses(*READ_ERRORS)},
    )
    def destroy(self, request, proposal_pk=None, pk=None):
        attachment = self.get_object()
        self.require_edit()
        services.attachment_remove(attachment=attachment, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

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
        try:
            return stored_file_response(
                attachment.file, filename=attachment.original_name, content_type="application/pdf"
            )
        except FileNotFoundError as exc:
            raise Http404("The stored file is missing.") from exc


# ---- Endorsements ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Endorsements asked of me",
        description="The endorsement requests addressed to the caller as a mentor.",
        responses={200: EndorsementSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One endorsement request",
        responses={200: EndorsementSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class EndorsementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = EndorsementSerializer
    filterset_class = EndorsementFilter
    ordering_fields = ["requested_at", "responded_at", "pk"]
    ordering = ["-requested_at", "-pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Endorsement.objects.none()
        return Endorsement.objects.filter(mentor=self.request.user).select_related(
            "mentor", "proposal", "proposal__pi", "proposal__call"
        )

    @extend_schema(
        summary="Endorse or decline",
        description="The mentor endorses or declines with a statement for the committee; the "
        "PI is e-mailed (`services.endorsement_respond`). 400 (`non_field_errors`) once the "
        "proposal is no longer editable.",
        request=EndorsementRespondSerializer,
        responses={200: EndorsementSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        endorsement = self.get_object()
        serializer = EndorsementRespondSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endorsement = services.endorsement_respond(
            endorsement=endorsement,
            actor=request.user,
            endorse=serializer.validated_data["decision"] == "endorse",
            statement=serializer.validated_data["statement"],
        )
        return Response(EndorsementSerializer(endorsement).data)


# ---- Awards ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List awards",
        description="Administrators see every award; PIs and team members see theirs once "
        "the decision is released.",
        responses={200: AwardSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One award", responses={200: AwardSerializer, **error_responses(*READ_ERRORS)}
    ),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    ordering_fields = ["start_date", "end_date", "amount", "pk"]
    ordering = ["-start_date", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Award.objects.none()
        return selectors.awards_visible_to(self.request.user)
