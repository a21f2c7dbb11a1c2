"""``manage.py send_reminders``: safe to run daily from cron.

Schedules every award's progress reports, then mails "due soon" (14 days before) and
"overdue" reminders — never the same reminder twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reporting.services import reminders_send


class Command(BaseCommand):
    help = "E-mail progress report reminders (each at most once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError(f"Bad --today {today!r}: use YYYY-MM-DD.") from exc
        run = reminders_send(today=day)
        self.stdout.write(
            f"Sent {len(run.due_soon)} due-soon and {len(run.overdue)} overdue reminders."
        )
