"""``manage.py backup_create --output FILE``: every row and every uploaded file in one archive."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.backup import backup_create


class Command(BaseCommand):
    help = "Write a backup archive (.tar.gz) of the database and the uploaded files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Archive to write (default: northstar-backup-<UTC time>.tar.gz here).",
        )

    def handle(self, *args, **options):
        output = options["output"] or f"northstar-backup-{timezone.now():%Y%m%dT%H%M%SZ}.tar.gz"
        path = Path(output)
        if path.exists():
            raise CommandError(f"{path} exists; choose another --output (nothing is overwritten).")
        try:
            summary = backup_create(path)
        except ValidationError as exc:
            path.unlink(missing_ok=True)
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"Wrote {summary.path}: {summary.rows} rows, {summary.files} files, "
            f"{summary.size / 1024:.0f} KiB."
        )
