"""Pilot outcomes (reporting.pilot_outcomes): shares and ratios checked against a fixture
counted by hand, with award ends at the windows' edges; the dashboard, the workbook, the API.

As of 30 June 2026 the windows hold awards ended on or before 30 June 2025 (1 year),
30 June 2024 (2 years) and 30 June 2023 (3 years).

call A                                          call B
  a1 faculty, black, $10,000,                     a4 trainee, hispanic, $5,000,
     ended 2025-06-30 (1 year to the day)            ended 2023-06-30 (3 years to the day)
     publication 2026-01; an R01 awarded          a5 no position, no population, $10,000,
     after as_of ($1,000, not counted)               ends 2026-06-30 but terminated 2023-07-01
  a2 trainee, hispanic, $12,000,                     (in 1 and 2 years, one day short of 3);
     ended 2025-07-01 (a day short: in none),        only an application ($500,000) and a
     with a publication                              publication after as_of
  a3 faculty, black + hispanic, $15,000,
     ended 2024-06-30 (2 years to the day)
  F1: $40,000 awarded 2025-01-01, linked to a3 and a4 (counted once per row)

window      awards          with a publication  with follow-on   awarded   follow-on  $ per $
1 year      a1 a3 a4 a5  4   a1       1  25.0     a3 a4  2  50.0   40,000    40,000     1.00
2 years     a3 a4 a5     3            0   0.0     a3 a4  2  66.7   30,000    40,000     1.33
3 years     a4           1            0   0.0     a4     1 100.0    5,000    40,000     8.00
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.choices import ApplicantType
from accounts.models import Profile
from grants.choices import AwardStatus
from grants.models import Award, Proposal
from reporting import services
from reporting.pilot_outcomes import DEFINITIONS, pilot_outcomes, years_before
from tests.api.support import API, api_as
from tests.factories import make_admin, make_user
from tests.reporting.support import Spec, fund_call, place_award
from tests.support.clients import signed_in

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)
D = Decimal


def faculty():
    return make_user(applicant_type=ApplicantType.ASSOCIATE_PROFESSOR)


def trainee():
    return make_user(applicant_type=ApplicantType.MEDICAL_STUDENT)


@pytest.fixture
def world(settings):
    # Outcomes are recorded up to this long after an award ends (default a year); the metric
    # looks three years back, so the program sets it longer.
    settings.NORTHSTAR_OUTCOME_WINDOW_DAYS = 5 * 365
    admin = make_admin()
    mentor = faculty()
    call_a, (p1, p2, p3) = fund_call(
        [
            Spec(pi=faculty(), amount="10000"),
            Spec(pi=trainee(), mentor=mentor, amount="12000"),
            Spec(pi=faculty(), amount="15000"),
        ],
        admin=admin,
        title="Call A",
    )
    call_b, (p4, p5) = fund_call(
        [Spec(pi=trainee(), mentor=mentor, amount="5000"), Spec(pi=faculty(), amount="10000")],
        admin=admin,
        title="Call B",
    )
    for proposal, populations in [
        (p1, ["black"]),
        (p2, ["hispanic"]),
        (p3, ["black", "hispanic"]),
        (p4, ["hispanic"]),
        (p5, []),
    ]:
        Proposal.objects.filter(pk=proposal.pk).update(disparity_populations=populations)
    Profile.objects.filter(user=p5.pi).update(applicant_type="")  # no position given
    start = date(2022, 7, 1)
    a1 = place_award(Award.objects.get(proposal=p1), start, date(2025, 6, 30))
    a2 = place_award(Award.objects.get(proposal=p2), start, date(2025, 7, 1))
    a3 = place_award(Award.objects.get(proposal=p3), start, date(2024, 6, 30))
    a4 = place_award(Award.objects.get(proposal=p4), start, date(2023, 6, 30))
    a5 = place_award(Award.objects.get(proposal=p5), start, date(2026, 6, 30))
    Award.objects.filter(pk=a5.pk).update(status=AwardStatus.TERMINATED, ended_on=date(2023, 7, 1))

    def pub(awards, title, published_on):
        services.publication_create(
            actor=admin, awards=awards, data={"title": title, "published_on": published_on}
        )

    def funding(awards, amount, status, decided_on=None):
        services.follow_on_funding_create(
            actor=admin,
            awards=awards,
            data={
                "sponsor": "NIMHD",
                "sponsor_type": "nih",
                "mechanism": "R01",
                "amount": amount,
                "status": status,
                "applied_on": date(2024, 6, 1),
                "decided_on": decided_on,
            },
        )

    pub([a1], "Before as_of", "2026-01")
    pub([a2], "On an award a day short", "2025-10")
    pub([a5], "After as_of", "2026-08")
    funding([a3, a4], "40000", "awarded", date(2025, 1, 1))
    funding([a1], "1000", "awarded", date(2026, 7, 1))  # decided after as_of
    funding([a5], "500000", "applied")
    return admin, call_a, call_b


@pytest.fixture
def today_is_as_of(monkeypatch):
    """The pages count as of today: pin today (the clock is the system's edge)."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else AS_OF)


def figures(cell) -> tuple:
    return (cell.awards, cell.publication_share, cell.funding_share, cell.ratio)


NONE = (0, None, None, None)


def test_years_before_is_leap_day_safe():
    assert years_before(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)
    assert years_before(date(2026, 6, 30), 3) == date(2023, 6, 30)


def test_pilot_outcomes_overall_match_the_hand_count(world):
    result = pilot_outcomes(AS_OF)

    assert result.cutoffs == [date(2025, 6, 30), date(2024, 6, 30), date(2023, 6, 30)]
    one, two, three = result.overall.cells
    assert figures(one) == (4, D("25.0"), D("50.0"), D("1.00"))
    assert (one.with_publication, one.with_funding) == (1, 2)
    assert (one.awarded, one.follow_on) == (D("40000.00"), D("40000.00"))
    assert figures(two) == (3, D("0.0"), D("66.7"), D("1.33"))
    assert (two.awarded, two.follow_on) == (D("30000.00"), D("40000.00"))
    assert figures(three) == (1, D("0.0"), D("100.0"), D("8.00"))


def test_pilot_outcomes_by_call_position_and_population_match_the_hand_count(world):
    _, call_a, call_b = world
    result = pilot_outcomes(AS_OF)

    def row(group, key):
        return [figures(c) for c in result.row(group, key).cells]

    call_a_row = [(2, D("50.0"), D("50.0"), D("1.60")), (1, D("0.0"), D("100.0"), D("2.67")), NONE]
    assert row("call", str(call_a.pk)) == call_a_row
    assert row("call", str(call_b.pk)) == [
        (2, D("0.0"), D("50.0"), D("2.67")),
        (2, D("0.0"), D("50.0"), D("2.67")),
        (1, D("0.0"), D("100.0"), D("8.00")),
    ]
    assert row("position", "faculty") == call_a_row
    assert row("position", "trainee") == [(1, D("0.0"), D("100.0"), D("8.00"))] * 3
    other = (1, D("0.0"), D("0.0"), D("0.00"))
    assert row("position", "other") == [other, other, NONE]
    assert row("population", "black") == call_a_row
    # a3 and a4 share F1: $40,000 once over $20,000 awarded.
    assert row("population", "hispanic") == [
        (2, D("0.0"), D("100.0"), D("2.00")),
        (2, D("0.0"), D("100.0"), D("2.00")),
        (1, D("0.0"), D("100.0"), D("8.00")),
    ]
    assert row("population", "__none__") == [other, other, NONE]
    assert [(r.group, r.label) for r in result.rows] == [
        ("overall", "All awards"),
        ("call", "Call A"),
        ("call", "Call B"),
        ("position", "Faculty"),
        ("position", "Trainee"),
        ("position", "Other or not given"),
        ("population", "Black or African American"),
        ("population", "Hispanic or Latino"),
        ("population", "None given"),
    ]


def test_pilot_outcomes_windows_move_with_as_of_by_one_day(world):
    day_before = pilot_outcomes(date(2026, 6, 29))
    day_after = pilot_outcomes(date(2026, 7, 1))

    # A day earlier a1 (ended 2025-06-30) has not been over a full year; a2 still has not.
    assert [c.awards for c in day_before.overall.cells] == [3, 2, 0]
    # A day later a2 (ended 2025-07-01) joins, and a5 (terminated 2023-07-01) reaches 3 years;
    # the $1,000 grant decided on 2026-07-01 now counts for a1.
    assert [c.awards for c in day_after.overall.cells] == [5, 3, 2]
    assert day_after.overall.cells[0].follow_on == D("41000.00")
    assert day_after.overall.cells[0].with_publication == 2


def test_pilot_outcomes_narrowed_to_calls(world):
    _, call_a, _ = world

    result = pilot_outcomes(AS_OF, calls=[call_a.pk])

    assert [figures(c) for c in result.overall.cells] == [
        (2, D("50.0"), D("50.0"), D("1.60")),
        (1, D("0.0"), D("100.0"), D("2.67")),
        NONE,
    ]
    assert {r.group for r in result.rows if r.group == "call"} == {"call"}
    assert len([r for r in result.rows if r.group == "call"]) == 1


def test_pilot_outcomes_is_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        pilot_outcomes(AS_OF)


def test_pilot_outcomes_with_no_ended_award_are_dashes():
    result = pilot_outcomes(AS_OF)

    assert [figures(c) for c in result.overall.cells] == [NONE] * 3
    assert [r.group for r in result.rows] == ["overall"]


def test_dashboard_shows_the_pilot_chart_its_tables_and_definitions(world, today_is_as_of):
    admin, _, _ = world

    response = signed_in(admin).get(reverse("reporting:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="pilot-heading">Pilot outcomes</h2>' in html
    pilot = response.context["pilot"]
    assert [c.awards for c in pilot.overall.cells] == [4, 3, 1]
    assert '<td class="num">66.7%</td>' in html  # the 2-year row's share with follow-on
    section = html.split('id="pilot-heading"')[1].split("</section>")[0]
    assert section.count('<svg class="bar"') == 6  # two bars per window
    assert '<rect width="66.7" height="10">' in section
    assert html.count('<table class="pilot-table">') == 3
    assert "Awards ended at least 2 years ago" in html
    assert all(f"<dt>{term}</dt><dd>{escape(text)}</dd>" in html for term, text in DEFINITIONS)
    assert reverse("reporting:pilot_outcomes_xlsx") in html


def test_dashboard_pilot_outcomes_follow_the_call_filter(world, today_is_as_of):
    admin, call_a, _ = world

    response = signed_in(admin).get(reverse("reporting:dashboard"), {"call": call_a.pk})

    assert [c.awards for c in response.context["pilot"].overall.cells] == [2, 1, 0]
    assert f"pilot-outcomes.xlsx?call={call_a.pk}" in response.content.decode()


def test_pilot_outcomes_workbook_has_its_sheet_and_definitions(world, today_is_as_of):
    from openpyxl import load_workbook

    admin, _, _ = world

    response = signed_in(admin).get(reverse("reporting:pilot_outcomes_xlsx"))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="northstar-pilot-outcomes.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Pilot outcomes"]
    rows = list(book["Pilot outcomes"].iter_rows(values_only=True))
    overall = next(r for r in rows if r[:2] == ("Overall", "All awards"))
    assert overall[2:] == (4, 25, 50, 1, 3, 0, 66.7, 1.33, 1, 0, 100, 8)
    call_a_row = next(r for r in rows if r[:2] == ("By call", "Call A"))
    assert call_a_row[2:] == (2, 50, 50, 1.6, 1, 0, 100, 2.67, 0, None, None, None)
    definitions = rows.index(("Definitions",) + (None,) * (len(rows[0]) - 1))
    assert [r[:2] for r in rows[definitions + 1 :]] == [tuple(d) for d in DEFINITIONS]


def test_pilot_outcomes_workbook_is_404_for_non_administrators(world):
    response = signed_in(make_user()).get(reverse("reporting:pilot_outcomes_xlsx"))

    assert response.status_code == 404


def test_pilot_outcomes_api_answers_the_hand_count(world):
    admin, call_a, _ = world

    response = api_as(admin).get(f"{API}/portfolio/pilot-outcomes/", {"as_of": "2026-06-30"})

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-30"
    assert [w["ended_on_or_before"] for w in body["windows"]] == [
        "2025-06-30",
        "2024-06-30",
        "2023-06-30",
    ]
    overall = body["rows"][0]
    assert overall["windows"][1] == {
        "years": 2,
        "awards": 3,
        "with_publication": 0,
        "publication_share": "0.0",
        "with_follow_on_funding": 2,
        "follow_on_funding_share": "66.7",
        "awarded_dollars": "30000.00",
        "follow_on_dollars": "40000.00",
        "follow_on_per_dollar": "1.33",
    }
    assert [d["term"] for d in body["definitions"]] == [t for t, _ in DEFINITIONS]
    narrowed = api_as(admin).get(
        f"{API}/portfolio/pilot-outcomes/", {"as_of": "2026-06-30", "call": [call_a.pk]}
    )
    assert [w["awards"] for w in narrowed.json()["rows"][0]["windows"]] == [2, 1, 0]
    assert narrowed.json()["rows"][0]["windows"][2]["publication_share"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("as_of=2026-13-01", "as_of"),
        ("as_of=soon", "as_of"),
        ("as_of=0001-01-01", "as_of"),
        ("call=999999", "call"),
        ("call=abc", "call"),
    ],
)
def test_pilot_outcomes_api_refuses_bad_input_with_400(world, query, field):
    admin, _, _ = world

    response = api_as(admin).get(f"{API}/portfolio/pilot-outcomes/?{query}")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_pilot_outcomes_api_is_403_for_non_administrators(world):
    response = api_as(make_user()).get(f"{API}/portfolio/pilot-outcomes/")

    assert response.status_code == 403
