"""Every image size the website and the API deliver, in one list, made ahead of time.

Templates name a size (``{% rendition_img image "card" %}`` from ``rendition_tags``), the
API serialises ``API_RENDITIONS``, and the same list is generated when an image is uploaded
or changed and when a page that shows it is published. Rendering a page or an API response
then only looks renditions up; resizing never happens on the request path.

Generation runs as a task on the ``default`` backend (inline unless ``TASKS`` sends it to a
worker), after the transaction commits, so an editor's save never waits on a failed resize
and the task sees the committed image. It only creates what is missing: running it again
costs one query per image.
"""

import logging
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django_tasks import task
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage, Filter
from wagtail.signals import page_published

logger = logging.getLogger(__name__)

# Name → Wagtail filter spec. Templates and the API refer to the names only.
SPECS: dict[str, str] = {
    "social": "fill-1200x630",  # Open Graph image of every page (base.html)
    "card": "fill-640x360",  # listing image on cards
    "card_cover": "max-320x320",  # publication cover on cards
    "cover": "max-400x560",  # publication cover on its own page
    "figure": "width-1000",  # images in the body (FigureBlock)
    "thumbnail": "fill-400x300",  # API
    "large": "max-1600x1200",  # API
}
# The sizes every image carries in API responses, under these names.
API_RENDITIONS = ("thumbnail", "large")


def spec(name: str) -> str:
    """The filter spec of a named size; an unknown name is a programming error."""
    return SPECS[name]


def ensure_renditions(image: AbstractImage) -> int:
    """Create the renditions of ``image`` that do not exist yet; return how many were made.

    A missing or unreadable source file is logged and skipped: the page then shows a broken
    image, as Wagtail's own tag does, instead of failing.
    """
    wanted = list(dict.fromkeys(SPECS.values()))
    try:
        before = len(image.find_existing_renditions(*(Filter(spec=s) for s in wanted)))
        image.get_renditions(*wanted)
    except OSError:  # SourceImageIOError and Pillow's UnidentifiedImageError included
        logger.warning("Could not make renditions of image %s", image.pk, exc_info=True)
        return 0
    return len(wanted) - before


@task()
def generate_renditions(image_ids: list[int]) -> int:
    """Make the missing renditions of these images (a task, so it can run on a worker)."""
    made = 0
    for image in get_image_model().objects.filter(pk__in=image_ids):
        made += ensure_renditions(image)
    return made


def generate_after_commit(image_ids: Iterable[int]) -> None:
    """Queue generation once the current transaction has committed."""
    ids = sorted({pk for pk in image_ids if pk})
    if ids:
        transaction.on_commit(lambda: generate_renditions.enqueue(ids))


def images_of(obj: models.Model) -> set[int]:
    """Ids of the images ``obj`` shows: image foreign keys, and images in StreamField and
    rich text (through the fields' own ``extract_references``, as Wagtail's usage index)."""
    image_model = get_image_model()
    found: set[int] = set()
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            if issubclass(field.related_model, AbstractImage):
                found.add(getattr(obj, field.attname))
        elif hasattr(field, "extract_references"):
            for model, pk, *_ in field.extract_references(getattr(obj, field.attname)):
                if issubclass(model, image_model):
                    found.add(int(pk))
    found.discard(None)
    return found


def on_image_saved(sender, instance, raw=False, **kwargs) -> None:
    """New and changed images (new file, new focal point) get their sizes right away."""
    if not raw:
        generate_after_commit([instance.pk])


post_save.connect(on_image_saved, sender=get_image_model())


@receiver(page_published)
def on_page_published(sender, instance, **kwargs) -> None:
    """Fill in what an upload missed (an image older than this code, a failed task)."""
    generate_after_commit(images_of(instance))
