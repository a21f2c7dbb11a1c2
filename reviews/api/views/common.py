"""What the committee-review API views share: the ``calls/{id}/...`` base view, the scoped
list-and-retrieve viewset with its read-back, and small lookups."""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import GenericAPIView, get_object_or_404
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import can
from config.api_views import ScopedViewSet
from grants.models import FundingCall, Proposal

from ... import permissions, selectors
from ...choices import REVIEW_STATES
from ...models import Assignment


def active_user(pk: int, field: str) -> User:
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ApiValidationError({field: ["No active user has this id."]})
    return user


def require_certified(assignment: Assignment) -> None:
    """403 until the assigned reviewer has certified they have no conflict with the proposal:
    before that they neither read it nor write its review."""
    if assignment.certified_no_conflict_at is None:
        raise PermissionDenied(
            "Certify that you have no conflict with this proposal first "
            "(POST assignments/{id}/certify/)."
        )


CALL_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Call id.")
ATTACHMENT_PK = OpenApiParameter(
    "attachment_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The document's id."
)


# A list, and its objects, in the caller's scope: ``scope`` is the selector that takes the user
# (selectors.scopes). A write answers with its object read back (``read_back``): fresh, as the
# list shows it. A comment, not a docstring: drf-spectacular would publish a docstring as the
# description of every operation that has none of its own.
class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model: type[Model]
    scope: Callable[[User], QuerySet]

    def get_queryset(self):
        # The schema generator asks without a user.
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.scope(self.request.user)

    def fresh(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def answer(self, obj, code: int = status.HTTP_200_OK) -> Response:
        # The context carries the request: who reads decides what a blind call shows them.
        context = self.get_serializer_context()
        return Response(self.serializer_class(obj, context=context).data, status=code)

    def read_back(self, obj, code: int = status.HTTP_200_OK) -> Response:
        return self.answer(self.fresh(obj), code)


class UnpaginatedView(GenericAPIView):
    """A short answer: no pagination, no list filters."""

    pagination_class = None
    filter_backends = []


class CallView(UnpaginatedView):
    """Base of the ``calls/{id}/...`` review endpoints."""

    queryset = FundingCall.objects.none()

    def get_call(self) -> FundingCall:
        return get_object_or_404(
            FundingCall.objects.select_related("program"), pk=self.kwargs["pk"]
        )

    def managed_call(self) -> FundingCall:
        """The call, when the caller manages its review (an administrator or its chair)."""
        call = self.get_call()
        if not can(self.request.user, "reviews.manage_review", call):
            raise NotFound("No such call.")
        return call

    def panel_call(self) -> FundingCall:
        """The call, when the caller manages its review or sits on its committee."""
        call = self.get_call()
        user = self.request.user
        if not (
            can(user, "reviews.manage_review", call)
            or permissions.is_committee_member_for(user, call)
        ):
            raise NotFound("No such call.")
        return call

    def call_proposal(self, call: FundingCall, pk: int) -> Proposal:
        """One of the call's reviewed proposals, unless the caller is conflicted on it."""
        return get_object_or_404(
            Proposal.objects.filter(call=call, status__in=REVIEW_STATES)
            .exclude(selectors.conflicted_with(self.request.user))
            .select_related("call", "pi"),
            pk=pk,
        )
