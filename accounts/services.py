"""Writes for people: accounts, profiles, demographics, roles and API tokens."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .audit import audit_record
from .choices import AuditAction, Role
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


@transaction.atomic
def sign_out_everywhere(*, user: User, actor: User) -> None:
    """End every session of ``user`` — every browser, this one included — and revoke their API
    token: for a lost laptop or a shared computer. Audited. The caller signs the current
    request out as well."""
    User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=user,
        after={"sessions": "ended everywhere"},
        note="Signed out everywhere.",
    )
    api_token_revoke(user=user, actor=actor, reason="Signed out everywhere.")


def profile_position_changed(*, profile: Profile, before: str, actor: User) -> None:
    """Audit a change of a person's position (the career stage that decides the trainee
    rules). It never unlocks those rules on proposals already started: each proposal keeps the
    stage it was started at (grants.lifecycle.trainee_rules_apply)."""
    if before == profile.applicant_type:
        return
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=profile,
        before={"position": before},
        after={"position": profile.applicant_type},
        note="Position changed by the person themself."
        if actor.pk == profile.user_id
        else "Position corrected by an administrator.",
    )


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


# ---- API tokens: they follow the account -----------------------------------------------------
# An account has at most one token (DRF's Token). It expires NORTHSTAR_API_TOKEN_LIFETIME after
# it was issued (accounts.api.authentication refuses it from then on), and it is deleted when
# the account's password changes or the account is deactivated (accounts.signals) and when its
# owner revokes it (the API and the profile page).


@transaction.atomic
def api_token_issue(*, actor: User) -> Token:
    """The actor's own API token: the one they have while it is valid, else a new one (an
    expired token is replaced). The caller has checked the password; the key is shown to the
    actor once, in the answer to this request."""
    expired_before = timezone.now() - settings.NORTHSTAR_API_TOKEN_LIFETIME
    Token.objects.filter(user=actor, created__lte=expired_before).delete()
    token, _ = Token.objects.get_or_create(user=actor)
    return token


@transaction.atomic
def api_token_revoke(*, user: User, actor: User | None, reason: str = "") -> bool:
    """Delete ``user``'s API token, if there is one, and write an ``api_token_revoked`` audit
    entry naming ``actor`` (None: the system) and ``reason``. True when a token was deleted.

    No permission check: callers are the owner's own pages and endpoints (which only ever pass
    ``user=actor``) and the account's own changes (a new password, deactivation)."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if not deleted:
        return False
    audit_record(action=AuditAction.API_TOKEN_REVOKED, actor=actor, obj=user, note=reason)
    return True
