"""Issue #19's eligibility pages on a phone (320 CSS px) with axe: the call's page telling an
applicant why they cannot apply, the administrators' exceptions page with a search and an
exception granted, and the submission checklist naming the exception."""

import pytest

from grants import services as grant_services
from tests.e2e.conftest import check_accessibility, sign_in
from tests.e2e.test_narrow_screens import sideways_overflow
from tests.factories import PASSWORD, make_admin, make_call, make_proposal, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _fits_and_passes(page, path: str) -> None:
    page.goto(path)
    assert sideways_overflow(page) == [], path
    check_accessibility(page, f"{path} at 320 px")


def test_the_eligibility_pages_fit_a_phone(phone):
    call = make_call(
        title="Community-partnered pilot awards for family medicine and pediatrics",
        eligible_departments=["Family Medicine", "Pediatrics"],
        first_time_applicants_only=True,
        requires_community_partner=True,
    )
    surgeon = make_user("surgeon", department="Department of Surgery and Perioperative Care")
    admin = make_admin("office")

    sign_in(phone, surgeon.username, PASSWORD)
    _fits_and_passes(phone, f"/calls/{call.pk}/")
    assert phone.get_by_role("heading", name="You cannot apply to this call").is_visible()
    assert phone.get_by_role("button", name="Start a proposal").count() == 0
    phone.context.clear_cookies()

    grant_services.eligibility_exception_grant(
        call=call,
        person=surgeon,
        reason="Joint appointment in Family Medicine since July; the department list is old.",
        actor=admin,
    )
    sign_in(phone, admin.username, PASSWORD)
    _fits_and_passes(phone, f"/calls/{call.pk}/eligibility-exceptions/?q=surgeon")
    phone.context.clear_cookies()

    proposal = make_proposal(call=call, pi=surgeon)
    sign_in(phone, surgeon.username, PASSWORD)
    _fits_and_passes(phone, f"/proposals/{proposal.pk}/submit/")
    assert phone.get_by_text("Eligible by an exception granted by").is_visible()
