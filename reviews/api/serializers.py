"""Shapes of the committee-review endpoints. They validate shape only (types, choices); every
rule — who may, when, which score is valid — is decided by reviews.services and
reviews.permissions. Score values in particular go to the service as sent, so a bad score is
the same field error (``criterion_<id>_score``) as on the web page.

Nothing here reaches an applicant's demographics: people appear as ``UserBriefSerializer``
(id, username, name) only, and the summary statement names no reviewer.
"""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from accounts.models import User
from grants.choices import DecisionOutcome, DisparityPopulation, NimhdDomain
from grants.models import Attachment, BudgetLine, Proposal, TeamMember

from ..choices import (
    DEFAULT_LOAD_CAP,
    PHASE_TRANSITIONS,
    AssignmentRole,
    ConflictReason,
    CriterionKind,
    PanelDisposition,
    ReviewPhase,
)
from ..models import (
    Assignment,
    CallReview,
    Committee,
    CommitteeMembership,
    ConflictOfInterest,
    FinalScore,
    Review,
)
from ..validators import RESUME_MAX, REVIEW_TEXT_MAX

MONEY = {"max_digits": 12, "decimal_places": 2}


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


def _id(**kwargs) -> serializers.IntegerField:
    # Ids fit a database bigint; anything else is refused before it reaches SQL.
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9, "nullable": True})
class ScoreField(serializers.Field):
    """A 1–9 score exactly as sent (a number or a digit string; null or "" clears it). The
    service parses it, so anything else becomes the service's field error."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "oneOf": [
            {"type": "boolean"},
            {"type": "string", "enum": ["sufficient", "insufficient", ""]},
        ],
        "nullable": True,
    }
)
class SufficiencyField(serializers.Field):
    """``true`` / ``false`` or ``"sufficient"`` / ``"insufficient"`` as sent; parsed by the
    service."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "maxLength": 150})
class UsernameField(serializers.Field):
    """A person with an active account, named by username (any case)."""

    default_error_messages = {
        "invalid": "Give a username.",
        "unknown": "No active user is called “{value}”.",
    }

    def to_internal_value(self, data) -> User:
        if not isinstance(data, str) or not data.strip() or len(data) > 150 or "\x00" in data:
            self.fail("invalid")
        value = data.strip()
        user = User.objects.filter(username__iexact=value, is_active=True).first()
        if user is None:
            self.fail("unknown", value=value)
        return user

    def to_representation(self, value) -> str:
        return value.username


class ProposalRefSerializer(serializers.ModelSerializer):
    """A proposal named, nothing more."""

    class Meta:
        model = Proposal
        fields = ["id", "title", "call"]
        read_only_fields = fields


class ProposalWithPiSerializer(ProposalRefSerializer):
    """A proposal with its PI: what a reviewer needs to decide whether they are conflicted."""

    pi = UserBriefSerializer(read_only=True)

    class Meta(ProposalRefSerializer.Meta):
        fields = [*ProposalRefSerializer.Meta.fields, "pi"]
        read_only_fields = fields


class ReopenRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


# ---- Committees ------------------------------------------------------------------------------


class CommitteeSerializer(serializers.ModelSerializer):
    chair = UserBriefSerializer(read_only=True)
    member_count = serializers.IntegerField(
        read_only=True, help_text="Members, the chair included."
    )

    class Meta:
        model = Committee
        fields = ["id", "name", "chair", "member_count", "created_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True)
    open_assignments = serializers.IntegerField(
        read_only=True,
        help_text="Assignments held across the committee's calls that are not closed.",
    )

    class Meta:
        model = CommitteeMembership
        fields = ["user", "load_cap", "open_assignments", "joined_at"]
        read_only_fields = fields


class CommitteeDetailSerializer(CommitteeSerializer):
    members = MemberSerializer(many=True, read_only=True, source="member_rows")

    class Meta(CommitteeSerializer.Meta):
        fields = [*CommitteeSerializer.Meta.fields, "members"]
        read_only_fields = fields


class CommitteeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    chair = UsernameField(help_text="Username of the chair (also made a member).")
    members = serializers.ListField(
        child=UsernameField(), required=False, default=list, help_text="Usernames."
    )
    load_cap = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        default=DEFAULT_LOAD_CAP,
        help_text="Every member's load cap to begin with.",
    )


class MemberAddSerializer(serializers.Serializer):
    username = UsernameField()
    load_cap = serializers.IntegerField(required=False, default=DEFAULT_LOAD_CAP)


class MemberUpdateSerializer(serializers.Serializer):
    load_cap = serializers.IntegerField(
        help_text="Most proposals the member reviews at once across the committee's open calls "
        "(0–100; assignments above a lowered cap stay)."
    )


