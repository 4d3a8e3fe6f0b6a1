"""Fail when a user-facing string lacks a German or English translation.

Runs makemessages first so that strings added to code or templates since the last update
count too; needs GNU gettext (xgettext), which CI installs.
"""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Update locale/*.po with makemessages and fail on untranslated or fuzzy entries."

    def handle(self, *args, **options):
        if shutil.which("xgettext") is None:
            raise CommandError("xgettext not found: install GNU gettext to check translations.")
        languages = [code for code, _name in settings.LANGUAGES]
        call_command(
            "makemessages",
            locale=languages,
            no_obsolete=True,
            add_location="file",
            ignore_patterns=[".venv/*", "static_collected/*", "media/*", "tests/*"],
            verbosity=0,
        )
        problems = []
        for code in languages:
            path = Path(settings.LOCALE_PATHS[0]) / code / "LC_MESSAGES" / "django.po"
            po = polib.pofile(str(path))
            problems += [f"{code}: untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
            problems += [f"{code}: fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
        if problems:
            raise CommandError(f"{len(problems)} translation problem(s):\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Translations complete for " + ", ".join(languages)))
