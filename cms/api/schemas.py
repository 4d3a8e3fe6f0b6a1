"""Shapes every resource shares: references, media, translations, blocks, listings."""

import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

import ninja
from django.utils import timezone
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    model_validator,
)

LocaleCode = Literal["de", "en"]


def iso_8601(value: object) -> object:
    """Text must be ISO 8601: pydantic alone would read ``0.5`` as seconds since 1970."""
    if isinstance(value, str):
        datetime.datetime.fromisoformat(value)  # ValueError: a 422 naming the parameter
    return value


def aware(value: datetime.datetime) -> datetime.datetime:
    """The moment in UTC (naive means the site's time zone); ValueError if there is none.

    ``0001-01-01T00:00+14:00`` is valid ISO 8601 but lies before year 1 in UTC (the
    driver would raise OverflowError), and PostgreSQL refuses offsets beyond ±15:59 that
    Python accepts, such as ``-23:14``: both were 500s.
    """
    value = timezone.make_aware(value) if timezone.is_naive(value) else value
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("Time out of range.") from error


Timestamp = Annotated[datetime.datetime, BeforeValidator(iso_8601), AfterValidator(aware)]


class Schema(ninja.Schema):
    """django-ninja's schema, reading dicts as dicts.

    ninja wraps every value it validates in its ``DjangoGetter`` so that model instances
    can be read by attribute, and the getter then looks up each field one call at a time.
    The serialisers hand it dicts: a list of 20 publications holds about 240 of them,
    and the getter's lookups took an eighth of building the list. Anything else (and any
    schema with ``resolve_…`` methods) still goes through the getter. Values in a dict are
    taken as they are: the getter would call a callable and list a manager or queryset, so
    serialisers hand over plain values.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(
        cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo
    ) -> Any:
        if type(values) is dict and not cls._ninja_resolvers:
            return handler(values)
        return super()._run_root_validator(values, handler, info)


class Ref(Schema):
    """A related item, compact: enough to link to it and to fetch it whole."""

    id: int
    title: str
    locale: str
    url: str | None = Field(None, description="Absolute website URL, where the item has a page.")
    api_url: str | None


class DistrictRef(Ref):
    ags: str = Field(description="Official municipality key (Amtlicher Gemeindeschlüssel).")


class Rendition(Schema):
    url: str
    width: int
    height: int


class Image(Schema):
    id: int
    title: str
    alt: str
    width: int
    height: int
    renditions: dict[Literal["thumbnail", "large"], Rendition]


class Document(Schema):
    id: int
    title: str
    url: str
    size: int | None = Field(description="Bytes.")
    mime_type: str


class Translation(Schema):
    locale: str
    id: int
    url: str | None
    api_url: str


class Item(Schema):
    """Fields every item carries, page or snippet."""

    id: int
    translation_key: UUID = Field(description="Shared by all translations of the item.")
    locale: str
    requested_locale: str | None = Field(
        None, description="Set on listings; differs from `locale` where a fallback was served."
    )
    translations: list[Translation] = Field(description="Other published translations.")
    api_url: str
    url: str | None = Field(description="Canonical, absolute website URL.")
    first_published_at: datetime.datetime | None
    last_updated_at: datetime.datetime | None


class PageItem(Item):
    title: str
    slug: str
    teaser: str = Field(description="Plain text for listings.")
    search_description: str
    listing_image: Image | None


# StreamField blocks: one typed value per block type.
class HeadingValue(Schema):
    text: str
    level: Literal["h2", "h3"]


class FigureValue(Schema):
    image: Image | None
    caption: str | None = None


class QuoteValue(Schema):
    text: str
    attribution: str | None = None


class DocumentValue(Schema):
    document: Document | None
    title: str | None = None


class QuestionAnswerValue(Schema):
    question: str
    answer: str = Field(description="HTML")


def _block(name: str, value: Any, description: str = "") -> type[Schema]:
    return type(
        f"{name.title().replace('_', '')}Block",
        (Schema,),
        {
            "__annotations__": {"type": Literal[name], "id": str | None, "value": value},
            "__doc__": description or None,
        },
    )


Block = Annotated[
    _block("heading", HeadingValue)
    | _block("paragraph", str, "Rich text as HTML with absolute links.")
    | _block("image", FigureValue)
    | _block("quote", QuoteValue)
    | _block("document", DocumentValue)
    | _block("question_answer", QuestionAnswerValue),
    Field(discriminator="type"),
]

T = TypeVar("T")


class Listing(Schema, Generic[T]):
    count: int = Field(description="Items matching the query, across all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, if any.")
    previous: str | None
    items: list[T]


class Problem(Schema):
    """RFC 9457 problem details; `errors` names the offending parameters."""

    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[dict[str, Any]] | None = None
