"""``/healthz``: can this process serve? Asks every database alias and the cache.

Answered by a middleware at the very top of the stack, before host validation, the HTTPS
redirect, sessions and the language redirect: container health checks and load balancers
call it over plain http on loopback with whatever Host header they like, and a probe must
never depend on the very parts (sessions, pages) whose failure it is meant to report.
"""

from collections.abc import Callable
from uuid import uuid4

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

HEALTH_PATH = "/healthz"
OK = "ok"
FAILED = "unavailable"
DEGRADED = "degraded"


def database_ok(alias: str) -> bool:
    """One round trip to the database; a refused or broken connection is a failure."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


def cache_ok() -> bool:
    """Write and read back a fresh key.

    django-redis swallows connection errors (IGNORE_EXCEPTIONS), so an unreachable Redis
    shows up as a value that does not come back, not as an exception. The key is unique
    per probe so concurrent probes of several processes cannot pass each other's values.
    """
    key = f"healthz:{uuid4().hex}"
    try:
        cache.set(key, OK, timeout=10)
        return cache.get(key) == OK
    except Exception:  # any backend error means the cache cannot serve
        return False


def health_report() -> tuple[bool, dict[str, str]]:
    """``(serving, parts)``: the primary as ``database``, a read replica under its alias.

    Only the databases decide whether this process can serve. Without the cache the site
    still serves from the database (slower): reported as ``degraded`` with a 200, so that a
    Redis outage shared by every replica does not make the load balancer pull them all.
    """
    parts = {}
    for alias in connections:
        name = "database" if alias == "default" else alias
        parts[name] = OK if database_ok(alias) else FAILED
    serving = all(state == OK for state in parts.values())
    parts["cache"] = OK if cache_ok() else FAILED
    status = (OK if parts["cache"] == OK else DEGRADED) if serving else FAILED
    return serving, {"status": status, **parts}


def health_response(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    serving, body = health_report()
    response = JsonResponse(body, status=200 if serving else 503)
    if request.method == "HEAD":
        response.content = b""
    add_never_cache_headers(response)
    return response


def health_check_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """First in MIDDLEWARE: answers ``/healthz`` and passes everything else on."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return health_response(request)
        return get_response(request)

    return middleware
