"""Funding calls, with the defaults of their fields (the migrations name
``grants.models.default_*``, re-exported by the package)."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from ..choices import DEFAULT_REQUIRED_ATTACHMENTS, DEFAULT_REQUIRED_SECTIONS, CallStatus
from ..validators import validate_time_zone
from .program import Program

MONEY = {"max_digits": 12, "decimal_places": 2}


def default_time_zone() -> str:
    return settings.TIME_ZONE


def default_required_sections() -> list[str]:
    return list(DEFAULT_REQUIRED_SECTIONS)


def default_required_attachments() -> list[str]:
    return list(DEFAULT_REQUIRED_ATTACHMENTS)


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
