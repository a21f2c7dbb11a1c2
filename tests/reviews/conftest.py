import pytest

from reviews import services
from reviews.choices import ReviewPhase
from tests.factories import make_review_setup, move_review_to


@pytest.fixture
def staffed():
    """A call with two proposals in review, a chair and three members, auto-assigned three
    reviewers each, in the independent review phase."""
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=3)
    services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    return setup
