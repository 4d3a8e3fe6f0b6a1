"""Site search: live, public pages of the reader's locale (the search issue extends this)."""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from wagtail.models import Page

from cms.i18n import active_locale
from cms.listing import paginate

MAX_QUERY_LENGTH = 200


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public().filter(locale=active_locale()).specific()
        results = pages.search(query)
    return TemplateResponse(
        request, "search/search.html", {"query": query, **paginate(request, results, per_page=10)}
    )
