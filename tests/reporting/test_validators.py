"""Identifier, amount, period and outcome-date checks, alone and through the outcome services."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reporting import services
from reporting.models import FollowOnFunding, Presentation, Publication
from reporting.validators import (
    normalize_doi,
    validate_amount,
    validate_doi,
    validate_outcome_date,
    validate_period_label,
    validate_pmid,
)
from tests.reporting.support import simple_award


@pytest.mark.parametrize(
    "value",
    [
        "10.1000/xyz123",
        "10.1371/journal.pone.0123456",
        "https://doi.org/10.1001/JAMA.2020.1",
        "doi:10.12345/a(b)c",
    ],
)
def test_doi_accepts_well_formed(value):
    validate_doi(value)


@pytest.mark.parametrize(
    "value", ["", "10.1000", "11.1000/x", "10.12/x", "10.1000/ has space", "xyz"]
)
def test_doi_rejects_malformed(value):
    with pytest.raises(ValidationError) as exc:
        validate_doi(value)

    assert exc.value.messages == [
        "Enter a DOI such as 10.1000/xyz123 (it starts with “10.” and has a “/”)."
    ]


def test_doi_is_stored_bare_and_lower_case():
    assert normalize_doi(" https://doi.org/10.1001/JAMA.2020.1 ") == "10.1001/jama.2020.1"


@pytest.mark.parametrize("value", ["1", "12345678", " 31415926 ", "PMID: 123"])
def test_pmid_accepts_one_to_eight_digits(value):
    validate_pmid(value)


@pytest.mark.parametrize("value", ["", "123456789", "12a45", "-5", "PMC12345"])
def test_pmid_rejects_other_forms(value):
    with pytest.raises(ValidationError) as exc:
        validate_pmid(value)

    assert exc.value.messages == ["Enter a PubMed ID of 1 to 8 digits."]


def test_amount_zero_and_positive_are_decimals():
    assert validate_amount("0") == Decimal("0")
    assert validate_amount("2500.50") == Decimal("2500.50")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0.01", "The amount cannot be negative."),
        ("ten", "Enter the amount as a number, e.g. 25000.00."),
        ("NaN", "Enter the amount as a number, e.g. 25000.00."),
    ],
)
def test_amount_rejects_negative_and_non_numbers(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_amount(value)

    assert exc.value.messages == [message]


@pytest.mark.parametrize("value", ["2025-2026", "1999-2000"])
def test_period_label_accepts_consecutive_years(value):
    validate_period_label(value)


@pytest.mark.parametrize("value", ["2025-2027", "2025", "2025/2026", "25-26", ""])
def test_period_label_rejects_others(value):
    with pytest.raises(ValidationError):
        validate_period_label(value)


class _Award:
    def __init__(self, start, end):
        self.start_date, self.effective_end = start, end


def test_outcome_date_window_is_start_to_effective_end_plus_three_years():
    award = _Award(date(2025, 1, 1), date(2025, 12, 31))

    validate_outcome_date(date(2025, 1, 1), awards=[award], field="presented_on")
    # 1,096 days: the CTSA pilot metric's 3-year window sees a paper that late.
    validate_outcome_date(date(2028, 12, 31), awards=[award], field="presented_on")
    with pytest.raises(ValidationError) as exc:
        validate_outcome_date(date(2029, 1, 1), awards=[award], field="presented_on")
    assert exc.value.message_dict == {
        "presented_on": [
            "The date must fall within the award's life and reporting window "
            "(January 1, 2025 to December 31, 2028)."
        ]
    }
    with pytest.raises(ValidationError):
        validate_outcome_date(date(2024, 12, 31), awards=[award], field="presented_on")


def test_outcome_date_window_follows_the_setting(settings):
    settings.NORTHSTAR_OUTCOME_WINDOW_DAYS = 30
    award = _Award(date(2025, 1, 1), date(2025, 12, 31))

    with pytest.raises(ValidationError):
        validate_outcome_date(date(2026, 2, 1), awards=[award], field="on")


def test_outcome_date_inside_any_linked_award_is_enough():
    early = _Award(date(2020, 1, 1), date(2020, 12, 31))
    late = _Award(date(2025, 1, 1), date(2025, 12, 31))

    validate_outcome_date(date(2025, 6, 1), awards=[early, late], field="on")


# ---- the same rules through the services (what the forms and the API call) -------------------


@pytest.mark.django_db
def test_publication_service_rejects_bad_doi_and_pmid_and_saves_nothing():
    award, admin = simple_award()

    with pytest.raises(ValidationError) as exc:
        services.publication_create(
            actor=admin, awards=[award], data={"title": "T", "doi": "10.1/x", "pmid": "abc"}
        )

    assert set(exc.value.message_dict) == {"doi", "pmid"}
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_follow_on_service_rejects_negative_amount():
    award, admin = simple_award()

    with pytest.raises(ValidationError) as exc:
        services.follow_on_funding_create(
            actor=admin,
            awards=[award],
            data={
                "sponsor": "NIH",
                "sponsor_type": "nih",
                "amount": "-1",
                "status": "applied",
                "applied_on": date(2025, 6, 1),
            },
        )

    assert exc.value.message_dict == {"amount": ["The amount cannot be negative."]}
    assert not FollowOnFunding.objects.exists()


@pytest.mark.django_db
def test_presentation_service_rejects_a_date_outside_the_window():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))

    with pytest.raises(ValidationError) as exc:
        services.presentation_create(
            actor=admin,
            awards=[award],
            data={
                "title": "Late talk",
                "venue": "APHA",
                "presented_on": date(2029, 1, 2),
                "kind": "oral",
                "level": "national",
            },
        )

    assert list(exc.value.message_dict) == ["presented_on"]
    assert not Presentation.objects.exists()


@pytest.mark.django_db
def test_a_late_outcome_is_accepted_within_the_window():
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))

    presentation = services.presentation_create(
        actor=admin,
        awards=[award],
        data={
            "title": "Results",
            "venue": "APHA",
            "presented_on": "2026-11-03",
            "kind": "poster",
            "level": "national",
        },
    )

    assert presentation.presented_on == date(2026, 11, 3)
