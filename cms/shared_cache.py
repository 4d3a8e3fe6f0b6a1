"""Round trips to the shared cache that Django's cache API cannot batch.

A cached API answer needs its entry, the generation stamps and one more count for the rate
limit. Django's API makes that a ``get_many`` and an ``incr``: two round trips, for a hit
that otherwise costs one. On Redis one pipeline does both.
"""

from django.core.cache import cache, caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError


def increment(key: str, timeout: int) -> int | None:
    """Atomically count one more under ``key`` (kept ``timeout`` seconds from the first);
    ``None`` when the cache does not answer."""
    try:
        return cache.incr(key)
    except ValueError:  # the first count (or the key expired)
        if cache.add(key, 1, timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            return None


def get_many_and_increment(keys: list[str], counter: str, timeout: int) -> tuple[dict, int | None]:
    """``cache.get_many(keys)`` and ``increment(counter, timeout)``, in one round trip on
    Redis. When Redis does not answer: nothing found, no count (``None``)."""
    backend = caches["default"]  # ``cache`` is a proxy to it
    if not isinstance(backend, RedisCache):
        return cache.get_many(keys), increment(counter, timeout)
    client = backend.client
    made = [client.make_key(key) for key in keys]
    counter_key = client.make_key(counter)
    try:
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        pipeline.mget(made)
        pipeline.incr(counter_key)
        pipeline.expire(counter_key, timeout, nx=True)
        values, count, _expiry = pipeline.execute()
    except RedisError:
        return {}, None
    found = {
        key: client.decode(value)
        for key, value in zip(keys, values, strict=True)
        if value is not None
    }
    return found, count
