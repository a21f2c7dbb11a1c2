"""The panel: its rows, entries, votes, ballots and final scores."""

from rest_framework import serializers

from accounts.api.serializers import UserBriefSerializer

from ...choices import PanelDisposition
from ...models import FinalScore
from ...validators import RESUME_MAX
from .fields import ProposalRefSerializer, ScoreField, id_field


class PanelRowSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    conflicted = serializers.BooleanField(
        help_text="You are conflicted on it: it keeps its place, without scores."
    )
    awaiting_own_review = serializers.BooleanField(
        help_text="You are assigned to it and have not submitted your own review (or the read "
        "phase has not begun): it keeps its place, without scores."
    )
    disposition = serializers.ChoiceField(
        [("", "Not triaged"), *PanelDisposition.choices], allow_blank=True
    )
    reviews_assigned = serializers.IntegerField(
        allow_null=True, help_text="Null on a proposal you are conflicted on."
    )
    reviews_submitted = serializers.IntegerField(
        allow_null=True, help_text="Null on a proposal you are conflicted on."
    )
    preliminary_score = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        allow_null=True,
        help_text="Mean overall impact of the submitted reviews.",
    )
    votes = serializers.IntegerField(help_text="Final scores entered so far.")
    eligible_voters = serializers.IntegerField(
        allow_null=True, help_text="Null on a proposal you are conflicted on."
    )
    finalized = serializers.BooleanField()
    final_impact_score = serializers.IntegerField(allow_null=True, help_text="10–90.")
    percentile = serializers.IntegerField(allow_null=True)


class VoteSerializer(serializers.Serializer):
    member = UserBriefSerializer()
    voted = serializers.BooleanField()


class PanelEntrySerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    disposition = serializers.ChoiceField(
        [("", "Not triaged"), *PanelDisposition.choices], allow_blank=True
    )
    finalized_at = serializers.DateTimeField(allow_null=True)
    final_impact_score = serializers.IntegerField(allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    resume_of_discussion = serializers.CharField()


class PanelProposalSerializer(PanelEntrySerializer):
    votes = VoteSerializer(
        many=True, help_text="Each eligible member and whether they have voted (not how)."
    )


class BallotRowSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    my_score = serializers.IntegerField(allow_null=True)


class FinalScoreRequestSerializer(serializers.Serializer):
    proposal = id_field()
    score = ScoreField(help_text="Your final overall impact score, 1–9.")


class FinalScoreSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="entry.proposal_id", read_only=True)

    class Meta:
        model = FinalScore
        fields = ["proposal", "score", "recorded_at"]
        read_only_fields = fields


class DispositionRequestSerializer(serializers.Serializer):
    proposal = id_field()
    disposition = serializers.ChoiceField(PanelDisposition.choices)
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class FinalizeRequestSerializer(serializers.Serializer):
    proposal = id_field()
    resume_of_discussion = serializers.CharField(allow_blank=True, max_length=RESUME_MAX)
