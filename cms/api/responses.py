"""Cached, validated JSON (and feed) responses with strong ETags and conditional GET.

``strong_etag`` and ``validated`` are shared with the HTML page cache (cms/page_cache.py).
"""

import hashlib
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from cms.api.cache import retire_at_schedule_boundary, stamps


def _cache_key(request: HttpRequest, scope_stamps: dict[str, float]) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    # Today's date too: project status and current contacts change at midnight, no event.
    today = timezone.localdate().isoformat()
    raw = f"{request.get_host()}|{request.path}|{query}|{sorted(scope_stamps.items())}|{today}"
    return "resp:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_response(
    request: HttpRequest,
    scopes: Iterable[str],
    build: Callable[[], bytes],
    content_type: str = "application/json",
) -> HttpResponse:
    """Serve ``build()``'s bytes from the shared cache until one of ``scopes`` changes.

    The ETag is a hash of the body, so it is strong and identical in every process;
    Last-Modified is the newest change stamp among the scopes.
    """
    scopes = set(scopes)
    found = stamps(scopes | {"changes"})  # one round trip for both questions
    if retire_at_schedule_boundary(found["changes"]):
        found = stamps(scopes)
    scope_stamps = {scope: found[scope] for scope in scopes}
    key = _cache_key(request, scope_stamps)
    entry = cache.get(key)
    if entry is None:
        body = build()
        entry = (body, strong_etag(body))
        cache.set(key, entry, settings.API_SERVER_CACHE_SECONDS)
    body, etag = entry
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Accept-Encoding"])
    return validated(request, response, etag, max(scope_stamps.values()), settings.API_HTTP_MAX_AGE)


def strong_etag(body: bytes) -> str:
    """A hash of the body: strong, and the same in every process."""
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def validated(
    request: HttpRequest, response: HttpResponse, etag: str, last_modified: float, max_age: int
) -> HttpResponse:
    """Add ETag, Last-Modified and a public max-age; answer conditional requests (304/412).

    Shared by the API, the feeds and the HTML page cache so all validate alike.
    """
    response["ETag"] = etag
    response["Last-Modified"] = http_date(int(last_modified))
    patch_cache_control(response, public=True, max_age=max_age)
    return get_conditional_response(
        request, etag=etag, last_modified=int(last_modified), response=response
    )
