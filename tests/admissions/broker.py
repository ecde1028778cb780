from contextlib import contextmanager

from resilience.celery import app as celery_app


@contextmanager
def using_broker(url: str, *, eager: bool = False):
    """Publish to (and let workers read from) the broker at `url` for a while."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, eager
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
        _forget_connections()


def _forget_connections():
    # Celery keeps pooled connections to the broker it first used; drop them, so publishing
    # really goes to the broker configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def empty_broker() -> None:
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
