"""Proposals: start, edit, submit, withdraw, return, decide; the checklist; the mentor ask."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import (
    READ_ERRORS,
    STALE_VERSION_RESPONSE,
    WRITE_ERRORS,
    error_responses,
    etag,
    expected_version,
)
from config.api_views import ScopedViewSet
from grants import selectors, services
from grants.models import Proposal

from ..filters import ProposalFilter
from ..serializers import (
    ChecklistSerializer,
    DecisionRequestSerializer,
    DecisionSerializer,
    EndorsementSerializer,
    NimhdClassificationSerializer,
    OptionalReasonSerializer,
    ProposalCreateSerializer,
    ProposalDetailSerializer,
    ProposalSerializer,
    ProposalWriteSerializer,
    ReasonSerializer,
)
from ._common import require


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

    def with_reason(self, request, perm: str, serializer_class, service) -> Response:
        """Withdraw and return alike: the rule first, then the body's ``reason`` to the service."""
        proposal = self.get_object()
        require(request.user, perm, proposal)
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(proposal=proposal, actor=request.user, reason=serializer.validated_data["reason"])
        return self.detail_response(proposal)

    def retrieve(self, request, pk=None):
        proposal = self.get_object()
        return Response(
            ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data,
            headers={"ETag": etag("proposal", proposal.pk, proposal.version)},
        )

    @extend_schema(
        summary="Start a proposal",
        description="Starts a draft in a call (`services.proposal_create`); any section sent "
        "along is saved to it. Refused (400, `non_field_errors`, one message per reason) "
        "when the call is not accepting, the applicant fails one of its eligibility rules "
        "on the person (as `eligibility` on `GET calls/{id}/` says), or already has a "
        "proposal in a one-per-applicant call. A call the caller cannot see is an unknown `call`.",
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
        summary="Mark as checked",
        description="An administrator records that the program office has checked a submitted "
        "proposal (complete, eligible, in scope) and it waits for review "
        "(`services.proposal_mark_checked`); the other outcome of the check is `return/`. "
        "Repeating it changes nothing; returning or resubmitting clears it (`checked_at`). "
        "403 for anyone else; 409 when the proposal is not submitted.",
        request=None,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"], url_path="mark-checked", url_name="mark-checked")
    def mark_checked(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_mark_checked(proposal=proposal, actor=request.user)
        return self.detail_response(proposal)

    @extend_schema(
        summary="Withdraw",
        description="The PI withdraws the proposal, with an optional reason "
        "(`services.proposal_withdraw`). A funding decision not yet released is voided (its "
        "award removed, its money free again); once released, the proposal has its outcome "
        "and cannot be withdrawn — except a limited submission's nominee, who may step down so "
        "that an alternate takes the place. 403 for anyone else or when it can no longer be "
        "withdrawn.",
        request=OptionalReasonSerializer,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self.with_reason(
            request,
            "grants.withdraw_proposal",
            OptionalReasonSerializer,
            services.proposal_withdraw,
        )

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
        return self.with_reason(
            request, "grants.return_proposal", ReasonSerializer, services.proposal_return
        )

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
        summary="Correct the NIMHD classification",
        description="An administrator replaces the NIMHD framework cells of a proposal that "
        "has been submitted (any state after that, except back with the applicant), with a "
        "required `reason` (`services.proposal_classification_correct`): audited with before "
        "and after, kept in the proposal's internal history; `nimhd_domains` follows the "
        "cells. Unknown cells or a blank reason are 400 under their field; 403 for "
        "non-administrators who see the proposal; 409 while it is a draft or returned (the "
        "applicant classifies it then, through `PATCH proposals/{id}/`).",
        request=NimhdClassificationSerializer,
        responses={200: ProposalDetailSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["patch"])
    def classification(self, request, pk=None):
        proposal = self.get_object()
        require(request.user, "grants.manage_calls", proposal)
        serializer = NimhdClassificationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.proposal_classification_correct(
            proposal=proposal,
            actor=request.user,
            cells=serializer.validated_data["nimhd_cells"],
            reason=serializer.validated_data["reason"],
        )
        return self.detail_response(proposal)

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
