"""Read replica routing: anonymous page views read from the replica, all else the primary.

A replica lags behind the primary by a moment, so only requests that cannot have written
anything themselves may read from it: GET and HEAD without a session cookie, outside the
admin and the draft preview. Editors (who always carry a session) therefore see what they
just saved, every write goes to the primary, and so does everything outside a request
(management commands, the webhook worker, migrations, tests) because the flag that allows
replica reads is off unless the middleware turns it on for the current request.
"""

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

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


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
        token = _replica_reads.set(may_read_replica(request))
        try:
            return get_response(request)
        finally:
            _replica_reads.reset(token)

    return middleware


class PrimaryReplicaRouter:
    """Django database router for the ``default`` (primary) and ``replica`` aliases."""

    def db_for_read(self, model, **hints) -> str:
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            # Related objects come from where their parent came from.
            return instance._state.db
        if _replica_reads.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        # Inside a transaction a read must see the transaction's own writes.
        return PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # The replica copies the primary's schema by replication.
        return db == PRIMARY
