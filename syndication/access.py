"""API keys and rate limits: anonymous callers share a low limit, partners get a higher one."""

import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from cms.shared_cache import increment
from syndication.models import Partner

ANONYMOUS = "anonymous"
# (counter key, count) of a request the cache middleware has counted already.
COUNTED_ATTR = "_rate_limit_counted"


class PartnerKey(APIKeyHeader):
    """Optional ``X-API-Key``: absent means anonymous, present must be a valid key."""

    param_name = "X-API-Key"

    def __call__(self, request: HttpRequest):
        key = self._get_key(request)
        return self.authenticate(request, key) if key else ANONYMOUS

    def authenticate(self, request: HttpRequest, key: str | None) -> Partner:
        cache_key = f"partner-key:{key}"
        partner_id = cache.get(cache_key)
        if partner_id is None:
            partner_id = (
                Partner.objects.filter(api_key=key, is_active=True)
                .values_list("pk", flat=True)
                .first()
            ) or 0
            cache.set(cache_key, partner_id, 60)
        if not partner_id:
            raise AuthenticationError(401, "Unknown or inactive API key.")
        return partner_id


class Counter(NamedTuple):
    """One client's requests in one window of the rate limit."""

    key: str
    limit: int
    timeout: int

    def allows(self, count: int | None) -> bool:
        return count is None or count <= self.limit  # None: the cache is down, let it through


class ClientThrottle(BaseThrottle):
    """Counts per API key for partners and per address for everyone else, in fixed windows.

    One atomic increment per request, shared by every process. Ninja's SimpleRateThrottle
    reads and rewrites a list of every request time in the window instead: its cost grows
    with the limit, and two processes writing at once lose each other's requests. A fixed
    window may let up to twice the rate through around a window's end, which a limit meant
    to keep one client from crowding out the others can live with. The rate is read from
    settings on every request, so a changed limit needs no restart (and tests can set it).
    """

    def __init__(self):
        self.retry_after: float | None = None

    def counter(self, request: HttpRequest) -> Counter:
        """This request's window: its key, limit and length, and when the next begins."""
        partner = getattr(request, "auth", ANONYMOUS)
        tier = ANONYMOUS if partner == ANONYMOUS else "partner"
        rate = SimpleRateThrottle(settings.API_RATE_LIMITS[tier])  # parses "120/min"
        limit, period = rate.num_requests, rate.duration
        who = partner if tier == "partner" else self.get_ident(request)
        now = time.time()
        window = int(now // period)
        self.retry_after = (window + 1) * period - now
        return Counter(f"throttle:{tier}:{who}:{period}:{window}", limit, period + 1)

    def allow_request(self, request: HttpRequest) -> bool:
        counter = self.counter(request)
        counted = getattr(request, COUNTED_ATTR, None)
        if counted and counted[0] == counter.key:  # counted by the cache middleware
            return counter.allows(counted[1])
        return counter.allows(increment(counter.key, counter.timeout))

    def wait(self) -> float | None:
        return self.retry_after
