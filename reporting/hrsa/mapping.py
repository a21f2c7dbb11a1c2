"""From what a person reported to the APR's categories, under a reporting profile.

Pure functions of (profile, demographics): the builder classifies every participant through
them, and so do the tests.
"""

from dataclasses import dataclass, field

from accounts.choices import PREFER_NOT, TRAINEE_TYPES

from ..choices import (
    DEFAULT_HISPANIC_CODES,
    DEFAULT_RACE_MAP,
    DEFAULT_SEX_COLUMNS,
    DEFAULT_SEX_MAP,
    DEFAULT_URM_CODES,
    LEVEL_OF_APPLICANT_TYPE,
    NOT_REPORTED,
    NOT_REPORTED_LABEL,
    AgeGroup,
    AprEthnicity,
    AprRace,
    ParticipantLevel,
)

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Mapping:
    """The parts of a ReportingProfile the counts use (a plain copy, so tests need no DB)."""

    label: str = "Default profile"
    race_map: dict = field(default_factory=lambda: dict(DEFAULT_RACE_MAP))
    hispanic_codes: frozenset = frozenset(DEFAULT_HISPANIC_CODES)
    sex_columns: tuple = tuple(DEFAULT_SEX_COLUMNS)
    sex_map: dict = field(default_factory=lambda: dict(DEFAULT_SEX_MAP))
    urm_codes: frozenset = frozenset(DEFAULT_URM_CODES)

    @classmethod
    def from_profile(cls, profile) -> "Mapping":
        return cls(
            label=str(profile),
            race_map=dict(profile.race_map or {}),
            hispanic_codes=frozenset(profile.hispanic_codes or []),
            sex_columns=tuple(profile.sex_columns or []),
            sex_map=dict(profile.sex_map or {}),
            urm_codes=frozenset(profile.urm_codes or []),
        )

    @property
    def sex_labels(self) -> list[str]:
        return [*self.sex_columns, NOT_REPORTED_LABEL]


def selected_codes(demographics) -> set[str] | None:
    """The race/ethnicity codes chosen, or None when unanswered or 'prefer not to answer'."""
    if demographics is None:
        return None
    codes = {str(c) for c in (demographics.race_ethnicity or []) if c}
    if not codes or PREFER_NOT in codes:
        return None
    return codes


def ethnicity_and_race(mapping: Mapping, demographics) -> tuple[str, str]:
    """DV-1's two questions, HRSA.md's rule: Hispanic selected -> Hispanic; else Not Hispanic
    when any race was selected; else Not reported. Race = the mapped races of the other
    codes; two or more distinct -> More than one race; none -> Not reported."""
    codes = selected_codes(demographics)
    if codes is None:
        return AprEthnicity.NOT_REPORTED, AprRace.NOT_REPORTED
    races = {mapping.race_map[c] for c in codes - mapping.hispanic_codes if c in mapping.race_map}
    if codes & mapping.hispanic_codes:
        ethnicity = AprEthnicity.HISPANIC
    elif races:
        ethnicity = AprEthnicity.NOT_HISPANIC
    else:
        ethnicity = AprEthnicity.NOT_REPORTED
    if len(races) >= 2:
        race = AprRace.MULTIPLE
    elif races:
        race = AprRace(races.pop())
    else:
        race = AprRace.NOT_REPORTED
    return ethnicity, race


def urm_status(mapping: Mapping, demographics) -> str:
    """yes / no / not_reported — unknown is never counted as no."""
    codes = selected_codes(demographics)
    if codes is None:
        return NOT_REPORTED
    return YES if codes & mapping.urm_codes else NO


def sex_label(mapping: Mapping, demographics) -> str:
    sex = getattr(demographics, "sex", "") or ""
    label = mapping.sex_map.get(sex)
    return label if label in mapping.sex_columns else NOT_REPORTED_LABEL


def age_group(demographics, end_year: int) -> str:
    """Age on the period's last day from the birth year alone: end year - birth year."""
    birth_year = getattr(demographics, "birth_year", None)
    if not birth_year or getattr(demographics, "birth_year_prefer_not", False):
        return AgeGroup.NOT_REPORTED
    age = end_year - birth_year
    if age < 20:
        return AgeGroup.UNDER_20
    if age >= 60:
        return AgeGroup.AGE_60_PLUS
    return [AgeGroup.AGE_20_29, AgeGroup.AGE_30_39, AgeGroup.AGE_40_49, AgeGroup.AGE_50_59][
        age // 10 - 2
    ]


def yes_no(value: str) -> str:
    """A yes/no/prefer-not answer as yes / no / not_reported."""
    return value if value in (YES, NO) else NOT_REPORTED


def answer(demographics, attribute: str) -> str:
    return yes_no(getattr(demographics, attribute, "") or "")


def participant_level(applicant_type: str) -> str:
    return LEVEL_OF_APPLICANT_TYPE.get(applicant_type or "", ParticipantLevel.STAFF_OTHER)


def is_trainee_type(applicant_type: str) -> bool:
    return (applicant_type or "") in TRAINEE_TYPES


def demographics_answered(demographics) -> bool:
    """Whether the person answered anything ('prefer not to answer' is an answer)."""
    if demographics is None:
        return False
    return bool(
        demographics.race_ethnicity
        or demographics.sex
        or demographics.birth_year
        or demographics.birth_year_prefer_not
        or demographics.disadvantaged
        or demographics.rural_background
        or demographics.first_generation
    )
