"""The program office's check of a submitted proposal: mark it checked (or return it); the
administrator's dashboard links to what awaits the check, call by call."""

import pytest
from django.urls import reverse

from grants import selectors, services
from grants.choices import ProposalStatus
from grants.models import StateChange
from tests.api.support import API, api_as
from tests.factories import make_admin, make_call, make_proposal, make_submitted_proposal
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def test_marking_checked_takes_the_proposal_off_the_awaiting_list_and_says_so():
    proposal = make_submitted_proposal()
    admin = make_admin()

    services.proposal_mark_checked(proposal=proposal, actor=admin)
    services.proposal_mark_checked(proposal=proposal, actor=admin)  # again: nothing more

    proposal.refresh_from_db()
    assert (proposal.checked_by, proposal.status) == (admin, ProposalStatus.SUBMITTED)
    assert proposal.checked_at is not None
    assert not selectors.proposals_awaiting_check().filter(pk=proposal.pk).exists()
    notes = StateChange.objects.filter(object_id=proposal.pk, reason__startswith="Checked")
    assert notes.count() == 1


def test_returning_clears_the_check_so_the_resubmission_is_checked_again():
    proposal = make_submitted_proposal()
    admin = make_admin()
    services.proposal_mark_checked(proposal=proposal, actor=admin)

    services.proposal_return(proposal=proposal, actor=admin, reason="Add the letter.")
    services.proposal_submit(proposal=proposal, actor=proposal.pi)

    proposal.refresh_from_db()
    assert proposal.checked_at is None and proposal.checked_by is None
    assert selectors.proposals_awaiting_check().filter(pk=proposal.pk).exists()


def test_only_an_administrator_checks_and_only_a_submitted_proposal():
    proposal = make_submitted_proposal()
    draft = make_proposal()

    with pytest.raises(Exception) as refused:
        services.proposal_mark_checked(proposal=proposal, actor=proposal.pi)
    with pytest.raises(services.InvalidTransition):
        services.proposal_mark_checked(proposal=draft, actor=make_admin())

    assert refused.type.__name__ == "PermissionDenied"


def test_the_dashboard_links_each_call_with_proposals_awaiting_the_check():
    admin = make_admin()
    first_call, second_call = make_call(title="Pilot awards"), make_call(title="Travel awards")
    checked = make_submitted_proposal(call=first_call)
    make_submitted_proposal(call=first_call)
    make_submitted_proposal(call=second_call)
    services.proposal_mark_checked(proposal=checked, actor=admin)

    html = signed_in(admin).get(reverse("dashboard")).content.decode()

    link = reverse("grants:call_proposals", args=[first_call.pk]) + "?awaiting_check=on"
    assert f'<a href="{link}">1 submitted proposal in Pilot awards awaiting' in html
    assert "1 submitted proposal in Travel awards awaiting" in html


def test_the_call_list_filters_to_those_awaiting_and_marks_from_the_list():
    admin = make_admin()
    call = make_call()
    waiting, other = make_submitted_proposal(call=call), make_submitted_proposal(call=call)
    services.proposal_mark_checked(proposal=other, actor=admin)
    client = signed_in(admin)
    url = reverse("grants:call_proposals", args=[call.pk])

    listed = client.get(url, {"awaiting_check": "on"})
    marked = client.post(
        reverse("grants:proposal_mark_checked", args=[waiting.pk]),
        {"next": f"{url}?awaiting_check=on"},
    )

    assert [p.pk for p in listed.context["page"].object_list] == [waiting.pk]
    assert (marked.status_code, marked["Location"]) == (302, f"{url}?awaiting_check=on")
    waiting.refresh_from_db()
    assert waiting.checked_by == admin


def test_an_applicant_cannot_mark_their_own_proposal_checked():
    proposal = make_submitted_proposal()

    response = signed_in(proposal.pi).post(
        reverse("grants:proposal_mark_checked", args=[proposal.pk])
    )

    proposal.refresh_from_db()
    assert response.status_code == 403
    assert proposal.checked_at is None


def test_the_api_marks_checked_and_shows_when():
    proposal = make_submitted_proposal()
    admin = make_admin()

    response = api_as(admin).post(f"{API}/proposals/{proposal.pk}/mark-checked/")
    by_pi = api_as(proposal.pi).post(f"{API}/proposals/{proposal.pk}/mark-checked/")

    assert response.status_code == 200
    assert response.json()["checked_at"] is not None
    assert by_pi.status_code == 403