class AttachSerializer(serializers.Serializer):
    call = _id(help_text="The funding call's id.")
    reviewers_per_proposal = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="1–10; the call's by default."
    )
    review_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ReviewSetupSerializer(serializers.ModelSerializer):
    """A call's review: its committee, phase and where it may go next."""

    committee = serializers.SerializerMethodField()
    next_phases = serializers.SerializerMethodField(
        help_text="The phases `phase/` may move to from here."
    )

    class Meta:
        model = CallReview
        fields = [
            "call",
            "committee",
            "phase",
            "next_phases",
            "reviewers_per_proposal",
            "review_due_at",
        ]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            "required": ["id", "name"],
        }
    )
    def get_committee(self, review: CallReview) -> dict:
        return {"id": review.committee_id, "name": review.committee.name}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ReviewPhase.choices)))
    def get_next_phases(self, review: CallReview) -> list[str]:
        return [p for p in ReviewPhase.values if p in PHASE_TRANSITIONS[review.phase]]


class PhaseRequestSerializer(serializers.Serializer):
    to = serializers.ChoiceField(ReviewPhase.choices)
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


# ---- Assignments -----------------------------------------------------------------------------


class ReviewStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "status", "submitted_at"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    """One assignment (from a queryset with proposal, its call's review, reviewer and review
    loaded)."""

    proposal = ProposalWithPiSerializer(read_only=True)
    reviewer = UserBriefSerializer(read_only=True)
    phase = serializers.ChoiceField(
        ReviewPhase.choices, source="proposal.call.call_review.phase", read_only=True
    )
    review_due_at = serializers.DateTimeField(
        source="proposal.call.call_review.review_due_at", read_only=True, allow_null=True
    )
    review = serializers.SerializerMethodField(
        help_text="The reviewer's review (null until their first save)."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "proposal",
            "reviewer",
            "role",
            "certified_no_conflict_at",
            "review",
            "phase",
            "review_due_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewStateSerializer(allow_null=True))
    def get_review(self, assignment: Assignment) -> dict | None:
        review = assignment.review_or_none
        return ReviewStateSerializer(review).data if review is not None else None


class AssignmentCreateSerializer(serializers.Serializer):
    proposal = _id(help_text="A proposal in review in a call whose review you manage.")
    reviewer = _id(help_text="User id of a member of the call's committee.")
    role = serializers.ChoiceField(
        AssignmentRole.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="The first free role (primary, secondary, tertiary, then reader) if omitted.",
    )


class SwapSerializer(serializers.Serializer):
    reviewer = _id(help_text="User id of the committee member who takes the role over.")


class UnstaffedSerializer(serializers.Serializer):
    proposal = ProposalRefSerializer()
    reason = serializers.CharField()


class AutoAssignResultSerializer(serializers.Serializer):
    created = AssignmentSerializer(many=True)
    unstaffed = UnstaffedSerializer(
        many=True, help_text="Each proposal left short of its reviewers, and why."
    )


# ---- The proposal, as its reviewer reads it --------------------------------------------------


class ReviewerTeamMemberSerializer(serializers.ModelSerializer):
    """A team member as the committee sees them: name, role and organisation (no e-mail)."""

    user = UserBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)

    class Meta:
        model = TeamMember
        fields = ["role", "name", "user", "organisation"]
        read_only_fields = fields


class ReviewerBudgetLineSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["category", "description", "amount"]
        read_only_fields = fields


class ReviewerAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="The PDF, through the assignment (GET assignments/{id}/attachments/{id}/)."
    )

    class Meta:
        model = Attachment
        fields = ["id", "kind", "original_name", "pages", "size", "download_url"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "api-assignment-attachment",
            kwargs={"pk": self.context["assignment"].pk, "attachment_pk": attachment.pk},
            request=self.context.get("request"),
        )


class ReviewerEndorsementSerializer(serializers.Serializer):
    mentor = UserBriefSerializer()
    statement = serializers.CharField()


