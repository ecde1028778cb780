"""Django's Redis cache backend, keeping its redis-py client, and failing fast while Redis is down.

Django's RedisCacheClient makes a new `redis.Redis` for every cache operation. Building one
(its table of response callbacks) costs more than a round trip to a local Redis, and the form
page and rate limits make several calls per request. A client is safe to share: it borrows a
connection from its pool for each command. Each thread already has its own backend instance.

Every caller treats the cache as optional (a page is rendered, a rate limit fails open), but a
Redis that accepts connections and never answers costs each call its whole socket timeout, and
a page makes several: after a connection error or timeout, every call fails at once for
UNREACHABLE_SECONDS (a circuit breaker per Redis server and process), then one call tries again.
"""

import functools

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.db.circuit_breaker import CircuitBreaker, CircuitBreakers

# While Redis is unreachable, each process waits one socket timeout per this many seconds.
UNREACHABLE_SECONDS = 5.0

# By the cache's Redis servers.
_breakers = CircuitBreakers(lambda: CircuitBreaker(open_seconds=UNREACHABLE_SECONDS))


def forget_unreachable_servers() -> None:
    """Tests: each starts with every Redis assumed reachable."""
    _breakers.clear()


class RedisUnreachableError(RedisConnectionError):
    """Raised without trying, while the breaker is open: callers already handle connection
    errors."""


def _failing_fast(operation):
    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        breaker = self._breaker
        if not breaker.allow_attempt():
            raise RedisUnreachableError(
                f"Redis unreachable; next try in {breaker.seconds_until_retry():.1f} s"
            )
        try:
            result = operation(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            breaker.record_failure()
            raise
        except Exception:
            breaker.record_success()  # Redis answered, if only with an error
            raise
        breaker.record_success()
        return result

    return guarded


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *args, **kwargs):
        super().__init__(servers, *args, **kwargs)
        self._clients = {}
        self._breaker = _breakers[tuple(servers)]

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    # Every operation of Django's client that talks to Redis.
    add = _failing_fast(RedisCacheClient.add)
    get = _failing_fast(RedisCacheClient.get)
    set = _failing_fast(RedisCacheClient.set)
    touch = _failing_fast(RedisCacheClient.touch)
    delete = _failing_fast(RedisCacheClient.delete)
    get_many = _failing_fast(RedisCacheClient.get_many)
    has_key = _failing_fast(RedisCacheClient.has_key)
    incr = _failing_fast(RedisCacheClient.incr)
    set_many = _failing_fast(RedisCacheClient.set_many)
    delete_many = _failing_fast(RedisCacheClient.delete_many)
    clear = _failing_fast(RedisCacheClient.clear)


class KeptClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
