"""``manage.py backup_restore FILE [--replace]``: bring back what backup_create wrote."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into this (migrated, empty) database and file storage. "
        "Checks every checksum first; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz written by backup_create.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty a database that already holds data before restoring (destroys it).",
        )

    def handle(self, *args, **options):
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            summary = backup_restore(path, replace=options["replace"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"Restored {summary.rows} rows and {summary.files} files from {path}.")
