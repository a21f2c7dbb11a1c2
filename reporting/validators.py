"""Checks on what awardees record: identifiers, amounts, dates and reporting periods."""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError

from grants.validators import LONG_TEXT_MAX

# Crossref's recommended pattern, relaxed to any non-space suffix (older DOIs use odd ones).
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^\d{1,8}$")
PERIOD_RE = re.compile(r"^(\d{4})-(\d{4})$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi.org/", "doi:")
# Three years: the CTSA pilot-outcome metric (reporting.pilot_outcomes) looks at awards that
# ended 1, 2 and 3 years ago, so their papers and grants must be recordable that long after.
DEFAULT_REPORTING_WINDOW_DAYS = 1096
# Hard character limits on the long texts (the short ones have their model's max_length):
# progress-report and program narratives, a publication's author list, a partnership's
# description. The same on the web forms, the API and in the services.
NARRATIVE_MAX = LONG_TEXT_MAX
OUTCOME_TEXT_LIMITS = {"authors": LONG_TEXT_MAX, "description": LONG_TEXT_MAX}


def normalize_doi(value: str) -> str:
    """DOIs are case-insensitive: store them bare and lower-case."""
    value = (value or "").strip()
    lowered = value.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    return value.lower()


def normalize_pmid(value) -> str:
    value = str(value or "").strip()
    if value.lower().startswith("pmid:"):
        value = value[5:].strip()
    return value


def validate_doi(value: str) -> None:
    if not DOI_RE.match(normalize_doi(value)):
        raise ValidationError(
            "Enter a DOI such as 10.1000/xyz123 (it starts with “10.” and has a “/”).",
            code="doi_format",
        )


def validate_pmid(value: str) -> None:
    if not PMID_RE.match(normalize_pmid(value)):
        raise ValidationError("Enter a PubMed ID of 1 to 8 digits.", code="pmid_format")


def validate_amount(value) -> Decimal:
    """A non-negative dollar amount; returns it as a Decimal."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            "Enter the amount as a number, e.g. 25000.00.", code="amount_format"
        ) from exc
    if not amount.is_finite():
        raise ValidationError("Enter the amount as a number, e.g. 25000.00.", code="amount_format")
    if amount < 0:
        raise ValidationError("The amount cannot be negative.", code="amount_negative")
    return amount


def validate_period_label(value: str) -> None:
    """An academic year written as ``2025-2026`` (the second year follows the first)."""
    match = PERIOD_RE.match(value or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            "Write the period as two consecutive years, e.g. 2025-2026.", code="period_format"
        )


def reporting_window() -> timedelta:
    """How long after an award ends its outcomes may still be recorded against it: the results
    of funded work (papers, grants) appear months later. Setting:
    ``NORTHSTAR_OUTCOME_WINDOW_DAYS`` (default 1096, three years)."""
    days = getattr(settings, "NORTHSTAR_OUTCOME_WINDOW_DAYS", DEFAULT_REPORTING_WINDOW_DAYS)
    return timedelta(days=int(days))


def outcome_date_problem(on: date, awards) -> str:
    """Why ``on`` lies outside the life of every award given ('' when it lies inside one).

    An award's life for outcomes is its start date to its effective end plus the reporting
    window.
    """
    awards = list(awards)
    window = reporting_window()
    if not awards or any(a.start_date <= on <= a.effective_end + window for a in awards):
        return ""
    first = min(a.start_date for a in awards)
    last = max(a.effective_end for a in awards) + window
    return (
        f"The date must fall within the award's life and reporting window "
        f"({first:%B %-d, %Y} to {last:%B %-d, %Y})."
    )


def validate_outcome_date(on: date | None, *, awards, field: str) -> None:
    """Raise ``ValidationError({field: [...]})`` when the date is outside every award's life."""
    if on is None:
        return
    problem = outcome_date_problem(on, awards)
    if problem:
        raise ValidationError({field: [problem]})
