"""Database search that stems German pages as German and English pages as English.

Wagtail's PostgreSQL backend has one text search configuration per backend. Our pages
carry their locale, so the index picks the configuration per object and the query side
asks for the backend of the reader's locale. On SQLite (the embedded default) the FTS5
backend is used unchanged: it has no language stemmers.
"""

import copy
import functools
import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Length
from modelsearch.backends.database import SearchBackend as database_backend
from wagtail.search.backends import get_search_backend

from cms.i18n import language_code_for
from cms.indexing import related_text_once


def language_of(obj) -> str | None:
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return None
    return language_code_for(locale_id)


def language_marker(language: str) -> str:
    """The lexeme added to the body vector of every page indexed in ``language``.

    The site search asks only for entries carrying its language's marker, so the GIN
    indexes leave out the other language's entries before any row is read: German query
    words stemmed alike in English matched half the English entries at 100,000 pages, and
    each was read only to be dropped. Queries never produce it: their words are parsed and
    stemmed, the marker is matched as it is (``simple``), and it is no word of either
    language.
    """
    return "ikpelang" + re.sub(r"[^a-z0-9]", "", language.lower())


@contextmanager
def match_by_index(using: str, *, bitmaps_only: bool = False) -> Iterator[None]:
    """Plan the queries inside to find matching entries by their GIN indexes.

    The GIN indexes answer exactly which entries contain a word, without reading the
    entries' vectors; PostgreSQL does not count what reading the (TOASTed) vectors costs
    and chose to scan the table and test every entry for common words: 56–67 ms instead of
    10 ms for the matches of a common English word at 20,000 pages. Table scans are off for
    this transaction only; tiny tables are read by their indexes instead.

    ``bitmaps_only`` also rules out walking a b-tree index, for queries of index entries
    alone: with a LIMIT and words that occur in the other language only, PostgreSQL
    expected thousands of matches early on, walked the content-type index through all
    105,000 entries and found none (62 ms at 100,000 pages; 5 ms from the GIN bitmaps).
    Queries that join pages need their b-tree indexes and keep them.

    A disabled plan still counts as costing 10^10, which switches JIT compilation on (130 ms
    of compiling for a 4 ms query), so JIT is off too.

    The block is for reading: it ends by rolling its transaction (or, inside another one,
    its savepoint) back, which is what ends the settings. Committed, they would outlast a
    savepoint and slow every later query of the outer transaction.
    """
    database = connections[using]
    if database.vendor != "postgresql":
        yield
        return
    settings = {"enable_seqscan": "off", "jit": "off"}
    if bitmaps_only:
        settings["enable_indexscan"] = "off"
    with transaction.atomic(using=using):
        with database.cursor() as cursor:
            # One round trip; ``is_local`` keeps each setting to this transaction.
            calls = ", ".join("set_config(%s, %s, true)" for _ in settings)
            cursor.execute(f"SELECT {calls}", [item for pair in settings.items() for item in pair])
        yield
        transaction.set_rollback(True, using=using)


def _postgres_backend_class():
    from django.contrib.postgres.search import SearchQuery, SearchVectorField
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )
    from modelsearch.query import PlainText
    from modelsearch.utils import get_content_type_pk
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    class LeanPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        """Wagtail's query, cheaper where the site search asks for any of its words.

        The backend matches ``title || body`` and selects that concatenation too: for a
        common word PostgreSQL concatenated thousands of vectors (every entry when it
        decides to scan) and sent the best 200 to Python, where nothing reads them. When
        any word may match (``operator="or"``, or a single word), matching the title or the
        body is the same test on the vectors as they are stored, and each has its own GIN
        index. Other queries (“all words”, phrases, negations: the admin's search) keep
        Wagtail's form, minus the selected vector; the migration
        ``0002_index_entry_title_body_gin`` indexes the concatenation for them.
        """

        def _any_word(self) -> bool:
            query = self.query
            return (
                self.fields is None
                and isinstance(query, PlainText)
                and (query.operator == "or" or len(query.query_string.split()) == 1)
            )

        def search(self, config, start, stop, score_field=None, backend=None):
            if not self._any_word():
                queryset = super().search(config, start, stop, score_field, backend)
                if "_vector_" in queryset.query.annotation_select:
                    queryset = queryset._chain()
                    queryset.query.set_annotation_mask(
                        set(queryset.query.annotation_select) - {"_vector_"}
                    )
                return queryset
            search_query = self.build_tsquery(self.query, config=config)
            if search_query is None:
                return self.queryset.none()
            vectors = self.get_search_vectors(search_query)
            rank_expression = self._build_rank_expression(vectors, config)
            queryset = self.queryset.filter(
                Q(index_entries__title=search_query) | Q(index_entries__body=search_query)
            )
            return self._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )

        def page_entries(self, backend, pages: QuerySet | None) -> QuerySet:
            """The index entries of ``pages`` that contain any of the words, with the rank
            Wagtail gives the page (``rank``) and the page's id (``page_id``); without
            ``pages``, the entries of every page of the backend's language.

            Asked from the index side: the GIN indexes find the entries and the pages only
            filter them. Wagtail's form starts from the pages and names their content types
            as constants, and PostgreSQL then read every entry of those types to test the
            words on each (92 ms for a common word at 20,000 pages; 23 ms this way, and
            14 ms for a district key). An entry belongs to a page when it has the page's id
            and own content type, as Wagtail indexes the specific page; ids are compared as
            numbers (every indexed model has an integer key: tests/test_search.py).
            """
            config = self.get_config(backend)
            search_query = self.build_tsquery(self.query, config=config)
            if search_query is None:
                return IndexEntry.objects.none()
            index_vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
            entries = IndexEntry.objects.filter(Q(title=search_query) | Q(body=search_query))
            if backend.language:
                marker = SearchQuery(
                    language_marker(backend.language), search_type="raw", config="simple"
                )
                entries = entries.filter(body=marker)
            if pages is not None:
                own = pages.order_by().filter(
                    pk=Cast(OuterRef("object_id"), BigIntegerField()),
                    content_type_id=OuterRef("content_type_id"),
                )
                entries = entries.filter(Exists(own))
            return entries.annotate(
                rank=self._build_rank_expression(index_vectors, config),
                page_id=Cast("object_id", BigIntegerField()),
            )

    class BatchIndex(PostgresIndex):
        """Wagtail's index for one language; title norms and the language's marker
        (pages only) are written to the entries just written, and to no other.

        Wagtail then averages the title length of every entry and updates each entry whose
        norm is still the default, by scanning the whole table: indexing one page took
        300 ms at 100,000 pages (15 ms at 1,000), on every publish. The norm is
        ``average / length`` of the title; the average is taken over the newest entries
        (``TITLE_SAMPLE``), which a single page barely moves.
        """

        TITLE_SAMPLE = 1000

        def add_items(self, model, objs):
            self._written = (get_content_type_pk(model), [str(obj.pk) for obj in objs])
            self._marker = (
                language_marker(self.backend.language)
                if self.backend.language and issubclass(model, Page)
                else None
            )
            super().add_items(model, objs)

        def _refresh_title_norms(self, full=False):
            """Title norms and language markers of the entries just written, in one update
            (Wagtail has written each entry once already)."""
            if full:
                return super()._refresh_title_norms(full=True)
            content_type_pk, object_ids = self._written
            entries = self.entries.filter(content_type_id=content_type_pk, object_id__in=object_ids)
            changes = {}
            titled = self.entries.annotate(length=Length("title")).filter(length__gt=0)
            newest = titled.order_by("-pk")[: self.TITLE_SAMPLE]
            average = newest.aggregate(average=Avg("length"))["average"]
            if average:
                entries = entries.annotate(title_length=Length("title"))
                changes["title_norm"] = Case(
                    When(title_length__gt=0, then=average / F("title_length")),
                    default=F("title_norm"),
                )
            if self._marker:
                marker = Cast(Value(self._marker), SearchVectorField())
                changes["body"] = CombinedExpression(
                    F("body"), "||", marker, output_field=SearchVectorField()
                )
            if changes:
                entries.update(**changes)

    class LocalizedPostgresIndex(PostgresIndex):
        def add_items(self, model, objs):
            by_language = defaultdict(list)
            for obj in objs:
                by_language[language_of(obj)].append(obj)
            for language, group in by_language.items():
                BatchIndex(self.backend.for_language(language)).add_items(model, group)

    class LocalizedPostgresSearchBackend(PostgresSearchBackend):
        index_class = LocalizedPostgresIndex
        query_compiler_class = LeanPostgresSearchQueryCompiler
        # How many times the wanted number of hits ``ranked_page_ids`` ranks unfiltered.
        CANDIDATES = 2

        def __init__(self, params):
            super().__init__(params)
            self.locale_configs: dict[str, str] = params.get("LOCALE_CONFIGS", {})
            self.language: str | None = None

        def config_for(self, language: str | None) -> str | None:
            return self.locale_configs.get(language or "", self.config)

        def for_language(self, language: str | None):
            """This backend parsing (and indexing) words as ``language`` does."""
            clone = copy.copy(self)
            clone.config = self.config_for(language)
            clone.language = language or None
            return clone

        def _any_word_entries(self, terms: str, pages: QuerySet | None) -> QuerySet:
            compiler = self.query_compiler_class(Page.objects.all(), terms, operator="or")
            return compiler.page_entries(self, pages)

        def ranked_page_ids(self, terms: str, pages: QuerySet, limit: int) -> list[int]:
            """Ids of the ``limit`` best ``pages`` containing any of ``terms``, best first
            (ties: newest page first, as Wagtail orders them).

            With a language, the entries of that language are ranked first and only the
            best ``CANDIDATES × limit`` are then checked against ``pages``: the same answer
            whenever ``limit`` of them are visible (or there are no more), which is nearly
            always, and without joining the reader's visible pages to every match (a common
            word matches 45,000 entries at 100,000 pages; building and probing that join
            was a third of the query). Otherwise, or when too few of them are visible, the
            matches are ranked among ``pages`` only.
            """
            hits = self._decided_by_candidates(terms, pages, limit, ranked=True)
            if hits is not None:
                return hits[:limit]
            with match_by_index(pages.db):
                entries = self._any_word_entries(terms, pages)
                return [page_id for page_id, _ in self._ranked(entries, limit)]

        def count_pages(self, terms: str, pages: QuerySet, limit: int) -> int:
            """How many ``pages`` contain any of ``terms``, counted up to ``limit``.

            As in ``ranked_page_ids``, with a language the first ``CANDIDATES × limit``
            matching entries of the language (unranked) are checked against ``pages``, and
            only when that cannot decide are the matches counted among ``pages``. Either
            way PostgreSQL stops at ``limit``: the marker keeps the other language's entries
            out (counting every match took up to 150 ms at 100,000 pages).
            """
            hits = self._decided_by_candidates(terms, pages, limit, ranked=False)
            if hits is not None:
                return min(len(hits), limit)
            with match_by_index(pages.db):
                return self._any_word_entries(terms, pages).values("pk")[:limit].count()

        def _decided_by_candidates(
            self, terms: str, pages: QuerySet, limit: int, *, ranked: bool
        ) -> list[int] | None:
            """Ids of ``pages`` among the first ``CANDIDATES × limit`` matching entries of
            the backend's language (best first when ``ranked``), in that order; ``None``
            when they cannot decide: no language, or fewer than ``limit`` of them visible
            while more entries match."""
            if not self.language:
                return None
            wanted = limit * self.CANDIDATES
            with match_by_index(pages.db, bitmaps_only=True):
                entries = self._any_word_entries(terms, None)
                if ranked:
                    found = self._ranked(entries, wanted)
                else:
                    found = list(entries.values_list("page_id", "content_type_id")[:wanted])
            hits = _visible_among(pages, found)
            return hits if len(hits) >= limit or len(found) < wanted else None

        @staticmethod
        def _ranked(entries: QuerySet, limit: int) -> list[tuple[int, int]]:
            """(page id, content type id) of the ``limit`` best entries, best first."""
            ranked = entries.order_by("-rank", "-page_id")
            return list(ranked.values_list("page_id", "content_type_id")[:limit])

    return LocalizedPostgresSearchBackend


