"""A review starts with reviewers (docs/invariants.md): the move from assignment to
independent review is refused while no proposal has a reviewer, on the page and the API."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.choices import ReviewPhase
from reviews.models import Assignment, CallReview
from tests.factories import make_review_setup, move_review_to
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)


def phase_of(setup) -> str:
    return CallReview.objects.get(call=setup.call).phase


def test_the_page_refuses_the_move_with_nobody_assigned_and_says_why(setup):
    client = signed_in(setup.chair)

    page = client.get(reverse("reviews:call_manage", args=[setup.call.pk])).content.decode()
    response = client.post(
        reverse("reviews:call_phase", args=[setup.call.pk]),
        {"to": ReviewPhase.INDEPENDENT_REVIEW},
        follow=True,
    )

    assert "no proposal has a reviewer yet" in page
    assert "Move to independent review" not in page
    assert phase_of(setup) == ReviewPhase.ASSIGNMENT
    assert "Assign reviewers before the independent review starts" in response.content.decode()


def test_the_api_refuses_it_with_a_400_and_the_reason(setup):
    response = signed_in(setup.chair).post(
        reverse("api-call-phase", args=[setup.call.pk]),
        {"to": ReviewPhase.INDEPENDENT_REVIEW},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "Assign reviewers" in str(response.json())
    assert phase_of(setup) == ReviewPhase.ASSIGNMENT


def test_one_reviewer_on_one_proposal_is_enough_to_start(setup):
    services.assignment_create(
        proposal=setup.proposals[0], reviewer=setup.members[0], actor=setup.chair
    )
    client = signed_in(setup.chair)

    page = client.get(reverse("reviews:call_manage", args=[setup.call.pk])).content.decode()
    client.post(
        reverse("reviews:call_phase", args=[setup.call.pk]), {"to": ReviewPhase.INDEPENDENT_REVIEW}
    )

    assert "Move to independent review" in page
    assert phase_of(setup) == ReviewPhase.INDEPENDENT_REVIEW


def test_stepping_back_from_the_read_phase_is_not_refused(setup):
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    # Every assignment gone (written directly: no service removes them in the read phase).
    Assignment.objects.filter(proposal__call=setup.call).delete()

    services.review_phase_transition(
        call=setup.call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=setup.chair
    )

    assert phase_of(setup) == ReviewPhase.INDEPENDENT_REVIEW
