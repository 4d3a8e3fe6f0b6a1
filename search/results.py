"""Search over the reader's locale with facets and highlighted snippets."""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Locale, Page

from cms.api.visibility import in_schedule, visible_pages
from search.backends import backend_for_language

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 200
SNIPPET_LENGTH = 240

# Facet sources: (app label, link model) rows that tie a page to a topic or a district.
TOPIC_LINKS = [("projects", "ProjectTopic"), ("publications", "PublicationTopic")]
DISTRICT_LINKS = [
    ("projects", "ProjectDistrict"),
    ("publications", "PublicationDistrict"),
    ("publications", "InterviewDistrict"),
]


@dataclass
class Facet:
    value: str
    label: str
    count: int


@dataclass
class SearchOutcome:
    hits: list[Page] = field(default_factory=list)
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    total_unfiltered: int = 0


def clean_query(raw: str) -> tuple[str, bool]:
    """Strip, collapse white space and cap the length; say whether it was cut."""
    query = " ".join(raw.split())
    return query[:MAX_QUERY_LENGTH], len(query) > MAX_QUERY_LENGTH


def search_terms(query: str) -> str:
    """The words of the query only: quotes, operators and other syntax of the backend's
    query language (``"``, ``*``, ``:``, ``&``, ``|``, ``!``) never reach it."""
    return " ".join(re.findall(r"\w+", query))


EXACT_KEYS = [("projects", "ProjectPage", "acronym"), ("districts", "DistrictPage", "ags")]


def promote_exact(hits: list[Page], query: str) -> list[Page]:
    """An exact acronym, official key or title hit goes first (“ThILIK”, “16053”)."""
    wanted = query.casefold()
    ids = [page.pk for page in hits]
    exact = {page.pk for page in hits if page.title.casefold() == wanted}
    if ids:
        exact.update(
            _union(
                apps.get_model(app_label, model_name)
                .objects.filter(**{f"{field_name}__iexact": query, "pk__any_of": ids})
                .values_list("pk", flat=True)
                for app_label, model_name, field_name in EXACT_KEYS
            )
        )
    return sorted(hits, key=lambda page: page.pk not in exact) if exact else hits


def _union(querysets) -> list:
    """Rows of several alike querysets in one round trip (UNION ALL)."""
    first, *others = [queryset.order_by() for queryset in querysets]
    return list(first.union(*others, all=True)) if others else list(first)


def specific_in_order(pages) -> list[Page]:
    """The specific pages for a slice of hits, in the same order (few queries per page)."""
    by_id = Page.objects.filter(pk__any_of=[page.pk for page in pages]).specific().in_bulk()
    return [by_id[page.pk] for page in pages if page.pk in by_id]


def searchable_pages(locale: Locale):
    """What Wagtail's backends may search; their index has no dates, so ``run_search`` drops
    hits outside their go-live/expiry window afterwards."""
    return Page.objects.live().public().filter(locale=locale)


def visible_in(locale: Locale):
    """What the index-side search (``search.backends``) filters by: everything a reader
    may see now, dates included, as one subquery (``public()`` first fetches every view
    restriction)."""
    return visible_pages(Page.objects.filter(locale=locale))


# What the results page reads of all hits (ranking, facets, schedule); the ten shown are
# loaded whole. Loading 200 whole pages cost more than the search itself.
HIT_FIELDS = ("title", "content_type", "translation_key", "go_live_at", "expire_at")


def run_search(query: str, locale: Locale) -> list[Page]:
    """Best first, at most MAX_RESULTS; any word may match, more matching words rank higher."""
    terms = search_terms(query)
    if not terms:
        return []
    backend = backend_for_language(locale.language_code)
    if hasattr(backend, "ranked_page_ids"):
        ids = backend.ranked_page_ids(terms, visible_in(locale), MAX_RESULTS)
        found = Page.objects.only(*HIT_FIELDS).filter(pk__any_of=ids)
        by_id = {page.pk: page for page in found}
        hits = [by_id[pk] for pk in ids if pk in by_id]
    else:
        pages = searchable_pages(locale).only(*HIT_FIELDS)
        results = backend.search(terms, pages, operator="or")
        hits = [page for page in results[:MAX_RESULTS] if in_schedule(page)]
    return promote_exact(hits, query.strip())


def count_results(query: str, locale: Locale) -> int:
    """Hits in ``locale``, counted up to MAX_RESULTS like the results list itself.

    Unranked and capped: a common word matches most pages, and ranking or counting all
    of them cost more than the rest of the results page together.
    """
    terms = search_terms(query)
    if not terms:
        return 0
    backend = backend_for_language(locale.language_code)
    if hasattr(backend, "count_pages"):
        # Filtered by date too: the count holds what that language's results page lists.
        return backend.count_pages(terms, visible_in(locale), MAX_RESULTS)
    schedule = searchable_pages(locale).only("go_live_at", "expire_at")
    results = backend.search(terms, schedule, operator="or", order_by_relevance=False)
    return sum(1 for page in results[:MAX_RESULTS] if in_schedule(page))