def _visible_among(pages: QuerySet, entries: list[tuple[int, int]]) -> list[int]:
    """Page ids of ``entries`` ((page id, content type id), in order) that are ``pages``."""
    found = pages.filter(pk__any_of=[page_id for page_id, _ in entries])
    visible = set(found.values_list("pk", "content_type_id"))
    return [page_id for page_id, key in entries if (page_id, key) in visible]


def _reading_related_text_once(backend_class: type) -> type:
    """``backend_class`` (ours on PostgreSQL, modelsearch's on other databases) with an
    index that reads each page's related text once per batch
    (``cms.indexing.related_text_once``)."""

    class Index(backend_class.index_class):
        def add_items(self, model, objs):
            with related_text_once():
                super().add_items(model, objs)

    class Backend(backend_class):
        index_class = Index

    return Backend


@functools.cache
def _backend_class() -> type:
    """Built once: ``get_search_backend()`` runs three times per search page, and asking
    modelsearch which database backend applies means building one."""
    if connection.vendor == "postgresql":
        return _reading_related_text_once(_postgres_backend_class())
    return _reading_related_text_once(type(database_backend({})))


def SearchBackend(params):
    return _backend_class()(params)


def backend_for_language(language: str):
    """The default backend, set up to parse queries the way ``language`` was indexed."""
    backend = get_search_backend()
    return backend.for_language(language) if hasattr(backend, "for_language") else backend
