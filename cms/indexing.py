"""Text of related objects for the search index, in the indexed page's own language."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import Model

from cms.i18n import localized_many

_remembered: ContextVar[dict | None] = ContextVar("remembered_related_text", default=None)


@contextmanager
def related_text_once() -> Iterator[None]:
    """Inside, each page's related text is looked up once per relation.

    Wagtail's indexers read every search field once per thing they build (title, body,
    autocomplete, and on PostgreSQL two plain texts), so a publication's people, districts
    and topics were queried five times each time it was indexed (at 100,000 pages: 33 ms
    and 28 queries per publication, 11 ms and 9 inside this block). What is remembered
    lives only as long as the block: outside it, every call reads the relations afresh.
    """
    if _remembered.get() is not None:
        yield
        return
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def related_text(page, relation: str, target: str, attrs: Iterable[str]) -> str:
    """Join ``attrs`` of every ``relation`` row's ``target``, translated to the page's locale.

    Lets a search for a person, organisation, district, key or topic find the pages that
    name it, e.g. “Stefan Huber” or “16053”.
    """
    attrs = tuple(attrs)
    remembered = _remembered.get()
    if remembered is None or page.pk is None:
        return _related_text(page, relation, target, attrs)
    key = (page._meta.label, page.pk, relation, target, attrs)
    if key not in remembered:
        remembered[key] = _related_text(page, relation, target, attrs)
    return remembered[key]


def _related_text(page, relation: str, target: str, attrs: Iterable[str]) -> str:
    links = getattr(page, relation).select_related(target)
    related = [getattr(link, target) for link in links]
    targets: list[Model] = localized_many([obj for obj in related if obj is not None], page.locale)
    return " ".join(str(getattr(obj, attr) or "") for obj in targets for attr in attrs)


def people_text(page, relation: str) -> str:
    return related_text(page, relation, "person", ["given_name", "family_name", "role"])


def districts_text(page) -> str:
    return related_text(page, "district_links", "district", ["title", "ags"])


def topics_text(page) -> str:
    return related_text(page, "topic_links", "topic", ["name"])
