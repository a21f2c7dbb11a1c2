"""The NIMHD portfolio grid (reporting.portfolio): counts and dollars per cell checked against a
fixture counted by hand, its filters, the page, the workbook and the API.

The fixture (cells set on the proposals after the calls are decided; only the calendar and
the classification are arranged by hand):

call A, deadline in 2024-2025          call B, deadline in 2025-2026
  p1 funded $15,000: behavioral:individual, behavioral:community, sociocultural:community
  p2 funded $10,000: behavioral:community      q1 funded $12,000: biological:individual
  p3 not funded: behavioral:community,             (population: Black only)
                 health_care_system:societal   q2 not funded: behavioral:community
  p4 funded $15,000: no cells (unclassified)
  p5 waitlisted: biological:individual (not counted)
"""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.choices import DecisionOutcome
from grants.models import Proposal
from reporting.hrsa.periods import Period
from reporting.portfolio import portfolio_grid
from reporting.selectors import portfolio_grid as portfolio_grid_reexported
from tests.api.support import API, api_as
from tests.factories import make_admin, make_user
from tests.reporting.support import Spec, at, fund_call, place_call
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

FUNDED, NOT_FUNDED, WAITLISTED = (
    DecisionOutcome.FUNDED,
    DecisionOutcome.NOT_FUNDED,
    DecisionOutcome.WAITLISTED,
)


def classify(proposal: Proposal, cells: list[str], populations: list[str] | None = None) -> None:
    fields = {"nimhd_cells": cells}
    if populations is not None:
        fields["disparity_populations"] = populations
    Proposal.objects.filter(pk=proposal.pk).update(**fields)


@pytest.fixture
def portfolio():
    admin = make_admin()
    call_a, (p1, p2, p3, p4, p5) = fund_call(
        [
            Spec(pi=make_user()),
            Spec(pi=make_user(), amount="10000.00"),
            Spec(pi=make_user(), outcome=NOT_FUNDED),
            Spec(pi=make_user()),
            Spec(pi=make_user(), outcome=WAITLISTED),
        ],
        admin=admin,
    )
    call_b, (q1, q2) = fund_call(
        [Spec(pi=make_user(), amount="12000.00"), Spec(pi=make_user(), outcome=NOT_FUNDED)],
        admin=admin,
    )
    place_call(call_a, closes=at(2025, 3, 1), submitted=at(2025, 2, 1), released=at(2025, 5, 1))
    place_call(call_b, closes=at(2025, 10, 1), submitted=at(2025, 9, 1), released=at(2025, 12, 1))
    classify(p1, ["behavioral:individual", "behavioral:community", "sociocultural:community"])
    classify(p2, ["behavioral:community"])
    classify(p3, ["behavioral:community", "health_care_system:societal"])
    classify(p5, ["biological:individual"])
    classify(q1, ["biological:individual"], populations=["black"])
    classify(q2, ["behavioral:community"])
    return admin, call_a, call_b


def triple(tally) -> tuple:
    return (tally.funded, tally.dollars, tally.not_funded)


def test_portfolio_grid_cells_match_the_hand_count(portfolio):
    grid = portfolio_grid()

    assert triple(grid.cell("behavioral", "individual")) == (1, Decimal("15000.00"), 0)
    assert triple(grid.cell("behavioral", "community")) == (2, Decimal("25000.00"), 2)
    assert triple(grid.cell("sociocultural", "community")) == (1, Decimal("15000.00"), 0)
    assert triple(grid.cell("health_care_system", "societal")) == (0, Decimal("0.00"), 1)
    assert triple(grid.cell("biological", "individual")) == (1, Decimal("12000.00"), 0)
    assert triple(grid.cell("physical_environment", "interpersonal")) == (0, Decimal("0"), 0)
    # Every other cell is empty: 5 cells hold anything.
    filled = [c for r in grid.rows for c in r.cells if c.funded or c.not_funded]
    assert len(filled) == 5


def test_portfolio_grid_totals_count_a_proposal_in_several_cells_once(portfolio):
    grid = portfolio_grid()

    rows = {r.domain: triple(r.total) for r in grid.rows}
    assert rows == {
        "biological": (1, Decimal("12000.00"), 0),
        "behavioral": (2, Decimal("25000.00"), 2),  # p1 has two behavioral cells: once
        "physical_environment": (0, Decimal("0"), 0),
        "sociocultural": (1, Decimal("15000.00"), 0),
        "health_care_system": (0, Decimal("0"), 1),
    }
    assert [triple(c) for c in grid.column_totals] == [
        (2, Decimal("27000.00"), 0),  # individual: p1, q1
        (0, Decimal("0"), 0),
        (2, Decimal("25000.00"), 2),  # community: p1 (two cells) once, p2; p3, q2
        (0, Decimal("0"), 1),
    ]
    assert triple(grid.total) == (3, Decimal("37000.00"), 2)
    assert triple(grid.unclassified) == (1, Decimal("15000.00"), 0)


