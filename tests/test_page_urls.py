"""The API's page URLs (``cms.page_urls``) are the URLs Wagtail gives the same pages."""

import pytest
from django.test import RequestFactory
from django.urls import get_script_prefix, set_script_prefix
from django.utils import translation
from wagtail.models import Page, Site

from cms.page_urls import page_full_url
from home.models import StandardPage

SECOND_HOST = "zweite-site.test"


def _all_pages() -> list[Page]:
    return list(Page.objects.order_by("path"))


def _mismatches(request) -> list[tuple[str, str | None, str | None]]:
    pairs = [
        (page.url_path, page_full_url(request, page.url_path), page.get_full_url(request))
        for page in _all_pages()
    ]
    return [(path, ours, wagtails) for path, ours, wagtails in pairs if ours != wagtails]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_gets_the_url_wagtail_gives_it(rf: RequestFactory, language):
    pages = _all_pages()
    assert any(page.locale.language_code == "en" for page in pages)
    with translation.override(language):
        assert _mismatches(rf.get("/")) == []
        assert _mismatches(None) == []
    # The tree's root belongs to no site: no URL, as in Wagtail.
    assert page_full_url(rf.get("/"), pages[0].url_path) is None


@pytest.mark.django_db
def test_unicode_slugs_are_quoted_as_reverse_quotes_them(rf, home):
    page = StandardPage(title="Straße über Grünau", slug="straße-über-grünau")
    home.add_child(instance=page)
    url = page_full_url(rf.get("/"), page.url_path)
    assert url == page.get_full_url()
    assert url.endswith("/de/stra%C3%9Fe-%C3%BCber-gr%C3%BCnau/")


@pytest.mark.django_db
def test_urls_keep_the_script_prefix_of_a_site_served_below_a_path(rf, thilik):
    before = get_script_prefix()
    set_script_prefix("/institut/")
    try:
        url = page_full_url(rf.get("/"), thilik.url_path)
        assert url == thilik.get_full_url()
        assert "/institut/de/" in url
    finally:
        set_script_prefix(before)


@pytest.mark.django_db
def test_a_page_of_a_second_site_gets_that_sites_host(rf, de, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SECOND_HOST]
    second_home = StandardPage(title="Zweite Startseite", slug="zweite-start", locale=de)
    Page.get_first_root_node().add_child(instance=second_home)
    Site.objects.create(hostname=SECOND_HOST, port=80, root_page=second_home)
    child = StandardPage(title="Kontakt", slug="kontakt")
    second_home.add_child(instance=child)
    url = page_full_url(rf.get("/"), child.url_path)
    assert url == child.get_full_url()
    assert url.startswith(f"http://{SECOND_HOST}/")
