"""``manage.py seed_demo``: one program, seven calls, ~40 proposals, a year of awards and
outcomes to click through and to report on, two earlier rounds whose awards have ended, and two
two-stage calls with their letters of intent (one in triage, one open to the invited).

The content is data, demo/data/demo.toml (people, calls, proposals, the decided calls' awards,
inclusion enrollment and outcomes); demo/loader.py writes it through the apps' services. This command guards (DEBUG
only), keeps the demo's mail out of the console, and reports what it loaded.
"""

import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from demo.content import load_demo
from demo.loader import DemoLoader
from grants.choices import AwardStatus, LetterStatus, ProposalStatus
from grants.models import Award, FundingCall, Program
from reporting.choices import ProgressReportStatus
from reporting.models import ProgressReport

DEMO = load_demo()
PASSWORD = DEMO.password
PROGRAM_NAME = DEMO.program["name"]
OPEN_CALL_TITLE = DEMO.calls["open"].title
REVIEW_CALL_TITLE = DEMO.calls["review"].title


def letters_summary(call: FundingCall) -> str:
    """'; 7 letters: 2 invited, ...' for a two-stage call ('' otherwise)."""
    if not call.letter_of_intent:
        return ""
    counts = Counter(call.letters.values_list("status", flat=True))
    words = {LetterStatus.SUBMITTED: "awaiting triage"}
    by_status = ", ".join(
        f"{counts[status]} {words.get(status, status.label.lower())}"
        for status in LetterStatus
        if counts[status]
    )
    total = sum(counts.values())
    return f"; {total} letter{'s' if total != 1 else ''} of intent: {by_status}"


class Command(BaseCommand):
    help = (
        "Load demo data (demo/data/demo.toml): a program, an open call, a call in review, "
        "last year's decided call with its awards, enrollment and outcomes, two earlier rounds "
        "whose awards have ended, two two-stage calls (letters in triage; open to the invited),"
        f" demo accounts (password {PASSWORD!r}) and ~40 proposals. "
        "Idempotent. Runs only with DEBUG on unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Never do this on a production database.",
        )
        parser.add_argument(
            "--send-mail",
            action="store_true",
            help="Send the e-mails the services queue (receipts, invitations, endorsement "
            "requests) through EMAIL_BACKEND. By default the demo's mail is discarded.",
        )

    def handle(self, *args, force: bool = False, send_mail: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password, so it runs only when "
                "DEBUG is on (DEBUG=1). To load demo data anyway, e.g. on a staging server, "
                "pass --force. Never do that on a production database."
            )
        started = time.monotonic()
        loader = DemoLoader(now=timezone.now(), demo=DEMO)
        # Seeding queues ~50 receipts and invitations to invented people; keep them out of the
        # console (or a real mail server) unless asked.
        backend = (
            settings.EMAIL_BACKEND if send_mail else "django.core.mail.backends.dummy.EmailBackend"
        )
        with override_settings(EMAIL_BACKEND=backend), transaction.atomic():
            loader.run()
        self.report(loader, time.monotonic() - started)

    def report(self, loader: DemoLoader, seconds: float) -> None:
        write = self.stdout.write
        created, clock = loader.created, loader.clock
        if sum(created.values()):
            write(
                self.style.SUCCESS(
                    f"Demo data loaded in {seconds:.1f}s: {created['users']} users, "
                    f"{created['programs']} program, {created['calls']} calls, "
                    f"{created['proposals']} proposals, {created['awards']} awards, "
                    f"{created['enrollment']} enrollment tables, {created['outcomes']} outcomes."
                )
            )
        else:
            write(self.style.SUCCESS("Demo data already present; nothing to create."))
        for note in loader.notes:
            write(note)
        program = Program.objects.filter(name=PROGRAM_NAME).first()
        for call in FundingCall.objects.filter(program=program).order_by("closes_at"):
            counts = Counter(call.proposals.values_list("status", flat=True))
            summary = ", ".join(
                f"{n} {ProposalStatus(status).label.lower()}"
                for status, n in sorted(counts.items())
            )
            closes = timezone.localtime(call.closes_at, clock.zone)
            write(
                f"  {call.title} [{call.get_status_display()}, closes "
                f"{closes:%b %-d, %Y %-I:%M %p %Z}]: {summary or 'no proposals'}"
                f"{letters_summary(call)}"
            )
        awards = Award.objects.filter(call__program=program)
        if awards.exists():
            statuses = Counter(awards.values_list("status", flat=True))
            reports = ProgressReport.objects.filter(award__in=awards)
            overdue = reports.filter(
                status=ProgressReportStatus.DUE, due_date__lt=clock.today
            ).count()
            by_status = ", ".join(
                f"{n} {AwardStatus(status).label.lower()}" for status, n in sorted(statuses.items())
            )
            submitted = reports.filter(status=ProgressReportStatus.SUBMITTED).count()
            write(
                f"  Awards: {by_status}; progress reports: {submitted} submitted, "
                f"{overdue} overdue."
            )
            write(
                f"  HRSA report (admin): /reports/hrsa/ for {clock.current.label} and "
                f"{clock.previous.label}, or manage.py export_hrsa_report --period "
                f"{clock.previous.label} --format xlsx --output report.xlsx"
            )
            write(
                "  Inclusion enrollment (admin): /program/enrollment/, and each award's "
                "Inclusion enrollment page (its PI); pilot outcomes (admin): /reports/dashboard/"
            )
        write("")
        write(f"Demo logins (password: {PASSWORD}):")
        for spec in DEMO.people:
            user = loader.users.get(spec.username)
            name = user.display_name if user else f"{spec.first_name} {spec.last_name}"
            write(f"  {spec.username:<12} {name:<22} {spec.about}")
        if loader.existing and sum(created.values()):
            write(f"  (already existed, left unchanged: {', '.join(loader.existing)})")
