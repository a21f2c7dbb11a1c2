"""A trainee's team page puts their one blocker — asking the mentor to endorse — before the
form for adding people."""

import pytest
from django.urls import reverse

from tests.factories import make_trainee_proposal
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def test_the_endorsement_request_comes_before_the_add_member_form():
    proposal, _, _ = make_trainee_proposal(endorsed=False)

    html = (
        signed_in(proposal.pi)
        .get(reverse("grants:proposal_team", args=[proposal.pk]))
        .content.decode()
    )

    assert html.index("Mentor endorsement") < html.index("Add a team member")
    assert "Ask my mentor to endorse" in html
