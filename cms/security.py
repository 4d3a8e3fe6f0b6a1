"""Security plumbing the libraries leave to the project.

- ``ContentSecurityPolicyMiddleware``: django-csp with one policy for the public site and a
  laxer one for the Wagtail admin (which still ships inline scripts and styles), plus the
  origin of ``MEDIA_URL`` when media live elsewhere (S3, CDN) and, in the admin, of the
  partner front ends the headless preview frames; read at response time so they follow
  whatever settings module set them. Wagtail's previews keep the public policy.
- ``LoginLockoutBackend`` and ``lockout_response``: django-axes, answered with Wagtail's own
  sign-in page and a translated message instead of axes' plain-text page.
- ``client_ip``: the address axes counts, taken from ``X-Forwarded-For`` only behind the
  number of proxies the operator says are there (anything else is spoofable).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext


def origin_of(url: str) -> str | None:
    """``https://media.example.org`` for an absolute URL; None for a path on this site."""
    parts = urlsplit(str(url))
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def media_origin() -> str | None:
    return origin_of(settings.MEDIA_URL)


def partner_preview_origins() -> list[str]:
    """Partner front ends the admin's “Partner front end” preview frames."""
    urls = getattr(settings, "WAGTAIL_HEADLESS_PREVIEW", {}).get("CLIENT_URLS", {})
    return sorted({origin for url in urls.values() if (origin := origin_of(url or ""))})


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN["PATHS"]))


def allow(parts: PolicyParts, directive: str, sources: list[str]) -> None:
    """Add sources to a directive, on top of whatever a view's ``csp_update`` asked for."""
    update = dict(parts.update or {})
    update[directive] = [*update.get(directive, []), *sources]
    parts.update = update


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp, choosing the admin policy by path and allowing the media origin."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if getattr(request, "is_dummy", False):
            # Wagtail renders a preview through the middleware with the page's public URL:
            # keep the public policy (the editor sees what would break on the site) but let
            # the admin's preview panel frame it.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif parts.config is None and is_admin_path(request.path_info):
            parts.config = default_config(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"])
            if partners := partner_preview_origins():
                allow(parts, "frame-src", partners)
        if origin := media_origin():
            allow(parts, "img-src", [origin])
        return parts


class LoginLockoutBackend(AxesStandaloneBackend):
    """axes' lockout check, skipped when there is no request to count against.

    Every sign-in over HTTP (Wagtail's login form) passes its request; only code paths
    without a client call ``authenticate()`` without one (the test client's ``login()``, a
    shell session), and axes would raise there instead of answering.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return gettext(
            "Too many failed sign-in attempts. This account is locked; "
            "an administrator has to unlock it."
        )
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
        "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The sign-in form again, status 429, saying why and for how long (AXES_LOCKOUT_CALLABLE).

    axes replaces the response of the view that saw the failed attempt; for Wagtail's login
    view that is the form with its generic “wrong password” error, which would hide the
    lockout. The same form is shown with the lockout message instead.
    """
    message = lockout_message(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if form is None or not hasattr(original_response, "template_name"):
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    # In place of the “wrong username or password” error the attempt produced.
    form.errors[NON_FIELD_ERRORS] = form.error_class([message], error_class="nonfield")
    return TemplateResponse(request, original_response.template_name, context, status=429).render()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for axes (AXES_CLIENT_IP_CALLABLE).

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appends the address it saw to
    ``X-Forwarded-For``; the client is the entry that many places from the right. Entries
    further left were written by the client itself and are ignored.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
