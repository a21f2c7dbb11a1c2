"""The profile form (identifiers) and the self-reported demographics form."""

import pytest
from django.utils import timezone

from accounts.choices import ApplicantType, DisadvantagedBasis, RaceEthnicity, Sex
from accounts.forms import DemographicsForm, ProfileForm
from accounts.models import Demographics
from accounts.services import demographics_for, profile_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
PREFER_NOT_ALONE = "Choose “Prefer not to answer” on its own, or choose categories."


# ---- ProfileForm -----------------------------------------------------------------------------


def _profile_form(user, **data):
    return ProfileForm(
        data={"applicant_type": ApplicantType.POSTDOC, "department": "Medicine", **data},
        instance=profile_for(user),
    )


def test_profile_form_valid_orcid_saved():
    user = make_user()
    form = _profile_form(user, orcid="0000-0002-1825-0097", era_commons_id="JSMITH1")

    assert form.is_valid(), form.errors
    form.save()

    profile = profile_for(user)
    profile.refresh_from_db()
    assert (profile.applicant_type, profile.orcid, profile.era_commons_id) == (
        ApplicantType.POSTDOC,
        "0000-0002-1825-0097",
        "JSMITH1",
    )


def test_profile_form_lowercase_x_and_spaces_normalised():
    form = _profile_form(make_user(), orcid="  0000-0002-1694-233x ")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["orcid"] == "0000-0002-1694-233X"


def test_profile_form_blank_identifiers_allowed():
    form = _profile_form(make_user(), orcid="", era_commons_id="")

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["orcid"], form.cleaned_data["era_commons_id"]) == ("", "")


@pytest.mark.parametrize(
    "pasted",
    [
        "https://orcid.org/0000-0002-1825-0097",
        "http://orcid.org/0000-0002-1825-0097",
        "orcid.org/0000-0002-1825-0097",
    ],
)
def test_profile_form_orcid_url_prefix_normalised_and_saved(pasted):
    user = make_user()
    form = _profile_form(user, orcid=pasted)

    assert form.is_valid(), form.errors
    form.save()

    assert profile_for(user).orcid == "0000-0002-1825-0097"


def test_profile_form_orcid_url_with_wrong_check_digit_refused():
    form = _profile_form(make_user(), orcid="https://orcid.org/0000-0002-1825-0096")

    assert form.is_valid() is False
    assert form.errors["orcid"] == [
        "This ORCID iD's check digit is wrong; please copy it again from orcid.org."
    ]


def test_profile_form_orcid_wrong_check_digit_refused():
    form = _profile_form(make_user(), orcid="0000-0002-1825-0096")

    assert form.is_valid() is False
    assert form.errors["orcid"] == [
        "This ORCID iD's check digit is wrong; please copy it again from orcid.org."
    ]


def test_profile_form_orcid_bad_format_refused():
    form = _profile_form(make_user(), orcid="0000-0002-1825")

    assert form.is_valid() is False
    assert form.errors["orcid"] == [
        "Enter an ORCID iD as 0000-0000-0000-0000 (16 characters, the last may be X)."
    ]


def test_profile_form_bad_era_commons_id_refused():
    form = _profile_form(make_user(), era_commons_id="abc")

    assert form.is_valid() is False
    assert form.errors["era_commons_id"] == [
        "An eRA Commons ID has 6 to 20 letters, digits, dots, dashes or underscores."
    ]


# ---- DemographicsForm ------------------------------------------------------------------------


def _demographics_form(user, **data):
    return DemographicsForm(data=data, instance=demographics_for(user))


def test_demographics_form_everything_blank_is_valid():
    form = _demographics_form(make_user())

    assert form.is_valid(), form.errors


def test_demographics_form_several_categories_saved_as_list():
    user = make_user()
    form = _demographics_form(
        user,
        race_ethnicity=[RaceEthnicity.HISPANIC_LATINO, RaceEthnicity.AMERICAN_INDIAN_ALASKA_NATIVE],
        race_ethnicity_detail="Mexican; Navajo Nation",
        sex=Sex.FEMALE,
        birth_year=str(THIS_YEAR - 30),
        disadvantaged="no",
        rural_background="yes",
        first_generation="prefer_not",
    )

    assert form.is_valid(), form.errors
    form.save()

    saved = Demographics.objects.get(user=user)
    assert saved.race_ethnicity == ["hispanic", "aian"]
    assert (saved.sex, saved.birth_year, saved.rural_background, saved.first_generation) == (
        "female",
        THIS_YEAR - 30,
        "yes",
        "prefer_not",
    )


def test_demographics_form_prefer_not_alone_valid():
    form = _demographics_form(make_user(), race_ethnicity=[RaceEthnicity.PREFER_NOT])

    assert form.is_valid(), form.errors
    assert form.cleaned_data["race_ethnicity"] == ["prefer_not"]


def test_demographics_form_prefer_not_with_categories_refused():
    form = _demographics_form(
        make_user(), race_ethnicity=[RaceEthnicity.PREFER_NOT, RaceEthnicity.WHITE]
    )

    assert form.is_valid() is False
    assert form.errors == {"race_ethnicity": [PREFER_NOT_ALONE]}


def test_demographics_form_unknown_category_refused():
    form = _demographics_form(make_user(), race_ethnicity=["martian"])

    assert form.is_valid() is False
    assert list(form.errors) == ["race_ethnicity"]


@pytest.mark.parametrize("age", [14, 50, 100])
def test_demographics_form_birth_year_in_range_valid(age):
    form = _demographics_form(make_user(), birth_year=str(THIS_YEAR - age))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_year"] == THIS_YEAR - age


@pytest.mark.parametrize("age", [13, 0, 101, 150])
def test_demographics_form_birth_year_out_of_range_refused(age):
    form = _demographics_form(make_user(), birth_year=str(THIS_YEAR - age))

    assert form.is_valid() is False
    assert form.errors == {
        "birth_year": [f"Enter a birth year between {THIS_YEAR - 100} and {THIS_YEAR - 14}."]
    }


def test_demographics_form_birth_year_prefer_not_clears_year():
    user = make_user()
    form = _demographics_form(user, birth_year=str(THIS_YEAR - 40), birth_year_prefer_not="on")

    assert form.is_valid(), form.errors
    form.save()

    saved = Demographics.objects.get(user=user)
    assert (saved.birth_year, saved.birth_year_prefer_not) == (None, True)


def test_demographics_form_disadvantaged_yes_requires_basis():
    form = _demographics_form(make_user(), disadvantaged="yes")

    assert form.is_valid() is False
    assert form.errors == {"disadvantaged_basis": ["Tell us the basis, or answer “No”."]}


def test_demographics_form_disadvantaged_yes_with_basis_saved():
    user = make_user()
    form = _demographics_form(
        user, disadvantaged="yes", disadvantaged_basis=DisadvantagedBasis.ECONOMIC
    )

    assert form.is_valid(), form.errors
    form.save()

    saved = Demographics.objects.get(user=user)
    assert (saved.disadvantaged, saved.disadvantaged_basis) == ("yes", "economic")


@pytest.mark.parametrize("answer", ["no", "prefer_not", ""])
def test_demographics_form_basis_dropped_unless_disadvantaged_yes(answer):
    user = make_user()
    form = _demographics_form(
        user, disadvantaged=answer, disadvantaged_basis=DisadvantagedBasis.BOTH
    )

    assert form.is_valid(), form.errors
    form.save()

    assert Demographics.objects.get(user=user).disadvantaged_basis == ""


def test_demographics_form_several_problems_reported_together():
    form = _demographics_form(
        make_user(),
        race_ethnicity=[RaceEthnicity.PREFER_NOT, RaceEthnicity.ASIAN],
        birth_year=str(THIS_YEAR),
        disadvantaged="yes",
    )

    assert form.is_valid() is False
    assert set(form.errors) == {"race_ethnicity", "birth_year", "disadvantaged_basis"}
