"""Single logout against the real providers on loopback: OIDC RP-initiated logout at
django-oauth-toolkit's end_session_endpoint, SAML LogoutRequest / LogoutResponse both ways with
pysaml2's IdP. Northstar's own session ends first, whatever the provider answers."""

import base64
import json
import re
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.urls import reverse

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from tests.factories import PASSWORD, make_user
from tests.sso.test_oidc import ALICE, signed_in_as
from tests.sso.test_oidc import sign_in as oidc_sign_in
from tests.sso.test_saml import ERIN
from tests.sso.test_saml import answer as saml_answer
from tests.sso.test_saml import post as saml_post

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
SLO = reverse("accounts:sso_saml_slo")
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
UNKNOWN_PRINCIPAL = "urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal"


def onward(response) -> str:
    """Where the signed-out page moves on to (the provider's single logout address)."""
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/sso_signing_out.html"
    return response.context["url"]


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}


def saml_message(url: str, name: str) -> str:
    """The XML a HTTP-Redirect binding carries in ``name`` (deflated, base64)."""
    return zlib.decompress(base64.b64decode(query(url)[name]), -15).decode()


def local_path(url: str) -> str:
    parsed = urlparse(url)
    assert f"{parsed.scheme}://{parsed.netloc}" == "http://testserver", url
    return f"{parsed.path}?{parsed.query}"


# ---- OpenID Connect --------------------------------------------------------------------------


def test_oidc_sign_out_ends_the_session_at_the_provider_and_comes_back(client, oidc):
    oidc.set({"alice": ALICE})
    oidc_sign_in(client, oidc)
    id_token = client.session["northstar_sso"]["id_token"]
    response = client.post(LOGOUT)
    assert signed_in_as(client) is None
    location = onward(response)
    assert location.startswith(f"{oidc.url}/o/logout/?")
    assert f'content="0;url={location.replace("&", "&amp;")}"' in response.content.decode()
    assert query(location) == {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": "http://testserver/accounts/login/",
        "client_id": "northstar-test",
    }
    # The provider accepts the hint, ends its session and sends the person back to us.
    at_provider = requests.get(location, allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302
    assert at_provider.headers["Location"] == "http://testserver/accounts/login/"
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_OUT).count() == 1


def test_oidc_sign_out_ends_the_session_even_when_the_provider_is_unreachable(
    client, oidc, settings
):
    oidc.set({"alice": ALICE})
    oidc_sign_in(client, oidc)
    (configured,) = settings.NORTHSTAR_OIDC_PROVIDERS
    settings.NORTHSTAR_OIDC_PROVIDERS = [
        {**configured, "discovery_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
    ]
    response = client.post(LOGOUT)
    assert response["Location"] == LOGIN
    assert signed_in_as(client) is None


def test_a_local_sign_out_is_as_before(client, oidc):
    user = make_user()
    client.force_login(user)
    assert client.post(LOGOUT)["Location"] == LOGIN
    assert signed_in_as(client) is None


# ---- SAML: Northstar starts ------------------------------------------------------------------


def saml_signed_in(client, idp) -> None:
    idp.set({"erin": ERIN})
    assert saml_post(client, saml_answer(client, idp)).status_code == 302
    assert signed_in_as(client) is not None


def test_saml_sign_out_sends_a_logout_request_and_takes_the_idps_answer(client, saml_sp):
    saml_signed_in(client, saml_sp)
    name_id = client.session["northstar_sso"]["name_id"]
    response = client.post(LOGOUT)
    assert signed_in_as(client) is None
    location = onward(response)
    assert location.startswith(f"{saml_sp.url}/slo?SAMLRequest=")
    assert "<ns0:LogoutRequest" in saml_message(location, "SAMLRequest")

    at_idp = requests.get(location, allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text[:300]
    assert json.loads((saml_sp.directory / "logouts.json").read_text()) == [name_id]
    back = at_idp.headers["Location"]
    assert SUCCESS in saml_message(back, "SAMLResponse")
    landed = client.get(local_path(back))
    assert landed.status_code == 302
    assert landed["Location"] == LOGIN
    page = client.get(LOGIN)
    assert [str(m) for m in page.context["messages"]][-1] == (
        "You are signed out of Northstar and your university."
    )
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED).exists()


def idp_answer(client, idp, mode="") -> str:
    """Erin signs out here; the IdP ends its session and answers with a LogoutResponse
    (spoilt as ``mode`` says, tests/sso/idp/serve.py): its path at our SLO address."""
    saml_signed_in(client, idp)
    idp.set({"erin": ERIN}, mode=mode)
    at_idp = requests.get(onward(client.post(LOGOUT)), allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text[:300]
    return local_path(at_idp.headers["Location"])


def assert_sign_out_refused(client, response, reason: str) -> None:
    """A page saying so (400), the refusal audited, and no one signed in here."""
    assert response.status_code == 400
    assert response.templates[0].name == "accounts/sso_error.html"
    assert "You are signed out of Northstar." in response.content.decode()
    assert signed_in_as(client) is None
    (entry,) = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert entry.note == f"University sign-out refused: {reason}"


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("slo_unsigned", "LogoutResponse signature missing"),
        # The message changed after the IdP signed the query string.
        ("slo_tampered", "LogoutResponse signature invalid"),
        ("slo_unknown_request", "unknown request"),
        (
            "slo_wrong_destination",
            "LogoutResponse destination https://other.example/slo or issue time",
        ),
        ("slo_wrong_issuer", "issuer https://other.example/idp"),
    ],
)
def test_a_bad_logout_response_is_refused_and_audited(client, saml_sp, mode, reason):
    answer = idp_answer(client, saml_sp, mode)
    assert_sign_out_refused(client, client.get(answer), reason)


