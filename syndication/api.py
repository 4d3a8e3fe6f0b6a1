"""The partner API, version 1: every resource, the change feed and search, on django-ninja."""

import datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router
from ninja.errors import HttpError
from pydantic import Field
from wagtail.api.v2.utils import get_full_url
from wagtail.api.v3.errors import problem_response, register_exception_handlers
from wagtail.models import Page

from cms.api.openapi import DescribedAPI
from cms.api.resources import BadParameter, aware, locale_for, register, reject_unknown_params
from cms.api.responses import cached_response
from cms.api.schemas import LocaleCode, Problem, Schema
from cms.api.serialize import api_url
from directory.api import resources as directory_resources
from districts.api import resource as district_resource
from projects.api import resource as project_resource
from publications.api import resources as publication_resources
from search.results import clean_query, run_search, specific_in_order
from syndication.access import ClientThrottle, PartnerKey
from syndication.models import ChangeEvent
from syndication.preview import router as preview_router
from syndication.registry import MODELS, resources

DESCRIPTION = """
Read-only content of the Institut für kommunale Planung und Entwicklung (IKPE), Erfurt:
projects, publications, interviews, district profiles and the people, organisations,
topics and series they refer to, in German (`de`) and English (`en`).

* **Keys** are optional: send `X-API-Key` for the higher partner rate limit. Anonymous
  callers share a lower limit per address; over it you get `429` with `Retry-After`.
* **Caching**: every response has a strong `ETag` and `Last-Modified`; send
  `If-None-Match` or `If-Modified-Since` and get `304` while nothing changed.
* **Sync** with `/changes/`: poll with the last `cursor` you saw to learn about
  published, updated, moved, unpublished and deleted items.
* **Errors** are `application/problem+json` and name the offending parameter.
"""

api = DescribedAPI(
    title="IKPE content API",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=PartnerKey(),
    throttle=[ClientThrottle()],
    docs_url="/docs/",
    openapi_url="/openapi.json",
)
register_exception_handlers(api)


@api.exception_handler(BadParameter)
def bad_parameter(request: HttpRequest, exc: BadParameter):
    return problem_response(status=400, detail=str(exc), errors=exc.errors)


for resource in [
    project_resource,
    *publication_resources,
    district_resource,
    *directory_resources,
]:
    router = Router(tags=[resource.name])
    register(router, resource, resources())
    api.add_router(f"/{resource.name}/", router)

api.add_router("/preview/", preview_router)


# -- change feed ----------------------------------------------------------------------

Resource = Literal[tuple(MODELS)]


class Change(Schema):
    cursor: int = Field(description="Pass as `since` to get the events after this one.")
    event: Literal[tuple(ChangeEvent.Kind.values)]
    type: Resource
    id: int
    translation_key: UUID
    locale: str
    time: datetime.datetime
    api_url: str | None = Field(description="Where to fetch the item; null once it is gone.")


class Changes(Schema):
    events: list[Change]
    next_since: int = Field(description="Cursor to poll with next.")
    has_more: bool


class ChangeParams(Schema):
    """Events after `since`: a cursor from an earlier answer, or an ISO 8601 time."""

    since: str | None = Field(None, description="Cursor (integer) or ISO 8601 time.")
    type: Resource | None = None
    locale: LocaleCode | None = None
    limit: int = Field(100, ge=1, le=500)


def _since(value: str | None) -> tuple[str, object]:
    if not value:
        return "id__gt", 0
    if value.isascii() and value.isdigit():  # "²".isdigit() too, but int() refuses it
        return "id__gt", int(value)
    try:
        return "occurred_at__gte", aware(datetime.datetime.fromisoformat(value))
    except ValueError as error:
        raise BadParameter("since", "Expected a cursor or an ISO 8601 time.") from error


def _cursor_before(lookup: str, since) -> int:
    """With nothing new, poll again from where the caller stands (not from the start)."""
    if lookup == "id__gt":
        return since
    last = ChangeEvent.objects.filter(occurred_at__lt=since).aggregate(last=Max("id"))["last"]
    return last or 0


