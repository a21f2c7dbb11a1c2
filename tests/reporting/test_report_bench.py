"""bench/report_bench.py measures what it says: its floor writes exactly the export's cells,
and its phases give sane figures (here on the hand-built reporting world)."""

import io

import pytest
from django.db import connection

from bench import report_bench
from reporting.hrsa import XlsxExporter, build_report

PERIOD = "2025-2026"


def all_cells(data: bytes) -> dict[str, list[tuple]]:
    """Every sheet's rows of values, trailing empty cells and rows dropped."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for row in rows:
            while row and row[-1] is None:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        sheets[sheet.title] = [tuple(row) for row in rows]
    return sheets


@pytest.mark.django_db
@pytest.mark.parametrize("suppress", [False, True])
def test_floor_writes_the_same_sheets_and_cells_as_the_export(world, suppress):
    report = build_report(PERIOD, suppress=suppress, generated_by="admin")

    export = all_cells(XlsxExporter(report).render())
    floor = all_cells(report_bench.write_floor(report_bench.floor_sheets(report)))

    assert list(floor) == list(export)
    assert floor == export
    assert export["Projects"][4][0] == "Award NS-" + str(world.awards["a1"].proposal_id)


@pytest.mark.django_db
def test_floor_keeps_user_text_from_becoming_a_formula(world):
    from grants.models import Program, Proposal

    Program.objects.update(name="=cmd|' /C calc'!A0")
    Proposal.objects.filter(pk=world.awards["a1"].proposal_id).update(title="=HYPERLINK(1)")
    report = build_report(PERIOD)

    export = all_cells(XlsxExporter(report).render())
    floor = all_cells(report_bench.write_floor(report_bench.floor_sheets(report)))

    assert floor == export
    assert export["Projects"][4][4] == "'=HYPERLINK(1)"
    assert export["Projects"][1][0].startswith("'=cmd|")


@pytest.mark.django_db
def test_phases_give_sane_figures(world, tmp_path):
    report_file = tmp_path / "report.pickle"
    baseline = report_bench.current_rss_mb()

    figures = {
        phase: report_bench.measure_phase(
            phase, period=PERIOD, report_file=report_file, baseline_mb=baseline
        )
        for phase in ("build", "xlsx", "pdf", "floor", "download")
    }

    build = figures["build"]
    # A fixed number, whatever the size (test_report_counts): 33, and the two return ratios
    # sums (the PC-10 sheets share one read of the partners).
    assert build["queries"] == 35
    assert build["summary"] == {
        "Active awards": 3,
        "Participants": 7,
        "Publications": 3,
        "Presentations": 3,
    }
    assert build["tables"]["projects"] == 4  # three awards and the total row
    for phase, item in figures.items():
        assert 0 < item["seconds"] < 60, phase
        # The kernel batches RSS counters per CPU (bench/report_bench.py _memory): on a busy
        # machine the peak read later may lag the baseline by a fraction of a megabyte.
        assert item["peak_mb"] >= item["baseline_mb"] - 1 > 0, phase
        assert item["increase_mb"] == item["peak_mb"] - baseline, phase
    assert figures["xlsx"]["bytes"] > figures["floor"]["bytes"] > 0  # the export adds styles
    # The same workbook but for its build time (and so its compressed size, by a few bytes).
    assert figures["download"]["bytes"] == pytest.approx(figures["xlsx"]["bytes"], rel=0.01)
    assert figures["pdf"]["pages"] >= 11  # a page or more per table


def test_markdown_table_of_figures():
    item = {"seconds": 1.5, "peak_mb": 120.4, "increase_mb": 60.2, "bytes": 2 * 1024 * 1024}
    figures = {
        "period": "2024-2025",
        "timing": "median of 3",
        "build": {**item, "queries": 31, "summary": {"Active awards": 6000}},
        "xlsx": item,
        "floor": {**item, "seconds": 1.0},
        "pdf": {**item, "pages": 24},
        "download": item,
        "xlsx_floor_ratio": 1.5,
        "xlsx_floor_ratio_cpu": 1.25,
    }

    text = report_bench.markdown(figures)

    lines = text.splitlines()
    assert lines[0] == "#### HRSA report 2024-2025 (6,000 active awards)"
    assert "| Build (`build_report`) | 1.50 | 120 | 60 | 31 queries |" in lines
    assert "| pdf render | 1.50 | 120 | 60 | 2.0 MB, 24 pages |" in lines
    assert lines[-1] == (
        "xlsx / floor: **1.50x** (CPU time 1.25x), target <= 1.5x. Peak memory of the "
        "download: **120 MB**, target < 300 MB."
    )


@pytest.mark.django_db(transaction=True)
def test_run_measures_each_phase_in_a_fresh_process(world):
    """The command-line path end to end (child processes reading the committed test data)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    elif connection.vendor == "postgresql" and not db["PASSWORD"]:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        pytest.skip("no password-free address of the test database to give the children")

    figures = report_bench.run(url, PERIOD, repeats=1, phases=("build", "xlsx", "floor"))

    assert figures["build"]["summary"]["Participants"] == 7
    assert figures["build"]["runs"] == [round(figures["build"]["seconds"], 3)]
    assert figures["xlsx"]["bytes"] > 0
    assert figures["xlsx_floor_ratio"] == figures["xlsx"]["seconds"] / figures["floor"]["seconds"]
    assert figures["build"]["peak_mb"] > figures["build"]["increase_mb"] > 0
