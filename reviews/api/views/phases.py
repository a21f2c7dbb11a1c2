"""The review phases of a call."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from grants.models import FundingCall

from ... import selectors, services
from ...models import CallReview
from ..serializers.committees import PhaseRequestSerializer, ReviewSetupSerializer
from .common import CALL_ID, CallView


class PhaseView(CallView):
    def review_setup(self, call: FundingCall) -> CallReview:
        review = selectors.call_review_for(call)
        if review is None:
            raise NotFound("This call has no review committee yet.")
        return review

    @extend_schema(
        operation_id="calls_phase_retrieve",
        summary="The call's review phase",
        description="The committee, phase, the phases it may move to, reviewers per proposal "
        "and the due date. The call's chair or an administrator; 404 for anyone else and "
        "when no committee is attached.",
        parameters=[CALL_ID],
        responses={200: ReviewSetupSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        return Response(ReviewSetupSerializer(self.review_setup(self.managed_call())).data)

    @extend_schema(
        operation_id="calls_phase_create",
        summary="Move the review to another phase",
        description="`services.review_phase_transition`: assignment → independent review → "
        "read phase → panel → closed, one step at a time (one step back is allowed before "
        "closing). A step the table does not allow (skipping a phase, leaving `closed`) is "
        "409; a step refused for the state of things (the call not in review yet, discussed "
        "proposals not finalized before closing) is 400. An unknown phase is 400 under `to`.",
        parameters=[CALL_ID],
        request=PhaseRequestSerializer,
        responses={200: ReviewSetupSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        call = self.managed_call()
        serializer = PhaseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.review_phase_transition(call=call, actor=request.user, **serializer.validated_data)
        return Response(ReviewSetupSerializer(self.review_setup(call)).data)
