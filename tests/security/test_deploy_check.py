"""Deployment settings: `manage.py check --deploy` is clean with production environment values,
HTTPS is enforced by default in production, and a missing SECRET_KEY stops the server from
starting while commands that serve nothing (makemigrations, check) still run."""

import secrets

import pytest

from .subprocess_support import manage, run, settings_in_subprocess


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "grants.example.edu",
        "CSRF_TRUSTED_ORIGINS": "https://grants.example.edu",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **extra,
    }


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({}, id="production-defaults"),
        pytest.param(
            {
                "SECURE_SSL_REDIRECT": "1",
                "SECURE_HSTS_SECONDS": "63072000",
                "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
                "SECURE_HSTS_PRELOAD": "1",
                "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
            },
            id="explicit-values-behind-a-proxy",
        ),
    ],
)
def test_check_deploy_has_no_warnings_with_production_environment(tmp_path, extra):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path, **extra)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_check_deploy_fails_when_hsts_is_turned_off(tmp_path):
    # Only the security checks (the API schema build is the slow part of the full run).
    result = manage(
        "check",
        "--deploy",
        "--tag",
        "security",
        "--fail-level",
        "WARNING",
        env=production_env(tmp_path, SECURE_HSTS_SECONDS="0"),
    )

    assert result.returncode == 1
    assert "security.W004" in result.stderr


def test_production_defaults_are_https_only(tmp_path):
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ]

    production = settings_in_subprocess(names, **production_env(tmp_path, NORTHSTAR_TESTING="0"))
    development = settings_in_subprocess(names, NORTHSTAR_TESTING="0", DEBUG="1")

    assert production == ["True", "31536000", "True", "True", "True", "True"]
    assert development == ["False", "0", "False", "False", "False", "False"]


def test_proxy_ssl_header_is_read_from_the_environment(tmp_path):
    env = production_env(tmp_path, NORTHSTAR_TESTING="0")

    unset = settings_in_subprocess(["SECURE_PROXY_SSL_HEADER"], **env)
    named = settings_in_subprocess(
        ["SECURE_PROXY_SSL_HEADER"], **env, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"
    )

    assert unset == ["None"]
    assert named == ["('HTTP_X_FORWARDED_PROTO', 'https')"]


# ---- SECRET_KEY ------------------------------------------------------------------------------


def test_makemigrations_check_runs_without_a_secret_key():
    result = manage("makemigrations", "--check", "--dry-run", env={})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "No changes detected"


def test_serving_without_a_secret_key_refuses_to_start():
    wsgi = run(["-c", "import config.wsgi"], env={})
    deploy_check = manage("check", "--deploy", env={})
    runserver = manage("runserver", "--noreload", "127.0.0.1:0", env={}, timeout=60)

    for result in (wsgi, deploy_check, runserver):
        assert result.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr
