"""``manage.py export_hrsa_report --period 2025-2026 --format xlsx --output report.xlsx``

Builds the report once and writes it in one format: the same tables the web page shows.
"""

import getpass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.hrsa.builder import build_report
from reporting.hrsa.exporters import EXPORTERS, exporter_for
from reporting.hrsa.periods import available_periods, parse_period
from reporting.services import report_export_record


class Command(BaseCommand):
    help = "Export the HRSA performance report for an academic year (July 1 - June 30)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="Academic year, e.g. 2025-2026.")
        parser.add_argument("--format", required=True, help=f"One of: {', '.join(EXPORTERS)}.")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--suppress",
            action="store_true",
            help="Small-cell suppression, for sharing beyond the funder.",
        )
        parser.add_argument(
            "--threshold", type=int, default=10, help="Suppress counts from 1 to N (default 10)."
        )

    def handle(self, *args, period, output, suppress, threshold, **options):
        fmt = options["format"]
        try:
            chosen = parse_period(period)
        except ValidationError as exc:
            raise CommandError(f"Bad --period {period!r}: {exc.messages[0]}") from exc
        known = [p.label for p in available_periods()]
        if chosen.label not in known:
            raise CommandError(f"No report for {chosen.label}: choose one of {', '.join(known)}.")
        if fmt not in EXPORTERS:
            raise CommandError(f"Bad --format {fmt!r}: choose one of {', '.join(EXPORTERS)}.")
        if threshold < 1:
            raise CommandError("--threshold must be at least 1.")
        target = Path(output)
        if not target.parent.exists():
            raise CommandError(f"The folder {target.parent} does not exist.")
        report = build_report(
            chosen,
            suppress=suppress,
            threshold=threshold,
            generated_by="manage.py export_hrsa_report",
        )
        exporter = exporter_for(fmt, report)
        target.write_bytes(exporter.render())
        report_export_record(
            report=report,
            fmt=fmt,
            note=f"manage.py export_hrsa_report to {target} (system user {_system_user()})",
        )
        failed = [c.rule for c in report.checks if c.status == "fail"]
        self.stdout.write(f"Wrote {target} ({chosen.label}, {fmt}).")
        if failed:
            self.stderr.write(f"Checks failed: {'; '.join(failed)}.")


def _system_user() -> str:
    """Who ran the command, as the operating system knows them (for the audit entry)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
