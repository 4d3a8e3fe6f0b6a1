"""Site search: the reader's locale, facets, highlighted snippets and title suggestions."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from wagtail.models import Locale

from cms.i18n import active_locale
from cms.listing import paginate
from cms.page_cache import share_response
from search.backends import backend_for_language
from search.results import (
    MAX_QUERY_LENGTH,
    clean_query,
    count_results,
    facet_and_filter,
    highlight,
    run_search,
    search_terms,
    searchable_pages,
    specific_in_order,
)

FACETS = ("type", "year", "topic", "district")
MAX_SUGGESTIONS = 8


def search(request: HttpRequest) -> HttpResponse:
    # Kept for anonymous readers until anything is published, changed or removed.
    share_response(request, ["search"])
    query, truncated = clean_query(request.GET.get("q", ""))
    selected = {name: request.GET.get(name, "")[:100] for name in FACETS}
    locale = active_locale()
    context = {
        "query": query,
        "truncated": truncated,
        "max_query_length": MAX_QUERY_LENGTH,
        "selected": selected,
        "other_languages": [],
    }
    hits = run_search(query, locale) if query else []
    outcome = facet_and_filter(hits, locale, selected)
    page = paginate(request, outcome.hits, per_page=10)
    page["items"].object_list = specific_in_order(page["items"].object_list)
    for result in page["items"]:
        result.snippet = highlight(result.get_search_summary(), query)
    if query:
        for other in Locale.objects.exclude(pk=locale.pk):
            count = count_results(query, other)
            if count:
                with translation.override(other.language_code):
                    url = reverse("search")
                context["other_languages"].append(
                    {
                        "code": other.language_code,
                        "name": other.get_display_name(),
                        "count": count,
                        "url": url,
                    }
                )
    context.update(page, facets=outcome.facets, total=len(outcome.hits))
    if query and not outcome.hits:
        context["suggestions"] = suggest_titles(query, locale)
    return TemplateResponse(request, "search/search.html", context)


def suggest_titles(query: str, locale: Locale) -> list[dict]:
    terms = search_terms(query)
    if not terms:
        return []
    backend = backend_for_language(locale.language_code)
    pages = backend.autocomplete(terms, searchable_pages(locale), fields=["title"])
    return [{"title": page.title, "url": page.url} for page in pages[:MAX_SUGGESTIONS]]


def suggestions(request: HttpRequest) -> JsonResponse:
    """Title suggestions for the search box; the form works without them."""
    query, _truncated = clean_query(request.GET.get("q", ""))
    items = suggest_titles(query, active_locale()) if len(query) >= 2 else []
    response = JsonResponse({"query": query, "language": get_language(), "suggestions": items})
    response["Cache-Control"] = "public, max-age=60"
    return response
