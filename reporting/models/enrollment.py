"""NIH inclusion enrollment: an award's planned and cumulative enrollment tables."""

from django.conf import settings
from django.db import models

from grants.models import Award

from ..choices import ENROLLMENT_CELLS, EnrollmentKind


class EnrollmentReport(models.Model):
    """One NIH Inclusion Enrollment Report table of an award: the planned enrollment (one per
    award, changed in place) or a cumulative actual enrollment as of a date (one per report,
    never changed). Written only by services.enrollment."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="enrollment_reports")
    kind = models.CharField(max_length=16, choices=EnrollmentKind.choices)
    # Planned: whether the project enrolls human participants at all (no: an all-zero table).
    enrolls_humans = models.BooleanField(default=True)
    # Cumulative: the date the counts are as of (the progress report's date).
    as_of = models.DateField(null=True, blank=True)
    # {"<ethnicity>|<race>|<sex>": count} over all of choices.ENROLLMENT_CELLS.
    counts = models.JSONField(default=dict)
    reason_for_decrease = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "as_of", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award"],
                condition=models.Q(kind="planned"),
                name="enrollment_one_planned_per_award",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="planned") | models.Q(as_of__isnull=False),
                name="enrollment_cumulative_has_date",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == EnrollmentKind.PLANNED:
            return f"Planned enrollment of {self.award}"
        return f"Cumulative enrollment of {self.award} as of {self.as_of:%Y-%m-%d}"

    def count(self, cell: str) -> int:
        return int(self.counts.get(cell, 0))

    @property
    def total(self) -> int:
        return sum(self.count(cell) for cell in ENROLLMENT_CELLS)
