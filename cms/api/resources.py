"""List, detail and by-slug endpoints for one resource, built the same way for all eight.

A resource module declares its schema, query parameters, filters and serialiser; this
module turns that into cached, validated endpoints with locale fallback and a fixed
query count.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import F, Model, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from modelcluster.models import ClusterableModel, get_all_child_relations
from ninja import Query, Router
from ninja.errors import HttpError
from pydantic import Field
from wagtail.api.v2.utils import get_full_url
from wagtail.models import Locale, Page, TranslatableMixin

from cms.api.responses import cached_response
from cms.api.schemas import Listing, LocaleCode, Problem, Schema, Timestamp, aware
from cms.api.serialize import Batch, PageKey, api_url
from cms.api.visibility import visible_pages
from cms.i18n import locale_by_code
from cms.page_urls import page_full_url
from cms.response_cache import cached_count

MAX_LIMIT = 50
# Far beyond any list here, and far below the 64-bit OFFSET the databases accept.
MAX_OFFSET = 1_000_000


class ListParams(Schema):
    locale: LocaleCode = Field("de", description="Language of the items.")
    fallback: Literal["de"] | None = Field(
        None,
        description="Fill gaps with the German original (marked by `locale` ≠ "
        "`requested_locale`). Without it only real translations are listed.",
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Page size, 1–{MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    updated_since: Timestamp | None = Field(
        None, description="ISO 8601; items changed at or after this time."
    )


class SlugParams(Schema):
    locale: LocaleCode = "de"
    fallback: Literal["de"] | None = None


class BadParameter(HttpError):
    """400 naming the parameter: the exception handler turns ``errors`` into the body."""

    def __init__(self, param: str, message: str):
        super().__init__(400, message)
        self.errors = [{"loc": ["query", param], "msg": message}]


def reject_unknown_params(request: HttpRequest, params: type[Schema]) -> None:
    unknown = sorted(set(request.GET) - set(params.model_fields))
    if unknown:
        raise BadParameter(unknown[0], f"Unknown query parameter “{unknown[0]}”.")


def locale_for(code: str) -> Locale:
    try:
        return locale_by_code(code)
    except Locale.DoesNotExist as error:
        raise BadParameter("locale", f"No content in locale “{code}”.") from error


@dataclass
class Resource:
    """Everything the generic endpoints need to know about one resource."""

    name: str
    model: type[Model]
    schema: type[Schema]
    serialize: Callable[[Model, Batch], dict]
    params: type[ListParams] = ListParams
    filter: Callable[[QuerySet, Any], QuerySet] = lambda queryset, params: queryset
    # Only where an ``ordering`` value is not simply a field name (e.g. a tie-breaker).
    orderings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()
    detail_schema: type[Schema] | None = None
    serialize_detail: Callable[[Model, Batch], dict] | None = None
    slug_field: str = "slug"

    @property
    def is_page(self) -> bool:
        return issubclass(self.model, Page)

    @property
    def updated_field(self) -> str:
        """The model field behind the items' ``last_updated_at``."""
        return "last_published_at" if self.is_page else "updated_at"

    def order_by(self, ordering: str | None) -> tuple[str, ...]:
        """The ``ordering`` values are field names, ``last_updated_at`` included."""
        if not ordering:
            return ()
        if ordering in self.orderings:
            return self.orderings[ordering]
        return (ordering.replace("last_updated_at", self.updated_field),)

    def base_queryset(self) -> QuerySet:
        queryset = self.model._default_manager.all()
        if self.is_page:
            queryset = visible_pages(queryset)
        return queryset

    def in_locale(self, queryset: QuerySet, locale: Locale, fallback: Locale | None) -> QuerySet:
        """Items in ``locale``; with a fallback, originals of those not translated yet."""
        if fallback is None or fallback == locale:
            return queryset.filter(locale=locale)
        translated = queryset.filter(locale=locale).values("translation_key")
        return queryset.filter(
            Q(locale=locale) | (Q(locale=fallback) & ~Q(translation_key__in=translated))
        )

    def fetch(self, queryset: QuerySet) -> list[Model]:
        """The items with their related rows (``prefetch_related``), one query per relation."""
        items = list(queryset.select_related("locale", *self.select_related))
        fetch_related(items, self.prefetch_related)
        return items

    def fetch_one(self, queryset: QuerySet) -> QuerySet:
        """For a detail: its related rows are prefetched only when its response is built."""
        return queryset.select_related("locale", *self.select_related)


