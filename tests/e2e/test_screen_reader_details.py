"""What a screen reader is given on the proposal pages (docs/screen-reader.md, findings 5 and
8): the checklist's marks are said as words, and a word limit crossed — either way — is
announced once in a polite live region while the counter itself stays silent."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, make_proposal

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def applicant_page(page):
    proposal = make_proposal(complete=False)
    proposal.pi.set_password(PASSWORD)
    proposal.pi.save()
    sign_in(page, proposal.pi.username, PASSWORD)
    return page, proposal


def test_the_checklist_marks_are_said_as_words(applicant_page):
    page, proposal = applicant_page
    page.goto(f"/proposals/{proposal.pk}/submit/")

    tree = page.locator("main").aria_snapshot()

    assert "Not done:" in tree
    assert "✗" not in tree


def test_crossing_a_word_limit_is_announced_once_each_way(applicant_page):
    page, proposal = applicant_page
    page.goto(f"/proposals/{proposal.pk}/edit/")
    news = page.locator("[data-word-limit-news]")
    abstract = page.locator("#id_abstract")
    limit = int(abstract.get_attribute("data-word-limit"))

    abstract.fill("word " * limit)
    assert news.text_content() == ""  # at the limit: nothing to say
    abstract.press_sequentially(" over")
    expect(news).to_have_text(f"Abstract is over its {limit}-word limit: {limit + 1} words.")
    assert news.get_attribute("aria-live") == "polite"
    assert page.locator("#id_abstract_words").get_attribute("aria-live") == "off"
    abstract.fill("word " * (limit - 5))
    expect(news).to_have_text(f"Abstract is within its {limit}-word limit again.")
