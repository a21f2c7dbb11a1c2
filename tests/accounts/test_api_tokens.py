"""Tokens follow the account: an API token stops working when the account's password changes
(on the profile's page, by a reset link, in the admin), when the account is deactivated, when
it expires, and when its owner revokes it (the API or the profile page)."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.api.authentication import EXPIRED_DETAIL
from accounts.choices import AuditAction
from accounts.models import AuditEntry, User
from accounts.selectors import ApiTokenSummary
from tests.factories import PASSWORD, make_user
from tests.security.subprocess_support import settings_in_subprocess
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME = "/api/v1/me/"
MY_TOKEN = "/api/v1/me/token/"
NEW_PASSWORD = "a-much-longer-passphrase-2025"
INVALID = {"detail": "Invalid token."}
LIFETIME = timedelta(hours=720)
REVOKE = {"action": "revoke_api_token"}  # the profile page's "Revoke the API token" button


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def issue(username: str, password: str = PASSWORD) -> str:
    """A token, asked for the way a script asks for it."""
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age_tokens(user, by: timedelta) -> None:
    Token.objects.filter(user=user).update(created=timezone.now() - by)


# ---- Issuing and expiry ----------------------------------------------------------------------


def test_token_authenticates_and_says_when_it_expires():
    user = make_user("alice")

    response = APIClient().post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )
    me = with_token(response.json()["token"]).get(ME)

    token = Token.objects.get(user=user)
    assert response.status_code == 200
    assert list(response.json()) == ["token", "expires"]
    assert response.json()["token"] == token.key
    assert parse_datetime(response.json()["expires"]) == token.created + LIFETIME
    assert me.status_code == 200
    assert me.json()["username"] == "alice"


def test_token_lifetime_is_30_days_by_default_and_set_from_the_environment():
    values = settings_in_subprocess(["NORTHSTAR_API_TOKEN_LIFETIME"], API_TOKEN_LIFETIME_HOURS="2")
    default = settings_in_subprocess(["NORTHSTAR_API_TOKEN_LIFETIME"], API_TOKEN_LIFETIME_HOURS="")

    assert values == ["2:00:00"]
    assert default == ["30 days, 0:00:00"]


def test_expired_token_is_401_with_a_message_saying_so():
    user = make_user("alice")
    key = issue("alice")
    age_tokens(user, LIFETIME + timedelta(seconds=1))

    response = with_token(key).get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": EXPIRED_DETAIL}
    assert response["WWW-Authenticate"] == "Token"


def test_token_still_works_just_inside_its_lifetime():
    user = make_user("alice")
    key = issue("alice")
    age_tokens(user, LIFETIME - timedelta(minutes=1))

    response = with_token(key).get(ME)

    assert response.status_code == 200


def test_token_lifetime_follows_the_setting(settings):
    settings.NORTHSTAR_API_TOKEN_LIFETIME = timedelta(hours=1)
    user = make_user("alice")
    key = issue("alice")
    age_tokens(user, timedelta(minutes=61))

    response = with_token(key).get(ME)

    assert response.status_code == 401
    assert response.json() == {"detail": EXPIRED_DETAIL}


def test_asking_again_after_expiry_replaces_the_expired_token():
    user = make_user("alice")
    old = issue("alice")
    age_tokens(user, LIFETIME + timedelta(seconds=1))

    new = issue("alice")

    assert new != old
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [new]
    assert with_token(new).get(ME).status_code == 200
    assert with_token(old).get(ME).json() == INVALID


def test_asking_again_with_the_expired_token_sent_along_still_gives_a_new_one():
    user = make_user("alice")
    old = issue("alice")
    age_tokens(user, LIFETIME + timedelta(seconds=1))

    response = with_token(old).post(
        TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


# ---- A new password, deactivation -----------------------------------------------------------


def test_password_change_on_the_profile_page_revokes_the_token():
    user = make_user("alice")
    key = issue("alice")
    assert with_token(key).get(ME).status_code == 200

    response = signed_in(user).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert with_token(key).get(ME).status_code == 401
    assert with_token(key).get(ME).json() == INVALID
    assert not Token.objects.filter(user=user).exists()


def test_password_change_revocation_is_in_the_audit_trail():
    user = make_user("alice")
    issue("alice")

    signed_in(user).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor == user
    assert entry.object_id == str(user.pk)
    assert entry.note == "The password was changed."


def test_a_new_token_after_a_password_change_works():
    user = make_user("alice")
    old = issue("alice")
    signed_in(user).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    new = issue("alice", NEW_PASSWORD)

    assert new != old
    assert with_token(new).get(ME).status_code == 200


def test_password_reset_link_revokes_the_token():
    user = make_user("alice")
    key = issue("alice")
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    # The link in the e-mail redirects once to a URL without the token (Django hides it).
    form_url = client.get(link)["Location"]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert with_token(key).get(ME).json() == INVALID
    assert not Token.objects.filter(user=user).exists()


def test_administrator_setting_a_password_in_the_admin_revokes_the_token():
    user = make_user("alice")
    key = issue("alice")
    root = User.objects.create_superuser("root", "root@example.edu", PASSWORD)

    response = signed_in(root).post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert with_token(key).get(ME).json() == INVALID
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor == root
    assert entry.note == "The password was changed."


def test_administrator_turning_off_password_sign_in_revokes_the_token():
    user = make_user("alice")
    key = issue("alice")
    root = User.objects.create_superuser("root", "root@example.edu", PASSWORD)

    response = signed_in(root).post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "false", "unset-password": "Disable password-based authentication"},
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.has_usable_password() is False
    assert with_token(key).get(ME).json() == INVALID
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.note == "Password sign-in was turned off."


def test_deactivation_revokes_the_token_for_good():
    user = make_user("alice")
    key = issue("alice")

    user.is_active = False
    user.save(update_fields=["is_active"])
    deactivated = with_token(key).get(ME)
    user.is_active = True
    user.save(update_fields=["is_active"])
    reactivated = with_token(key).get(ME)

    assert deactivated.status_code == 401
    assert reactivated.status_code == 401
    assert reactivated.json() == INVALID
    assert not Token.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor is None
    assert entry.note == "The account was deactivated."


def test_signing_in_keeps_the_token_even_when_the_password_hash_is_upgraded(settings):
    user = make_user("alice")  # hashed with MD5 (tests/conftest.py)
    key = issue("alice")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    signed_in_response = Client().post(
        reverse("login"), {"username": "alice", "password": PASSWORD}
    )

    user.refresh_from_db()
    assert signed_in_response.status_code == 302
    assert user.password.startswith("scrypt$")
    assert with_token(key).get(ME).status_code == 200


# ---- The owner lists and revokes (API) -------------------------------------------------------


def test_owner_sees_when_the_token_was_issued_and_expires_but_never_the_key():
    user = make_user("alice")
    key = issue("alice")
    token = Token.objects.get(user=user)

    response = with_token(key).get(MY_TOKEN)

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["created", "expires", "expired"]
    assert parse_datetime(body["created"]) == token.created
    assert parse_datetime(body["expires"]) == token.created + LIFETIME
    assert body["expired"] is False
    assert key not in response.content.decode()


def test_owner_sees_an_expired_token_as_expired_from_a_session():
    user = make_user("alice")
    issue("alice")
    age_tokens(user, LIFETIME + timedelta(seconds=1))

    response = signed_in(user).get(MY_TOKEN)

    assert response.status_code == 200
    assert response.json()["expired"] is True


def test_owner_revokes_the_token_with_delete():
    user = make_user("alice")
    key = issue("alice")

    response = with_token(key).delete(MY_TOKEN)

    assert response.status_code == 204
    assert with_token(key).get(ME).json() == INVALID
    assert not Token.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor == user
    assert entry.note == "Revoked by its owner (API)."


def test_one_person_revoking_leaves_anothers_token_alone():
    make_user("alice")
    make_user("bob")
    alices = issue("alice")
    bobs = issue("bob")

    bobs_issued = Token.objects.get(key=bobs).created

    seen = with_token(bobs).get(MY_TOKEN)
    revoked = with_token(bobs).delete(MY_TOKEN)

    assert parse_datetime(seen.json()["created"]) == bobs_issued
    assert revoked.status_code == 204
    assert list(Token.objects.values_list("key", flat=True)) == [alices]
    assert with_token(alices).get(ME).status_code == 200
    assert with_token(bobs).get(ME).status_code == 401


def test_no_token_is_404_to_read_or_revoke():
    user = make_user("alice")
    client = APIClient()
    client.force_login(user)

    read = client.get(MY_TOKEN)
    revoke = client.delete(MY_TOKEN)

    assert read.status_code == 404
    assert read.json() == {"detail": "You have no API token."}
    assert revoke.status_code == 404
    assert revoke.json() == {"detail": "You have no API token."}


@pytest.mark.parametrize("method", ["get", "delete"])
def test_anonymous_callers_are_refused_my_token(method):
    make_user("alice")
    issue("alice")

    response = getattr(APIClient(), method)(MY_TOKEN)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert Token.objects.count() == 1


# ---- The profile page ------------------------------------------------------------------------


def test_profile_page_shows_the_token_and_when_it_expires():
    user = make_user("alice")
    issue("alice")
    token = Token.objects.get(user=user)

    response = signed_in(user).get(reverse("accounts:profile"))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["api_token"] == ApiTokenSummary(
        created=token.created, expires=token.created + LIFETIME, expired=False
    )
    assert "Revoke the API token" in page
    assert token.key not in page


def test_profile_page_says_when_there_is_no_token():
    user = make_user("alice")

    response = signed_in(user).get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert response.context["api_token"] is None
    assert "You have no API token." in response.content.decode()
    assert "Revoke the API token" not in response.content.decode()


def test_profile_page_revokes_the_token():
    user = make_user("alice")
    key = issue("alice")
    client = signed_in(user)

    response = client.post(reverse("accounts:profile"), REVOKE)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert with_token(key).get(ME).json() == INVALID
    assert not Token.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKED)
    assert entry.actor == user
    assert entry.note == "Revoked by its owner (profile page)."


def test_profile_revoke_touches_only_the_signed_in_persons_token():
    make_user("alice")
    bob = make_user("bob")
    alices = issue("alice")
    bobs = issue("bob")

    signed_in(bob).post(reverse("accounts:profile"), REVOKE)

    assert list(Token.objects.values_list("key", flat=True)) == [alices]
    assert with_token(bobs).get(ME).status_code == 401


def test_profile_revoke_is_for_signed_in_people_only():
    make_user("alice")
    issue("alice")

    response = Client().post(reverse("accounts:profile"), REVOKE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Token.objects.count() == 1


def test_saving_the_profile_form_keeps_the_token():
    user = make_user("alice")
    key = issue("alice")

    response = signed_in(user).post(
        reverse("accounts:profile"),
        {
            "user-first_name": "Alicia",
            "user-last_name": "Tester",
            "user-email": "alice@example.edu",
            "profile-applicant_type": "assistant_professor",
            "profile-department": "Cardiology",
        },
    )

    user.refresh_from_db()
    assert response.status_code == 302
    assert user.first_name == "Alicia"
    assert with_token(key).get(ME).status_code == 200


def test_profile_page_says_an_expired_token_has_expired():
    user = make_user("alice")
    issue("alice")
    age_tokens(user, LIFETIME + timedelta(seconds=1))

    response = signed_in(user).get(reverse("accounts:profile"))

    assert response.context["api_token"].expired is True
    assert "It expired " in response.content.decode()
