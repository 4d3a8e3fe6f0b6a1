"""API keys and rate limits: anonymous callers share a low limit, partners get a higher one."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyHeader
from ninja.throttling import SimpleRateThrottle

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


class ClientThrottle(SimpleRateThrottle):
    """Counts per API key for partners and per address for everyone else.

    The rate is read from settings on every request, so a changed limit needs no restart
    of the throttle objects (and tests can override it).
    """

    scope = "api"

    def __init__(self):
        self.history = []

    def allow_request(self, request: HttpRequest) -> bool:
        partner = getattr(request, "auth", ANONYMOUS)
        tier = ANONYMOUS if partner == ANONYMOUS else "partner"
        self.rate = settings.API_RATE_LIMITS[tier]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.cache_ident = f"{tier}:{partner if tier == 'partner' else self.get_ident(request)}"
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        return f"throttle:{self.cache_ident}"
