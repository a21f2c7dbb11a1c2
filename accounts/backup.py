"""A whole Northstar in one file: every row of every model, and every uploaded file.

``manage.py backup_create`` writes a gzipped tar archive holding ``manifest.json`` (format,
when, the Django apps and row counts, and a SHA-256 of every part), ``data.json`` (Django's
``dumpdata`` of everything but what Django rebuilds itself: content types, permissions and
sessions) and ``media/<name>`` for each file a ``FileField`` refers to, read through the
storage API so it works the same on the local disk or an object store.
``manage.py backup_restore`` checks every checksum before touching anything, then loads the
rows and writes the files in one transaction, into an empty database (or, with ``--replace``,
over the current one). The database engine may differ between the two ends (SQLite to
PostgreSQL and back): the archive is engine-neutral. See docs/security.md and
docs/deployment.md for the native ``pg_dump`` alternative on large installations.

This module is deliberately in ``accounts``, the lowest app: it reads the model registry, not
any app's code, so every app is included without importing one.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core import management, serializers
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.utils import timezone

from .audit import audit_suspended

FORMAT = "northstar-backup/1"
# What Django rebuilds by itself (migrate creates content types and permissions) or what must
# not survive a restore (sessions: everyone signs in again).
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
CHUNK = 1024 * 1024
# Django's JSON, but datetimes to the microsecond (the stock encoder keeps milliseconds).
DATA_FORMAT = "nsjson"


def _register_format() -> None:
    if DATA_FORMAT not in serializers.get_serializer_formats():
        serializers.register_serializer(DATA_FORMAT, "accounts.backup_format")


@dataclass
class BackupSummary:
    path: Path
    rows: int
    files: int
    size: int


def _file_names() -> list[str]:
    """Every stored file any row refers to, through the models' FileFields (not a directory
    listing: the storage may be an object store, and stray files are not part of the system)."""
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for field in fields:
            values = model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
            names.update(v for v in values.iterator() if v)
    return sorted(names)


def _sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup_create(output: Path) -> BackupSummary:
    """Write the archive to ``output``. Rows are dumped in one read transaction so the data is
    one consistent moment even while the system serves requests."""
    output = Path(output)
    _register_format()
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / "data.json"
        with transaction.atomic():
            management.call_command(
                "dumpdata",
                format=DATA_FORMAT,
                exclude=list(EXCLUDED),
                natural_foreign=True,
                output=str(data_path),
                verbosity=0,
            )
            names = _file_names()
        rows = json.loads(data_path.read_text(encoding="utf-8"))
        counts = Counter(row["model"] for row in rows)
        with data_path.open("rb") as fh:
            data_sha = _sha256_of(fh)
        files = {}
        with tarfile.open(output, "w:gz") as tar:
            tar.add(data_path, arcname="data.json")
            for name in names:
                if not default_storage.exists(name):
                    raise ValidationError(f"The stored file {name!r} is missing; back up refused.")
                with default_storage.open(name, "rb") as fh:
                    files[name] = _sha256_of(fh)
                    size = fh.size
                    fh.seek(0)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = size
                    info.mtime = int(timezone.now().timestamp())
                    tar.addfile(info, fh)
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "database_engine": connection.vendor,
                "rows": dict(sorted(counts.items())),
                "data_sha256": data_sha,
                "files": files,
            }
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    return BackupSummary(path=output, rows=len(rows), files=len(files), size=output.stat().st_size)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember("manifest.json")
    except KeyError:
        raise ValidationError("This is not a Northstar backup: it has no manifest.json.") from None
    manifest = json.load(tar.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise ValidationError(
            f"Unknown backup format {manifest.get('format')!r}; expected {FORMAT}."
        )
    return manifest


def _safe_member(tar: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    """The archive member for a stored file name; names come from our manifest, but a
    tampered archive must not write outside the storage (no absolute paths, no ``..``)."""
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        raise ValidationError(f"Unsafe file name in the backup: {name!r}.")
    member = tar.getmember(f"media/{name}")
    if not member.isfile():
        raise ValidationError(f"{name!r} in the backup is not a regular file.")
    return member


def database_is_empty() -> bool:
    user_model = apps.get_model("accounts", "User")
    return not user_model.objects.exists()


def backup_restore(archive: Path, *, replace: bool = False) -> BackupSummary:
    """Restore ``archive``. Verifies every checksum first; refuses a database that already
    holds people unless ``replace`` (which empties it first). All or nothing: a failure while
    loading leaves the database as it was (files written so far are removed)."""
    archive = Path(archive)
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise ValidationError(f"Cannot read {archive.name}: {exc}") from None
    _register_format()
    with tar, tempfile.TemporaryDirectory() as tmp:
        manifest = _read_manifest(tar)
        data_path = Path(tmp) / f"data.{DATA_FORMAT}"  # loaddata reads the format off the name
        try:
            data_member = tar.getmember("data.json")
        except KeyError:
            raise ValidationError("The backup has no data.json.") from None
        with tar.extractfile(data_member) as src, data_path.open("wb") as dst:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                dst.write(chunk)
        with data_path.open("rb") as fh:
            if _sha256_of(fh) != manifest["data_sha256"]:
                raise ValidationError("data.json does not match its checksum; nothing restored.")
        for name, sha in manifest["files"].items():
            if _sha256_of(tar.extractfile(_safe_member(tar, name))) != sha:
                raise ValidationError(f"{name} does not match its checksum; nothing restored.")

        if not replace and not database_is_empty():
            raise ValidationError(
                "The database already holds data; restore into an empty database "
                "(after `manage.py migrate`) or pass --replace to overwrite it."
            )
        written: list[str] = []
        try:
            with transaction.atomic(), audit_suspended():
                if replace:
                    management.call_command("flush", interactive=False, verbosity=0)
                management.call_command("loaddata", str(data_path), verbosity=0)
                for name in manifest["files"]:
                    content = tar.extractfile(_safe_member(tar, name)).read()
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    saved = default_storage.save(name, ContentFile(content))
                    if saved != name:  # the storage renamed it: the rows would point nowhere
                        default_storage.delete(saved)
                        raise ValidationError(f"The storage refused the name {name!r}.")
                    written.append(name)
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    rows = sum(manifest["rows"].values())
    return BackupSummary(path=archive, rows=rows, files=len(written), size=archive.stat().st_size)
