"""German/English: wagtail-localize translation, language switcher, hreflang, redirects."""

import datetime

import pytest
from wagtail.models import PageViewRestriction
from wagtail_localize.models import Translation, TranslationSource

from projects.models import ProjectPage
from tests.helpers import tags, text

pytestmark = pytest.mark.django_db

ENGLISH = {
    "Testprojekt Familienzentren": "Test project family centres",
    "testprojekt-familienzentren": "test-project-family-centres",
    "Familienzentren als Orte der Integration.": "Family centres as places of integration.",
}


def translate_to_english(page, en, django_capture_on_commit_callbacks) -> ProjectPage:
    """The editor's path: export a PO file, fill in msgstr, import it, publish the target."""
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(source=source, target_locale=en)
    po = translation.export_po()
    msgids = {entry.msgid for entry in po}
    assert set(ENGLISH) <= msgids, f"PO file lacks translatable fields: {msgids}"
    for entry in po:
        entry.msgstr = ENGLISH.get(entry.msgid, entry.msgid)
    translation.import_po(po)
    # wagtail-localize publishes on commit; the test transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    return page.get_translation(en).specific


@pytest.fixture
def translated_project(make_project, en, django_capture_on_commit_callbacks):
    german = make_project(
        slug="testprojekt-familienzentren",
        title="Testprojekt Familienzentren",
        acronym="TFZ",
        teaser="Familienzentren als Orte der Integration.",
        start_date=datetime.date(2024, 1, 1),
        end_date=None,
    )
    english = translate_to_english(german, en, django_capture_on_commit_callbacks)
    return german, english


def test_translated_project_is_published_at_its_english_url(client, translated_project):
    german, english = translated_project
    assert english.live
    assert english.title == "Test project family centres"
    assert english.acronym == "TFZ"  # synchronised, not translated
    assert english.start_date == german.start_date

    response = client.get("/en/projects/test-project-family-centres/")
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="en"' in body
    assert "Test project family centres" in body
    assert "Family centres as places of integration." in body
    assert "Familienzentren als Orte der Integration." not in body
    # … and it is listed on the English project index.
    assert "Test project family centres" in text(client.get("/en/projects/"))


def test_language_switcher_links_the_two_translations(client, translated_project):
    de_url = "/de/projekte/testprojekt-familienzentren/"
    en_url = "/en/projects/test-project-family-centres/"

    german_links = tags(client.get(de_url), "a")
    assert any(a.get("href") == en_url and a.get("hreflang") == "en" for a in german_links)

    english_links = tags(client.get(en_url), "a")
    assert any(a.get("href") == de_url and a.get("hreflang") == "de" for a in english_links)


def test_head_announces_the_translation_with_hreflang(client, translated_project):
    for url, other in [
        ("/de/projekte/testprojekt-familienzentren/", "/en/projects/test-project-family-centres/"),
        ("/en/projects/test-project-family-centres/", "/de/projekte/testprojekt-familienzentren/"),
    ]:
        alternates = {
            link["hreflang"]: link["href"]
            for link in tags(client.get(url), "link")
            if link.get("rel") == "alternate" and "hreflang" in link
        }
        assert set(alternates) >= {"de", "en"}, url
        assert alternates["en"].endswith("/en/projects/test-project-family-centres/")
        assert alternates["de"].endswith("/de/projekte/testprojekt-familienzentren/")
        assert alternates["x-default"] == alternates["de"]
        assert other.split("/")[1] in alternates


def test_canonical_url_agrees_with_hreflang(client):
    """Search engines ignore hreflang when the canonical URL names a different address."""
    for url, lang in [("/de/projekte/thilik/", "de"), ("/en/projects/thilik/", "en")]:
        links = tags(client.get(url), "link")
        canonical = [link["href"] for link in links if link.get("rel") == "canonical"]
        alternates = {
            link["hreflang"]: link["href"]
            for link in links
            if link.get("rel") == "alternate" and "hreflang" in link
        }
        assert canonical == [alternates[lang]], url


def test_untranslated_page_links_to_nearest_english_ancestor(client, make_project):
    make_project(slug="nur-deutsch", title="Nur auf Deutsch")
    response = client.get("/de/projekte/nur-deutsch/")
    english = [a for a in tags(response, "a") if a.get("hreflang") == "en"]
    assert [a["href"] for a in english] == ["/en/projects/"]
    # No alternate claims an English version exists.
    alternates = [
        link
        for link in tags(response, "link")
        if link.get("rel") == "alternate" and link.get("hreflang") == "en"
    ]
    assert alternates == []
    # The English URL of the German slug is not served.
    assert client.get("/en/projects/nur-deutsch/").status_code == 404


def test_unpublished_translation_is_not_offered(client, thilik, en):
    thilik.get_translation(en).unpublish()
    response = client.get("/de/projekte/thilik/")
    english = [a["href"] for a in tags(response, "a") if a.get("hreflang") == "en"]
    assert english == ["/en/projects/"]
    assert client.get("/en/projects/thilik/").status_code == 404


def test_demo_pages_switch_languages(client):
    links = tags(client.get("/de/projekte/thilik/"), "a")
    assert any(a.get("href") == "/en/projects/thilik/" and a.get("hreflang") == "en" for a in links)
    links = tags(client.get("/en/districts-and-cities/jena/"), "a")
    assert any(
        a.get("href") == "/de/landkreise-und-staedte/jena/" and a.get("hreflang") == "de"
        for a in links
    )


@pytest.mark.parametrize(
    ("accept_language", "target"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "/de/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("fr-FR", "/de/"),
        ("", "/de/"),
    ],
)
def test_root_redirects_by_browser_language(client, accept_language, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code in (301, 302)
    assert response["Location"] == target


@pytest.mark.parametrize(("url", "lang"), [("/de/", "de"), ("/en/", "en")])
def test_interface_language_follows_url(client, url, lang):
    body = text(client.get(url))
    assert f'<html lang="{lang}"' in body
    og_locale = [m["content"] for m in tags(body, "meta") if m.get("property") == "og:locale"]
    assert og_locale == ["de_DE" if lang == "de" else "en_GB"]


def test_english_menu_lists_english_pages(client):
    body = text(client.get("/en/"))
    hrefs = {a.get("href") for a in tags(body, "a")}
    assert {"/en/projects/", "/en/publications/", "/en/districts-and-cities/"} <= hrefs
    assert "/de/projekte/" not in {h for h in hrefs if h != "/de/"}


def test_footer_links_follow_the_language(client):
    hrefs = {a.get("href") for a in tags(client.get("/en/projects/"), "a")}
    assert {"/en/imprint/", "/en/privacy/", "/en/accessibility/"} <= hrefs
    hrefs = {a.get("href") for a in tags(client.get("/de/projekte/"), "a")}
    assert {"/de/impressum/", "/de/datenschutz/", "/de/barrierefreiheit/"} <= hrefs


def test_view_restriction_is_copied_to_the_translation(
    make_project, en, django_capture_on_commit_callbacks, client
):
    german = make_project(
        slug="testprojekt-familienzentren",
        title="Testprojekt Familienzentren",
        teaser="Familienzentren als Orte der Integration.",
    )
    PageViewRestriction.objects.create(
        page=german, restriction_type=PageViewRestriction.PASSWORD, password="geheim-12345"
    )
    translate_to_english(german, en, django_capture_on_commit_callbacks)
    response = client.get("/en/projects/test-project-family-centres/")
    assert response.status_code == 200
    assert "Family centres as places of integration." not in text(response)
    assert 'type="password"' in text(response)
