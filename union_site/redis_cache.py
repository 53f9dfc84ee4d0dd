"""Django's Redis cache, keeping one client per server instead of building one per call.

``redis.Redis()`` fills a table of some 170 reply handlers each time it is made; Django's
backend makes one for every cache call. On a page served from the public cache that was a
third of the work. A client is safe to share between threads: each command takes a
connection from the pool it was made with.

A single ``get`` or ``set`` that cannot reach Redis is a miss, not an error: Wagtail keeps
the addresses of the site's home pages in the cache and asks for them whenever it writes a
link to a page, so an outage would otherwise take every public page down with it. The
public cache (``cms/cache.py``) reads and clears with ``get_many`` and ``set_many``, which
still raise, so it serves pages uncached and logs a clear that failed; the health check's
cache test finds the value it wrote missing and reports the outage.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


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

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            logger.warning("The cache cannot be reached; %s is looked up afresh", key)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            logger.warning("The cache cannot be reached; %s is not kept", key)
