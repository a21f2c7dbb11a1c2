"""INDGEN, INDGEN-PY's recorded completions and the Program set-up sheet, in every format.

The world: one award active 2024-2026 paying four trainees of its team in 2025-2026 — Ana
(enrolled), Ben (completed in June 2025, paid across the start of the period), Cy (left in
October 2025) and Dee (no status) — and an award that ended in May 2025 whose trainees Eve (no
status: inferred completer) and Fay (recorded as still enrolled) would both be inferred
completers of 2024-2025 from the award's end.
"""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from accounts.choices import ApplicantType
from grants.choices import TeamRole
from grants.models import Award
from reporting import services
from reporting.choices import CheckStatus
from reporting.hrsa import build_report
from reporting.hrsa.exporters import JsonExporter, XlsxExporter
from reporting.hrsa.periods import parse_period
from reporting.hrsa.support_tables import amount_in
from reporting.models import ReportingProfile, TrainingProgram
from tests.factories import make_admin, make_user
from tests.reporting.support import Spec, fund_call, place_award

pytestmark = pytest.mark.django_db

PERIOD = "2025-2026"


@pytest.fixture
def paid(db):
    admin = make_admin()
    prof, prof2 = (
        make_user(n, applicant_type=ApplicantType.FULL_PROFESSOR) for n in ("prof", "prof2")
    )
    people = {
        "ana": make_user("ana", applicant_type=ApplicantType.MEDICAL_STUDENT),
        "ben": make_user("ben", applicant_type=ApplicantType.PHD_STUDENT),
        "cy": make_user("cy", applicant_type=ApplicantType.RESIDENT),
        "dee": make_user("dee", applicant_type=ApplicantType.POSTDOC),
        "eve": make_user("eve", applicant_type=ApplicantType.MEDICAL_STUDENT),
        "fay": make_user("fay", applicant_type=ApplicantType.MEDICAL_STUDENT),
    }
    co = TeamRole.CO_INVESTIGATOR
    _, (p1, p2) = fund_call(
        [
            Spec(pi=prof, team=[(people[n], co) for n in ("ana", "ben", "cy", "dee")]),
            Spec(pi=prof2, team=[(people[n], co) for n in ("eve", "fay")]),
        ],
        admin=admin,
    )
    award = place_award(Award.objects.get(proposal=p1), date(2024, 1, 1), date(2026, 12, 31))
    ended = place_award(Award.objects.get(proposal=p2), date(2024, 1, 1), date(2025, 5, 31))
    profile = ReportingProfile.objects.get()
    scholars = TrainingProgram.objects.create(
        profile=profile, name="Summer research scholars", program_type="structured", position=1
    )
    mdmph = TrainingProgram.objects.create(
        profile=profile,
        name="MD/MPH pathway",
        program_type="degree_granting",
        state="completed",
        position=2,
    )

    def pay(name, kind, amount, first, last, program=None):
        return services.participant_support_create(
            actor=prof,
            award=award,
            data={
                "person": people[name].pk,
                "kind": kind,
                "amount": amount,
                "paid_from": first,
                "paid_to": last,
                "training_program": program.pk if program else None,
            },
        )

    pay("ana", "stipend", "6000.00", date(2025, 7, 1), date(2025, 12, 31), scholars)
    pay("ana", "travel", "500.00", date(2025, 10, 1), date(2025, 10, 5), scholars)
    # 61 days, of which July 1-30 (30) fall in 2025-2026: 1220 * 30 / 61 = 600.00
    pay("ben", "stipend", "1220.00", date(2025, 5, 31), date(2025, 7, 30), mdmph)
    pay("ben", "tuition", "9000.00", date(2024, 8, 1), date(2025, 5, 30), mdmph)  # 2024-2025
    pay("cy", "stipend", "2000.00", date(2025, 8, 1), date(2025, 9, 30))
    pay("dee", "other", "300.00", date(2025, 9, 1), date(2025, 9, 1))

    def status(name, value, on=None, program=None, on_award=award, actor=prof):
        services.training_status_record(
            actor=actor,
            award=on_award,
            data={
                "person": people[name].pk,
                "training_program": program.pk if program else None,
                "status": value,
                "status_date": on,
            },
        )

    status("ana", "enrolled", date(2025, 6, 1), scholars)
    status("ben", "completed", date(2025, 6, 15), mdmph)
    status("cy", "left", date(2025, 10, 1))
    status("fay", "enrolled", on_award=ended, actor=prof2)
    services.trainee_outcome_create(
        actor=people["ben"],
        award=award,
        data={
            "trainee": people["ben"].pk,
            "recorded_on": date(2026, 3, 1),
            "completion_date": date(2025, 6, 15),
            "employed": "yes",
            "practicing_underserved": "yes",
        },
    )
    return {"award": award, "ended": ended, "people": people, "prof": prof}


def test_indgen_has_one_row_per_person_paid_in_the_period(paid):
    award, people = paid["award"], paid["people"]

    table = build_report(PERIOD).table("indgen")

    label = str(award)
    assert [row.cells for row in table.rows] == [
        [
            people["ana"].display_name,
            str(people["ana"].pk),
            "Summer research scholars",
            "Medical student",
            label,
            "Stipend; Travel",
            Decimal("6500.00"),
            "Enrolled",
            date(2025, 6, 1),
        ],
        [
            people["ben"].display_name,
            str(people["ben"].pk),
            "MD/MPH pathway",
            "PhD student",
            label,
            "Stipend",  # the tuition was paid for 2024-2025
            Decimal("600.00"),
            "Graduated / completed",
            date(2025, 6, 15),
        ],
        [
            people["cy"].display_name,
            str(people["cy"].pk),
            "",
            "Resident / clinical fellow",
            label,
            "Stipend",
            Decimal("2000.00"),
            "Left",
            date(2025, 10, 1),
        ],
        [
            people["dee"].display_name,
            str(people["dee"].pk),
            "",
            "Postdoctoral fellow",
            label,
            "Other",
            Decimal("300.00"),
            "Not recorded",
            None,
        ],
        ["Total", "4 people", "", "", "", "", Decimal("9400.00"), "", None],
    ]
    assert table.people is False  # named records: never suppressed cell by cell


def test_indgen_of_the_previous_period_has_only_what_was_paid_in_it(paid):
    table = build_report("2024-2025").table("indgen")

    assert {row.cells[0]: row.cells[6] for row in table.rows} == {
        # 9000, and 1220 * 31 / 61 for May 31 to June 30
        paid["people"]["ben"].display_name: Decimal("9620.00"),
        "Total": Decimal("9620.00"),
    }


def test_indgen_py_uses_the_recorded_completion_and_infers_only_without_one(paid):
    table = build_report(PERIOD).table("indgen_py")

    # Ben (recorded completed in 2024-2025) and Eve (no status; her award ended then). Fay's
    # award ended too, but she is recorded as still enrolled; Cy left.
    assert table.grid()["Employed"] == {"yes": 1, "no": 0, "unknown": 1, "total": 2}
    assert table.grid()["Practicing in a medically underserved community"] == {
        "yes": 1,
        "no": 0,
        "unknown": 1,
        "total": 2,
    }
    assert table.grid()["No outcome record (all unknown)"] == {
        "yes": None,
        "no": None,
        "unknown": 1,
        "total": 1,
    }


def test_indgen_py_before_any_status_infers_from_the_award_end(paid):
    from reporting.models import TrainingStatus

    TrainingStatus.objects.all().delete()

    table = build_report(PERIOD).table("indgen_py")

    # Eve and Fay from the ended award, and Ben from his trainee outcome's completion date.
    assert table.grid()["Employed"]["total"] == 3


