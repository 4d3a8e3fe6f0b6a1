"""Database search that stems German pages as German and English pages as English.

Wagtail's PostgreSQL backend has one text search configuration per backend. Our pages
carry their locale, so the index picks the configuration per object and the query side
asks for the backend of the reader's locale. On SQLite (the embedded default) the FTS5
backend is used unchanged: it has no language stemmers.
"""

import copy
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django.db.models import BigIntegerField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from modelsearch.backends.database import SearchBackend as database_backend
from wagtail.search.backends import get_search_backend

from cms.i18n import language_code_for


def language_of(obj) -> str | None:
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return None
    return language_code_for(locale_id)


@contextmanager
def match_by_index(using: str) -> Iterator[None]:
    """Plan the queries inside to find matching entries by their GIN indexes.

    The GIN indexes answer exactly which entries contain a word, without reading the
    entries' vectors; PostgreSQL does not count what reading the (TOASTed) vectors costs
    and chose to scan the table and test every entry for common words: 56–67 ms instead of
    10 ms for the matches of a common English word at 20,000 pages. Table scans are off for
    this transaction only; tiny tables are read by their indexes instead.
    """
    database = connections[using]
    if database.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with database.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # A disabled plan still counts as costing 10^10, which switches JIT compilation
            # on: 130 ms of compiling for a 4 ms query.
            cursor.execute("SET LOCAL jit = off")
        yield


def _postgres_backend_class():
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )
    from modelsearch.query import PlainText
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

        def page_entries(self, backend, pages: QuerySet) -> QuerySet:
            """The index entries of ``pages`` that contain any of the words, with the rank
            Wagtail gives the page (``rank``) and the page's id (``page_id``).

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
            own = pages.order_by().filter(
                pk=Cast(OuterRef("object_id"), BigIntegerField()),
                content_type_id=OuterRef("content_type_id"),
            )
            index_vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
            return IndexEntry.objects.filter(
                Q(title=search_query) | Q(body=search_query), Exists(own)
            ).annotate(
                rank=self._build_rank_expression(index_vectors, config),
                page_id=Cast("object_id", BigIntegerField()),
            )

    class LocalizedPostgresIndex(PostgresIndex):
        def add_items(self, model, objs):
            by_config = defaultdict(list)
            for obj in objs:
                by_config[self.backend.config_for(language_of(obj))].append(obj)
            for config, group in by_config.items():
                PostgresIndex(self.backend.with_config(config)).add_items(model, group)

    class LocalizedPostgresSearchBackend(PostgresSearchBackend):
        index_class = LocalizedPostgresIndex
        query_compiler_class = LeanPostgresSearchQueryCompiler

        def __init__(self, params):
            super().__init__(params)
            self.locale_configs: dict[str, str] = params.get("LOCALE_CONFIGS", {})

        def config_for(self, language: str | None) -> str | None:
            return self.locale_configs.get(language or "", self.config)

        def with_config(self, config: str | None):
            clone = copy.copy(self)
            clone.config = config
            return clone

        def for_language(self, language: str):
            return self.with_config(self.config_for(language))

        def _any_word_entries(self, terms: str, pages: QuerySet) -> QuerySet:
            compiler = self.query_compiler_class(pages, terms, operator="or")
            return compiler.page_entries(self, pages)

        def ranked_page_ids(self, terms: str, pages: QuerySet, limit: int) -> list[int]:
            """Ids of the ``limit`` best ``pages`` containing any of ``terms``, best first
            (ties: newest page first, as Wagtail orders them)."""
            entries = self._any_word_entries(terms, pages)
            with match_by_index(pages.db):
                ranked = entries.order_by("-rank", "-page_id").values_list("page_id", flat=True)
                return list(ranked[:limit])

        def count_pages(self, terms: str, pages: QuerySet, limit: int) -> int:
            """How many ``pages`` contain any of ``terms``, counted up to ``limit``.

            Counted whole, then capped: with a LIMIT in the query PostgreSQL walked the
            entries one by one hoping to find ``limit`` soon, and when the words were of
            the other language it read them all for none (87 ms; 15 ms counting whole).
            """
            entries = self._any_word_entries(terms, pages)
            with match_by_index(pages.db):
                return min(entries.count(), limit)

    return LocalizedPostgresSearchBackend


def SearchBackend(params):
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    return database_backend(params)


def backend_for_language(language: str):
    """The default backend, set up to parse queries the way ``language`` was indexed."""
    backend = get_search_backend()
    return backend.for_language(language) if hasattr(backend, "for_language") else backend
