"""Journey 4: an awardee records a publication and a follow-on grant; the administrator
previews the HRSA report, sees a check that does not pass, fixes the data, and downloads the
workbook (opened with openpyxl)."""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD
from tests.reporting.support import simple_award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_row(page, rule: str) -> str:
    return page.locator("section.report-checks tr", has_text=rule).inner_text()


def test_outcomes_and_hrsa_report(page):
    award, admin = simple_award(start=date(2025, 7, 1), end=date(2026, 6, 30))
    pi = award.proposal.pi
    for user in (pi, admin):
        user.set_password(PASSWORD)
        user.save()

    # The awardee records a publication (year only, no month yet) and a follow-on grant.
    sign_in(page, pi.username, PASSWORD)
    page.get_by_role("link", name="Awards", exact=True).click()
    check_accessibility(page, "awards list")
    page.get_by_role("link", name=re.compile(f"NS-{award.proposal_id}")).click()
    check_accessibility(page, "award page")
    screenshot(page, "award")
    page.get_by_role("link", name="Add a publication").click()
    page.get_by_label("Title").fill("Promotora-led care lowers A1c in rural Latino families")
    page.get_by_label("DOI").fill("not a doi")
    page.get_by_label("Journal").fill("Journal of Health Disparities Research")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#id_doi").get_attribute("aria-invalid") == "true"
    check_accessibility(page, "publication form with an error")
    page.get_by_label("DOI").fill("10.1234/jhdr.2025.0042")
    page.get_by_role("button", name="Save").click()
    assert "Publication saved." in page.locator(".messages").inner_text()

    page.get_by_role("link", name="Add follow-on funding").click()
    page.locator("#id_sponsor").fill("National Institute on Minority Health")
    page.get_by_label("Sponsor type").select_option("nih")
    page.get_by_label("Mechanism").fill("R21")
    page.locator("#id_amount").fill("275000")
    page.locator("#id_status").select_option("awarded")
    page.get_by_label("Applied on").fill("2025-09-15")
    page.get_by_label("Decided on").fill("2026-03-01")
    page.get_by_role("button", name="Save").click()
    check_accessibility(page, "award with outcomes")

    # The administrator previews the report: the undated publication does not pass.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, admin.username, PASSWORD)
    page.get_by_text("Program office", exact=True).click()
    page.get_by_role("link", name="HRSA report").click()
    page.get_by_label("Reporting period (academic year)").select_option("2025-2026")
    page.get_by_role("button", name="Show").click()
    check_accessibility(page, "HRSA report preview")
    screenshot(page, "hrsa-report")
    assert "Warning" in check_row(page, "Outcomes have a date")

    # Fix the data: give the publication its month.
    page.goto(f"/awards/{award.pk}/")
    page.get_by_role("link", name=re.compile("^Edit Promotora-led")).click()
    page.get_by_label("Publication date").fill("2025-11-01")
    page.get_by_role("button", name="Save").click()
    page.goto("/reports/hrsa/?period=2025-2026")
    assert "Pass" in check_row(page, "Outcomes have a date")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel workbook").click()
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    cells = [v for row in workbook["Outcomes"].iter_rows(values_only=True) for v in row]
    assert workbook.sheetnames[:3] == ["Program set-up", "Summary", "Projects"]
    assert 275000 in cells  # the awarded follow-on dollars
