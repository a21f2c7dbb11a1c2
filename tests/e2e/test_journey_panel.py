"""Journey 3: the chair auto-assigns, runs the panel and writes the resume; the administrator
funds to the pay line, is refused beyond the budget, and releases; the PI reads the summary
statement."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from grants.choices import ProposalStatus
from grants.models import FundingCall, Proposal
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Assignment
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_review_setup, move_review_to, submit_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_chair_panel_and_funding_decisions(page):
    setup = make_review_setup(proposals=3, members=3, reviewers_per_proposal=2)
    # Each proposal requests $15,000; the budget covers two.
    FundingCall.objects.filter(pk=setup.call.pk).update(total_budget=Decimal("30000"))
    titles = ["Promotoras and diabetes", "Church blood pressure checks", "Rural tele-dermatology"]
    for proposal, title in zip(setup.proposals, titles, strict=True):
        Proposal.objects.filter(pk=proposal.pk).update(title=title)
    for user in (setup.chair, setup.admin, *[p.pi for p in setup.proposals], *setup.members):
        user.set_password(PASSWORD)
        user.save()

    # The chair auto-assigns through the page.
    sign_in(page, setup.chair.username, PASSWORD)
    page.goto(f"/review/calls/{setup.call.pk}/")
    check_accessibility(page, "call review before assignment")
    page.get_by_role("button", name="Assign reviewers automatically").click()
    assert "6 assignments made." in page.locator(".messages").inner_text()
    check_accessibility(page, "assignment board")
    screenshot(page, "assignment-board")

    # Reviews happen (through the services; journey 2 covers the review pages).
    move_review_to(setup, ReviewPhase.READ_PHASE)
    impacts = {setup.proposals[0].pk: 2, setup.proposals[1].pk: 3, setup.proposals[2].pk: 4}
    for assignment in Assignment.objects.filter(proposal__call=setup.call):
        submit_review(assignment, impact=impacts[assignment.proposal_id])
    move_review_to(setup, ReviewPhase.PANEL)

    page.goto(f"/review/calls/{setup.call.pk}/panel/")
    check_accessibility(page, "panel")
    screenshot(page, "panel")
    rows = page.locator("main table tbody tr").all_inner_texts()
    assert [r.split("\t")[0].split(" ", 1)[1] for r in rows] == [
        "Promotoras and diabetes",
        "Church blood pressure checks",
        "Rural tele-dermatology",
    ]
    # Bring the triaged (not discussed) proposal back so all three are scored.
    page.get_by_role("button", name=re.compile("Bring back for discussion")).click()

    # Every member votes on the ballot page; the chair votes here too.
    for member in (setup.chair, *setup.members):
        if member != setup.chair:
            page.get_by_role("button", name="Sign out").click()
            sign_in(page, member.username, PASSWORD)
        page.goto(f"/review/calls/{setup.call.pk}/ballot/")
        for proposal in setup.proposals:
            select = page.locator(f"#score_{proposal.pk}")
            if select.count():
                select.select_option(str(impacts[proposal.pk]))
        page.get_by_role("button", name="Save my scores").click()
    check_accessibility(page, "ballot")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, setup.chair.username, PASSWORD)
    for proposal in setup.proposals:
        page.goto(f"/review/calls/{setup.call.pk}/panel/{proposal.pk}/")
        page.get_by_label("Resume of discussion").fill(f"The panel discussed {proposal.pk}.")
        page.get_by_role("button", name=re.compile("Save the resume")).click()
    check_accessibility(page, "panel with final scores")
    review_services.review_phase_transition(
        call=setup.call, to=ReviewPhase.CLOSED, actor=setup.chair
    )

    # The administrator funds to the pay line and is refused beyond it.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, setup.admin.username, PASSWORD)
    page.goto(f"/review/calls/{setup.call.pk}/ranking/")
    check_accessibility(page, "ranking")
    screenshot(page, "ranking", phone=True)
    assert page.locator("tr.pay-line").count() == 1
    # Fund ranks 1-3 at once: the confirmation shows the money, over the budget, and offers
    # nothing to record.
    batch = page.locator("#decide-many")
    batch.get_by_label("Decision").select_option("funded")
    batch.get_by_label("From rank").fill("1")
    batch.get_by_label("to rank").fill("3")
    batch.get_by_role("button", name="Review the money").click()
    assert "over the budget by" in page.locator("main").inner_text()
    assert page.get_by_role("button", name=re.compile("^Record")).count() == 0
    check_accessibility(page, "several decisions over the budget")
    # The two that fit, ticked in the ranking, confirmed with their total.
    page.goto(f"/review/calls/{setup.call.pk}/ranking/")
    for title in titles[:2]:
        page.locator("tr", has_text=title).get_by_role("checkbox").check()
    batch.get_by_label("Decision").select_option("funded")
    batch.get_by_role("button", name="Review the money").click()
    check_accessibility(page, "several decisions confirmed")
    screenshot(page, "decide-several")
    page.get_by_role("button", name=re.compile("^Record 2 decisions: fund")).click()
    assert "2 decisions recorded" in page.locator(".messages").inner_text()
    # The third on its own page: funding it is refused, with the reason at the top.
    page.locator("tr", has_text=titles[2]).get_by_role("link", name=re.compile("^Decide")).click()
    page.get_by_label("Fund", exact=True).check()
    page.get_by_role("button", name="Record the decision").click()
    assert "would exceed the call's budget" in page.locator(".error-summary").inner_text()
    check_accessibility(page, "decision with a refusal")
    page.get_by_label("Do not fund").check()
    page.get_by_role("button", name="Record the decision").click()
    assert "Decision recorded" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Release decisions").click()
    assert "3 decisions released" in page.locator(".messages").inner_text()

    # The PI of the best proposal reads the summary statement.
    best = Proposal.objects.get(pk=setup.proposals[0].pk)
    assert best.status == ProposalStatus.FUNDED
    assert any(m.to == [best.pi.email] and "Funding decision" in m.subject for m in mail.outbox)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, best.pi.username, PASSWORD)
    page.goto(f"/proposals/{best.pk}/")
    check_accessibility(page, "proposal with decision")
    page.get_by_role("link", name="Read the summary statement").click()
    check_accessibility(page, "summary statement")
    screenshot(page, "summary-statement")
    text = page.locator("main").inner_text()
    assert "Final impact score: 20" in text
    assert "Reviewer 1" in text
    assert "CONFIDENTIAL" not in text
    for member in setup.members:
        assert member.display_name not in text
