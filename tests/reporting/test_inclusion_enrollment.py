"""NIH inclusion enrollment of an award: the planned table and cumulative tables through the
service, the award's enrollment page and the API; bad tables are refused under their fields
with nothing saved; who may report (the award's PI and administrators; the team 403; anyone
else 404)."""

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import ApplicantType, AuditAction
from accounts.models import AuditEntry
from grants.models import Proposal
from reporting import selectors, services
from reporting.choices import ENROLLMENT_CELLS
from reporting.models import EnrollmentReport
from tests.api.support import API, api_as
from tests.factories import make_user
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db

CELL = "hispanic|white|female"
OTHER = "not_hispanic|black|male"


@pytest.fixture
def setup(db):
    trainee = make_user("tina", applicant_type=ApplicantType.MEDICAL_STUDENT)
    award, admin = simple_award(team=[trainee], start=date(2025, 1, 1), end=date(2025, 12, 31))
    other, _ = simple_award(start=date(2025, 1, 1), end=date(2025, 12, 31))
    return {
        "award": award,
        "admin": admin,
        "pi": award.proposal.pi,
        "trainee": trainee,
        "other_pi": other.proposal.pi,
        "other": other,
    }


def table(**cells) -> dict:
    """Every cell zero but those given ("hispanic|white|female" spelled with __ for |)."""
    counts = dict.fromkeys(ENROLLMENT_CELLS, 0)
    counts.update({key.replace("__", "|"): n for key, n in cells.items()})
    return counts


def planned(s, counts=None):
    counts = counts or table(hispanic__white__female=10, not_hispanic__black__male=20)
    return services.enrollment_planned_save(
        actor=s["pi"], award=s["award"], data={"counts": counts}
    )


def cumulative(s, counts, *, as_of=date(2025, 6, 30), reason=""):
    return services.enrollment_cumulative_submit(
        actor=s["pi"],
        award=s["award"],
        data={"counts": counts, "as_of": as_of, "reason_for_decrease": reason},
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(s) -> str:
    return reverse("reporting:award_enrollment", args=[s["award"].pk])


def api_url(s) -> str:
    return f"{API}/awards/{s['award'].pk}/enrollment/"


def form_post(kind: str, counts: dict, **extra) -> dict:
    """The page's form as a browser posts it (the planned form's box is ticked to start)."""
    ticked = {"enrolls_humans": "on"} if kind == "planned" else {}
    return {"kind": kind, **ticked, **{f"counts.{k}": v for k, v in counts.items()}, **extra}


# ---- The service ---------------------------------------------------------------------------


def test_planned_then_cumulative_is_saved_and_audited(setup):
    plan = planned(setup)
    report = cumulative(setup, table(hispanic__white__female=4))

    assert (plan.kind, plan.total, plan.count(CELL)) == ("planned", 30, 10)
    assert (report.kind, report.as_of, report.total) == ("cumulative", date(2025, 6, 30), 4)
    notes = list(
        AuditEntry.objects.filter(action=AuditAction.STATE_CHANGED)
        .order_by("pk")
        .values_list("note", flat=True)
    )
    assert notes[-2:] == ["planned enrollment", "cumulative enrollment"]


def test_the_planned_table_is_one_per_award_changed_in_place_with_the_before_audited(setup):
    first = planned(setup)
    second = planned(setup, table(hispanic__white__female=12))

    entry = AuditEntry.objects.filter(note="planned enrollment").order_by("-pk").first()
    assert first.pk == second.pk
    assert EnrollmentReport.objects.filter(kind="planned").count() == 1
    assert entry.before["counts"][CELL] == 10
    assert entry.after["counts"][CELL] == 12


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "The number cannot be negative."),
        ("-3", "The number cannot be negative."),
        ("2.5", "Enter a whole number."),
        (2.5, "Enter a whole number."),
        ("lots", "Enter a whole number."),
        (None, "Enter a number (0 if nobody)."),
        (True, "Enter a whole number."),
    ],
)
def test_a_bad_cell_is_refused_under_that_cell_and_nothing_is_saved(setup, value, message):
    with pytest.raises(ValidationError) as exc:
        planned(setup, {**table(), CELL: value})

    assert exc.value.message_dict == {f"counts.{CELL}": [message]}
    assert EnrollmentReport.objects.count() == 0


