"""What the benchmark and the load test share: a fresh database, a child ``manage.py``, the
production-mode environment and a gunicorn server on loopback, and percentiles."""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> None:
    """Drop and create the database ``url`` names (a SQLite file is deleted)."""
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def production_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off) on plain-HTTP loopback, with a throwaway secret key;
    static files are collected beside the media folder (``collect_static``)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DB_CONN_MAX_AGE": "60",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(media_root.parent / f"{media_root.name}-static"),
        "SECURE_SSL_REDIRECT": "0",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def child(env: dict, *args: str, capture: bool = False, stdin: str | None = None) -> str:
    """Run ``python *args`` in the project directory; its stdout when ``capture``."""
    result = subprocess.run(  # noqa: S603 (our own scripts)
        [PYTHON, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
        input=stdin,
    )
    return result.stdout if capture else ""


def collect_static(env: dict) -> None:
    """Production pages name hashed static files from the manifest collectstatic writes."""
    child(env, "manage.py", "collectstatic", "--noinput", "-v", "0")


def last_json_line(output: str) -> str:
    return output.strip().splitlines()[-1]


@contextmanager
def gunicorn(env: dict, *, workers: int, ready_path: str = "/healthz"):
    """gunicorn serving config.wsgi on a free loopback port; yields the base URL once the
    server answers, and stops it afterwards."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    program = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 (our own server, loopback)
        [
            program,
            "config.wsgi",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=300",
            "--log-level=warning",
            "--access-logfile=/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + ready_path, timeout=2)  # noqa: S310 (loopback)
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer (401 here): the server is up
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("gunicorn exited before it answered") from None
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def timed_request(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 300,
) -> tuple[int, float, bytes]:
    """(status, seconds, body) of one request; an HTTP error status is an answer, not an
    exception (a refused connection still raises OSError)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
            body, code = response.read(), response.status
    except urllib.error.HTTPError as exc:
        body, code = exc.read(), exc.code
    return code, time.perf_counter() - started, body


def percentile(values, p: float) -> float:
    """Nearest-rank percentile of ``values`` (p in 0–100)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def drop_database(url: str) -> None:
    """Drop the database ``url`` names (a SQLite file is deleted), when done with it."""
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def celery_worker(env: dict, *, log_path: Path, queue: str, concurrency: int = 1):
    """``celery -A config worker`` (prefork, as in production, so task time limits apply)
    consuming ``queue``, its output in ``log_path``; yields the process once it says it is
    ready, and stops its whole process group afterwards (the pool's children too)."""
    program = shutil.which("celery", path=str(Path(PYTHON).parent)) or "celery"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 (our own worker, loopback broker)
            [
                program,
                "-A",
                "config",
                "worker",
                f"--queues={queue}",
                f"--concurrency={concurrency}",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while b" ready." not in log_path.read_bytes():
            if worker.poll() is not None:
                raise RuntimeError(f"the Celery worker exited ({worker.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError("the Celery worker did not say it was ready within 90 s")
            time.sleep(0.2)
        yield worker
    finally:
        stop_group(worker)


def stop_group(process: subprocess.Popen, timeout: float = 30) -> None:
    """Stop the process group ``process`` leads (started with start_new_session=True): SIGTERM
    (a Celery worker finishes its task), then, after the leader exits or ``timeout`` seconds,
    SIGKILL to whatever of the group is left."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