def test_checks_name_the_paid_people_without_a_status(paid):
    dee = paid["people"]["dee"]

    report = build_report(PERIOD)

    check = next(c for c in report.checks if c.rule.startswith("People paid"))
    assert (check.status, check.count) == (CheckStatus.WARNING, 1)
    assert check.detail.startswith(f"No status recorded for: {dee.display_name} (ID {dee.pk}).")
    setup = next(c for c in report.checks if c.rule.startswith("Training programs"))
    assert (setup.status, setup.count) == (CheckStatus.PASS, 2)


def test_program_setup_lists_the_profiles_training_programs_first(paid):
    report = build_report(PERIOD)

    assert report.tables[0].key == "program_setup"
    assert [row.cells for row in report.tables[0].rows] == [
        ["Summer research scholars", "Structured", "Ongoing"],
        ["MD/MPH pathway", "Degree-granting", "Completed"],
    ]


def test_workbook_has_program_setup_first_and_the_indgen_sheet(paid):
    report = build_report(PERIOD)

    workbook = load_workbook(io.BytesIO(XlsxExporter(report).render()))

    assert workbook.sheetnames[:2] == ["Program set-up", "Summary"]
    assert workbook.sheetnames.index("INDGEN Individual records") + 1 == (
        workbook.sheetnames.index("INDGEN-PY Trainee outcomes")
    )
    setup = [[c.value for c in row] for row in workbook["Program set-up"].iter_rows(min_row=4)]
    assert setup[:3] == [
        ["Training program", "Type", "Ongoing / completed"],
        ["Summer research scholars", "Structured", "Ongoing"],
        ["MD/MPH pathway", "Degree-granting", "Completed"],
    ]
    sheet = workbook["INDGEN Individual records"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=9)]
    assert rows[0][:3] == ["Person", "Person ID", "Training program"]
    assert [r[0] for r in rows[1:]] == [
        *(paid["people"][n].display_name for n in ("ana", "ben", "cy", "dee")),
        "Total",
    ]
    assert rows[1][6] == 6500
    assert sheet.cell(row=5, column=7).number_format == '"$"#,##0.00'
    assert rows[3][7:] == ["Left", sheet.cell(row=7, column=9).value]
    assert sheet.cell(row=7, column=9).value.date() == date(2025, 10, 1)


def test_json_carries_program_setup_and_indgen(paid):
    data = json.loads(JsonExporter(build_report(PERIOD)).render())

    tables = {t["key"]: t for t in data["tables"]}
    assert data["tables"][0]["key"] == "program_setup"
    assert tables["program_setup"]["rows"][0]["cells"] == [
        "Summer research scholars",
        "Structured",
        "Ongoing",
    ]
    assert tables["indgen"]["code"] == "INDGEN"
    assert tables["indgen"]["rows"][1]["cells"][6:] == [
        "600.00",
        "Graduated / completed",
        "2025-06-15",
    ]


def test_a_shared_report_lists_no_one_in_indgen(paid):
    report = build_report(PERIOD, suppress=True, threshold=10)

    table = report.table("indgen")
    assert table.rows == []
    assert table.notes[0] == "Withheld from this report, which is made for sharing."
    check = next(c for c in report.checks if c.rule.startswith("People paid"))
    assert check.detail == "Record their training status on the award's support page."
    assert paid["people"]["dee"].display_name not in json.dumps(
        json.loads(JsonExporter(report).render())
    )


@pytest.mark.parametrize(
    ("first", "last", "amount", "want"),
    [
        (date(2025, 7, 1), date(2026, 6, 30), "1000.00", "1000.00"),  # the whole period
        (date(2025, 6, 30), date(2025, 7, 1), "100.00", "50.00"),  # one day of two
        (date(2025, 6, 1), date(2025, 6, 30), "100.00", "0.00"),  # before it
        (date(2026, 6, 30), date(2026, 7, 2), "100.00", "33.33"),  # a third, rounded
    ],
)
def test_amount_in_the_period_is_pro_rata_by_day(first, last, amount, want):
    assert amount_in(parse_period(PERIOD), Decimal(amount), first, last) == Decimal(want)
