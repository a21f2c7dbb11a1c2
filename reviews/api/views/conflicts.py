"""Declared conflicts of interest."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError

from config.api import READ_ERRORS, error_responses

from ... import selectors, services
from ...models import ConflictOfInterest
from ..filters import ConflictFilter
from ..serializers.conflicts import ConflictDeclareSerializer, ConflictSerializer
from .common import ScopedReadViewSet, active_user


@extend_schema_view(
    list=extend_schema(
        summary="List declared conflicts",
        description="A member sees their own declarations; a chair also those in the calls "
        "their committee reviews, administrators those of every call — apart from proposals "
        "the caller is conflicted on. Automatic conflicts (PI, mentor, team) are not listed: "
        "they are known without being declared.",
        responses={200: ConflictSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One declared conflict",
        responses={200: ConflictSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ConflictViewSet(ScopedReadViewSet):
    model = ConflictOfInterest
    scope = staticmethod(selectors.conflicts_visible_to)
    serializer_class = ConflictSerializer
    filterset_class = ConflictFilter
    ordering_fields = ["declared_at", "pk"]
    ordering = ["-declared_at", "-pk"]

    @extend_schema(
        summary="Declare a conflict",
        description="A committee member declares a conflict with a proposal of a call their "
        "committee reviews, or a chair or administrator declares one for a member "
        "(`reviewer`) (`services.conflict_declare`). The member's assignment to it, any "
        "review they wrote and any final score they gave are removed: from then on the "
        "proposal and everything of it answer 404 to them. 400 under `explanation` for "
        "`other` without one, `non_field_errors` when already on record.",
        request=ConflictDeclareSerializer,
        responses={201: ConflictSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        user = request.user
        serializer = ConflictDeclareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["reviewer"] not in (None, user.pk):
            # For someone else: a chair or administrator, in a call they manage.
            reviewer = active_user(data["reviewer"], "reviewer")
            proposals = selectors.managed_proposals(user)
        else:
            # For oneself: any proposal reviewed by a committee one is on.
            reviewer = user
            proposals = selectors.proposals_open_to_own_declaration(user)
        proposal = proposals.filter(pk=data["proposal"]).first()
        if proposal is None:
            raise ApiValidationError(
                {"proposal": ["No such proposal in a call your committee reviews."]}
            )
        conflict = services.conflict_declare(
            proposal=proposal,
            reviewer=reviewer,
            actor=user,
            reason=data["reason"],
            explanation=data["explanation"],
        )
        return self.read_back(conflict, status.HTTP_201_CREATED)