def test_a_replayed_logout_response_is_refused_and_audited(client, saml_sp):
    answer = idp_answer(client, saml_sp)
    assert client.get(answer)["Location"] == LOGIN
    saml_signed_in(client, saml_sp)
    assert_sign_out_refused(client, client.get(answer), "replayed answer")


def test_a_refused_logout_response_still_ends_the_session_here(client, saml_sp):
    answer = idp_answer(client, saml_sp, "slo_unsigned")
    # Signed in again (another tab, say) when the answer arrives: signing out wins.
    client.force_login(make_user())
    assert_sign_out_refused(client, client.get(answer), "LogoutResponse signature missing")


def test_saml_without_a_single_logout_service_signs_out_here_only(client, saml_sp, settings):
    metadata = (saml_sp.directory / "idp.xml").read_text()
    no_slo = saml_sp.directory / "idp-no-slo.xml"
    no_slo.write_text(re.sub(r"<ns\d:SingleLogoutService[^>]*/>", "", metadata))
    assert "SingleLogoutService" not in no_slo.read_text()
    (configured,) = settings.NORTHSTAR_SAML_IDPS
    settings.NORTHSTAR_SAML_IDPS = [{**configured, "metadata_file": str(no_slo)}]
    saml_signed_in(client, saml_sp)
    response = client.post(LOGOUT)
    assert response["Location"] == LOGIN
    assert signed_in_as(client) is None


# ---- SAML: the IdP starts --------------------------------------------------------------------


def idp_logout(idp, *, unsigned=False) -> str:
    """The IdP ending erin's session: where it sends the browser (our SLO endpoint)."""
    response = requests.get(
        f"{idp.url}/initiate-logout",
        params={"user": "erin", **({"unsigned": "1"} if unsigned else {})},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:300]
    return response.headers["Location"]


def test_an_idp_initiated_logout_ends_the_session_and_answers_success(client, saml_sp):
    saml_signed_in(client, saml_sp)
    response = client.get(local_path(idp_logout(saml_sp)))
    assert signed_in_as(client) is None
    assert response.status_code == 302
    back = response["Location"]
    assert back.startswith(f"{saml_sp.url}/slo?SAMLResponse=")
    assert SUCCESS in saml_message(back, "SAMLResponse")
    assert query(back)["RelayState"] == "idp-initiated"


def test_an_idp_logout_for_someone_else_leaves_this_session_alone(client, saml_sp):
    saml_signed_in(client, saml_sp)
    request_path = local_path(idp_logout(saml_sp))
    other = make_user("reviewer")
    client.logout()
    client.force_login(other)
    response = client.get(request_path)
    assert signed_in_as(client) == other
    assert UNKNOWN_PRINCIPAL in saml_message(response["Location"], "SAMLResponse")


def test_an_unsigned_idp_logout_request_is_refused_and_audited(client, saml_sp):
    saml_signed_in(client, saml_sp)
    user = signed_in_as(client)
    response = client.get(local_path(idp_logout(saml_sp, unsigned=True)))
    assert response.status_code == 400
    assert signed_in_as(client) == user
    (entry,) = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert "Request was not signed correctly" in entry.note


def test_a_replayed_idp_logout_request_is_refused_and_audited(client, saml_sp):
    saml_signed_in(client, saml_sp)
    request_path = local_path(idp_logout(saml_sp))
    assert client.get(request_path).status_code == 302
    saml_signed_in(client, saml_sp)
    user = signed_in_as(client)
    response = client.get(request_path)
    assert response.status_code == 400
    assert signed_in_as(client) == user
    (entry,) = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert entry.note == "University sign-out refused: replayed message"


def test_the_slo_endpoint_is_not_there_without_saml(client):
    assert client.get(SLO, {"SAMLRequest": "x"}).status_code == 404


def test_the_sp_metadata_offers_the_single_logout_service(client, saml_sp):
    page = client.get(reverse("accounts:sso_saml_metadata")).content.decode()
    assert re.search(
        r'<ns\d:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        rf'Location="http://testserver{SLO}"',
        page,
    ), page


def test_a_local_password_still_signs_in_after_sso_sign_out(client, saml_sp):
    saml_signed_in(client, saml_sp)
    client.post(LOGOUT)
    local = make_user("reviewer")
    assert client.post(LOGIN, {"username": local.username, "password": PASSWORD}).status_code == 302
    assert signed_in_as(client) == local


def test_without_the_sps_key_pair_saml_sign_out_is_local_only(client, saml_sp, settings):
    # The test IdP wants signed AuthnRequests: sign in with the key, sign out without it.
    saml_signed_in(client, saml_sp)
    settings.NORTHSTAR_SAML_SP_KEY_FILE = settings.NORTHSTAR_SAML_SP_CERT_FILE = ""
    assert client.post(LOGOUT)["Location"] == LOGIN
    assert signed_in_as(client) is None
    assert (
        "SingleLogoutService"
        not in client.get(reverse("accounts:sso_saml_metadata")).content.decode()
    )
    assert client.get(SLO, {"SAMLRequest": "x"}).status_code == 404
