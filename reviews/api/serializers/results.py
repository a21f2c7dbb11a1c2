"""The funding ranking and the summary statement."""

from rest_framework import serializers

from grants.choices import DecisionOutcome

from ...choices import CriterionKind, PanelDisposition
from .fields import MONEY, ProposalWithPiSerializer


class RankingDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(DecisionOutcome.choices)
    amount = serializers.DecimalField(**MONEY, allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="Position in the funding order (1 is first).")
    proposal = ProposalWithPiSerializer()
    conflicted = serializers.BooleanField(
        default=False,
        help_text="Always false: proposals you are conflicted on (or assigned to without your "
        "own review submitted) are left out of your ranking, ranks and running totals alike.",
    )
    disposition = serializers.ChoiceField(
        [("", "Not triaged"), *PanelDisposition.choices], allow_blank=True
    )
    final_impact_score = serializers.IntegerField(allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    requested_amount = serializers.DecimalField(**MONEY, help_text="The budget total requested.")
    running_total = serializers.DecimalField(**MONEY)
    within_budget = serializers.BooleanField(
        help_text="The running total is within the call's budget; on a limited submission, "
        "the places taken are within the number the sponsor accepts."
    )
    pay_line_before = serializers.BooleanField(
        help_text="The pay line falls just above this row: the budget (on a limited "
        "submission, the sponsor's places) runs out here."
    )
    places_taken = serializers.IntegerField(
        allow_null=True,
        help_text="Limited submissions only (else null): the sponsor's places this and every "
        "higher-ranked proposal take — one each if nominated or not yet decided.",
    )
    decision = RankingDecisionSerializer(
        allow_null=True, help_text="The funding decision (administrators only; else null)."
    )


class RankingSerializer(serializers.Serializer):
    call = serializers.IntegerField()
    total_budget = serializers.DecimalField(**MONEY)
    committed = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Funded so far (administrators only; else null)."
    )
    remaining = serializers.DecimalField(**MONEY, allow_null=True)
    nominations_allowed = serializers.IntegerField(
        allow_null=True,
        help_text="A limited submission: how many applications the sponsor accepts from the "
        "institution (the pay line); null on a call that awards money.",
    )
    nominated = serializers.IntegerField(
        allow_null=True,
        help_text="A limited submission's nominations so far (administrators only; else null).",
    )
    decisions_problem = serializers.CharField(
        help_text="Why funding decisions cannot be recorded or released now (for instance, the "
        "committee is still reviewing the call); empty when they can. Administrators only."
    )
    hidden_count = serializers.IntegerField(
        help_text="Proposals left out of your ranking: those you are conflicted on, or are "
        "assigned to without your own review submitted."
    )
    results = RankingRowSerializer(many=True)


class SummaryRatingSerializer(serializers.Serializer):
    criterion = serializers.CharField()
    kind = serializers.ChoiceField(CriterionKind.choices)
    score = serializers.IntegerField(allow_null=True)
    sufficient = serializers.BooleanField(allow_null=True)
    rating = serializers.CharField(help_text='"2 (Outstanding)", "Sufficient", ... or "—".')
    explanation = serializers.CharField()
    strengths = serializers.CharField()
    weaknesses = serializers.CharField()


class CritiqueSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='"Reviewer 1", "Reviewer 2", ...: never a name.')
    overall_impact = serializers.CharField(help_text="The reviewer's overall impact paragraph.")
    comments_to_applicant = serializers.CharField()
    ratings = SummaryRatingSerializer(many=True)


class CriterionSummarySerializer(serializers.Serializer):
    criterion = serializers.CharField()
    kind = serializers.ChoiceField(CriterionKind.choices)
    ratings = serializers.ListField(
        child=serializers.CharField(), help_text="One per reviewer, in the critiques' order."
    )


class SummaryStatementSerializer(serializers.Serializer):
    proposal_id = serializers.IntegerField()
    proposal_title = serializers.CharField()
    call_title = serializers.CharField()
    pi_name = serializers.CharField()
    disposition = serializers.ChoiceField(
        [("", "Before the panel"), *PanelDisposition.choices], allow_blank=True
    )
    not_discussed = serializers.BooleanField()
    final_impact_score = serializers.IntegerField(allow_null=True)
    percentile = serializers.IntegerField(allow_null=True)
    criteria = CriterionSummarySerializer(many=True)
    critiques = CritiqueSerializer(many=True)
    resume_of_discussion = serializers.CharField()


class DecideManyRequestSerializer(serializers.Serializer):
    """Several decisions at once: by id, or by a range of ranks in your ranking."""

    outcome = serializers.ChoiceField(DecisionOutcome.choices)
    proposals = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=5000,
        help_text="Proposal ids; or give rank_from and rank_to instead.",
    )
    rank_from = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    rank_to = serializers.IntegerField(required=False, min_value=1, max_value=1_000_000)
    dry_run = serializers.BooleanField(
        default=False, help_text="Answer what would be recorded, and record nothing."
    )
    confirmed_total = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="The total you saw in a dry run: funding is refused if it is no longer so.",
    )


class BatchRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    proposal = ProposalWithPiSerializer()
    requested = serializers.DecimalField(**MONEY)
    current_outcome = serializers.SerializerMethodField()
    unscored = serializers.BooleanField(help_text="It has no final impact score.")
    skipped = serializers.CharField(help_text="Why it is left out of the batch, or empty.")

    def get_current_outcome(self, row) -> str | None:
        return row.current.outcome if row.current else None


class DecideManySerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(DecisionOutcome.choices)
    dry_run = serializers.BooleanField()
    recorded = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of the proposals decided (none on a dry run).",
    )
    committed_now = serializers.DecimalField(**MONEY)
    funded_total = serializers.DecimalField(**MONEY)
    committed_after = serializers.DecimalField(**MONEY)
    remaining_after = serializers.DecimalField(**MONEY)
    over_budget = serializers.BooleanField()
    rows = BatchRowSerializer(many=True)
