"""The autosave script and a save made in another window: the script moves its version on after
each save of its own, and when the server refuses a stale one (409) it shows the message, stops
autosaving and leaves the user's text where it is. The browser's clock is driven by the test,
so the 20-second autosave timer fires at once."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from grants import services as grant_services
from grants.models import Proposal
from tests.factories import make_proposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AUTOSAVE_DELAY_MS = 20_000


def open_editor(page, live_server, proposal) -> str:
    """Sign the PI in (by session cookie) and open the proposal's editor with a fake clock."""
    client = Client()
    client.force_login(proposal.pi)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.clock.install()
    url = reverse("grants:proposal_edit", args=[proposal.pk])
    page.goto(url)
    return url


def autosave_now(page) -> None:
    page.clock.fast_forward(AUTOSAVE_DELAY_MS + 1_000)


def test_autosave_keeps_its_version_moving_with_its_own_saves(page, live_server):
    proposal = make_proposal(complete=False)
    open_editor(page, live_server, proposal)
    status = page.locator("#autosave-status")

    page.get_by_label("Title").fill("First words")
    autosave_now(page)
    expect(status).to_contain_text("All changes saved at")
    expect(page.locator("input[name=version]")).to_have_value("1")
    page.get_by_label("Title").fill("Second words")
    autosave_now(page)
    expect(page.locator("input[name=version]")).to_have_value("2")

    proposal.refresh_from_db()
    expect(status).to_contain_text("All changes saved at")
    assert (proposal.title, proposal.version) == ("Second words", 2)


def test_a_stale_autosave_stops_and_keeps_the_users_text(page, live_server):
    proposal = make_proposal(complete=False)
    url = open_editor(page, live_server, proposal)
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and url in r.url else None)
    status = page.locator("#autosave-status")

    page.get_by_label("Title").fill("Typed in this window")
    grant_services.proposal_update(  # the same PI saves in another window meanwhile
        proposal=Proposal.objects.get(pk=proposal.pk),
        actor=proposal.pi,
        data={"title": "Saved in the other window"},
        expected_version=0,
    )
    autosave_now(page)

    expect(status).to_contain_text("You saved this proposal at")
    expect(status).to_contain_text("Autosave is off on this page")
    expect(page.get_by_label("Title")).to_have_value("Typed in this window")
    page.get_by_label("Abstract").fill("More typing after the refusal.")
    autosave_now(page)
    page.wait_for_timeout(500)
    assert len(posts) == 1  # no second background save
    expect(status).to_contain_text("Autosave is off on this page")

    # Saving by hand from the stale page is refused too, with the user's text on the page.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("You saved this proposal at")
    expect(page.get_by_label("Title")).to_have_value("Typed in this window")
    expect(page.get_by_label("Abstract")).to_have_value("More typing after the refusal.")
    proposal.refresh_from_db()
    assert (proposal.title, proposal.abstract, proposal.version) == (
        "Saved in the other window",
        "",
        1,
    )


def test_the_review_sheet_saves_in_the_background_and_only_when_something_changed(
    page, live_server
):
    """The review sheet's Save and Submit buttons are named "action", which shadows the form's
    action property: the background save once posted to "[object RadioNodeList]" (found by the
    screen-reader pass, docs/screen-reader.md)."""
    from reviews import services as review_services
    from reviews.choices import ReviewPhase
    from reviews.models import Review
    from tests.factories import make_review_setup, move_review_to

    setup = make_review_setup(proposals=1, members=2, reviewers_per_proposal=1)
    reviewer = setup.members[0]
    assignment = review_services.assignment_create(
        proposal=setup.proposals[0], reviewer=reviewer, actor=setup.chair
    )
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    review_services.conflict_certify_none(assignment=assignment, actor=reviewer)
    client = Client()
    client.force_login(reviewer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.clock.install()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(reverse("reviews:review", args=[assignment.pk]))
    status = page.locator("#autosave-status")

    strengths = page.locator("textarea[name$=strengths]").first
    strengths.fill("Clear aims and a strong community partner.")
    autosave_now(page)
    expect(status).to_contain_text("All changes saved at")
    strengths.blur()  # leaving the field: a "change" event with nothing new in it
    autosave_now(page)

    review = Review.objects.get(assignment=assignment)
    assert "Clear aims and a strong community partner." in list(
        review.scores.values_list("strengths", flat=True)
    )
    assert len(posts) == 1 and posts[0].endswith(reverse("reviews:review", args=[assignment.pk]))
    expect(status).to_contain_text("All changes saved at")