class ReviewerProposalSerializer(serializers.ModelSerializer):
    """The proposal as its assigned reviewer reads it — what the committee's proposal page
    shows: the sections, the team, the budget, the documents and the mentor's endorsement.
    Never the applicant's demographics, the proposal's history, state or decision, or who
    else reviews it. From ``grants.selectors.proposal_with_parts``; the context holds the
    ``assignment``."""

    assignment = serializers.SerializerMethodField(help_text="The assignment's id.")
    role = serializers.SerializerMethodField(help_text="Your role on it.")
    call_title = serializers.CharField(source="call.title", read_only=True)
    pi = UserBriefSerializer(read_only=True)
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices), read_only=True
    )
    requested_amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    team = ReviewerTeamMemberSerializer(many=True, read_only=True)
    budget = ReviewerBudgetLineSerializer(source="budget_lines", many=True, read_only=True)
    budget_total = serializers.SerializerMethodField(help_text="Sum of the budget lines.")
    attachments = ReviewerAttachmentSerializer(many=True, read_only=True)
    endorsement = serializers.SerializerMethodField(
        help_text="The mentor's endorsement statement, once endorsed (trainees' proposals)."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "assignment",
            "role",
            "call",
            "call_title",
            "title",
            "pi",
            "abstract",
            "specific_aims",
            "research_strategy",
            "disparity_populations",
            "nimhd_domains",
            "community_engagement_plan",
            "timeline",
            "budget_justification",
            "irb_status",
            "requested_amount",
            "team",
            "budget",
            "budget_total",
            "attachments",
            "endorsement",
            "submitted_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_assignment(self, proposal: Proposal) -> int:
        return self.context["assignment"].pk

    @extend_schema_field(serializers.ChoiceField(AssignmentRole.choices))
    def get_role(self, proposal: Proposal) -> str:
        return self.context["assignment"].role

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_budget_total(self, proposal: Proposal) -> str:
        total = sum((line.amount for line in proposal.budget_lines.all()), Decimal("0.00"))
        return f"{total:.2f}"

    @extend_schema_field(ReviewerEndorsementSerializer(allow_null=True))
    def get_endorsement(self, proposal: Proposal) -> dict | None:
        endorsement = proposal.endorsement_or_none
        if endorsement is None or not endorsement.is_endorsed:
            return None
        return ReviewerEndorsementSerializer(endorsement).data


# ---- Conflicts -------------------------------------------------------------------------------


class ConflictSerializer(serializers.ModelSerializer):
    proposal = ProposalRefSerializer(read_only=True)
    reviewer = UserBriefSerializer(read_only=True)
    declared_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ConflictOfInterest
        fields = [
            "id",
            "proposal",
            "reviewer",
            "reason",
            "explanation",
            "declared_by",
            "declared_at",
            "after_review_closed",
        ]
        read_only_fields = fields


class ConflictDeclareSerializer(serializers.Serializer):
    proposal = _id(help_text="A proposal reviewed by a committee you are on.")
    reason = serializers.ChoiceField(ConflictReason.choices)
    explanation = _text(max_length=4000, default="", help_text="Required for `other`.")
    reviewer = _id(
        required=False,
        allow_null=True,
        default=None,
        help_text="The member who is conflicted, when a chair or administrator declares for "
        "them; yourself if omitted.",
    )


# ---- Reviews ---------------------------------------------------------------------------------


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
    explanation = _text(max_length=REVIEW_TEXT_MAX)
    strengths = _text(max_length=REVIEW_TEXT_MAX)
    weaknesses = _text(max_length=REVIEW_TEXT_MAX)


class ReviewDraftSerializer(serializers.Serializer):
    """Only what is sent changes. Scores outside 1–9 (or not whole numbers) are field errors
    keyed ``overall_impact``, ``criterion_<id>_score`` or ``criterion_<id>_sufficient``;
    everything else sent is saved all the same."""

    overall_impact = ScoreField(required=False, allow_null=True)
    overall_paragraph = _text(max_length=REVIEW_TEXT_MAX)
    comments_to_applicant = _text(max_length=REVIEW_TEXT_MAX)
    confidential_comments = _text(
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
    assignment = _id(help_text="Your assignment's id.")


# ---- The panel -------------------------------------------------------------------------------


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
    proposal = _id()
    score = ScoreField(help_text="Your final overall impact score, 1–9.")


class FinalScoreSerializer(serializers.ModelSerializer):
    proposal = serializers.IntegerField(source="entry.proposal_id", read_only=True)

    class Meta:
        model = FinalScore
        fields = ["proposal", "score", "recorded_at"]
        read_only_fields = fields


class DispositionRequestSerializer(serializers.Serializer):
    proposal = _id()
    disposition = serializers.ChoiceField(PanelDisposition.choices)
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


class FinalizeRequestSerializer(serializers.Serializer):
    proposal = _id()
    resume_of_discussion = serializers.CharField(allow_blank=True, max_length=RESUME_MAX)


# ---- Ranking ---------------------------------------------------------------------------------


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
        help_text="The running total is within the call's budget."
    )
    pay_line_before = serializers.BooleanField(
        help_text="The pay line falls just above this row: the budget runs out here."
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
    decisions_problem = serializers.CharField(
        help_text="Why funding decisions cannot be recorded or released now (for instance, the "
        "committee is still reviewing the call); empty when they can. Administrators only."
    )
    hidden_count = serializers.IntegerField(
        help_text="Proposals left out of your ranking: those you are conflicted on, or are "
        "assigned to without your own review submitted."
    )
    results = RankingRowSerializer(many=True)


# ---- Summary statement -----------------------------------------------------------------------


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
