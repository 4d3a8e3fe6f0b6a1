"""Cached, validated JSON (and feed) responses with strong ETags and conditional GET."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from cms import response_cache


def cached_response(
    request: HttpRequest,
    scopes: Iterable[str],
    build: Callable[[], bytes],
    content_type: str = "application/json",
) -> HttpResponse:
    """Serve ``build()``'s bytes from the shared cache until one of ``scopes`` changes.

    The ETag is a hash of the body, so it is strong and identical in every process;
    Last-Modified is the newest change stamp among the scopes. Anonymous hits are usually
    answered before this view runs (cms.page_cache.PageCacheMiddleware); this lookup
    serves the rest (partners with a key, or the cache middleware turned off).
    """
    scopes = set(scopes)
    found = response_cache.lookup(request, scopes | {"changes"})
    if found.entry is not None:
        return found.entry.respond(request)
    current = response_cache.stamps_before_building(found.current, scopes)
    body = build()
    entry = response_cache.store(
        found.key,
        current=current,
        scopes=scopes,
        body=body,
        headers=[("Content-Type", content_type), ("Vary", "Accept-Encoding")],
        last_modified=max(current[scope] for scope in scopes),
        max_age=settings.API_HTTP_MAX_AGE,
        timeout=settings.API_SERVER_CACHE_SECONDS,
    )
    return entry.respond(request)
