"""Funding calls: read by everyone signed in, moved on (and copied) by administrators."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.permissions import can
from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import ScopedViewSet
from grants import selectors, services
from grants.models import FundingCall

from ..filters import CallFilter
from ..serializers import (
    CallCopySerializer,
    CallDetailSerializer,
    CallSerializer,
    ReleaseSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="List funding calls",
        description="Administrators see drafts too; everyone else sees calls once opened. "
        "`open=true` keeps the calls accepting submissions now.",
        responses={200: CallSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One funding call",
        description="With `eligibility`: whether the caller may apply and, if not, why (the "
        "rules on the person, as the call's page says; the team's are checked at submission).",
        responses={200: CallDetailSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = CallSerializer
    filterset_class = CallFilter
    ordering_fields = ["closes_at", "opens_at", "title", "pk"]
    ordering = ["-closes_at", "pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FundingCall.objects.none()
        return selectors.calls_visible_to(self.request.user)

    def get_serializer_class(self):
        return CallDetailSerializer if self.action == "retrieve" else CallSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def detail_response(self, call: FundingCall) -> Response:
        """The call as it now is, read back in the caller's scope."""
        fresh = self.get_queryset().get(pk=call.pk)
        return Response(CallSerializer(fresh, context=self.get_serializer_context()).data)

    def require_manager(self) -> None:
        # Everyone signed in sees an open call; only administrators change its state.
        if not can(self.request.user, "grants.manage_calls"):
            raise PermissionDenied("Only administrators manage funding calls.")

    @extend_schema(
        summary="Begin the review",
        description="An administrator closes the call if it is still open (even before its "
        "deadline) and moves it to review, with every submitted proposal "
        "(`services.call_begin_review`; audited); a returned proposal not resubmitted stays "
        "out. Attach a committee next (`POST committees/{id}/attach/`). No body. 403 for "
        "anyone else; 409 when the call is neither open nor closed (a draft, or already in "
        "review or decided).",
        request=None,
        responses={200: CallSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"], url_path="begin-review", url_name="begin-review")
    def begin_review(self, request, pk=None):
        call = self.get_object()
        self.require_manager()
        services.call_begin_review(call=call, actor=request.user)
        return self.detail_response(call)

    @extend_schema(
        summary="Release the decisions",
        description="An administrator releases every decision of the call not yet released "
        "(`services.decisions_release`): each proposal takes its decision's outcome as its "
        "status, each PI is e-mailed, awards become visible to their teams, and the call "
        "becomes decided once no proposal is left in review. No body. 400 "
        "(`non_field_errors`) when there is nothing to release; 409 while the call's "
        "committee is still reviewing it (decisions follow the review); 403 for anyone else.",
        request=None,
        responses={200: ReleaseSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(
        detail=True, methods=["post"], url_path="release-decisions", url_name="release-decisions"
    )
    def release_decisions(self, request, pk=None):
        call = self.get_object()
        self.require_manager()
        released = services.decisions_release(call=call, actor=request.user)
        fresh = self.get_queryset().get(pk=call.pk)
        data = {"call": fresh, "released": released}
        return Response(ReleaseSerializer(data, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Copy the call (a new round)",
        description="An administrator starts a new draft call from this one "
        "(`services.call_copy`): everything that defines the competition is copied — "
        "description, eligibility rules, the letter-of-intent stage, blind review, budget "
        "rules, word limits, required sections and documents, the review criteria in their "
        "order and the committee — and none of its history (proposals, letters, reviews, "
        "decisions, awards, eligibility exceptions). `copied_from` names the source. The "
        "dates are the new call's: in the future, the deadline after the opening and, when "
        "the call opens with a letter of intent, `letters_close_at` between them. A time "
        "without an offset is read in the server's time zone. Audited. Answers 201 with the "
        "new call. 400 with field errors (`opens_at`, `closes_at`, `letters_close_at`, "
        "`title`), nothing created; 403 for anyone else who sees the call, 404 for a call "
        "the caller cannot see.",
        request=CallCopySerializer,
        responses={201: CallSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @action(detail=True, methods=["post"], url_path="copy", url_name="copy")
    def copy_call(self, request, pk=None):
        source = self.get_object()
        self.require_manager()
        body = CallCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        new = services.call_copy(source=source, actor=request.user, **body.validated_data)
        return Response(self.detail_response(new).data, status=status.HTTP_201_CREATED)
