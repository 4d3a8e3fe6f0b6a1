"""The cache middleware and the rate limit on Redis, as production runs them.

A cached API answer costs one round trip to Redis (entry, stamps and the rate limit's count
in one pipeline); without Redis the API still answers, uncached and unlimited.
"""

import os
import uuid

import pytest
import redis
from redis.connection import Connection

from tests.helpers import require_redis

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIST = "/api/v1/publications/?limit=20"


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"ikpe-test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }


@pytest.fixture
def on_redis(settings):
    require_redis(REDIS_URL)
    settings.CACHES = redis_cache(REDIS_URL)
    yield
    from django.core.cache import cache

    cache.delete_pattern("*")


@pytest.fixture
def round_trips(monkeypatch) -> list[int]:
    """Count what is sent to Redis: one packed send per round trip (a pipeline is one)."""
    sent = []
    original = Connection.send_packed_command

    def counted(self, command, *args, **kwargs):
        sent.append(command)
        return original(self, command, *args, **kwargs)

    monkeypatch.setattr(Connection, "send_packed_command", counted)
    return sent


def test_cached_api_answer_is_one_round_trip(client, on_redis, round_trips):
    first = client.get(LIST)
    assert first.status_code == 200
    round_trips.clear()
    again = client.get(LIST)
    assert len(round_trips) == 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_cached_feed_is_one_round_trip(client, on_redis, round_trips):
    first = client.get("/feeds/de/all.atom")
    round_trips.clear()
    again = client.get("/feeds/de/all.atom")
    assert len(round_trips) == 1
    assert again.content == first.content


def test_rate_limit_counts_cached_answers_on_redis(client, on_redis, settings):
    settings.API_RATE_LIMITS = {"anonymous": "3/min", "partner": "100/min"}
    statuses = [client.get(LIST).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = client.get(LIST)
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_rate_limit_windows_expire(client, on_redis, settings):
    """A window's count is kept no longer than the window (plus a second)."""
    from django.core.cache import cache

    settings.API_RATE_LIMITS = {"anonymous": "5/min", "partner": "100/min"}
    client.get(LIST)
    client.get(LIST)
    raw = cache.client.get_client()
    keys = raw.keys(cache.client.make_key("throttle:*"))
    assert len(keys) == 1
    assert int(raw.get(keys[0])) == 2
    assert 0 < raw.ttl(keys[0]) <= 61


def test_api_answers_without_redis(client, settings):
    """Redis down: no cache and no rate limit, but every reader still gets the content."""
    with pytest.raises(redis.ConnectionError):
        redis.Redis(port=1, socket_connect_timeout=1).ping()
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    settings.API_RATE_LIMITS = {"anonymous": "1/min", "partner": "100/min"}
    responses = [client.get(LIST) for _ in range(3)]
    assert [response.status_code for response in responses] == [200] * 3
    assert responses[0].json()["items"]
    assert client.get("/feeds/de/all.atom").status_code == 200
