"""Request ids: taken from the load balancer when safe, made up otherwise, returned on the
response and carried by every log line written while the request runs."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from config.logging import JsonFormatter, RequestIdFilter, request_id_var

from .support import free_port

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log():
    """The root logger also writes JSON lines to a buffer, as LOG_FORMAT=json configures it."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)


def test_a_request_without_an_id_gets_a_new_one():
    first = Client().get("/healthz")["X-Request-ID"]
    second = Client().get("/accounts/login/")["X-Request-ID"]

    assert GENERATED.fullmatch(first)
    assert GENERATED.fullmatch(second)
    assert first != second


def test_a_safe_incoming_id_is_returned_as_it_came():
    ids = ["lb-7f3a9c", "Root=1-67891233-abcdef012345678912345678", "a" * 128]

    answered = [Client().get("/healthz", HTTP_X_REQUEST_ID=i)["X-Request-ID"] for i in ids]

    assert answered == ids


@pytest.mark.parametrize(
    "junk",
    [
        "has spaces",
        "a" * 129,
        "<script>alert(1)</script>",
        'quote"d',
        "new\\nline",
        "-starts-with-a-dash",
        "caf\u00e9",
        "",
    ],
)
def test_a_junk_incoming_id_is_replaced(junk):
    answered = Client().get("/healthz", HTTP_X_REQUEST_ID=junk)["X-Request-ID"]

    assert GENERATED.fullmatch(answered)


def test_a_log_line_written_during_a_request_carries_its_id_as_json(settings, json_log):
    # A broker that does not answer: /readyz logs a warning, with the exception, while it runs.
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as it is whenever a broker URL is set

    response = Client().get("/readyz", HTTP_X_REQUEST_ID="req-42")

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    health = [line for line in lines if line["logger"] == "northstar.health"]
    assert response.status_code == 503
    assert len(health) == 1
    assert set(health[0]) == {"timestamp", "level", "logger", "message", "request_id", "exception"}
    assert health[0]["request_id"] == "req-42"
    assert health[0]["level"] == "WARNING"
    assert health[0]["message"] == "Readiness check 'queue' failed."
    assert "ConnectionRefusedError" in health[0]["exception"]
    assert health[0]["timestamp"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash(json_log):
    logging.getLogger("northstar.test").warning("between requests")

    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line["request_id"] == "-"
    assert request_id_var.get() == "-"
    assert "exception" not in line
