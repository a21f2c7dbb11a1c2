import pytest

from tests.reporting.support import build_world


@pytest.fixture
def world(db):
    """The hand-built reporting world of support.build_world (period 2025-2026)."""
    return build_world()
