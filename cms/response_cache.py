"""Stored responses shared by the HTML page cache, the partner API and the feeds.

An entry is keyed by the URL alone (scheme, host, path, sorted query string) and remembers
the generation stamps (cms.api.cache) of the scopes it shows and the moment it must retire
(the next go-live or expiry of any live page, or local midnight, since project status and
current contacts follow today's date). Keying by URL rather than by stamps lets a hit be
found with one ``get_many`` — the entry and every stamp at once — before any view, session
or URL resolving runs (cms.page_cache.PageCacheMiddleware); the views store the entries.
"""

import datetime
import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from cms import shared_cache
from cms.api import cache as api_cache

KEY_PREFIX = "resp:"
T = TypeVar("T")


class Entry(NamedTuple):
    """One stored response; a tuple pickles small and fast, which a hit pays for."""

    stamps: tuple[tuple[str, float], ...]
    valid_until: float
    last_modified: float
    etag: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    max_age: int

    def is_fresh(self, current: dict[str, float]) -> bool:
        """Nothing it shows has changed since it was built, and no boundary has passed."""
        return _fresh(self.stamps, self.valid_until, current)

    def respond(self, request: HttpRequest) -> HttpResponse:
        """The stored response, or 304/412 when the request's validators say so."""
        response = HttpResponse(self.body)
        for name, value in self.headers:
            response[name] = value
        return validated(request, response, self.etag, self.last_modified, self.max_age)


def _fresh(stamps: tuple, valid_until: float, current: dict[str, float]) -> bool:
    return time.time() < valid_until and all(current.get(scope) == stamp for scope, stamp in stamps)


class Lookup(NamedTuple):
    key: str
    entry: Entry | None  # only a fresh one
    current: dict[str, float]  # the stamps read with it (scope → stamp)
    count: int | None = None  # the counter's new value, when one was given


def entry_key(request: HttpRequest) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    raw = f"{request.scheme}|{request.get_host()}|{request.path}|{query}"
    return KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def lookup(
    request: HttpRequest, scopes: Iterable[str], counter: tuple[str, int] | None = None
) -> Lookup:
    """The fresh entry for this URL, if any, and the current stamps: one cache round trip.

    ``counter`` (key, timeout) is incremented in the same round trip where the cache can
    (the API's rate limit)."""
    key = entry_key(request)
    entry, current, count = _read(key, scopes, counter)
    if entry is not None and not entry.is_fresh(current):
        entry = None
    return Lookup(key, entry, current, count)


def _read(key: str, scopes: Iterable[str], counter: tuple[str, int] | None = None):
    """``key``'s value, the stamps of ``scopes`` and the counter's new value, at once."""
    keys = [key, *(api_cache.PREFIX + scope for scope in scopes)]
    count = None
    if counter is None:
        found = cache.get_many(keys)
    else:
        found, count = shared_cache.get_many_and_increment(keys, *counter)
    value = found.pop(key, None)
    current = {name.removeprefix(api_cache.PREFIX): stamp for name, stamp in found.items()}
    return value, current, count


class Kept(NamedTuple):
    """A value derived from content (a count, the site's menu), stored like an entry."""

    stamps: tuple[tuple[str, float], ...]
    valid_until: float
    value: Any

    def is_fresh(self, current: dict[str, float]) -> bool:
        return _fresh(self.stamps, self.valid_until, current)


def kept(name: str, scopes: Iterable[str], build: Callable[[], T]) -> T:
    """``build()``, kept until one of ``scopes`` changes or a go-live, expiry or midnight
    passes; one cache round trip when it is kept. ``name`` says what is built and from what
    (everything the value depends on besides the scopes)."""
    scopes = sorted(set(scopes))
    key = "kept:" + hashlib.sha256(name.encode()).hexdigest()
    stored, current, _count = _read(key, [*scopes, "changes"])
    if isinstance(stored, Kept) and stored.is_fresh(current):
        return stored.value
    current = stamps_before_building(current, scopes)
    value = build()
    recorded = tuple((scope, current[scope]) for scope in scopes)
    cache.set(key, Kept(recorded, valid_until(current), value), settings.API_SERVER_CACHE_SECONDS)
    return value


def cached_count(queryset: QuerySet, scopes: Iterable[str]) -> int:
    """``queryset.count()``, kept until one of ``scopes`` changes (or the day does).

    Counting every visible page of a kind grows with the corpus (80 ms for the publications
    of one language at 100,000 pages), while the number changes only when a page is
    published, unpublished, moved or deleted, which bumps its scope (and the scopes that
    embed what its filters cross), or when a go-live or expiry moment passes. Keyed by the
    query's SQL, so each filter has its own count.
    """
    sql, params = queryset.query.sql_with_params()
    return kept(f"count|{queryset.db}|{sql}|{params!r}", scopes, queryset.count)


def stamps_before_building(current: dict[str, float], scopes: Iterable[str]) -> dict[str, float]:
    """The stamps a new entry records, read before it is built: a change committed while
    building leaves the entry stale, never the other way round. Retires everything when a
    go-live or expiry moment has passed."""
    needed = set(scopes) | {"changes"}
    if not needed <= current.keys():
        current = api_cache.stamps(needed)
    if api_cache.retire_at_schedule_boundary(current["changes"]):
        current = api_cache.stamps(needed)
    return current


def valid_until(current: dict[str, float]) -> float:
    """When an entry built now must retire even without a change event."""
    return min(api_cache.next_schedule_boundary(current["changes"]), _next_midnight())


def _next_midnight() -> float:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time())).timestamp()


def store(
    key: str,
    *,
    current: dict[str, float],
    scopes: Iterable[str],
    body: bytes,
    headers: Iterable[tuple[str, str]],
    last_modified: float,
    max_age: int,
    timeout: int,
) -> Entry:
    """Keep a response for ``timeout`` seconds at most; ``current`` comes from
    ``stamps_before_building``."""
    entry = Entry(
        stamps=tuple((scope, current[scope]) for scope in sorted(set(scopes))),
        valid_until=valid_until(current),
        last_modified=last_modified,
        etag=strong_etag(body),
        headers=tuple(headers),
        body=body,
        max_age=max_age,
    )
    cache.set(key, entry, timeout)
    return entry


def strong_etag(body: bytes) -> str:
    """A hash of the body: strong, and the same in every process."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def validated(
    request: HttpRequest, response: HttpResponse, etag: str, last_modified: float, max_age: int
) -> HttpResponse:
    """Add ETag, Last-Modified and a public max-age; answer conditional requests (304/412)."""
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(last_modified))
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(
        request, etag=etag, last_modified=int(last_modified), response=response
    )