def item_base(obj: TranslatableMixin, batch: Batch, resource: str) -> dict:
    """The fields every item shares; translations are filled in by the batch."""
    is_page = isinstance(obj, Page)
    return {
        "id": obj.pk,
        "translation_key": obj.translation_key,
        "locale": obj.locale.language_code,
        "requested_locale": None,
        "translations": batch.translations(obj),
        "api_url": api_url(batch.request, resource, obj.pk),
        "url": page_full_url(batch.request, obj.url_path) if is_page else None,
        "first_published_at": obj.first_published_at if is_page else obj.created_at,
        "last_updated_at": obj.last_published_at if is_page else obj.updated_at,
    }


def page_base(page: Page, batch: Batch, resource: str) -> dict:
    return {
        **item_base(page, batch, resource),
        "title": page.title,
        "slug": page.slug,
        "teaser": page.get_teaser(),
        "search_description": page.search_description,
        "listing_image": batch.image(page.listing_image_id),
    }


def _page_url(request: HttpRequest, offset: int, count: int, limit: int) -> str | None:
    if offset < 0 or offset >= count:
        return None
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return get_full_url(request, f"{request.path}?{query.urlencode()}")


def register(router: Router, resource: Resource, resources: dict[type, str]) -> None:
    """Add ``GET /``, ``GET /{id}/`` and ``GET /by-slug/{slug}/`` for ``resource``."""
    params_schema = resource.params
    detail_schema = resource.detail_schema or resource.schema
    serialize_detail = resource.serialize_detail or resource.serialize
    name = resource.name
    verbose = name

    def render(request: HttpRequest, build: Callable[[], Any], schema) -> HttpResponse:
        return cached_response(
            request, [name], lambda: schema.model_validate(build()).model_dump_json().encode()
        )

    @router.get(
        "/",
        response={200: Listing[resource.schema], 400: Problem, 422: Problem},
        url_name=f"{name}-list",
        operation_id=f"list_{name}",
        summary=f"List {verbose}",
        description=(params_schema.__doc__ or "").strip(),
    )
    def listing(request: HttpRequest, params: Query[params_schema]):
        reject_unknown_params(request, params_schema)

        def build() -> dict:
            locale = locale_for(params.locale)
            fallback = locale_for(params.fallback) if params.fallback else None
            queryset = resource.in_locale(resource.base_queryset(), locale, fallback)
            queryset = resource.filter(queryset, params)
            if params.updated_since:
                queryset = queryset.filter(
                    **{f"{resource.updated_field}__gte": aware(params.updated_since)}
                )
            ordering = getattr(params, "ordering", None)
            queryset = queryset.order_by(*resource.order_by(ordering), "pk")
            count = cached_count(queryset, [name])
            page = resource.fetch(queryset[params.offset : params.offset + params.limit])
            batch = Batch(request, locale, resources)
            items = []
            for obj in page:
                data = resource.serialize(obj, batch)
                data["requested_locale"] = params.locale
                items.append(data)
            return {
                "count": count,
                "limit": params.limit,
                "offset": params.offset,
                "next": _page_url(request, params.offset + params.limit, count, params.limit),
                "previous": _page_url(
                    request, max(params.offset - params.limit, 0), count, params.limit
                )
                if params.offset
                else None,
                "items": batch.resolve(items),
            }

        return render(request, build, Listing[resource.schema])

    def detail_response(request: HttpRequest, get_obj: Callable[[], Model]) -> HttpResponse:
        def build() -> dict:
            # The item and its related rows only when the response is built: a cached
            # response exists only for an item that was visible when it was built, and
            # every change that could hide it retires the cache entry.
            obj = get_obj()
            fetch_related([obj], resource.prefetch_related)
            batch = Batch(request, obj.locale, resources)
            return batch.resolve(serialize_detail(obj, batch))

        return render(request, build, detail_schema)

    @router.get(
        "/{int:item_id}/",
        response={200: detail_schema, 404: Problem},
        url_name=f"{name}-detail",
        operation_id=f"get_{name}",
        summary=f"One of the {verbose}, by id",
    )
    def detail(request: HttpRequest, item_id: int):
        reject_unknown_params(request, Schema)
        return detail_response(
            request,
            lambda: get_object_or_404(resource.fetch_one(resource.base_queryset()), pk=item_id),
        )

    @router.get(
        "/by-slug/{slug}/",
        response={200: detail_schema, 400: Problem, 404: Problem, 422: Problem},
        url_name=f"{name}-slug",
        operation_id=f"get_{name}_by_slug",
        summary=f"One of the {verbose}, by slug",
    )
    def by_slug(request: HttpRequest, slug: str, params: Query[SlugParams]):
        reject_unknown_params(request, SlugParams)
        locale = locale_for(params.locale)
        fallback = locale_for(params.fallback) if params.fallback else None
        queryset = resource.in_locale(resource.base_queryset(), locale, fallback)
        matches = list(resource.fetch_one(queryset.filter(**{resource.slug_field: slug})))
        matches.sort(key=lambda obj: obj.locale_id != locale.pk)
        if not matches:
            raise HttpError(404, f"No {resource.model._meta.verbose_name} with slug “{slug}”.")
        return detail_response(request, lambda: matches[0])


