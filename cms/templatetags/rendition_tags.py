"""Image tags that take a size *name* from cms.renditions, so templates, the API and the
pre-generation share one list of sizes (Wagtail's ``{% image %}`` only takes literal specs)."""

from django import template
from django.utils.safestring import SafeString
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtail.images.shortcuts import get_rendition_or_not_found

from cms.renditions import spec

register = template.Library()


@register.simple_tag
def rendition(image: AbstractImage | None, name: str) -> AbstractRendition | None:
    """``{% rendition page.social_image "social" as og %}``: the rendition, or None."""
    if not image:
        return None
    return get_rendition_or_not_found(image, spec(name))


@register.simple_tag
def rendition_img(image: AbstractImage | None, name: str, **attrs) -> SafeString | str:
    """``{% rendition_img image "card" alt="" loading="lazy" %}``: an ``<img>`` tag, as
    Wagtail's ``{% image %}`` renders it (ImageBlock alt text and decorative flag included)."""
    found = rendition(image, name)
    return found.img_tag(attrs) if found is not None else ""
