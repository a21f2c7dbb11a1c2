"""From collected answers to the APR's categories, periods, and the versioned profile."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from reporting.choices import AgeGroup, AprEthnicity, AprRace
from reporting.hrsa import build_report
from reporting.hrsa.builder import profile_for_period
from reporting.hrsa.mapping import (
    Mapping,
    age_group,
    demographics_answered,
    ethnicity_and_race,
    sex_label,
    urm_status,
)
from reporting.hrsa.periods import Period, available_periods, current_period, parse_period
from reporting.models import ReportingProfile


def answers(**fields):
    base = {
        "race_ethnicity": [],
        "sex": "",
        "birth_year": None,
        "birth_year_prefer_not": False,
        "disadvantaged": "",
        "rural_background": "",
        "first_generation": "",
    }
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["hispanic", "white"], (AprEthnicity.HISPANIC, AprRace.WHITE)),
        (["hispanic"], (AprEthnicity.HISPANIC, AprRace.NOT_REPORTED)),
        (["mena"], (AprEthnicity.NOT_HISPANIC, AprRace.WHITE)),
        # MENA and White both map to White: one race, not two.
        (["mena", "white"], (AprEthnicity.NOT_HISPANIC, AprRace.WHITE)),
        (["black", "asian"], (AprEthnicity.NOT_HISPANIC, AprRace.MULTIPLE)),
        (["hispanic", "aian", "nhpi"], (AprEthnicity.HISPANIC, AprRace.MULTIPLE)),
        (["prefer_not"], (AprEthnicity.NOT_REPORTED, AprRace.NOT_REPORTED)),
        (["white", "prefer_not"], (AprEthnicity.NOT_REPORTED, AprRace.NOT_REPORTED)),
        ([], (AprEthnicity.NOT_REPORTED, AprRace.NOT_REPORTED)),
    ],
)
def test_two_question_mapping_default_profile(codes, expected):
    assert ethnicity_and_race(Mapping(), answers(race_ethnicity=codes)) == expected


def test_no_record_is_not_reported_on_both():
    assert ethnicity_and_race(Mapping(), None) == (AprEthnicity.NOT_REPORTED, AprRace.NOT_REPORTED)
    assert urm_status(Mapping(), None) == "not_reported"


def test_a_profile_can_map_mena_separately_from_white():
    """E.g. next year's form: MENA ignored for race (here: not mapped at all)."""
    mapping = Mapping(race_map={"white": "white", "black": "black"})

    assert ethnicity_and_race(mapping, answers(race_ethnicity=["mena"])) == (
        AprEthnicity.NOT_REPORTED,
        AprRace.NOT_REPORTED,
    )
    assert ethnicity_and_race(mapping, answers(race_ethnicity=["mena", "black"])) == (
        AprEthnicity.NOT_HISPANIC,
        AprRace.BLACK,
    )


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["hispanic", "white"], "yes"),
        (["asian"], "no"),
        (["mena"], "no"),
        (["asian", "nhpi"], "yes"),
        (["prefer_not"], "not_reported"),
    ],
)
def test_urm_from_the_profiles_set(codes, expected):
    assert urm_status(Mapping(), answers(race_ethnicity=codes)) == expected


@pytest.mark.parametrize(
    ("birth_year", "expected"),
    [
        (2007, AgeGroup.UNDER_20),
        (2006, AgeGroup.AGE_20_29),
        (1997, AgeGroup.AGE_20_29),
        (1996, AgeGroup.AGE_30_39),
        (1967, AgeGroup.AGE_50_59),
        (1966, AgeGroup.AGE_60_PLUS),
        (None, AgeGroup.NOT_REPORTED),
    ],
)
def test_age_on_the_last_day_from_the_birth_year(birth_year, expected):
    assert age_group(answers(birth_year=birth_year), 2026) == expected


def test_sex_as_reported_through_the_profile():
    assert sex_label(Mapping(), answers(sex="female")) == "Female"
    assert sex_label(Mapping(), answers(sex="intersex")) == "Another sex or gender"
    assert sex_label(Mapping(), answers(sex="prefer_not")) == "Not reported"
    assert sex_label(Mapping(), None) == "Not reported"