def fetch_related(items: list[Model], lookups: Iterable[Prefetch | str]) -> None:
    """Prefetch ``lookups`` for ``items``; an inline panel's rows are kept where the
    page's own in-memory relations live.

    A page's inline rows are modelcluster relations, which read those rows first (a
    preview's unsaved rows live there too). Django's ``prefetch_related`` instead cloned a
    queryset and built a related manager per item and relation, which took longer than the
    query: 80 of each for a list of 20 publications.
    """
    if not items:
        return
    rest = []
    by_pk = {item.pk: item for item in items}
    for lookup in lookups:
        relation = _child_relation(type(items[0]), lookup)
        if relation is None:
            rest.append(lookup)
            continue
        rows: dict[Any, list[Model]] = {pk: [] for pk in by_pk}
        key = relation.field.attname
        for row in lookup.queryset.filter(**{f"{key}__any_of": list(by_pk)}):
            rows[getattr(row, key)].append(row)
        for pk, item in by_pk.items():
            item.__dict__.setdefault("_cluster_related_objects", {})[lookup.prefetch_to] = rows[pk]
    if rest:
        prefetch_related_objects(items, *rest)


def _child_relation(model: type[Model], lookup: Prefetch | str):
    """The modelcluster child relation ``lookup`` prefetches, if it is one."""
    if not (isinstance(lookup, Prefetch) and lookup.queryset is not None):
        return None
    if not issubclass(model, ClusterableModel):
        return None
    relations = get_all_child_relations(model)
    return next((rel for rel in relations if rel.get_accessor_name() == lookup.prefetch_to), None)


def inline_rows(name: str, model: type[Model], *related: str) -> Prefetch:
    """An inline panel's rows in the editor's order.

    The primary key breaks ties: rows created outside the admin have no ``sort_order``, and
    without it the order was the table's physical one, which differs between a database
    and its restored backup (found by tests/test_backup_restore.py).
    """
    return Prefetch(name, model.objects.select_related(*related).order_by("sort_order", "pk"))


def page_links(name: str, model: type[Model], target: str, *fields: str) -> Prefetch:
    """Rows linking to pages, with the linked page's translation key and locale instead of
    the page (``linked_pages`` reads them); ``fields`` of that page come along as
    ``target_<field>`` (a district's AGS)."""
    columns = {
        "target_key": F(f"{target}__translation_key"),
        "target_locale": F(f"{target}__locale_id"),
        **{f"target_{column}": F(f"{target}__{column}") for column in fields},
    }
    return Prefetch(name, model.objects.annotate(**columns).order_by("sort_order", "pk"))


def linked_pages(rows: Iterable[Model], target: str, *fields: str) -> list[tuple[PageKey, dict]]:
    """The page each row points to, with its ``fields``, from rows ``page_links`` fetched.

    Rows fetched otherwise (a preview's unsaved inline rows) read the page itself.
    """
    links = []
    for row in rows:
        if hasattr(row, "target_key"):
            key = PageKey(row.target_key, row.target_locale)
            values = {column: getattr(row, f"target_{column}") for column in fields}
        else:
            page = getattr(row, target)
            key = PageKey(page.translation_key, page.locale_id)
            values = {column: getattr(page, column) for column in fields}
        links.append((key, values))
    return links


def translation_key_of(model: type[Model], param: str, value: str, *fields: str):
    """Resolve a filter value (an id, or one of ``fields``) to the item's translation key."""
    lookups = Q(pk=int(value)) if value.isascii() and value.isdigit() else Q()
    for name in fields:
        lookups |= Q(**{f"{name}__iexact": value})
    queryset = model._default_manager.filter(lookups) if lookups else model._default_manager.none()
    if issubclass(model, Page):
        queryset = visible_pages(queryset)
    key = queryset.values_list("translation_key", flat=True).first()
    if key is None:
        raise BadParameter(param, f"Nothing matches {param}=“{value}”.")
    return key
