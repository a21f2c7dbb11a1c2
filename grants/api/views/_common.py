"""What the grants API views share: the refusal message and the per-proposal collections."""

from abc import ABC, abstractmethod
from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from config.api_views import ScopedViewSet, renamed_errors
from config.api_views import require as require_rule
from grants import selectors
from grants.models import Proposal

# Every refusal here is about a proposal (or one of its parts) in its current state.
require = partial(
    require_rule, message="You may not do this to this proposal in its current state."
)

PROPOSAL_PK = OpenApiParameter(
    "proposal_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The proposal's id."
)


class ProposalChildViewSet(ScopedViewSet, ABC):
    """Base of the per-proposal collections (team, budget, attachments): small, unpaginated
    lists under ``proposals/{proposal_pk}/``, 404 when the proposal is not visible."""

    pagination_class = None
    filter_backends = []
    # Each collection names the body its create() validates, and the names the request uses
    # for its service's fields where they differ (a service's ``user`` is the API's
    # ``username``).
    create_serializer_class = None
    request_field_names: dict[str, str] = {}

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

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return self.parts_of(self.get_proposal())

    # The three hooks each collection supplies; a collection without one cannot be created.
    @abstractmethod
    def parts_of(self, proposal: Proposal) -> QuerySet:
        """The collection's rows on ``proposal`` (a grants.selectors read)."""

    @abstractmethod
    def add(self, proposal: Proposal, data: dict):
        """Create one part from the validated body, through its grants.services write."""

    @abstractmethod
    def remove(self, part) -> None:
        """Delete one part through its grants.services write."""

    # No docstrings on create and destroy: drf-spectacular would make them the operations'
    # descriptions; each collection documents its own with extend_schema_view.
    def create(self, request, proposal_pk=None):
        proposal = self.require_edit()
        serializer = self.create_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            part = self.add(proposal, serializer.validated_data)
        except DjangoValidationError as exc:
            if not self.request_field_names:
                raise
            raise renamed_errors(exc, self.request_field_names) from exc
        return Response(self.get_serializer(part).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, proposal_pk=None, pk=None):
        part = self.get_object()
        self.require_edit()
        self.remove(part)
        return Response(status=status.HTTP_204_NO_CONTENT)
