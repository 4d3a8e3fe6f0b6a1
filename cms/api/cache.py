"""Generation stamps: cheap, cross-process invalidation of cached API and feed responses.

Each scope (a resource such as ``projects``, or ``feeds``) has a stamp in the shared cache:
the time it last changed. Cached responses are keyed by the stamps of the scopes they
depend on, so bumping a stamp retires every entry built from the old data at once, in
every process that shares the cache (Redis in production).
"""

import math
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Subquery
from django.utils import timezone
from wagtail.models import Locale, Page

PREFIX = "gen:"
# What each resource's items are embedded in: a renamed person changes every project,
# publication, interview and district that shows them.
EMBEDDED_IN = {
    "people": {"projects", "publications", "interviews", "districts"},
    "organisations": {"projects", "interviews"},
    "topics": {"projects", "publications"},
    "series": {"publications"},
    "districts": {"projects", "publications", "interviews"},
    "projects": {"publications", "interviews", "districts"},
    "publications": {"interviews", "projects", "districts"},
    "interviews": {"publications", "projects", "districts"},
}
# Surfaces that mix every resource.
GLOBAL_SCOPES = {"search", "feeds", "changes"}


def affected_scopes(resources: Iterable[str]) -> set[str]:
    scopes = set(GLOBAL_SCOPES)
    for resource in resources:
        scopes.add(resource)
        scopes |= EMBEDDED_IN.get(resource, set())
    return scopes


def bump(resources: Iterable[str]) -> None:
    """Mark the resources, everything embedding them and the global surfaces as changed."""
    now = time.time()
    cache.set_many({PREFIX + scope: now for scope in affected_scopes(resources)}, timeout=None)


def stamps(scopes: Iterable[str]) -> dict[str, float]:
    """Current stamps of the scopes; a scope never seen (or evicted) starts now."""
    keys = [PREFIX + scope for scope in sorted(set(scopes))]
    found = cache.get_many(keys)
    missing = {key: time.time() for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
        found.update(missing)
    return {key.removeprefix(PREFIX): found[key] for key in keys}


PAGE_RESOURCES = ["projects", "publications", "interviews", "districts"]


def next_schedule_boundary(changes_stamp: float) -> float:
    """The next go-live or expiry moment of a live page, as a timestamp (inf if none).

    Computed once per change (one query) and kept in the cache beside the stamps.
    """
    key = f"next-schedule:{changes_stamp}"
    boundary = cache.get(key)
    if boundary is None:
        now = timezone.now()
        # The first moment after now of each field, as a subquery the partial indexes of
        # cms migration 0003 answer; one aggregate with two filters read every live page.
        # Selected beside a locale (every site has one), for one round trip.
        live = Page.objects.live()
        first = {
            field: Subquery(live.filter(**{f"{field}__gt": now}).order_by(field).values(field)[:1])
            for field in ("expire_at", "go_live_at")
        }
        found = Locale.objects.order_by().annotate(**first).values(*first).first() or {}
        moments = [moment.timestamp() for moment in found.values() if moment]
        boundary = min(moments, default=math.inf)
        cache.set(key, boundary, settings.API_SERVER_CACHE_SECONDS)
    return boundary


def retire_at_schedule_boundary(changes_stamp: float) -> bool:
    """Retire cached responses when a live page's go-live or expiry time passes.

    Such a moment is no change event until ``publish_scheduled`` runs, but a cached
    response must not show an expired page until then. Returns whether it retired
    anything, so the caller knows its stamps are stale.
    """
    if next_schedule_boundary(changes_stamp) <= time.time():
        bump(PAGE_RESOURCES)
        return True
    return False
