"""The HRSA report at scale: ``python bench/report_bench.py --database-url URL --period
2024-2025 [--json]`` against an already seeded database (``manage.py seed_scale``).

Five phases, each run in a fresh process with production settings (DEBUG off), so that one
phase's memory never hides another's:

- ``build``: ``build_report(period)``, its time and query count;
- ``xlsx`` / ``pdf``: the exporters rendering that report (loaded from a pickle the build phase
  wrote, so the render's memory is not masked by the build's);
- ``floor``: openpyxl ``Workbook(write_only=True)`` writing exactly the cells the xlsx export
  writes (same sheets, same values, no styles, no widths) to memory — the library's floor;
- ``download``: build and xlsx render in one process, as a download from the web page or the
  API does: its peak memory is the figure the 300 MB target is about.

Time is the median of ``repeats`` processes (5 by default: on a shared two-core machine three
runs of a one-second phase still vary by half), taken round after round so that a busy spell
falls on every phase alike; the best run and the CPU time are kept too. A phase that once takes
longer than ``budget`` seconds is not run again. Memory is the process's peak RSS
(``ru_maxrss``) and its increase over the RSS right after ``django.setup()``; tracemalloc would
slow the timed code. Library imports (openpyxl, weasyprint) happen before the clock starts: a
server pays them once.

``run(database_url, period) -> dict`` returns the figures; ``markdown(figures) -> str`` formats
them for docs/performance.md (bench/bench.py calls both).
"""

import argparse
import io
import json
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import PYTHON, ROOT, last_json_line, production_env

PHASES = ("build", "xlsx", "pdf", "floor", "download")
TARGET_RATIO = 1.5
TARGET_PEAK_MB = 300
MB = 1024 * 1024


# ---- Memory ----------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MB if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float:
    """The resident set size now (/proc on Linux; the peak so far elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, IndexError, ValueError):
        return peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


# ---- The floor: the same cells, nothing else -------------------------------------------------


def floor_sheets(report) -> list[tuple[str, list[list]]]:
    """(sheet name, rows of values) exactly as the xlsx export writes them: title, period,
    column groups, header, the table's rows, then a blank row and the notes. Written here from
    the report, not taken from the exporter, so the comparison test checks the exporter."""
    from config.spreadsheets import spreadsheet_safe

    period = f"{report.program} — reporting period {report.period_label} ({report.period_display})"
    if report.suppressed:
        period += f"; counts from 1 to {report.threshold} suppressed (*)"
    sheets = []
    for table in report.tables:
        groups = []
        previous = None
        for column in table.columns:
            start = column.group and column.group != previous
            groups.append(column.group if start else None)
            previous = column.group
        rows = [[table.title], [period], groups, [c.label for c in table.columns]]
        rows += [row.cells for row in table.rows]
        if table.notes:
            rows.append([])
            rows += [[note] for note in table.notes]
        # The export passes every value through spreadsheet_safe (no text becomes a formula).
        rows = [[spreadsheet_safe(value) for value in row] for row in rows]
        sheets.append((table.sheet_name, rows))
    return sheets


def write_floor(sheets: list[tuple[str, list[list]]]) -> bytes:
    """openpyxl's write-only workbook with these rows and nothing else, saved to memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(title=name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---- One phase (inside a child process, or in-process from a test) ---------------------------


