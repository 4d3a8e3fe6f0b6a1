"""Error answers that stay honest when a request is bad or a backing service is down.

* A lost database connection is an outage, not a bug: readers get a ``503`` page (API
  clients a problem JSON) with ``Retry-After`` instead of the generic ``500``, and the next
  request after the database is back is served normally (``conn_health_checks`` lets
  Django drop the broken connection).
* ``/api/`` answers in ``application/problem+json`` even where Django, not the API,
  decides the answer (an unknown path, a refused request, an outage), so partner
  clients can parse every error the same way.
* NUL characters in the URL are refused up front: PostgreSQL cannot store them in a text
  value and raises on any query that carries one, which would be a ``500``.
"""

import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from wagtail.api.v3.errors import problem_response

from cms import views

# What a refused, dropped or timed-out database connection raises (both backends).
DATABASE_OUTAGE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def reject_nul_characters(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Middleware: ``400`` for a path or query string with a NUL character."""

    def middleware(request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return bad_request(request)
        return get_response(request)

    return middleware


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem_response(status=400, detail="Malformed request.")
    with translation.override(_language(request)):
        return defaults.bad_request(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return problem_response(status=404, detail="No such API endpoint or item.")
    return views.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while the exception is being handled."""
    if isinstance(sys.exc_info()[1], DATABASE_OUTAGE):
        return service_unavailable(request)
    if is_api(request):
        return problem_response(status=500, detail="Internal server error.")
    return views.server_error(request)


def _language(request: HttpRequest) -> str:
    """The reader's language from the URL, cookie or browser: no database involved."""
    return translation.get_language_from_request(request, check_path=True)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """``503`` with ``Retry-After``; rendered without the database or context processors."""
    if is_api(request):
        response = problem_response(
            status=503,
            detail="The content database is unavailable; retry after a short wait.",
        )
    else:
        with translation.override(_language(request)):
            body = loader.get_template("503.html").render()
            response = HttpResponse(body, status=503)
            response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Neither the CDN nor the browser may keep the outage page.
    add_never_cache_headers(response)
    return response
