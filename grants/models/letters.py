"""Letters of intent: the first stage of a two-stage call."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from ..choices import DisparityPopulation, LetterStatus
from .calls import MONEY, FundingCall
from .proposals import Proposal


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
