"""Log records that a log shipper can read, each tied to the request that caused it.

The request id lives in a context variable set by ``config.middleware.RequestIdMiddleware`` for
the duration of one request (each thread or task has its own), so any logger anywhere in the
code carries it without being passed the request. Stdlib only: gunicorn's master process loads
this before Django is set up (gunicorn.conf.py).
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

# "-" outside a request (management commands, start-up, the gunicorn master).
NO_REQUEST = "-"
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "northstar_request_id", default=NO_REQUEST
)

# An id from the load balancer or the client is kept only when it is short and made of
# characters that cannot break a log line or a header (no spaces, quotes or control bytes);
# UUIDs, hex and base64 ids and AWS trace ids ("Root=1-...") pass.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")


def clean_request_id(value: str | None) -> str:
    """``value`` when it is a safe request id, else a freshly generated one."""
    if value and REQUEST_ID_PATTERN.fullmatch(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``record.request_id``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, request_id,
    the exception's traceback when there is one, and an ``http`` object when the record has one
    (gunicorn's access log)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            entry["http"] = http
        return json.dumps(entry, ensure_ascii=False, default=str)
