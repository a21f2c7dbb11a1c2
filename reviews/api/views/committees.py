"""Committees and their members (administrators; a chair reads their own)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import renamed_errors, require
from grants import selectors as grant_selectors

from ... import selectors, services
from ...models import Committee, CommitteeMembership
from ..serializers.committees import (
    AttachSerializer,
    CommitteeCreateSerializer,
    CommitteeDetailSerializer,
    CommitteeSerializer,
    MemberAddSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    ReviewSetupSerializer,
)
from .common import ScopedReadViewSet

USER_PK = OpenApiParameter(
    "user_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The member's user id."
)


@extend_schema_view(
    list=extend_schema(
        summary="List committees",
        description="Administrators see every committee; a chair sees the committees they "
        "chair; everyone else an empty list.",
        responses={200: CommitteeSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One committee, with its members",
        responses={200: CommitteeDetailSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class CommitteeViewSet(ScopedReadViewSet):
    model = Committee
    scope = staticmethod(selectors.committees_visible_to)
    serializer_class = CommitteeSerializer
    ordering_fields = ["name", "created_at", "pk"]
    ordering = ["name", "pk"]

    def answer(self, committee: Committee, code: int = status.HTTP_200_OK) -> Response:
        committee.member_rows = list(selectors.committee_members(committee))
        return Response(CommitteeDetailSerializer(committee).data, status=code)

    def retrieve(self, request, pk=None):
        return self.read_back(self.get_object())

    @extend_schema(
        summary="Create a committee",
        description="An administrator creates a committee with its chair (also a member) and "
        "members, named by username; they are given the chair and reviewer roles "
        "(`services.committee_create`). 403 for anyone else.",
        request=CommitteeCreateSerializer,
        responses={201: CommitteeDetailSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request):
        require(request.user, "reviews.manage_committees")
        serializer = CommitteeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        committee = services.committee_create(actor=request.user, **serializer.validated_data)
        return self.read_back(committee, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The committee's members",
        description="Each member with their load cap and the assignments they hold now.",
        responses={200: MemberSerializer(many=True), **error_responses(*READ_ERRORS)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a member",
        description="`services.committee_member_add`: an administrator adds a person (by "
        "username) with a load cap (0–100); they are given the reviewer role. 400 under "
        "`username` when they are already a member.",
        request=MemberAddSerializer,
        responses={201: MemberSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def members(self, request, pk=None):
        committee = self.get_object()
        if request.method == "GET":
            rows = selectors.committee_members(committee)
            return Response(MemberSerializer(rows, many=True).data)
        require(request.user, "reviews.manage_committees")
        serializer = MemberAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = services.committee_member_add(
                committee=committee,
                user=serializer.validated_data["username"],
                actor=request.user,
                load_cap=serializer.validated_data["load_cap"],
            )
        except DjangoValidationError as exc:
            # The service names the person `user`; this request calls them `username`.
            raise renamed_errors(exc, {"user": "username"}) from exc
        return Response(self._member(committee, membership.user_id), status=201)

    def _member(self, committee: Committee, user_id: int) -> dict:
        return MemberSerializer(selectors.committee_members(committee).get(user_id=user_id)).data

    @extend_schema(
        methods=["PATCH"],
        summary="Change a member's load cap",
        description="`services.committee_member_update`; assignments above a lowered cap "
        "stay. Administrators only.",
        parameters=[USER_PK],
        request=MemberUpdateSerializer,
        responses={200: MemberSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a member",
        description="`services.committee_member_remove`: refused (400 under `user`) for the "
        "chair and for anyone still holding assignments in an open call. Administrators only.",
        parameters=[USER_PK],
        responses={204: None, **error_responses(*WRITE_ERRORS)},
    )
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"members/(?P<user_pk>[0-9]+)",
        url_name="member",
    )
    def member(self, request, pk=None, user_pk=None):
        committee = self.get_object()
        membership = get_object_or_404(
            CommitteeMembership.objects.select_related("user"),
            committee=committee,
            # Through the user's pk, not `user_id`: an id past 64 bits then matches nothing
            # (404) instead of overflowing the database driver (500).
            user__pk=user_pk,
        )
        require(request.user, "reviews.manage_committees")
        if request.method == "DELETE":
            services.committee_member_remove(
                committee=committee, user=membership.user, actor=request.user
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = MemberUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.committee_member_update(
            membership=membership,
            actor=request.user,
            load_cap=serializer.validated_data["load_cap"],
        )
        return Response(self._member(committee, membership.user_id))

    @extend_schema(
        summary="Attach the committee to a call",
        description="`services.committee_attach_to_call`: creates the call's review in the "
        "assignment phase with the default criteria (or re-attaches it; the committee cannot "
        "change once anyone is assigned). Administrators only.",
        request=AttachSerializer,
        responses={200: ReviewSetupSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        committee = self.get_object()
        require(request.user, "reviews.manage_committees")
        serializer = AttachSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        call = grant_selectors.calls_visible_to(request.user).filter(pk=data["call"]).first()
        if call is None:
            raise ApiValidationError({"call": ["No such call."]})
        review = services.committee_attach_to_call(
            committee=committee,
            call=call,
            actor=request.user,
            reviewers_per_proposal=data["reviewers_per_proposal"],
            review_due_at=data["review_due_at"],
        )
        return Response(ReviewSetupSerializer(review).data)