def test_totals_that_do_not_add_up_are_refused_under_each_total(setup):
    data = {
        "counts": table(hispanic__white__female=3, hispanic__white__male=2),
        "totals": {"all": 6, "white": 5, "hispanic|female": 4},
    }

    with pytest.raises(ValidationError) as exc:
        services.enrollment_planned_save(actor=setup["pi"], award=setup["award"], data=data)

    assert exc.value.message_dict == {
        "totals.all": ["The cells add up to 5, not 6."],
        "totals.hispanic|female": ["The cells add up to 3, not 4."],
    }
    assert EnrollmentReport.objects.count() == 0


def test_missing_and_unknown_cells_are_refused(setup):
    counts = {**table(), "hispanic|purple|female": 1}
    del counts[OTHER]

    with pytest.raises(ValidationError) as exc:
        planned(setup, counts)

    assert exc.value.message_dict == {
        "counts": ["Not cells of the table: hispanic|purple|female."],
        f"counts.{OTHER}": ["Enter a number (0 if nobody)."],
    }


def test_a_cumulative_decrease_without_a_reason_names_the_cells_and_saves_nothing(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=5, not_hispanic__black__male=7))

    with pytest.raises(ValidationError) as exc:
        cumulative(
            setup,
            table(hispanic__white__female=4, not_hispanic__black__male=9),
            as_of=date(2025, 12, 31),
        )

    assert exc.value.message_dict == {
        f"counts.{CELL}": ["Below the previous report's 5: give a reason for the decrease."],
        "reason_for_decrease": [
            "1 cell fell below the previous report's: say why (for example, participants "
            "withdrew consent)."
        ],
    }
    assert EnrollmentReport.objects.filter(kind="cumulative").count() == 1


def test_a_cumulative_total_below_the_previous_is_named_too(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=5))

    with pytest.raises(ValidationError) as exc:
        cumulative(setup, table(hispanic__white__female=2), as_of=date(2025, 12, 31))

    assert exc.value.message_dict["totals.all"] == ["The total is below the previous report's 5."]


def test_a_decrease_with_a_reason_is_accepted(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=5))

    report = cumulative(
        setup,
        table(hispanic__white__female=4),
        as_of=date(2025, 12, 31),
        reason="One participant withdrew consent and asked for their data to be removed.",
    )

    assert report.count(CELL) == 4
    assert report.reason_for_decrease.startswith("One participant withdrew")


def test_a_cumulative_table_needs_the_planned_one_and_a_later_past_date(setup):
    with pytest.raises(ValidationError) as first:
        cumulative(setup, table(), as_of=timezone.localdate() + timedelta(days=1))
    planned(setup)
    cumulative(setup, table(), as_of=date(2025, 6, 30))
    with pytest.raises(ValidationError) as again:
        cumulative(setup, table(), as_of=date(2025, 6, 30))

    assert first.value.message_dict == {
        "__all__": ["Enter the planned enrollment first."],
        "as_of": ["The date cannot be in the future."],
    }
    assert again.value.message_dict == {
        "as_of": ["Give a date after the previous report's (June 30, 2025)."]
    }


def test_a_project_enrolling_nobody_has_an_all_zero_planned_table(setup):
    data = {"enrolls_humans": False, "counts": table(hispanic__white__female=1)}
    with pytest.raises(ValidationError) as exc:
        services.enrollment_planned_save(actor=setup["pi"], award=setup["award"], data=data)
    nobody = services.enrollment_planned_save(
        actor=setup["pi"], award=setup["award"], data={"enrolls_humans": False}
    )

    assert exc.value.message_dict == {
        "enrolls_humans": ["A project that enrolls nobody has an all-zero table."]
    }
    assert (nobody.enrolls_humans, nobody.total) == (False, 0)


def test_only_the_pi_and_administrators_report_enrollment(setup):
    for actor in (setup["trainee"], setup["other_pi"]):
        with pytest.raises(PermissionDenied):
            planned({**setup, "pi": actor})
    services.enrollment_planned_save(
        actor=setup["admin"], award=setup["award"], data={"counts": table()}
    )

    assert EnrollmentReport.objects.get().created_by == setup["admin"]


