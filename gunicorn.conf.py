"""gunicorn settings for Northstar, all from the environment (docs/deployment.md lists them).

    gunicorn config.wsgi -c gunicorn.conf.py

gunicorn also reads this file by itself when started from this folder. Command-line options
override it. Nothing here is kept between requests or between workers: any number of servers
can run behind the load balancer.
"""

import os
import sys
from pathlib import Path

# The JSON formatter lives in the project; the master process loads this file before the app.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gunicorn import glogging  # noqa: E402

from config.logging import JsonFormatter  # noqa: E402


def _cores() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
proc_name = "northstar"

# BIND wins; PORT alone means every interface on that port (the platform convention gunicorn
# itself follows); neither: loopback, for a reverse proxy on the same machine.
if os.environ.get("BIND"):
    bind = [address.strip() for address in os.environ["BIND"].split(",") if address.strip()]
elif os.environ.get("PORT"):
    bind = [f"0.0.0.0:{os.environ['PORT']}"]
else:
    bind = ["127.0.0.1:8000"]

# Sync workers: requests are short, and the slow ones (PDF and workbook exports) are CPU-bound.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
# A request still running after this many seconds is killed (its worker is replaced).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Worker heartbeats in memory, not on a container's overlay disk (a folder only gunicorn's
# own unlinked files use, so its being shared is no risk).
if os.path.isdir("/dev/shm"):  # noqa: S108
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# No runtime control socket (gunicorn 25+): it lets whoever reaches it change the workers, and
# servers sharing a home folder would fight over its one default path. Scale by servers.
control_socket_disable = True

# Which proxies may set X-Forwarded-Proto / X-Forwarded-For for gunicorn (comma-separated
# addresses, or * when only the load balancer can reach this server).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain").strip().lower()
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
errorlog = "-"  # stderr
# The access log goes to stdout; ACCESS_LOG=0 turns it off (the proxy may keep its own).
ACCESS_LOG_OFF = os.environ.get("ACCESS_LOG", "1").strip().lower() in {"0", "false", "no", "off"}
accesslog = None if ACCESS_LOG_OFF else "-"
# Plain format: Apache's combined log plus the request id the application answered with.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)


class NorthstarLogger(glogging.Logger):
    """gunicorn's logger; with LOG_FORMAT=json its lines are the application's JSON lines,
    and each access line carries the request's method, path, status, size, duration and id.
    The query string is left out: it can hold search terms about people."""

    def setup(self, cfg):
        super().setup(cfg)
        if LOG_FORMAT == "json":
            for handler in self.error_log.handlers + self.access_log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if LOG_FORMAT != "json":
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        headers = {name.lower(): value for name, value in resp.headers}
        status = resp.status
        status = int(status.split(None, 1)[0]) if isinstance(status, str) else int(status)
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "-")
        http = {
            "method": method,
            "path": path,
            "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", "-"),
        }
        try:
            self.access_log.info(
                "%s %s %s",
                method,
                path,
                status,
                extra={"http": http, "request_id": headers.get("x-request-id", "-")},
            )
        except Exception:
            self.exception("Could not write the access log line.")
        return None


logger_class = NorthstarLogger
