"""A limited-submission nominee's application to the external sponsor and its result."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from grants.models import Proposal

from ..choices import ExternalResult, SponsorType
from .outcomes import MONEY, FollowOnFunding, Outcome


class ExternalSubmission(Outcome):
    """A limited-submission nominee's application to the external sponsor and its result
    (issue #19). An award feeds the program's follow-on funding (``follow_on``), attributed
    to the nominee's own awards from the program: reporting.services.nominations."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="external_submission"
    )
    submitted_on = models.DateField("submitted to the sponsor on")
    sponsor_reference = models.CharField(
        "sponsor's application number",
        max_length=100,
        blank=True,
        help_text="e.g. the eRA Commons or Grants.gov tracking number.",
    )
    result = models.CharField(
        max_length=16, choices=ExternalResult.choices, default=ExternalResult.PENDING
    )
    decided_on = models.DateField("sponsor decided on", null=True, blank=True)
    amount_awarded = models.DecimalField(
        **MONEY, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))]
    )
    sponsor_type = models.CharField(
        max_length=16, choices=SponsorType.choices, default=SponsorType.NIH
    )
    mechanism = models.CharField(max_length=40, blank=True, help_text="e.g. R01, K23, R21")
    notes = models.TextField(blank=True)
    # The follow-on funding record the award fed (None until awarded, or when the nominee
    # holds no award from the program to attribute it to).
    follow_on = models.OneToOneField(
        FollowOnFunding,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="external_submission",
    )

    class Meta:
        ordering = ["submitted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(result="awarded")
                | models.Q(amount_awarded__isnull=False, decided_on__isnull=False),
                name="external_award_has_amount_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal} — {self.get_result_display()}"
