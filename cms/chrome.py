"""The links every page shows around its content: home, main menu and footer.

They are the same on every page of a site and language and change only with the ``site``
scope (a home, index or standard page published or moved, the footer settings), yet built
anew they cost a page that misses the cache eight queries and a fifth of its time. So they
are kept as plain links, one cache round trip per page (cms.response_cache.kept).
"""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Site

from cms.api.visibility import visible_pages
from cms.models import FooterLinks
from cms.response_cache import kept


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    page_id: int
    url_path: str


@dataclass(frozen=True)
class Chrome:
    home_url: str = "/"
    menu: tuple[Link, ...] = ()
    footer: tuple[Link, ...] = ()
    contact_email: str = ""


def site_chrome(request: HttpRequest) -> Chrome:
    """The home link, menu and footer for the request's site in the active language."""
    site = Site.find_for_request(request)
    if site is None:
        return Chrome()
    name = f"chrome|{site.pk}|{get_language()}"
    return kept(name, ["site"], lambda: _build(site, request))


def _link(page, request: HttpRequest) -> Link:
    return Link(page.title, page.get_url(request), page.pk, page.url_path)


def _build(site: Site, request: HttpRequest) -> Chrome:
    root = site.root_page.localized
    footer = FooterLinks.for_site(site)
    return Chrome(
        home_url=root.get_url(request),
        menu=tuple(_link(page, request) for page in visible_pages(root.get_children()).in_menu()),
        footer=tuple(_link(page, request) for page in footer.pages()),
        contact_email=footer.contact_email,
    )
