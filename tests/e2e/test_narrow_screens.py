"""Phones: the pages the call's lifecycle shows, at 320 CSS px wide, have nothing wider than the
screen (tables become short "column: value" lists) and pass the accessibility checks."""

import pytest

from grants import services as grant_services
from grants.choices import DecisionOutcome
from reviews.choices import ReviewPhase
from tests.e2e.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, close_review, make_review_setup, move_review_to, reviewed_by

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 800})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def sideways_overflow(page) -> list[str]:
    """What makes the page scroll sideways (empty when nothing does)."""
    return page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
            Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.tagName + ' ' + (el.textContent || '').trim().slice(0, 40))
            .slice(0, 5)"""
    )


def test_the_review_and_decision_pages_fit_a_phone(phone):
    setup = make_review_setup(proposals=2, members=2)
    first, second = setup.proposals
    reviewed_by(setup, first, setup.members, impact=2)
    move_review_to(setup, ReviewPhase.READ_PHASE)
    pages = {
        setup.chair: ["/", f"/review/calls/{setup.call.pk}/panel/"],
        setup.admin: [f"/review/calls/{setup.call.pk}/", "/accounts/profile/"],
    }
    for user in (setup.chair, setup.admin, first.pi):
        user.set_password(PASSWORD)
        user.save()

    for user, paths in pages.items():
        sign_in(phone, user.username, PASSWORD)
        for path in paths:
            phone.goto(path)
            assert sideways_overflow(phone) == [], path
            check_accessibility(phone, f"{path} at 320 px")
        phone.context.clear_cookies()

    close_review(setup)
    grant_services.decision_record(
        proposal=first, actor=setup.admin, outcome=DecisionOutcome.FUNDED
    )
    sign_in(phone, setup.admin.username, PASSWORD)
    phone.goto(f"/review/calls/{setup.call.pk}/ranking/")

    assert sideways_overflow(phone) == []
    assert phone.locator("td[data-label='Running total']").first.inner_text() == "$15,000.00"
    check_accessibility(phone, "ranking at 320 px")

    phone.context.clear_cookies()
    sign_in(phone, first.pi.username, PASSWORD)
    phone.goto("/")
    assert sideways_overflow(phone) == []
    check_accessibility(phone, "applicant's dashboard at 320 px")


def test_a_stacked_table_shows_no_label_for_an_empty_cell(phone):
    from tests.factories import make_proposal, make_user

    proposal = make_proposal(complete=False)
    grant_services.team_member_add(
        proposal=proposal, actor=proposal.pi, role="co_investigator", user=make_user("colleague")
    )
    proposal.pi.set_password(PASSWORD)
    proposal.pi.save()
    sign_in(phone, proposal.pi.username, PASSWORD)
    phone.goto(f"/proposals/{proposal.pk}/team/")

    pi_row, member_row = phone.locator("main table tbody tr").all()

    # The PI's row has no action: its empty cell is not shown (it would read "Actions:" with
    # nothing after it, the label being generated content); the member's has one.
    assert pi_row.locator("td").last.evaluate("td => getComputedStyle(td).display") == "none"
    assert member_row.locator("td").last.is_visible()
    assert "Remove" in member_row.inner_text()
    assert sideways_overflow(phone) == []
