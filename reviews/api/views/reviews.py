"""Reviews: drafts, submission and reopening."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from accounts.permissions import can
from config.api import (
    READ_ERRORS,
    STALE_VERSION_RESPONSE,
    WRITE_ERRORS,
    Conflict,
    error_responses,
    etag,
    expected_version,
)

from ... import selectors, services
from ...choices import ReviewStatus
from ...models import Assignment, Review
from ..filters import ReviewFilter
from ..serializers.reviews import (
    ReopenRequestSerializer,
    ReviewCreateSerializer,
    ReviewDraftSerializer,
    ReviewSerializer,
)
from .common import ScopedReadViewSet, require_certified


@contextmanager
def state_conflict(*, when_submitted: bool, **review):
    """A service's refusal answers 409, not 400, when the review's state is why: saving or
    submitting a review that is submitted (``when_submitted=True``), reopening one that is not
    (``False``). ``review`` names it (``pk=`` or ``assignment_id=``). A draft's field errors
    and a stale version keep their own answers."""
    try:
        yield
    except (services.ReviewDraftInvalid, services.StaleVersion):
        raise
    except DjangoValidationError as exc:
        submitted = Review.objects.filter(status=ReviewStatus.SUBMITTED, **review).exists()
        if submitted == when_submitted:
            raise Conflict(" ".join(exc.messages)) from exc
        raise


@extend_schema_view(
    list=extend_schema(
        summary="List reviews",
        description="Your own reviews (drafts too) and the submitted reviews you may read: "
        "as an assigned reviewer, those of a proposal you have submitted your own review of, "
        "from the read phase on; as the chair or an administrator, those of the calls you "
        "manage; as a committee member, those of the call from the panel on. Never any of a "
        "proposal you are conflicted on. Reviewer names and confidential comments are shown "
        "here, to the committee; applicants read the summary statement instead.",
        responses={200: ReviewSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One review",
        description="With an `ETag` header naming its `version`: send it back as `If-Match` "
        "(or the `version` field) when you `PATCH` your draft, so that a save made since (in "
        "another window) is never overwritten.",
        responses={200: ReviewSerializer, **error_responses(*READ_ERRORS)},
    ),
)
class ReviewViewSet(ScopedReadViewSet):
    model = Review
    scope = staticmethod(selectors.reviews_visible_to)
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    ordering_fields = ["updated_at", "submitted_at", "pk"]
    ordering = ["pk"]

    def get_object(self):
        review = super().get_object()
        # The list's filter is the rule as a query; one object is decided by the rule itself.
        user = self.request.user
        proposal = review.assignment.proposal
        if review.assignment.reviewer_id != user.pk and not can(
            user, "reviews.read_reviews", proposal
        ):
            raise NotFound("No such review.")
        return review

    def fresh(self, review: Review) -> Review:
        # Read back unscoped: the caller just wrote it (a reopened review is a draft, which
        # the chair who reopened it no longer lists).
        return selectors.reviews_loaded().get(pk=review.pk)

    def answer(self, review: Review, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            ReviewSerializer(review).data,
            status=code,
            headers={"ETag": etag("review", review.pk, review.version)},
        )

    def retrieve(self, request, pk=None):
        return self.answer(self.get_object())

    def save_draft(self, assignment: Assignment, data: dict, version: int | None) -> Review:
        with state_conflict(when_submitted=True, assignment_id=assignment.pk):
            return services.review_save_draft(
                assignment=assignment,
                actor=self.request.user,
                data=data,
                expected_version=version,
            )

    @extend_schema(
        summary="Start (or save) your review",
        description="Saves the draft of your review of an assignment, creating it on the "
        "first save (`services.review_save_draft`): 201 when created, 200 after. The same "
        "fields and errors as `PATCH reviews/{id}/`. Certify no conflict first "
        "(`POST assignments/{id}/certify/`): until then 403. An assignment that is not yours "
        "is an unknown `assignment`; 409 once the review is submitted, or when `version` is "
        "sent and the review was saved since (`code: stale_version`).",
        request=ReviewCreateSerializer,
        responses={
            201: ReviewSerializer,
            200: ReviewSerializer,
            **error_responses(400, 401, 403),
            409: STALE_VERSION_RESPONSE,
        },
    )
    def create(self, request):
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        assignment = (
            Assignment.objects.filter(reviewer_id=request.user.pk, pk=data.pop("assignment"))
            .select_related("proposal")
            .first()
        )
        if assignment is None:
            raise ApiValidationError({"assignment": ["You have no assignment with this id."]})
        require_certified(assignment)
        existed = Review.objects.filter(assignment=assignment).exists()
        review = self.save_draft(assignment, data, data.pop("version", None))
        return self.read_back(review, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save your draft",
        description="Only the fields sent change (`services.review_save_draft`). Scores are "
        'whole numbers 1–9 (a number or a digit string; `null` or `""` clears). Anything '
        "else is 400 under `overall_impact`, `criterion_<id>_score` or "
        "`criterion_<id>_sufficient` (`criteria` for an unknown criterion) — and everything "
        "else sent, all the text and every valid score, is saved all the same. 403 for "
        "anyone's review but your own; 409 once it is submitted (ask the chair to reopen "
        "it); 400 (`non_field_errors`) outside independent review and the read phase. Send "
        "the `version` you read (or its `ETag` as `If-Match`) and a save made since — in "
        "another window — is never overwritten: 409 (`code: stale_version`, nothing saved). "
        "Without either the save is not checked.",
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description='The ETag from `GET reviews/{id}/`, e.g. `"review-7-v3"`.',
            )
        ],
        request=ReviewDraftSerializer,
        responses={
            200: ReviewSerializer,
            **error_responses(*WRITE_ERRORS),
            409: STALE_VERSION_RESPONSE,
        },
    )
    def partial_update(self, request, pk=None):
        review = self.get_object()
        serializer = ReviewDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(
            request, kind="review", pk=review.pk, body_version=data.pop("version", None)
        )
        self.save_draft(review.assignment, data, version)
        return self.read_back(review)

    @extend_schema(
        summary="Submit your review",
        description="Submits the saved draft, which locks it until the chair reopens it "
        "(`services.review_submit`; audited). 400 lists everything missing under its field: "
        "`criterion_<id>_score`, `criterion_<id>_sufficient`, `criterion_<id>_explanation` "
        "(Factor 3 insufficient needs an explanation), `overall_impact`, "
        "`overall_paragraph`. **Submitting twice is 409.** 403 for anyone else's review.",
        request=None,
        responses={200: ReviewSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        review = self.get_object()
        with state_conflict(when_submitted=True, pk=review.pk):
            services.review_submit(assignment=review.assignment, actor=request.user)
        return self.read_back(review)

    @extend_schema(
        summary="Reopen a submitted review",
        description="The call's chair unlocks a submitted review for its reviewer, with an "
        "optional reason, during independent review or the read phase "
        "(`services.review_reopen`; audited). 403 for anyone but the (non-conflicted) chair; "
        "400 in other phases. A draft is not visible to the chair (404).",
        request=ReopenRequestSerializer,
        responses={200: ReviewSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        review = self.get_object()
        serializer = ReopenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with state_conflict(when_submitted=False, pk=review.pk):
            services.review_reopen(
                review=review, actor=request.user, reason=serializer.validated_data["reason"]
            )
        return self.read_back(review)
