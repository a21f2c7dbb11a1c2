"""Response headers: the Content-Security-Policy (no inline script or style anywhere), framing,
referrer and sniffing, and ``Cache-Control: no-store`` on every page and API response that
carries proposals, reviews, awards or demographics."""

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts.services import demographics_for
from config.middleware import CONTENT_SECURITY_POLICY
from reviews import services as review_services
from reviews.choices import ReviewPhase
from reviews.models import Assignment
from tests.factories import make_proposal, make_review_setup, move_review_to, submit_review
from tests.reporting.support import simple_award
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """The API's throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def with_token(user) -> Client:
    return Client(headers={"Authorization": f"Token {Token.objects.get_or_create(user=user)[0]}"})


# ---- Every response --------------------------------------------------------------------------


def test_csp_is_strict_with_no_unsafe_inline():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/api/v1/calls/", "/api/v1/docs/"])
def test_every_response_has_the_security_headers(path, client):
    response = client.get(path)

    assert response["Content-Security-Policy"] == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_api_docs_page_needs_no_inline_script_or_style():
    from tests.factories import make_user

    response = signed_in(make_user()).get("/api/v1/docs/")
    script = signed_in(make_user()).get("/api/v1/docs/?script=")
    html = response.content.decode()

    assert response.status_code == 200
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    assert "SwaggerUIBundle" in script.content.decode()


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_have_no_inline_script_style_or_event_handlers():
    # templates/pdf/ is rendered by WeasyPrint into PDF files, never served as a page.
    found = [
        f"{path.relative_to(TEMPLATES)}: {kind}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if "pdf" not in path.relative_to(TEMPLATES).parts
        for kind, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]

    assert found == []


def test_a_view_that_sets_its_own_cache_control_keeps_it(client):
    from tests.factories import make_user

    response = signed_in(make_user()).get("/accounts/demographics/")

    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


# ---- no-store on everything sensitive --------------------------------------------------------


@pytest.fixture
def world():
    """A call in independent review: one reviewer has submitted; the PI also has a draft
    elsewhere, demographics on file, and a funded award."""
    setup = make_review_setup(proposals=1, members=3, reviewers_per_proposal=2)
    review_services.auto_assign(call=setup.call, actor=setup.chair)
    move_review_to(setup, ReviewPhase.INDEPENDENT_REVIEW)
    proposal = setup.proposals[0]
    assignment = Assignment.objects.filter(proposal=proposal).order_by("pk").first()
    review = submit_review(assignment)
    pi = proposal.pi
    demographics = demographics_for(pi)
    demographics.sex = "female"
    demographics.save()
    draft = make_proposal(pi=pi)
    award, _ = simple_award(pi=pi)
    return {
        "setup": setup,
        "pi": pi,
        "reviewer": assignment.reviewer,
        "p": proposal.pk,
        "draft": draft.pk,
        "draft_file": draft.attachments.order_by("pk").first().pk,
        "file": proposal.attachments.order_by("pk").first().pk,
        "a": assignment.pk,
        "r": review.pk,
        "call": setup.call.pk,
        "award": award.pk,
    }


PAGES = {
    "pi": [
        "/",
        "/proposals/{p}/",
        "/proposals/{draft}/edit/",
        "/proposals/{draft}/team/",
        "/proposals/{draft}/budget/",
        "/proposals/{draft}/attachments/",
        "/proposals/{draft}/attachments/{draft_file}/",
        "/proposals/{draft}/submit/",
        "/proposals/{p}/pdf/",
        "/accounts/profile/",
        "/accounts/demographics/",
        "/awards/",
        "/awards/{award}/",
    ],
    "reviewer": [
        "/review/",
        "/review/assignments/{a}/review/",
        "/review/proposals/{p}/",
        "/review/proposals/{p}/attachments/{file}/",
    ],
    "chair": [
        "/review/calls/{call}/",
        "/review/proposals/{p}/",
    ],
    "admin": [
        "/calls/{call}/proposals/",
        "/proposals/{p}/",
        "/review/committees/",
        "/reports/hrsa/",
        "/reports/dashboard/",
        "/accounts/audit/",
    ],
}

API = {
    "pi": [
        "/api/v1/me/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{p}/",
        "/api/v1/proposals/{p}/team/",
        "/api/v1/proposals/{p}/budget/",
        "/api/v1/proposals/{p}/attachments/",
        "/api/v1/proposals/{p}/attachments/{file}/download/",
        "/api/v1/awards/",
        "/api/v1/awards/{award}/",
    ],
    "reviewer": [
        "/api/v1/assignments/",
        "/api/v1/assignments/{a}/",
        "/api/v1/assignments/{a}/proposal/",
        "/api/v1/reviews/",
        "/api/v1/reviews/{r}/",
    ],
    "admin": [
        "/api/v1/calls/{call}/ranking/",
        "/api/v1/reports/hrsa/",
    ],
}


def _people(world):
    setup = world["setup"]
    return {
        "pi": world["pi"],
        "reviewer": world["reviewer"],
        "chair": setup.chair,
        "admin": setup.admin,
    }


def _walk(world, routes, client_for):
    people = _people(world)
    answers = {}
    for role, paths in routes.items():
        client = client_for(people[role])
        for path in paths:
            url = path.format(**world)
            response = client.get(url)
            answers[f"{role} {url}"] = (response.status_code, response.get("Cache-Control", ""))
    return answers


def test_pages_with_proposals_reviews_and_demographics_are_no_store(world):
    answers = _walk(world, PAGES, signed_in)

    assert {k: v for k, v in answers.items() if v[0] != 200} == {}
    assert {k: v for k, v in answers.items() if "no-store" not in v[1].split(", ")} == {}


def test_api_responses_with_proposals_reviews_and_awards_are_no_store(world):
    answers = _walk(world, API, with_token)

    assert {k: v for k, v in answers.items() if v[0] != 200} == {}
    assert {k: v for k, v in answers.items() if "no-store" not in v[1].split(", ")} == {}


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/northstar.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response
