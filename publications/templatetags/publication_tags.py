"""Template tags for publication pages."""

from django import template

from publications.citation import citation_meta_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def citation_meta(context, page) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` (name, content) pairs for the page's <head>."""
    return citation_meta_tags(page, context.get("request"))
