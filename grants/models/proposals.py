"""Proposals and their parts: the team, the budget lines, the documents (with their
server-generated file names) and the mentor's endorsement."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from ..choices import (
    EDITABLE_STATES,
    AttachmentKind,
    BudgetCategory,
    DisparityPopulation,
    EndorsementStatus,
    IrbStatus,
    NimhdDomain,
    ProposalStatus,
    TeamRole,
    nimhd_cell_label,
    nimhd_cells_clean,
)
from .calls import MONEY, FundingCall


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
