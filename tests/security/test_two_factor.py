"""Two-factor sign-in (django-otp): enrolment of administrators and chairs, the code after
the password, backup codes, turning it off, the "required for staff" setting, and that an
unverified session of an enrolled person reaches nothing (the API token path excepted)."""

import time
from base64 import b32encode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts import two_factor
from accounts.choices import Role
from accounts.views import WRONG_CODE
from tests.factories import PASSWORD, make_admin, make_user

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def totp_code(device: TOTPDevice, *, wrong: bool = False) -> str:
    """The code the person's app shows now (or one that is certainly not it).

    Forgets the last code the device accepted and any throttling, so one test may use two
    codes within one 30-second step; replay protection has its own test.
    """
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.save()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    token = (totp.token() + 1) % 10**device.digits if wrong else totp.token()
    return f"{token:0{device.digits}d}"


def make_staff_admin(username: str = "boss"):
    """An administrator who may also open the Django admin."""
    admin = make_admin(username)
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    return admin


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.totp_device_pending(user=user)
    codes = two_factor.two_factor_enrol(user=user, device=device, code=totp_code(device))
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def password_sign_in(username: str, next_url: str = "/") -> tuple[Client, object]:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD, "next": next_url})
    return client, response


def verified_client(user, device) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/"})
    assert response.status_code == 302
    return client


# ---- Enrolment -------------------------------------------------------------------------------


def test_setup_shows_an_inline_svg_qr_code_and_the_key_to_type():
    admin = make_staff_admin()
    client = Client()
    client.force_login(admin)

    response = client.get(SETUP)

    device = TOTPDevice.objects.get(user=admin)
    html = response.content.decode()
    key = b32encode(device.bin_key).decode()
    assert response.status_code == 200
    assert device.confirmed is False
    assert '<svg aria-hidden="true" focusable="false" width=' in html
    assert response.context["secret"].replace(" ", "") == key
    assert response.context["secret"] in html
    # Made here: no image from anywhere else, and the otpauth address is only inside the QR.
    assert "<img" not in html
    assert "otpauth://" not in html


def test_setup_keeps_the_same_key_across_reloads():
    admin = make_staff_admin()
    client = Client()
    client.force_login(admin)

    first = client.get(SETUP).context["secret"]
    second = client.get(SETUP).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=admin).count() == 1


@pytest.mark.parametrize("roles", [(Role.CHAIR,), (Role.ADMINISTRATOR,)])
def test_setup_is_offered_to_administrators_and_chairs(roles):
    user = make_user(roles=roles)
    client = Client()
    client.force_login(user)

    assert client.get(SETUP).status_code == 200
    assert f'href="{SETUP}"' in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize("roles", [(), (Role.REVIEWER,)])
def test_setup_is_404_for_everyone_else(roles):
    user = make_user(roles=roles)
    client = Client()
    client.force_login(user)

    response = client.get(SETUP)

    assert response.status_code == 404
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert f'href="{SETUP}"' not in client.get(reverse("accounts:profile")).content.decode()


def test_setup_confirmed_with_the_right_code_turns_on_and_shows_backup_codes_once():
    admin = make_staff_admin()
    client = Client()
    client.force_login(admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin)

    response = client.post(SETUP, {"code": totp_code(device)})

    device.refresh_from_db()
    codes = response.context["codes"]
    assert response.status_code == 200
    assert device.confirmed is True
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=admin).values_list("token", flat=True)
    )
    # This session gave the code: it goes on working.
    assert client.get("/admin/").status_code == 200
    assert client.get(SETUP).templates[0].name == "accounts/two_factor_manage.html"


def test_setup_with_a_wrong_code_is_refused():
    admin = make_staff_admin()
    client = Client()
    client.force_login(admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin)

    response = client.post(SETUP, {"code": totp_code(device, wrong=True)})

    device.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [WRONG_CODE]}
    assert device.confirmed is False
    assert not StaticToken.objects.exists()


# ---- Signing in ------------------------------------------------------------------------------


