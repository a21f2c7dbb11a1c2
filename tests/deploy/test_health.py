"""/healthz and /readyz: what a load balancer sees, in this process (tests/deploy/test_gunicorn.py
probes a real server with an unreachable database)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

from config import health
from tests.factories import make_user

from .support import fake_redis, free_port

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_a_database_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_answers_ok_with_each_check():
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}, "failing": []}


def test_readyz_answers_503_naming_the_database_when_it_fails(monkeypatch):
    def unreachable(alias):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", unreachable)

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable"},
        "failing": ["database"],
    }


def test_probes_pass_over_plain_http_with_any_host_in_production(settings):
    # A load balancer probes the instance's own address over HTTP; pages still refuse both.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["grants.example.edu"]
    client = Client(HTTP_HOST="10.0.3.7:8000")

    probes = [client.get("/healthz").status_code, client.get("/readyz").status_code]
    page = client.get("/accounts/login/")

    assert probes == [200, 200]
    assert page.status_code == 400  # DisallowedHost


def test_probes_need_no_sign_in_and_write_no_session_or_cookie():
    signed_in = Client()
    signed_in.force_login(make_user())
    sessions_before = Session.objects.count()

    responses = [
        Client().get("/healthz"),
        Client().get("/readyz/"),
        signed_in.get("/healthz/"),
        signed_in.get("/readyz"),
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert [r.cookies for r in responses] == [{}, {}, {}, {}]
    assert ["Set-Cookie" in r.headers for r in responses] == [False] * 4
    assert Session.objects.count() == sessions_before == 1


def test_probes_answer_only_get_and_head():
    client = Client()

    assert client.head("/readyz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz")["Allow"] == "GET, HEAD"


# ---- The task broker and a shared cache, when configured --------------------------------------


def test_readyz_checks_the_broker_only_when_one_is_configured_and_not_eager(settings):
    with fake_redis() as redis:
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{redis.port}/0"
        settings.CELERY_TASK_ALWAYS_EAGER = True
        eager = Client().get("/readyz").json()["checks"]
        settings.CELERY_TASK_ALWAYS_EAGER = False
        queued = Client().get("/readyz").json()["checks"]

    assert eager == {"database": "ok"}
    assert queued == {"database": "ok", "queue": "ok"}
    assert redis.commands == [["PING"]]


def test_readyz_authenticates_to_a_broker_with_a_password(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as it is whenever a broker URL is set
    with fake_redis(password="s3cret/pw") as redis:
        settings.CELERY_BROKER_URL = f"redis://:s3cret%2Fpw@127.0.0.1:{redis.port}/0"
        right = Client().get("/readyz")
        settings.CELERY_BROKER_URL = f"redis://:wrong@127.0.0.1:{redis.port}/0"
        wrong = Client().get("/readyz")

    assert right.status_code == 200
    assert wrong.status_code == 503
    assert wrong.json()["failing"] == ["queue"]
    assert redis.commands[0] == ["AUTH", "s3cret/pw"]


def test_readyz_answers_503_naming_the_queue_when_the_broker_is_down(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as it is whenever a broker URL is set

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "queue": "unavailable"},
        "failing": ["queue"],
    }


# Outside a test transaction, as the probe runs in production: on PostgreSQL the failed read of
# the missing table would otherwise abort the test's transaction before createcachetable.
@pytest.mark.django_db(transaction=True)
def test_readyz_checks_a_shared_cache_but_not_a_local_one(settings):
    local = Client().get("/readyz").json()["checks"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "northstar_readyz_cache",
        }
    }
    missing_table = Client().get("/readyz")
    call_command("createcachetable", verbosity=0)
    try:
        shared = Client().get("/readyz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE northstar_readyz_cache")

    assert local == {"database": "ok"}
    assert missing_table.status_code == 503
    assert missing_table.json()["failing"] == ["cache"]
    assert shared.status_code == 200
    assert shared.json()["checks"] == {"database": "ok", "cache": "ok"}
