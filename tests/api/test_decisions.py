"""Funding decisions and awards through the API."""

import pytest

from grants import services
from grants.choices import DecisionOutcome, TeamRole
from grants.models import Award, Decision
from tests.factories import make_admin, make_call, make_proposal, make_user

from .support import API, api_as, call_in_review, ids, move_to_review

pytestmark = pytest.mark.django_db


def decide(client, proposal, **body):
    return client.post(f"{API}/proposals/{proposal.pk}/decision/", body, format="json")


def test_admin_funds_within_budget_and_the_award_is_created():
    call, (proposal,), admin = call_in_review(1)

    response = decide(api_as(admin), proposal, outcome="funded")

    award = Award.objects.get(proposal=proposal)
    body = response.json()
    assert response.status_code == 200
    assert (body["outcome"], body["amount"], body["released_at"]) == ("funded", "15000.00", None)
    assert body["award"] == {
        "id": award.pk,
        "amount": "15000.00",
        "status": "active",
        "start_date": award.start_date.isoformat(),
        "end_date": award.end_date.isoformat(),
    }


def test_funding_over_the_call_budget_is_400_under_amount():
    call, (first, second, third), admin = call_in_review(3, total_budget="40000")
    client = api_as(admin)
    decide(client, first, outcome="funded")
    decide(client, second, outcome="funded")

    response = decide(client, third, outcome="funded")

    assert response.status_code == 400
    assert response.json() == {
        "amount": [
            "Funding $15,000.00 would exceed the call's budget of $40,000.00: $30,000.00 is "
            "committed and only $10,000.00 remains."
        ]
    }
    assert not Award.objects.filter(proposal=third).exists()


def test_reduced_amount_with_reason_is_funded_and_without_reason_is_refused():
    call, (proposal,), admin = call_in_review(1)
    client = api_as(admin)

    refused = decide(client, proposal, outcome="funded", amount="10000")
    funded = decide(client, proposal, outcome="funded", amount=10000, reason="Budget cut.")

    assert refused.status_code == 400
    assert refused.json() == {"reason": ["Give the reason for funding less than was requested."]}
    assert funded.status_code == 200
    assert funded.json()["amount"] == "10000.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "funded", "amount": "abc"}, "amount"),
        ({"outcome": "funded", "amount": "1.001"}, "amount"),
        ({"outcome": "funded", "amount": "Infinity"}, "amount"),
        ({"outcome": "funded", "amount": "-100"}, "amount"),
        ({"outcome": "funded", "amount": "99999"}, "amount"),
        ({"outcome": "maybe"}, "outcome"),
        ({}, "outcome"),
    ],
)
def test_decision_with_bad_input_is_a_field_error(body, field):
    call, (proposal,), admin = call_in_review(1)

    response = decide(api_as(admin), proposal, **body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Decision.objects.exists()


def test_decision_by_the_pi_is_403_and_by_a_stranger_404():
    call, (proposal,), admin = call_in_review(1)

    by_pi = decide(api_as(proposal.pi), proposal, outcome="funded")
    by_stranger = decide(api_as(make_user()), proposal, outcome="funded")

    assert (by_pi.status_code, by_stranger.status_code) == (403, 404)
    assert not Decision.objects.exists()


def test_decision_on_a_draft_is_403():
    proposal = make_proposal()

    response = decide(api_as(make_admin()), proposal, outcome="funded")

    assert response.status_code == 403


def test_awards_are_scoped_and_hidden_from_applicants_until_release():
    admin = make_admin()
    call = make_call()
    funded, other = make_proposal(call=call), make_proposal(call=call)
    colleague = make_user()
    services.team_member_add(
        proposal=funded, actor=funded.pi, role=TeamRole.CO_INVESTIGATOR, user=colleague
    )
    for proposal in (funded, other):
        services.proposal_submit(proposal=proposal, actor=proposal.pi)
    move_to_review(call, admin)
    funded.refresh_from_db()
    other.refresh_from_db()
    services.decision_record(proposal=funded, actor=admin, outcome=DecisionOutcome.FUNDED)
    services.decision_record(proposal=other, actor=admin, outcome=DecisionOutcome.NOT_FUNDED)
    award = Award.objects.get(proposal=funded)

    before = api_as(funded.pi).get(f"{API}/awards/")
    services.decisions_release(call=call, actor=admin)
    pi = api_as(funded.pi)
    after = pi.get(f"{API}/awards/")
    detail = pi.get(f"{API}/awards/{award.pk}/")

    assert ids(before) == []
    assert ids(after) == [award.pk]
    assert detail.json()["proposal"]["id"] == funded.pk
    assert detail.json()["amount"] == "15000.00"
    assert ids(api_as(colleague).get(f"{API}/awards/")) == [award.pk]
    assert ids(api_as(admin).get(f"{API}/awards/")) == [award.pk]
    assert ids(api_as(other.pi).get(f"{API}/awards/")) == []
    assert api_as(other.pi).get(f"{API}/awards/{award.pk}/").status_code == 404


def test_awards_filter_by_call_and_status():
    call, (proposal,), admin = call_in_review(1)
    services.decision_record(proposal=proposal, actor=admin, outcome=DecisionOutcome.FUNDED)
    other_call, (other,), _ = call_in_review(1)
    services.decision_record(proposal=other, actor=admin, outcome=DecisionOutcome.FUNDED)
    client = api_as(admin)

    by_call = client.get(f"{API}/awards/?call={call.pk}")
    by_status = client.get(f"{API}/awards/?status=closed")

    assert ids(by_call) == [Award.objects.get(proposal=proposal).pk]
    assert ids(by_status) == []
