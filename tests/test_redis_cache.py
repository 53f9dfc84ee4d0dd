"""The Redis cache backend keeps one client per server."""

import os

import pytest

from union_site.redis_cache import SharedClientRedisCache


def test_the_client_is_made_once_per_server():
    backend = SharedClientRedisCache("redis://127.0.0.1:6379/15", {})._cache
    assert backend.get_client("a") is backend.get_client("b", write=True)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_values_go_in_and_out_through_the_shared_client():
    cache = SharedClientRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-shared"})
    cache.set_many({"one": 1, "two": [2]})
    assert cache.get_many(["one", "two", "three"]) == {"one": 1, "two": [2]}
    cache.delete_many(["one", "two"])
    assert cache.get("one") is None
