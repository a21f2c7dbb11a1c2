"""The outcomes of funded projects: publications, presentations, follow-on funding, where
trainees went, and partnerships; all share the abstract ``Outcome``."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from grants.models import Award

from ..choices import (
    DECIDED_FUNDING_STATES,
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    SponsorType,
    YesNoUnknown,
)
from ..validators import validate_doi, validate_pmid

MONEY = {"max_digits": 12, "decimal_places": 2}


class Outcome(models.Model):
    """What every outcome carries: who recorded it and when."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Publication(Outcome):
    awards = models.ManyToManyField(Award, related_name="publications")
    title = models.CharField(max_length=500)
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    pmid = models.CharField("PubMed ID", max_length=8, blank=True, validators=[validate_pmid])
    journal = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published_on = models.DateField(
        null=True, blank=True, help_text="Month precision: stored as the first of the month."
    )
    authors = models.TextField(blank=True, help_text="One author per line, as cited.")
    peer_reviewed = models.BooleanField(default=True)
    disparities_focused = models.BooleanField("focused on health disparities", default=False)

    class Meta:
        # Undated last on every database (PostgreSQL sorts NULL first when descending).
        ordering = [
            models.F("published_on").desc(nulls_last=True),
            models.F("year").desc(nulls_last=True),
            "title",
            "pk",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["doi"], condition=~models.Q(doi=""), name="publication_doi_once"
            ),
            models.UniqueConstraint(
                fields=["pmid"], condition=~models.Q(pmid=""), name="publication_pmid_once"
            ),
        ]
        # The HRSA report counts a year's outcomes by date (reporting/hrsa/builder.py).
        indexes = [models.Index(fields=["published_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reporting_date(self) -> date | None:
        return self.published_on


class Presentation(Outcome):
    awards = models.ManyToManyField(Award, related_name="presentations")
    title = models.CharField(max_length=500)
    venue = models.CharField(max_length=300)
    presented_on = models.DateField()
    kind = models.CharField(max_length=16, choices=PresentationKind.choices)
    level = models.CharField(max_length=16, choices=PresentationLevel.choices)

    class Meta:
        ordering = ["-presented_on", "pk"]
        indexes = [models.Index(fields=["presented_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.venue})"

    @property
    def reporting_date(self) -> date | None:
        return self.presented_on


class FollowOnFunding(Outcome):
    awards = models.ManyToManyField(Award, related_name="follow_on_funding")
    sponsor = models.CharField(max_length=200)
    sponsor_type = models.CharField(max_length=16, choices=SponsorType.choices)
    mechanism = models.CharField(max_length=40, blank=True, help_text="e.g. R01, K23, R21")
    title = models.CharField(max_length=500, blank=True)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    status = models.CharField(max_length=16, choices=FundingStatus.choices)
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "follow-on funding"
        verbose_name_plural = "follow-on funding"
        ordering = [models.F("applied_on").desc(nulls_last=True), "pk"]
        indexes = [models.Index(fields=["decided_on"]), models.Index(fields=["applied_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="follow_on_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sponsor} {self.mechanism}".strip()

    @property
    def reporting_date(self) -> date | None:
        """The decision date once decided; the application date while still applied."""
        if self.status in DECIDED_FUNDING_STATES:
            return self.decided_on
        return self.applied_on


class TraineeOutcome(Outcome):
    """Where a trainee on a funded project is, as of ``recorded_on`` (INDGEN-PY)."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainee_outcomes"
    )
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="trainee_outcomes")
    recorded_on = models.DateField(help_text="The date this information describes.")
    degree_completed = models.CharField(max_length=100, blank=True, help_text="e.g. MD, PhD")
    completion_date = models.DateField(null=True, blank=True)
    position = models.CharField("residency match or position", max_length=300, blank=True)
    in_further_training = models.CharField(
        max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    employed = models.CharField(
        max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    practicing_underserved = models.CharField(
        "practicing in a medically underserved community",
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    practicing_rural = models.CharField(
        "practicing in a rural area",
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    practicing_primary_care = models.CharField(
        "practicing in primary care",
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )

    class Meta:
        ordering = ["-recorded_on", "-pk"]
        indexes = [models.Index(fields=["trainee", "recorded_on"])]

    def __str__(self) -> str:
        day = self.recorded_on
        return f"Outcome of {self.trainee} on {day:%b} {day.day}, {day.year}"

    @property
    def reporting_date(self) -> date | None:
        return self.recorded_on


class Partnership(Outcome):
    """A community or academic partner organisation of a funded project (PC-10)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.CharField("partner organisation", max_length=300)
    partner_type = models.CharField(max_length=32, choices=PartnerType.choices)
    purpose = models.CharField(max_length=32, choices=PartnershipPurpose.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_partner_type_display()})"
