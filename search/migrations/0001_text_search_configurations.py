"""PostgreSQL text search configurations for German and English that ignore accents.

``ikpe_german`` stems German and folds accents and ß (“Straße” matches “Strasse”); where
the unaccent extension cannot be created, plain copies of the built-in configurations
are used. Nothing happens on other databases.
"""

from django.db import DatabaseError, migrations, transaction

LANGUAGES = {"ikpe_german": ("german", "german_stem"), "ikpe_english": ("english", "english_stem")}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            has_unaccent = True
        except DatabaseError:  # not installed, or no right to create extensions
            has_unaccent = False
        for name, (parent, stemmer) in LANGUAGES.items():
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
            cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {parent})")
            if has_unaccent:
                cursor.execute(
                    f"ALTER TEXT SEARCH CONFIGURATION {name} "
                    f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}"
                )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in LANGUAGES:
            cursor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create, drop)]
