"""Anonymous HTML pages from the shared cache, retired exactly when what they show changes;
and the early exit for the stored API answers and feeds (cms.api.responses).

What is cached
    GET/HEAD responses of Wagtail pages (listing pages with their filter query strings and
    routable sub-pages such as citation exports included) to requests without a session or
    messages cookie and without an Authorization header: Django renders the same bytes for
    all of those. Stored are only 200 responses of pages the public may see (live, inside
    their schedule, no view restriction: checked again when storing), without cookies, with
    no ``Vary`` but ``Accept-Encoding``, not marked private/no-cache/no-store, without a CSP
    nonce or per-view CSP, in the language of the path. Previews, the admin, editors (and
    the Wagtail user bar they see) never reach it; their page responses are marked private.

Keys and validity
    An entry is keyed by scheme, host, path and sorted query string (the path carries the
    language prefix). It records the generation stamps (cms.api.cache) of the scopes its
    page type shows, and is served while those are unchanged and until ``valid_until``:
    the next go-live or expiry moment of any live page (the moment
    ``retire_at_schedule_boundary`` watches) or the next local midnight, since project
    status and current contacts follow today's date. Stamps live in the shared cache, so a
    change retires entries in every process at once (with Redis).

Scopes
    Every page shows the ``site`` scope: menu, breadcrumbs, language switcher, footer.
    syndication/events.py bumps it when a page that is no partner resource (home, index and
    standard pages) or a page linked from the footer is published, unpublished or deleted,
    on every move (URLs and menu order change), every view restriction change, site and
    footer settings, and when an existing image or document changes. Partner resources
    bump their own scope and what embeds them (``EMBEDDED_IN``): a renamed person retires
    the project, publication, interview and district pages; a new project retires the
    project listing, the home page, district pages and the publications it is linked with.
    ``PAGE_SCOPES`` says what each page type shows; an unknown type depends on everything.

API answers and feeds
    Their views store them (cms.api.responses, same entries and keys); this middleware
    serves the fresh ones to callers without an API key before ninja, sessions or URL
    resolving run. The API's rate limit still counts every such hit.

Cost of a hit
    One cache round trip (the entry and its stamps in one ``get_many``; on Redis the API's
    rate-limit count rides in the same pipeline), no database query, no session, no
    template. The middleware sits
    before SessionMiddleware; what is above it (security headers, CSP, CORS) still runs for
    every response.
"""

import time
from collections.abc import Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import cc_delim_re, patch_cache_control
from wagtail.models import Page

from cms import response_cache
from cms.api import cache as api_cache
from cms.api.visibility import is_visible
from cms.models import FooterLinks
from syndication.access import COUNTED_ATTR, ClientThrottle
from syndication.registry import resource_for

SITE = "site"
# Model label → the scopes (besides SITE) of what the page type's template shows.
PAGE_SCOPES: dict[str, frozenset[str]] = {
    "home.HomePage": frozenset({"projects", "publications"}),
    "home.StandardPage": frozenset(),
    "projects.ProjectIndexPage": frozenset({"projects", "topics", "districts"}),
    "projects.ProjectPage": frozenset(
        {"projects", "people", "organisations", "topics", "districts"}
        | {"publications", "interviews"}
    ),
    "publications.PublicationIndexPage": frozenset(
        {"publications", "interviews", "series", "topics"}
    ),
    "publications.PublicationPage": frozenset(
        {"publications", "series", "people", "topics", "interviews", "projects", "districts"}
    ),
    "publications.InterviewPage": frozenset(
        {"interviews", "people", "organisations", "publications", "projects", "districts"}
    ),
    "districts.DistrictIndexPage": frozenset({"districts"}),
    "districts.DistrictPage": frozenset(
        {"districts", "people", "projects", "publications", "interviews"}
    ),
}
ALL_SCOPES = frozenset({SITE}.union(*PAGE_SCOPES.values()))
# Read on every lookup: every scope a page, API or feed entry may depend on.
_STAMP_SCOPES = sorted(ALL_SCOPES | api_cache.GLOBAL_SCOPES | set(api_cache.EMBEDDED_IN))
# API paths named after the one scope their answers depend on.
_URL_SCOPES = frozenset(api_cache.EMBEDDED_IN) | {"changes", "search"}

PAGE_ATTR = "_page_cache_page"  # the served page, set by the before_serve_page hook
SCOPES_ATTR = "_page_cache_scopes"  # what a view that is no page shows (share_response)
# Headers the cache sets itself or that belong to one response only.
_OWN_HEADERS = {"etag", "last-modified", "cache-control", "expires", "date", "set-cookie"}
# Cookies that change what Django renders: a session (editors, user bar) or flash messages.
_MESSAGES_COOKIE = CookieStorage.cookie_name
_CSP_RESPONSE_ATTRS = ("_csp_exempt", "_csp_update", "_csp_replace", "_csp_config")
API_PREFIX = "/api/v1/"
FEEDS_PREFIX = "/feeds/"


def scopes_for(page: Page) -> frozenset[str]:
    return PAGE_SCOPES.get(page._meta.label, ALL_SCOPES) | {SITE}


