"""The Redis cache keeps one redis-py client per connection pool, instead of one per call."""

from core.cache import KeptClientRedisCache


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
