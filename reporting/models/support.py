"""Trainee support (INDGEN): direct financial support paid to a person from an award, and a
person's status in a training program."""

from django.conf import settings
from django.db import models

from grants.models import Award

from ..choices import SupportKind, TrainingStatusValue
from .outcomes import MONEY
from .profile import TrainingProgram


class ParticipantSupport(models.Model):
    """Direct financial support paid to one person from one award (INDGEN): written only by
    services.participant_support."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="participant_support")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_received"
    )
    kind = models.CharField(max_length=16, choices=SupportKind.choices)
    amount = models.DecimalField(**MONEY)
    paid_from = models.DateField()
    paid_to = models.DateField()
    training_program = models.ForeignKey(
        TrainingProgram,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support",
    )
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "participant support"
        verbose_name_plural = "participant support"
        ordering = ["paid_from", "pk"]
        indexes = [models.Index(fields=["paid_from", "paid_to"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="participant_support_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(paid_to__gte=models.F("paid_from")),
                name="participant_support_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ${self.amount:,.2f} to {self.person}"


class TrainingStatus(models.Model):
    """A person's current status in a training program (or in their training, when no program
    is named): one row per person and program, changed in place by
    services.training_status_record, which audits every change with the previous value."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_statuses"
    )
    training_program = models.ForeignKey(
        TrainingProgram,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statuses",
    )
    status = models.CharField(max_length=16, choices=TrainingStatusValue.choices)
    status_date = models.DateField(
        null=True, blank=True, help_text="When they completed or left (or enrolled)."
    )
    award = models.ForeignKey(
        Award,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The award it was recorded through.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "training statuses"
        ordering = ["person", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "training_program"],
                condition=models.Q(training_program__isnull=False),
                name="training_status_once_per_program",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(training_program__isnull=True),
                name="training_status_once_without_program",
            ),
            models.CheckConstraint(
                condition=models.Q(status="enrolled") | models.Q(status_date__isnull=False),
                name="training_status_dated_when_ended",
            ),
        ]

    def __str__(self) -> str:
        when = f" on {self.status_date:%Y-%m-%d}" if self.status_date else ""
        return f"{self.person}: {self.get_status_display().lower()}{when}"
