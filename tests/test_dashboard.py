"""The home page tells each role what needs their attention."""

import pytest
from django.test import Client
from django.urls import reverse

from grants import services as grant_services
from grants.choices import DecisionOutcome
from reviews import services as review_services
from tests.factories import (
    close_review,
    make_proposal,
    make_review_setup,
    make_trainee_proposal,
)

pytestmark = pytest.mark.django_db


def page_for(user):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response


def test_applicant_sees_their_draft_with_its_deadline():
    proposal = make_proposal(complete=False)

    response = page_for(proposal.pi)

    assert list(response.context["drafts"]) == [proposal]
    assert "Draft: Untitled proposal" in response.content.decode()


def test_mentor_sees_the_endorsement_to_give():
    proposal, _, mentor = make_trainee_proposal(endorsed=False)
    grant_services.endorsement_request(proposal=proposal, actor=proposal.pi)

    response = page_for(mentor)

    assert [e.proposal for e in response.context["endorsements"]] == [proposal]


def test_reviewer_sees_reviews_to_write_and_chair_sees_the_call():
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    reviewer = setup.members[0]

    reviewer_page = page_for(reviewer)
    chair_page = page_for(setup.chair)

    assert len(reviewer_page.context["reviews_to_do"]) == reviewer.review_assignments.count()
    assert [c.call for c in chair_page.context["chaired"]] == [setup.call]


def test_administrator_sees_unreleased_decisions():
    setup = make_review_setup(proposals=1)
    close_review(setup)
    grant_services.decision_record(
        proposal=setup.proposals[0], actor=setup.admin, outcome=DecisionOutcome.NOT_FUNDED
    )

    response = page_for(setup.admin)

    assert response.context["unreleased_decisions"] == 1
    assert "1 funding decision recorded but not yet released" in response.content.decode()


def test_a_mentor_sees_their_role_on_the_proposal_not_just_team_member():
    proposal, _, mentor = make_trainee_proposal(endorsed=False)

    mentor_page = page_for(mentor)
    pi_page = page_for(proposal.pi)

    assert [p.your_role for p in mentor_page.context["my_proposals"]] == ["Mentor"]
    assert "<td>Mentor</td>" in mentor_page.content.decode()
    assert [p.your_role for p in pi_page.context["my_proposals"]] == ["Principal investigator"]
