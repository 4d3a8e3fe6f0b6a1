"""Text of related objects for the search index, in the indexed page's own language."""

from collections.abc import Iterable

from django.db.models import Model

from cms.i18n import localized_many


def related_text(page, relation: str, target: str, attrs: Iterable[str]) -> str:
    """Join ``attrs`` of every ``relation`` row's ``target``, translated to the page's locale.

    Lets a search for a person, organisation, district, key or topic find the pages that
    name it, e.g. “Stefan Huber” or “16053”.
    """
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