def timed(work):
    """(result, wall seconds, CPU seconds of this process) of ``work()``. The CPU time is what a
    busy machine disturbs least: the xlsx/floor ratio is given in both."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def measure_phase(phase: str, *, period: str, report_file: Path, baseline_mb: float) -> dict:
    """One phase's figures. ``build`` and ``download`` read the database (and ``build`` pickles
    its report to ``report_file``); the others render the pickled report."""
    from reporting.hrsa.exporters import PdfExporter, XlsxExporter

    if phase in ("xlsx", "floor", "download"):
        _import_openpyxl()
    elif phase == "pdf":
        import weasyprint  # noqa: F401 (imported before the clock starts)

    figures: dict = {}
    if phase in ("build", "download"):
        (report, queries), seconds, cpu = timed(lambda: count_queries(build_report_for, period))
        figures.update(queries=queries, build_seconds=seconds)
        if phase == "build":
            figures.update(tables={t.key: len(t.rows) for t in report.tables})
            figures.update(summary=_summary(report))
        else:
            data, render_seconds, render_cpu = timed(XlsxExporter(report).render)
            seconds, cpu = seconds + render_seconds, cpu + render_cpu
            figures["bytes"] = len(data)
    else:
        report = pickle.loads(report_file.read_bytes())  # noqa: S301 (our own file)
        if phase == "xlsx":
            data, seconds, cpu = timed(XlsxExporter(report).render)
        elif phase == "pdf":
            data, seconds, cpu = timed(PdfExporter(report).render)
        elif phase == "floor":
            sheets = floor_sheets(report)
            data, seconds, cpu = timed(lambda: write_floor(sheets))
        else:
            raise ValueError(f"unknown phase {phase!r}")
        figures["bytes"] = len(data)
    figures.update(seconds=seconds, cpu_seconds=cpu, **_memory(baseline_mb))
    if phase == "build":
        report_file.write_bytes(pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL))
    if phase == "pdf":
        figures["pages"] = pdf_pages(data)
    return figures


def build_report_for(period: str):
    from reporting.hrsa import build_report

    return build_report(period, generated_by="bench/report_bench.py")


def count_queries(work, *args):
    """(result, number of database queries) of ``work(*args)``."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = work(*args)
    return result, queries


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _import_openpyxl() -> None:
    from openpyxl import Workbook  # noqa: F401 (imported before the clock starts)
    from openpyxl.cell import WriteOnlyCell  # noqa: F401


def _memory(baseline_mb: float) -> dict:
    # The kernel's RSS counters are batched per CPU: the peak may lag the current by a page or
    # a hundred, and the peak is at least what is resident now.
    peak = max(peak_rss_mb(), current_rss_mb())
    return {"peak_mb": peak, "increase_mb": peak - baseline_mb, "baseline_mb": baseline_mb}


def _summary(report) -> dict:
    """The headline sizes of the data the report covers."""
    summary = report.table("summary")
    wanted = ("Active awards", "Participants", "Publications", "Presentations")
    return {label: summary.cell(label, "value") for label in wanted}


# ---- The parent: fresh processes, medians ----------------------------------------------------


