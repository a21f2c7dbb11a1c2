"""A limited submission's nominees and their applications to the sponsor under
``calls/{id}/nominations/`` (administrators; 404 for anyone else, and for a call that is not a
limited submission): the same selector and service as the web page."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from grants.models import FundingCall, Proposal
from reporting import selectors, services
from reporting.choices import ExternalResult, SponsorType

from ..serializers import MONEY

CALL_PK = OpenApiParameter("call_pk", int, OpenApiParameter.PATH, description="The call's id.")
PROPOSAL_PK = OpenApiParameter(
    "proposal_pk", int, OpenApiParameter.PATH, description="The nominated proposal's id."
)


class ExternalSubmissionSerializer(serializers.Serializer):
    """The nominee's application to the sponsor: the body of a PUT, and each row's record."""

    submitted_on = serializers.DateField(help_text="When the application went to the sponsor.")
    sponsor_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    result = serializers.ChoiceField(ExternalResult.choices, default=ExternalResult.PENDING)
    decided_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Awarded or not awarded only."
    )
    amount_awarded = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, default=None, help_text="Awarded only."
    )
    sponsor_type = serializers.ChoiceField(SponsorType.choices, default=SponsorType.NIH)
    mechanism = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    counted_as_follow_on = serializers.SerializerMethodField(
        help_text="An award added to the program's follow-on funding (on the nominee's awards)."
    )

    def get_counted_as_follow_on(self, record) -> bool:
        return bool(getattr(record, "follow_on_id", None))


class NominationSerializer(serializers.Serializer):
    proposal = serializers.IntegerField(source="proposal.pk")
    title = serializers.CharField(source="proposal.title")
    pi = serializers.CharField(source="proposal.pi.display_name")
    outcome = serializers.CharField(
        source="decision.outcome", help_text="nominated, or waitlisted (an alternate)."
    )
    released = serializers.BooleanField()
    external_submission = ExternalSubmissionSerializer(source="external", allow_null=True)


def _limited_call(request, call_pk: int) -> FundingCall:
    return get_object_or_404(selectors.limited_calls_managed_by(request.user), pk=call_pk)


class NominationListView(APIView):
    @extend_schema(
        operation_id="calls_nominations",
        summary="A limited submission's nominees and alternates",
        description="Each nominee (and alternate) in the order decided, whether its decision "
        "is released, and its application to the sponsor once recorded. Administrators only; "
        "404 for anyone else and for a call that is not a limited submission.",
        parameters=[CALL_PK],
        responses={200: NominationSerializer(many=True), **error_responses(*READ_ERRORS)},
    )
    def get(self, request, call_pk=None):
        call = _limited_call(request, call_pk)
        return Response(NominationSerializer(selectors.call_nominations(call), many=True).data)


class ExternalSubmissionView(APIView):
    @extend_schema(
        operation_id="calls_nominations_external_submission",
        summary="Record a nominee's application to the sponsor and its result",
        description="Creates or replaces the record (`services.external_submission_save`). "
        "Only for a released nomination. Dates not in the future; a decision date for "
        "awarded and not awarded, none while pending, not before the submission; an amount "
        "above zero for awarded only. 400 with field messages, nothing saved. An award is "
        "added to the program's follow-on funding on the nominee's own awards from the "
        "program (`counted_as_follow_on`). Administrators only; 404 for anyone else.",
        parameters=[CALL_PK, PROPOSAL_PK],
        request=ExternalSubmissionSerializer,
        responses={200: ExternalSubmissionSerializer, **error_responses(*WRITE_ERRORS)},
    )
    def put(self, request, call_pk=None, proposal_pk=None):
        call = _limited_call(request, call_pk)
        proposal = get_object_or_404(Proposal, pk=proposal_pk, call=call)
        body = ExternalSubmissionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.external_submission_save(
            actor=request.user, proposal=proposal, values=dict(body.validated_data)
        )
        return Response(ExternalSubmissionSerializer(record).data)
