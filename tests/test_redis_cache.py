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


def test_a_single_get_or_set_without_redis_is_a_miss_but_many_still_raise(caplog):
    # Nothing listens on port 1. Wagtail's lookups of the home pages' addresses (get, set)
    # must not take the pages down; the public cache's get_many/set_many must still fail.
    from redis.exceptions import ConnectionError as RedisConnectionError

    cache = SharedClientRedisCache("redis://127.0.0.1:1/0", {})
    assert cache.get("wagtail_site_root_paths", "fallback") == "fallback"
    cache.set("wagtail_site_root_paths", [1])
    assert "cannot be reached" in caplog.text
    with pytest.raises(RedisConnectionError):
        cache.get_many(["one"])
    with pytest.raises(RedisConnectionError):
        cache.set_many({"one": 1})
