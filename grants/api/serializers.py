"""Shapes of the grants endpoints. They validate shape only (types, choices, lengths); every
rule — who may, when, how much — is decided by grants.services and grants.permissions."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from accounts.api.serializers import UserBriefSerializer
from accounts.models import User
from grants import selectors
from grants.choices import (
    LETTER_AIMS_WORD_LIMIT,
    NIMHD_CELLS,
    AttachmentKind,
    BudgetCategory,
    DecisionOutcome,
    DisparityPopulation,
    IrbStatus,
    LetterDecision,
    NimhdDomain,
    TeamRole,
    nimhd_cell_label,
    nimhd_cells_clean,
)
from grants.models import (
    Attachment,
    Award,
    BudgetLine,
    Decision,
    EligibilityException,
    Endorsement,
    FundingCall,
    LetterOfIntent,
    Proposal,
    TeamMember,
)
from grants.validators import LETTER_TEXT_LIMITS, PROPOSAL_TEXT_LIMITS, TRIAGE_MESSAGE_MAX

MONEY = {"max_digits": 12, "decimal_places": 2}
NIMHD_CELL_CHOICES = [(cell, nimhd_cell_label(cell)) for cell in NIMHD_CELLS]


def _money(**kwargs) -> serializers.DecimalField:
    # Money goes out as a string ("15000.00") so no client reads it as a float; it comes in
    # as a string or a number.
    return serializers.DecimalField(**MONEY, **kwargs)


# ---- Calls -----------------------------------------------------------------------------------


class CallSerializer(serializers.ModelSerializer):
    program = serializers.CharField(source="program.name", read_only=True)
    total_budget = _money(read_only=True)
    max_award = _money(read_only=True)
    is_accepting = serializers.SerializerMethodField(
        help_text="Open for submissions now, by the server clock."
    )
    # Eligibility rules (issue #19): checked at start and at submission.
    eligible_departments = serializers.ListField(
        child=serializers.CharField(allow_blank=False, trim_whitespace=True, max_length=200),
        read_only=True,
        help_text="Departments allowed to apply (compared with the profile's, any case); "
        "empty means any.",
    )

    class Meta:
        model = FundingCall
        fields = [
            "id",
            "program",
            "title",
            "description",
            "status",
            "is_accepting",
            "opens_at",
            "closes_at",
            "letter_of_intent",
            "letters_close_at",
            "time_zone",
            "eligible_applicant_types",
            "eligible_departments",
            "requires_faculty_mentor",
            "requires_community_partner",
            "first_time_applicants_only",
            "excludes_current_awardees",
            "eligibility_notes",
            "total_budget",
            "max_award",
            "duration_months",
            "one_per_applicant",
            "abstract_word_limit",
            "aims_word_limit",
            "strategy_word_limit",
            "required_sections",
            "required_attachments",
            "reviewers_per_proposal",
            "blind_review",
            "nominations_allowed",
            "sponsor",
            "sponsor_opportunity",
            "sponsor_deadline",
            "copied_from",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "copied_from": {
                "help_text": "The call this one was copied from (a new round), or null."
            },
            "nominations_allowed": {
                "help_text": "A limited submission: how many applications the external sponsor "
                "accepts from the institution; this call chooses the nominees and its decisions "
                "are nominated / not nominated. Null for a call that awards money."
            },
            "blind_review": {
                "help_text": "Reviewed blind: reviewers see no name, department or position "
                "of the applicant or the team, nor their biosketches and letters of support "
                "(the call's chair and administrators see everything). Applicants keep names "
                "out of their text and file names."
            },
        }

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_accepting(self, call: FundingCall) -> bool:
        return call.is_accepting(self.context.get("now"))


class CallCopySerializer(serializers.Serializer):
    """A new round of a call: its dates and, if not the source's a year on, its title; the
    rest is copied (grants.services.call_copy checks the dates)."""

    title = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The new call's title; left out or blank: the source's, with each year in it "
        "moved on.",
    )
    opens_at = serializers.DateTimeField(help_text="When the new call opens; in the future.")
    letters_close_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When letters of intent are due: required when the source opens with a "
        "letter of intent (between the opening and the deadline), refused when it does not.",
    )
    closes_at = serializers.DateTimeField(
        help_text="The deadline for (full) proposals; after the opening."
    )


class EligibilityReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(
        help_text="The rule: profile (your profile lacks your position or department), "
        "position, department, first_time, current_awardee."
    )
    message = serializers.CharField()


class EligibilityExceptionBriefSerializer(serializers.Serializer):
    granted_by = serializers.CharField(
        source="granted_by.display_name", default="", help_text="The administrator's name."
    )
    granted_at = serializers.DateTimeField()


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField(
        help_text="Nothing in your profile or record stands in the way (the team's rules are "
        "checked when you submit)."
    )
    may_start = serializers.BooleanField(
        help_text="You may start a proposal, eligibility-wise: an incomplete profile is asked "
        "for at submission, not refused at the start."
    )
    reasons = EligibilityReasonSerializer(many=True, source="problems")
    exception = EligibilityExceptionBriefSerializer(
        allow_null=True, help_text="The exception that waives the call's rules for you, if any."
    )
    rules = serializers.ListField(
        child=serializers.CharField(), help_text="The call's rules in words, as its page says."
    )


class CallDetailSerializer(CallSerializer):
    eligibility = serializers.SerializerMethodField(
        help_text="Whether you (the caller) may apply, and why not."
    )

    class Meta(CallSerializer.Meta):
        fields = [*CallSerializer.Meta.fields, "eligibility"]
        read_only_fields = fields

    @extend_schema_field(EligibilitySerializer)
    def get_eligibility(self, call: FundingCall) -> dict:
        request = self.context.get("request")
        standing = selectors.eligibility_of(call=call, user=getattr(request, "user", None))
        return EligibilitySerializer(
            {
                "eligible": standing.eligible,
                "may_start": not standing.refusals,
                "problems": standing.problems,
                "exception": standing.exception,
                "rules": selectors.call_rules(call),
            }
        ).data


class EligibilityExceptionSerializer(serializers.ModelSerializer):
    person = UserBriefSerializer(read_only=True)
    granted_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = EligibilityException
        fields = ["id", "call", "person", "reason", "granted_by", "granted_at"]
        read_only_fields = fields


class EligibilityExceptionCreateSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="The person it is for: an id from GET /api/v1/people/?search=.",
    )
    reason = serializers.CharField(
        max_length=4000, help_text="Why this person may apply although the rules say no."
    )


# ---- Proposals -------------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal as its readers see it (from a queryset annotated with ``budget_total``)."""

    pi = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    # JSON columns: say what they hold, for the schema.
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices), read_only=True
    )
    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        read_only=True,
        help_text="The NIMHD framework cells, `domain:level`; empty when not classified.",
    )
    requested_amount = _money(read_only=True, allow_null=True)
    budget_total = _money(
        read_only=True, default=Decimal("0.00"), help_text="Sum of the budget lines."
    )
    # Blank until the applicant chooses one (read-only model fields lose `allow_blank`).
    irb_status = serializers.ChoiceField(IrbStatus.choices, allow_blank=True, read_only=True)
    is_editable = serializers.BooleanField(read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "call",
            "call_title",
            "pi",
            "status",
            "is_editable",
            "title",
            "abstract",
            "specific_aims",
            "research_strategy",
            "disparity_populations",
            "nimhd_domains",
            "nimhd_cells",
            "community_engagement_plan",
            "timeline",
            "budget_justification",
            "requested_amount",
            "budget_total",
            "irb_status",
            "submitted_at",
            "checked_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    return_reason = serializers.SerializerMethodField(
        help_text="Why an administrator returned it (empty unless it was returned)."
    )

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "return_reason"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_return_reason(self, proposal: Proposal) -> str:
        return selectors.latest_return_reason(proposal)


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, **kwargs)


