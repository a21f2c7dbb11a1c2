"""Reads for the awardee's and administrator's pages: contents and query counts."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from grants.models import FundingCall
from reporting import selectors, services
from reporting.hrsa.periods import parse_period, period_of
from tests.factories import make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 3])
def test_awards_of_user_in_two_queries(django_assert_num_queries, count):
    pi = make_user()
    for year in range(count):
        award, _ = simple_award(pi=pi, start=date(2024 + year, 1, 1), end=date(2024 + year, 12, 31))
        services.progress_reports_schedule(award=award)

    with django_assert_num_queries(2):
        awards = list(selectors.awards_of_user(pi))
        due = [[r.kind for r in a.progress_reports.all()] for a in awards]
        titles = [(a.call.title, a.proposal.pi.username) for a in awards]

    assert [a.start_date.year for a in awards] == list(range(2024 + count - 1, 2023, -1))
    assert due == [["interim", "final"]] * count
    assert len(titles) == count


@pytest.mark.parametrize("count", [1, 3])
def test_overdue_progress_reports_in_one_query(django_assert_num_queries, count):
    for _ in range(count):
        award, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
        services.progress_reports_schedule(award=award)

    with django_assert_num_queries(1):
        overdue = list(selectors.overdue_progress_reports(date(2025, 8, 1)))
        people = [
            (r.award.proposal.pi.email, r.award.call.title, r.overdue_reminders) for r in overdue
        ]

    assert [r.kind for r in overdue] == ["interim"] * count
    assert len(people) == count


def test_progress_reports_due_for_the_pi_only():
    member = make_user()
    award, _ = simple_award(team=[member])
    services.progress_reports_schedule(award=award)

    assert [r.kind for r in selectors.progress_reports_due_for(award.proposal.pi)] == [
        "interim",
        "final",
    ]
    assert list(selectors.progress_reports_due_for(member)) == []


def test_outcomes_for_award(world):
    outcomes = selectors.outcomes_for_award(world.awards["a1"])

    assert [p.title for p in outcomes.publications] == [
        "Promotoras and HbA1c",
        "Last year's paper",
        "Paper with a year only",
    ]
    assert [p.title for p in outcomes.presentations] == ["T4", "T1", "T3"]
    assert [f.mechanism for f in outcomes.follow_on_funding] == ["", "R01", "K23"]
    assert [t.trainee.username for t in outcomes.trainee_outcomes] == ["jack"]
    assert [p.organisation for p in outcomes.partnerships] == [
        "Eastside Community Health Center",
        "Valley FQHC",
    ]
    assert outcomes.total == 12


def test_participants_missing_demographics(world):
    assert selectors.participants_missing_demographics(parse_period("2025-2026")) == 2


def test_dashboard_for_one_call_counts_only_that_calls_awards_and_outcomes(
    world, django_assert_num_queries
):
    research = FundingCall.objects.get(title="Research awards 2025")
    with django_assert_num_queries(4):
        board = selectors.dashboard_aggregates(call_id=research.pk)

    everything = selectors.dashboard_aggregates()
    assert [row[0].title for row in board.funding_rate_per_call] == ["Research awards 2025"]
    assert sum(n for _, n, _ in board.funding_by_applicant_type) == 1
    assert sum(n for _, n, _ in board.funding_by_applicant_type) < sum(
        n for _, n, _ in everything.funding_by_applicant_type
    )
    assert sum(n for _, n, _ in board.outcomes_per_year) <= sum(
        n for _, n, _ in everything.outcomes_per_year
    )


def test_dashboard_for_an_academic_year_takes_the_calls_whose_deadline_fell_in_it(world):
    calls = list(FundingCall.objects.order_by("closes_at"))
    year = period_of(timezone.localtime(calls[0].closes_at).date())

    board = selectors.dashboard_aggregates(period=year)

    expected = [c.title for c in calls if year.contains_moment(c.closes_at)]
    assert [row[0].title for row in board.funding_rate_per_call] == expected


def test_dashboard_aggregates_in_four_queries(world, django_assert_num_queries):
    with django_assert_num_queries(4):
        board = selectors.dashboard_aggregates()

    d = Decimal
    assert board.funding_by_population == [
        ("Hispanic or Latino", 5, d("72000.00")),
        ("Underserved rural communities", 5, d("72000.00")),
    ]
    assert board.funding_by_applicant_type == [
        ("Faculty — instructor", 1, d("15000.00")),
        ("Faculty — associate professor", 1, d("15000.00")),
        ("Resident", 1, d("15000.00")),
        ("PhD student", 1, d("12000.00")),
        ("Medical student", 1, d("15000.00")),
    ]
    assert [
        (call.title, submitted, decided, funded, rate, awarded)
        for call, submitted, decided, funded, rate, awarded in board.funding_rate_per_call
    ] == [
        ("Pilot awards 2024", 4, 4, 4, d("100.0"), d("60000.00")),
        ("Research awards 2025", 2, 2, 1, d("50.0"), d("12000.00")),
    ]
    assert board.outcomes_per_year == [
        (2025, 2, d("150000.00")),
        (2026, 3, d("260000.00")),
    ]
