"""Page URLs from a page's ``url_path``, without a ``reverse()`` per page.

``Page.get_full_url`` reverses Wagtail's serve view inside a language override for every
page; an API list of 20 items links about 90 pages, and those reversals took a fifth of
building the list. Here the serve view is reversed once per language (its prefix, e.g.
``/de/``) and the page's path is appended, quoted as ``reverse()`` quotes it. The site
and language are chosen as in ``Page.get_url_parts``; a path the serve pattern would not
accept goes through ``reverse()`` as before.
"""

import re
from functools import cache
from urllib.parse import quote

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.coreutils import WAGTAIL_APPEND_SLASH, get_supported_content_language_variant
from wagtail.models import Site

# Wagtail's serve pattern (wagtail/urls.py) with WAGTAIL_APPEND_SLASH.
_SERVABLE = re.compile(r"(?:[\w\-]+/)*")
# What ``reverse()`` leaves unquoted: the ``pchar`` of RFC 3986.
_SAFE = RFC3986_SUBDELIMS + "/~:@"


def _site_root_paths(request: HttpRequest | None) -> list:
    """Kept on the request under the attribute Wagtail's pages use, so both share it."""
    if request is None:
        return Site.get_site_root_paths()
    try:
        return request._wagtail_cached_site_root_paths
    except AttributeError:
        request._wagtail_cached_site_root_paths = Site.get_site_root_paths()
        return request._wagtail_cached_site_root_paths


@cache
def _serve_prefix(language_code: str, script_prefix: str, urlconf: str | None) -> str | None:
    with translation.override(language_code):
        try:
            return reverse("wagtail_serve", args=("",), urlconf=urlconf)
        except NoReverseMatch:
            return None


@receiver(setting_changed)
def _forget_prefixes(setting: str, **kwargs) -> None:
    """Settings that change what the serve view reverses to (tests override them)."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "WAGTAIL_CONTENT_LANGUAGES"}:
        _serve_prefix.cache_clear()


def _served_path(language_code: str, relative: str) -> str | None:
    prefix = _serve_prefix(language_code, get_script_prefix(), get_urlconf())
    if prefix is not None and WAGTAIL_APPEND_SLASH and _SERVABLE.fullmatch(relative):
        return prefix + quote(relative, safe=_SAFE)
    with translation.override(language_code):
        try:
            path = reverse("wagtail_serve", args=(relative,))
        except NoReverseMatch:
            return None
    return path if WAGTAIL_APPEND_SLASH or path == "/" else path.rstrip("/")


def page_full_url(request: HttpRequest | None, url_path: str) -> str | None:
    """What ``Page.get_full_url(request)`` returns for the page at ``url_path``."""
    possible = [srp for srp in _site_root_paths(request) if url_path.startswith(srp.root_path)]
    if not possible:
        return None
    chosen = possible[0]
    if len({srp.site_id for srp in possible}) > 1 and isinstance(request, HttpRequest):
        site = Site.find_for_request(request)
        chosen = next((srp for srp in possible if site and srp.site_id == site.pk), chosen)
    _site_id, root_path, root_url, language_code = chosen
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        active = translation.get_language()
        try:
            if get_supported_content_language_variant(active) == language_code:
                language_code = active
        except LookupError:
            pass
    path = _served_path(language_code, url_path[len(root_path) :])
    return None if path is None else root_url + path