class ProposalWriteSerializer(serializers.Serializer):
    """The applicant's sections. Every field is optional: a draft keeps whatever is sent, and
    the checklist says what still blocks submission (length limits are not errors here)."""

    title = _text(max_length=PROPOSAL_TEXT_LIMITS["title"])
    abstract = _text(max_length=PROPOSAL_TEXT_LIMITS["abstract"])
    specific_aims = _text(max_length=PROPOSAL_TEXT_LIMITS["specific_aims"])
    research_strategy = _text(max_length=PROPOSAL_TEXT_LIMITS["research_strategy"])
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), required=False
    )
    nimhd_domains = serializers.ListField(
        child=serializers.ChoiceField(NimhdDomain.choices),
        required=False,
        help_text="Kept for older clients; when `nimhd_cells` is sent the domains follow it.",
    )
    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        required=False,
        help_text="NIMHD framework cells, `domain:level` (e.g. `behavioral:community`); "
        "`nimhd_domains` becomes the domains with any cell.",
    )
    community_engagement_plan = _text(max_length=PROPOSAL_TEXT_LIMITS["community_engagement_plan"])
    timeline = _text(max_length=PROPOSAL_TEXT_LIMITS["timeline"])
    budget_justification = _text(max_length=PROPOSAL_TEXT_LIMITS["budget_justification"])
    requested_amount = _money(required=False, allow_null=True, min_value=Decimal("0"))
    irb_status = serializers.ChoiceField(IrbStatus.choices, required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The `version` you read the proposal at (or send its ETag as `If-Match`): "
        "when it was saved since, nothing is saved and the answer is 409. Leave it out to save "
        "without the check.",
    )

    def validate_disparity_populations(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_nimhd_domains(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate_nimhd_cells(self, value: list[str]) -> list[str]:
        return nimhd_cells_clean(value)


class NimhdClassificationSerializer(serializers.Serializer):
    """The program office's correction of a submitted proposal's cells."""

    nimhd_cells = serializers.ListField(
        child=serializers.ChoiceField(NIMHD_CELL_CHOICES),
        allow_empty=True,
        help_text="Every cell the proposal belongs in, `domain:level`.",
    )
    reason = serializers.CharField(max_length=2000, help_text="Why it is corrected.")


class ProposalCreateSerializer(ProposalWriteSerializer):
    call = serializers.PrimaryKeyRelatedField(
        queryset=FundingCall.objects.none(), help_text="The id of the funding call."
    )
    version = None  # a new draft has no earlier version to check against

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # A call the caller may not see is "not found", like everywhere else.
        if user is not None and user.is_authenticated:
            self.fields["call"].queryset = selectors.calls_visible_to(user)


class ProposalBriefSerializer(serializers.ModelSerializer):
    pi = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)

    class Meta:
        model = Proposal
        fields = ["id", "title", "status", "call", "call_title", "pi"]
        read_only_fields = fields


class BlockerSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="What to fix: a section name, or budget, attachments, endorsement, "
        "eligibility, call, requested_amount."
    )
    message = serializers.CharField()


