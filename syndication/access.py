"""API keys and rate limits: anonymous callers share a low limit, partners get a higher one."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from syndication.models import Partner

ANONYMOUS = "anonymous"


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

    def allow_request(self, request: HttpRequest) -> bool:
        partner = getattr(request, "auth", ANONYMOUS)
        tier = ANONYMOUS if partner == ANONYMOUS else "partner"
        rate = SimpleRateThrottle(settings.API_RATE_LIMITS[tier])  # parses "120/min"
        limit, period = rate.num_requests, rate.duration
        who = partner if tier == "partner" else self.get_ident(request)
        now = time.time()
        window = int(now // period)
        count = _increment(f"throttle:{tier}:{who}:{period}:{window}", timeout=period + 1)
        self.retry_after = (window + 1) * period - now
        return count is None or count <= limit  # None: the cache is down, let it through

    def wait(self) -> float | None:
        return self.retry_after


def _increment(key: str, timeout: int) -> int | None:
    """Atomically count one more request under ``key``; one round trip once it exists."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or the key expired)
        if cache.add(key, 1, timeout):
            return 1
        try:
            return cache.incr(key)
        except ValueError:
            return None
