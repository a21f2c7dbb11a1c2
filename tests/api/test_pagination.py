"""Deep pages of the API lists: past ``LateRowLookupPaginator.DEEP_OFFSET`` a page reads its ids
first and then only its rows; what comes back must be exactly what the plain path returns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api import LateRowLookupPaginator
from tests.factories import make_admin, make_proposal

from .support import API, api_as

pytestmark = pytest.mark.django_db


def every_page(client, size: int) -> list[list[int]]:
    pages, number = [], 1
    while True:
        body = client.get(f"{API}/proposals/", {"page": number, "page_size": size}).json()
        pages.append([row["id"] for row in body["results"]])
        if not body["next"]:
            return pages
        number += 1


def test_deep_pages_return_the_same_rows_in_the_same_order(monkeypatch):
    for _ in range(7):
        make_proposal()
    client = api_as(make_admin())

    plain = every_page(client, 2)
    monkeypatch.setattr(LateRowLookupPaginator, "DEEP_OFFSET", 2)
    late = every_page(client, 2)

    assert late == plain
    assert [len(page) for page in late] == [2, 2, 2, 1]
    assert sorted(sum(late, [])) == sorted(set(sum(late, [])))  # every proposal once


def test_a_deep_page_never_asks_the_database_to_skip_whole_rows(monkeypatch):
    for _ in range(5):
        make_proposal()
    client = api_as(make_admin())
    monkeypatch.setattr(LateRowLookupPaginator, "DEEP_OFFSET", 2)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/proposals/", {"page": 2, "page_size": 2})

    assert response.status_code == 200
    offset_reads = [q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"]]
    assert len(offset_reads) == 1
    assert offset_reads[0].startswith('SELECT "grants_proposal"."id" AS "pk" FROM')