def test_portfolio_grid_filters_by_call_year_and_population(portfolio):
    _, call_a, call_b = portfolio

    by_call = portfolio_grid(calls=[call_a.pk])
    by_year = portfolio_grid(years=[Period(2025)])
    both_years = portfolio_grid(years=[Period(2024), Period(2025)])
    by_population = portfolio_grid(population="black")

    assert triple(by_call.total) == (2, Decimal("25000.00"), 1)
    assert triple(by_call.cell("biological", "individual")) == (0, Decimal("0"), 0)
    assert triple(by_year.total) == (1, Decimal("12000.00"), 1)
    assert triple(by_year.unclassified) == (0, Decimal("0"), 0)
    assert triple(both_years.total) == (3, Decimal("37000.00"), 2)
    assert triple(by_population.total) == (1, Decimal("12000.00"), 0)
    assert triple(portfolio_grid(calls=[call_a.pk, call_b.pk]).total) == triple(
        portfolio_grid().total
    )


def test_portfolio_grid_is_one_query_and_reexported_from_selectors(
    portfolio, django_assert_num_queries
):
    with django_assert_num_queries(1):
        portfolio_grid(years=[Period(2024)], population="hispanic")
    assert portfolio_grid_reexported is portfolio_grid


def test_portfolio_grid_shades_by_quarter_of_the_largest_cell(portfolio):
    grid = portfolio_grid()

    assert grid.cell("behavioral", "community").heat == 4  # 2 of 2
    assert grid.cell("behavioral", "individual").heat == 2  # 1 of 2
    assert grid.cell("health_care_system", "societal").heat == 0  # none funded


def test_portfolio_page_prints_each_cells_numbers_in_a_table(portfolio):
    admin, _, _ = portfolio

    response = signed_in(admin).get(reverse("reporting:portfolio"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>NIMHD framework grid" in html
    assert '2 funded, $25,000.00</span>; <span class="portfolio-not-funded">2 not funded' in html
    assert "portfolio-cell heat-4" in html
    assert "Unclassified (decided proposals with no cells" in html
    assert 'href="/program/portfolio/"' in html  # the navigation links it


def test_portfolio_page_filters_and_refuses_bad_filters_without_error(portfolio):
    admin, call_a, _ = portfolio
    client = signed_in(admin)

    narrowed = client.get(reverse("reporting:portfolio"), {"call": [call_a.pk]})
    bad = client.get(reverse("reporting:portfolio"), {"call": ["999999"], "year": ["1990-91"]})

    assert narrowed.context["grid"].total.funded == 2
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"call", "year"}


def test_portfolio_page_is_404_for_anyone_but_administrators(portfolio):
    response = signed_in(make_user()).get(reverse("reporting:portfolio"))

    assert response.status_code == 404


def test_portfolio_workbook_has_its_own_sheet(portfolio):
    from openpyxl import load_workbook

    admin, _, _ = portfolio

    response = signed_in(admin).get(reverse("reporting:portfolio"), {"format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="northstar-nimhd-portfolio.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["NIMHD portfolio"]
    rows = list(book["NIMHD portfolio"].iter_rows(values_only=True))
    behavioral = next(r for r in rows if r[0] == "Behavioral")
    # individual, interpersonal, community, societal, total: (funded, dollars, not funded)
    assert behavioral[1:4] == (1, 15000, 0)
    assert behavioral[7:10] == (2, 25000, 2)
    assert behavioral[13:16] == (2, 25000, 2)
    total = next(r for r in rows if r[0] == "Total (counted once)")
    assert total[13:16] == (3, 37000, 2)
    unclassified = next(r for r in rows if r[0] == "Unclassified (no cells)")
    assert unclassified[1:4] == (1, 15000, 0)


def test_portfolio_api_answers_the_grid(portfolio):
    admin, call_a, _ = portfolio

    response = api_as(admin).get(f"{API}/portfolio/nimhd/", {"call": [call_a.pk]})

    assert response.status_code == 200
    body = response.json()
    behavioral = next(r for r in body["rows"] if r["domain"] == "behavioral")
    assert behavioral["cells"][2] == {
        "level": "community",
        "funded": 2,
        "dollars": "25000.00",
        "not_funded": 1,
    }
    assert body["total"] == {"funded": 2, "dollars": "25000.00", "not_funded": 1}
    assert body["unclassified"] == {"funded": 1, "dollars": "15000.00", "not_funded": 0}


def test_portfolio_api_filters_by_year_and_population(portfolio):
    admin, _, _ = portfolio

    body = (
        api_as(admin)
        .get(f"{API}/portfolio/nimhd/?year=2025-2026&year=2024-2025&population=black")
        .json()
    )

    assert body["total"] == {"funded": 1, "dollars": "12000.00", "not_funded": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("call=999999", "call"),
        ("call=abc", "call"),
        ("year=2025", "year"),
        ("population=martians", "population"),
    ],
)
def test_portfolio_api_refuses_bad_filters_with_400(portfolio, query, field):
    admin, _, _ = portfolio

    response = api_as(admin).get(f"{API}/portfolio/nimhd/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_portfolio_api_is_403_for_non_administrators(portfolio):
    response = api_as(make_user()).get(f"{API}/portfolio/nimhd/")

    assert response.status_code == 403
