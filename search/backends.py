"""Database search that stems German pages as German and English pages as English.

Wagtail's PostgreSQL backend has one text search configuration per backend. Our pages
carry their locale, so the index picks the configuration per object and the query side
asks for the backend of the reader's locale. On SQLite (the embedded default) the FTS5
backend is used unchanged: it has no language stemmers.
"""

import copy
from collections import defaultdict

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_backend
from wagtail.search.backends import get_search_backend

from cms.i18n import language_code_for


def language_of(obj) -> str | None:
    locale_id = getattr(obj, "locale_id", None)
    if locale_id is None:
        return None
    return language_code_for(locale_id)


def _postgres_backend_class():
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class LeanPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        """Match on ``title || body`` without sending that vector back with every hit.

        The backend annotates the concatenated vector to filter on it, which also selects
        it: PostgreSQL built it for every match (thousands for a common word) and shipped
        the 200 best to Python, where nothing reads it. An annotation left out of the
        select list (what ``QuerySet.alias()`` does) filters the same way.
        """

        def search(self, *args, **kwargs):
            queryset = super().search(*args, **kwargs)
            if "_vector_" in queryset.query.annotation_select:
                queryset = queryset._chain()
                queryset.query.set_annotation_mask(
                    set(queryset.query.annotation_select) - {"_vector_"}
                )
            return queryset

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

    return LocalizedPostgresSearchBackend


def SearchBackend(params):
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    return database_backend(params)


def backend_for_language(language: str):
    """The default backend, set up to parse queries the way ``language`` was indexed."""
    backend = get_search_backend()
    return backend.for_language(language) if hasattr(backend, "for_language") else backend
