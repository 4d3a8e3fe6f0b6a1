"""``manage.py check`` (and ``migrate``, which the container runs first) refuses rate
limits the API could not parse: every API request would answer 500 instead."""

from django.conf import settings
from django.core.checks import Error, register
from ninja.throttling import SimpleRateThrottle

RATE_VARIABLES = {"anonymous": "API_RATE_ANONYMOUS", "partner": "API_RATE_PARTNER"}


@register()
def check_rate_limits(app_configs, **kwargs) -> list[Error]:
    errors = []
    for tier, rate in settings.API_RATE_LIMITS.items():
        try:
            SimpleRateThrottle(rate)
        except (TypeError, ValueError):
            errors.append(
                Error(
                    f"{RATE_VARIABLES.get(tier, tier)}={rate!r} is not a rate such as "
                    "120/min (requests per s, min, h or d).",
                    id="syndication.E001",
                )
            )
    return errors
