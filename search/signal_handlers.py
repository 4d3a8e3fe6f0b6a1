"""Search index updates that indexing each saved object alone misses.

A page's index entry holds the names of the people, organisations, districts, topics and
series it links to (``cms.indexing``), read when the page is indexed. modelsearch indexes
an object when it is saved, so two things are left to this module: a page published with
new inline rows, and the pages that name a snippet or district that changed or went.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import pre_delete
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
Kind = ChangeEvent.Kind


def reindex_published_page(sender, instance: Page, **kwargs) -> None:
    """Index a page again once it is published with its inline rows.

    modelsearch indexes on ``post_save``, which a page sends before its inline rows
    (people, districts, topics) are written, and its task reads the page back from the
    database: a project published with other districts stayed findable by the old ones
    and not by the new. ``page_published`` comes after the rows are written.
    """
    meta = instance._meta
    insert_or_update_object_task.enqueue(meta.app_label, meta.model_name, str(instance.pk))


def pages_naming(model: type[Model], translation_key: str) -> list[int]:
    """Ids of the pages that link to any translation of an object (Wagtail's reference
    index), whose index text names it."""
    translations = model._default_manager.filter(translation_key=translation_key)
    references = ReferenceIndex.get_references_to_in_bulk(translations).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    return sorted({int(pk) for pk in references.values_list("object_id", flat=True)})


def reindex_after_change(sender, event: ChangeEvent, **kwargs) -> None:
    """After a person, organisation, topic, series or district changed, index the pages
    that name it again, or a search for its new name would not find them (a move changes
    no name)."""
    if event.resource in NAMED_IN_PAGES and event.kind not in (Kind.DELETED, Kind.MOVED):
        reindex_pages_naming.enqueue(MODELS[event.resource], str(event.translation_key))


def reindex_after_delete(sender, instance: Model, **kwargs) -> None:
    """Before one of them is deleted, note the pages that name it, and index them again
    once the deletion commits, or a search for a deleted person's name would still find
    them. The reference index forgets those links with the deletion."""
    ids = pages_naming(type(instance), instance.translation_key)
    if ids:
        transaction.on_commit(lambda: reindex_pages.enqueue(ids))


@task()
def reindex_pages_naming(model_label: str, translation_key: str) -> None:
    """Index the pages that name any translation of an object again; the lookup runs in
    the task, so a failure is the task's and never the editor's request's."""
    reindex_pages.call(pages_naming(apps.get_model(model_label), translation_key))


@task()
def reindex_pages(page_ids: list[int]) -> None:
    """Index these pages, a chunk at a time.

    Wagtail's tasks run inline by default (after the editor's change commits); a site
    where a topic links to thousands of pages runs them on a queue (docs/performance.md).
    """
    for start in range(0, len(page_ids), CHUNK):
        for page in Page.objects.filter(pk__in=page_ids[start : start + CHUNK]).specific():
            index.insert_or_update_object(page)


def register() -> None:
    page_published.connect(reindex_published_page, dispatch_uid="search.reindex_published_page")
    change_recorded.connect(reindex_after_change, dispatch_uid="search.reindex_after_change")
    for resource in NAMED_IN_PAGES:
        pre_delete.connect(
            reindex_after_delete,
            sender=MODELS[resource],
            dispatch_uid=f"search.reindex_after_delete.{resource}",
        )
