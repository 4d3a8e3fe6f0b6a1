"""Read replica routing: anonymous page views read from the replica, all else the primary.

A replica lags behind the primary by a moment, so only requests that cannot have written
anything themselves may read from it: GET and HEAD without a session cookie, outside the
admin and the draft preview. Editors (who always carry a session) therefore see what they
just saved, every write goes to the primary, and so does everything outside a request
(management commands, the webhook worker, migrations, tests) because the flag that allows
replica reads is off unless the middleware turns it on for the current request.

Cached responses are keyed by generation stamps (cms.api.cache) that a change bumps right
after it commits on the primary. A response built from a replica that has not caught up
yet would be stored under the new stamps and stay stale until the next change; so for
DATABASE_REPLICA_LAG_SECONDS after any change, requests read from the primary. The check
costs one cache read, and only for requests that reach the database at all.
"""

import time
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"
REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD")
# Editors' views and the partner preview of drafts read what was written a moment ago.
PRIMARY_PATHS = ("/admin/", "/api/v1/preview/")

# Per request: UNDECIDED until its first read picks the alias all its reads then use.
# Outside a request, and for requests that may not use the replica: the primary.
UNDECIDED = "undecided"
DEFAULT_REPLICA_LAG_SECONDS = 5.0
_read_alias: ContextVar[str] = ContextVar("read_alias", default=PRIMARY)


def may_read_replica(request: HttpRequest) -> bool:
    """Whether this request may see data a moment old: anonymous, read-only, public."""
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(PRIMARY_PATHS)
    )


def replica_reads_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Allow replica reads for the duration of a request that qualifies."""

    def middleware(request: HttpRequest) -> HttpResponse:
        token = _read_alias.set(UNDECIDED if may_read_replica(request) else PRIMARY)
        try:
            return get_response(request)
        finally:
            _read_alias.reset(token)

    return middleware


def replica_caught_up() -> bool:
    """Whether the last change is older than the lag the replica is allowed.

    An unknown stamp (evicted, or the cache unreachable) counts as a change just now, so
    doubt always means the primary.
    """
    from cms.api.cache import stamps  # the stamps' module imports models

    last_change = stamps(["changes"])["changes"]
    lag = getattr(settings, "DATABASE_REPLICA_LAG_SECONDS", DEFAULT_REPLICA_LAG_SECONDS)
    return time.time() - last_change >= lag


class PrimaryReplicaRouter:
    """Django database router for the ``default`` (primary) and ``replica`` aliases."""

    def db_for_read(self, model, **hints) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Related objects come from where their parent came from.
            return instance._state.db
        alias = _read_alias.get()
        if alias == UNDECIDED:
            alias = REPLICA if replica_caught_up() else PRIMARY
            _read_alias.set(alias)
        if alias == REPLICA and connections[PRIMARY].in_atomic_block:
            # Inside a transaction a read must see the transaction's own writes.
            return PRIMARY
        return alias

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # The replica copies the primary's schema by replication.
        return db == PRIMARY