class ChecklistSerializer(serializers.Serializer):
    status = serializers.CharField()
    ready = serializers.BooleanField(help_text="Editable and nothing blocks submission.")
    blockers = BlockerSerializer(many=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, allow_blank=True, required=False, default="")


# ---- Team, budget, attachments ---------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    # Not `format: email`: it is blank for most members (those with an account).
    email = serializers.CharField(read_only=True, help_text="An outside person's e-mail, or blank.")
    invited = serializers.SerializerMethodField(
        help_text="Invited by e-mail and has not joined yet (no account linked)."
    )

    class Meta:
        model = TeamMember
        fields = ["id", "role", "user", "name", "email", "organisation", "invited", "added_at"]
        read_only_fields = fields

    def get_invited(self, member: TeamMember) -> bool:
        return member.user_id is None and bool(member.email)


class TeamMemberCreateSerializer(serializers.Serializer):
    """A person with an account (``user``, an id from ``GET /api/v1/people/?search=``, or
    ``username``) or someone without one (``full_name``; with ``email`` they are invited)."""

    role = serializers.ChoiceField(TeamRole.choices)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="A person with an account: an id from GET /api/v1/people/?search=.",
    )
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="A person with an account, by username (kept for older clients; prefer user).",
    )
    full_name = _text(max_length=200, help_text="An outside person, e.g. a community partner.")
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    organisation = _text(max_length=200)

    def validate_username(self, value: str) -> User | None:
        value = value.strip()
        if not value:
            return None
        user = User.objects.filter(username__iexact=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError(f"No active user is called “{value}”.")
        return user

    def validate(self, attrs):
        if attrs.get("user") and attrs.get("username"):
            raise serializers.ValidationError({"user": ["Give user or username, not both."]})
        return attrs


class BudgetLineSerializer(serializers.ModelSerializer):
    category = serializers.ChoiceField(BudgetCategory.choices)
    description = serializers.CharField(max_length=250)
    amount = _money()

    class Meta:
        model = BudgetLine
        fields = ["id", "category", "description", "amount"]
        read_only_fields = ["id"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "original_name",
            "size",
            "pages",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        return reverse(
            "api-proposal-attachment-download",
            kwargs={"proposal_pk": attachment.proposal_id, "pk": attachment.pk},
            request=self.context.get("request"),
        )


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(AttachmentKind.choices)
    file = serializers.FileField(help_text="A PDF (the bytes are checked, not the name).")


# ---- Endorsements ----------------------------------------------------------------------------


class EndorsementSerializer(serializers.ModelSerializer):
    proposal = ProposalBriefSerializer(read_only=True)
    mentor = UserBriefSerializer(read_only=True)

    class Meta:
        model = Endorsement
        fields = ["id", "proposal", "mentor", "status", "statement", "requested_at", "responded_at"]
        read_only_fields = fields


class EndorsementRespondSerializer(serializers.Serializer):
    decision = serializers.ChoiceField([("endorse", "Endorse"), ("decline", "Decline")])
    statement = serializers.CharField(max_length=4000, allow_blank=True)


# ---- Decisions and awards --------------------------------------------------------------------


class AwardSerializer(serializers.ModelSerializer):
    proposal = ProposalBriefSerializer(read_only=True)
    amount = _money(read_only=True)
    effective_end = serializers.DateField(read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "proposal",
            "call",
            "amount",
            "status",
            "start_date",
            "end_date",
            "ended_on",
            "effective_end",
            "created_at",
        ]
        read_only_fields = fields


class DecisionRequestSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(DecisionOutcome.choices)
    amount = _money(
        required=False,
        allow_null=True,
        help_text="Funded amount; defaults to the budget total requested. Less needs a reason.",
    )
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AwardBriefSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True)

    class Meta:
        model = Award
        fields = ["id", "amount", "status", "start_date", "end_date"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True, allow_null=True)
    decided_by = UserBriefSerializer(read_only=True)
    award = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "proposal",
            "call",
            "outcome",
            "amount",
            "reason",
            "decided_by",
            "decided_at",
            "released_at",
            "award",
        ]
        read_only_fields = fields

    @extend_schema_field(AwardBriefSerializer(allow_null=True))
    def get_award(self, decision: Decision) -> dict | None:
        award = Award.objects.filter(proposal_id=decision.proposal_id).first()
        return AwardBriefSerializer(award).data if award else None


