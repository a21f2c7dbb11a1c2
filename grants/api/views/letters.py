"""Letters of intent (two-stage calls): a call's letters, one letter, its sending and its PDF.

The office's decision (``letters/{id}/triage/``) and the committee's ratings
(``letters/{id}/ratings/``) are the reviews app's endpoints: both pass its conflict rules.
"""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api import READ_ERRORS, WRITE_ERRORS, PdfRenderer, error_responses
from config.api_views import PdfDownloadMixin, ScopedViewSet
from config.api_views import require as require_rule
from config.uploads import letter_document_response
from grants import selectors, services
from grants.models import FundingCall, LetterOfIntent

from ..serializers import LetterDocumentSerializer, LetterSerializer, LetterWriteSerializer

CALL_PK = OpenApiParameter(
    "call_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The call's id."
)


def _require_edit(user, letter: LetterOfIntent) -> None:
    require_rule(
        user,
        "grants.change_letter",
        letter,
        message="Only the applicant changes their letter, and only before it is sent.",
    )


@extend_schema(parameters=[CALL_PK])
@extend_schema_view(
    list=extend_schema(
        summary="A call's letters of intent",
        description="Administrators see every letter sent to the call (not the drafts); "
        "anyone else their own letter, draft or not. 404 for a call the caller may not see.",
        responses={200: LetterSerializer(many=True), **error_responses(*READ_ERRORS)},
    ),
    create=extend_schema(
        summary="Start a letter of intent",
        description="Starts the caller's draft letter to a two-stage call "
        "(`services.letter_create`); any field sent along is saved to it "
        "(`services.letter_update`). Refused (400, `non_field_errors`) when the call does not "
        "take letters now (not a two-stage call, not open, or its letters' deadline has "
        "passed, by the server clock), the applicant is not eligible, or already has a letter "
        "to this call (one each); 400 under a field for a bad value (an estimated budget over "
        "the call's maximum award). Nothing is saved when refused.",
        request=LetterWriteSerializer,
        responses={201: LetterSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class CallLetterViewSet(mixins.ListModelMixin, ScopedViewSet):
    serializer_class = LetterSerializer
    filter_backends = []

    def get_call(self) -> FundingCall:
        if not hasattr(self, "_call"):
            self._call = get_object_or_404(
                selectors.calls_visible_to(self.request.user), pk=self.kwargs["call_pk"]
            )
        return self._call

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LetterOfIntent.objects.none()
        return selectors.letters_of_call(call=self.get_call(), user=self.request.user)

    def create(self, request, call_pk=None):
        call = self.get_call()
        serializer = LetterWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with transaction.atomic():
            letter = services.letter_create(
                call=call, actor=request.user, title=data.pop("title", "")
            )
            if data:
                services.letter_update(letter=letter, actor=request.user, data=data)
        fresh = selectors.letters_visible_to(request.user).get(pk=letter.pk)
        return Response(
            LetterSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="One letter of intent",
        description="The applicant's own letter, or any letter to an administrator; 404 for "
        "anyone else (the committee reads letters through `letters/{id}/ratings/` and the "
        "letters pages). With the office's decision and message once it is decided.",
        responses={200: LetterSerializer, **error_responses(*READ_ERRORS)},
    ),
    partial_update=extend_schema(
        summary="Edit a draft letter",
        description="Saves the fields sent (`services.letter_update`): all or nothing, with a "
        "400 under each field at fault (an estimated budget over the call's maximum award, an "
        "unknown population). The aims summary's word limit blocks sending, not saving. 403 "
        "unless the caller is its applicant and it is still a draft.",
        request=LetterWriteSerializer,
        responses={200: LetterSerializer, **error_responses(*WRITE_ERRORS)},
    ),
)
class LetterViewSet(PdfDownloadMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = LetterSerializer
    filter_backends = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LetterOfIntent.objects.none()
        return selectors.letters_visible_to(self.request.user)

    def detail_response(self, letter: LetterOfIntent) -> Response:
        fresh = self.get_queryset().get(pk=letter.pk)
        return Response(LetterSerializer(fresh, context=self.get_serializer_context()).data)

    def partial_update(self, request, pk=None):
        letter = self.get_object()
        _require_edit(request.user, letter)
        serializer = LetterWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.letter_update(
            letter=letter, actor=request.user, data=dict(serializer.validated_data)
        )
        return self.detail_response(letter)

    @extend_schema(
        summary="Send the letter",
        description="Sends the letter to the program office (`services.letter_submit`). When "
        "anything blocks it the answer is 400 listing every blocker under its field (`call` "
        "once the letters' deadline has passed by the server clock, `title`, `aims_summary` "
        "for a missing summary or one over its word limit, `disparity_populations`, "
        "`estimated_budget`, `eligibility`). 403 for anyone but its applicant; 409 when it is "
        "already sent.",
        request=None,
        responses={200: LetterSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        letter = self.get_object()
        services.letter_submit(letter=letter, actor=request.user)
        return self.detail_response(letter)

    @extend_schema(
        methods=["GET"],
        summary="Download the letter's PDF",
        description="The one-page PDF, as an attachment under its original name; 404 when "
        "the letter has none.",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            302: OpenApiResponse(
                description="When uploads are on an object store: a redirect to a signed URL "
                "of the PDF that expires within minutes."
            ),
            **error_responses(*READ_ERRORS),
        },
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach the letter's PDF",
        description="`multipart/form-data` with `file` (`services.letter_document_set`), "
        "replacing one already attached. The bytes must be a readable, unencrypted PDF "
        "within the size limit, of one page: otherwise 400 under `document`, nothing "
        "stored. 403 unless the caller is its applicant and it is still a draft.",
        request={"multipart/form-data": LetterDocumentSerializer},
        responses={200: LetterSerializer, **error_responses(*WRITE_ERRORS)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove the letter's PDF",
        description="`services.letter_document_remove`; 403 unless the caller is its "
        "applicant and it is still a draft.",
        request=None,
        responses={200: LetterSerializer, **error_responses(*READ_ERRORS)},
    )
    @action(
        detail=True,
        methods=["get", "post", "delete"],
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def document(self, request, pk=None):
        letter = self.get_object()
        if request.method == "GET":
            return letter_document_response(letter)
        _require_edit(request.user, letter)
        if request.method == "DELETE":
            services.letter_document_remove(letter=letter, actor=request.user)
            return self.detail_response(letter)
        serializer = LetterDocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.letter_document_set(
            letter=letter, actor=request.user, uploaded_file=serializer.validated_data["file"]
        )
        return self.detail_response(letter)
