"""Django's Redis cache, keeping one client per server instead of building one per call.

``redis.Redis()`` fills a table of some 170 reply handlers each time it is made; Django's
backend makes one for every cache call. On a page served from the public cache that was a
third of the work. A client is safe to share between threads: each command takes a
connection from the pool it was made with.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
