"""``make loadtest``: many reviewers saving and submitting reviews at once while the
administrator exports the HRSA workbook, against a real server on loopback.

What it does, all bounded (a request count per reviewer and a wall-clock cap):

1. creates a fresh database (PostgreSQL by default: ``northstar_load`` on the local server;
   any ``--database-url``), migrates it, loads the demo data and adds a call in review with
   ``--reviewers`` committee members, each assigned ``--per-reviewer`` proposals;
2. starts gunicorn with production settings (DEBUG off) on 127.0.0.1;
3. runs one thread per reviewer — certify no conflict, create the draft, save it
   ``--saves`` times (autosave), submit — through the REST API with each reviewer's token, while
   one administrator thread downloads the HRSA workbook in a loop until the reviewers are done;
4. checks afterwards, in the database, that every submitted review is there, submitted, with
   the text of its last save; and prints p50/p95/max per kind of request.

Exit status 0 only with zero errors and every review present. ``--write-docs`` appends the
figures to docs/reliability.md. Loopback only; nothing leaves the machine.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.server import (
    ROOT,
    child,
    fresh_database,
    gunicorn,
    last_json_line,
    percentile,
    production_env,
    timed_request,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/northstar_load"


# ---- Runs inside Django (a child process with the load-test environment) ---------------------


def build_world(reviewers: int, per_reviewer: int) -> dict:
    """The demo data plus a call in review whose committee has ``reviewers`` members, each
    assigned ``per_reviewer`` proposals and holding an API token."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from reviews import services as review_services
    from reviews.choices import ReviewPhase
    from tests import factories

    call_command("seed_demo", force=True, verbosity=0)
    call, proposals, admin = factories.make_call_in_review(proposals=reviewers * per_reviewer // 2)
    committee = factories.make_committee(admin=admin, members=reviewers, load_cap=per_reviewer)
    review_services.committee_attach_to_call(
        committee=committee,
        call=call,
        actor=admin,
        reviewers_per_proposal=2,
        review_due_at=timezone.now() + timedelta(days=14),
    )
    members = [m for m in committee.members.order_by("pk") if m.pk != committee.chair_id]
    assignments: dict[int, list[int]] = defaultdict(list)
    for i, proposal in enumerate(proposals):
        for k in (0, 1):
            reviewer = members[(2 * i + k) % len(members)]
            assignment = review_services.assignment_create(
                proposal=proposal, reviewer=reviewer, actor=committee.chair
            )
            assignments[reviewer.pk].append(assignment.pk)
    review_services.review_phase_transition(
        call=call, to=ReviewPhase.INDEPENDENT_REVIEW, actor=committee.chair
    )
    data = factories.complete_review_data(call)
    data["criteria"] = {str(k): v for k, v in data["criteria"].items()}
    return {
        "admin_token": Token.objects.get_or_create(user=admin)[0].key,
        "reviewers": [
            {
                "username": m.username,
                "token": Token.objects.get_or_create(user=m)[0].key,
                "assignments": assignments[m.pk],
            }
            for m in members
        ],
        "review": data,
    }


def verify(expected: dict) -> dict:
    """What the database holds after the run, for each assignment the run submitted."""
    import django

    django.setup()
    from reviews.models import Review

    reviews = Review.objects.filter(assignment_id__in=[int(k) for k in expected])
    found = {str(r.assignment_id): r for r in reviews}
    missing = [k for k in expected if k not in found]
    wrong = [
        k
        for k, text in expected.items()
        if k in found and (found[k].submitted_at is None or found[k].overall_paragraph != text)
    ]
    return {"checked": len(expected), "missing": missing, "wrong": wrong}


# ---- The driver -------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def request(self, base, kind, method, path, token, body=None, expect=(200, 201)):
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Token {token}"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            code, elapsed, payload = timed_request(
                base + path, method=method, headers=headers, data=data, timeout=120
            )
        except OSError as exc:
            payload, code, elapsed = str(exc).encode(), 0, time.perf_counter() - started
        with self.lock:
            self.times[kind].append(elapsed)
            if code not in expect:
                self.errors.append(f"{kind} {method} {path}: {code} {payload[:200]!r}")
        return code, payload


def reviewer_session(base, rec, reviewer, review, saves, submitted, deadline):
    token = reviewer["token"]
    rec.request(base, "queue", "GET", "/api/v1/assignments/", token)
    for assignment in reviewer["assignments"]:
        if time.monotonic() > deadline:
            return
        rec.request(base, "certify", "POST", f"/api/v1/assignments/{assignment}/certify/", token)
        code, payload = rec.request(
            base, "create draft", "POST", "/api/v1/reviews/", token, {"assignment": assignment}
        )
        if code not in (200, 201):
            continue
        review_id = json.loads(payload)["id"]
        text = ""
        for n in range(saves):
            text = f"Save {n + 1} of {reviewer['username']} on assignment {assignment}."
            body = dict(review, overall_paragraph=text)
            rec.request(base, "save draft", "PATCH", f"/api/v1/reviews/{review_id}/", token, body)
        code, _ = rec.request(base, "submit", "POST", f"/api/v1/reviews/{review_id}/submit/", token)
        if code == 200:
            with rec.lock:
                submitted[str(assignment)] = text


