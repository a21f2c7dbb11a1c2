"""An award's trainee support and its people's training status, under ``awards/{id}/``: the
same rule as the web page (``reporting.manage_support``: the award's PI on their released
award, or an administrator). An award the caller may not see is 404; one they see as a team
member is 403; writes go through reporting.services.participant_support."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import ScopedViewSet, require
from grants.models import Award
from reporting import selectors, services
from reporting.models import TrainingStatus

from ..serializers import (
    ParticipantSupportSerializer,
    ParticipantSupportWriteSerializer,
    TrainingStatusSerializer,
    TrainingStatusWriteSerializer,
)

MANAGE_MESSAGE = "Only the award's PI and administrators record trainee support."
AWARD_PK = OpenApiParameter("award_pk", OpenApiTypes.INT, OpenApiParameter.PATH)


class _AwardChild(ScopedViewSet):
    """The award named in the path, among those the caller may see, and the support rule."""

    pagination_class = None
    filter_backends = []
    permission = "reporting.manage_support"
    refusal = MANAGE_MESSAGE

    def get_award(self) -> Award:
        if not hasattr(self, "_award"):
            award = get_object_or_404(
                selectors.awards_visible_to(self.request.user), pk=self.kwargs["award_pk"]
            )
            require(self.request.user, self.permission, award, self.refusal)
            self._award = award
        return self._award


@extend_schema(parameters=[AWARD_PK])
@extend_schema_view(
    list=extend_schema(
        summary="The award's trainee support",
        description="Payments to people from the award (INDGEN).",
        responses={200: ParticipantSupportSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    retrieve=extend_schema(
        summary="One support record",
        responses={200: ParticipantSupportSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Record support",
        description="`services.participant_support_create`: the person is the award's PI or on "
        "its team; the amount is more than zero; `paid_from` to `paid_to` fall within the "
        "award. 400 under the field.",
        request=ParticipantSupportWriteSerializer,
        responses={201: ParticipantSupportSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Change a support record",
        description="Only the fields sent change, under the same rules.",
        request=ParticipantSupportWriteSerializer(partial=True),
        responses={200: ParticipantSupportSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Delete a support record",
        responses={204: None, **error_responses(*READ_ERRORS)},
    ),
)
class ParticipantSupportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _AwardChild):
    serializer_class = ParticipantSupportSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return selectors.support_for_award(self.get_award())

    def _read_back(self, item, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data, status=code)

    def create(self, request, award_pk=None):
        award = self.get_award()
        body = ParticipantSupportWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.participant_support_create(
            actor=request.user, award=award, data=dict(body.validated_data)
        )
        return self._read_back(item, status.HTTP_201_CREATED)

    def partial_update(self, request, award_pk=None, pk=None):
        item = self.get_object()
        body = ParticipantSupportWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.participant_support_update(
            actor=request.user, support=item, data=dict(body.validated_data)
        )
        return self._read_back(item)

    def destroy(self, request, award_pk=None, pk=None):
        item = self.get_object()
        services.participant_support_delete(actor=request.user, support=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[AWARD_PK])
@extend_schema_view(
    list=extend_schema(
        summary="Training status of the award's people",
        description="The recorded status (enrolled, completed, left) of each person who is "
        "the award's PI or on its team, one per person and training program.",
        responses={200: TrainingStatusSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Record a training status",
        description="`services.training_status_record`: sets the person's current status in "
        "the program (or in their training, with no program), replacing the previous one "
        "(audited). Completed and left need `status_date`, not in the future.",
        request=TrainingStatusWriteSerializer,
        responses={200: TrainingStatusSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class TrainingStatusViewSet(mixins.ListModelMixin, _AwardChild):
    serializer_class = TrainingStatusSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TrainingStatus.objects.none()
        people = selectors.support_people(self.get_award()).values("pk")
        return (
            TrainingStatus.objects.filter(person__in=people)
            .select_related("person", "training_program")
            .order_by("person__last_name", "person__first_name", "person_id", "pk")
        )

    def create(self, request, award_pk=None):
        award = self.get_award()
        body = TrainingStatusWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.training_status_record(
            actor=request.user, award=award, data=dict(body.validated_data)
        )
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data)
