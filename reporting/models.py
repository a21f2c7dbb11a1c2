"""Progress reports, the outcomes of funded projects, and the HRSA report's configuration.

Models hold data and small derived facts; every write lives in services.py.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.choices import RaceEthnicity, Sex
from grants.models import Award, Proposal

from .choices import (
    DECIDED_FUNDING_STATES,
    DEFAULT_HISPANIC_CODES,
    DEFAULT_RACE_MAP,
    DEFAULT_SEX_COLUMNS,
    DEFAULT_SEX_MAP,
    DEFAULT_URM_CODES,
    ENROLLMENT_CELLS,
    MAPPABLE_RACES,
    NOT_REPORTED_LABEL,
    EnrollmentKind,
    ExternalResult,
    FundingStatus,
    PartnershipPurpose,
    PartnerType,
    PresentationKind,
    PresentationLevel,
    ProgressReportKind,
    ProgressReportStatus,
    ReminderKind,
    SponsorType,
    SupportKind,
    TrainingProgramState,
    TrainingProgramType,
    TrainingStatusValue,
    YesNoUnknown,
)
from .validators import validate_doi, validate_period_label, validate_pmid

MONEY = {"max_digits": 12, "decimal_places": 2}


# ---- Progress reports ------------------------------------------------------------------------


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


# ---- Outcomes --------------------------------------------------------------------------------


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


# ---- The report's narrative and configuration ------------------------------------------------


class ReportingPeriodNarrative(models.Model):
    """The administrator's narrative for one academic year (the Narrative sheet)."""

    period = models.CharField(
        max_length=9, unique=True, validators=[validate_period_label], help_text="e.g. 2025-2026"
    )
    objectives_accomplishments = models.TextField("objectives and accomplishments", blank=True)
    barriers_resolutions = models.TextField("barriers and resolutions", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"Narrative {self.period}"


def default_race_map() -> dict:
    return dict(DEFAULT_RACE_MAP)


def default_hispanic_codes() -> list:
    return list(DEFAULT_HISPANIC_CODES)


def default_sex_columns() -> list:
    return list(DEFAULT_SEX_COLUMNS)


def default_sex_map() -> dict:
    return dict(DEFAULT_SEX_MAP)


def default_urm_codes() -> list:
    return list(DEFAULT_URM_CODES)


class ReportingProfile(models.Model):
    """How collected categories map to one year's APR columns; versioned by period.

    The report for a period uses the latest profile whose ``period`` is not after it, so a new
    form year means adding a profile in the admin, not a migration.
    """

    period = models.CharField(
        "first period",
        max_length=9,
        unique=True,
        validators=[validate_period_label],
        help_text="The first academic year this profile applies to, e.g. 2025-2026.",
    )
    name = models.CharField(max_length=200, blank=True)
    race_map = models.JSONField(
        default=default_race_map,
        help_text="2024 OMB race code -> APR race (aian, asian, black, nhpi, white). "
        "Codes left out are ignored for race.",
    )
    hispanic_codes = models.JSONField(
        default=default_hispanic_codes,
        help_text="Collected codes that mean ethnicity Hispanic or Latino.",
    )
    sex_columns = models.JSONField(
        default=default_sex_columns,
        help_text='LR-2 sex columns in order; "Not reported" is always added last.',
    )
    sex_map = models.JSONField(
        default=default_sex_map,
        help_text="Sex as reported -> one of the sex columns; anything else is Not reported.",
    )
    urm_codes = models.JSONField(
        "URM categories",
        default=default_urm_codes,
        help_text="Collected codes counted as underrepresented in medicine (URM).",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period"]

    def __str__(self) -> str:
        return self.name or f"Reporting profile from {self.period}"

    @property
    def valid_from(self) -> date:
        """July 1 of the first year of ``period``."""
        return date(int(self.period[:4]), 7, 1)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        known = set(RaceEthnicity.values)
        if not isinstance(self.race_map, dict):
            errors["race_map"] = ["Give an object mapping race codes to APR races."]
        else:
            unknown = sorted(set(self.race_map) - known)
            if unknown:
                errors.setdefault("race_map", []).append(f"Unknown codes: {', '.join(unknown)}.")
            bad = sorted({str(v) for v in self.race_map.values()} - set(MAPPABLE_RACES))
            if bad:
                errors.setdefault("race_map", []).append(
                    f"Map to one of aian, asian, black, nhpi, white (not {', '.join(bad)})."
                )
        for field in ("hispanic_codes", "urm_codes"):
            value = getattr(self, field)
            if not isinstance(value, list) or not set(map(str, value)) <= known:
                errors[field] = [f"Give a list of codes from: {', '.join(sorted(known))}."]
        if not isinstance(self.sex_columns, list) or not all(
            isinstance(c, str) and c.strip() for c in self.sex_columns
        ):
            errors["sex_columns"] = ["Give a list of column labels."]
        elif NOT_REPORTED_LABEL in self.sex_columns or len(set(self.sex_columns)) != len(
            self.sex_columns
        ):
            errors["sex_columns"] = ["Labels must be distinct; Not reported is added for you."]
        if not isinstance(self.sex_map, dict):
            errors["sex_map"] = ["Give an object mapping reported sex to a column."]
        else:
            unknown = sorted(set(self.sex_map) - set(Sex.values))
            if unknown:
                errors.setdefault("sex_map", []).append(f"Unknown values: {', '.join(unknown)}.")
            columns = self.sex_columns if isinstance(self.sex_columns, list) else []
            missing = sorted({str(v) for v in self.sex_map.values()} - set(columns))
            if missing:
                errors.setdefault("sex_map", []).append(
                    f"Map to one of the sex columns (not {', '.join(missing)})."
                )
        if errors:
            raise ValidationError(errors)


class TrainingProgram(models.Model):
    """One of the program's training programs as HRSA's Program set-up sheet lists them; kept
    on the reporting profile (edited in the Django admin, on the profile's page)."""

    profile = models.ForeignKey(
        ReportingProfile, on_delete=models.CASCADE, related_name="training_programs"
    )
    name = models.CharField(max_length=200)
    program_type = models.CharField("type", max_length=16, choices=TrainingProgramType.choices)
    state = models.CharField(
        "ongoing or completed",
        max_length=16,
        choices=TrainingProgramState.choices,
        default=TrainingProgramState.ONGOING,
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the sheet.")

    class Meta:
        ordering = ["profile", "position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "name"], name="training_program_name_once")
        ]

    def __str__(self) -> str:
        return self.name


# ---- Trainee support (INDGEN) ----------------------------------------------------------------


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


# ---- Prepared exports ------------------------------------------------------------------------


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


# ---- NIH inclusion enrollment ----------------------------------------------------------------


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
