"""The deployment settings as a fresh process reads them from the environment: persistent,
health-checked database connections, the storage backend, and the log format."""

import json
import secrets

import pytest

from tests.security.subprocess_support import manage, run, settings_in_subprocess


def production(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "NORTHSTAR_TESTING": "0",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "grants.example.edu",
        "CSRF_TRUSTED_ORIGINS": "https://grants.example.edu",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **extra,
    }


S3 = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "grants-uploads",
    "AWS_S3_REGION_NAME": "us-west-2",
    "AWS_QUERYSTRING_EXPIRE": "30",
}


def test_production_keeps_database_connections_and_checks_them_before_reuse(tmp_path):
    names = ["DATABASES['default']['CONN_MAX_AGE']", "DATABASES['default']['CONN_HEALTH_CHECKS']"]

    production_values = settings_in_subprocess(names, **production(tmp_path))
    chosen = settings_in_subprocess(names, **production(tmp_path, DB_CONN_MAX_AGE="0"))
    development = settings_in_subprocess(names, NORTHSTAR_TESTING="0", DEBUG="1")

    assert production_values == ["60", "True"]
    assert chosen == ["0", "True"]
    assert development == ["0", "True"]


def test_postgresql_connections_give_up_after_a_timeout(tmp_path):
    name = ["DATABASES['default']['OPTIONS']['connect_timeout']"]
    database = "postgres://northstar@db.internal:5432/northstar"

    default = settings_in_subprocess(name, **production(tmp_path, DATABASE_URL=database))
    chosen = settings_in_subprocess(
        name, **production(tmp_path, DATABASE_URL=database, DB_CONNECT_TIMEOUT="2")
    )

    assert (default, chosen) == (["5"], ["2"])


def test_uploads_are_on_the_local_disk_unless_s3_is_chosen(tmp_path):
    names = ["STORAGES['default']['BACKEND']"]

    local = settings_in_subprocess(names, **production(tmp_path))
    s3 = settings_in_subprocess(
        [*names, "STORAGES['default']['OPTIONS']"], **production(tmp_path, **S3)
    )

    assert local == ["django.core.files.storage.FileSystemStorage"]
    assert s3[0] == "storages.backends.s3.S3Storage"
    assert s3[1] == str(
        {
            "bucket_name": "grants-uploads",
            "location": "",
            "querystring_auth": True,
            "querystring_expire": 30,
            "default_acl": None,
            "file_overwrite": False,
            "custom_domain": None,
            "signature_version": "s3v4",
            "region_name": "us-west-2",
        }
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME."),
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be local or s3, not 'ftp'."),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be plain or json, not 'xml'."),
    ],
)
def test_a_wrong_deployment_value_stops_the_start(tmp_path, extra, message):
    result = run(["-c", "import config.wsgi"], env=production(tmp_path, **extra))

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


def test_log_format_json_writes_json_lines(tmp_path):
    script = (
        "import django, logging\n"
        "django.setup()\n"
        "logging.getLogger('northstar.example').warning('disk %s full', 'var')\n"
    )
    env = {**production(tmp_path, LOG_FORMAT="json"), "DJANGO_SETTINGS_MODULE": "config.settings"}

    result = run(["-c", script], env=env)

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert result.returncode == 0, result.stderr
    assert {k: line[k] for k in ("level", "logger", "message", "request_id")} == {
        "level": "WARNING",
        "logger": "northstar.example",
        "message": "disk var full",
        "request_id": "-",
    }


def test_check_deploy_is_clean_with_object_storage_and_json_logs(tmp_path):
    env = production(tmp_path, **S3, LOG_FORMAT="json", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
