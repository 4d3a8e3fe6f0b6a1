"""Generation stamps: cheap, cross-process invalidation of cached API and feed responses.

Each scope (a resource such as ``projects``, or ``feeds``) has a stamp in the shared cache:
the time it last changed. Cached responses are keyed by the stamps of the scopes they
depend on, so bumping a stamp retires every entry built from the old data at once, in
every process that shares the cache (Redis in production).
"""

import time
from collections.abc import Iterable

from django.core.cache import cache

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