def changes_site_chrome(page: Page) -> bool:
    """Whether a change to ``page`` shows on every page (menu, breadcrumbs, language
    switcher, footer) rather than only where its own kind is shown."""
    if resource_for(page.specific_class or type(page)) is None:
        return True
    fields = ("imprint_page", "privacy_page", "accessibility_page", "easy_read_page")
    linked = Q()
    for field in fields:
        linked |= Q(**{f"{field}__translation_key": page.translation_key})
    return FooterLinks.objects.filter(linked).exists()


def remember_page(page: Page, request: HttpRequest, serve_args, serve_kwargs) -> None:
    """``before_serve_page`` hook: tell the middleware which page the response shows."""
    setattr(request, PAGE_ATTR, page)


def is_anonymous_read(request: HttpRequest) -> bool:
    """A page read that Django answers the same for everyone, under a language prefix."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or _MESSAGES_COOKIE in cookies:
        return False
    prefix = request.path_info.split("/", 2)[1]
    return prefix in dict(settings.LANGUAGES)


def machine_read(request: HttpRequest) -> tuple[str, list[str]] | None:
    """For a read whose stored answer (cms.api.responses) is the same for every caller:
    ``"api"`` or ``"feed"`` and the stamps to read with it. Partners with a key go through
    the API for their own limit.

    The stamps are those of the scope the URL names (``/api/v1/projects/…``: projects;
    feeds: feeds), which is what those views record; an entry that records more is never
    fresh here and is answered by its view instead, so a guess can only cost speed."""
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return None
    path = request.path_info
    if path.startswith(API_PREFIX):
        if "HTTP_X_API_KEY" in request.META:
            return None
        scope = path[len(API_PREFIX) :].split("/", 1)[0]
        return "api", [scope] if scope in _URL_SCOPES else _STAMP_SCOPES
    if path.startswith(FEEDS_PREFIX):
        return "feed", ["feeds"]
    return None


def share_response(request: HttpRequest, scopes: Iterable[str]) -> None:
    """Let the middleware keep this view's anonymous answer until one of ``scopes`` (or
    the site chrome) changes: for views that are no Wagtail page, such as the search.

    Browsers and CDNs get ``max-age=0``: they ask each time (a 304 from the cache while
    nothing changed), so a reader who searches again right after a publish finds the page."""
    setattr(request, SCOPES_ATTR, frozenset(scopes) | {SITE})


def is_storable(request: HttpRequest, response: HttpResponse, page: Page | None) -> bool:
    """Whether every anonymous reader would get exactly this response for this URL."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    vary = {v.lower() for v in cc_delim_re.split(response.get("Vary", "")) if v}
    control = {
        d.split("=")[0].lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if vary - {"accept-encoding"} or control & {"private", "no-cache", "no-store"}:
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):  # a nonce is per response
        return False
    if any(hasattr(response, attr) for attr in _CSP_RESPONSE_ATTRS):
        return False
    if translation.get_language() != translation.get_language_from_path(request.path_info):
        return False
    if getattr(request, "is_preview", False):
        return False
    return page is None or is_visible(page)


class PageCacheMiddleware:
    """Serve cached anonymous pages, API answers and feeds before sessions, language or URL
    resolving run; store the pages that qualify on the way out (the API and feed views
    store their own answers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.HTML_CACHE_SECONDS <= 0:
            return self.get_response(request)
        machine = machine_read(request)
        if machine:
            return self.serve_stored(request, *machine)
        if not is_anonymous_read(request):
            response = self.get_response(request)
            if getattr(request, PAGE_ATTR, None) or getattr(request, SCOPES_ATTR, None):
                # Possibly an editor's page with the user bar: never for shared caches.
                patch_cache_control(response, private=True, no_cache=True)
            return response

        found = response_cache.lookup(request, _STAMP_SCOPES)
        if found.entry is not None:
            return found.entry.respond(request)
        current = response_cache.stamps_before_building(found.current, _STAMP_SCOPES)
        built = time.time()
        response = self.get_response(request)
        page = getattr(request, PAGE_ATTR, None)
        if page is not None:
            scopes, max_age = scopes_for(page), settings.HTML_HTTP_MAX_AGE
        else:
            scopes, max_age = getattr(request, SCOPES_ATTR, None), 0
        if scopes is None or not is_storable(request, response, page):
            return response
        return response_cache.store(
            found.key,
            current=current,
            scopes=scopes,
            body=response.content,
            headers=[
                (name, value)
                for name, value in response.items()
                if name.lower() not in _OWN_HEADERS
            ],
            last_modified=built,
            max_age=max_age,
            timeout=settings.HTML_CACHE_SECONDS,
        ).respond(request)

    def serve_stored(self, request: HttpRequest, kind: str, scopes: list[str]) -> HttpResponse:
        """An API answer or feed its view stored, while fresh. The API's rate limit counts
        the request in the same round trip; a caller over it gets the view's 429."""
        if kind == "api":
            counter = ClientThrottle().counter(request)
            found = response_cache.lookup(request, scopes, counter=(counter.key, counter.timeout))
            setattr(request, COUNTED_ATTR, (counter.key, found.count))
            if not counter.allows(found.count):
                return self.get_response(request)
        else:
            found = response_cache.lookup(request, scopes)
        if found.entry is None:
            return self.get_response(request)
        return found.entry.respond(request)
