"""Funding decisions on proposals, and the awards a funded decision creates."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from ..choices import AwardStatus, DecisionOutcome
from .calls import MONEY, FundingCall
from .proposals import Proposal


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