def test_signin_without_two_factor_goes_straight_to_the_page():
    make_staff_admin()

    client, response = password_sign_in("boss", next_url="/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signin_of_an_enrolled_administrator_asks_for_a_code_then_lets_in():
    admin = make_staff_admin()
    device, _ = enrol(admin)

    client, response = password_sign_in("boss", next_url="/admin/")
    blocked = client.get("/admin/")
    page = client.get(response["Location"])
    verified = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/"})

    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert blocked.status_code == 302
    assert blocked["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert page.status_code == 200
    assert page.context["next"] == "/admin/"
    assert verified.status_code == 302
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_signin_with_a_wrong_code_stays_out():
    admin = make_staff_admin()
    device, _ = enrol(admin)
    client, _ = password_sign_in("boss")

    response = client.post(VERIFY, {"code": totp_code(device, wrong=True), "next": "/"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": [WRONG_CODE]}
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"


def test_an_app_code_works_once():
    admin = make_staff_admin()
    device, _ = enrol(admin)
    code = totp_code(device)
    first, _ = password_sign_in("boss")
    second, _ = password_sign_in("boss")

    accepted = first.post(VERIFY, {"code": code})
    replayed = second.post(VERIFY, {"code": code})

    assert accepted.status_code == 302
    assert replayed.status_code == 200
    assert replayed.context["form"].errors == {"code": [WRONG_CODE]}


def test_a_backup_code_signs_in_once():
    admin = make_staff_admin()
    _, codes = enrol(admin)
    first, _ = password_sign_in("boss")
    second, _ = password_sign_in("boss")

    accepted = first.post(VERIFY, {"code": codes[0].upper()})
    reused = second.post(VERIFY, {"code": codes[0]})

    assert accepted.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert reused.status_code == 200
    assert two_factor.backup_codes_left(admin) == 9


def test_verify_refuses_a_next_address_on_another_site():
    admin = make_staff_admin()
    device, _ = enrol(admin)
    client, _ = password_sign_in("boss")

    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})

    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/admin/",
        "/admin/accounts/user/",
        "/calls/",
        "/accounts/profile/",
        "/accounts/demographics/",
        "/accounts/password_change/",
        SETUP,
        LOGIN,
    ],
)
def test_an_unverified_session_of_an_enrolled_administrator_reaches_no_page(path):
    admin = make_staff_admin()
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    enrol(admin)
    client = Client()
    client.force_login(admin)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{VERIFY}?next=")


def test_an_unverified_session_cannot_post_either():
    admin = make_staff_admin()
    enrol(admin)
    client = Client()
    client.force_login(admin)

    response = client.post("/accounts/profile/", {"user-first_name": "Mallory"})

    admin.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert admin.first_name == "Boss"


def test_an_unverified_session_gets_403_from_the_api():
    admin = make_staff_admin()
    enrol(admin)
    client = Client()
    client.force_login(admin)

    response = client.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Enter your two-factor code in the browser first."}


def test_an_unverified_session_may_sign_out():
    admin = make_staff_admin()
    enrol(admin)
    client, _ = password_sign_in("boss")

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get("/")["Location"] == f"{LOGIN}?next=/"


def test_api_tokens_are_not_asked_for_a_code():
    admin = make_staff_admin()
    enrol(admin)
    api = APIClient()

    token = api.post("/api/v1/auth/token/", {"username": "boss", "password": PASSWORD})
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    me = api.get("/api/v1/me/")

    assert token.status_code == 200
    assert me.status_code == 200
    assert me.json()["username"] == "boss"


# ---- Changing it -----------------------------------------------------------------------------


def test_turning_two_factor_off_needs_a_code_and_then_no_code_is_asked():
    admin = make_staff_admin()
    device, _ = enrol(admin)
    client = verified_client(admin, device)

    wrong = client.post(SETUP, {"action": "disable", "code": totp_code(device, wrong=True)})
    right = client.post(SETUP, {"action": "disable", "code": totp_code(device)})
    _, next_sign_in = password_sign_in("boss")

    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {"code": [WRONG_CODE]}
    assert right.status_code == 302
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert not StaticToken.objects.filter(device__user=admin).exists()
    assert next_sign_in["Location"] == "/"


def test_new_backup_codes_replace_the_old_ones():
    admin = make_staff_admin()
    device, old = enrol(admin)
    client = verified_client(admin, device)

    response = client.post(SETUP, {"action": "backup_codes", "code": totp_code(device)})

    new = response.context["codes"]
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert two_factor.two_factor_verify(user=admin, code=old[0]) is None


# ---- Required for staff ----------------------------------------------------------------------


@pytest.mark.parametrize("roles", [(Role.ADMINISTRATOR,), (Role.CHAIR,)])
def test_required_setting_sends_administrators_and_chairs_to_enrolment(settings, roles):
    settings.NORTHSTAR_REQUIRE_2FA_FOR_STAFF = True
    make_user("staffer", roles=roles)

    client, response = password_sign_in("staffer")
    elsewhere = client.get(reverse("grants:call_list"))
    setup = client.get(SETUP)

    assert response["Location"] == SETUP
    assert elsewhere["Location"] == SETUP
    assert setup.status_code == 200
    assert setup.context["required"] is True
    assert "Not now" not in setup.content.decode()


def test_required_setting_lets_in_after_enrolment(settings):
    settings.NORTHSTAR_REQUIRE_2FA_FOR_STAFF = True
    make_staff_admin()
    client, _ = password_sign_in("boss")
    client.get(SETUP)
    device = TOTPDevice.objects.get()

    client.post(SETUP, {"code": totp_code(device)})

    assert client.get("/admin/").status_code == 200


def test_required_setting_leaves_other_people_alone(settings):
    settings.NORTHSTAR_REQUIRE_2FA_FOR_STAFF = True
    make_user("researcher", roles=(Role.REVIEWER,))

    client, response = password_sign_in("researcher")

    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_required_is_off_by_default(settings):
    assert settings.NORTHSTAR_REQUIRE_2FA_FOR_STAFF is False