@api.get(
    "/changes/",
    response={200: Changes, 400: Problem, 422: Problem},
    url_name="changes",
    tags=["sync"],
    summary="What changed since a cursor or time",
)
def changes(request: HttpRequest, params: Query[ChangeParams]):
    reject_unknown_params(request, ChangeParams)
    lookup, since = _since(params.since)

    def build() -> bytes:
        events = ChangeEvent.objects.filter(**{lookup: since})
        if params.type:
            events = events.filter(resource=params.type)
        if params.locale:
            events = events.filter(locale=params.locale)
        page = list(events.order_by("id")[: params.limit + 1])
        has_more = len(page) > params.limit
        page = page[: params.limit]
        gone = {ChangeEvent.Kind.DELETED, ChangeEvent.Kind.UNPUBLISHED}
        data = {
            "events": [
                {
                    "cursor": event.id,
                    "event": event.kind,
                    "type": event.resource,
                    "id": event.object_id,
                    "translation_key": event.translation_key,
                    "locale": event.locale,
                    "time": event.occurred_at,
                    "api_url": None
                    if event.kind in gone
                    else api_url(request, event.resource, event.object_id),
                }
                for event in page
            ],
            "next_since": page[-1].id if page else _cursor_before(lookup, since),
            "has_more": has_more,
        }
        return Changes.model_validate(data).model_dump_json().encode()

    return cached_response(request, ["changes"], build)


# -- search ---------------------------------------------------------------------------

PageResource = Literal["projects", "publications", "interviews", "districts"]


class Hit(Schema):
    type: PageResource
    id: int
    title: str
    locale: str
    teaser: str
    url: str
    api_url: str


class SearchResults(Schema):
    query: str
    count: int
    limit: int
    offset: int
    items: list[Hit]


class SearchParams(Schema):
    """Full-text search over projects, publications, interviews and districts."""

    q: str = Field(min_length=1, max_length=200, description="Search words.")
    locale: LocaleCode = "de"
    type: PageResource | None = None
    limit: int = Field(20, ge=1, le=50)
    offset: int = Field(0, ge=0, le=200)


@api.get(
    "/search/",
    response={200: SearchResults, 400: Problem, 422: Problem},
    url_name="search",
    tags=["search"],
    summary="Search all content types",
)
def search(request: HttpRequest, params: Query[SearchParams]):
    reject_unknown_params(request, SearchParams)
    query, _ = clean_query(params.q)
    if not query:
        raise BadParameter("q", "Enter at least one word.")
    locale = locale_for(params.locale)
    models = {model: name for model, name in resources().items() if issubclass(model, Page)}

    def build() -> bytes:
        hits = run_search(query, locale)
        # The type is known from the content type; only the shown slice is loaded whole.
        typed = [
            (name, hit)
            for hit in hits
            if (
                name := models.get(
                    ContentType.objects.get_for_id(hit.content_type_id).model_class()
                )
            )
            and params.type in (None, name)
        ]
        shown = typed[params.offset : params.offset + params.limit]
        names = {hit.pk: name for name, hit in shown}
        page = [(names[hit.pk], hit) for hit in specific_in_order([hit for _, hit in shown])]
        data = {
            "query": query,
            "count": len(typed),
            "limit": params.limit,
            "offset": params.offset,
            "items": [
                {
                    "type": name,
                    "id": hit.pk,
                    "title": hit.title,
                    "locale": params.locale,
                    "teaser": hit.get_teaser(),
                    "url": hit.get_full_url(request),
                    "api_url": api_url(request, name, hit.pk),
                }
                for name, hit in page
            ],
        }
        return SearchResults.model_validate(data).model_dump_json().encode()

    return cached_response(request, ["search"], build)


@api.get("/", auth=None, include_in_schema=False, url_name="root")
def root(request: HttpRequest):
    """An index for people who open /api/v1/ in a browser."""
    return {
        "documentation": get_full_url(request, reverse("api-v1:openapi-view")),
        "openapi": get_full_url(request, reverse("api-v1:openapi-json")),
        "resources": {
            name: get_full_url(request, reverse(f"api-v1:{name}-list")) for name in MODELS
        },
        "changes": get_full_url(request, reverse("api-v1:changes")),
        "search": get_full_url(request, reverse("api-v1:search")),
        "rate_limits": settings.API_RATE_LIMITS,
    }


__all__ = ["HttpError", "api"]
