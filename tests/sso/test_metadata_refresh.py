"""Provider metadata (SAML metadata from a URL, OIDC discovery and keys) is fetched again once
it is NORTHSTAR_SSO_METADATA_TTL seconds old, from the real providers on loopback."""

import pytest

from accounts.sso import config, saml
from accounts.sso import oidc as relying_party
from accounts.sso.config import OIDC, provider
from tests.sso.test_oidc import ALICE, signed_in_as
from tests.sso.test_oidc import sign_in as oidc_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The metadata cache's clock, moved by the test."""
    now = [1_000_000.0]
    monkeypatch.setattr(config, "clock", lambda: now[0])
    return now


def test_saml_metadata_from_a_url_is_fetched_again_after_its_time_to_live(saml_sp, settings, clock):
    settings.NORTHSTAR_SSO_METADATA_TTL = 3600
    (configured,) = settings.NORTHSTAR_SAML_IDPS
    settings.NORTHSTAR_SAML_IDPS = [
        {
            "key": configured["key"],
            "name": configured["name"],
            "entity_id": configured["entity_id"],
            "metadata_url": f"{saml_sp.url}/metadata",
        }
    ]
    first = saml.client()
    assert first.metadata.single_sign_on_service(saml_sp.entity_id)
    clock[0] += 3599
    assert saml.client() is first
    clock[0] += 2
    second = saml.client()
    assert second is not first
    assert second.metadata.single_sign_on_service(saml_sp.entity_id)


def test_oidc_discovery_is_fetched_again_after_its_time_to_live(client, oidc, settings, clock):
    settings.NORTHSTAR_SSO_METADATA_TTL = 60
    p = provider(OIDC, "uni")
    first = relying_party.client(p)
    assert relying_party.client(p) is first
    clock[0] += 61
    assert relying_party.client(p) is not first
    # Sign-in works with the rebuilt client (fresh discovery and keys).
    oidc.set({"alice": ALICE})
    assert oidc_sign_in(client, oidc).status_code == 302
    assert signed_in_as(client).email == "alice@uni.example.edu"


def test_the_default_time_to_live_is_a_day(settings):
    assert settings.NORTHSTAR_SSO_METADATA_TTL == 24 * 60 * 60
