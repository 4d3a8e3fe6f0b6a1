"""Search index updates that indexing each saved object alone misses.

A page's index entry holds the names of the people, organisations, districts, topics and
series it links to (``cms.indexing``), read when the page is indexed. modelsearch indexes
an object when it is saved, so two things are left to this module: a page published with
new inline rows, and the pages that show a snippet or district that changed.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django_tasks import task
from modelsearch import index
from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page, ReferenceIndex
from wagtail.signals import page_published

from syndication.events import change_recorded
from syndication.models import ChangeEvent
from syndication.registry import MODELS

# Resources whose names are part of the index text of the pages that link to them.
NAMED_IN_PAGES = ("people", "organisations", "topics", "series", "districts")
CHUNK = 200


def reindex_published_page(sender, instance: Page, **kwargs) -> None:
    """Index a page again once it is published with its inline rows.

    modelsearch indexes on ``post_save``, which a page sends before its inline rows
    (people, districts, topics) are written, and its task reads the page back from the
    database: a project published with other districts stayed findable by the old ones
    and not by the new. ``page_published`` comes after the rows are written.
    """
    meta = instance._meta
    insert_or_update_object_task.enqueue(meta.app_label, meta.model_name, str(instance.pk))


def reindex_pages_naming(sender, event: ChangeEvent, **kwargs) -> None:
    """After a person, organisation, topic, series or district changed, index the pages
    that name it again, or a search for its new name would not find them."""
    if event.resource in NAMED_IN_PAGES and event.kind != ChangeEvent.Kind.DELETED:
        reindex_pages_linking_to.enqueue(MODELS[event.resource], str(event.translation_key))


@task()
def reindex_pages_linking_to(model_label: str, translation_key: str) -> None:
    """Index every page that links to a translation of the object, in chunks.

    Wagtail's tasks run inline by default (after the editor's change commits); a site
    where a topic links to thousands of pages runs them on a queue (docs/performance.md).
    """
    model = apps.get_model(model_label)
    translations = model._default_manager.filter(translation_key=translation_key)
    references = ReferenceIndex.get_references_to_in_bulk(translations).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    ids = sorted({int(pk) for pk in references.values_list("object_id", flat=True)})
    for start in range(0, len(ids), CHUNK):
        for page in Page.objects.filter(pk__in=ids[start : start + CHUNK]).specific():
            index.insert_or_update_object(page)


def register() -> None:
    page_published.connect(reindex_published_page, dispatch_uid="search.reindex_published_page")
    change_recorded.connect(reindex_pages_naming, dispatch_uid="search.reindex_pages_naming")
