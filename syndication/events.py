"""Record every change partners must hear about, in the transaction that makes it.

Each handler asks one question: was the item visible before, and is it now? From that
follows the event (published, updated, unpublished, deleted, moved), or none at all,
so drafts, private and scheduled pages never produce an event. After the transaction
commits, cached responses are retired and ``change_recorded`` tells webhooks.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.api import cache as api_cache
from cms.api.visibility import is_visible
from syndication.models import ChangeEvent
from syndication.registry import resource_for, resources

Kind = ChangeEvent.Kind
VISIBLE_KINDS = {Kind.PUBLISHED, Kind.UPDATED, Kind.MOVED}

# Sent after commit with the saved ChangeEvent.
change_recorded = Signal()


def was_visible(resource: str, object_id: int) -> bool:
    last = (
        ChangeEvent.objects.filter(resource=resource, object_id=object_id)
        .order_by("-id")
        .values_list("kind", flat=True)
        .first()
    )
    return last in VISIBLE_KINDS


def record(obj, kind: str, resource: str | None = None) -> ChangeEvent | None:
    resource = resource or resource_for(obj)
    if resource is None:
        return None
    event = ChangeEvent.objects.create(
        kind=kind,
        resource=resource,
        object_id=obj.pk,
        translation_key=obj.translation_key,
        locale=obj.locale.language_code,
    )

    def after_commit() -> None:
        api_cache.bump([resource])
        change_recorded.send(sender=ChangeEvent, event=event)

    transaction.on_commit(after_commit)
    return event


def sync_page(page: Page, moved: bool = False) -> ChangeEvent | None:
    """Compare the page's public state with what partners were last told."""
    page = page.specific_deferred if type(page) is Page else page
    resource = resource_for(page)
    if resource is None:
        return None
    before = was_visible(resource, page.pk)
    now = is_visible(page)
    if now and not before:
        return record(page, Kind.PUBLISHED, resource)
    if now:
        return record(page, Kind.MOVED if moved else Kind.UPDATED, resource)
    if before:
        return record(page, Kind.UNPUBLISHED, resource)
    return None


@receiver(page_published)
def on_published(sender, instance, **kwargs):
    sync_page(instance)


@receiver(page_unpublished)
def on_unpublished(sender, instance, **kwargs):
    # Wagtail also sends this from its own pre_delete handler, with a stale copy that
    # still says live; an unpublish can only ever take an item away.
    resource = resource_for(instance)
    if resource and was_visible(resource, instance.pk):
        record(instance, Kind.UNPUBLISHED, resource)


@receiver(post_page_move)
def on_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    if url_path_before != url_path_after:
        for page in instance.get_descendants(inclusive=True).specific():
            sync_page(page, moved=True)


def _restriction_changed(sender, instance, **kwargs):
    """A restriction hides or reveals a whole subtree at once."""
    for page in instance.page.get_descendants(inclusive=True).specific():
        sync_page(page)


post_save.connect(_restriction_changed, sender=PageViewRestriction)
post_delete.connect(_restriction_changed, sender=PageViewRestriction)


@receiver(pre_delete)
def on_delete(sender, instance, **kwargs):
    resource = resources().get(sender)
    if resource and was_visible(resource, instance.pk):
        record(instance, Kind.DELETED, resource)


def _media_changed(sender, instance, **kwargs):
    """A replaced PDF or image changes what pages embed (URL, size), though no page changed."""
    transaction.on_commit(lambda: api_cache.bump([*api_cache.PAGE_RESOURCES, "people"]))


for media_model in (get_document_model(), get_image_model()):
    post_save.connect(_media_changed, sender=media_model)
    post_delete.connect(_media_changed, sender=media_model)


@receiver(post_save)
def on_snippet_saved(sender, instance, created, raw=False, **kwargs):
    resource = resources().get(sender)
    if resource is None or raw or isinstance(instance, Page):
        return
    record(instance, Kind.PUBLISHED if created else Kind.UPDATED, resource)
