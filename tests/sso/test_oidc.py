"""Signing in with OpenID Connect against a real provider on loopback (tests/sso/op/:
django-oauth-toolkit in its own process), through its own login page."""

import pytest
from django.urls import reverse

from accounts.choices import Affiliation, ApplicantType, AuditAction, Role
from accounts.forms import ProfileForm
from accounts.models import AuditEntry, ExternalIdentity, User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

START = reverse("accounts:sso_oidc_start", args=["uni"])
LINK = reverse("accounts:sso_link")
ALICE = {
    "sub": "alice@uni.example.edu",
    "email": "alice@uni.example.edu",
    "email_verified": True,
    "given_name": "Alice",
    "family_name": "Okafor",
    "affiliation": ["faculty", "member"],
    "department": "Family Medicine",
}


def sign_in(client, op, username="alice", next_url=""):
    """Start at Northstar, sign in at the provider, come back: Northstar's last answer."""
    start = client.get(START, {"next": next_url} if next_url else {})
    assert start.status_code == 302
    return client.get(op.sign_in(start["Location"], username))


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def refusals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED))


def test_first_sign_in_creates_the_account_with_the_mapped_position(client, oidc):
    oidc.set({"alice": ALICE})
    response = sign_in(client, oidc)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = signed_in_as(client)
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "alice",
        "alice@uni.example.edu",
        "Alice",
        "Okafor",
    )
    assert user.has_usable_password() is False
    assert (user.profile.affiliation, user.profile.applicant_type, user.profile.department) == (
        Affiliation.FACULTY,
        "",
        "Family Medicine",
    )
    identity = ExternalIdentity.objects.get()
    assert (identity.user, identity.provider, identity.subject) == (
        user,
        "uni",
        "alice@uni.example.edu",
    )
    assert (
        AuditEntry.objects.filter(
            actor=user, note="Account created at first sign-in with Example University."
        ).count()
        == 1
    )


def test_staff_affiliation_gets_the_staff_position(client, oidc):
    oidc.set({"bob": {"sub": "bob-1", "email": "bob@uni.example.edu", "affiliation": "staff"}})
    sign_in(client, oidc, "bob")
    assert signed_in_as(client).profile.applicant_type == ApplicantType.STAFF


def test_second_sign_in_matches_the_subject_even_after_a_new_name_and_address(client, oidc):
    oidc.set({"alice": ALICE})
    sign_in(client, oidc)
    first = signed_in_as(client)
    client.logout()
    oidc.set({"alice": {**ALICE, "email": "a.okafor@uni.example.edu", "family_name": "Smith"}})
    response = sign_in(client, oidc)
    assert response.status_code == 302
    assert signed_in_as(client) == first
    assert User.objects.count() == 1


