"""Reviews: as read, as drafted, and reopened."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer

from ...choices import AssignmentRole, CriterionKind
from ...models import Review
from ...validators import REVIEW_TEXT_MAX
from .fields import ProposalRefSerializer, ScoreField, SufficiencyField, id_field, text_field


class CriterionRatingSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text="The criterion's id (key of `criteria`).")
    name = serializers.CharField()
    kind = serializers.ChoiceField(CriterionKind.choices)
    score = serializers.IntegerField(allow_null=True, help_text="1–9, for `score_1_9` criteria.")
    sufficient = serializers.BooleanField(
        allow_null=True, help_text="For the `sufficiency` criterion (Factor 3)."
    )
    explanation = serializers.CharField(help_text="Required when insufficient.")
    strengths = serializers.CharField()
    weaknesses = serializers.CharField()


class ReviewSerializer(serializers.ModelSerializer):
    """A review as its reader sees it: the committee and administrators only (applicants read
    the summary statement instead). Every criterion of the call is listed, rated or not."""

    assignment = serializers.IntegerField(source="assignment_id", read_only=True)
    proposal = ProposalRefSerializer(source="assignment.proposal", read_only=True)
    role = serializers.ChoiceField(AssignmentRole.choices, source="assignment.role", read_only=True)
    reviewer = UserBriefSerializer(source="assignment.reviewer", read_only=True)
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "assignment",
            "proposal",
            "role",
            "reviewer",
            "status",
            "overall_impact",
            "overall_paragraph",
            "comments_to_applicant",
            "confidential_comments",
            "criteria",
            "created_at",
            "updated_at",
            "submitted_at",
            "reopened_count",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(CriterionRatingSerializer(many=True))
    def get_criteria(self, review: Review) -> list[dict]:
        # From prefetched rows: the call's criteria and the review's scores.
        scores = {s.criterion_id: s for s in review.scores.all()}
        rows = []
        for criterion in review.assignment.proposal.call.review_criteria.all():
            score = scores.get(criterion.pk)
            rows.append(
                {
                    "criterion": criterion.pk,
                    "name": criterion.name,
                    "kind": criterion.kind,
                    "score": score.score if score else None,
                    "sufficient": score.sufficient if score else None,
                    "explanation": score.explanation if score else "",
                    "strengths": score.strengths if score else "",
                    "weaknesses": score.weaknesses if score else "",
                }
            )
        return rows


class CriterionInputSerializer(serializers.Serializer):
    score = ScoreField(required=False, allow_null=True)
    sufficient = SufficiencyField(required=False, allow_null=True)
    explanation = text_field(max_length=REVIEW_TEXT_MAX)
    strengths = text_field(max_length=REVIEW_TEXT_MAX)
    weaknesses = text_field(max_length=REVIEW_TEXT_MAX)


class ReviewDraftSerializer(serializers.Serializer):
    """Only what is sent changes. Scores outside 1–9 (or not whole numbers) are field errors
    keyed ``overall_impact``, ``criterion_<id>_score`` or ``criterion_<id>_sufficient``;
    everything else sent is saved all the same."""

    overall_impact = ScoreField(required=False, allow_null=True)
    overall_paragraph = text_field(max_length=REVIEW_TEXT_MAX)
    comments_to_applicant = text_field(max_length=REVIEW_TEXT_MAX)
    confidential_comments = text_field(
        max_length=REVIEW_TEXT_MAX, help_text="For the committee only; never shown to applicants."
    )
    criteria = serializers.DictField(
        child=CriterionInputSerializer(),
        required=False,
        help_text='Keyed by criterion id: `{"12": {"score": 2, "strengths": "..."}}`.',
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The `version` you read the review at (0 before it exists; or send its ETag "
        "as `If-Match`): when it was saved since, nothing is saved and the answer is 409. "
        "Leave it out to save without the check.",
    )


class ReviewCreateSerializer(ReviewDraftSerializer):
    assignment = id_field(help_text="Your assignment's id.")


class ReopenRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")
