import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads go to a throwaway folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _rows_the_migrations_made(request):
    """Put back the rows data migrations create (the default reporting profile) when a
    transactional test's flush removed them. Serially, pytest-django runs every transactional
    test last; under pytest-xdist a worker may receive a file of ordinary tests after one that
    flushed its database."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db" if _is_transactional(marker) else "db")
    migration = importlib.import_module("reporting.migrations.0002_default_reporting_profile")
    migration.create_default(apps, None)


def _is_transactional(marker) -> bool:
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
