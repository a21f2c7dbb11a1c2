"""Two-factor sign-in: an authenticator app (TOTP) plus single-use backup codes, on top of
django-otp, and the session's record of whether it still owes a second factor.

Who: administrators and chairs may enrol; with ``NORTHSTAR_REQUIRE_2FA_FOR_STAFF`` they must.
Anyone with a confirmed device is asked for a code after the password, before any page works
(``config.middleware.TwoFactorMiddleware``). API tokens are the machine path and never asked.

The session remembers at sign-in what it owes (``SESSION_KEY``), so ordinary requests cost no
query for this: only sessions of enrolled people look their device up (django-otp's
``OTPMiddleware``).
"""

from base64 import b32encode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .choices import Role

SESSION_KEY = "northstar_2fa"
VERIFY = "verify"  # enrolled: a code is owed until request.user.is_verified()
ENROL = "enrol"  # enrolment is required and not done yet
NOTHING = ""

BACKUP_CODE_COUNT = 10
TOTP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"


def may_enrol(user) -> bool:
    return user.has_role(Role.ADMINISTRATOR) or user.has_role(Role.CHAIR)


def must_enrol(user) -> bool:
    return settings.NORTHSTAR_REQUIRE_2FA_FOR_STAFF and may_enrol(user)


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def owed_at_sign_in(user) -> str:
    """What a new session of ``user`` owes: a code, an enrolment, or nothing."""
    if is_enrolled(user):
        return VERIFY
    if must_enrol(user):
        return ENROL
    return NOTHING


@receiver(user_logged_in, dispatch_uid="two_factor_owed")
def _remember_what_is_owed(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = owed_at_sign_in(user)


def pending_step(request) -> str:
    """``VERIFY`` or ``ENROL`` if this signed-in session must do that before anything else,
    else ``NOTHING``. Sessions from before two-factor existed are worked out once."""
    user = request.user
    if not user.is_authenticated:
        return NOTHING
    owed = request.session.get(SESSION_KEY)
    if owed is None:
        owed = request.session[SESSION_KEY] = owed_at_sign_in(user)
    # Right after login() request.user is the bare user, without django-otp's is_verified().
    if owed == VERIFY and not getattr(user, "is_verified", bool)():
        return VERIFY
    if owed == ENROL:
        return ENROL
    return NOTHING


# ---- Enrolment -------------------------------------------------------------------------------


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device the enrolment page shows: one per person, kept across reloads so
    a code scanned a minute ago still confirms."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _new_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enrol(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app. On success it becomes the person's only
    authenticator and a fresh set of backup codes replaces any old one; returns the backup
    codes (to show once). A wrong code returns None and counts towards django-otp's
    throttle. The caller marks its session verified (``session_verified``)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if not device.verify_token(normalise(code)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return _new_backup_codes(user)


def backup_codes_replace(*, user) -> list[str]:
    """A new set of backup codes; the old ones stop working."""
    with transaction.atomic():
        return _new_backup_codes(user)


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_disable(*, user) -> None:
    """Remove the person's authenticator and backup codes (the person, or an administrator
    deleting the devices in the admin, when a phone is lost). Their other sessions keep
    whatever they had; a new sign-in asks for no code."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# ---- Verification ----------------------------------------------------------------------------


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def two_factor_verify(*, user, code: str):
    """Check a code from the app (six digits, each usable once) or a backup code (used up).
    Returns the device that accepted it, or None. Wrong codes slow further tries down
    (django-otp's throttle, per device)."""
    code = normalise(code)
    # App codes are six digits; backup codes are eight letters and digits.
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        return next((d for d in devices if d.verify_token(code)), None)


# ---- The session -----------------------------------------------------------------------------


def session_verified(request, device) -> None:
    """This session has given its second factor: a new session key (the privilege went up),
    and django-otp remembers the device."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY


def session_disabled(request) -> None:
    """After turning two-factor off: nothing owed, unless the role requires it (then straight
    back to enrolment)."""
    request.session[SESSION_KEY] = ENROL if must_enrol(request.user) else NOTHING


# ---- Showing the secret ----------------------------------------------------------------------


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps accept it typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code, made here (no image service:
    the secret never leaves the server except to the person's own browser)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=10, border=4)
    svg = image.to_string(encoding="unicode")
    # qrcode's own markup (numbers and a path); nothing from a user is in it.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))  # noqa: S308


def session_verified_by_provider(request) -> None:
    """The university's identity provider asserted multi-factor authentication for this
    sign-in (OIDC ``amr``/``acr``, SAML AuthnContext): that is the session's second factor,
    so it owes neither a code nor an enrolment."""
    request.session[SESSION_KEY] = NOTHING
