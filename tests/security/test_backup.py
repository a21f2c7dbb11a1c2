"""Backup and restore: a full export/import round trip restores an identical system.

The world is the demo data (every model the demo fills: people, calls, proposals with PDFs,
reviews, decisions, awards, outcomes, history) plus a few rows the demo does not make. The
proof is that Django's own dump of the restored database equals the dump taken before, row for
row and key for key, and that every uploaded file comes back byte for byte.
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts import backup
from accounts.models import User
from grants.models import Attachment
from tests.factories import make_submitted_proposal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    with override_settings(
        MEDIA_ROOT=root,
        DEBUG=True,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield root


@pytest.fixture
def demo(media):
    """The demo data: every model the demo fills (slow: only the full round trip uses it)."""
    call_command("seed_demo", verbosity=0)
    return media


@pytest.fixture
def small(media):
    """Two proposals with their PDFs: enough for the refusals."""
    make_submitted_proposal()
    make_submitted_proposal()
    return media


def dump() -> list[dict]:
    out = io.StringIO()
    backup._register_format()  # compare to the microsecond, as the backup keeps them
    call_command(
        "dumpdata",
        format=backup.DATA_FORMAT,
        exclude=list(backup.EXCLUDED),
        natural_foreign=True,
        stdout=out,
        verbosity=0,
    )
    return sorted(json.loads(out.getvalue()), key=lambda r: (r["model"], str(r.get("pk"))))


def files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def wipe(root: Path) -> None:
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(root)
    root.mkdir()


def test_restore_refuses_a_database_that_holds_data_and_replace_overwrites_it(small, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.backup_create(archive)
    before = dump()
    User.objects.create_user(username="made-after-the-backup", password="x" * 20)

    with pytest.raises(ValidationError, match="already holds data"):
        backup.backup_restore(archive)
    assert User.objects.filter(username="made-after-the-backup").exists()

    backup.backup_restore(archive, replace=True)
    assert dump() == before


def test_a_tampered_archive_is_refused_before_anything_changes(small, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    backup.backup_create(archive)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive, "r:gz") as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "data.json":
                data = data.replace(b"accounts.user", b"accounts.usex", 1)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    wipe(small)

    with pytest.raises(ValidationError, match="checksum"):
        backup.backup_restore(tampered)
    assert not User.objects.exists()
    assert files(small) == {}


def test_an_archive_writing_outside_the_storage_is_refused(media, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    manifest = {
        "format": backup.FORMAT,
        "rows": {},
        "data_sha256": hashlib.sha256(b"[]").hexdigest(),
        "files": {"../../outside.txt": hashlib.sha256(b"x").hexdigest()},
    }
    with tarfile.open(evil, "w:gz") as tar:
        for name, data in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("data.json", b"[]"),
            ("media/../../outside.txt", b"x"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    with pytest.raises(ValidationError, match="Unsafe file name"):
        backup.backup_restore(evil)
    assert not (tmp_path / "outside.txt").exists()


def test_a_file_that_is_not_a_backup_gets_a_clear_error(media, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all")

    with pytest.raises(CommandError, match="Cannot read junk.tar.gz"):
        call_command("backup_restore", str(junk))


def test_round_trip_through_the_commands_restores_every_row_and_every_file(demo, tmp_path):
    assert Attachment.objects.exists(), "the demo must hold uploaded files for this to prove much"
    before_rows, before_files = dump(), files(demo)
    archive = tmp_path / "nightly.tar.gz"
    out = io.StringIO()

    call_command("backup_create", output=str(archive), stdout=out)
    assert f"{len(before_files)} files" in out.getvalue()
    with pytest.raises(CommandError, match="exists"):
        call_command("backup_create", output=str(archive))
    wipe(demo)
    assert not User.objects.exists() and files(demo) == {}
    call_command("backup_restore", str(archive), stdout=io.StringIO())

    assert len(before_files) > 0
    assert dump() == before_rows
    assert files(demo) == before_files
    # The restored system keeps working: new rows get fresh keys (sequences were reset).
    User.objects.create_user(username="after-restore", password="a long enough password 42")
