"""Running Northstar in a fresh process with a given environment (settings are read once, at
start-up, so environment-driven settings can only be seen this way)."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# What a developer's shell or the test run may have set that would change the outcome.
CLEARED = {
    # Set by the browser tests' conftest (Playwright's event loop) for this process; a
    # production process never has it, and check --deploy rightly flags it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "NORTHSTAR_TESTING",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_AGE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_MINUTES",
    "DJANGO_SETTINGS_MODULE",
}


def run(args: list[str], env: dict[str, str], timeout: int = 180):
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environment.update(env)
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py, fixed arguments)
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args: str, env: dict[str, str], timeout: int = 180):
    return run(["manage.py", *args], env, timeout)


def settings_in_subprocess(names: list[str], **env: str) -> list[str]:
    """The values of settings ``names`` as a fresh process reads them from ``env`` (a test
    process unless NORTHSTAR_TESTING is given)."""
    script = "from django.conf import settings\n" + "".join(
        f"print(settings.{name})\n" for name in names
    )
    env = {"NORTHSTAR_TESTING": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    result = run(["-c", script], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()
