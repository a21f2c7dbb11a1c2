"""A person's own profile and demographics pages."""

import pytest
from django.urls import reverse

from accounts.choices import Role
from accounts.models import Demographics
from tests.factories import make_admin, make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def test_profile_rejects_orcid_with_bad_check_digit_and_keeps_input():
    user = make_user()
    client = signed_in(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "user-first_name": "Ana",
            "user-last_name": "Reyes",
            "user-email": "ana@example.edu",
            "profile-applicant_type": "medical_student",
            "profile-department": "School of Medicine",
            "profile-orcid": "0000-0002-1825-0098",
        },
    )

    user.profile.refresh_from_db()
    assert response.status_code == 200
    assert list(response.context["profile_form"].errors) == ["orcid"]
    assert response.context["profile_form"]["department"].value() == "School of Medicine"
    assert user.profile.orcid == ""


def test_profile_saves_normalised_orcid():
    user = make_user()
    client = signed_in(user)

    response = client.post(
        reverse("accounts:profile"),
        {
            "user-first_name": "Ana",
            "user-last_name": "Reyes",
            "user-email": "ana@example.edu",
            "profile-applicant_type": "medical_student",
            "profile-orcid": "https://orcid.org/0000-0002-1825-0097",
        },
    )

    user.profile.refresh_from_db()
    assert response.status_code == 302
    assert user.profile.orcid == "0000-0002-1825-0097"
    assert user.profile.is_trainee is True


def test_demographics_saved_for_self_only():
    user = make_user()
    other = make_user()
    client = signed_in(user)

    response = client.post(
        reverse("accounts:demographics"),
        {
            "race_ethnicity": ["black", "hispanic"],
            "sex": "female",
            "birth_year": "1990",
            "disadvantaged": "yes",
            "disadvantaged_basis": "economic",
            "rural_background": "no",
            "first_generation": "prefer_not",
        },
    )

    saved = Demographics.objects.get(user=user)
    assert response.status_code == 302
    assert saved.race_ethnicity == ["black", "hispanic"]
    assert saved.disadvantaged_basis == "economic"
    assert not Demographics.objects.filter(user=other).exists()
    assert response["Cache-Control"].startswith("max-age=0")


def test_demographics_prefer_not_with_categories_is_a_field_error():
    client = signed_in(make_user())

    response = client.post(
        reverse("accounts:demographics"), {"race_ethnicity": ["asian", "prefer_not"]}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["race_ethnicity"]


def test_demographics_permission_allows_self_and_administrator_only():
    person = make_user()
    admin = make_admin()
    reviewer = make_user(roles=(Role.REVIEWER, Role.CHAIR))

    assert person.has_perm("accounts.view_demographics_of", person) is True
    assert admin.has_perm("accounts.view_demographics_of", person) is True
    assert reviewer.has_perm("accounts.view_demographics_of", person) is False


def test_password_change_page_renders():
    response = signed_in(make_user()).get(reverse("password_change"))

    assert response.status_code == 200
    assert b'name="new_password1"' in response.content


def test_password_reset_mails_a_link(client, mailoutbox):
    make_user("rosa")

    response = client.post(reverse("password_reset"), {"email": "rosa@example.edu"})

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_profile_requires_name_and_email_and_keeps_the_rest():
    user = make_user("nameless")
    response = signed_in(user).post(
        reverse("accounts:profile"),
        {
            "user-first_name": "",
            "user-last_name": "",
            "user-email": "",
            "profile-applicant_type": "medical_student",
            "profile-department": "Pediatrics",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 200
    assert set(response.context["name_form"].errors) == {"first_name", "last_name", "email"}
    assert response.context["profile_form"]["department"].value() == "Pediatrics"
    assert user.first_name == "Nameless" and user.email == "nameless@example.edu"


def test_fields_of_a_persons_own_data_say_their_purpose_for_autofill():
    """WCAG 1.3.5: name, e-mail and birth year carry an ``autocomplete`` purpose."""
    client = signed_in(make_user())

    profile = client.get(reverse("accounts:profile")).content.decode()
    demographics = client.get(reverse("accounts:demographics")).content.decode()

    for purpose in ("given-name", "family-name", "email"):
        assert f'autocomplete="{purpose}"' in profile
    assert 'autocomplete="bday-year"' in demographics
