"""The HRSA report's narrative per academic year and its configuration: the reporting
profile (how collected categories map to the APR's columns, with its defaults) and the
training programs kept on it."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.choices import RaceEthnicity, Sex

from ..choices import (
    DEFAULT_HISPANIC_CODES,
    DEFAULT_RACE_MAP,
    DEFAULT_SEX_COLUMNS,
    DEFAULT_SEX_MAP,
    DEFAULT_URM_CODES,
    MAPPABLE_RACES,
    NOT_REPORTED_LABEL,
    TrainingProgramState,
    TrainingProgramType,
)
from ..validators import validate_period_label


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
