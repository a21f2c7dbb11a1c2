"""Writes for people: users with profiles, roles, and the restricted demographics record."""

import pytest
from django.contrib.auth.models import Group

from accounts.choices import ApplicantType, Role
from accounts.models import Demographics, Profile, User
from accounts.services import (
    demographics_for,
    ensure_role_groups,
    profile_for,
    role_grant,
    role_revoke,
    user_create,
)

pytestmark = pytest.mark.django_db


def test_user_create_makes_profile_and_usable_password():
    user = user_create(
        username="mgarcia",
        email="mgarcia@example.edu",
        password="correct-horse-battery-staple",
        first_name="María",
        last_name="García",
        applicant_type=ApplicantType.RESIDENT,
        department="Pediatrics",
    )

    user = User.objects.get(pk=user.pk)
    assert (user.username, user.email, user.display_name, str(user)) == (
        "mgarcia",
        "mgarcia@example.edu",
        "María García",
        "María García",
    )
    assert user.check_password("correct-horse-battery-staple") is True
    assert (user.profile.applicant_type, user.profile.department) == ("resident", "Pediatrics")
    assert user.profile.is_trainee is True
    assert user.profile.is_faculty is False


def test_user_create_without_password_cannot_sign_in_with_one():
    user = user_create(username="sso-only")

    assert user.has_usable_password() is False
    assert Profile.objects.filter(user=user).count() == 1


def test_user_create_display_name_falls_back_to_username():
    user = user_create(username="nobody")

    assert user.display_name == "nobody"


def test_user_create_with_roles_puts_user_in_groups():
    user = user_create(username="staff", roles=(Role.ADMINISTRATOR, Role.REVIEWER))

    assert set(user.groups.values_list("name", flat=True)) == {"administrator", "reviewer"}
    assert (user.has_role(Role.ADMINISTRATOR), user.has_role(Role.REVIEWER)) == (True, True)
    assert user.has_role(Role.CHAIR) is False
    assert user.is_administrator is True


def test_user_create_without_roles_has_none():
    user = user_create(username="applicant")

    assert [user.has_role(role) for role in Role] == [False, False, False]
    assert user.is_administrator is False


def test_role_grant_seen_by_same_instance_after_cache_warm():
    user = user_create(username="later-chair")
    assert user.has_role(Role.CHAIR) is False  # warms the cache

    role_grant(user=user, role=Role.CHAIR)

    assert user.has_role(Role.CHAIR) is True


def test_role_revoke_seen_by_same_instance_after_cache_warm():
    user = user_create(username="ex-admin", roles=(Role.ADMINISTRATOR,))
    assert user.is_administrator is True  # warms the cache

    role_revoke(user=user, role=Role.ADMINISTRATOR)

    assert user.is_administrator is False
    assert User.objects.get(pk=user.pk).has_role(Role.ADMINISTRATOR) is False


def test_role_grant_twice_is_one_membership():
    user = user_create(username="twice")

    role_grant(user=user, role=Role.REVIEWER)
    role_grant(user=user, role=Role.REVIEWER)

    assert list(user.groups.values_list("name", flat=True)) == ["reviewer"]


def test_role_revoke_role_never_created_is_harmless():
    user = user_create(username="plain")

    role_revoke(user=user, role=Role.CHAIR)

    assert Group.objects.filter(name="chair").exists() is False
    assert user.has_role(Role.CHAIR) is False


def test_has_role_accepts_plain_string():
    user = user_create(username="rev", roles=(Role.REVIEWER,))

    assert user.has_role("reviewer") is True


def test_superuser_is_administrator_without_group():
    superuser = User.objects.create_superuser("root", "root@example.edu", "x")

    assert superuser.is_administrator is True
    assert superuser.has_role(Role.REVIEWER) is False


def test_profile_for_creates_missing_profile_once():
    user = User.objects.create_user("admin-made", "a@example.edu", "x")

    first = profile_for(user)
    second = profile_for(user)

    assert first.pk == second.pk
    assert (first.applicant_type, first.department) == ("", "")
    assert Profile.objects.filter(user=user).count() == 1


def test_profile_for_returns_existing_profile():
    user = user_create(username="has-profile", applicant_type=ApplicantType.INSTRUCTOR)

    assert profile_for(user).applicant_type == ApplicantType.INSTRUCTOR


def test_demographics_for_creates_empty_record_once():
    user = user_create(username="private")

    first = demographics_for(user)
    second = demographics_for(user)

    assert first.pk == second.pk
    assert Demographics.objects.filter(user=user).count() == 1
    assert (first.race_ethnicity, first.sex, first.birth_year, first.disadvantaged) == (
        [],
        "",
        None,
        "",
    )


def test_ensure_role_groups_creates_each_role_once():
    ensure_role_groups()
    ensure_role_groups()

    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "administrator",
        "chair",
        "reviewer",
    ]


@pytest.mark.parametrize(
    ("applicant_type", "trainee", "faculty"),
    [
        (ApplicantType.INSTRUCTOR, False, True),
        (ApplicantType.FULL_PROFESSOR, False, True),
        (ApplicantType.POSTDOC, True, False),
        (ApplicantType.PATHWAY_STUDENT, True, False),
        (ApplicantType.STAFF, False, False),
        ("", False, False),
    ],
)
def test_profile_trainee_and_faculty_flags(applicant_type, trainee, faculty):
    user = user_create(username="p", applicant_type=applicant_type)

    assert (user.profile.is_trainee, user.profile.is_faculty) == (trainee, faculty)


def test_profile_keywords_split_trimmed_lowercased():
    user = user_create(username="kw")
    profile = profile_for(user)
    profile.expertise_keywords = " Diabetes, Community Health Workers ,,  rural health,"

    assert profile.keywords == ["diabetes", "community health workers", "rural health"]
