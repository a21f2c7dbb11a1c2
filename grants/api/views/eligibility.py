"""A call's eligibility exceptions: administrators grant, list and revoke them."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import ScopedViewSet, require
from grants import selectors, services
from grants.models import EligibilityException

from ..serializers import EligibilityExceptionCreateSerializer, EligibilityExceptionSerializer

CALL_PK = OpenApiParameter(
    "call_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The call's id."
)
WHO = (
    "Administrators only: 403 for anyone else who sees the call, 404 for a call the caller "
    "cannot see."
)


@extend_schema_view(
    list=extend_schema(
        summary="List a call's eligibility exceptions",
        description=f"Newest first. {WHO}",
        parameters=[CALL_PK],
        responses={
            200: EligibilityExceptionSerializer(many=True),
            **error_responses(*READ_ERRORS),
        },
    ),
    retrieve=extend_schema(
        summary="One eligibility exception",
        description=WHO,
        parameters=[CALL_PK],
        responses={200: EligibilityExceptionSerializer, **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Grant an eligibility exception",
        description="Lets `person` apply to the call although its eligibility rules say no "
        "(`services.eligibility_exception_grant`, audited): every rule of the call is "
        "waived for them — positions, departments, first-time, current awardees, faculty "
        "mentor, community partner — not the deadline, one proposal per applicant or the "
        "trainee rules. 400 under `person` for an unknown person or a second exception for "
        f"the same person, under `reason` when it is blank or too long. {WHO}",
        parameters=[CALL_PK],
        request=EligibilityExceptionCreateSerializer,
        responses={201: EligibilityExceptionSerializer, **error_responses(*WRITE_ERRORS)},
    ),
    destroy=extend_schema(
        summary="Revoke an eligibility exception",
        description="The call's rules apply to the person again from their next start or "
        "submission (`services.eligibility_exception_revoke`, audited); a proposal already "
        f"submitted stays submitted. {WHO}",
        parameters=[CALL_PK],
        responses={204: None, **error_responses(*WRITE_ERRORS)},
    ),
)
class EligibilityExceptionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    serializer_class = EligibilityExceptionSerializer
    pagination_class = None
    filter_backends = []

    def get_call(self):
        """The call in the caller's scope (404 outside it), for administrators (403)."""
        if not hasattr(self, "_call"):
            self._call = get_object_or_404(
                selectors.calls_visible_to(self.request.user), pk=self.kwargs["call_pk"]
            )
            require(
                self.request.user,
                "grants.manage_calls",
                message="Only administrators manage eligibility exceptions.",
            )
        return self._call

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EligibilityException.objects.none()
        return selectors.eligibility_exceptions_of(self.get_call())

    def create(self, request, call_pk=None):
        call = self.get_call()
        serializer = EligibilityExceptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        exception = services.eligibility_exception_grant(
            call=call, actor=request.user, **serializer.validated_data
        )
        fresh = self.get_queryset().get(pk=exception.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.eligibility_exception_revoke(exception=instance, actor=self.request.user)
