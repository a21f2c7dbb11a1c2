"""``manage.py seed_scale --proposals N``: the large data set the benchmarks run on
(demo.scale does the work; this command only parses, guards and reports)."""

import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.scale import ACCOUNTS, DEFAULT_PASSWORD, MIN_PROPOSALS, SeedRefused, seed_scale


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today takes a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Fill an empty database with N proposals and everything around them (people, calls, "
        "reviews, decisions, awards, progress reports, outcomes), reproducibly from --seed. "
        "Runs only with DEBUG on unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--proposals", type=int, required=True, help=f"N (at least {MIN_PROPOSALS})"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"every account's password (default {DEFAULT_PASSWORD!r})",
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="the day the data is seeded as of, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON summary line"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Never do this on a production database.",
        )

    def handle(self, *args, proposals, seed, password, today, as_json, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_scale creates accounts with a published password, so it runs only when "
                "DEBUG is on (DEBUG=1). To seed a benchmark database with DEBUG off, pass "
                "--force. Never do that on a production database."
            )
        verbose = options["verbosity"] > 1 and not as_json
        try:
            summary = seed_scale(
                proposals=proposals,
                seed=seed,
                password=password,
                today=today or timezone.localdate(),
                progress=self.stdout.write if verbose else None,
            )
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(summary.as_json()))
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {summary.seconds:.1f}s: {summary.proposals:,} proposals, "
                f"{summary.reviews:,} reviews, {summary.outcomes:,} outcomes, "
                f"{summary.users:,} people ({sum(summary.counts.values()):,} rows)."
            )
        )
        for label, rows in summary.counts.items():
            self.stdout.write(f"  {label:<36} {rows:>10,}")
        self.stdout.write(
            f"Ranking call {summary.ranking_call_id}, call in review {summary.review_call_id}, "
            f"open call {summary.open_call_id}; HRSA report period {summary.report_period}."
        )
        names = ", ".join(ACCOUNTS.values())
        self.stdout.write(f"Accounts ({names}): password {summary.password!r}.")
