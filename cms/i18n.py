"""Helpers for showing related objects in the reader's locale without N+1 queries."""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from wagtail.models import Locale, Page

T = TypeVar("T", bound=Model)

_locales: dict[str, Locale] = {}


def active_locale() -> Locale:
    """``Locale.get_active()`` without a query per call: locales change only in the admin."""
    code = get_language() or ""
    if code not in _locales:
        _locales[code] = Locale.get_active()
    return _locales[code]


_language_codes: dict[int, str] = {}
_by_code: dict[str, Locale] = {}


def locale_by_code(code: str) -> Locale:
    """``Locale.objects.get_for_language`` remembered per process; raises DoesNotExist."""
    if code not in _by_code:
        try:
            _by_code[code] = Locale.objects.get_for_language(code)
        except LookupError as error:  # not a content language at all
            raise Locale.DoesNotExist(code) from error
    return _by_code[code]


def language_code_for(locale_id: int) -> str:
    """Language code of a locale id, cached like ``active_locale``."""
    if locale_id not in _language_codes:
        _language_codes.update(Locale.objects.values_list("pk", "language_code"))
    return _language_codes.get(locale_id, "")


def _forget_locales(**kwargs) -> None:
    _locales.clear()
    _language_codes.clear()
    _by_code.clear()


post_save.connect(_forget_locales, sender=Locale)
post_delete.connect(_forget_locales, sender=Locale)


def localized_many(objects: Iterable[T], locale: Locale | None = None) -> list[T]:
    """Swap each translatable object for its translation in ``locale`` in one query.

    Relations on translated pages keep pointing at the German originals (wagtail-localize
    synchronises them), so templates call this instead of ``.localized`` per item. Objects
    without a translation stay as they are; for pages only live translations count.
    """
    objects = list(objects)
    if not objects:
        return objects
    locale = locale or active_locale()
    model = type(objects[0])
    keys = {obj.translation_key for obj in objects if obj.locale_id != locale.pk}
    if not keys:
        return objects
    queryset = model._default_manager.filter(translation_key__in=keys, locale=locale)
    if isinstance(objects[0], Page):
        queryset = queryset.live().specific()
    translations = {obj.translation_key: obj for obj in queryset}
    return [translations.get(obj.translation_key, obj) for obj in objects]


def localize_links(links: Iterable[Model], field: str) -> list[Model]:
    """Give each relation row a ``target`` attribute: its target in the reader's locale.

    Pass a queryset with ``select_related(field)``; the translations then cost one query
    for the whole list instead of one per row.
    """
    links = list(links)
    targets = localized_many([getattr(link, field) for link in links])
    for link, target in zip(links, targets, strict=True):
        link.target = target
    return links
