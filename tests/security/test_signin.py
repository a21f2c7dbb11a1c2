"""Sign-in hardening: lockout after repeated failures (django-axes), password rules, session
expiry after inactivity, and sign-out of other sessions on a password change.

Lockout state is kept in django-axes' database table, so each test's attempts roll back with
its transaction: no test can lock out another, and none needs to reset axes by hand.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_admin, make_user

from .subprocess_support import settings_in_subprocess

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password, address=HOME):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


# ---- Lockout ---------------------------------------------------------------------------------


def test_signin_locks_out_at_the_fifth_wrong_password_with_a_page_not_an_error():
    make_user("alice")
    client = Client()

    codes = [sign_in(client, "alice", "wrong-password").status_code for _ in range(5)]
    locked = sign_in(client, "alice", PASSWORD)

    assert codes == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "paused for 15 minutes" in locked.content.decode()
    assert is_signed_in(client) is False


def test_signin_lockout_is_per_username_and_address():
    make_user("alice")
    make_user("bob")
    attacker = Client()
    for _ in range(5):
        sign_in(attacker, "alice", "wrong-password", address=HOME)

    alice_elsewhere = sign_in(Client(), "alice", PASSWORD, address=ELSEWHERE)
    bob_same_address = sign_in(Client(), "bob", PASSWORD, address=HOME)
    alice_same_address = sign_in(Client(), "alice", PASSWORD, address=HOME)

    assert alice_elsewhere.status_code == 302
    assert bob_same_address.status_code == 302
    assert alice_same_address.status_code == 429


def test_signin_lockout_ends_after_the_cool_off():
    make_user("alice")
    client = Client()
    for _ in range(5):
        sign_in(client, "alice", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client) is True


def test_signin_success_clears_earlier_failures():
    make_user("alice")
    client = Client()
    for _ in range(4):
        sign_in(client, "alice", "wrong-password")
    sign_in(client, "alice", PASSWORD)
    client.post(reverse("logout"))

    codes = [sign_in(client, "alice", "wrong-password").status_code for _ in range(4)]

    assert codes == [200] * 4
    assert AccessAttempt.objects.get().failures_since_start == 4


def test_signin_failure_limit_follows_the_setting(settings):
    settings.AXES_FAILURE_LIMIT = 2
    make_user("alice")
    client = Client()

    codes = [sign_in(client, "alice", "wrong-password").status_code for _ in range(2)]

    assert codes == [200, 429]


def test_admin_signin_is_locked_out_too():
    admin = make_admin("boss")
    admin.is_staff = True
    admin.save(update_fields=["is_staff"])
    client = Client()
    body = {"username": "boss", "password": "wrong-password", "next": "/admin/"}

    codes = [client.post("/admin/login/", body, REMOTE_ADDR=HOME).status_code for _ in range(5)]

    assert codes == [200, 200, 200, 200, 429]


def test_api_token_is_locked_out_with_429_and_retry_after():
    make_user("alice")
    client = APIClient()
    wrong = {"username": "alice", "password": "wrong-password"}

    codes = [client.post(TOKEN, wrong, format="json").status_code for _ in range(5)]
    right = client.post(TOKEN, {"username": "alice", "password": PASSWORD}, format="json")
    elsewhere = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, format="json", REMOTE_ADDR=ELSEWHERE
    )

    assert codes == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert right.json() == {
        "detail": "Too many failed sign-ins for this username from this address; sign-in is "
        "paused. Try again in 900 seconds."
    }
    assert elsewhere.status_code == 200


def test_lockout_settings_are_per_username_and_address_with_defaults():
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)


def test_lockout_and_session_settings_come_from_the_environment():
    values = settings_in_subprocess(
        ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "SESSION_COOKIE_AGE"],
        AXES_FAILURE_LIMIT="8",
        AXES_COOLOFF_MINUTES="60",
        SESSION_COOKIE_AGE="600",
    )

    assert values == ["8", "1:00:00", "600"]


# ---- Password rules --------------------------------------------------------------------------

WEAK_PASSWORDS = [
    ("Tr0ub4dor&3x", None),  # 12 characters, fine: the control
    ("sh0rt&Sweet", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
    ("735920418365", "This password is entirely numeric."),
    ("alice.tester-1", "The password is too similar to the username."),
]


def test_password_validators_are_length_12_common_numeric_and_similarity():
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    length = next(
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("LengthValidator")
    )

    assert sorted(names) == [
        "CommonPasswordValidator",
        "MinimumLengthValidator",
        "NumericPasswordValidator",
        "UserAttributeSimilarityValidator",
    ]
    assert length["OPTIONS"]["min_length"] >= 12


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_password_change_form_applies_the_password_rules(password, error):
    user = make_user("alice.tester")
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    user.refresh_from_db()
    if error is None:
        assert response.status_code == 302
        assert user.check_password(password) is True
    else:
        assert response.status_code == 200
        assert error in response.context["form"].errors["new_password2"]
        assert user.check_password(PASSWORD) is True


@pytest.mark.parametrize(("password", "error"), WEAK_PASSWORDS)
def test_set_password_form_of_the_reset_link_applies_the_password_rules(password, error):
    user = make_user("alice.tester")
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    # The link in the e-mail redirects once to a URL without the token (Django hides it).
    form_url = client.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]

    response = client.post(form_url, {"new_password1": password, "new_password2": password})

    user.refresh_from_db()
    if error is None:
        assert response.status_code == 302
        assert user.check_password(password) is True
    else:
        assert response.status_code == 200
        assert error in response.context["form"].errors["new_password2"]
        assert user.check_password(PASSWORD) is True


# ---- Sessions --------------------------------------------------------------------------------


def test_session_lasts_30_minutes_from_the_last_request_by_default():
    client = Client()
    client.force_login(make_user())

    response = client.get(reverse("dashboard"))

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 1800


def test_session_expires_after_inactivity():
    client = Client()
    client.force_login(make_user())
    assert is_signed_in(client) is True
    # 31 minutes without a request.
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_each_request_pushes_session_expiry_back():
    client = Client()
    client.force_login(make_user())
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))

    client.get(reverse("dashboard"))

    remaining = Session.objects.get().expire_date - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)


def test_password_change_signs_out_other_sessions_but_keeps_this_one():
    user = make_user("alice")
    here = Client()
    there = Client()
    sign_in(here, "alice", PASSWORD)
    sign_in(there, "alice", PASSWORD, address=ELSEWHERE)
    assert is_signed_in(there) is True
    new_password = "a-much-longer-passphrase-2025"

    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert is_signed_in(here) is True
    assert is_signed_in(there) is False
    user.refresh_from_db()
    assert user.check_password(new_password) is True


def test_cookies_are_secure_outside_debug_and_tests():
    values = settings_in_subprocess(
        ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"],
        NORTHSTAR_TESTING="0",
        DEBUG="0",
        SECRET_KEY="x" * 60,
    )
    debug = settings_in_subprocess(
        ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"], NORTHSTAR_TESTING="0", DEBUG="1"
    )

    assert values == ["True", "True", "True"]
    assert debug == ["False", "False"]
