"""Journey 2: a reviewer declares a conflict on one proposal (and can then no longer open it),
reviews another, and reads the other reviews only after submitting their own."""

import re

import pytest

from grants.models import Proposal
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Review
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_review_setup, move_review_to, submit_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_reviewer_conflict_review_and_read_phase(page):
    setup = make_review_setup(proposals=2, members=3, reviewers_per_proposal=2)
    conflicted, reviewed = setup.proposals
    Proposal.objects.filter(pk=conflicted.pk).update(title="Asthma home visits in Fresno")
    Proposal.objects.filter(pk=reviewed.pk).update(title="Doulas for postpartum blood pressure")
    reviewer, colleague = setup.members[0], setup.members[1]
    reviewer.set_password(PASSWORD)
    reviewer.save()
    for proposal in (conflicted, reviewed):
        review_services.assignment_create(proposal=proposal, reviewer=reviewer, actor=setup.chair)
    other = review_services.assignment_create(
        proposal=reviewed, reviewer=colleague, actor=setup.chair
    )
    move_review_to(setup, ReviewPhase.READ_PHASE)
    submit_review(other, impact=2)

    sign_in(page, reviewer.username, PASSWORD)
    page.get_by_role("link", name="Reviews", exact=True).click()
    check_accessibility(page, "review queue")
    screenshot(page, "review-queue")

    # Declare a conflict on the first proposal.
    page.get_by_role("link", name=re.compile("Check for conflicts first.*Asthma")).click()
    check_accessibility(page, "conflict check")
    page.get_by_label("Nature of the conflict").select_option("collaborator")
    page.get_by_label("Explanation").fill("Co-author on a 2025 paper with the PI.")
    page.get_by_role("button", name="Declare the conflict").click()
    assert "Asthma home visits" not in page.locator("main table").inner_text()
    response = page.goto(f"/review/proposals/{conflicted.pk}/")
    assert response.status == 404
    response = page.goto(f"/review/proposals/{conflicted.pk}/reviews/")
    assert response.status == 404

    # Certify and review the second.
    page.goto("/review/")
    page.get_by_role("link", name=re.compile("Check for conflicts first.*Doulas")).click()
    page.get_by_role("button", name="I certify that I have no conflict of interest").click()
    check_accessibility(page, "proposal as the committee reads it")
    # Not yet: the other reviews stay closed until this reviewer submits.
    assert page.get_by_role("link", name="Read the submitted reviews").count() == 0
    page.goto(f"/review/proposals/{reviewed.pk}/reviews/")
    assert "after submitting your own" in page.locator(".messages").inner_text()
    assert "CONFIDENTIAL" not in page.content()

    page.get_by_role("link", name="Your review").click()
    sheet = page.locator("form[data-autosave]")
    for section in page.locator("section.criterion").all():
        radios = section.locator("input[type=radio]")
        if radios.count() == 2:
            section.get_by_label("Sufficient", exact=True).check()
        else:
            section.get_by_label("2 Outstanding").check()
        section.get_by_label("Strengths").fill("Clear aims and a strong community partner.")
        section.get_by_label("Weaknesses").fill("Small sample.")
    sheet.get_by_role("radiogroup").last.get_by_label("3 Excellent").check()
    page.get_by_label("Overall impact paragraph").fill("A promising, feasible pilot.")
    page.get_by_role("button", name="Save draft").click()
    check_accessibility(page, "review sheet saved")
    screenshot(page, "review-sheet", phone=True)
    page.get_by_role("button", name="Submit the review").click()
    assert Review.objects.get(assignment__reviewer=reviewer).status == "submitted"

    page.goto(f"/review/proposals/{reviewed.pk}/reviews/")
    check_accessibility(page, "read phase")
    text = page.locator("main").inner_text()
    assert colleague.display_name in text
    assert "CONFIDENTIAL: the PI is overcommitted." in text  # committee-only comments
