"""Turn a page of items into API data with a fixed number of queries.

Serialisers walk their items and leave ``Deferred`` placeholders wherever they need
something from another table: an image with renditions, a document, rich text to expand,
a related item in the reader's locale. ``Batch.resolve`` then fetches each kind once for
the whole page and fills the placeholders in, so 50 items cost what one item costs.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
from wagtail import blocks
from wagtail.api.utils import get_base_url, get_full_url
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.models import Locale, Page
from wagtail.rich_text import expand_db_html

from cms import renditions
from cms.api.visibility import visible_pages
from cms.i18n import language_code_for, localized_many
from cms.page_urls import page_full_url

# Rendition filter specs every image is delivered in (the shared list, pre-generated).
RENDITIONS = {name: renditions.spec(name) for name in renditions.API_RENDITIONS}
_SPLIT = "<!--ikpe-api-split-->"
_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*)"')


@dataclass(eq=False)
class Deferred:
    kind: str
    key: Any
    extra: dict = field(default_factory=dict)


class PageRow(NamedTuple):
    """What references and translation lists show of a related page."""

    pk: int
    title: str
    url_path: str
    locale_id: int
    translation_key: UUID
    content_type_id: int


@dataclass(frozen=True)
class PageKey:
    """A related page as a reference needs it: which page, in which locale.

    Link rows carry these instead of the pages they point to; a list of 20 publications
    otherwise built a hundred whole project and district pages only to read two fields.
    """

    translation_key: UUID
    locale_id: int


def api_url(request: HttpRequest, resource: str, pk: int) -> str:
    """A detail URL: its list URL plus the id, as ``cms.api.resources.register`` routes it.

    A list of 20 items links a few hundred items; reversing each URL cost more than the
    database did.
    """
    base = getattr(request, "_api_base_url", None)
    if base is None:
        base = request._api_base_url = get_base_url(request) or ""
    return f"{base}{_list_path(resource, get_script_prefix())}{pk}/"


@cache
def _list_path(resource: str, script_prefix: str) -> str:
    return reverse(f"api-v1:{resource}-list")


class Batch:
    """Collects what a page of items refers to and fetches each kind in one query."""

    def __init__(self, request: HttpRequest, locale: Locale, resources: dict[type, str]):
        self.request = request
        self.locale = locale
        self.resources = resources
        self._wanted: dict[str, list[Deferred]] = defaultdict(list)
        self._page_keys: set[UUID] = set()
        self._pages: dict[UUID, list[PageRow]] | None = None

    # -- placeholders ----------------------------------------------------------------

    def _defer(self, kind: str, key: Any, **extra) -> Deferred:
        slot = Deferred(kind, key, extra)
        self._wanted[kind].append(slot)
        return slot

    def image(self, image_id: int | None, alt: str | None = None) -> Deferred | None:
        return self._defer("image", image_id, alt=alt) if image_id else None

    def document(self, document_id: int | None) -> Deferred | None:
        return self._defer("document", document_id) if document_id else None

    def rich_text(self, html: str | None) -> Deferred | str:
        return self._defer("rich_text", html) if html else ""

    def ref(self, obj: Model | PageKey | None, **extra) -> Deferred | None:
        """A related item as a compact object, in the reader's locale where translated."""
        if obj is None:
            return None
        is_page = isinstance(obj, Page | PageKey)
        return self._defer("page_ref" if is_page else "ref", obj, **extra)

    def translations(self, obj: Model) -> Deferred:
        return self._defer("translations", obj)

    def stream(self, value, stream_block: blocks.StreamBlock | None = None) -> list[dict]:
        """StreamField as typed blocks, read from the raw JSON so images batch too."""
        stream_block = stream_block or value.stream_block
        out = []
        for raw in value.raw_data:
            block = stream_block.child_blocks.get(raw["type"])
            if block is None:  # a block type removed from the code
                continue
            out.append(
                {
                    "type": raw["type"],
                    "id": raw.get("id"),
                    "value": self._block(block, raw["value"]),
                }
            )
        return out

    def _block(self, block: blocks.Block, raw: Any) -> Any:
        if isinstance(block, ImageBlock):
            if isinstance(raw, dict):
                alt = "" if raw.get("decorative") else raw.get("alt_text")
                return self.image(raw.get("image"), alt=alt)
            return self.image(raw)
        if isinstance(block, ImageChooserBlock):
            return self.image(raw)
        if isinstance(block, DocumentChooserBlock):
            return self.document(raw)
        if isinstance(block, blocks.RichTextBlock):
            return self.rich_text(raw)
        if isinstance(block, blocks.StructBlock):
            raw = raw or {}
            return {
                name: self._block(child, raw.get(name))
                for name, child in block.child_blocks.items()
            }
        if isinstance(block, blocks.ListBlock):
            items = [
                item["value"] if isinstance(item, dict) and "value" in item else item
                for item in raw or []
            ]
            return [self._block(block.child_block, item) for item in items]
        if isinstance(block, blocks.StreamBlock):
            return [
                {
                    "type": item["type"],
                    "id": item.get("id"),
                    "value": self._block(block.child_blocks[item["type"]], item["value"]),
                }
                for item in raw or []
                if item["type"] in block.child_blocks
            ]
        return raw

    # -- resolution ------------------------------------------------------------------

    def resolve(self, data: Any) -> Any:
        """Fetch everything the placeholders name and return ``data`` with values in."""
        # Related pages and the translations of listed pages come from one query.
        self._page_keys = {slot.key.translation_key for slot in self._wanted["page_ref"]} | {
            slot.key.translation_key
            for slot in self._wanted["translations"]
            if isinstance(slot.key, Page)
        }
        self._pages = None
        values: dict[int, Any] = {}
        for kind, slots in self._wanted.items():
            if slots:
                values.update(getattr(self, f"_resolve_{kind}")(slots))
        self._wanted.clear()
        return _fill(data, values)

    def _visible_pages(self) -> dict[UUID, list[PageRow]]:
        """Visible pages (all locales) of every translation key a related page or a
        listed page's translations need, by key; as rows, not pages (a list links
        about a hundred of them, and building Page objects cost more than the query)."""
        if self._pages is None:
            self._pages = defaultdict(list)
            pages = visible_pages(
                Page.objects.filter(translation_key__any_of=list(self._page_keys))
            )
            for row in pages.values_list(*PageRow._fields):
                page = PageRow(*row)
                self._pages[page.translation_key].append(page)
        return self._pages

    def _resolve_image(self, slots: list[Deferred]) -> dict[int, Any]:
        images = get_image_model().objects.filter(pk__in={s.key for s in slots})
        by_id = {image.pk: image for image in images.prefetch_renditions(*RENDITIONS.values())}
        out = {}
        for slot in slots:
            image = by_id.get(slot.key)
            out[id(slot)] = self._image_data(image, slot.extra.get("alt")) if image else None
        return out

    def _image_data(self, image, alt: str | None) -> dict:
        renditions = image.get_renditions(*RENDITIONS.values())
        return {
            "id": image.pk,
            "title": image.title,
            "alt": alt if alt is not None else (image.default_alt_text or ""),
            "width": image.width,
            "height": image.height,
            "renditions": {
                name: {
                    "url": get_full_url(self.request, renditions[spec].url),
                    "width": renditions[spec].width,
                    "height": renditions[spec].height,
                }
                for name, spec in RENDITIONS.items()
            },
        }

    def _resolve_document(self, slots: list[Deferred]) -> dict[int, Any]:
        documents = get_document_model().objects.in_bulk({s.key for s in slots})
        out = {}
        for slot in slots:
            doc = documents.get(slot.key)
            out[id(slot)] = (
                {
                    "id": doc.pk,
                    "title": doc.title,
                    "url": get_full_url(self.request, doc.url),
                    "size": doc.get_file_size(),
                    "mime_type": doc.content_type,
                }
                if doc
                else None
            )
        return out

    def _resolve_rich_text(self, slots: list[Deferred]) -> dict[int, Any]:
        # One expansion for all fragments: link lookups are batched per call.
        expanded = expand_db_html(_SPLIT.join(slot.key for slot in slots)).split(_SPLIT)
        base = get_full_url(self.request, "/").rstrip("/")
        return {
            id(slot): _RELATIVE_URL.sub(rf'\g<1>{base}\g<2>"', html)
            for slot, html in zip(slots, expanded, strict=True)
        }

    def _resolve_translations(self, slots: list[Deferred]) -> dict[int, Any]:
        """The other published translations of each item, one query per kind of item."""
        by_model: dict[type, list[Deferred]] = defaultdict(list)
        for slot in slots:
            by_model[Page if isinstance(slot.key, Page) else type(slot.key)].append(slot)
        out = {}
        for model, model_slots in by_model.items():
            if model is Page:
                siblings = self._visible_pages()
            else:
                siblings = defaultdict(list)
                others = model._default_manager.filter(
                    translation_key__in={s.key.translation_key for s in model_slots}
                )
                for other in others:
                    siblings[other.translation_key].append(other)
            for slot in model_slots:
                resource = self._resource_of(slot.key)
                out[id(slot)] = [
                    {
                        "locale": language_code_for(other.locale_id),
                        "id": other.pk,
                        "url": page_full_url(self.request, other.url_path)
                        if model is Page
                        else None,
                        "api_url": api_url(self.request, resource, other.pk),
                    }
                    for other in siblings[slot.key.translation_key]
                    if other.pk != slot.key.pk
                ]
        return out

    def _resource_of(self, obj: Model | PageRow) -> str | None:
        if isinstance(obj, PageRow) or type(obj) is Page:
            model = ContentType.objects.get_for_id(obj.content_type_id).model_class()
        else:
            model = type(obj)
        return self.resources.get(model)

    def _resolve_ref(self, slots: list[Deferred]) -> dict[int, Any]:
        """Related snippets in the reader's locale where translated (one query per model)."""
        by_model: dict[type, list[Deferred]] = defaultdict(list)
        for slot in slots:
            by_model[type(slot.key)].append(slot)
        out = {}
        for model, model_slots in by_model.items():
            targets = localized_many([slot.key for slot in model_slots], self.locale)
            for slot, obj in zip(model_slots, targets, strict=True):
                out[id(slot)] = {
                    "id": obj.pk,
                    "title": str(obj),
                    "locale": language_code_for(obj.locale_id),
                    "url": None,
                    "api_url": api_url(self.request, self.resources[model], obj.pk),
                    **slot.extra,
                }
        return out

    def _resolve_page_ref(self, slots: list[Deferred]) -> dict[int, Any]:
        """Related pages in the reader's locale, else the original; hidden ones drop out."""
        found = {
            (page.translation_key, page.locale_id): page
            for pages in self._visible_pages().values()
            for page in pages
        }
        out = {}
        for slot in slots:
            original = slot.key
            page = found.get((original.translation_key, self.locale.pk)) or found.get(
                (original.translation_key, original.locale_id)
            )
            out[id(slot)] = self._page_ref(page, slot.extra) if page else None
        return out

    def _page_ref(self, page: PageRow, extra: dict) -> dict:
        resource = self._resource_of(page)
        return {
            "id": page.pk,
            "title": page.title,
            "locale": language_code_for(page.locale_id),
            "url": page_full_url(self.request, page.url_path),
            "api_url": api_url(self.request, resource, page.pk) if resource else None,
            **extra,
        }


def _fill(data: Any, values: dict[int, Any]) -> Any:
    if isinstance(data, Deferred):
        return values.get(id(data))
    if isinstance(data, dict):
        return {key: _fill(value, values) for key, value in data.items()}
    if isinstance(data, list):
        filled = [_fill(item, values) for item in data]
        # Related items that turned out hidden vanish from lists instead of leaving nulls.
        return [
            item
            for item, raw in zip(filled, data, strict=True)
            if not (item is None and isinstance(raw, Deferred))
        ]
    return data


def refs(batch: Batch, objects: Iterable[Model | None], **extra) -> list:
    return [batch.ref(obj, **extra) for obj in objects if obj is not None]
