"""Threads released together by a barrier, each on its own database connection: the way two
requests arrive at once. Row locks only mean something on PostgreSQL; the race tests skip
elsewhere (``POSTGRES_ONLY``)."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need PostgreSQL's row locks: set DATABASE_URL=postgres://...",
)


def run_together(*calls: Callable[[], object]) -> list[tuple[str, object]]:
    """Run each call in its own thread, all released at once; ("ok", result) or
    ("refused", exception) per call, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object] | None] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except Exception as exc:  # each refusal is a result under test
            outcomes[index] = ("refused", exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes
