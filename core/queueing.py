"""Queueing Celery tasks from a web request without ever making the visitor wait on the broker."""

import logging
import os
import threading

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from kombu.connection import ConnectionPool

from core.db.circuit_breaker import CircuitBreaker, CircuitBreakers

logger = logging.getLogger(__name__)

# A web process handles one request at a time, a Celery worker process one task: a few
# connections are plenty, and more only serve threads in tests.
PUBLISH_CONNECTIONS_PER_PROCESS = 4
# After a publish fails, this process's next ones give up at once for this long, then one tries
# again: a broker that hangs rather than refuses would otherwise cost every request its whole
# timeout. Nothing is lost meanwhile: what was not queued is swept up later (the caller's part).
UNREACHABLE_SECONDS = 5.0

# By process and broker URL, as the pools are.
_breakers = CircuitBreakers(lambda: CircuitBreaker(open_seconds=UNREACHABLE_SECONDS))


def forget_unreachable_brokers() -> None:
    """Tests: each starts with every broker assumed reachable."""
    _breakers.clear()


def publish_quickly(task, *args) -> bool:
    """Queue `task(*args)`; give up within about a second if the broker is down or silent.

    Over a connection this process keeps open (not one opened per request), with short socket
    timeouts and no retries: Celery's default publish can block for a long time when Redis is
    unreachable. After a failure, for UNREACHABLE_SECONDS, it gives up without trying. A kept
    connection that Redis closed (a restart) is reopened before use by redis-py; one that fails
    is closed, and the next publish opens a new one. Returns False
    when the task was not queued, which the caller must be able to recover from (a periodic
    sweep, for instance).
    """
    app = task.app
    if app.conf.task_always_eager:
        # No broker (local development): run it here, once. Retrying on the spot would only
        # hold up the page; a failure is logged and the lead stays unfinished.
        task.apply(args=args, retries=task.max_retries or 0)
        return True
    breaker = _breakers[(os.getpid(), app.conf.broker_url)]
    if not breaker.allow_attempt():
        logger.info("Not queueing %s: the broker failed moments ago", task.name)
        return False
    pool = _publishing_connections(app)
    try:
        _publish(pool, task, args)
    except SoftTimeLimitExceeded:
        raise  # the task running this must stop, not publish on
    except Exception:  # whatever the broker or transport raises, the caller carries on
        breaker.record_failure()
        _forget_publishing_connections(pool)
        logger.warning("Could not queue %s", task.name)
        return False
    breaker.record_success()
    return True


def _publish(pool: ConnectionPool, task, args: tuple) -> None:
    connection = pool.acquire(block=True, timeout=settings.PUBLISH_TIMEOUT_SECONDS)
    # On failure it is not given back: the caller closes the pool.
    task.apply_async(args=args, connection=connection, retry=False)
    connection.release()


# --- One pool per process ----------------------------------------------------------------------

_lock = threading.Lock()
# (process id, broker URL) -> pool. Keyed by process so that a forked worker never shares its
# parent's sockets, and by URL so that tests switching brokers get theirs.
_pools: dict[tuple[int, str], ConnectionPool] = {}


def _publishing_connections(app) -> ConnectionPool:
    """This process's pool of publishing connections, made on first use (after any fork)."""
    key = (os.getpid(), app.conf.broker_url)
    with _lock:
        if (pool := _pools.get(key)) is not None:
            return pool
        timeout = settings.PUBLISH_TIMEOUT_SECONDS
        transport_options = {
            **app.conf.broker_transport_options,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "max_retries": 0,
        }
        connection = app.connection_for_write(
            connect_timeout=timeout, transport_options=transport_options
        )
        pool = _pools[key] = connection.Pool(limit=PUBLISH_CONNECTIONS_PER_PROCESS)
        return pool


def _forget_publishing_connections(pool: ConnectionPool) -> None:
    """Close the pool's connections, so that the next publish opens a new one."""
    with _lock:
        for key, kept in list(_pools.items()):
            if kept is pool:
                del _pools[key]
    try:
        pool.force_close_all()
    except Exception:  # a broken socket may fail to close; it is dropped all the same
        logger.debug("Closing a broken publishing connection failed", exc_info=True)
