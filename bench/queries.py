"""SQL queries per request, counted in-process with the settings gunicorn runs with.

wrk sees only timings; the query count explains them and must not grow with the page
size or the corpus. Each URL is requested once to warm the process (imports, locale and
content type caches, as in a long-running worker), then the response cache is cleared:
the next request is the cold count, the one after it the warm count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.endpoints import Endpoint

HOST = "127.0.0.1"


@dataclass
class QueryCount:
    cold: int
    warm: int


class BadStatus(RuntimeError):
    """The page the benchmark wants to measure does not answer 200."""


def _get(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=HOST)
    if response.status_code != 200:
        raise BadStatus(f"{path} answered {response.status_code}, not 200")
    return len(captured)


def count(path: str, client: Client | None = None) -> QueryCount:
    client = client or Client()
    _get(client, path)
    cache.clear()
    cold = _get(client, path)
    return QueryCount(cold=cold, warm=_get(client, path))


def count_endpoints(endpoints: list[Endpoint]) -> dict[str, QueryCount]:
    client = Client()
    return {endpoint.name: count(endpoint.warm[0], client) for endpoint in endpoints}


def api_list_by_limit(limits: tuple[int, ...] = (1, 20, 50)) -> dict[int, int]:
    """Cold queries of the publication list at several page sizes (must be equal)."""
    client = Client()
    return {
        limit: count(f"/api/v1/publications/?limit={limit}&offset=3", client).cold
        for limit in limits
    }
