"""Writes for people: accounts, profiles, demographics, roles, API tokens and invitations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .audit import audit_record
from .choices import AuditAction, Role
from .models import Demographics, Invitation, Profile, User
from .selectors import account_with_email, invitation_token_hash


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


# ---- Invitations: someone without an account, invited by e-mail -------------------------------
# accounts knows nothing of what a person is invited to (a proposal's team): the app that made
# the invitation names its row in ``subject_type``/``subject_id`` and links the new account to
# it when ``invitation_accepted`` is sent — inside the accepting transaction, so a receiver that
# refuses (raises ValidationError) leaves nothing accepted. A receiver answers for its own
# subject type only, with the address to send the person to (or None for other types).

invitation_accepted = Signal()  # sent with invitation=, user=

INVITATION_LIFETIME = timedelta(days=14)


@transaction.atomic
def invitation_create(
    *, email: str, full_name: str, subject_type: str, subject_id: int | str, actor: User
) -> tuple[Invitation, str]:
    """A new invitation for ``subject`` (any earlier one still open for it is voided) and its
    token, which only the e-mail may carry. Expires after INVITATION_LIFETIME. Audited."""
    invitation_void(subject_type=subject_type, subject_id=subject_id)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name,
        token_hash=invitation_token_hash(token),
        subject_type=subject_type,
        subject_id=str(subject_id),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    audit_record(
        action=AuditAction.INVITATION_SENT,
        actor=actor,
        obj=invitation,
        after={"email": email, "subject": f"{subject_type} {subject_id}"},
    )
    return invitation, token


def invitation_void(*, subject_type: str, subject_id: int | str) -> int:
    """Void every open invitation for a subject (a new one replaces it, or the row is gone)."""
    return Invitation.objects.filter(
        subject_type=subject_type,
        subject_id=str(subject_id),
        used_at__isnull=True,
        voided_at__isnull=True,
    ).update(voided_at=timezone.now())


INVITATION_GONE = {
    "used": "This invitation has already been used. Sign in to continue.",
    "void": "This invitation was replaced by a newer one: use the link in the latest e-mail.",
    "expired": "This invitation has expired. Ask the person who invited you to send a new one.",
}


def _locked_valid(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = invitation.state()
    if state != "valid":
        raise ValidationError(INVITATION_GONE[state], code=state)
    return invitation


def _accept(invitation: Invitation, user: User) -> str:
    """Mark it used by ``user``, audit it, and let the subject's app link the account; the
    address that app sends the person to."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(used_at=now, accepted_by=user)
    invitation.used_at, invitation.accepted_by = now, user
    audit_record(
        action=AuditAction.INVITATION_ACCEPTED,
        actor=user,
        obj=invitation,
        after={
            "account": user.username,
            "subject": f"{invitation.subject_type} {invitation.subject_id}",
        },
    )
    answers = [
        url
        for _, url in invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
        if url
    ]
    if not answers:
        raise ValidationError("What you were invited to no longer exists.", code="gone")
    return answers[0]


@transaction.atomic
def invitation_accept_new_account(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    applicant_type: str,
    department: str = "",
) -> tuple[User, str]:
    """Create the invitee's account (with the invited e-mail address) and accept the
    invitation with it; the new user and where to send them. Refused (ValidationError) when
    the invitation is no longer valid or the address has an account by now (they sign in
    instead). The caller has validated the fields (the form: Django's password validators)."""
    invitation = _locked_valid(invitation)
    if account_with_email(invitation.email) is not None:
        raise ValidationError(
            "An account with this e-mail address exists: sign in, then open the link again.",
            code="has_account",
        )
    try:
        with transaction.atomic():
            user = user_create(
                username=username,
                email=invitation.email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                applicant_type=applicant_type,
                department=department,
            )
    except IntegrityError as exc:  # the username was taken since the form checked it
        raise ValidationError(
            {"username": ["A user with that username already exists."]}, code="unique"
        ) from exc
    return user, _accept(invitation, user)


@transaction.atomic
def invitation_accept_existing(*, invitation: Invitation, actor: User) -> str:
    """Accept with the signed-in account, which must hold the invited address; where to go."""
    invitation = _locked_valid(invitation)
    if (actor.email or "").strip().lower() != invitation.email.strip().lower():
        raise PermissionDenied("This invitation was sent to another e-mail address.")
    return _accept(invitation, actor)