# ---- The page --------------------------------------------------------------------------------


def test_the_enrollment_page_is_the_pis_and_administrators(setup):
    url = page_url(setup)

    assert client_for(setup["pi"]).get(url).status_code == 200
    assert client_for(setup["admin"]).get(url).status_code == 200
    assert client_for(setup["trainee"]).get(url).status_code == 403  # sees the award
    assert client_for(setup["other_pi"]).get(url).status_code == 404
    assert client_for(setup["trainee"]).post(url, {"kind": "planned"}).status_code == 403


def test_the_award_page_links_to_enrollment_for_the_pi_only(setup):
    url = reverse("reporting:award_detail", args=[setup["award"].pk])

    assert page_url(setup) in client_for(setup["pi"]).get(url).content.decode()
    assert page_url(setup) not in client_for(setup["trainee"]).get(url).content.decode()


def test_the_pi_enters_planned_then_cumulative_on_the_page(setup):
    client = client_for(setup["pi"])
    url = page_url(setup)

    saved = client.post(url, form_post("planned", table(hispanic__white__female=10)))
    submitted = client.post(
        url,
        form_post("cumulative", table(hispanic__white__female=4), as_of="2025-06-30"),
    )

    assert (saved.status_code, saved["Location"]) == (302, url)
    assert (submitted.status_code, submitted["Location"]) == (302, url)
    assert EnrollmentReport.objects.get(kind="planned").count(CELL) == 10
    assert EnrollmentReport.objects.get(kind="cumulative").count(CELL) == 4


def test_the_page_shows_planned_against_actual_with_the_difference(setup):
    planned(setup, table(hispanic__white__female=10, not_hispanic__black__male=20))
    cumulative(setup, table(hispanic__white__female=4, not_hispanic__black__male=25))

    html = client_for(setup["pi"]).get(page_url(setup)).content.decode()

    assert (
        '<th scope="row">White</th><td class="num">10</td><td class="num">4</td>'
        '<td class="num">-6</td>'
    ) in html
    assert (
        '<th scope="row">Black or African American</th><td class="num">20</td>'
        '<td class="num">25</td><td class="num">+5</td>'
    ) in html
    assert (
        '<th scope="row">Total</th><td class="num">30</td><td class="num">29</td>'
        '<td class="num">-1</td>'
    ) in html


def test_a_bad_table_on_the_page_shows_field_errors_and_saves_nothing(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=5))
    counts = {**table(hispanic__white__female=3), OTHER: "-2", "unknown|asian|male": "x"}

    response = client_for(setup["pi"]).post(
        page_url(setup),
        form_post("cumulative", counts, **{"as_of": "2025-12-31", "totals.all": "99"}),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "There are problems to fix" in html
    assert "Below the previous report&#x27;s 5: give a reason for the decrease." in html
    assert "The number cannot be negative." in html
    assert "Enter a whole number." in html
    assert 'aria-invalid="true"' in html
    assert EnrollmentReport.objects.filter(kind="cumulative").count() == 1


def test_cells_left_blank_on_the_page_count_as_nobody(setup):
    response = client_for(setup["pi"]).post(
        page_url(setup), {"kind": "planned", "enrolls_humans": "on", f"counts.{CELL}": "7"}
    )

    assert response.status_code == 302
    assert EnrollmentReport.objects.get().counts == table(hispanic__white__female=7)


def test_stated_total_not_adding_up_on_the_page_is_an_error(setup):
    response = client_for(setup["pi"]).post(
        page_url(setup),
        form_post("planned", table(hispanic__white__female=3), **{"totals.all": "4"}),
    )

    assert response.status_code == 200
    assert "The cells add up to 3, not 4." in response.content.decode()
    assert EnrollmentReport.objects.count() == 0


# ---- The API ---------------------------------------------------------------------------------


def test_api_the_pi_submits_planned_and_cumulative(setup):
    client = api_as(setup["pi"])

    plan = client.post(
        api_url(setup),
        {"kind": "planned", "counts": table(hispanic__white__female=10), "totals": {"all": 10}},
        format="json",
    )
    actual = client.post(
        api_url(setup),
        {"kind": "cumulative", "counts": table(hispanic__white__female=6), "as_of": "2025-06-30"},
        format="json",
    )
    listed = api_as(setup["admin"]).get(api_url(setup))

    assert (plan.status_code, plan.json()["total"]) == (201, 10)
    assert (actual.status_code, actual.json()["counts"][CELL]) == (201, 6)
    assert [(r["kind"], r["total"]) for r in listed.json()] == [
        ("cumulative", 6),
        ("planned", 10),
    ]


def test_api_bad_tables_are_400_with_field_errors_and_save_nothing(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=5))
    body = {
        "kind": "cumulative",
        "counts": {**table(hispanic__white__female=1), OTHER: -4},
        "totals": {"all": 3},
        "as_of": "2025-12-31",
    }

    response = api_as(setup["pi"]).post(api_url(setup), body, format="json")

    errors = response.json()
    assert response.status_code == 400
    assert errors[f"counts.{OTHER}"] == ["The number cannot be negative."]
    assert errors[f"counts.{CELL}"] == [
        "Below the previous report's 5: give a reason for the decrease."
    ]
    assert "reason_for_decrease" in errors
    assert EnrollmentReport.objects.filter(kind="cumulative").count() == 1


