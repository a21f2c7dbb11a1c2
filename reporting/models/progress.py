"""Progress reports an awardee owes on an award, and the reminders mailed about them."""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from grants.models import Award

from ..choices import ProgressReportKind, ProgressReportStatus, ReminderKind


class ProgressReport(models.Model):
    """An interim or final report an awardee owes on an award (see services.progress_reports_schedule)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="progress_reports")
    kind = models.CharField(max_length=16, choices=ProgressReportKind.choices)
    due_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ProgressReportStatus.choices, default=ProgressReportStatus.DUE
    )
    objectives_accomplishments = models.TextField("objectives and accomplishments", blank=True)
    barriers_resolutions = models.TextField("barriers and resolutions", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["award", "kind"], name="progress_report_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.award} (due {self.due_date:%Y-%m-%d})"

    @property
    def is_submitted(self) -> bool:
        return self.status == ProgressReportStatus.SUBMITTED

    def is_overdue(self, today: date) -> bool:
        return self.status == ProgressReportStatus.DUE and self.due_date < today

    @property
    def standing(self) -> str:
        """What a person reading a page should see: "Overdue" once an unsubmitted report's
        due date has passed (the stored status stays "due"; only submitting changes it)."""
        if self.is_overdue(timezone.localdate()):
            return "Overdue"
        return self.get_status_display()


class ReminderSent(models.Model):
    """One row per reminder mailed; the unique constraint is what stops a second copy."""

    progress_report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["progress_report", "kind"], name="reminder_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.progress_report}"
