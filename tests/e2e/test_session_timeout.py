"""Before the idle sign-out the page warns and offers to stay signed in (WCAG 2.2.1); staying
keeps the session, and when the time runs out the page says the person was signed out."""

import pytest

from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_warning_comes_before_the_sign_out_and_staying_keeps_the_session(page, settings):
    settings.SESSION_COOKIE_AGE = 12  # warned 3 s before the end (a quarter of the time)
    person = make_user("idle")
    person.set_password(PASSWORD)
    person.save()
    sign_in(page, person.username, PASSWORD)
    page.goto("/accounts/profile/")
    dialog = page.locator("#session-timeout")

    assert dialog.is_hidden()
    dialog.wait_for(state="visible", timeout=12_000)
    assert page.evaluate("() => document.activeElement.textContent") == "Stay signed in"
    check_accessibility(page, "idle warning")
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden", timeout=5_000)

    dialog.wait_for(state="visible", timeout=12_000)  # idle again: warned again
    page.get_by_text("You have been signed out", exact=True).wait_for(timeout=8_000)
    assert page.get_by_role("link", name="sign in again").is_visible()
    page.reload()
    assert "/accounts/login/" in page.url  # the server ended the session too