def _child(env: dict, phase: str, period: str, report_file: Path, timeout: float) -> dict:
    result = subprocess.run(  # noqa: S603 (our own script)
        [
            PYTHON,
            "-m",
            "bench.report_bench",
            f"--child={phase}",
            f"--period={period}",
            f"--report-file={report_file}",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=True,
        timeout=timeout,
    )
    return json.loads(last_json_line(result.stdout))


def run(
    database_url: str,
    period: str,
    *,
    repeats: int = 5,
    budget: float = 120.0,
    timeout: float = 1800.0,
    phases: tuple[str, ...] = PHASES,
) -> dict:
    """Every phase's figures for ``period`` against ``database_url`` (already seeded).

    Each run of each phase is a fresh process; time is the median over the runs, memory the
    highest peak. A phase stops repeating once a run has taken ``budget`` seconds (the renders
    read the report the build pickled last)."""
    order = ("build", *[p for p in phases if p != "build"])
    runs: dict[str, list[dict]] = {phase: [] for phase in order}
    with tempfile.TemporaryDirectory(prefix="northstar-report-bench-") as tmp:
        work = Path(tmp)
        env = production_env(database_url, work / "media")
        report_file = work / "report.pickle"
        # Round after round of every phase, so that whatever else the machine is doing falls
        # on the export and its floor alike.
        for _ in range(repeats):
            for phase in order:
                if runs[phase] and runs[phase][-1]["seconds"] >= budget:
                    continue
                runs[phase].append(_child(env, phase, period, report_file, timeout))
    figures: dict = {"period": period, "repeats": repeats, "timing": f"median of {repeats}"}
    figures.update({phase: _combine(items) for phase, items in runs.items()})
    if "xlsx" in figures and "floor" in figures:
        figures["xlsx_floor_ratio"] = figures["xlsx"]["seconds"] / figures["floor"]["seconds"]
        figures["xlsx_floor_ratio_best"] = figures["xlsx"]["best"] / figures["floor"]["best"]
        figures["xlsx_floor_ratio_cpu"] = (
            figures["xlsx"]["cpu_seconds"] / figures["floor"]["cpu_seconds"]
        )
    figures["targets"] = {"xlsx_floor_ratio": TARGET_RATIO, "peak_mb": TARGET_PEAK_MB}
    return figures


def _combine(runs: list[dict]) -> dict:
    combined = dict(runs[-1])
    combined["seconds"] = statistics.median(r["seconds"] for r in runs)
    combined["best"] = min(r["seconds"] for r in runs)
    combined["cpu_seconds"] = statistics.median(r["cpu_seconds"] for r in runs)
    combined["runs"] = [round(r["seconds"], 3) for r in runs]
    for key in ("peak_mb", "increase_mb"):
        combined[key] = max(r[key] for r in runs)
    if "build_seconds" in combined:
        combined["build_seconds"] = statistics.median(r["build_seconds"] for r in runs)
    return combined


def markdown(figures: dict) -> str:
    """A docs table of the figures (time: median of the runs; memory: highest peak RSS)."""
    build = figures["build"]
    summary = build.get("summary", {})
    sizes = ", ".join(f"{v:,} {k.lower()}" for k, v in summary.items() if isinstance(v, int))
    rows = [
        ("Build (`build_report`)", build, f"{build['queries']} queries"),
        ("xlsx render", figures.get("xlsx"), _size(figures.get("xlsx"))),
        (
            "openpyxl write-only floor, same cells",
            figures.get("floor"),
            _size(figures.get("floor")),
        ),
        ("pdf render", figures.get("pdf"), _pdf(figures.get("pdf"))),
        ("xlsx download (build + render, one process)", figures.get("download"), ""),
    ]
    ratio = figures.get("xlsx_floor_ratio")
    lines = [
        f"#### HRSA report {figures['period']}" + (f" ({sizes})" if sizes else ""),
        "",
        f"Each phase in a fresh process; time is the {figures['timing']} runs, memory the "
        "highest peak RSS and its increase over the RSS after `django.setup()`.",
        "",
        "| Phase | Time (s) | Peak RSS (MB) | Increase (MB) | Size |",
        "|---|---:|---:|---:|---|",
    ]
    for label, item, size in rows:
        if item:
            lines.append(
                f"| {label} | {item['seconds']:.2f} | {item['peak_mb']:.0f} | "
                f"{item['increase_mb']:.0f} | {size} |"
            )
    if ratio is not None:
        peak = max(figures[p]["peak_mb"] for p in ("xlsx", "download") if p in figures)
        others = [
            f"{label} {figures[key]:.2f}x"
            for key, label in (
                ("xlsx_floor_ratio_best", "best runs"),
                ("xlsx_floor_ratio_cpu", "CPU time"),
            )
            if figures.get(key) is not None
        ]
        lines += [
            "",
            f"xlsx / floor: **{ratio:.2f}x**"
            + (f" ({'; '.join(others)})" if others else "")
            + f", target <= {TARGET_RATIO}x. Peak memory of the download: **{peak:.0f} MB**, "
            f"target < {TARGET_PEAK_MB} MB.",
        ]
    return "\n".join(lines)


def _size(item: dict | None) -> str:
    return f"{item['bytes'] / MB:.1f} MB" if item else ""


def _pdf(item: dict | None) -> str:
    return f"{item['bytes'] / MB:.1f} MB, {item['pages']} pages" if item else ""


# ---- Command line ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an already seeded database")
    parser.add_argument("--period", required=True, help="academic year, e.g. 2024-2025")
    parser.add_argument("--repeats", type=int, default=5, help="processes per phase (median)")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds; then run once")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--child", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--report-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        import django

        django.setup()
        baseline = current_rss_mb()
        figures = measure_phase(
            args.child, period=args.period, report_file=args.report_file, baseline_mb=baseline
        )
        print(json.dumps(figures))
        return 0
    if not args.database_url:
        parser.error("--database-url is required")
    figures = run(args.database_url, args.period, repeats=args.repeats, budget=args.budget)
    print(json.dumps(figures, indent=2) if args.json else markdown(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
