"""``{% feed_links %}``: ``<link rel="alternate">`` tags that let readers discover feeds."""

from django import template
from django.urls import NoReverseMatch
from django.utils import translation

from syndication.feeds import FORMATS, feed_name, feed_title, feed_url

register = template.Library()

FORMAT_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}


@register.inclusion_tag("syndication/feed_links.html", takes_context=True)
def feed_links(context, scope: str, page=None) -> dict:
    """Links to the feeds of ``scope`` in the page's language, in every format.

    ``scope`` is a kind (``all``, ``projects``, ``publications``, ``interviews``) or, with
    the district or project ``page`` itself, ``district`` or ``project``.
    """
    request = context.get("request")
    current = context.get("page")
    language = current.locale.language_code if current else translation.get_language()
    key = ""
    if scope == "district":
        key = page.ags
    elif scope == "project":
        key = page.slug
    with translation.override(language):
        title = feed_title(scope, feed_name(page) if page else "")
    feeds = []
    for fmt, generator in FORMATS.items():
        try:
            href = feed_url(language, scope, fmt, key)
        except NoReverseMatch:  # e.g. the preview of a district without a valid key
            return {"feeds": []}
        feeds.append(
            {
                "type": generator.content_type.split(";")[0],
                "title": f"{title} ({FORMAT_NAMES[fmt]})",
                "href": request.build_absolute_uri(href) if request else href,
            }
        )
    return {"feeds": feeds}
