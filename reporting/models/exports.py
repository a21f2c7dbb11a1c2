"""Prepared exports: an HRSA report file an administrator asked for, built by a task."""

from django.conf import settings
from django.db import models

from ..validators import validate_period_label


class ExportJob(models.Model):
    """An HRSA report file an administrator asked for, built by a task and kept in storage.

    The row is the job's whole state (the web page polls it; no result backend is needed):
    services.export_job_create queues it, services.export_job_run builds it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel workbook"
        PDF = "pdf", "PDF"
        JSON = "json", "JSON"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    period = models.CharField(max_length=9, validators=[validate_period_label])
    format = models.CharField(max_length=8, choices=Format.choices)
    suppress = models.BooleanField(default=False)
    threshold = models.PositiveSmallIntegerField(default=10)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True, max_length=255)
    filename = models.CharField(max_length=120, blank=True)  # the name it downloads under
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_job_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"HRSA report {self.period} ({self.format}), {self.get_status_display().lower()}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
