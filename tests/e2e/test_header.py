"""The header: one row at desktop width with the program office's pages in one group; on a
phone a "Menu" button folds it, so it no longer takes a third of the screen."""

import pytest

from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, make_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('.site-header').offsetHeight")


@pytest.fixture
def admin():
    admin = make_admin("officer")
    admin.set_password(PASSWORD)
    admin.save()
    return admin


def test_at_desktop_width_the_administrators_header_is_one_row(page, admin):
    sign_in(page, admin.username, PASSWORD)

    assert header_height(page) < 70
    assert page.get_by_role("button", name="Menu").is_hidden()
    page.get_by_text("Program office", exact=True).click()
    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_url("**/accounts/audit/")
    summary = page.locator("summary", has_text="Program office")
    assert "is-current" in summary.get_attribute("class")


def test_on_a_phone_the_menu_folds_and_opens(browser, live_server, admin):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 780})
    page = context.new_page()
    sign_in(page, admin.username, PASSWORD)
    menu = page.get_by_role("button", name="Menu")

    assert header_height(page) < 70
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("button", name="Sign out").is_hidden()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("button", name="Sign out").is_visible()
    check_accessibility(page, "phone menu open")
    page.get_by_text("Program office", exact=True).click()
    page.get_by_role("link", name="Committees").click()
    page.wait_for_url("**/committees/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    context.close()
