"""Adding a found colleague, and inviting someone without an account by e-mail (issue 16).

The invitation's link opens /accounts/invitation/<token>/: a new account is made there (or an
existing one signs in) and linked to the team member's row; the link works once, for 14 days.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry, Invitation
from accounts.selectors import invitation_by_token
from accounts.services import invitation_accept_new_account
from grants import selectors, services
from grants.choices import ProposalStatus, TeamRole
from grants.models import TeamMember
from tests.api.support import api_as
from tests.factories import PASSWORD, make_proposal, make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

User = get_user_model()
LINK = re.compile(r"https?://\S+/accounts/invitation/(\S+)/")


def _team_url(proposal) -> str:
    return reverse("grants:proposal_team", args=[proposal.pk])


def _invite(proposal, *, role=TeamRole.COMMUNITY_PARTNER, email="rosa@example.org", capture):
    with capture(execute=True):
        return services.team_member_add(
            proposal=proposal,
            actor=proposal.pi,
            role=role,
            full_name="Rosa Díaz",
            email=email,
            organisation="Clínica del Valle",
        )


def _token(mail) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def _accept_url(token: str) -> str:
    return reverse("accounts:invitation_accept", args=[token])


NEW_ACCOUNT = {
    "first_name": "Rosa",
    "last_name": "Díaz",
    "applicant_type": ApplicantType.ASSISTANT_PROFESSOR,
    "department": "Community Health",
    "username": "rdiaz",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


# ---- A found colleague -----------------------------------------------------------------------


def test_a_found_person_is_added_through_the_page(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    colleague = make_user("colleague")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(proposal.pi).post(
            _team_url(proposal),
            {"role": TeamRole.CO_INVESTIGATOR, "person": colleague.pk, "q": "colleague"},
        )

    assert response.status_code == 302
    member = proposal.team.get()
    assert (member.user, member.role, member.email) == (colleague, TeamRole.CO_INVESTIGATOR, "")
    assert [m.to for m in mailoutbox] == [[colleague.email]]


def test_choosing_nobody_and_inviting_nobody_is_a_message_not_a_500():
    proposal = make_proposal()

    response = signed_in(proposal.pi).post(_team_url(proposal), {"role": TeamRole.COLLABORATOR})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Choose a person from the search results, or invite someone without an account "
        "(give their name)."
    ]
    assert proposal.team.count() == 0


def test_a_person_who_is_not_active_cannot_be_added_by_id():
    proposal = make_proposal()
    gone = make_user("gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])

    response = signed_in(proposal.pi).post(
        _team_url(proposal), {"role": TeamRole.COLLABORATOR, "person": gone.pk}
    )

    assert response.context["form"].errors == {
        "person": ["That person is not available; search again."]
    }
    assert proposal.team.count() == 0


def test_a_found_person_is_added_through_the_api_by_id():
    proposal = make_proposal()
    colleague = make_user("colleague")

    response = api_as(proposal.pi).post(
        f"/api/v1/proposals/{proposal.pk}/team/",
        {"role": TeamRole.CO_INVESTIGATOR, "user": colleague.pk},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["user"]["id"], response.json()["invited"]) == (colleague.pk, False)


def test_the_api_still_takes_a_username_and_names_its_errors_after_it():
    proposal = make_proposal()

    response = api_as(proposal.pi).post(
        f"/api/v1/proposals/{proposal.pk}/team/",
        {"role": TeamRole.CO_INVESTIGATOR, "username": proposal.pi.username},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["username"] == ["The principal investigator is already on the team."]


def test_the_api_refuses_an_unknown_user_id_with_400():
    proposal = make_proposal()

    response = api_as(proposal.pi).post(
        f"/api/v1/proposals/{proposal.pk}/team/",
        {"role": TeamRole.CO_INVESTIGATOR, "user": 999999},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["user"]


# ---- Inviting, and accepting with a new account ------------------------------------------------


def test_invite_mails_a_link_and_accepting_creates_the_account_and_links_the_row(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    member = _invite(proposal, capture=django_capture_on_commit_callbacks)
    (mail,) = mailoutbox
    token = _token(mail)

    page = client.get(_accept_url(token))
    response = client.post(_accept_url(token), NEW_ACCOUNT)

    assert mail.to == ["rosa@example.org"]
    assert page.status_code == 200
    assert page.context["form"]["first_name"].value() == "Rosa"  # taken from the invited name
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:proposal_detail", args=[proposal.pk])
    user = User.objects.get(username="rdiaz")
    assert (user.email, user.get_full_name(), user.profile.applicant_type) == (
        "rosa@example.org",
        "Rosa Díaz",
        ApplicantType.ASSISTANT_PROFESSOR,
    )
    member.refresh_from_db()
    assert (member.user, member.full_name, member.email, member.organisation) == (
        user,
        "",
        "",
        "Clínica del Valle",
    )
    assert client.get(response["Location"]).status_code == 200  # signed in, and on the team
    assert list(
        AuditEntry.objects.filter(object_type="accounts.invitation")
        .order_by("pk")
        .values_list("action", "actor_username")
    ) == [
        (AuditAction.INVITATION_SENT, proposal.pi.username),
        (AuditAction.INVITATION_ACCEPTED, "rdiaz"),
    ]


def test_only_a_hash_of_the_token_is_stored(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])

    invitation = Invitation.objects.get()

    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)


def test_the_link_cannot_be_used_twice(client, mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    client.post(_accept_url(token), NEW_ACCOUNT)
    client.logout()

    again = client.post(_accept_url(token), {**NEW_ACCOUNT, "username": "rdiaz2"})

    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert not User.objects.filter(username="rdiaz2").exists()


def test_an_expired_link_is_a_clear_410(client, mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    member = _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    page = client.get(_accept_url(token))
    post = client.post(_accept_url(token), NEW_ACCOUNT)

    assert (page.status_code, post.status_code) == (410, 410)
    assert "expired" in page.content.decode()
    assert not User.objects.filter(username="rdiaz").exists()
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300])
def test_an_unknown_link_is_404(client, token):
    response = client.get(_accept_url(token))

    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_bad_input_on_the_account_form_keeps_what_was_typed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    taken = make_user("taken")

    response = client.post(
        _accept_url(token),
        {
            **NEW_ACCOUNT,
            "username": taken.username,
            "password1": "123",
            "password2": "123",
            "department": "Pediatrics & <Outreach>",
        },
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"username", "password2"}
    assert (form["first_name"].value(), form["department"].value()) == (
        "Rosa",
        "Pediatrics & <Outreach>",
    )
    assert 'value="Pediatrics &amp; &lt;Outreach&gt;"' in response.content.decode()
    assert Invitation.objects.get().used_at is None


def test_a_missing_position_is_a_field_error(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])

    response = client.post(_accept_url(token), {**NEW_ACCOUNT, "applicant_type": ""})

    assert list(response.context["form"].errors) == ["applicant_type"]


# ---- The address already has an account --------------------------------------------------------


def test_an_existing_account_is_asked_to_sign_in_then_accepts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    existing = make_user("rosa")  # rosa@example.edu
    member = _invite(proposal, email="ROSA@example.edu", capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])

    anonymous = client.get(_accept_url(token))
    refused_post = client.post(_accept_url(token), NEW_ACCOUNT)
    client.force_login(existing)
    page = client.get(_accept_url(token))
    accepted = client.post(_accept_url(token))

    assert anonymous.status_code == 200
    sign_in = f"{reverse('login')}?next={_accept_url(token).replace('/', '%2F')}"
    assert sign_in in anonymous.content.decode()
    assert not User.objects.filter(username="rdiaz").exists()
    assert refused_post.status_code == 200
    assert "Join the team as" in page.content.decode()
    assert accepted["Location"] == reverse("grants:proposal_detail", args=[proposal.pk])
    member.refresh_from_db()
    assert (member.user, member.email, member.full_name) == (existing, "", "")
    assert Invitation.objects.get().accepted_by == existing


def test_someone_else_signed_in_cannot_accept(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    make_user("rosa")
    member = _invite(proposal, email="rosa@example.edu", capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])
    stranger = signed_in(make_user("stranger"))

    page = stranger.get(_accept_url(token))
    stranger.post(_accept_url(token))

    assert "sent to another e-mail address" in page.content.decode()
    member.refresh_from_db()
    assert member.user is None
    assert Invitation.objects.get().used_at is None


# ---- Re-sending, removing ----------------------------------------------------------------------


def test_resending_voids_the_old_link_and_mails_a_new_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    member = proposal.team.get()
    old = _token(mailoutbox[0])
    pi = signed_in(proposal.pi)
    team_page = pi.get(_team_url(proposal)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = pi.post(_team_url(proposal), {"resend": member.pk})
    new = _token(mailoutbox[1])

    assert "Invited — has not joined yet" in team_page
    assert f'name="resend" value="{member.pk}"' in team_page
    assert response.status_code == 302
    assert new != old
    assert client.get(_accept_url(old)).status_code == 410
    assert client.get(_accept_url(new)).status_code == 200


def test_resending_to_someone_with_an_account_is_a_message():
    proposal = make_proposal()
    colleague = make_user()
    member = services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=colleague
    )

    response = signed_in(proposal.pi).post(_team_url(proposal), {"resend": member.pk}, follow=True)

    assert "has no invitation to send" in response.content.decode()
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_resending_a_member_that_is_not_on_this_proposal_is_404(value):
    proposal = make_proposal()

    response = signed_in(proposal.pi).post(_team_url(proposal), {"resend": value})

    assert response.status_code == 404


def test_the_team_can_not_resend(mailoutbox, django_capture_on_commit_callbacks):
    proposal = make_proposal()
    colleague = make_user()
    services.team_member_add(
        proposal=proposal, actor=proposal.pi, role=TeamRole.COLLABORATOR, user=colleague
    )
    member = _invite(proposal, capture=django_capture_on_commit_callbacks)

    response = signed_in(colleague).post(_team_url(proposal), {"resend": member.pk})

    assert response.status_code == 403


def test_removing_an_invited_member_voids_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    member = _invite(proposal, capture=django_capture_on_commit_callbacks)
    token = _token(mailoutbox[0])

    services.team_member_remove(member=member, actor=proposal.pi)

    assert client.get(_accept_url(token)).status_code == 410
    assert not User.objects.filter(username="rdiaz").exists()


# ---- An invited mentor, and a submitted proposal -------------------------------------------------


def _trainee_draft():
    student = make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)
    return make_proposal(pi=student)


def _endorsement_blockers(proposal):
    return [b.message for b in selectors.proposal_blockers(proposal) if b.field == "endorsement"]


def test_an_invited_mentor_is_shown_as_not_yet_joined_on_the_checklist(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = _trainee_draft()
    _invite(
        proposal,
        role=TeamRole.MENTOR,
        email="dr.ruiz@example.org",
        capture=django_capture_on_commit_callbacks,
    )

    blockers = _endorsement_blockers(proposal)
    response = signed_in(proposal.pi).post(
        reverse("grants:endorsement_request", args=[proposal.pk]), follow=True
    )

    assert blockers == [
        "Your mentor, Rosa Díaz, has not yet joined Northstar: they can endorse once they "
        "accept the e-mailed invitation."
    ]
    assert "Your mentor has not yet joined Northstar" in response.content.decode()
    team_page = signed_in(proposal.pi).get(_team_url(proposal)).content.decode()
    assert "To submit: Your mentor, Rosa Díaz, has not yet joined Northstar" in team_page
    assert "and endorse it" in mailoutbox[0].body


def test_a_mentor_who_joins_as_faculty_can_then_be_asked_to_endorse(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = _trainee_draft()
    _invite(
        proposal,
        role=TeamRole.MENTOR,
        email="dr.ruiz@example.org",
        capture=django_capture_on_commit_callbacks,
    )
    client.post(_accept_url(_token(mailoutbox[0])), NEW_ACCOUNT)

    endorsement = services.endorsement_request(proposal=proposal, actor=proposal.pi)

    assert endorsement.mentor.username == "rdiaz"
    assert _endorsement_blockers(proposal) == ["Your mentor has not endorsed this proposal yet."]


def test_a_mentor_who_joins_without_a_faculty_position_still_does_not_count(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = _trainee_draft()
    member = _invite(
        proposal,
        role=TeamRole.MENTOR,
        email="dr.ruiz@example.org",
        capture=django_capture_on_commit_callbacks,
    )

    client.post(
        _accept_url(_token(mailoutbox[0])),
        {**NEW_ACCOUNT, "applicant_type": ApplicantType.POSTDOC},
    )

    member.refresh_from_db()
    assert member.user.username == "rdiaz"  # they joined the team
    assert _endorsement_blockers(proposal) == [
        "Trainee proposals need a faculty mentor on the team."
    ]


def test_a_mentor_without_an_account_or_email_is_refused_on_the_page():
    proposal = _trainee_draft()

    response = signed_in(proposal.pi).post(
        _team_url(proposal), {"role": TeamRole.MENTOR, "full_name": "Dr. Ruiz"}
    )

    assert response.context["form"].errors["email"] == [
        "A mentor needs an account here to endorse the proposal: choose them, or give their "
        "e-mail address so we can invite them."
    ]
    assert response.context["invite_open"] is True
    assert proposal.team.count() == 0


def test_accepting_links_the_row_even_after_submission(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    member = _invite(proposal, capture=django_capture_on_commit_callbacks)
    services.proposal_submit(proposal=proposal, actor=proposal.pi)

    response = client.post(_accept_url(_token(mailoutbox[0])), NEW_ACCOUNT)

    member.refresh_from_db()
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert member.user.username == "rdiaz"
    assert proposal.status == ProposalStatus.SUBMITTED
    assert TeamMember.objects.filter(proposal=proposal).count() == 1


def test_a_username_taken_after_the_form_checked_it_is_a_field_error(
    mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal()
    _invite(proposal, capture=django_capture_on_commit_callbacks)
    invitation = invitation_by_token(_token(mailoutbox[0]))
    make_user("rdiaz")

    with pytest.raises(ValidationError) as exc:
        invitation_accept_new_account(
            invitation=invitation,
            username="rdiaz",
            password=PASSWORD,
            first_name="Rosa",
            last_name="Díaz",
            applicant_type=ApplicantType.ASSISTANT_PROFESSOR,
        )

    assert exc.value.message_dict == {"username": ["A user with that username already exists."]}
    assert Invitation.objects.get().used_at is None