class ReleasedDecisionSerializer(serializers.ModelSerializer):
    amount = _money(read_only=True, allow_null=True)

    class Meta:
        model = Decision
        fields = ["id", "proposal", "outcome", "amount", "released_at"]
        read_only_fields = fields


class ReleaseSerializer(serializers.Serializer):
    """What releasing a call's decisions did: the call as it now is, and each decision
    released (its proposal now has the decision's outcome as its status)."""

    call = CallSerializer(read_only=True)
    released = ReleasedDecisionSerializer(many=True, read_only=True)


# ---- Letters of intent (two-stage calls) -----------------------------------------------------


class LetterSerializer(serializers.ModelSerializer):
    """A letter as its applicant and the office read it: the office's decision and message,
    never the committee's ratings nor who rated."""

    applicant = UserBriefSerializer(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), read_only=True
    )
    estimated_budget = _money(read_only=True, allow_null=True)
    is_editable = serializers.BooleanField(read_only=True)
    has_document = serializers.SerializerMethodField(help_text="A one-page PDF is attached.")
    document_url = serializers.SerializerMethodField(
        help_text="Where the PDF is downloaded (`GET`), uploaded and removed; null without one."
    )

    class Meta:
        model = LetterOfIntent
        fields = [
            "id",
            "call",
            "call_title",
            "applicant",
            "status",
            "is_editable",
            "title",
            "aims_summary",
            "team",
            "disparity_populations",
            "estimated_budget",
            "has_document",
            "document_name",
            "document_url",
            "submitted_at",
            "triage_message",
            "decided_at",
            "proposal",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_document(self, letter: LetterOfIntent) -> bool:
        return bool(letter.document)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_document_url(self, letter: LetterOfIntent) -> str | None:
        if not letter.document:
            return None
        return reverse(
            "api-letter-document", kwargs={"pk": letter.pk}, request=self.context.get("request")
        )


class LetterWriteSerializer(serializers.Serializer):
    """The applicant's draft letter. Every field is optional; a budget over the call's maximum
    award is refused by the service (400 under `estimated_budget`)."""

    title = _text(max_length=LETTER_TEXT_LIMITS["title"])
    aims_summary = _text(
        max_length=LETTER_TEXT_LIMITS["aims_summary"],
        help_text=f"Up to {LETTER_AIMS_WORD_LIMIT} words to be sent (a longer draft is kept).",
    )
    team = _text(
        max_length=LETTER_TEXT_LIMITS["team"],
        help_text="The people expected on the team, one a line, with their role.",
    )
    disparity_populations = serializers.ListField(
        child=serializers.ChoiceField(DisparityPopulation.choices), required=False
    )
    estimated_budget = _money(required=False, allow_null=True, min_value=Decimal("0"))


class LetterDocumentSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A one-page PDF (the bytes are checked, not the name).")


class LetterTriageSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(LetterDecision.choices)
    message = serializers.CharField(
        max_length=TRIAGE_MESSAGE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="E-mailed to the applicant with the decision; required to decline.",
    )
