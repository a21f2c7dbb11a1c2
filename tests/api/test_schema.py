"""The OpenAPI schema and the interactive docs."""

import re

import pytest
from drf_spectacular.validation import validate_schema

from tests.factories import make_user

from .support import API, api_as

pytestmark = pytest.mark.django_db

DOCUMENTED = [
    "/api/v1/auth/token/",
    "/api/v1/me/",
    "/api/v1/calls/",
    "/api/v1/calls/{id}/",
    "/api/v1/proposals/",
    "/api/v1/proposals/{id}/",
    "/api/v1/proposals/{id}/submit/",
    "/api/v1/proposals/{id}/withdraw/",
    "/api/v1/proposals/{id}/return/",
    "/api/v1/proposals/{id}/decision/",
    "/api/v1/proposals/{id}/checklist/",
    "/api/v1/proposals/{id}/request-endorsement/",
    "/api/v1/proposals/{proposal_pk}/team/",
    "/api/v1/proposals/{proposal_pk}/team/{id}/",
    "/api/v1/proposals/{proposal_pk}/budget/",
    "/api/v1/proposals/{proposal_pk}/budget/{id}/",
    "/api/v1/proposals/{proposal_pk}/attachments/",
    "/api/v1/proposals/{proposal_pk}/attachments/{id}/",
    "/api/v1/proposals/{proposal_pk}/attachments/{id}/download/",
    "/api/v1/endorsements/",
    "/api/v1/endorsements/{id}/",
    "/api/v1/endorsements/{id}/respond/",
    "/api/v1/awards/",
    "/api/v1/awards/{id}/",
]


def test_schema_is_valid_openapi_json_documenting_every_endpoint():
    response = api_as(make_user()).get(f"{API}/schema/?format=json")

    schema = response.json()
    validate_schema(schema)  # raises on anything that is not OpenAPI 3
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert schema["openapi"].startswith("3.")
    assert set(DOCUMENTED) <= set(schema["paths"])


def test_every_endpoint_documents_its_errors():
    schema = api_as(make_user()).get(f"{API}/schema/?format=json").json()

    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path == "/api/v1/auth/token/":
                expected = {"400", "429"}
            else:
                expected = {"401", "403"}
                if method in {"post", "put", "patch"}:
                    expected.add("400")
                if "{" in path:
                    expected.add("404")
            if not expected <= set(operation["responses"]):
                missing.append((method, path, sorted(expected - set(operation["responses"]))))
    assert missing == []


def test_state_changes_document_409():
    schema = api_as(make_user()).get(f"{API}/schema/?format=json").json()

    for action in ("submit", "withdraw", "return", "decision"):
        assert "409" in schema["paths"][f"/api/v1/proposals/{{id}}/{action}/"]["post"]["responses"]


def test_docs_page_uses_only_local_assets(client):
    client.force_login(make_user())  # the docs are for signed-in people

    response = client.get(f"{API}/docs/")

    page = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert response.status_code == 200
    assert re.findall(r"https?://", page) == []
    assert assets, "the page should load Swagger UI's assets"
    # Static files, and the page's own script (served by this view: no inline script, for CSP).
    assert all(a.startswith("/static/") or a == f"{API}/docs/?script=" for a in assets)
    assert [client.get(asset).status_code for asset in assets] == [200] * len(assets)
