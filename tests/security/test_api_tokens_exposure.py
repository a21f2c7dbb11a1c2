"""What the API gives away to callers who are not (yet) signed in: the token endpoint's throttle
cannot be escaped with a made-up X-Forwarded-For, and the OpenAPI schema and its docs are for
signed-in people only."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.settings import api_settings
from rest_framework.test import APIClient, APIRequestFactory

from accounts.api.throttling import ClientScopedRateThrottle
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"
PROXY = "10.0.0.1"  # REMOTE_ADDR: our own reverse proxy, when there is one
NOT_SIGNED_IN = {"detail": "Authentication credentials were not provided."}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def ask_for_token(client, i: int, forwarded_for: str, remote_addr: str = PROXY) -> int:
    # A different username each time: the per-username lockout (django-axes) stays out of it.
    return client.post(
        TOKEN_URL,
        {"username": f"nobody{i}", "password": "wrong-password"},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR=remote_addr,
    ).status_code


# ---- The token endpoint's throttle -----------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle_without_proxies(settings):
    settings.NORTHSTAR_TRUSTED_PROXY_COUNT = 0
    client = APIClient()

    codes = [ask_for_token(client, i, f"198.51.100.{i}") for i in range(11)]

    assert codes == [400] * 10 + [429]


def test_with_one_trusted_proxy_the_rightmost_forwarded_address_is_the_key(settings):
    settings.NORTHSTAR_TRUSTED_PROXY_COUNT = 1
    client = APIClient()

    # The client writes whatever it likes on the left; our proxy appends the real address.
    codes = [ask_for_token(client, i, f"198.51.100.{i}, 203.0.113.7") for i in range(11)]
    another_client = ask_for_token(client, 11, "198.51.100.1, 203.0.113.8")

    assert codes == [400] * 10 + [429]
    assert another_client == 400


def test_with_one_trusted_proxy_the_proxy_address_alone_is_not_the_key(settings):
    settings.NORTHSTAR_TRUSTED_PROXY_COUNT = 1
    client = APIClient()

    # Ten clients behind the same proxy use up their own counters, not one shared one.
    codes = [ask_for_token(client, i, f"203.0.113.{i}") for i in range(11)]

    assert codes == [400] * 11


def test_the_token_endpoint_uses_the_client_address_throttle():
    from accounts.api.views import TokenView

    assert TokenView.throttle_classes == [ClientScopedRateThrottle]
    assert TokenView.throttle_scope == "token"


@pytest.mark.parametrize(("trusted", "expected"), [(0, PROXY), (1, "203.0.113.7")])
def test_default_throttles_key_anonymous_callers_on_the_client_address(settings, trusted, expected):
    settings.NORTHSTAR_TRUSTED_PROXY_COUNT = trusted
    request = APIRequestFactory().get(
        "/api/v1/calls/", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7", REMOTE_ADDR=PROXY
    )

    idents = [throttle().get_ident(request) for throttle in api_settings.DEFAULT_THROTTLE_CLASSES]

    assert [t.__name__ for t in api_settings.DEFAULT_THROTTLE_CLASSES] == [
        "ClientAnonRateThrottle",
        "ClientUserRateThrottle",
    ]
    assert idents == [expected, expected]


# ---- The schema and the docs -----------------------------------------------------------------


@pytest.mark.parametrize("path", [SCHEMA, f"{SCHEMA}?format=json", DOCS, f"{DOCS}?script="])
def test_anonymous_callers_are_refused_the_schema_and_docs(path):
    response = APIClient().get(path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_signed_out_browser_opening_the_docs_is_sent_to_sign_in_and_back():
    response = Client().get(DOCS, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/v1/docs/"


def test_anonymous_schema_refusal_says_why():
    response = APIClient().get(f"{SCHEMA}?format=json")

    assert response.json() == NOT_SIGNED_IN


@pytest.mark.parametrize("path", [SCHEMA, DOCS, f"{DOCS}?script="])
def test_signed_in_people_get_the_schema_and_docs(path):
    client = Client()
    client.force_login(make_user())

    response = client.get(path)

    assert response.status_code == 200


def test_a_token_gets_the_schema():
    make_user("alice")
    client = APIClient()
    key = client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}, format="json").json()[
        "token"
    ]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get(f"{SCHEMA}?format=json")

    assert response.status_code == 200
    assert "/api/v1/me/token/" in response.json()["paths"]
