"""Purge the listings that show a changed item from the front-end cache (CDN, Varnish, …).

Wagtail purges a page's own URL when it is published or unpublished. Pages that *list*
it stay stale until their cache entry expires: the index page of its kind, the home page
of its locale, the project and district pages it is linked with, and the feeds. This
receiver of ``events.change_recorded`` (sent after commit, for every change partners hear
about) purges those through ``WAGTAILFRONTENDCACHE``, with Wagtail's ``PurgeBatch``.

A snippet change (a renamed person, topic, series …) purges the live pages that show it,
in every language, found through Wagtail's reference index, and the listings that use it
as a filter.

Only exact URLs are purged: listing variants with query strings (filters, page numbers)
need a purge rule on the cache itself, such as a ban by path prefix.

Nothing happens without ``WAGTAILFRONTENDCACHE``, and a failing purge is logged, never
raised: the change is committed already and must not turn into an error for the editor.
"""

import logging
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Locale, Page, ReferenceIndex, Site

from cms.api.visibility import visible_pages
from syndication.events import change_recorded
from syndication.models import ChangeEvent
from syndication.registry import MODELS

logger = logging.getLogger(__name__)

FEED_FORMATS = ("atom", "rss", "json")
# Where each kind of page is listed: its index page type.
INDEX_PAGES = {
    "projects": "projects.ProjectIndexPage",
    "publications": "publications.PublicationIndexPage",
    "interviews": "publications.PublicationIndexPage",
    "districts": "districts.DistrictIndexPage",
}
HOME_PAGE = "home.HomePage"
# Child relations naming related pages: relation → its page field.
PAGE_LINKS = {"district_links": "district", "project_links": "project"}
# Methods returning the pages that link to this one (in its locale).
LINKED_FROM = ("get_projects", "get_publications", "get_interviews")
# Snippets the listings of these kinds offer as filters.
FILTERED_BY = {"topics": ("projects", "publications"), "series": ("publications",)}


@receiver(change_recorded)
def purge_listings(sender, event: ChangeEvent, **kwargs) -> None:
    if not get_backends():
        return
    try:
        batch = listings_batch(event)
        batch.purge()
    except Exception:  # the change is committed; a cache that stays stale is no reason to fail
        logger.exception("Could not purge listings of %s %s", event.resource, event.object_id)


def listings_batch(event: ChangeEvent) -> PurgeBatch:
    """Every URL that shows the item of ``event`` in a listing, and the item itself."""
    batch = PurgeBatch()
    if event.resource not in INDEX_PAGES:
        return snippet_batch(event)
    locale = Locale.objects.filter(language_code=event.locale).first()
    if locale is None:
        return batch
    page = Page.objects.filter(pk=event.object_id).first()  # gone after a deletion
    page = page.specific if page else None

    pages = _live(_model(HOME_PAGE), locale) + _live(_model(INDEX_PAGES[event.resource]), locale)
    if page is not None:
        pages.append(page)
        parent = page.get_parent()
        if parent is not None and parent.depth > 1:
            pages.append(parent.specific_deferred)
        pages += related_pages(page, locale)
    for listed in _unique(pages):
        batch.add_page(listed)
    batch.add_urls(feed_urls(event, page, pages, locale))
    return batch


def snippet_batch(event: ChangeEvent) -> PurgeBatch:
    """The live pages showing any translation of a snippet, and listings filtering by it."""
    batch = PurgeBatch()
    model = _model(MODELS[event.resource])
    translations = model.objects.filter(translation_key=event.translation_key)
    referencing = ReferenceIndex.get_references_to_in_bulk(translations).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    ids = {int(pk) for pk in referencing.values_list("object_id", flat=True)}
    pages = list(visible_pages(Page.objects.filter(pk__in=ids)))
    for kind in FILTERED_BY.get(event.resource, ()):
        pages += list(visible_pages(_model(INDEX_PAGES[kind]).objects.all()))
    for listed in _unique(pages):
        batch.add_page(listed)
    return batch


def related_pages(page: Page, locale: Locale) -> list[Page]:
    """Live pages in ``locale`` that link to ``page`` or that it links to (a few queries)."""
    keys = set()
    for relation, field in PAGE_LINKS.items():
        links = getattr(page, relation, None)
        if links is not None:
            keys.update(_keys(links, field))
    if getattr(page, "related_publication_id", None):
        keys.add(page.related_publication.translation_key)
    related = list(
        visible_pages(Page.objects.filter(translation_key__in=keys, locale=locale)).specific()
    )
    for name in LINKED_FROM:
        method = getattr(page, name, None)
        if method is not None:  # these filter by the page's own locale
            related += list(method())
    return related


def feed_urls(event: ChangeEvent, page, pages: list[Page], locale: Locale) -> list[str]:
    """The feeds that list the item: its kind, everything, and its project/district/topic feeds."""
    language = locale.language_code
    root = _root_url(pages)
    if root is None:
        return []
    targets = [("feeds:kind", {"scope": "all"}), ("feeds:kind", {"scope": event.resource})]
    for listed in pages:
        model = type(listed)._meta.label
        if model == MODELS["projects"]:
            targets.append(("feeds:project", {"key": listed.slug}))
        elif model == MODELS["districts"]:
            targets.append(("feeds:district", {"key": listed.ags}))
    if page is not None and getattr(page, "topic_links", None) is not None:
        targets += [
            ("feeds:topic", {"key": slug}) for slug in _keys(page.topic_links, "topic", "slug")
        ]
    urls = []
    for name, kwargs in targets:
        for fmt in FEED_FORMATS:
            try:
                path = reverse(name, kwargs={"language": language, "fmt": fmt, **kwargs})
            except NoReverseMatch:  # no such feed (kind, format) or no feeds at all
                continue
            urls.append(root + path)
    return list(dict.fromkeys(urls))


def _model(label: str):
    return apps.get_model(label)


def _live(model, locale: Locale) -> list[Page]:
    return list(model.objects.live().filter(locale=locale))


def _keys(links, field: str, attribute: str = "translation_key") -> Iterable:
    """Values of the linked objects, from the database (no instances needed)."""
    return links.values_list(f"{field}__{attribute}", flat=True)


def _unique(pages: Iterable[Page]) -> list[Page]:
    return list({page.pk: page for page in pages}.values())


def _root_url(pages: list[Page]) -> str | None:
    for page in pages:
        site = page.get_site()
        if site is not None:
            return site.root_url
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url if site else None