def admin_exports(base, rec, token, period, stop):
    while not stop.is_set():
        rec.request(
            base,
            "HRSA xlsx export",
            "GET",
            f"/api/v1/reports/hrsa/?period={period}&format=xlsx",
            token,
        )


def academic_year(today) -> str:
    """The previous academic year (July–June): the demo's decided call reports there."""
    start = today.year - 1 if today.month >= 7 else today.year - 2
    return f"{start}-{start + 1}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--per-reviewer", type=int, default=2, help="assignments each")
    parser.add_argument("--saves", type=int, default=3, help="draft saves before submitting")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--database-url", default=os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DB)
    )
    parser.add_argument("--max-seconds", type=int, default=300, help="wall-clock cap of the load")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--child", choices=["world", "verify"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "world":
        print(json.dumps(build_world(args.reviewers, args.per_reviewer)))
        return 0
    if args.child == "verify":
        print(json.dumps(verify(json.loads(sys.stdin.read()))))
        return 0

    media = Path(tempfile.mkdtemp(prefix="northstar-load-"))
    env = production_env(args.database_url, media)
    print(f"Database {args.database_url}: creating, migrating, seeding…", flush=True)
    fresh_database(args.database_url)
    child(env, "manage.py", "migrate", "--noinput", "-v", "0")
    world = json.loads(
        last_json_line(
            child(
                env,
                "-m",
                "bench.loadtest",
                "--child=world",
                f"--reviewers={args.reviewers}",
                f"--per-reviewer={args.per_reviewer}",
                capture=True,
            )
        )
    )
    with gunicorn(env, workers=args.workers) as base:
        rec, submitted, stop = Recorder(), {}, threading.Event()
        deadline = time.monotonic() + args.max_seconds
        period = academic_year(datetime.now(UTC).date())
        exporter = threading.Thread(
            target=admin_exports, args=(base, rec, world["admin_token"], period, stop)
        )
        threads = [
            threading.Thread(
                target=reviewer_session,
                args=(base, rec, r, world["review"], args.saves, submitted, deadline),
            )
            for r in world["reviewers"]
        ]
        started = time.perf_counter()
        exporter.start()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        exporter.join()
        wall = time.perf_counter() - started

    result = json.loads(
        last_json_line(
            child(
                env,
                "-m",
                "bench.loadtest",
                "--child=verify",
                capture=True,
                stdin=json.dumps(submitted),
            )
        )
    )
    shutil.rmtree(media, ignore_errors=True)
    expected_reviews = sum(len(r["assignments"]) for r in world["reviewers"])
    total = sum(len(v) for v in rec.times.values())
    lines = [
        f"### Load test, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Machine: {os.cpu_count()} cores; database: "
        f"{'PostgreSQL' if args.database_url.startswith('postgres') else 'SQLite'}; "
        f"gunicorn with {args.workers} sync workers, DEBUG off; loopback.",
        f"- Load: {len(world['reviewers'])} reviewers at once, {args.per_reviewer} assignments "
        f"each, {args.saves} draft saves then submit per review; one administrator exporting "
        f"the {period} HRSA workbook in a loop meanwhile.",
        f"- {total} requests in {wall:.1f} s ({total / wall:.1f} requests/s); "
        f"**{len(rec.errors)} errors**.",
        f"- Reviews submitted: {len(submitted)} of {expected_reviews}; found afterwards in the "
        f"database, submitted, with their last save's text: "
        f"{result['checked'] - len(result['missing']) - len(result['wrong'])} of "
        f"{result['checked']} (missing {len(result['missing'])}, wrong {len(result['wrong'])}).",
        "",
        "| request | count | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, values in sorted(rec.times.items()):
        lines.append(
            f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.0f} | "
            f"{percentile(values, 95) * 1000:.0f} | {max(values) * 1000:.0f} |"
        )
    lines.append("")
    report = "\n".join(lines)
    print(report)
    for error in rec.errors[:20]:
        print("ERROR", error)
    if args.write_docs:
        docs = ROOT / "docs" / "reliability.md"
        with docs.open("a", encoding="utf-8") as fh:
            fh.write("\n" + report)
        print(f"Appended to {docs.relative_to(ROOT)}.")
    ok = (
        not rec.errors
        and len(submitted) == expected_reviews
        and not result["missing"]
        and not result["wrong"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
