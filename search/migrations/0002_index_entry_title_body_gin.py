"""A GIN index on the expression full-text queries match: ``title || body``.

Wagtail's PostgreSQL backend searches the concatenation of an entry's title and body
vectors. Its own GIN indexes cover each column alone, so PostgreSQL scanned and
concatenated every entry on every search (about 0.4 s at 20,000 pages). Indexing the
expression lets it find the matching entries in the index. Nothing happens elsewhere.
"""

from django.db import migrations

INDEX = "ikpe_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_text_search_configurations"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
