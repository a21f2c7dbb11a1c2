"""Journey 8: the health-disparities portfolio in a browser. The awardee reports planned and
cumulative inclusion enrollment (a bad cell first); the administrator corrects a proposal's
NIMHD classification (no reason first), reads the portfolio grid filtered by population, and
the program's enrollment view. axe on every page, and each page fits a 320 px phone."""

import re
from datetime import date

import pytest

from tests.e2e.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD
from tests.reporting.support import simple_award

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLANNED = {"hispanic|white|female": 12, "not_hispanic|black|male": 8}
ACTUAL = {"hispanic|white|female": 5, "not_hispanic|black|male": 3}


def fits_a_phone(page, what: str) -> None:
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 320, f"{what} scrolls sideways at 320 px ({wide} px wide)"
    finally:
        page.set_viewport_size(size)


def cell(page, key: str):
    return page.locator(f'input[name="counts.{key}"]')


def test_enrollment_classification_and_portfolio(page):
    award, admin = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    pi, proposal = award.proposal.pi, award.proposal
    for user in (pi, admin):
        user.set_password(PASSWORD)
        user.save()

    # The awardee enters the planned table: a negative cell is refused where it was typed.
    sign_in(page, pi.username, PASSWORD)
    page.goto(f"/awards/{award.pk}/")
    page.get_by_role("link", name="Inclusion enrollment").click()
    check_accessibility(page, "enrollment page, empty")
    cell(page, "hispanic|white|female").fill("-3")
    page.get_by_role("button", name="Save the planned enrollment").click()
    errors = page.locator("td.field--error .errors")
    assert errors.count() == 1
    check_accessibility(page, "enrollment page with a bad cell")
    for key, count in PLANNED.items():
        cell(page, key).fill(str(count))
    page.get_by_role("button", name="Save the planned enrollment").click()
    assert "Planned enrollment saved." in page.locator(".messages").inner_text()

    # The page then offers the cumulative table; planned and actual side by side after it.
    assert page.get_by_role("heading", name="Submit cumulative enrollment").is_visible()
    page.get_by_label("Counts as of").fill("2025-06-30")
    for key, count in ACTUAL.items():
        cell(page, key).fill(str(count))
    page.get_by_role("button", name="Submit the cumulative enrollment").click()
    assert "8 enrolled" in page.locator("main").inner_text()
    check_accessibility(page, "enrollment page, planned against actual")
    fits_a_phone(page, "the enrollment page")
    screenshot(page, "enrollment", phone=True)
    page.context.clear_cookies()

    # The administrator corrects the classification: a reason is required.
    sign_in(page, admin.username, PASSWORD)
    page.goto(f"/proposals/{proposal.pk}/")
    page.get_by_role("link", name=re.compile("Correct the NIMHD classification")).click()
    check_accessibility(page, "classification page")
    page.locator("#id_nimhd_cells_sociocultural_community").check()
    page.get_by_role("button", name="Save the correction").click()
    assert page.locator("#id_reason").get_attribute("aria-invalid") == "true"
    page.get_by_label("Reason").fill("The study works through churches: sociocultural, community.")
    page.get_by_role("button", name="Save the correction").click()
    assert "The NIMHD classification is corrected." in page.locator(".messages").inner_text()
    fits_a_phone(page, "the proposal page after a correction")

    # The portfolio counts the funded award in its corrected cell.
    page.goto("/program/portfolio/")
    check_accessibility(page, "portfolio")
    fits_a_phone(page, "the portfolio")
    row = page.locator("table.portfolio-grid tbody tr", has_text="Sociocultural environment")
    community = row.locator("td").nth(2)
    assert community.inner_text().startswith("1 funded")
    screenshot(page, "portfolio", phone=True)
    page.get_by_label("Population with health disparities").select_option("aian")
    page.get_by_role("button", name="Show").click()
    row = page.locator("table.portfolio-grid tbody tr", has_text="Sociocultural environment")
    assert row.locator("td").nth(2).inner_text().startswith("0 funded")

    # The program's enrollment adds the award's planned and latest cumulative tables.
    page.goto("/program/enrollment/")
    check_accessibility(page, "program enrollment")
    fits_a_phone(page, "the program's enrollment")
    assert (
        "1 award, 1 with a planned table, 1 with a cumulative table"
        in page.locator("main").inner_text()
    )
    total = page.locator(".report-table tbody tr", has=page.locator("th", has_text="Total"))
    assert total.locator("td.num").all_inner_texts() == ["20", "8", "-12"]
