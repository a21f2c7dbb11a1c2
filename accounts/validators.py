"""Validators for identifiers people type in: ORCID iD and eRA Commons ID."""

import re

from django.core.exceptions import ValidationError

ORCID_RE = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ERA_COMMONS_RE = re.compile(r"^[A-Za-z0-9_.\-]{6,20}$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    remainder = total % 11
    result = (12 - remainder) % 11
    expected = "X" if result == 10 else str(result)
    return digits[-1] == expected


def normalize_orcid(value: str) -> str:
    value = value.strip()
    for prefix in ("https://orcid.org/", "http://orcid.org/", "orcid.org/"):
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
    return value.upper()


def validate_orcid(value: str) -> None:
    value = normalize_orcid(value)
    if not ORCID_RE.match(value):
        raise ValidationError(
            "Enter an ORCID iD as 0000-0000-0000-0000 (16 characters, the last may be X).",
            code="orcid_format",
        )
    if not orcid_checksum_ok(value):
        raise ValidationError(
            "This ORCID iD's check digit is wrong; please copy it again from orcid.org.",
            code="orcid_checksum",
        )


def validate_era_commons_id(value: str) -> None:
    if not ERA_COMMONS_RE.match(value.strip()):
        raise ValidationError(
            "An eRA Commons ID has 6 to 20 letters, digits, dots, dashes or underscores.",
            code="era_commons",
        )