def test_api_garbage_bodies_are_400_never_500(setup):
    client = api_as(setup["pi"])

    for body in ({}, {"kind": "planned", "counts": [1, 2]}, {"kind": "cumulative"}):
        assert client.post(api_url(setup), body, format="json").status_code == 400
    assert EnrollmentReport.objects.count() == 0


def test_api_enrollment_is_the_pis_and_administrators(setup):
    body = {"kind": "planned", "counts": table()}

    assert api_as(setup["trainee"]).get(api_url(setup)).status_code == 403
    assert api_as(setup["trainee"]).post(api_url(setup), body, format="json").status_code == 403
    assert api_as(setup["other_pi"]).get(api_url(setup)).status_code == 404
    assert api_as(setup["other_pi"]).post(api_url(setup), body, format="json").status_code == 404
    assert api_as(setup["admin"]).post(api_url(setup), body, format="json").status_code == 201


# ---- The program's view and its exports ------------------------------------------------------


@pytest.fixture
def program(setup):
    """Two funded awards with tables: one for Hispanic or Latino communities, one rural."""
    Proposal.objects.filter(pk=setup["award"].proposal_id).update(
        disparity_populations=["hispanic"]
    )
    Proposal.objects.filter(pk=setup["other"].proposal_id).update(disparity_populations=["rural"])
    planned(setup, table(hispanic__white__female=10))
    cumulative(setup, table(hispanic__white__female=2), as_of=date(2025, 3, 31))
    cumulative(setup, table(hispanic__white__female=6), as_of=date(2025, 6, 30))
    other = {**setup, "award": setup["other"], "pi": setup["other_pi"]}
    planned(other, table(not_hispanic__black__male=8, hispanic__white__female=1))
    return setup


def test_the_program_view_adds_planned_and_latest_cumulative_over_funded_awards(program):
    everyone = selectors.enrollment_program()
    hispanic = selectors.enrollment_program(population="hispanic")

    assert (everyone["awards"], everyone["with_plan"], everyone["reporting"]) == (2, 2, 1)
    assert everyone["planned"][CELL] == 11
    assert everyone["actual"][CELL] == 6  # the latest table only, not 2 + 6
    assert everyone["planned"][OTHER] == 8
    assert (hispanic["awards"], hispanic["planned"][CELL], hispanic["planned"][OTHER]) == (
        1,
        10,
        0,
    )


def test_the_program_view_reads_in_two_queries_whatever_the_awards(
    program, django_assert_num_queries
):
    with django_assert_num_queries(2):
        selectors.enrollment_program(population="hispanic")


