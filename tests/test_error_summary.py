"""A refused form opens with a summary of every problem, each a link to its field, that takes
focus (static/js/enhance.js focuses ``[data-error-summary]``)."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_admin, make_submitted_proposal, make_user
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the page's error summaries."""
    summaries = re.findall(r"<div[^>]*data-error-summary[^>]*>(.*?)</div>", html, re.S)
    return [
        (href, re.sub(r"\s+", " ", text).strip())
        for block in summaries
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', block, re.S)
    ]


def test_each_field_error_is_a_link_to_its_field():
    response = signed_in(make_user("nameless")).post(
        reverse("accounts:profile"),
        {"user-first_name": "", "user-last_name": "Diaz", "user-email": "not-an-address"},
    )
    html = response.content.decode()

    links = summary_links(html)
    assert ("#id_user-first_name", "First name: This field is required.") in links
    assert ("#id_user-email", "E-mail address: Enter a valid email address.") in links
    for href, _ in links:
        assert f'id="{href[1:]}"' in html  # every link leads to a field on the page


def test_a_rule_that_belongs_to_no_field_is_listed_and_the_count_is_said():
    proposal = make_submitted_proposal()
    admin = make_admin()
    response = signed_in(admin).post(
        reverse("grants:proposal_return", args=[proposal.pk]), {"reason": ""}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert 'tabindex="-1"' in html and "data-error-summary" in html
    assert "There is a problem to fix" in html
    assert summary_links(html) == [("#id_reason", "Reason: This field is required.")]


def test_a_page_without_errors_has_no_summary():
    html = signed_in(make_user()).get(reverse("accounts:profile")).content.decode()

    assert "data-error-summary" not in html
