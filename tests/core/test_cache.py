"""The Redis cache keeps one redis-py client per connection pool, instead of one per call, and
fails at once while Redis is unreachable instead of waiting a timeout on every call."""

import functools

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.cache import UNREACHABLE_SECONDS, KeptClientRedisCache, RedisUnreachableError
from core.db.circuit_breaker import CircuitBreaker
from tests.e2e.redis_server import RedisServer, redis_server_available
from tests.silent_server import silent_server


def _backend(location: str = "redis://127.0.0.1:1/0") -> KeptClientRedisCache:
    # Nothing connects until a command is sent: no Redis is needed to look at the clients.
    return KeptClientRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.1}})


def test_every_call_gets_the_same_client():
    backend = _backend()

    first = backend._cache.get_client("a")

    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first


def test_a_client_uses_its_backend_s_pool_and_options():
    backend = _backend()

    client = backend._cache.get_client()

    pool = client.connection_pool
    assert pool.connection_kwargs["port"] == 1
    assert pool.connection_kwargs["socket_connect_timeout"] == 0.1


def test_with_a_replica_reads_and_writes_have_clients_of_their_own():
    backend = _backend("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0")

    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client()

    assert writer.connection_pool.connection_kwargs["port"] == 1
    assert reader.connection_pool.connection_kwargs["port"] == 2
    assert backend._cache.get_client() is reader


# --- While Redis is unreachable, calls fail at once instead of each waiting a timeout ----------


@pytest.fixture
def silent_redis():
    """A cache on a Redis that accepts connections and never answers, and its connections."""
    with silent_server() as server:
        backend = KeptClientRedisCache(
            server.redis_url, {"OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1}}
        )
        yield backend, server.connections


@pytest.fixture
def clock(monkeypatch):
    """The clock of the breakers made from now on, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(
        "core.cache.CircuitBreaker", functools.partial(CircuitBreaker, clock=lambda: now[0])
    )
    return now


def test_after_a_timeout_the_next_calls_fail_without_trying(silent_redis, clock):
    backend, connections = silent_redis

    with pytest.raises(RedisTimeoutError):
        backend.get("page")
    for call in (lambda: backend.get("page"), lambda: backend.set("a", 1), backend.clear):
        with pytest.raises(RedisUnreachableError):
            call()

    assert len(connections) == 1


def test_a_refused_connection_opens_the_breaker_too(clock):
    backend = KeptClientRedisCache("redis://127.0.0.1:1/0", {})  # nothing listens on port 1

    with pytest.raises(RedisConnectionError) as first:
        backend.incr("attempts")
    with pytest.raises(RedisUnreachableError):
        backend.get_many(["a", "b"])

    assert not isinstance(first.value, RedisUnreachableError)


def test_one_call_tries_again_once_the_unreachable_period_is_over(silent_redis, clock):
    backend, connections = silent_redis
    with pytest.raises(RedisTimeoutError):
        backend.get("page")

    clock[0] += UNREACHABLE_SECONDS - 0.1
    with pytest.raises(RedisUnreachableError):
        backend.get("page")
    clock[0] += 0.1
    with pytest.raises(RedisTimeoutError):  # the trial: it connects (a new socket) and waits
        backend.get("page")
    with pytest.raises(RedisUnreachableError):
        backend.get("page")

    assert len(connections) == 2


def test_every_thread_s_backend_of_a_server_shares_what_it_learnt(silent_redis, clock):
    backend, _connections = silent_redis
    same_server = KeptClientRedisCache(backend._servers[0], {})
    other_server = KeptClientRedisCache("redis://127.0.0.1:1/0", {})

    with pytest.raises(RedisTimeoutError):
        backend.get("page")

    with pytest.raises(RedisUnreachableError):
        same_server.get("page")
    with pytest.raises(RedisConnectionError) as other:
        other_server.get("page")
    assert not isinstance(other.value, RedisUnreachableError)


@pytest.fixture
def own_redis(tmp_path):
    if not redis_server_available():
        pytest.skip("needs redis-server on the PATH")
    server = RedisServer(tmp_path).start()
    yield server
    if server.alive:
        server.stop()


def restarted_after_a_failed_read(own_redis, kept_value) -> KeptClientRedisCache:
    """A cache that kept `kept_value`, then failed to read it while Redis was down (which opens
    its breaker); Redis is up again, empty."""
    backend = KeptClientRedisCache(own_redis.url, {"OPTIONS": {"socket_timeout": 0.5}})
    backend.set("page", kept_value)
    own_redis.kill()
    with pytest.raises(RedisConnectionError):
        backend.get("page")
    own_redis.start()
    return backend


def test_once_redis_answers_again_the_cache_works_again(own_redis, clock):
    backend = restarted_after_a_failed_read(own_redis, "kept")

    with pytest.raises(RedisUnreachableError):
        backend.get("page")  # not yet tried again
    clock[0] += UNREACHABLE_SECONDS

    assert backend.get("page") is None  # everything was lost with the killed server
    backend.set("page", "kept again")
    assert backend.get("page") == "kept again"


def test_an_error_redis_answered_with_is_no_outage(own_redis, clock):
    backend = restarted_after_a_failed_read(own_redis, "not a number")
    clock[0] += UNREACHABLE_SECONDS

    with pytest.raises(ValueError):  # the trial call: Redis answers, with an error
        backend.incr("nothing-here")

    backend.set("page", "kept")  # not held back as if Redis were unreachable
    assert backend.get("page") == "kept"
