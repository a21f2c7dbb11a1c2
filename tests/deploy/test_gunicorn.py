"""gunicorn.conf.py: its values from the environment, and a real gunicorn serving the probes with
production settings on loopback, its logs in JSON lines."""

import http.client
import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from tests.security.subprocess_support import BASE_DIR, CLEARED

from .support import free_port

CONF = BASE_DIR / "gunicorn.conf.py"
# What a developer's shell may have set that this file or the settings read.
GUNICORN_VARS = {
    "BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "FORWARDED_ALLOW_IPS",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "ACCESS_LOG",
    "STORAGE_BACKEND",
    "STATIC_ROOT",
    "GUNICORN_CMD_ARGS",
}


def conf(monkeypatch, **env: str) -> dict:
    """The settings gunicorn reads from gunicorn.conf.py under ``env``."""
    for name in GUNICORN_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_workers_follow_the_cores_unless_web_concurrency_says(monkeypatch):
    cores = len(os.sched_getaffinity(0))

    assert conf(monkeypatch)["workers"] == 2 * cores + 1
    assert conf(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_bind_defaults_to_loopback_and_follows_bind_or_port(monkeypatch):
    assert conf(monkeypatch)["bind"] == ["127.0.0.1:8000"]
    assert conf(monkeypatch, PORT="9000")["bind"] == ["0.0.0.0:9000"]
    assert conf(monkeypatch, PORT="9000", BIND="unix:/run/northstar.sock")["bind"] == [
        "unix:/run/northstar.sock"
    ]


def test_timeouts_proxies_and_access_log_come_from_the_environment(monkeypatch):
    defaults = conf(monkeypatch)
    chosen = conf(monkeypatch, GUNICORN_TIMEOUT="120", FORWARDED_ALLOW_IPS="*", ACCESS_LOG="0")

    assert (defaults["timeout"], defaults["forwarded_allow_ips"], defaults["accesslog"]) == (
        60,
        "127.0.0.1,::1",
        "-",
    )
    assert (chosen["timeout"], chosen["forwarded_allow_ips"], chosen["accesslog"]) == (
        120,
        "*",
        None,
    )


# ---- A real server ---------------------------------------------------------------------------


@contextmanager
def gunicorn(tmp_path: Path, **env: str):
    """gunicorn started as the deployment guide says, with production settings (DEBUG off) on a
    free loopback port; yields (port, logs): its stdout and stderr, filled in once it has
    stopped. The requests that wait for it to start carry the request id ``startup``."""
    port = free_port()
    (tmp_path / "static").mkdir(exist_ok=True)
    environment = {
        k: v for k, v in os.environ.items() if k not in CLEARED and k not in GUNICORN_VARS
    }
    environment.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "grants.example.edu",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "STATIC_ROOT": str(tmp_path / "static"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            "LOG_FORMAT": "json",
            **env,
        }
    )
    program = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 (our own server, loopback)
        [program, "config.wsgi", "-c", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    logs: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(port, "/healthz", **{"X-Request-ID": "startup"})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer: {server.communicate()}") from None
                time.sleep(0.2)
        yield port, logs
    finally:
        server.terminate()
        logs["stdout"], logs["stderr"] = server.communicate(timeout=60)


def json_lines(text: str) -> list[dict]:
    """Each line parsed as JSON (any line that is not fails the test)."""
    return [json.loads(line) for line in text.splitlines()]


def get(port: int, path: str, **headers: str):
    """(status, headers, body) of a plain-HTTP GET, without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_gunicorn_serves_the_probes_and_writes_json_access_lines(tmp_path):
    with gunicorn(tmp_path) as (port, logs):
        health = get(port, "/healthz", **{"X-Request-ID": "probe-1"})
        ready = get(port, "/readyz")
        page = get(port, "/accounts/login/", Host="grants.example.edu")

    assert (health[0], json.loads(health[2])) == (200, {"status": "ok"})
    assert health[1]["X-Request-ID"] == "probe-1"
    assert (ready[0], json.loads(ready[2])["checks"]) == (200, {"database": "ok"})
    assert (page[0], page[1]["Location"]) == (301, "https://grants.example.edu/accounts/login/")
    access = [
        line
        for line in json_lines(logs["stdout"])
        if line["logger"] == "gunicorn.access" and line["request_id"] != "startup"
    ]
    assert [(line["message"], line["request_id"]) for line in access] == [
        ("GET /healthz 200", "probe-1"),
        ("GET /readyz 200", ready[1]["X-Request-ID"]),
        ("GET /accounts/login/ 301", page[1]["X-Request-ID"]),
    ]
    assert {k: access[0]["http"][k] for k in ("method", "path", "status", "bytes")} == {
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "bytes": len(health[2]),
    }
    assert {line["logger"] for line in json_lines(logs["stderr"])} == {"gunicorn.error"}


def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached(tmp_path):
    closed = free_port()
    database = f"postgres://northstar@127.0.0.1:{closed}/northstar"

    with gunicorn(tmp_path, DATABASE_URL=database) as (port, logs):
        health = get(port, "/healthz")
        ready = get(port, "/readyz", **{"X-Request-ID": "probe-db"})

    assert health[0] == 200
    assert ready[0] == 503
    assert json.loads(ready[2]) == {
        "status": "unavailable",
        "checks": {"database": "unavailable"},
        "failing": ["database"],
    }
    warnings = [line for line in json_lines(logs["stderr"]) if line["logger"] == "northstar.health"]
    assert [(w["level"], w["message"], w["request_id"]) for w in warnings] == [
        ("WARNING", "Readiness check 'database' failed.", "probe-db")
    ]
    assert "OperationalError" in warnings[0]["exception"]


def test_plain_access_lines_end_with_the_request_id(tmp_path):
    with gunicorn(tmp_path, LOG_FORMAT="plain") as (port, logs):
        get(port, "/healthz", **{"X-Request-ID": "probe-plain"})

    lines = [line for line in logs["stdout"].splitlines() if "probe-plain" in line]
    assert len(lines) == 1
    assert re.fullmatch(
        r'127\.0\.0\.1 - - \[.+\] "GET /healthz HTTP/1\.1" 200 16 "-" "-" probe-plain', lines[0]
    )
