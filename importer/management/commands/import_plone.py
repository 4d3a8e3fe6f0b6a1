"""``manage.py import_plone SOURCE``: import a Plone/Volto site (see importer.engine)."""

import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page

from importer.engine import PloneImporter
from importer.mapping import load_mapping
from importer.readers import JSONListReader, PloneExportReader, RestAPIReader, open_reader


class Command(BaseCommand):
    help = gettext_lazy(
        "Import content from a Plone site: a plone.exportimport folder or ZIP, a "
        "collective.exportimport JSON file, or a live site's REST API (read-only). "
        "Safe to run again: items are updated by Plone UID and unchanged ones are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            help=gettext_lazy("Export folder, ZIP file, JSON file, or the site's URL (http…)."),
        )
        parser.add_argument(
            "--format",
            choices=["auto", "exportimport", "json", "rest"],
            default="auto",
            help=gettext_lazy("Input format; “auto” guesses from the source."),
        )
        parser.add_argument(
            "--mapping",
            default="",
            help=gettext_lazy("TOML mapping file (default: importer/default_mapping.toml)."),
        )
        parser.add_argument(
            "--parent-page",
            type=int,
            default=None,
            help=gettext_lazy(
                "ID of the page that takes the top-level items (default: the German home page)."
            ),
        )
        parser.add_argument(
            "--site-url",
            default="",
            help=gettext_lazy("The Plone site's URL, to turn absolute @id URLs into paths."),
        )
        parser.add_argument(
            "--auth",
            default="",
            help=gettext_lazy("user:password for the REST API (basic auth)."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Do everything, then roll back: shows what would happen."),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("Import unchanged items again."),
        )
        parser.add_argument(
            "--progress",
            choices=["auto", "on", "off"],
            default="auto",
            help=gettext_lazy("Progress line on stderr (auto: only on a terminal)."),
        )

    def handle(self, *args, **options):
        source = options["source"]
        auth = tuple(options["auth"].split(":", 1)) if options["auth"] else None
        try:
            mapping = load_mapping(options["mapping"] or None)
            fmt = options["format"]
            if fmt == "exportimport":
                reader = PloneExportReader(source)
            elif fmt == "json":
                reader = JSONListReader(source, site_url=options["site_url"])
            elif fmt == "rest":
                reader = RestAPIReader(source, auth=auth)
            else:
                reader = open_reader(source, site_url=options["site_url"], auth=auth)
        except (OSError, ValueError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        parent = None
        if options["parent_page"]:
            parent = Page.objects.filter(pk=options["parent_page"]).first()
            if parent is None:
                raise CommandError(
                    _("There is no page with ID %(id)s.") % {"id": options["parent_page"]}
                )
        progress = {"on": sys.stderr, "off": None}.get(options["progress"])
        if options["progress"] == "auto":
            progress = sys.stderr if sys.stderr.isatty() and options["verbosity"] > 0 else None
        importer = PloneImporter(
            reader,
            mapping,
            parent_page=parent,
            dry_run=options["dry_run"],
            progress=progress,
            force=options["force"],
        )
        report = importer.run()
        self.report = report  # for callers (tests) that use call_command
        if options["verbosity"] > 0:
            for line in report.lines():
                self.stdout.write(line)
        if report.errors and options["verbosity"] > 0:
            self.stderr.write(
                _("%(n)d item(s) could not be imported; see “Errors” above.")
                % {"n": len(report.errors)}
            )