def test_a_local_account_with_the_same_name_is_never_matched(client, oidc):
    namesake = make_user("aokafor")
    User.objects.filter(pk=namesake.pk).update(first_name="Alice", last_name="Okafor")
    oidc.set({"alice": ALICE})
    sign_in(client, oidc)
    assert signed_in_as(client) != namesake
    assert ExternalIdentity.objects.get().user != namesake


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("tampered", "BadSignatureError"),
        ("unsigned", "UnsupportedAlgorithmError"),
        # aud is another service's and no azp names us (Authlib checks both).
        ("wrong_audience", "Missing claim: 'azp'"),
        ("expired", "ExpiredTokenError"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_page_and_an_audit_entry(client, oidc, mode, reason):
    oidc.set({"alice": ALICE}, mode=mode)
    response = sign_in(client, oidc)
    assert response.status_code == 400
    assert "Signing in with Example University did not work" in response.content.decode()
    assert signed_in_as(client) is None
    assert User.objects.count() == 0
    (entry,) = refusals()
    assert entry.object_repr == "Example University"
    assert entry.note.startswith("University sign-in refused: ")
    assert reason in entry.note


def test_a_replayed_callback_is_refused(client, oidc):
    oidc.set({"alice": ALICE})
    start = client.get(START)
    back = oidc.sign_in(start["Location"], "alice")
    assert client.get(back).status_code == 302
    client.logout()
    replay = client.get(back)
    assert replay.status_code == 400
    assert "already used" in replay.content.decode()
    assert signed_in_as(client) is None
    assert "replayed answer" in refusals()[-1].note


def test_a_callback_for_a_sign_in_never_started_here_is_refused(client, oidc):
    response = client.get(
        reverse("accounts:sso_oidc_callback", args=["uni"]), {"code": "x", "state": "forged"}
    )
    assert response.status_code == 400
    assert "not for a sign-in started here" in response.content.decode()


def test_the_provider_refusing_shows_its_reason(client, oidc):
    start = client.get(START)
    state = start["Location"].split("state=")[1].split("&")[0]
    response = client.get(
        reverse("accounts:sso_oidc_callback", args=["uni"]),
        {"error": "access_denied", "error_description": "You cancelled", "state": state},
    )
    assert response.status_code == 400
    assert "Your university did not sign you in: You cancelled" in response.content.decode()
    assert "provider error access_denied" in refusals()[-1].note


def test_next_stays_on_this_site(client, oidc):
    oidc.set({"alice": ALICE})
    assert sign_in(client, oidc, next_url="/proposals/")["Location"] == "/proposals/"
    client.logout()
    assert sign_in(client, oidc, next_url="https://evil.example/")["Location"] == reverse(
        "dashboard"
    )


# ---- Linking an existing local account -------------------------------------------------------


def test_an_account_with_the_same_address_is_linked_only_with_its_password(client, oidc):
    local = make_user("okafor")
    User.objects.filter(pk=local.pk).update(email="Alice@uni.example.edu")
    oidc.set({"alice": ALICE})
    response = sign_in(client, oidc)
    assert response["Location"] == LINK
    assert signed_in_as(client) is None
    page = client.get(LINK)
    assert "username <strong>okafor</strong>" in page.content.decode()

    wrong = client.post(LINK, {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors == {
        "password": ["That is not this account's Northstar password."]
    }
    assert ExternalIdentity.objects.count() == 0
    assert signed_in_as(client) is None

    right = client.post(LINK, {"password": PASSWORD})
    assert right.status_code == 302
    assert signed_in_as(client) == local
    assert ExternalIdentity.objects.get().user == local
    assert AuditEntry.objects.filter(action=AuditAction.ACCOUNT_LINKED, actor=local).count() == 1
    assert User.objects.count() == 1

    client.logout()
    sign_in(client, oidc)
    assert signed_in_as(client) == local


def test_an_unverified_address_offers_no_link_and_makes_a_new_account(client, oidc):
    local = make_user("okafor")
    User.objects.filter(pk=local.pk).update(email="alice@uni.example.edu")
    oidc.set({"alice": {**ALICE, "email_verified": False}})
    response = sign_in(client, oidc)
    assert response["Location"] == reverse("dashboard")
    assert signed_in_as(client) not in (None, local)
    assert signed_in_as(client).email == ""


# ---- Policy ----------------------------------------------------------------------------------


def test_domain_policy_refuses_a_local_password_and_says_why(client, oidc, settings):
    settings.NORTHSTAR_SSO_REQUIRED_DOMAINS = ["uni.example.edu"]
    local = make_user("okafor")
    User.objects.filter(pk=local.pk).update(email="okafor@uni.example.edu")
    response = client.post(reverse("login"), {"username": "okafor", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Your university's accounts sign in with the university's sign-in, not a Northstar "
        "password. Use the button above."
    ]
    assert signed_in_as(client) is None
    assert "Sign in with Example University" in response.content.decode()
    # Everyone else keeps their local password.
    other = make_user("reviewer")
    assert client.post(reverse("login"), {"username": other.username, "password": PASSWORD})[
        "Location"
    ] == reverse("dashboard")


def test_domain_policy_refuses_the_api_token_endpoint_too(client, settings):
    settings.NORTHSTAR_SSO_REQUIRED_DOMAINS = ["example.edu"]
    user = make_user()
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_domain_policy_still_lets_the_owner_link_with_the_local_password(client, oidc, settings):
    settings.NORTHSTAR_SSO_REQUIRED_DOMAINS = ["uni.example.edu"]
    local = make_user("okafor")
    User.objects.filter(pk=local.pk).update(email="alice@uni.example.edu")
    oidc.set({"alice": ALICE})
    sign_in(client, oidc)
    assert client.post(LINK, {"password": PASSWORD}).status_code == 302
    assert signed_in_as(client) == local


def _enrolled_admin():
    from tests.security.test_two_factor import enrol

    admin = make_user("chief", roles=(Role.ADMINISTRATOR,))
    User.objects.filter(pk=admin.pk).update(email="chief@uni.example.edu")
    ExternalIdentity.objects.create(user=admin, provider="uni", subject="chief-1")
    enrol(admin)
    return admin


def test_the_providers_mfa_is_the_second_factor(client, oidc):
    admin = _enrolled_admin()
    oidc.set({"carol": {"sub": "chief-1", "amr": ["pwd", "mfa"]}})
    response = sign_in(client, oidc, "carol")
    assert response["Location"] == reverse("dashboard")
    assert signed_in_as(client) == admin
    assert client.get(reverse("dashboard")).status_code == 200


def test_without_the_providers_mfa_northstars_second_factor_applies(client, oidc):
    _enrolled_admin()
    oidc.set({"carol": {"sub": "chief-1", "amr": ["pwd"]}})
    response = sign_in(client, oidc, "carol")
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert client.get(reverse("dashboard"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


# ---- The asserted class ----------------------------------------------------------------------


def test_a_student_cannot_self_edit_into_faculty(client, oidc):
    oidc.set({"dave": {"sub": "dave-1", "email": "dave@uni.example.edu", "affiliation": "student"}})
    sign_in(client, oidc, "dave")
    user = signed_in_as(client)
    form = ProfileForm({"applicant_type": ApplicantType.FULL_PROFESSOR}, instance=user.profile)
    assert form.errors["applicant_type"] == [
        "Select a valid choice. full_professor is not one of the available choices."
    ]
    form = ProfileForm({"applicant_type": ApplicantType.PHD_STUDENT}, instance=user.profile)
    assert form.is_valid(), form.errors


def test_without_providers_the_sign_in_page_is_as_before(client):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with" not in page
    assert client.get(START).status_code == 404
    assert client.get(reverse("accounts:sso_saml_metadata")).status_code == 404
