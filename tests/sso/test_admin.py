"""The administrator's side of university sign-in: the list of linked sign-ins (search, unlink,
audited) and correcting a person's position class, which later sign-ins then leave alone."""

import pytest
from django.urls import reverse

from accounts.choices import Affiliation, ApplicantType, AuditAction
from accounts.models import AuditEntry, ExternalIdentity, Profile, User
from tests.factories import PASSWORD, make_user
from tests.security.test_audit import _user_change_data
from tests.sso.test_oidc import sign_in as oidc_sign_in
from tests.sso.test_oidc import signed_in_as

pytestmark = pytest.mark.django_db

LIST = reverse("admin:accounts_externalidentity_changelist")


@pytest.fixture
def root(client):
    admin = User.objects.create_superuser("root", "root@example.edu", PASSWORD)
    client.force_login(admin)
    return admin


def linked(username: str, subject: str) -> ExternalIdentity:
    return ExternalIdentity.objects.create(
        user=make_user(username), provider="uni", subject=subject
    )


def test_the_list_searches_by_the_persons_username(client, root):
    linked("okafor", "alice@uni.example.edu")
    linked("nakamura", "erin@uni.example.edu")
    page = client.get(LIST, {"q": "okafor"})
    assert page.status_code == 200
    assert [str(i) for i in page.context["cl"].result_list] == ["uni: alice@uni.example.edu"]


def test_the_list_is_for_administrators_only(client):
    client.force_login(make_user("someone"))
    assert client.get(LIST)["Location"].startswith(reverse("admin:login"))


def test_sign_ins_are_made_by_signing_in_not_in_the_admin(client, root):
    assert client.get(reverse("admin:accounts_externalidentity_add")).status_code == 403


def test_deleting_unlinks_and_is_audited(client, root):
    identity = linked("okafor", "alice@uni.example.edu")
    response = client.post(
        reverse("admin:accounts_externalidentity_delete", args=[identity.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert ExternalIdentity.objects.count() == 0
    assert User.objects.filter(username="okafor").exists()
    entry = AuditEntry.objects.get(note="University sign-in uni unlinked by an administrator.")
    assert (entry.action, entry.actor, entry.object_id, entry.before, entry.after) == (
        "account_unlinked",
        root,
        str(identity.user_id),
        {"provider": "uni", "subject": "alice@uni.example.edu"},
        {"university sign-in": "unlinked"},
    )


def test_deleting_several_from_the_list_audits_each(client, root):
    ids = [linked(n, f"{n}@uni.example.edu").pk for n in ("okafor", "nakamura")]
    response = client.post(
        LIST, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert ExternalIdentity.objects.count() == 0
    assert AuditEntry.objects.filter(note__endswith="unlinked by an administrator.").count() == 2


def test_the_profile_in_the_admin_shows_the_affiliation(client, root):
    user = make_user("okafor")
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert 'name="profile-0-affiliation"' in page
    assert 'name="profile-0-affiliation_corrected"' in page


def test_an_administrator_corrects_the_class_and_sign_ins_keep_it(client, root, oidc):
    oidc.set({"dave": {"sub": "dave-1", "email": "dave@uni.example.edu", "affiliation": "student"}})
    oidc_sign_in(client, oidc, "dave")
    dave = signed_in_as(client)
    assert dave.profile.affiliation == Affiliation.STUDENT
    client.logout()
    client.force_login(root)

    response = client.post(
        reverse("admin:accounts_user_change", args=[dave.pk]),
        _user_change_data(
            dave,
            **{
                "profile-0-affiliation": Affiliation.FACULTY,
                "profile-0-applicant_type": ApplicantType.ASSISTANT_PROFESSOR,
            },
        ),
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=dave)
    assert (profile.affiliation, profile.applicant_type, profile.affiliation_corrected) == (
        Affiliation.FACULTY,
        ApplicantType.ASSISTANT_PROFESSOR,
        True,
    )
    entry = AuditEntry.objects.get(note="Position class corrected by an administrator.")
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        root,
        AuditAction.STATE_CHANGED,
        {"affiliation": "student", "position": ""},
        {"affiliation": "faculty", "position": "assistant_professor"},
    )

    # The university still says "student": the correction stands.
    client.logout()
    oidc_sign_in(client, oidc, "dave")
    profile.refresh_from_db()
    assert (profile.affiliation, profile.applicant_type) == (
        Affiliation.FACULTY,
        ApplicantType.ASSISTANT_PROFESSOR,
    )


def test_unticking_the_correction_hands_the_class_back_to_the_university(client, root, oidc):
    oidc.set({"dave": {"sub": "dave-1", "email": "dave@uni.example.edu", "affiliation": "student"}})
    oidc_sign_in(client, oidc, "dave")
    dave = signed_in_as(client)
    Profile.objects.filter(user=dave).update(
        affiliation=Affiliation.FACULTY,
        applicant_type=ApplicantType.ASSISTANT_PROFESSOR,
        affiliation_corrected=True,
    )
    client.logout()
    client.force_login(root)
    dave.refresh_from_db()
    response = client.post(
        reverse("admin:accounts_user_change", args=[dave.pk]),
        _user_change_data(dave, **{"profile-0-affiliation": Affiliation.FACULTY}),
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=dave).affiliation_corrected is False

    client.logout()
    oidc_sign_in(client, oidc, "dave")
    profile = Profile.objects.get(user=dave)
    assert (profile.affiliation, profile.applicant_type) == (Affiliation.STUDENT, "")
