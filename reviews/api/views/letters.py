"""Letters of intent: the committee's ratings of one letter, and the office's decision on it.

A letter is looked up among those the caller may know as a reviewer
(``selectors.letters_for_committee``: administrators, and the committee of its call); 404
otherwise — the applicant included, who reads the decision at ``letters/{id}/``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import can
from config.api import READ_ERRORS, WRITE_ERRORS, error_responses
from config.api_views import require
from grants.api.serializers import LetterSerializer, LetterTriageSerializer
from grants.models import LetterOfIntent
from grants.selectors import letters_visible_to

from ... import selectors, services
from ..serializers import LetterRateSerializer, LetterRatingsSerializer
from .common import UnpaginatedView

LETTER_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The letter's id."
)


class LetterView(UnpaginatedView):
    queryset = LetterOfIntent.objects.none()

    def get_letter(self) -> LetterOfIntent:
        return get_object_or_404(
            selectors.letters_for_committee(self.request.user), pk=self.kwargs["pk"]
        )


class LetterRatingsView(LetterView):
    def ratings_response(self, letter: LetterOfIntent) -> Response:
        user = self.request.user
        ratings = selectors.letter_ratings_for(letter=letter, user=user)
        mean, count = selectors.letter_summary(ratings)
        reads = can(user, "reviews.read_letter_ratings", letter)
        data = {
            "letter": letter.pk,
            "mean": mean if reads else None,
            "count": count if reads else None,
            "ratings": ratings,
        }
        return Response(LetterRatingsSerializer(data).data)

    @extend_schema(
        operation_id="letters_ratings_retrieve",
        summary="A letter's ratings",
        description="The office and the call's chair read every rating (who rated, the rating, "
        "the comment, declared conflicts) with the mean and count; a committee member reads "
        "only their own; anyone conflicted on the letter (its applicant, or a member who "
        "declared a conflict) reads nothing. 404 for anyone outside the call's committee and "
        "the office — applicants never see ratings or raters.",
        parameters=[LETTER_ID],
        responses={200: LetterRatingsSerializer, **error_responses(*READ_ERRORS)},
    )
    def get(self, request, pk=None):
        return self.ratings_response(self.get_letter())

    @extend_schema(
        operation_id="letters_ratings_create",
        summary="Rate a letter, or declare a conflict with it",
        description="A member of the committee reviewing the letter's call sends a `rating` "
        "(1 invite strongly – 5 do not invite) with a short `comment` "
        "(`services.letter_rate`; sending again changes it), or a `conflict` "
        "(`services.letter_conflict_declare`: final; any rating of theirs is withdrawn and "
        "they read nothing of the letter's ratings from then on). 400 for a bad value (both "
        "or neither sent, a rating out of range, `other` without a comment); 403 for anyone "
        "else, and for a member conflicted on it; 409 once the letter is decided.",
        parameters=[LETTER_ID],
        request=LetterRateSerializer,
        responses={200: LetterRatingsSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        letter = self.get_letter()
        serializer = LetterRateSerializer(data=request.data)
        if "conflict" in request.data:
            require(request.user, "reviews.declare_letter_conflict", letter)
        else:
            require(request.user, "reviews.rate_letter", letter)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "conflict" in data:
            services.letter_conflict_declare(
                letter=letter,
                actor=request.user,
                reason=data["conflict"],
                explanation=data["comment"],
            )
        else:
            services.letter_rate(
                letter=letter, actor=request.user, rating=data["rating"], comment=data["comment"]
            )
        return self.ratings_response(letter)


class LetterTriageView(LetterView):
    @extend_schema(
        operation_id="letters_triage_create",
        summary="Decide a letter: invite or decline",
        description="An administrator invites a full proposal from the letter or declines it, "
        "with a `message` (required to decline) e-mailed to the applicant "
        "(`services.letter_decide`, then `grants.services.letter_triage`; audited). Only "
        "while the call is in letters triage, once per letter: otherwise 409. 403 for anyone "
        "else who may see the letter, and for an administrator conflicted on it (their own "
        "letter, or a declared conflict); 400 under `outcome` or `message`.",
        parameters=[LETTER_ID],
        request=LetterTriageSerializer,
        responses={200: LetterSerializer, **error_responses(*WRITE_ERRORS, 409)},
    )
    def post(self, request, pk=None):
        letter = self.get_letter()
        require(
            request.user,
            "reviews.triage_letter",
            letter,
            message="Only an administrator not conflicted on the letter decides it.",
        )
        serializer = LetterTriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.letter_decide(letter=letter, actor=request.user, **serializer.validated_data)
        fresh = letters_visible_to(request.user).get(pk=letter.pk)
        return Response(LetterSerializer(fresh, context={"request": request}).data)
