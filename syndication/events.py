"""Record every change partners must hear about, in the transaction that makes it.

Each handler asks one question: was the item visible before, and is it now? From that
follows the event (published, updated, unpublished, deleted, moved), or none at all,
so drafts, private and scheduled pages never produce an event. After the transaction
commits, cached responses are retired and ``change_recorded`` tells webhooks. Changes that
show on every HTML page (menus, footer, URLs) also retire the page cache's ``site`` scope.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms import page_cache
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


def retire_site() -> None:
    """After commit, retire every cached HTML page (their menu, footer or links changed)."""
    transaction.on_commit(lambda: api_cache.bump([page_cache.SITE]))


def retire_site_for(page: Page) -> None:
    if page_cache.changes_site_chrome(page):
        retire_site()


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
    retire_site_for(instance)


@receiver(page_unpublished)
def on_unpublished(sender, instance, **kwargs):
    # Wagtail also sends this from its own pre_delete handler, with a stale copy that
    # still says live; an unpublish can only ever take an item away.
    resource = resource_for(instance)
    if resource and was_visible(resource, instance.pk):
        record(instance, Kind.UNPUBLISHED, resource)
    retire_site_for(instance)


@receiver(post_page_move)
def on_moved(sender, instance, url_path_before, url_path_after, **kwargs):
    retire_site()  # links to the subtree everywhere, or the menu order
    if url_path_before != url_path_after:
        for page in instance.get_descendants(inclusive=True).specific():
            sync_page(page, moved=True)


def _restriction_changed(sender, instance, **kwargs):
    """A restriction hides or reveals a whole subtree at once."""
    retire_site()
    for page in instance.page.get_descendants(inclusive=True).specific():
        sync_page(page)


post_save.connect(_restriction_changed, sender=PageViewRestriction)
post_delete.connect(_restriction_changed, sender=PageViewRestriction)


@receiver(pre_delete)
def on_delete(sender, instance, **kwargs):
    resource = resources().get(sender)
    if resource and was_visible(resource, instance.pk):
        record(instance, Kind.DELETED, resource)
    elif isinstance(instance, Page) and instance.live:
        retire_site_for(instance)


def _media_changed(sender, instance, created=False, **kwargs):
    """A replaced PDF or image changes what pages embed (URL, size), though no page changed.
    A new one is embedded nowhere yet."""
    if not created:
        scopes = [*api_cache.PAGE_RESOURCES, "people", page_cache.SITE]
        transaction.on_commit(lambda: api_cache.bump(scopes))


for media_model in (get_document_model(), get_image_model()):
    post_save.connect(_media_changed, sender=media_model)
    post_delete.connect(_media_changed, sender=media_model)


def _site_settings_changed(sender, instance, **kwargs):
    """Footer links and other settings, and sites (host names, root pages), show everywhere."""
    if isinstance(instance, BaseSiteSetting | BaseGenericSetting | Site):
        retire_site()


post_save.connect(_site_settings_changed)
post_delete.connect(_site_settings_changed)


@receiver(post_save)
def on_snippet_saved(sender, instance, created, raw=False, **kwargs):
    resource = resources().get(sender)
    if resource is None or raw or isinstance(instance, Page):
        return
    record(instance, Kind.PUBLISHED if created else Kind.UPDATED, resource)
