"""Django's Redis cache backend, keeping its redis-py client instead of building one per call.

Django's RedisCacheClient makes a new `redis.Redis` for every cache operation. Building one
(its table of response callbacks) costs more than a round trip to a local Redis, and the form
page and rate limits make several calls per request. A client is safe to share: it borrows a
connection from its pool for each command. Each thread already has its own backend instance.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class KeptClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
