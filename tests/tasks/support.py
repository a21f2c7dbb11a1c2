"""Publishing tasks to a real broker from the test process (which runs them eagerly
otherwise, as development does)."""

from contextlib import contextmanager

from config import celery_app


def _forget_broker() -> None:
    # Celery makes its connection pool, and (in the app's ``amqp`` object) its queues, router
    # and producer pool, from the configuration at the first publish and keeps them: a new
    # broker URL or default queue needs them made anew. The old pools are left open, not
    # closed: kombu keeps them in a registry per URL and would hand a closed one out again.
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@contextmanager
def publishing_to(url: str, *, queue: str | None = None):
    """Within: ``delay()`` sends to the broker at ``url`` (and ``queue``) instead of running
    the task here."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.task_always_eager, conf.task_default_queue
    conf.broker_url, conf.task_always_eager = url, False
    if queue:
        conf.task_default_queue = queue
    _forget_broker()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager, conf.task_default_queue = saved
        _forget_broker()
