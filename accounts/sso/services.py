"""Writes for the university's sign-in: matching an asserted person to an account, creating
one just in time, linking an existing local account once its password is proven, and the
domain policy that refuses local passwords.

The protocol libraries have already checked signatures, audience, lifetimes and nonces when
these run; an ``Assertion`` is what they vouched for."""

import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..audit import audit_record
from ..choices import AFFILIATION_POSITIONS, ApplicantType, AuditAction
from ..models import ExternalIdentity, Profile, SingleSignOnRequest, User
from ..selectors import account_with_email
from ..services import user_create

USERNAME_LENGTH = User._meta.get_field("username").max_length
# A sign-in request not answered within this many seconds is refused (SAML responses and OIDC
# callbacks come back within a minute or two of the person typing their password).
REQUEST_LIFETIME_SECONDS = 15 * 60


@dataclass(frozen=True)
class Assertion:
    """What the identity provider vouched for, in Northstar's terms."""

    provider: str
    provider_name: str
    subject: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    affiliation: str = ""  # an accounts.choices.Affiliation value, or ""
    department: str = ""
    mfa: bool = False

    def as_session(self) -> dict:
        return asdict(self)


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; ``message`` is for the person."""

    def __init__(self, message: str, *, reason: str = ""):
        super().__init__(message)
        self.message = message
        self.reason = reason or message


@dataclass(frozen=True)
class Outcome:
    """Either ``user`` (sign them in) or ``link_to`` (an account with the asserted e-mail
    exists: its owner must prove its password before the two are tied)."""

    user: User | None = None
    link_to: User | None = None
    created: bool = False


def affiliation_from(values, mapping: dict) -> str:
    """The class for asserted affiliation values (``faculty@uni.edu`` counts as
    ``faculty``); the first class of ``mapping``'s order that any value names."""
    if isinstance(values, str):
        values = [values]
    plain = {str(v).split("@", 1)[0].strip().lower() for v in values or []}
    for asserted, klass in mapping.items():
        if asserted.lower() in plain and klass:
            return klass
    return ""


def sso_required_for(user: User) -> bool:
    """Must ``user`` sign in with the university's account (their e-mail's domain is in
    SSO_REQUIRED_DOMAINS)?"""
    domains = settings.NORTHSTAR_SSO_REQUIRED_DOMAINS
    email = (user.email or "").strip().lower()
    return bool(domains) and "@" in email and email.rsplit("@", 1)[1] in domains


# ---- The request's one-time key --------------------------------------------------------------


def sso_request_open(*, key: str, provider: str, next_url: str = "") -> None:
    """Remember a message sent to ``provider`` under ``key`` (SAML request id, OIDC state;
    a SAML LogoutRequest's id under ``saml-slo:<key>``)."""
    SingleSignOnRequest.objects.create(key=key, provider=provider, next_url=next_url)


def sso_request_consume(*, key: str, provider: str, what: str = "sign-in") -> str:
    """Use up the request ``key`` exactly once and return where to go after it.

    Refused (``SignInRefused``, its message about a ``what``) if unknown, for another
    provider, already used (a replayed answer) or older than ``REQUEST_LIFETIME_SECONDS``.
    Concurrent replays: one UPDATE wins."""
    now = timezone.now()
    row = SingleSignOnRequest.objects.filter(key=key or "", provider=provider).first()
    if row is None:
        raise SignInRefused(
            f"That {what} answer was not for a {what} started here.", reason="unknown request"
        )
    used = SingleSignOnRequest.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not used:
        raise SignInRefused(f"That {what} answer was already used.", reason="replayed answer")
    if (now - row.created_at).total_seconds() > REQUEST_LIFETIME_SECONDS:
        raise SignInRefused(f"That {what} took too long.", reason="request expired")
    return row.next_url


def sso_message_once(*, key: str, provider: str, what: str = "sign-out") -> None:
    """Record a signed message the provider sent unasked (an IdP's LogoutRequest) by its id;
    the same id again is refused (``SignInRefused``) as replayed."""
    try:
        with transaction.atomic():
            SingleSignOnRequest.objects.create(
                key=key[:128], provider=provider, used_at=timezone.now()
            )
    except IntegrityError as exc:
        raise SignInRefused(
            f"That {what} message was already used.", reason="replayed message"
        ) from exc


# ---- Accounts --------------------------------------------------------------------------------


def _free_username(assertion: Assertion) -> str:
    base = (assertion.email.split("@", 1)[0] if assertion.email else assertion.subject).lower()
    base = re.sub(r"[^\w.@+-]", "", base)[: USERNAME_LENGTH - 6] or "user"
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


def _position_for(affiliation: str, current: str) -> str:
    """Keep the current position if it is inside the asserted class; else the class's only
    position (staff) or blank (faculty and students choose theirs on the profile page)."""
    allowed = AFFILIATION_POSITIONS.get(affiliation)
    if allowed is None or current in allowed:
        return current
    return ApplicantType.STAFF if allowed == {ApplicantType.STAFF} else ""


def _apply_affiliation(*, user: User, assertion: Assertion) -> None:
    """The asserted class (and department, when asserted) onto the profile; a change is
    audited like an administrator's correction."""
    if not assertion.affiliation and not assertion.department:
        return
    profile, _ = Profile.objects.get_or_create(user=user)
    before = {"affiliation": profile.affiliation, "position": profile.applicant_type}
    # An administrator's correction outranks the university's record.
    if assertion.affiliation and not profile.affiliation_corrected:
        profile.affiliation = assertion.affiliation
        profile.applicant_type = _position_for(assertion.affiliation, profile.applicant_type)
    if assertion.department and not profile.department:
        profile.department = assertion.department[:200]
    profile.save(update_fields=["affiliation", "applicant_type", "department", "updated_at"])
    after = {"affiliation": profile.affiliation, "position": profile.applicant_type}
    if before != after:
        audit_record(
            action=AuditAction.STATE_CHANGED,
            actor=user,
            obj=profile,
            before=before,
            after=after,
            note=f"Affiliation asserted by {assertion.provider_name}.",
        )


def _touch(identity: ExternalIdentity) -> None:
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])


@transaction.atomic
def sso_sign_in(*, assertion: Assertion) -> Outcome:
    """Who ``assertion`` is: the account tied to (provider, subject); else, if an active
    account holds the asserted e-mail, that account to link (never signed in on the e-mail
    alone); else a new account made from the asserted attributes (audited).

    The asserted affiliation sets the profile's class each time."""
    if not assertion.subject:
        raise SignInRefused(
            "Your university's answer did not say who you are.", reason="no subject"
        )
    identity = (
        ExternalIdentity.objects.select_related("user")
        .filter(provider=assertion.provider, subject=assertion.subject)
        .first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise SignInRefused(
                "This account is deactivated. Ask the program office.", reason="inactive"
            )
        _touch(identity)
        _apply_affiliation(user=identity.user, assertion=assertion)
        return Outcome(user=identity.user)
    existing = account_with_email(assertion.email)
    if existing is not None:
        return Outcome(link_to=existing)
    user = user_create(
        username=_free_username(assertion),
        email=assertion.email,
        first_name=assertion.first_name[:150],
        last_name=assertion.last_name[:150],
        department=assertion.department[:200],
    )
    _tie(user=user, assertion=assertion)
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=user,
        obj=user,
        after={"account": "created", "provider": assertion.provider},
        note=f"Account created at first sign-in with {assertion.provider_name}.",
    )
    _apply_affiliation(user=user, assertion=assertion)
    return Outcome(user=user, created=True)


def _tie(*, user: User, assertion: Assertion) -> ExternalIdentity:
    try:
        with transaction.atomic():
            return ExternalIdentity.objects.create(
                user=user,
                provider=assertion.provider,
                subject=assertion.subject,
                last_sign_in_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise SignInRefused(
            "This university account is already tied to another Northstar account.",
            reason="subject already linked",
        ) from exc


@transaction.atomic
def sso_link(*, user: User, assertion: Assertion) -> User:
    """Tie ``assertion``'s identity to ``user``, whose local password the caller has just
    checked. Audited (``ACCOUNT_LINKED``)."""
    _tie(user=user, assertion=assertion)
    audit_record(
        action=AuditAction.ACCOUNT_LINKED,
        actor=user,
        obj=user,
        after={"provider": assertion.provider, "subject": assertion.subject},
        note=f"Linked to {assertion.provider_name} after the local password was given.",
    )
    _apply_affiliation(user=user, assertion=assertion)
    return user


@transaction.atomic
def profile_class_corrected(*, profile: Profile, before: dict, actor: User, request=None) -> None:
    """An administrator has just changed ``profile``'s affiliation or position (the admin's
    form saved it; ``before`` holds the old values): mark the class as corrected, so later
    university sign-ins leave it alone, and audit the change."""
    profile.affiliation_corrected = True
    profile.save(update_fields=["affiliation_corrected", "updated_at"])
    audit_record(
        action=AuditAction.STATE_CHANGED,
        actor=actor,
        obj=profile,
        before=before,
        after={"affiliation": profile.affiliation, "position": profile.applicant_type},
        request=request,
        note="Position class corrected by an administrator.",
    )


@transaction.atomic
def sso_unlink(*, identity: ExternalIdentity, actor: User, request=None) -> None:
    """Untie a university account from its Northstar account (audited). The next sign-in with
    it matches no one: it links again by the local password, or makes a new account."""
    audit_record(
        action=AuditAction.ACCOUNT_UNLINKED,
        actor=actor,
        obj=identity.user,
        before={"provider": identity.provider, "subject": identity.subject},
        after={"university sign-in": "unlinked"},
        request=request,
        note=f"University sign-in {identity.provider} unlinked by an administrator.",
    )
    identity.delete()


def sso_refused_record(*, provider: str, reason: str, request=None, what: str = "sign-in") -> None:
    """Audit a refused answer from a provider (unsigned, expired, wrong audience, replayed...);
    ``what``: "sign-in" or "sign-out"."""
    audit_record(
        action=AuditAction.SIGN_IN_FAILED,
        actor=None,
        request=request,
        object_type="accounts.externalidentity",
        object_repr=provider[:200],
        note=f"University {what} refused: {reason}"[:2000],
    )
