"""``make bench``: page and API latency against the framework's floor, and the HRSA report at
scale, on a live gunicorn server over loopback. Figures are printed and, with
``--write-docs``, appended to docs/performance.md.

1. A fresh PostgreSQL database (``northstar_bench`` by default) is migrated and filled by
   ``manage.py seed_scale --proposals N --seed S`` (``--reuse`` keeps an already seeded one:
   seeding 100,000 proposals takes minutes, measuring takes one).
2. gunicorn serves the app with production settings (DEBUG off) and the floor view of
   config/floor.py mounted.
3. One client requests each page in turn, interleaved with the floor view returning the same
   number of rows, after a warm-up; every answer must be 200. p50 and p95 of each, and each
   page's p50 and p95 as a ratio to the floor's.
4. bench/report_bench.py builds the HRSA report for the seeded data's latest complete year and
   renders it to xlsx and pdf, each phase in a fresh process (time and peak memory), against
   openpyxl's write-only floor writing the same cells.

Targets (issue #8): p95 <= 150 ms and <= 3x the floor for every page; xlsx <= 1.5x its floor
and peak memory under 300 MB. The exit status is 0 when every request answered 200 — a missed
target is reported, not hidden, and does not fail the run.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.server import (
    ROOT,
    child,
    collect_static,
    fresh_database,
    gunicorn,
    last_json_line,
    percentile,
    production_env,
    timed_request,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/northstar_bench"
TARGET_P95_MS = 150
TARGET_RATIO = 3.0
ANALYZE = (
    "import django; django.setup(); from django.db import connection; "
    "connection.vendor == 'postgresql' and connection.cursor().execute('VACUUM ANALYZE')"
)


# ---- Runs inside Django (a child process) ----------------------------------------------------


def build_targets(summary: dict) -> dict:
    """Sessions and tokens for the seeded accounts, and each page's address with the number of
    rows it shows (the floor returns as many)."""
    import django

    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from grants import selectors as grant_selectors
    from grants.choices import NimhdDomain, NimhdLevel
    from grants.models import Proposal
    from grants.views import CALL_PROPOSALS_PAGE_SIZE
    from reporting.choices import EnrollmentKind
    from reporting.enrollment import comparison
    from reporting.models import EnrollmentReport
    from reporting.pilot_outcomes import pilot_outcomes
    from reviews import selectors as review_selectors
    from reviews.views import RANKING_PAGE_SIZE

    accounts = {
        role: User.objects.get(username=username) for role, username in summary["accounts"].items()
    }
    sessions = {}
    for role, user in accounts.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies["sessionid"].value
    token = Token.objects.get_or_create(user=accounts["admin"])[0].key
    ranking_call = summary["ranking_call_id"]
    ranked = len(
        review_selectors.ranking_order(
            grant_selectors.calls_visible_to(accounts["admin"]).get(pk=ranking_call)
        )
    )
    listed = grant_selectors.proposals_of_call_for_admin(
        grant_selectors.calls_visible_to(accounts["admin"]).get(pk=ranking_call)
    ).filter(status="not_funded")
    deep_page = max(1, Proposal.objects.count() // 25 // 2)
    detail = (
        Proposal.objects.filter(call_id=ranking_call).order_by("pk").values_list("pk", flat=True)[0]
    )
    # The portfolio pages add up every decided proposal or funded award; the floor returns as
    # many rows as their tables show.
    pilot_rows = len(pilot_outcomes(timezone.localdate()).rows)
    enrolled = (
        EnrollmentReport.objects.filter(kind=EnrollmentKind.CUMULATIVE)
        .values("award_id")
        .annotate(tables=Count("pk"))
        .order_by("-tables", "award_id")
        .first()
    )
    grid_cells = (len(NimhdDomain.values) + 1) * (len(NimhdLevel.values) + 1)
    return {
        "sessions": sessions,
        "token": token,
        "pages": [
            {
                "name": "Applicant dashboard",
                "path": "/",
                "as": "applicant",
                "rows": grant_selectors.proposals_of_applicant(accounts["applicant"]).count(),
            },
            {
                "name": "Reviewer queue",
                "path": "/review/",
                "as": "reviewer",
                "rows": review_selectors.reviewer_queue(accounts["reviewer"]).count(),
            },
            {
                "name": "Administrator's proposal list, filtered, page 2",
                "path": f"/calls/{ranking_call}/proposals/?status=not_funded&page=2",
                "as": "admin",
                "rows": max(
                    0, min(CALL_PROPOSALS_PAGE_SIZE, listed.count() - CALL_PROPOSALS_PAGE_SIZE)
                ),
            },
            {
                "name": f"Ranking page of a {ranked:,}-proposal call",
                "path": f"/review/calls/{ranking_call}/ranking/",
                "as": "admin",
                "rows": min(RANKING_PAGE_SIZE, ranked),
            },
            {
                "name": "API proposal list (all proposals, 25 a page)",
                "path": "/api/v1/proposals/",
                "as": "token",
                "rows": 25,
            },
            {
                "name": f"API proposal list, page {deep_page:,} (an offset halfway down)",
                "path": f"/api/v1/proposals/?page={deep_page}",
                "as": "token",
                "rows": 25,
            },
            {
                "name": "API proposal list, filtered by call and status",
                "path": f"/api/v1/proposals/?call={ranking_call}&status=not_funded",
                "as": "token",
                "rows": 25,
            },
            {
                "name": "API proposal detail",
                "path": f"/api/v1/proposals/{detail}/",
                "as": "token",
                "rows": 1,
            },
            {
                "name": "NIMHD portfolio grid, all calls",
                "path": "/program/portfolio/",
                "as": "admin",
                "rows": grid_cells,
            },
            {
                "name": "Program inclusion enrollment, all funded awards",
                "path": "/program/enrollment/",
                "as": "admin",
                "rows": len(comparison(None, None)),
            },
            {
                "name": "Program dashboard with pilot outcomes",
                "path": "/reports/dashboard/",
                "as": "admin",
                "rows": pilot_rows,
            },
            {
                "name": "API NIMHD portfolio grid",
                "path": "/api/v1/portfolio/nimhd/",
                "as": "token",
                "rows": grid_cells,
            },
            {
                "name": "API pilot outcomes",
                "path": "/api/v1/portfolio/pilot-outcomes/",
                "as": "token",
                "rows": pilot_rows,
            },
            {
                "name": "API award enrollment tables",
                "path": f"/api/v1/awards/{enrolled['award_id']}/enrollment/",
                "as": "token",
                "rows": enrolled["tables"] + 1,  # and the planned table
            },
        ],
    }


# ---- The driver -------------------------------------------------------------------------------


@dataclass
class Timing:
    p50: float
    p95: float
    count: int


def measure(base: str, targets: dict, *, requests: int, warmup: int) -> tuple[list, list[str]]:
    """Each page and its floor, interleaved request by request so both see the same machine."""
    errors: list[str] = []
    results = []
    for page in targets["pages"]:
        if page["as"] == "token":
            headers = {"Authorization": f"Token {targets['token']}", "Accept": "application/json"}
        else:
            headers = {"Cookie": f"sessionid={targets['sessions'][page['as']]}"}
        floor_headers = {"Cookie": f"sessionid={targets['sessions']['admin']}"}
        floor_path = f"/_bench/floor/?rows={page['rows']}"
        page_times: list[float] = []
        floor_times: list[float] = []
        size = 0
        for n in range(warmup + requests):
            code, elapsed, body = timed_request(base + page["path"], headers=headers)
            size = len(body)
            if code != 200:
                errors.append(f"{page['name']} {page['path']}: HTTP {code}")
                break
            f_code, f_elapsed, _ = timed_request(base + floor_path, headers=floor_headers)
            if f_code != 200:
                errors.append(f"floor {floor_path}: HTTP {f_code}")
                break
            if n >= warmup:
                page_times.append(elapsed)
                floor_times.append(f_elapsed)
        if not page_times:
            continue
        results.append(
            {
                **page,
                "bytes": size,
                "page": Timing(
                    statistics.median(page_times), percentile(page_times, 95), len(page_times)
                ),
                "floor": Timing(
                    statistics.median(floor_times), percentile(floor_times, 95), len(floor_times)
                ),
            }
        )
        print(f"  {page['name']}: p95 {percentile(page_times, 95) * 1000:.0f} ms", flush=True)
    return results, errors


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}"


def database_version(env: dict) -> str:
    code = "import django; django.setup(); from django.db import connection; " + (
        "c = connection.cursor(); c.execute('SELECT version()'); print(c.fetchone()[0].split(' on ')[0])"
        " if connection.vendor == 'postgresql' else print('SQLite', connection.Database.sqlite_version)"
    )
    return child(env, "-c", code, capture=True).strip()


def commit() -> str:
    try:
        return subprocess.run(  # noqa: S603, S607
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


def page_table(results: list) -> list[str]:
    lines = [
        "| page | rows | p50 ms | p95 ms | floor p50 ms | floor p95 ms | ratio p50 | ratio p95 | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        page, floor = r["page"], r["floor"]
        ratio50 = page.p50 / floor.p50
        ratio95 = page.p95 / floor.p95
        met = page.p95 * 1000 <= TARGET_P95_MS and ratio95 <= TARGET_RATIO
        lines.append(
            f"| {r['name']} | {r['rows']:,} | {page.p50 * 1000:.1f} | {page.p95 * 1000:.1f} | "
            f"{floor.p50 * 1000:.1f} | {floor.p95 * 1000:.1f} | {ratio50:.2f} | {ratio95:.2f} | "
            f"{'met' if met else '**missed**'} |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=5000, help="data size (seed_scale)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-report", action="store_true", help="pages only")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--child", choices=["targets"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "targets":
        print(json.dumps(build_targets(json.loads(sys.stdin.read()))))
        return 0

    media = Path(tempfile.mkdtemp(prefix="northstar-bench-"))
    env = production_env(args.database_url, media, NORTHSTAR_BENCH_FLOOR="1")
    summary_file = ROOT / "var" / f"bench-{args.database_url.rsplit('/', 1)[1]}.json"
    started = time.perf_counter()
    if args.reuse and summary_file.exists():
        summary = json.loads(summary_file.read_text())
        print(f"Reusing {args.database_url} ({summary['proposals']:,} proposals).", flush=True)
        child(env, "manage.py", "migrate", "--noinput", "-v", "0")  # this checkout's indexes
    else:
        print(f"Database {args.database_url}: creating, migrating…", flush=True)
        fresh_database(args.database_url)
        child(env, "manage.py", "migrate", "--noinput", "-v", "0")
        print(f"Seeding {args.proposals:,} proposals (seed {args.seed})…", flush=True)
        seed_env = {**env, "DEBUG": "1"}
        summary = json.loads(
            last_json_line(
                child(
                    seed_env,
                    "manage.py",
                    "seed_scale",
                    f"--proposals={args.proposals}",
                    f"--seed={args.seed}",
                    "--json",
                    capture=True,
                )
            )
        )
        summary_file.parent.mkdir(exist_ok=True)
        summary_file.write_text(json.dumps(summary))
        print(f"Seeded in {summary['seconds']:.0f} s.", flush=True)
        # Planner statistics and the visibility map (index-only scans), as autovacuum would
        # leave them soon after a bulk load.
        child(env, "-c", ANALYZE)
    targets = json.loads(
        last_json_line(
            child(
                env, "-m", "bench.bench", "--child=targets", capture=True, stdin=json.dumps(summary)
            )
        )
    )
    collect_static(env)
    print(f"Measuring {len(targets['pages'])} pages, {args.requests} requests each…", flush=True)
    with gunicorn(env, workers=args.workers) as base:
        results, errors = measure(base, targets, requests=args.requests, warmup=args.warmup)

    report_lines: list[str] = []
    if not args.skip_report:
        from bench import report_bench

        print(f"HRSA report {summary['report_period']}…", flush=True)
        figures = report_bench.run(args.database_url, summary["report_period"])
        report_lines = ["", report_bench.markdown(figures)]

    counts = summary.get("counts", {})
    lines = [
        f"### Benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {summary['proposals']:,} proposals",
        "",
        f"- Machine: {machine()}.",
        f"- Database: {database_version(env)}; gunicorn {args.workers} sync workers, DEBUG off, "
        f"loopback; commit {commit()}.",
        f"- Data (seed_scale --proposals {summary['proposals']} --seed {args.seed}): "
        f"{summary['proposals']:,} proposals, {summary['reviews']:,} reviews, "
        f"{summary['outcomes']:,} outcome records, {summary['users']:,} people"
        + (f"; {sum(counts.values()):,} rows in all" if counts else "")
        + ".",
        f"- Each page: {args.warmup} warm-up then {args.requests} timed requests by one client, "
        "interleaved with the floor view (config/floor.py) returning the same number of rows "
        "from the proposals table as JSON. Targets: p95 <= 150 ms and <= 3x the floor.",
        "",
        *page_table(results),
        *report_lines,
        "",
    ]
    report = "\n".join(lines)
    print(report)
    print(f"Total {time.perf_counter() - started:.0f} s.")
    for error in errors:
        print("ERROR", error)
    if args.write_docs:
        docs = ROOT / "docs" / "performance.md"
        with docs.open("a", encoding="utf-8") as fh:
            fh.write("\n" + report)
        print(f"Appended to {docs.relative_to(ROOT)}.")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
