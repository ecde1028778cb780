"""Queueing Celery tasks from a web request without ever making the visitor wait on the broker."""

import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

logger = logging.getLogger(__name__)


def publish_quickly(task, *args) -> bool:
    """Queue `task(*args)`; give up within about a second if the broker is down or silent.

    A fresh connection with short socket timeouts, no retries: Celery's default publish can
    block for a long time when Redis is unreachable. Returns False when the task was not
    queued, which the caller must be able to recover from (a periodic sweep, for instance).
    """
    app = task.app
    if app.conf.task_always_eager:
        # No broker (local development): run it here, once. Retrying on the spot would only
        # hold up the page; a failure is logged and the lead stays unfinished.
        task.apply(args=args, retries=task.max_retries or 0)
        return True
    timeout = settings.PUBLISH_TIMEOUT_SECONDS
    transport_options = {
        **app.conf.broker_transport_options,
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "max_retries": 0,
    }
    try:
        with app.connection_for_write(
            connect_timeout=timeout, transport_options=transport_options
        ) as connection:
            task.apply_async(args=args, connection=connection, retry=False)
    except SoftTimeLimitExceeded:
        raise  # the task running this must stop, not publish on
    except Exception:  # whatever the broker or transport raises, the caller carries on
        logger.warning("Could not queue %s", task.name)
        return False
    return True
