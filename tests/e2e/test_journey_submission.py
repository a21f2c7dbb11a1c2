"""Journey 1: a student drafts, is blocked by the checklist, fixes it, gets the mentor's
endorsement from the e-mailed link, submits and downloads the PDF."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail

from accounts.choices import ApplicantType
from grants.choices import ProposalStatus
from grants.models import Proposal
from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD, make_call, make_user, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_student_submission_journey(page, tmp_path):
    call = make_call(title="Student Research Awards in Health Equity", max_award=Decimal("5000"))
    student = make_user("student", applicant_type=ApplicantType.MEDICAL_STUDENT)
    mentor = make_user("mentor", applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)
    biosketch = tmp_path / "biosketch.pdf"
    biosketch.write_bytes(pdf_bytes())

    sign_in(page, "student", PASSWORD)
    check_accessibility(page, "dashboard")
    screenshot(page, "dashboard", phone=True)
    page.get_by_role("link", name=call.title).first.click()
    check_accessibility(page, "call page")
    page.get_by_role("button", name="Start a proposal").click()

    # Write the sections.
    page.get_by_label("Title").fill("Peer navigators for diabetes care among farmworkers")
    page.get_by_label("Abstract").fill("Farmworkers face barriers to diabetes care. " * 8)
    page.get_by_label("Specific aims").fill("Aim 1: train navigators. Aim 2: pilot.")
    page.get_by_label("Research strategy").fill("A single-arm pilot with mixed methods. " * 10)
    page.get_by_label("Hispanic or Latino").check()
    page.get_by_label("Underserved rural communities").check()
    page.get_by_label("Health care system × Community").check()
    page.get_by_label("Community engagement plan").fill("A farmworker advisory board.")
    page.get_by_label("Timeline").fill("Months 1-2 training; 3-10 pilot; 11-12 analysis.")
    page.get_by_label("Total amount requested (USD)").fill("6000")
    page.get_by_label("Budget justification").fill("Navigator stipends.")
    page.get_by_label("IRB status").select_option("pending")
    page.get_by_role("button", name="Save draft").click()
    check_accessibility(page, "editor after save")
    screenshot(page, "proposal-editor", phone=True)

    # A budget over the call's maximum.
    page.get_by_role("link", name="Budget", exact=True).click()
    page.get_by_label("Category").select_option("personnel")
    page.get_by_label("Description").fill("Navigator stipends")
    page.get_by_label("Amount (USD)").fill("6000")
    page.get_by_role("button", name="Add the line").click()
    # A bad amount is a field error tied to its input.
    page.get_by_label("Description").fill("Printing")
    page.get_by_label("Amount (USD)").fill("-3")
    page.get_by_role("button", name="Add the line").click()
    assert page.locator("#id_amount").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "budget with a field error")

    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_label("Document type").select_option("biosketch")
    page.get_by_label("PDF file").set_input_files(str(biosketch))
    page.get_by_role("button", name="Upload").click()
    check_accessibility(page, "documents")

    # The checklist blocks: no mentor, budget over the maximum.
    page.get_by_role("link", name="Check & submit").click()
    checklist = page.locator("#checklist").inner_text()
    assert "over this call's maximum award of $5,000.00" in checklist
    assert "Trainee proposals need a faculty mentor on the team." in checklist
    assert page.get_by_role("button", name="Submit the proposal").count() == 0
    check_accessibility(page, "blocked checklist")
    screenshot(page, "checklist")

    # Fix the budget.
    page.get_by_role("link", name="Budget", exact=True).click()
    page.get_by_role("link", name=re.compile("^Edit")).first.click()
    page.get_by_label("Amount (USD)").fill("5000")
    page.get_by_role("button", name="Save the line").click()
    page.get_by_role("link", name="Write", exact=True).click()
    page.get_by_label("Total amount requested (USD)").fill("5000")
    page.get_by_role("button", name="Save draft").click()

    # Add the mentor and ask for the endorsement.
    page.get_by_role("link", name="Team & endorsement").click()
    page.get_by_label("Find a colleague by name or e-mail").fill("mentor")
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_role("radio", name=re.compile("^Mentor Tester")).check()
    page.get_by_label("Role").select_option("mentor")
    page.get_by_role("button", name="Add to the team").click()
    page.get_by_role("button", name="Ask my mentor to endorse").click()
    check_accessibility(page, "team page")
    link = next(m for m in mail.outbox if m.to == [mentor.email] and "endorse" in m.subject)
    path = re.search(r"https?://[^/]+(/endorsements/\w+/)", link.body).group(1)

    # The mentor endorses from the link.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "mentor", PASSWORD)
    page.goto(path)
    check_accessibility(page, "endorsement page")
    page.get_by_label("I endorse this proposal").check()
    page.get_by_label("Statement for the committee").fill("A committed and capable student.")
    page.get_by_role("button", name="Send my response").click()

    # The student submits and downloads the PDF.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "student", PASSWORD)
    proposal = Proposal.objects.get(pi=student)
    page.goto(f"/proposals/{proposal.pk}/submit/")
    assert "Nothing: this proposal is ready to submit." in page.content()
    page.get_by_role("button", name="Submit the proposal").click()
    check_accessibility(page, "submitted proposal")
    screenshot(page, "proposal-submitted")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    body = open(download.value.path(), "rb").read()

    from pypdf import PdfReader

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED
    assert body.startswith(b"%PDF-")
    assert "Peer navigators" in PdfReader(BytesIO(body)).pages[0].extract_text()
    assert any(m.to == [student.email] and "Received" in m.subject for m in mail.outbox)
