"""Journey: signing in with the university's account in a browser. Northstar's sign-in page
offers "Sign in with Example University" first; the person signs in on the provider's own login
page (django-oauth-toolkit for OpenID Connect, pysaml2's IdP for SAML, both on loopback, started
by tests/sso/conftest.py) and comes back signed in, the account made with the asserted class.
Signing out also ends the provider's session. axe on Northstar's pages; the sign-in page fits a
320 px phone."""

import pytest
from playwright.sync_api import expect

from accounts.choices import FACULTY_TYPES, Affiliation, ApplicantType
from accounts.models import ExternalIdentity, User
from tests.e2e.conftest import check_accessibility
from tests.factories import PASSWORD, make_user
from tests.sso.conftest import (  # noqa: F401 (fixtures)
    CLIENT_ID,
    CLIENT_SECRET,
    UNIVERSITY_PASSWORD,
    oidc_provider,
    saml_idp,
    sp_key_settings,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

UNIVERSITY = "Sign in with Example University"


def loopback(live_server) -> str:
    """The live server as 127.0.0.1: the provider accepts any port on a loopback redirect
    URI (RFC 8252), and our callback address is built from the address the browser used."""
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def oidc(oidc_provider, settings):  # noqa: F811
    settings.NORTHSTAR_OIDC_PROVIDERS = [
        {
            "key": "uni",
            "name": "Example University",
            "discovery_url": f"{oidc_provider.url}/o/.well-known/openid-configuration",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]
    yield oidc_provider
    oidc_provider.set()


@pytest.fixture
def saml(saml_idp, settings, live_server):  # noqa: F811
    # The IdP knows Northstar by the entity id it registered (conftest); the assertion
    # consumer address comes from SITE_URL, the live server's.
    settings.SITE_URL = loopback(live_server)
    settings.NORTHSTAR_SAML_SP_ENTITY_ID = "http://testserver/accounts/sso/saml/metadata/"
    for name, value in sp_key_settings(saml_idp.directory).items():
        setattr(settings, name, value)
    settings.NORTHSTAR_SAML_IDPS = [
        {
            "key": "uni",
            "name": "Example University",
            "entity_id": saml_idp.entity_id,
            "metadata_file": str(saml_idp.directory / "idp.xml"),
        }
    ]
    yield saml_idp
    saml_idp.set()


def fits_a_phone(page, what: str) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 320, f"{what} scrolls sideways at 320 px ({wide} px wide)"
    finally:
        page.set_viewport_size(size)


def at_the_university(page, username: str) -> None:
    """The provider's own login page: its labels, its button."""
    page.get_by_label("University ID").fill(username)
    page.get_by_label("Password").fill(UNIVERSITY_PASSWORD)
    page.get_by_role("button", name="Sign in to Example University").click()


def test_oidc_first_sign_in_makes_the_account_and_sign_out_ends_both_sessions(
    page, live_server, oidc
):
    oidc.set(
        {
            "alice": {
                "sub": "alice@uni.example.edu",
                "email": "alice@uni.example.edu",
                "email_verified": True,
                "given_name": "Alice",
                "family_name": "Okafor",
                "affiliation": "faculty",
            }
        }
    )
    page.goto(f"{loopback(live_server)}/accounts/login/")
    check_accessibility(page, "sign-in page with the university's button")
    fits_a_phone(page, "the sign-in page")
    # The university's button comes before the local form.
    assert page.locator("main a.button, main button").first.inner_text() == UNIVERSITY
    page.get_by_role("link", name=UNIVERSITY).click()

    page.wait_for_url(f"{oidc.url}/**")
    at_the_university(page, "alice")
    page.wait_for_url(f"{loopback(live_server)}/")
    assert "Welcome to Northstar: your account is ready." in page.locator(".messages").inner_text()
    alice = User.objects.get(email="alice@uni.example.edu")
    assert alice.profile.affiliation == Affiliation.FACULTY

    # The profile offers faculty positions only, and says why.
    page.goto(f"{loopback(live_server)}/accounts/profile/")
    position = page.get_by_label("Position")
    offered = position.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert set(offered) - {""} == set(FACULTY_TYPES)
    assert "Your university lists you as faculty" in page.locator("main").inner_text()

    # Signing out ends the provider's session too, and comes back to the sign-in page.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(f"{loopback(live_server)}/accounts/login/")
    expect(page.get_by_role("link", name=UNIVERSITY)).to_be_visible()
    page.get_by_role("link", name=UNIVERSITY).click()
    # Signed out at the provider: its login page asks again (wait for it: the address
    # changes before the page has loaded).
    expect(page.get_by_role("button", name="Sign in to Example University")).to_be_visible()


def test_oidc_linking_an_existing_account_asks_for_its_password(page, live_server, oidc):
    local = make_user("okafor")
    User.objects.filter(pk=local.pk).update(email="alice@uni.example.edu")
    oidc.set({"alice": {"sub": "alice-1", "email": "alice@uni.example.edu"}})
    page.goto(f"{loopback(live_server)}/accounts/login/")
    page.get_by_role("link", name=UNIVERSITY).click()
    at_the_university(page, "alice")

    page.wait_for_url(f"{loopback(live_server)}/accounts/sso/link/")
    check_accessibility(page, "link page")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Link and sign in").click()
    assert page.locator("#id_password").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "link page with a wrong password")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Link and sign in").click()
    page.wait_for_url(f"{loopback(live_server)}/")
    assert "Your account is linked" in page.locator(".messages").inner_text()
    assert ExternalIdentity.objects.get().user == local


def test_saml_first_sign_in_makes_the_account_with_the_staff_position(page, live_server, saml):
    saml.set(
        {
            "erin": {
                "eduPersonPrincipalName": ["erin@uni.example.edu"],
                "mail": ["erin@uni.example.edu"],
                "givenName": ["Erin"],
                "sn": ["Nakamura"],
                "eduPersonAffiliation": ["staff", "member"],
            }
        }
    )
    page.goto(f"{loopback(live_server)}/accounts/login/")
    check_accessibility(page, "sign-in page with the SAML button")
    page.get_by_role("link", name=UNIVERSITY).click()
    page.wait_for_url(f"{saml.url}/**")
    at_the_university(page, "erin")

    page.wait_for_url(f"{loopback(live_server)}/")
    erin = User.objects.get(username="erin")
    assert (erin.profile.affiliation, erin.profile.applicant_type) == (
        Affiliation.STAFF,
        ApplicantType.STAFF,
    )
    page.goto(f"{loopback(live_server)}/accounts/profile/")
    assert page.get_by_label("Position").input_value() == ApplicantType.STAFF
