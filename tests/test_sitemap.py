"""sitemap.xml and robots.txt: both languages, live public pages only."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import PageViewRestriction

from tests.helpers import text

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def sitemap(client) -> ET.Element:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def paths(root: ET.Element) -> set[str]:
    from urllib.parse import urlsplit

    return {urlsplit(loc.text).path for loc in root.findall("sm:url/sm:loc", NS)}


def test_sitemap_lists_both_languages(client):
    listed = paths(sitemap(client))
    assert {"/de/", "/en/", "/de/projekte/thilik/", "/en/projects/thilik/"} <= listed
    assert "/de/landkreise-und-staedte/jena/" in listed
    assert "/en/districts-and-cities/jena/" in listed
    assert "/en/publications/municipal-integration-management-volume-1/" in listed
    # Every listed address is a real page.
    for path in sorted(listed)[:: max(1, len(listed) // 10)]:
        assert client.get(path).status_code == 200, path


def test_sitemap_links_translations_with_hreflang(client):
    root = sitemap(client)
    for url in root.findall("sm:url", NS):
        if url.find("sm:loc", NS).text.endswith("/de/projekte/thilik/"):
            alternates = {
                link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
            }
            assert alternates["en"].endswith("/en/projects/thilik/")
            assert alternates["de"].endswith("/de/projekte/thilik/")
            break
    else:
        pytest.fail("ThILIK missing from the sitemap")


def test_sitemap_leaves_out_drafts(client, make_project):
    draft = make_project(slug="entwurfsprojekt")
    draft.unpublish()
    draft.refresh_from_db()
    draft.title = "Entwurf mit Änderungen"
    draft.save_revision()
    assert not draft.live
    assert "/de/projekte/entwurfsprojekt/" not in paths(sitemap(client))


def test_sitemap_leaves_out_never_published_pages(client, project_index):
    import datetime

    from projects.models import ProjectPage

    page = ProjectPage(
        title="Nie veröffentlicht",
        slug="nie-veroeffentlicht",
        teaser="Entwurf.",
        start_date=datetime.date(2024, 1, 1),
        live=False,
    )
    project_index.add_child(instance=page)
    page.save_revision()
    assert not page.live
    assert "/de/projekte/nie-veroeffentlicht/" not in paths(sitemap(client))


def test_sitemap_leaves_out_private_pages(client, make_project, thilik):
    private = make_project(slug="intern")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="geheim-12345"
    )
    listed = paths(sitemap(client))
    assert "/de/projekte/intern/" not in listed
    assert "/de/projekte/thilik/" in listed
    # The page itself asks for the password instead of showing the content.
    body = text(client.get("/de/projekte/intern/"))
    assert "Ein Projekt nur für die Tests." not in body


def test_sitemap_leaves_out_pages_below_a_private_page(client, project_index):
    PageViewRestriction.objects.create(
        page=project_index, restriction_type=PageViewRestriction.PASSWORD, password="geheim-12345"
    )
    listed = paths(sitemap(client))
    assert "/de/projekte/" not in listed
    assert "/de/projekte/thilik/" not in listed
    assert "/en/projects/thilik/" in listed


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = text(response)
    assert "Sitemap: http://testserver/sitemap.xml" in body.splitlines()
    assert "Disallow: /admin/" in body.splitlines()


def test_sitemap_query_count_does_not_grow_with_pages(
    client, make_project, django_assert_max_num_queries
):
    """Measured: 15 queries for the 77 demo pages."""
    client.get("/sitemap.xml")
    with django_assert_max_num_queries(18):
        client.get("/sitemap.xml")
    for number in range(10):
        make_project(slug=f"sitemap-{number}")
    with django_assert_max_num_queries(18):
        assert "/de/projekte/sitemap-9/" in paths(sitemap(client))
