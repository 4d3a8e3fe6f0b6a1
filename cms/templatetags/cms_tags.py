"""Template tags for the shared layout: language switcher, hreflang, menus and JSON-LD."""

import json

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Page

from cms import chrome
from cms.chrome import Chrome

register = template.Library()

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def language_links(context, page: Page | None = None) -> list[dict]:
    """One link per language: the translation, else the nearest translated ancestor.

    ``exact`` tells whether the link is a real translation, which is what hreflang needs.
    The translations of the page and all its ancestors come from one query.
    """
    request = context["request"]
    current = get_language()
    found: dict[tuple[str, str], Page] = {}
    chain: list[Page] = []
    if page is not None:
        chain = [page, *reversed(page.get_ancestors().filter(depth__gt=1))]
        keys = {p.translation_key for p in chain}
        for translation in (
            Page.objects.filter(translation_key__in=keys).live().select_related("locale")
        ):
            found[(str(translation.translation_key), translation.locale.language_code)] = (
                translation
            )
    links = []
    for code, name in settings.LANGUAGES:
        url, exact = None, False
        for candidate in chain:
            translation = found.get((str(candidate.translation_key), code))
            if translation is not None:
                url, exact = translation.get_url(request), candidate.pk == page.pk
                break
        if url is None:
            url = translate_url(request.path, code)
            exact = page is None
        links.append(
            {"code": code, "name": name, "url": url, "exact": exact, "current": code == current}
        )
    return links


@register.simple_tag(takes_context=True)
def site_chrome(context) -> Chrome:
    """Home link, main menu and footer links (kept in the cache: cms.chrome)."""
    return chrome.site_chrome(context["request"])


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    return chrome.site_chrome(context["request"]).home_url


@register.simple_tag(takes_context=True)
def jsonld(context, page) -> str:
    """schema.org JSON-LD for the page, escaped so no content can close the script tag."""
    data = page.get_jsonld(context.get("request")) if hasattr(page, "get_jsonld") else None
    if not data:
        return ""
    data = {"@context": "https://schema.org", **data}
    request = context.get("request")
    data.setdefault("url", request.build_absolute_uri(page.url) if request else page.full_url)
    data.setdefault("inLanguage", page.locale.language_code)
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag(takes_context=True)
def absolute_url(context, url) -> str:
    """Make a URL absolute for canonical, hreflang and Open Graph; absolute URLs pass through."""
    request = context.get("request")
    if not url or request is None:
        return url or ""
    return request.build_absolute_uri(url)


def _role_position(link) -> int:
    """Position of the link's role in its model's role choices (lead before contact before …)."""
    choices = [value for value, _label in type(link)._meta.get_field("role").choices or []]
    return choices.index(link.role) if link.role in choices else len(choices)


@register.filter
def current_links(links):
    """Person links valid today (``is_current()``), ordered by role as the choices list them."""
    return sorted((link for link in links if link.is_current()), key=_role_position)


@register.filter
def former_links(links):
    """Person links no longer (or not yet) valid today."""
    return [link for link in links if not link.is_current()]
