"""Endorsement requests, as the mentor they are addressed to sees and answers them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import ScopedViewSet
from grants import selectors, services
from grants.models import Endorsement

from ..filters import EndorsementFilter
from ..serializers import EndorsementRespondSerializer, EndorsementSerializer


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
        return selectors.endorsements_asked_of(self.request.user)

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
