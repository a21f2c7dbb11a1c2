"""The committee's light rating of letters of intent. People appear as ``UserBriefSerializer``
(to the office and the chair only: a member reads their own rating)."""

from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer

from ...choices import LETTER_COMMENT_MAX, ConflictReason, LetterScore
from ...models import LetterRating


class LetterRatingSerializer(serializers.ModelSerializer):
    member = UserBriefSerializer(read_only=True)
    rating = serializers.ChoiceField(LetterScore.choices, allow_null=True, read_only=True)
    rating_label = serializers.CharField(
        source="get_rating_display", read_only=True, allow_null=True
    )
    conflict = serializers.ChoiceField(ConflictReason.choices, allow_blank=True, read_only=True)

    class Meta:
        model = LetterRating
        fields = ["id", "member", "rating", "rating_label", "comment", "conflict", "updated_at"]
        read_only_fields = fields


class LetterRatingsSerializer(serializers.Serializer):
    """A letter's ratings as the caller may read them."""

    letter = serializers.IntegerField(help_text="The letter's id.")
    mean = serializers.DecimalField(
        max_digits=3,
        decimal_places=1,
        allow_null=True,
        help_text="Mean of the ratings given (1 invite strongly – 5 do not invite), one "
        "decimal, half up; null without ratings, and for anyone but the office and the chair.",
    )
    count = serializers.IntegerField(
        allow_null=True, help_text="Ratings given; null for anyone but the office and the chair."
    )
    ratings = LetterRatingSerializer(many=True)


class LetterRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        LetterScore.choices, required=False, help_text="1 invite strongly – 5 do not invite."
    )
    conflict = serializers.ChoiceField(
        ConflictReason.choices,
        required=False,
        help_text="Declare a conflict with the letter instead of rating it (final).",
    )
    comment = serializers.CharField(
        max_length=LETTER_COMMENT_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="A short comment for the office; with a conflict of `other`, its explanation.",
    )

    def validate(self, attrs):
        if ("rating" in attrs) == ("conflict" in attrs):
            raise serializers.ValidationError("Send either a `rating` or a `conflict`.")
        return attrs
