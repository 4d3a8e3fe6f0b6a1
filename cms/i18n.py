"""Helpers for showing related objects in the reader's locale without N+1 queries."""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model
from wagtail.models import Locale, Page

T = TypeVar("T", bound=Model)


def localized_many(objects: Iterable[T], locale: Locale | None = None) -> list[T]:
    """Swap each translatable object for its translation in ``locale`` in one query.

    Relations on translated pages keep pointing at the German originals (wagtail-localize
    synchronises them), so templates call this instead of ``.localized`` per item. Objects
    without a translation stay as they are; for pages only live translations count.
    """
    objects = list(objects)
    if not objects:
        return objects
    locale = locale or Locale.get_active()
    model = type(objects[0])
    keys = {obj.translation_key for obj in objects if obj.locale_id != locale.pk}
    if not keys:
        return objects
    queryset = model._default_manager.filter(translation_key__in=keys, locale=locale)
    if isinstance(objects[0], Page):
        queryset = queryset.live().specific()
    translations = {obj.translation_key: obj for obj in queryset}
    return [translations.get(obj.translation_key, obj) for obj in objects]
