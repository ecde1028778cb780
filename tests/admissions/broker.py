from contextlib import contextmanager

from resilience.celery import app as celery_app


@contextmanager
def using_broker(url: str, *, eager: bool = False):
    """Publish to (and let workers read from) the broker at `url` for a while."""
    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    configure_broker(broker_url=url, task_always_eager=eager)
    try:
        yield
    finally:
        configure_broker(broker_url=saved[0], task_always_eager=saved[1])


def configure_broker(**values):
    # Under the CELERY_ namespace Celery 5.6 reads CELERY_BROKER_URL before broker_url: set both.
    for name, value in values.items():
        celery_app.conf[name] = value
        celery_app.conf[f"CELERY_{name.upper()}"] = value
    _forget_connections()


def _forget_connections():
    # Celery keeps pooled connections to the broker it first used; drop them, so publishing
    # really goes to the broker configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def empty_broker() -> None:
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
