"""The tasks through a real Redis broker and a real ``celery worker`` process, as production
runs them: the web side (this test process) queues, the worker (another process, the same
database and storage) sends the mail and builds the export.

Needs Redis on 127.0.0.1:6379 (NORTHSTAR_TEST_REDIS_URL to change it); without one the tests
are skipped, except in CI (CI=true), where that is a failure. Each run uses its own queue, so
workers of other runs never take these tasks."""

import email
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from openpyxl import load_workbook

from config.health import check_broker
from reporting.models import ExportJob
from reporting.services.exports import export_job_create
from tests.factories import make_submitted_proposal
from tests.reporting.support import simple_award
from tests.tasks.support import publishing_to

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("NORTHSTAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 45  # the worker's start (Django, Celery) plus the task, on a busy machine


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    """The test database, as the worker process must name it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    media_root: Path
    log: Path
    process: subprocess.Popen

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    try:
        check_broker(REDIS_URL)
    except Exception as exc:
        message = f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server."
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("worker")
    queue = f"northstar-test-{uuid.uuid4().hex[:12]}"
    found = Worker(
        queue=queue,
        mail_dir=base / "mail",
        media_root=base / "media",
        log=base / "worker.log",
        process=None,
    )
    found.mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.tasks.worker_settings",
        "NORTHSTAR_TESTING": "1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "NORTHSTAR_TEST_MAIL_DIR": str(found.mail_dir),
        "MEDIA_ROOT": str(found.media_root),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",  # its log, read when a test fails, is complete
    }
    with found.log.open("wb") as log:
        found.process = subprocess.Popen(  # noqa: S603 (our own worker, loopback broker)
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                f"--queues={queue}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
    try:
        with publishing_to(REDIS_URL, queue=queue):
            yield found
    finally:
        os.killpg(found.process.pid, signal.SIGTERM)
        try:
            found.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(found.process.pid, signal.SIGKILL)
            found.process.wait()
        _forget_queue(queue)


def _forget_queue(queue: str) -> None:
    """The run's queue and kombu's bindings of it leave Redis with the run."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)


def wait_for(worker: Worker, what: str, ready):
    """``ready()``'s first truthy answer, polled for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        answer = ready()
        if answer:
            return answer
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited ({worker.process.returncode}):\n{worker.log_tail()}")
        time.sleep(0.2)
    pytest.fail(f"No {what} after {WAIT_SECONDS} s. The worker's log:\n{worker.log_tail()}")


# Django's file backend ends each message with a line of 79 dashes: a file without it is still
# being written by the worker (reading it then found no To header, now and then).
MESSAGE_END = b"-" * 79 + b"\n"


def written_mail(mail_dir) -> list:
    files = sorted(mail_dir.iterdir())
    return files if files and all(f.read_bytes().endswith(MESSAGE_END) for f in files) else []


def test_submission_receipt_is_sent_by_the_worker(worker):
    proposal = make_submitted_proposal()  # committed: the receipt is queued on commit

    files = wait_for(worker, "mail", lambda: written_mail(worker.mail_dir))

    message = email.message_from_bytes(files[0].read_bytes())
    assert len(files) == 1
    assert message["To"] == proposal.pi.email
    assert message["Subject"].startswith("[Center of Excellence] Received: ")


def test_export_is_built_by_the_worker_and_stored(worker, settings):
    settings.MEDIA_ROOT = worker.media_root  # the storage the worker writes to
    _, admin = simple_award()

    job = export_job_create(actor=admin, period="2025-2026", fmt="xlsx")

    def finished():
        job.refresh_from_db()
        return job.finished

    wait_for(worker, "finished export", finished)
    with job.file.open("rb") as stored:
        workbook = load_workbook(io.BytesIO(stored.read()))
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    assert job.filename == "northstar-hrsa-2025-2026.xlsx"
    assert workbook.sheetnames[:2] == ["Program set-up", "Summary"]
    assert ExportJob.objects.get(pk=job.pk).file.name.startswith("exports/")