def test_prefer_not_answers_count_as_answered():
    assert demographics_answered(None) is False
    assert demographics_answered(answers()) is False
    assert demographics_answered(answers(race_ethnicity=["prefer_not"])) is True


# ---- Periods -----------------------------------------------------------------------------------


def test_period_is_july_first_to_june_thirtieth_in_the_program_zone():
    period = parse_period("2025-2026")

    assert (period.start, period.end) == (date(2025, 7, 1), date(2026, 6, 30))
    assert period.start_at.isoformat() == "2025-07-01T00:00:00-07:00"
    assert period.end_at.isoformat() == "2026-07-01T00:00:00-07:00"
    assert period.previous.label == "2024-2025"
    assert period.display == "July 1, 2025 – June 30, 2026"


def test_current_period_turns_over_on_july_first():
    assert current_period(date(2026, 6, 30)).label == "2025-2026"
    assert current_period(date(2026, 7, 1)).label == "2026-2027"


@pytest.mark.django_db
def test_available_periods_from_first_award_to_now(world):
    labels = [p.label for p in available_periods(date(2026, 11, 22))]

    # The first call closed in March 2024 (period 2023-2024).
    assert labels == ["2026-2027", "2025-2026", "2024-2025", "2023-2024"]


@pytest.mark.django_db
def test_available_periods_with_no_data_is_the_current_one():
    assert available_periods(date(2026, 11, 22)) == [Period(2026)]


# ---- The versioned profile ----------------------------------------------------------------------


@pytest.mark.django_db
def test_default_profile_comes_from_the_data_migration():
    profile = ReportingProfile.objects.get()

    assert profile.period == "2000-2001"
    assert profile.race_map["mena"] == "white"
    assert sorted(profile.urm_codes) == ["aian", "black", "hispanic", "nhpi"]
    assert profile.valid_from == date(2000, 7, 1)


@pytest.mark.django_db
def test_builder_uses_the_latest_profile_not_after_the_period():
    ReportingProfile.objects.create(
        period="2026-2027",
        name="APR 2027",
        race_map={
            "white": "white",
            "black": "black",
            "asian": "asian",
            "aian": "aian",
            "nhpi": "nhpi",
        },
        urm_codes=["aian", "black", "hispanic", "nhpi", "mena"],
    )

    assert profile_for_period(parse_period("2025-2026")).label.startswith("Default")
    assert profile_for_period(parse_period("2026-2027")).label == "APR 2027"
    assert profile_for_period(parse_period("2030-2031")).label == "APR 2027"
    assert "mena" in profile_for_period(parse_period("2027-2028")).urm_codes


@pytest.mark.django_db
def test_a_new_profile_changes_the_report_without_code(world):
    ReportingProfile.objects.create(
        period="2025-2026",
        name="MENA counted as URM",
        urm_codes=["aian", "black", "hispanic", "nhpi", "mena"],
    )

    grid = build_report("2025-2026").table("dv2").grid()

    assert grid["Underrepresented minority (URM) — yes"]["completers"] == 2  # dan now counts
    assert grid["Disadvantaged — yes, of which not URM"]["completers"] == 0


@pytest.mark.django_db
def test_profile_clean_rejects_unknown_codes_and_columns():
    profile = ReportingProfile(
        period="2026-2027",
        race_map={"white": "white", "martian": "white", "mena": "mena"},
        hispanic_codes="hispanic",
        sex_columns=["Female", "Male"],
        sex_map={"female": "Female", "male": "Man"},
        urm_codes=["black"],
    )

    with pytest.raises(ValidationError) as exc:
        profile.full_clean()

    assert exc.value.message_dict == {
        "race_map": [
            "Unknown codes: martian.",
            "Map to one of aian, asian, black, nhpi, white (not mena).",
        ],
        "hispanic_codes": [
            "Give a list of codes from: aian, asian, black, hispanic, mena, nhpi, prefer_not, white."
        ],
        "sex_map": ["Map to one of the sex columns (not Man)."],
    }
