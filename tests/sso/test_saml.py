"""Signing in with SAML 2.0 against a real IdP on loopback (tests/sso/idp/: pysaml2's server in
its own process, signing with xmlsec1), through its own login page."""

import pytest
from django.urls import reverse

from accounts.choices import Affiliation, ApplicantType, AuditAction
from accounts.models import AuditEntry, ExternalIdentity, User

pytestmark = pytest.mark.django_db

START = reverse("accounts:sso_saml_start", args=["uni"])
ACS = reverse("accounts:sso_saml_acs")
ERIN = {
    "eduPersonPrincipalName": ["erin@uni.example.edu"],
    "mail": ["erin@uni.example.edu"],
    "givenName": ["Erin"],
    "sn": ["Nakamura"],
    "eduPersonAffiliation": ["student", "member"],
    "ou": ["Public Health"],
}
MFA = "https://refeds.org/profile/mfa"


def answer(client, idp, username="erin", next_url=""):
    start = client.get(START, {"next": next_url} if next_url else {})
    assert start.status_code == 302
    return idp.sign_in(start["Location"], username)


def post(client, form):
    assert form["action"] == f"http://testserver{ACS}"
    return client.post(ACS, {"SAMLResponse": form["SAMLResponse"]})


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_first_sign_in_creates_the_account_and_the_second_matches(client, saml_sp):
    saml_sp.set({"erin": ERIN})
    response = post(client, answer(client, saml_sp))
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == reverse("dashboard")
    user = signed_in_as(client)
    assert (user.username, user.first_name, user.last_name) == ("erin", "Erin", "Nakamura")
    assert (user.profile.affiliation, user.profile.applicant_type, user.profile.department) == (
        Affiliation.STUDENT,
        "",
        "Public Health",
    )
    assert ExternalIdentity.objects.get().subject == "erin@uni.example.edu"
    client.logout()
    saml_sp.set({"erin": {**ERIN, "mail": ["e.nakamura@uni.example.edu"]}})
    post(client, answer(client, saml_sp))
    assert signed_in_as(client) == user
    assert User.objects.count() == 1


def test_staff_affiliation_sets_the_staff_position(client, saml_sp):
    saml_sp.set({"erin": {**ERIN, "eduPersonAffiliation": ["staff"]}})
    post(client, answer(client, saml_sp))
    assert signed_in_as(client).profile.applicant_type == ApplicantType.STAFF


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("unsigned", "Signature missing for assertion"),
        # An attribute value changed after signing (signature wrapping's first step).
        ("tampered", "Failed to verify signature"),
        ("wrong_audience", "AudienceRestrictions conditions not satisfied"),
        ("expired", "Condition not OK"),
    ],
)
def test_a_bad_response_is_refused_with_a_page_and_an_audit_entry(client, saml_sp, mode, reason):
    saml_sp.set({"erin": ERIN}, mode=mode)
    response = post(client, answer(client, saml_sp))
    assert response.status_code == 400
    assert "did not work" in response.content.decode()
    assert signed_in_as(client) is None
    assert User.objects.count() == 0
    (entry,) = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert entry.note.startswith("University sign-in refused: ")
    assert reason in entry.note


def test_a_replayed_response_is_refused(client, saml_sp):
    saml_sp.set({"erin": ERIN})
    form = answer(client, saml_sp)
    assert post(client, form).status_code == 302
    client.logout()
    replay = post(client, form)
    assert replay.status_code == 400
    assert signed_in_as(client) is None
    assert "Unsolicited response" in AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED).note


def test_relay_state_next_stays_on_this_site(client, saml_sp):
    saml_sp.set({"erin": ERIN})
    assert post(client, answer(client, saml_sp, next_url="/proposals/"))["Location"] == (
        "/proposals/"
    )
    client.logout()
    assert post(client, answer(client, saml_sp, next_url="https://evil.example/"))[
        "Location"
    ] == reverse("dashboard")


def test_the_idps_mfa_context_is_recorded_as_mfa(client, saml_sp):
    from accounts.sso import saml

    saml_sp.set({"erin": ERIN}, authn_class=MFA)
    form = answer(client, saml_sp)
    assert saml.assertion_from_response(form["SAMLResponse"]).assertion.mfa is True


def test_metadata_names_the_assertion_consumer_service(client, saml_sp):
    response = client.get(reverse("accounts:sso_saml_metadata"))
    assert response.status_code == 200
    assert f'Location="http://testserver{ACS}"' in response.content.decode()