def _links(pairs: list[tuple[str, str]], page_ids: list[int], target: str) -> dict[int, set]:
    """page id → translation keys of the linked targets, over all link models."""
    found: dict[int, set] = {}
    if not page_ids:
        return found
    rows = _union(
        apps.get_model(app_label, model_name)
        .objects.filter(page_id__any_of=page_ids)
        .values_list("page_id", f"{target}__translation_key")
        for app_label, model_name in pairs
    )
    for page_id, key in rows:
        found.setdefault(page_id, set()).add(str(key))
    return found


DATED_MODELS = [
    ("publications", "PublicationPage", "publication_date"),
    ("publications", "InterviewPage", "interview_date"),
    ("projects", "ProjectPage", "start_date"),
]


def _years(page_ids: list[int]) -> dict[int, set]:
    if not page_ids:
        return {}
    rows = _union(
        apps.get_model(app_label, model_name)
        .objects.filter(pk__any_of=page_ids)
        .values_list("pk", field_name)
        for app_label, model_name, field_name in DATED_MODELS
    )
    return {pk: {str(value.year)} for pk, value in rows}


def _model_name(page: Page) -> str:
    return ContentType.objects.get_for_id(page.content_type_id).model


def facet_and_filter(hits: list[Page], locale: Locale, selected: dict[str, str]) -> SearchOutcome:
    """Count facets over all hits, then keep the hits that match every selected facet."""
    ids = [page.pk for page in hits]
    topics = _links(TOPIC_LINKS, ids, "topic")
    districts = _links(DISTRICT_LINKS, ids, "district")
    types = {page.pk: {_model_name(page)} for page in hits}
    for page in hits:  # a district profile belongs to its own district facet
        if types[page.pk] == {"districtpage"}:
            districts.setdefault(page.pk, set()).add(str(page.translation_key))

    values = {
        "type": types,
        "year": _years(ids),
        "topic": topics,
        "district": districts,
    }
    kept = [
        page
        for page in hits
        if all(
            not selected.get(name) or selected[name] in values[name].get(page.pk, set())
            for name in values
        )
    ]
    outcome = SearchOutcome(hits=kept, total_unfiltered=len(hits))
    counts = {
        name: Counter(v for page in hits for v in per_page.get(page.pk, ()))
        for name, per_page in values.items()
    }
    labels = _labels(set(counts["topic"]) | set(counts["district"]), locale)
    outcome.facets = {
        name: _facet_list(name, name_counts, labels) for name, name_counts in counts.items()
    }
    return outcome


def _labels(keys: set[str], locale: Locale) -> dict[str, str]:
    """Topic names and district titles in ``locale`` by translation key, in one query.

    Districts are read as pages of their type: joined to their own table, PostgreSQL
    walked every page by id to find the few (7 ms at 20,000 pages, growing with them).
    """
    if not keys:
        return {}
    wanted = {"translation_key__any_of": list(keys), "locale": locale}
    topics = apps.get_model("directory", "Topic").objects.filter(**wanted)
    districts = Page.objects.filter(
        content_type=ContentType.objects.get_for_model(apps.get_model("districts", "DistrictPage")),
        **wanted,
    )
    rows = _union(
        [
            topics.values_list("translation_key", "name"),
            districts.values_list("translation_key", "title"),
        ]
    )
    return {str(key): label for key, label in rows}


def _facet_list(name: str, counts: Counter, names: dict[str, str]) -> list[Facet]:
    if name == "type":
        labels = {
            model._meta.model_name: str(model._meta.verbose_name_plural)
            for model in apps.get_models()
            if model._meta.model_name in counts and issubclass(model, Page)
        }
    elif name == "year":
        labels = {year: year for year in counts}
        return [Facet(v, labels[v], counts[v]) for v in sorted(counts, reverse=True)]
    else:
        labels = names
    facets = [Facet(v, labels.get(v, v), c) for v, c in counts.items() if v in labels]
    return sorted(facets, key=lambda f: (-f.count, f.label))


def _terms(query: str) -> list[str]:
    """Word stems to highlight: long words are cut so that inflected forms match too."""
    words = re.findall(r"\w+", query.lower())
    return sorted(
        {w[: max(4, len(w) - 3)] if len(w) > 5 else w for w in words}, key=len, reverse=True
    )


def highlight(text: str, query: str, length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt around the first hit with every query word wrapped in <mark>."""
    text = " ".join(strip_tags(text).split())
    terms = _terms(query)
    if not text:
        return mark_safe("")
    pattern = (
        re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\w*", re.IGNORECASE)
        if terms
        else None
    )
    start = 0
    if pattern and (match := pattern.search(text)):
        start = max(0, match.start() - length // 3)
        if start:  # begin the excerpt at a word, not inside one
            start = text.find(" ", start, match.start()) + 1 or match.start()
    excerpt = text[start : start + length]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(text) else ""
    if not pattern:
        return mark_safe(escape(prefix + excerpt + suffix))
    parts, last = [], 0
    for match in pattern.finditer(excerpt):
        parts.append(escape(excerpt[last : match.start()]))
        parts.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    parts.append(escape(excerpt[last:]))
    return mark_safe(escape(prefix) + "".join(parts) + escape(suffix))
