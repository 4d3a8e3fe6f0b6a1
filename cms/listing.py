"""Pagination and filter choices shared by the listing pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest

from cms.i18n import active_locale
from cms.response_cache import cached_count

DEFAULT_PAGE_SIZE = 12


@dataclass
class FilterField:
    """One select box of a listing's filter form; rendered by cms/includes/filters.html."""

    name: str
    label: str
    all_label: str
    options: list[tuple[str, str]]
    selected: str


def number_param(value: str, maximum: int) -> int | None:
    """A filter value as a number, or None: ``str.isdigit`` also accepts digits such as
    '²' that ``int`` refuses, and a year or id beyond the database's range raises there."""
    if value.isascii() and value.isdigit() and int(value) <= maximum:
        return int(value)
    return None


class CountedPaginator(Paginator):
    """Counts through ``cached_count``: the number of pages is read on every page of a
    listing, and counting grows with the corpus."""

    def __init__(self, queryset, per_page: int, scopes: Iterable[str]):
        super().__init__(queryset, per_page)
        self.scopes = list(scopes)

    @cached_property
    def count(self) -> int:
        return cached_count(self.object_list, self.scopes)


def paginate(
    request: HttpRequest, queryset, per_page: int = DEFAULT_PAGE_SIZE, scopes: Iterable[str] = ()
) -> dict:
    """Invalid or out-of-range page numbers show the nearest valid page instead of a 404.

    With ``scopes`` (what the listed pages and filters depend on), the count is kept until
    one of them changes."""
    if scopes:
        paginator = CountedPaginator(queryset, per_page, scopes)
    else:
        paginator = Paginator(queryset, per_page)
    page: PaginatorPage = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": page,
        "paginator": paginator,
        # The first and last page and two on each side of this one, with gaps between:
        # a link to every page grew with the corpus (1,250 links per listing page).
        "page_numbers": list(
            paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ),
        "query_string": query.urlencode(),
    }


def listing_filter_options(topic_link: type[Model], district_link: type[Model]) -> dict:
    """Topics and districts that are actually used, in the active locale, for filter menus."""
    topic_model = topic_link._meta.get_field("topic").related_model
    district_model = district_link._meta.get_field("district").related_model
    locale = active_locale()
    topic_keys = topic_link.objects.values("topic__translation_key")
    district_keys = district_link.objects.values("district__translation_key")
    return {
        "topics": topic_model.objects.filter(locale=locale, translation_key__in=topic_keys),
        "districts": district_model.objects.live()
        .filter(locale=locale, translation_key__in=district_keys)
        .order_by("title"),
    }
