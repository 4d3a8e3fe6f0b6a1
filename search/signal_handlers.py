"""Search index updates that the indexing on save makes too early for pages."""

from modelsearch.tasks import insert_or_update_object_task
from wagtail.models import Page
from wagtail.signals import page_published


def reindex_published_page(sender, instance: Page, **kwargs) -> None:
    """Index a page again once it is published with its inline rows.

    modelsearch indexes on ``post_save``, which a page sends before its inline rows
    (people, districts, topics) are written, and its task reads the page back from the
    database: a project published with other districts stayed findable by the old ones
    and not by the new. ``page_published`` comes after the rows are written.
    """
    meta = instance._meta
    insert_or_update_object_task.enqueue(meta.app_label, meta.model_name, str(instance.pk))


def register() -> None:
    page_published.connect(reindex_published_page, dispatch_uid="search.reindex_published_page")
