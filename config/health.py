"""Liveness and readiness probes for the load balancer and the orchestrator.

``/healthz`` says only that the process answers (it touches nothing else: a database outage
must not get every web server restarted). ``/readyz`` says whether this server can do useful
work: the database answers, and so do the task broker and a shared cache when they are
configured. A failing check is named in the answer (503); why it failed is logged, not shown.

Both are answered by ``HealthCheckMiddleware``, near the top of MIDDLEWARE, instead of a URL
route: a load balancer probes over plain HTTP with the instance's own address as ``Host``, so
the probe must pass before the HTTPS redirect, the ALLOWED_HOSTS check (CommonMiddleware), the
session (no cookie, no session row) and the sign-in gates. They read nothing from the request.
"""

import logging
import socket
import ssl
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger("northstar.health")

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})
READY_PATHS = frozenset({"/readyz", "/readyz/"})
# Seconds a broker or cache may take to answer before the server is reported not ready.
PROBE_TIMEOUT = 2.0
# Caches that live inside the process (or on its own disk): nothing to reach.
LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


class CheckFailed(Exception):
    """A dependency did not answer as expected."""


def check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise CheckFailed(f"database {alias!r} answered SELECT 1 wrongly")


def _resp_command(*words: str) -> bytes:
    """A Redis command in the Redis serialisation protocol (RESP)."""
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def _read_line(stream) -> bytes:
    line = stream.readline(512)
    if not line.endswith(b"\r\n"):
        raise CheckFailed("the broker closed the connection")
    return line[:-2]


def check_broker(url: str, timeout: float = PROBE_TIMEOUT) -> None:
    """Redis (``redis://``, ``rediss://``): AUTH when the URL has a password, then PING must
    answer PONG. Any other broker: its port must accept a connection. No client library is
    needed, so the check works whatever the task queue installs."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    redis = scheme in {"redis", "rediss"}
    host = parts.hostname or "localhost"
    port = parts.port or {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671}.get(scheme)
    if port is None:
        raise CheckFailed(f"no port known for a {scheme!r} broker URL")
    with socket.create_connection((host, port), timeout=timeout) as raw:
        if not redis:
            return
        sock = raw
        if scheme == "rediss":
            context = ssl.create_default_context()
            cert_reqs = parse_qs(parts.query).get("ssl_cert_reqs", [""])[0].lower()
            if cert_reqs in {"none", "cert_none"}:  # the URL itself opts out of verification
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(raw, server_hostname=host)
        sock.settimeout(timeout)
        with sock.makefile("rb") as stream:
            if parts.password:
                user = [unquote(parts.username)] if parts.username else []
                sock.sendall(_resp_command("AUTH", *user, unquote(parts.password)))
                if _read_line(stream) != b"+OK":
                    raise CheckFailed("the broker refused the credentials")
            sock.sendall(_resp_command("PING"))
            reply = _read_line(stream)
        if reply != b"+PONG":
            raise CheckFailed(f"the broker answered PING with {reply[:40]!r}")


def check_cache(alias: str) -> None:
    cache = caches[alias]
    cache.set("northstar:readyz", "ok", timeout=30)
    if cache.get("northstar:readyz") != "ok":
        raise CheckFailed(f"cache {alias!r} did not keep a value")


def readiness_checks() -> dict[str, object]:
    """Name -> zero-argument callable, for what this configuration depends on."""
    checks: dict[str, object] = {}
    for alias in settings.DATABASES:
        name = "database" if alias == "default" else f"database:{alias}"
        checks[name] = lambda alias=alias: check_database(alias)
    broker = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if broker and not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        checks["queue"] = lambda: check_broker(broker)
    for alias, config in settings.CACHES.items():
        if config.get("BACKEND") not in LOCAL_CACHES:
            name = "cache" if alias == "default" else f"cache:{alias}"
            checks[name] = lambda alias=alias: check_cache(alias)
    return checks


def _probe_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def healthz(request) -> JsonResponse:
    return _probe_response({"status": "ok"})


def readyz(request) -> JsonResponse:
    results = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception:  # any failure of a dependency means "not ready", never a 500
            logger.warning("Readiness check %r failed.", name, exc_info=True)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result != "ok"]
    return _probe_response(
        {"status": "unavailable" if failing else "ok", "checks": results, "failing": failing},
        status=503 if failing else 200,
    )


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before anything else looks at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path in HEALTH_PATHS or path in READY_PATHS:
            if request.method not in {"GET", "HEAD"}:
                return HttpResponseNotAllowed(["GET", "HEAD"])
            return healthz(request) if path in HEALTH_PATHS else readyz(request)
        return self.get_response(request)
