"""Journey: a two-stage call in a browser. The applicant writes a letter of intent (a budget
over the call's maximum first, then its one-page PDF) and sends it; a committee member rates
it; once the letters' deadline has passed the administrator reads the rating, starts the
triage, invites the letter with a message and opens the call for full proposals; the applicant
starts the full proposal from the dashboard and finds the letter's text in it. axe on every
page, and each page fits a 320 px phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import FundingCall, LetterOfIntent, Proposal
from reviews import services as review_services
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_admin, make_committee, make_user, pdf_bytes
from tests.support.letters import make_two_stage_call

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Faith-based promotoras and blood pressure"
AIMS = "Aim 1: adapt the programme with three churches. Aim 2: pilot it with 60 members."


def fits_a_phone(page, what: str) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 320, f"{what} scrolls sideways at 320 px ({wide} px wide)"
    finally:
        page.set_viewport_size(size)


def test_letter_invitation_and_full_proposal_journey(page, tmp_path):
    admin = make_admin("office")
    applicant = make_user("ines")
    committee = make_committee(admin=admin, members=1)
    member = next(m for m in committee.members.all() if m.pk != committee.chair_id)
    call = make_two_stage_call(
        title="Two-stage pilot awards in health equity",
        letters_due=timezone.now() + timedelta(days=3),
        max_award=Decimal("25000"),
    )
    review_services.committee_attach_to_call(committee=committee, call=call, actor=admin)
    for user in (admin, applicant, member):
        user.set_password(PASSWORD)
        user.save()
    letter_pdf = tmp_path / "letter.pdf"
    letter_pdf.write_bytes(pdf_bytes("Letter of intent"))

    # The applicant writes the letter: a budget over the maximum is refused where it was typed.
    sign_in(page, applicant.username, PASSWORD)
    page.get_by_role("link", name=call.title).first.click()
    check_accessibility(page, "two-stage call page")
    fits_a_phone(page, "the call page")
    page.get_by_role("button", name="Send a letter of intent").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary of the aims").fill(AIMS)
    page.get_by_label("Team").fill("Rosa Diaz, community partner, Valley FQHC")
    page.get_by_label("Black or African American").check()
    page.get_by_label("Underserved rural communities").check()
    page.get_by_label("Estimated budget (USD)").fill("30000")
    page.get_by_role("button", name="Save the letter").click()
    assert page.locator("#id_estimated_budget").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "letter form with a field error")
    fits_a_phone(page, "the letter form")
    page.get_by_label("Estimated budget (USD)").fill("20000")
    page.get_by_label("One-page PDF (optional)").set_input_files(str(letter_pdf))
    page.get_by_role("button", name="Save the letter").click()
    assert "Letter saved." in page.locator(".messages").inner_text()
    assert "ready to send" in page.locator("main").inner_text()
    screenshot(page, "letter-of-intent", phone=True)
    page.get_by_role("button", name="Send the letter of intent").click()
    assert "Your letter of intent is sent." in page.locator(".messages").inner_text()
    check_accessibility(page, "the sent letter")
    fits_a_phone(page, "the sent letter")
    page.context.clear_cookies()

    # A committee member rates it from the dashboard.
    sign_in(page, member.username, PASSWORD)
    page.get_by_role("link", name="1 letter of intent to rate").click()
    check_accessibility(page, "the committee's letters")
    fits_a_phone(page, "the committee's letters")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("2 — Invite", exact=True).check()
    page.get_by_label("Comment for the program office").fill("A feasible pilot.")
    check_accessibility(page, "rating a letter")
    fits_a_phone(page, "rating a letter")
    page.get_by_role("button", name="Save the rating").click()
    assert "Rating saved." in page.locator(".messages").inner_text()
    page.context.clear_cookies()

    # The letters' deadline passes.
    FundingCall.objects.filter(pk=call.pk).update(
        letters_close_at=timezone.now() - timedelta(minutes=1)
    )

    # The office starts the triage, reads the rating, invites, opens for full proposals.
    sign_in(page, admin.username, PASSWORD)
    page.goto(f"/calls/{call.pk}/")
    page.get_by_role("link", name="Letters of intent received").click()
    page.get_by_role("button", name="Start the letters triage").click()
    assert "The call is now letters in triage." in page.locator(".messages").inner_text()
    row = page.locator("tbody tr", has_text=TITLE)
    assert row.locator("td.num").all_inner_texts() == ["$20,000.00", "2.0", "1"]
    check_accessibility(page, "letters in triage")
    fits_a_phone(page, "letters in triage")
    page.get_by_role("link", name=TITLE).click()
    assert "A feasible pilot." in page.locator("main").inner_text()
    page.get_by_label("Invite a full proposal").check()
    page.get_by_label("Message to the applicant").fill("Please say more about recruitment.")
    check_accessibility(page, "deciding a letter")
    fits_a_phone(page, "deciding a letter")
    page.get_by_role("button", name="Record the decision").click()
    assert "invited; the applicant is e-mailed" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="Open for full proposals").click()
    assert "The call is now open." in page.locator(".messages").inner_text()
    page.context.clear_cookies()

    # The applicant starts the full proposal from the dashboard: the letter's text is in it.
    sign_in(page, applicant.username, PASSWORD)
    check_accessibility(page, "dashboard with an invitation")
    fits_a_phone(page, "the dashboard with an invitation")
    page.get_by_role("button", name="Start your full proposal").click()
    assert page.get_by_label("Title").input_value() == TITLE
    assert page.get_by_label("Specific aims").input_value() == AIMS
    assert page.get_by_label("Total amount requested (USD)").input_value() == "20000.00"
    check_accessibility(page, "the full proposal started from the letter")
    proposal = Proposal.objects.get(call=call, pi=applicant)
    assert LetterOfIntent.objects.get(call=call, applicant=applicant).proposal == proposal

    # The Team tab names the people the letter did, for the applicant to add.
    page.get_by_role("link", name="Team", exact=True).click()
    letter_team = page.get_by_role("region", name="The team in your letter of intent")
    assert letter_team.get_by_role("listitem").all_inner_texts() == [
        "Rosa Diaz, community partner, Valley FQHC"
    ]
    check_accessibility(page, "the full proposal's team with the letter's")
    fits_a_phone(page, "the full proposal's team with the letter's")
