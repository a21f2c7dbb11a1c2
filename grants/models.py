"""Funding calls, proposals and their parts, and the state-change history.

Models hold data and derived read-only facts; every write and state change lives in
services.py.
"""

import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from .choices import (
    DEFAULT_REQUIRED_ATTACHMENTS,
    DEFAULT_REQUIRED_SECTIONS,
    EDITABLE_STATES,
    AttachmentKind,
    AwardStatus,
    BudgetCategory,
    CallStatus,
    DecisionOutcome,
    DisparityPopulation,
    EndorsementStatus,
    IrbStatus,
    LetterStatus,
    NimhdDomain,
    ProposalStatus,
    TeamRole,
    nimhd_cell_label,
    nimhd_cells_clean,
)
from .validators import validate_time_zone

MONEY = {"max_digits": 12, "decimal_places": 2}


def default_time_zone() -> str:
    return settings.TIME_ZONE


def default_required_sections() -> list[str]:
    return list(DEFAULT_REQUIRED_SECTIONS)


def default_required_attachments() -> list[str]:
    return list(DEFAULT_REQUIRED_ATTACHMENTS)


class Program(models.Model):
    """The funded program that runs the calls (e.g. a HRSA Center of Excellence)."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    institution = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class StateChange(models.Model):
    """One row per state change of any stateful object: who, when, from, to, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    # Internal entries (unreleased decisions, review events) are for administrators only.
    internal = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state} at {self.at:%Y-%m-%d %H:%M}"

    def _label(self, state: str) -> str:
        """A stored state as people read it ("No-cost extension", not "no_cost_extension"),
        from the subject model's own ``status`` choices."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        try:
            choices = dict(model._meta.get_field("status").flatchoices)
        except (AttributeError, FieldDoesNotExist):
            return state
        return str(choices.get(state, state))

    @property
    def from_label(self) -> str:
        return self._label(self.from_state) if self.from_state else ""

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)


class FundingCall(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    eligible_applicant_types = models.JSONField(
        default=list, blank=True, help_text="Applicant types allowed to apply; empty means anyone."
    )
    eligibility_notes = models.TextField(blank=True)
    # Structured eligibility rules (issue #19), checked when a proposal (or a letter of intent)
    # is started and again at submission: grants.selectors.eligibility_problems.
    eligible_departments = models.JSONField(
        default=list, blank=True, help_text="Departments allowed to apply; empty means any."
    )
    requires_faculty_mentor = models.BooleanField(
        default=False, help_text="The applicant must name a faculty mentor on the team."
    )
    requires_community_partner = models.BooleanField(
        default=False, help_text="The team must include a community partner."
    )
    first_time_applicants_only = models.BooleanField(
        default=False, help_text="Only applicants never funded by the program before."
    )
    excludes_current_awardees = models.BooleanField(
        default=False, help_text="PIs of an award still running may not apply."
    )
    opens_at = models.DateTimeField()
    # A two-stage call opens with letters of intent, due at letters_close_at; only invited
    # applicants then write a full proposal, due at closes_at.
    letter_of_intent = models.BooleanField(
        "opens with a letter of intent",
        default=False,
        help_text="Applicants send a short letter first; only those invited write a full proposal.",
    )
    letters_close_at = models.DateTimeField(
        "letters of intent due",
        null=True,
        blank=True,
        help_text="Deadline for letters of intent (two-stage calls only).",
    )
    closes_at = models.DateTimeField()
    # Blind review: reviewers see no applicant or team identity (reviews' selectors).
    blind_review = models.BooleanField(
        default=False,
        help_text="Reviewers see no names, departments or positions of the applicant or team.",
    )
    # A limited submission: an external sponsor accepts only ``nominations_allowed``
    # applications from the institution, and this internal call chooses them. Its decisions
    # are nominations, not money (grants.services.decision_record); empty: an ordinary call.
    nominations_allowed = models.PositiveSmallIntegerField(
        "applications the sponsor accepts",
        null=True,
        blank=True,
        help_text="Limited submission: how many applications the sponsor accepts from the "
        "institution. Leave empty for a call that awards the program's own money.",
    )
    sponsor = models.CharField(
        "external sponsor",
        max_length=200,
        blank=True,
        help_text="e.g. NIH NIMHD, Robert Wood Johnson Foundation (limited submissions only).",
    )
    sponsor_opportunity = models.CharField(
        "sponsor's opportunity number",
        max_length=100,
        blank=True,
        help_text="e.g. RFA-MD-27-004 (limited submissions only).",
    )
    sponsor_deadline = models.DateField(
        "sponsor's deadline",
        null=True,
        blank=True,
        help_text="When the nominees' applications are due at the sponsor.",
    )
    # The past call this one was started from (call templates), for the record.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    total_budget = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    max_award = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    duration_months = models.PositiveSmallIntegerField(default=12)
    one_per_applicant = models.BooleanField(default=True)
    abstract_word_limit = models.PositiveIntegerField(default=300)
    aims_word_limit = models.PositiveIntegerField(default=500)
    strategy_word_limit = models.PositiveIntegerField(default=2000)
    required_sections = models.JSONField(default=default_required_sections, blank=True)
    required_attachments = models.JSONField(default=default_required_attachments, blank=True)
    reviewers_per_proposal = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT)
    # The call's review stage as grants knows it: True from the moment a committee is attached
    # until its review closes (set by reviews through grants.lifecycle). Funding decisions and
    # their release wait for it (docs/invariants.md, "Decisions follow the review").
    committee_review_open = models.BooleanField(
        default=False,
        editable=False,
        help_text="A committee is reviewing this call; decisions wait until its review closes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_at"]
        indexes = [models.Index(fields=["status", "closes_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(max_award__lte=models.F("total_budget")),
                name="call_max_award_within_budget",
            ),
            models.CheckConstraint(
                condition=models.Q(letter_of_intent=False)
                | models.Q(
                    letters_close_at__isnull=False,
                    letters_close_at__gt=models.F("opens_at"),
                    letters_close_at__lt=models.F("closes_at"),
                ),
                name="call_letters_due_between_opening_and_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(nominations_allowed__isnull=True)
                | models.Q(
                    nominations_allowed__gte=1,
                    sponsor_deadline__isnull=False,
                    sponsor__gt="",
                    sponsor_opportunity__gt="",
                ),
                name="call_limited_submission_names_its_sponsor",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local_closes_at(self):
        return timezone.localtime(self.closes_at, self.zone)

    def local_opens_at(self):
        return timezone.localtime(self.opens_at, self.zone)

    def is_accepting(self, now=None) -> bool:
        """Open for submissions by the server clock, whatever the status field says later."""
        now = now or timezone.now()
        return self.status == CallStatus.OPEN and self.opens_at <= now < self.closes_at

    def is_accepting_letters(self, now=None) -> bool:
        """A two-stage call taking letters of intent now, by the server clock."""
        now = now or timezone.now()
        return (
            self.letter_of_intent
            and self.letters_close_at is not None
            and self.status == CallStatus.OPEN
            and self.opens_at <= now < self.letters_close_at
        )

    @property
    def is_limited_submission(self) -> bool:
        return self.nominations_allowed is not None

    def clean(self) -> None:
        """A limited submission names its sponsor, the opportunity and the sponsor's deadline
        (after the internal deadline: the nominees need the time between to apply); field
        errors, so the admin form says which is missing."""
        super().clean()
        if self.nominations_allowed is None:
            return
        errors: dict[str, list[str]] = {}
        if self.nominations_allowed < 1:
            errors["nominations_allowed"] = ["The sponsor accepts at least one application."]
        if not self.sponsor.strip():
            errors["sponsor"] = ["Name the external sponsor of a limited submission."]
        if not self.sponsor_opportunity.strip():
            errors["sponsor_opportunity"] = ["Give the sponsor's opportunity number."]
        if self.sponsor_deadline is None:
            errors["sponsor_deadline"] = ["Give the date applications are due at the sponsor."]
        elif self.closes_at and self.sponsor_deadline <= self.local_closes_at().date():
            errors["sponsor_deadline"] = [
                "The sponsor's deadline must come after this call closes: the nominees apply "
                "in between."
            ]
        if errors:
            raise ValidationError(errors)

    def local_letters_close_at(self):
        return (
            timezone.localtime(self.letters_close_at, self.zone) if self.letters_close_at else None
        )


class Proposal(models.Model):
    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="proposals")
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name="principal investigator",
    )
    title = models.CharField(max_length=250, blank=True)
    abstract = models.TextField(blank=True)
    specific_aims = models.TextField(blank=True)
    research_strategy = models.TextField(blank=True)
    disparity_populations = models.JSONField(default=list, blank=True)
    nimhd_domains = models.JSONField("NIMHD domains", default=list, blank=True)
    # The NIMHD framework's domain x level cells ("behavioral:community"); nimhd_domains is
    # derived from them when they are saved (services.proposal_update). Empty: unclassified.
    nimhd_cells = models.JSONField("NIMHD framework cells", default=list, blank=True)
    community_engagement_plan = models.TextField(blank=True)
    timeline = models.TextField(blank=True)
    budget_justification = models.TextField(blank=True)
    requested_amount = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Total requested; must equal the sum of the budget lines.",
    )
    irb_status = models.CharField(
        "IRB status", max_length=32, choices=IrbStatus.choices, blank=True
    )
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The program office's administrative check of a submitted proposal (complete, eligible,
    # in scope): services.proposal_mark_checked. Cleared when it is returned or submitted again.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The PI's position (accounts.ApplicantType) when the proposal was started, refreshed at
    # submission and kept: the trainee rules follow it, so changing one's own position later
    # does not unlock them (docs/invariants.md, "Trainee rules hold").
    pi_career_stage = models.CharField(
        "PI's position when started", max_length=32, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: the edit form carries the version it was loaded with and a save
    # from a stale one is refused (services.proposal_update), so nobody's text is overwritten.
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised by one on every save of the sections."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who saved the sections last (named when a stale save is refused).",
    )

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["pi", "call"]),
            # The API's default order (newest change first): a page is an index scan, not a
            # sort of every proposal.
            models.Index(fields=["updated_at", "id"], name="proposal_updated"),
            # The administrator's list of a call, in submission order, a page at a time.
            models.Index(fields=["call", "submitted_at", "id"], name="proposal_call_submitted"),
        ]

    def __str__(self) -> str:
        return self.title or f"Untitled proposal #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATES

    @property
    def disparity_population_labels(self) -> list[str]:
        return [
            DisparityPopulation(v).label
            for v in self.disparity_populations or []
            if v in DisparityPopulation.values
        ]

    @property
    def nimhd_domain_labels(self) -> list[str]:
        return [NimhdDomain(v).label for v in self.nimhd_domains or [] if v in NimhdDomain.values]

    @property
    def nimhd_cell_labels(self) -> list[str]:
        return [nimhd_cell_label(c) for c in nimhd_cells_clean(self.nimhd_cells)]


class TeamMember(models.Model):
    """A person on the team: a user of the system, or an outside person (community partner)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, choices=TeamRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "user"],
                condition=models.Q(user__isnull=False),
                name="team_member_once_per_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.user.display_name if self.user_id else self.full_name


class BudgetLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(max_length=32, choices=BudgetCategory.choices)
    description = models.CharField(max_length=250)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_line_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description} ${self.amount}"


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """Server-generated names: nothing of the user's file name reaches the disk."""
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=32, choices=AttachmentKind.choices)
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


def new_token() -> str:
    return uuid.uuid4().hex


class Endorsement(models.Model):
    """A mentor's endorsement of a trainee's proposal, requested by e-mailed link."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="endorsement")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="endorsements"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    status = models.CharField(
        max_length=16, choices=EndorsementStatus.choices, default=EndorsementStatus.REQUESTED
    )
    statement = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Endorsement of {self.proposal} by {self.mentor}"

    @property
    def is_endorsed(self) -> bool:
        return self.status == EndorsementStatus.ENDORSED


class Decision(models.Model):
    """The administrator's funding decision on a proposal; the applicant sees it once released."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="decision")
    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    amount = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.TextField(blank=True, help_text="Why the amount was reduced, if it was.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["call", "outcome"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="funded") | models.Q(amount__isnull=False),
                name="funded_decision_has_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.proposal}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class Award(models.Model):
    """Created by a funded decision: what the program committed and for how long."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="award")
    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="awards")
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="Close or termination date, when earlier than the end."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["status", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="award_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Award NS-{self.proposal_id}"

    @property
    def effective_end(self):
        if self.ended_on and self.ended_on < self.end_date:
            return self.ended_on
        return self.end_date


# ---- Letters of intent (two-stage calls) -----------------------------------------------------


def letter_upload_to(instance: "LetterOfIntent", filename: str) -> str:
    """Server-generated names, as for proposal documents."""
    return f"letters/{instance.call_id}/{uuid.uuid4().hex}.pdf"


class LetterOfIntent(models.Model):
    """A short first-stage application to a two-stage call. The program office triages it
    (invite or decline, with a message); an invited applicant's full proposal is started from
    it (services.letters, services.proposal_create). One per applicant per call."""

    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="letters")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_of_intent"
    )
    title = models.CharField(max_length=250, blank=True)
    aims_summary = models.TextField(blank=True)
    team = models.TextField(
        blank=True, help_text="The people you expect on the team, one a line, with their role."
    )
    disparity_populations = models.JSONField(default=list, blank=True)
    estimated_budget = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    # The optional one-page PDF, checked like a proposal's documents (validators).
    document = models.FileField(upload_to=letter_upload_to, max_length=255, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    triage_message = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The full proposal an invitation became (services.proposal_create).
    proposal = models.OneToOneField(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="letter"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "letter of intent"
        verbose_name_plural = "letters of intent"
        constraints = [
            models.UniqueConstraint(fields=["call", "applicant"], name="letter_once_per_applicant"),
            models.CheckConstraint(
                condition=models.Q(estimated_budget__isnull=True)
                | models.Q(estimated_budget__gte=0),
                name="letter_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Untitled letter #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status == LetterStatus.DRAFT

    @property
    def is_invited(self) -> bool:
        return self.status == LetterStatus.INVITED

    @property
    def disparity_population_labels(self) -> list[str]:
        return [
            DisparityPopulation(v).label
            for v in self.disparity_populations or []
            if v in DisparityPopulation.values
        ]


# ---- Eligibility exceptions (issue #19) -------------------------------------------------------


class EligibilityException(models.Model):
    """An administrator's waiver of a call's eligibility rules for one person, with the reason:
    granted and revoked only through grants.services (audited). It waives every rule of the call
    (positions, departments, first-time, current awardees, faculty mentor, community partner);
    not the deadline, one proposal per applicant, or the trainee rules."""

    call = models.ForeignKey(
        FundingCall, on_delete=models.CASCADE, related_name="eligibility_exceptions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="eligibility_exceptions"
    )
    reason = models.TextField(help_text="Why this person may apply although the rules say no.")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "person"], name="eligibility_exception_once_per_call_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"Eligibility exception for {self.person} in {self.call}"