def test_the_program_view_shows_every_write_at_once(program, django_assert_num_queries):
    # On PostgreSQL the sums are kept per version of the tables; any write is a new version.
    first = selectors.enrollment_program()
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        again = selectors.enrollment_program()
    again["planned"][CELL] = 999  # the caller's copy: the kept sums are not changed
    unchanged = selectors.enrollment_program()

    planned(program, table(hispanic__white__female=20))  # the planned table, changed in place
    changed = selectors.enrollment_program()
    cumulative(program, table(hispanic__white__female=9), as_of=date(2025, 9, 30))
    reported = selectors.enrollment_program()
    EnrollmentReport.objects.filter(award=program["other"]).update(
        counts=table(not_hispanic__black__male=3)  # even a write no service made
    )
    updated = selectors.enrollment_program()
    Proposal.objects.filter(pk=program["other"].proposal_id).update(
        disparity_populations=["hispanic"]
    )
    hispanic = selectors.enrollment_program(population="hispanic")

    assert (first["planned"][CELL], first["actual"][CELL]) == (11, 6)
    assert (again["actual"][CELL], unchanged["planned"][CELL]) == (6, 11)
    assert (changed["planned"][CELL], changed["actual"][CELL]) == (21, 6)
    assert (reported["planned"][CELL], reported["actual"][CELL]) == (21, 9)
    assert (updated["planned"][CELL], updated["planned"][OTHER]) == (20, 3)
    assert (hispanic["awards"], hispanic["planned"][OTHER]) == (2, 3)


def test_the_program_page_is_the_administrators_and_filters_by_population(program):
    url = reverse("reporting:enrollment_program")

    page = client_for(program["admin"]).get(url, {"population": "rural"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Funded awards (Underserved rural communities): 1 award, 1 with a planned" in html
    assert (
        '<th scope="row">Black or African American</th><td class="num">8</td>'
        '<td class="num">0</td><td class="num">-8</td>'
    ) in html
    assert client_for(program["pi"]).get(url).status_code == 404


def test_the_program_csv_has_a_row_per_combination_with_nih_names(program):
    response = client_for(program["admin"]).get(
        reverse("reporting:enrollment_program"), {"format": "csv"}
    )

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert lines[0] == "Race,Ethnicity,Sex,Planned,Cumulative enrolled"
    assert len(lines) == 1 + 63
    assert "White,Hispanic or Latino,Female,11,6" in lines
    assert "Black or African American,Not Hispanic or Latino,Male,8,0" in lines


def test_the_program_workbook_is_one_sheet_of_the_same_rows(program):
    from openpyxl import load_workbook

    response = client_for(program["admin"]).get(
        reverse("reporting:enrollment_program"), {"format": "xlsx", "population": "hispanic"}
    )

    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Inclusion enrollment"].iter_rows(values_only=True))
    assert workbook.sheetnames == ["Inclusion enrollment"]
    assert rows[1][0] == "Funded awards (Hispanic or Latino)"
    assert rows[3] == ("Race", "Ethnicity", "Sex", "Planned", "Cumulative enrolled")
    assert ("White", "Hispanic or Latino", "Female", 10, 6) in rows
    assert len(rows) == 4 + 63


def test_the_latest_cumulative_table_downloads_one_row_per_participant(setup):
    planned(setup)
    cumulative(setup, table(hispanic__white__female=2), as_of=date(2025, 3, 31))
    cumulative(
        setup,
        table(hispanic__white__female=2, not_hispanic__black__male=1, unknown__asian__unknown=1),
    )

    response = client_for(setup["pi"]).get(page_url(setup), {"format": "participants"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="NS-{setup["award"].proposal_id}-participant-level-enrollment.csv"'
    )
    assert response.content.decode().splitlines() == [
        "Race,Ethnicity,Sex,Age,Age Unit",
        "Asian,Unknown/Not Reported Ethnicity,Unknown/Not Reported,,Unknown",
        "Black or African American,Not Hispanic or Latino,Male,,Unknown",
        "White,Hispanic or Latino,Female,,Unknown",
        "White,Hispanic or Latino,Female,,Unknown",
    ]
    page = client_for(setup["pi"]).get(page_url(setup)).content.decode()
    assert 'href="?format=participants"' in page


def test_the_participant_csv_is_the_pis_and_administrators_once_a_table_is_in(setup):
    planned(setup)

    assert (
        client_for(setup["pi"]).get(page_url(setup), {"format": "participants"}).status_code == 404
    )
    cumulative(setup, table(hispanic__white__female=1))
    for user, status in (
        (setup["pi"], 200),
        (setup["admin"], 200),
        (setup["trainee"], 403),
        (setup["other_pi"], 404),
    ):
        answer = client_for(user).get(page_url(setup), {"format": "participants"})
        assert answer.status_code == status, user
