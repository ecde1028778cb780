"""Queueing a follow-up from a web request: over a connection the process keeps, never one per
request, and never stuck on a broker that went away."""

import os
import signal
import time

import pytest
import redis
from django.conf import settings

from admissions.tasks import follow_up_lead
from core import queueing
from resilience.celery import app as celery_app
from tests.admissions.broker import using_broker
from tests.e2e.redis_server import RedisServer, redis_server_available

QUEUE = celery_app.conf.task_default_queue


@pytest.fixture
def broker(tmp_path):
    """A redis-server of the test's own (it may be stopped), as the broker tasks go to."""
    if not redis_server_available():
        pytest.skip("needs redis-server on the PATH")
    server = RedisServer(tmp_path).start()
    try:
        with using_broker(server.url):
            yield server
    finally:
        if server.alive:
            server.stop()


def _client(server: RedisServer) -> redis.Redis:
    return redis.Redis(port=server.port)


def _connections_received(server: RedisServer) -> int:
    with _client(server) as client:
        return client.info("stats")["total_connections_received"]


def _queued(server: RedisServer) -> int:
    with _client(server) as client:
        return client.llen(QUEUE)


def test_many_follow_ups_are_queued_over_one_kept_connection(broker):
    assert queueing.publish_quickly(follow_up_lead, 1) is True
    before = _connections_received(broker)

    for lead_id in range(2, 22):
        assert queueing.publish_quickly(follow_up_lead, lead_id) is True

    # The only new connection is the one that asked.
    assert _connections_received(broker) - before == 1
    assert _queued(broker) == 21


def test_the_first_follow_up_after_redis_restarted_is_queued(broker):
    assert queueing.publish_quickly(follow_up_lead, 1) is True
    broker.kill()  # the kept connection now leads nowhere
    broker.start()

    assert queueing.publish_quickly(follow_up_lead, 2) is True
    assert _queued(broker) == 1  # the restarted Redis lost the first; the second arrived


def test_with_redis_stopped_nothing_is_queued_and_nothing_raises(broker):
    assert queueing.publish_quickly(follow_up_lead, 1) is True
    broker.stop()

    assert queueing.publish_quickly(follow_up_lead, 2) is False
    assert queueing.publish_quickly(follow_up_lead, 3) is False


def moments_later() -> None:
    """As UNREACHABLE_SECONDS later: this process tries the broker again."""
    queueing.forget_unreachable_brokers()


def test_once_redis_is_back_follow_ups_are_queued_again(broker):
    broker.stop()
    assert queueing.publish_quickly(follow_up_lead, 1) is False
    broker.start()
    moments_later()

    assert queueing.publish_quickly(follow_up_lead, 2) is True
    assert _queued(broker) == 1


def test_after_a_failure_the_next_follow_ups_give_up_at_once_then_one_tries_again(
    broker, monkeypatch
):
    """A hung broker costs one request its timeout, not every request."""
    attempts = []
    publish = queueing._publish
    monkeypatch.setattr(queueing, "_publish", lambda *args: attempts.append(args) or publish(*args))
    broker.stop()
    assert queueing.publish_quickly(follow_up_lead, 1) is False
    broker.start()

    assert queueing.publish_quickly(follow_up_lead, 2) is False
    assert queueing.publish_quickly(follow_up_lead, 3) is False
    assert len(attempts) == 1
    breaker = queueing._breakers[(os.getpid(), celery_app.conf.broker_url)]
    breaker._retry_at = time.monotonic()  # UNREACHABLE_SECONDS have passed
    assert queueing.publish_quickly(follow_up_lead, 4) is True
    assert len(attempts) == 2


def test_a_kept_connection_to_a_redis_gone_silent_gives_up_within_its_short_timeout(broker):
    # Redis hung (paused, or a network that drops packets) after the connection was made: the
    # request that queues must not wait on it.
    assert queueing.publish_quickly(follow_up_lead, 1) is True
    broker.process.popen.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        queued = queueing.publish_quickly(follow_up_lead, 2)
        waited = time.monotonic() - started
    finally:
        broker.process.popen.send_signal(signal.SIGCONT)

    assert queued is False
    assert waited < 4 * settings.PUBLISH_TIMEOUT_SECONDS + 0.5
    moments_later()
    assert queueing.publish_quickly(follow_up_lead, 3) is True
