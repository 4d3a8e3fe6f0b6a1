"""Create the missing renditions of every image, e.g. after a deploy adds a size.

Uploads and publishes generate renditions on their own (cms.renditions); this fills in
images that are older than that, or whose task failed. Running it again only checks.
"""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.images import get_image_model

from cms.renditions import SPECS, ensure_renditions


class Command(BaseCommand):
    help = gettext_lazy("Create the missing renditions of every image in every configured size.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--progress",
            choices=["auto", "on", "off"],
            default="auto",
            help=gettext_lazy("Progress line on stderr (auto: only on a terminal)."),
        )

    def handle(self, *args, **options):
        stream = {"on": self.stderr, "off": None}.get(options["progress"])
        if options["progress"] == "auto":
            stream = self.stderr if self.stderr.isatty() and options["verbosity"] > 0 else None
        images = get_image_model().objects.order_by("pk")
        total = images.count()
        made = 0
        drawn = 0.0
        for done, image in enumerate(images.iterator(chunk_size=200), start=1):
            made += ensure_renditions(image)
            now = time.monotonic()
            if stream is not None and (now - drawn >= 0.2 or done == total):
                drawn = now
                stream.write(f"\r{done}/{total}", ending="")
                stream.flush()
        if stream is not None and total:
            stream.write("")
        if options["verbosity"] > 0:
            self.stdout.write(
                _("%(images)d images checked in %(sizes)d sizes, %(made)d renditions created.")
                % {"images": total, "sizes": len(set(SPECS.values())), "made": made}
            )
