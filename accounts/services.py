"""Writes for people: accounts, profiles, demographics and roles."""

from django.contrib.auth.models import Group
from django.db import transaction

from .choices import Role
from .models import Demographics, Profile, User


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str = "",
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    applicant_type: str = "",
    department: str = "",
    roles: tuple[Role, ...] = (),
) -> User:
    """Create a user with an (empty or given) profile and the given site roles."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, applicant_type=applicant_type, department=department)
    for role in roles:
        role_grant(user=user, role=role)
    return user


def profile_for(user: User) -> Profile:
    """The user's profile, created on first use (users made in the admin have none yet)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def role_grant(*, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    user.__dict__.pop("_role_cache", None)


def role_revoke(*, user: User, role: Role) -> None:
    group = Group.objects.filter(name=str(role)).first()
    if group:
        user.groups.remove(group)
    user.__dict__.pop("_role_cache", None)


def demographics_for(user: User) -> Demographics:
    demographics, _ = Demographics.objects.get_or_create(user=user)
    return demographics


def ensure_role_groups() -> None:
    for role in Role:
        Group.objects.get_or_create(name=str(role))
