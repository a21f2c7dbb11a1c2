"""A refused form: the error summary is what has focus when the page comes back, and each of
its links takes the keyboard to the field to fix."""

import pytest

from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_summary_takes_focus_and_its_links_reach_the_fields(page):
    person = make_user("nameless")
    person.set_password(PASSWORD)
    person.save()
    sign_in(page, person.username, PASSWORD)
    page.goto("/accounts/profile/")

    page.fill("#id_user-first_name", "")
    page.fill("#id_user-email", "not-an-address")
    page.locator("#id_user-email").press("Enter")
    page.wait_for_selector("[data-error-summary]")

    focused = page.evaluate("() => document.activeElement.hasAttribute('data-error-summary')")
    assert focused, "the error summary should have focus after a refused save"
    page.get_by_role("link", name="E-mail address: Enter a valid email address.").click()
    assert page.evaluate("() => document.activeElement.id") == "id_user-email"
    check_accessibility(page, "profile with errors")
