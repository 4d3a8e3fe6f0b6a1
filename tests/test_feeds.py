"""Atom, RSS and JSON feeds: contents, languages, scopes, caching and what must never leak."""

import datetime
import html
import json
import time
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from directory.models import Person
from districts.models import DistrictPage
from projects.models import ProjectPage
from publications.models import PublicationPerson
from tests.helpers import count_cache_calls, german, tags

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
MIME = {
    "atom": "application/atom+xml",
    "rss": "application/rss+xml",
    "json": "application/feed+json",
}

THILIK_DE = "Thüringer Initiative für lokales Integrationsmanagement in den Kommunen"
THILIK_EN = "Thuringian Initiative for Local Integration Management in the Municipalities"
VIELFALT_DE = "Vielfalt leben. Für eine zukunftsfähige Verwaltung"
VOLUME_1_DE = "Kommunales Integrationsmanagement in Thüringen"
VOLUME_1_EN = "Municipal integration management in Thuringia"
VOLUME_2_DE = f"{VOLUME_1_DE}: Innovative Steuerungsstrukturen und Erfolgsbeispiele"
INTERVIEW_DE = "Beispielinterview: Integrationsmanagement in einer Kreisverwaltung"
INTERVIEW_EN = "Sample interview: integration management in a district administration"


# -- reading feeds ---------------------------------------------------------------------------


def fetch(client, path: str, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return response


def entries(response) -> list[dict]:
    """Items of an Atom, RSS or JSON feed in one shape, read the way a feed reader would."""
    kind = response["Content-Type"].split(";")[0]
    if kind == MIME["json"]:
        data = json.loads(response.content)
        assert data["version"] == "https://jsonfeed.org/version/1.1"
        return [
            {
                "title": item["title"],
                "link": item["url"],
                "summary": item.get("summary", ""),
                "authors": [a["name"] for a in item.get("authors", [])],
                "categories": item.get("tags", []),
                "enclosures": [
                    (a["url"], str(a["size_in_bytes"]), a["mime_type"])
                    for a in item.get("attachments", [])
                ],
                "published": item.get("date_published"),
            }
            for item in data["items"]
        ]
    root = ET.fromstring(response.content)
    if kind == MIME["atom"]:
        return [
            {
                "title": entry.findtext(f"{ATOM}title"),
                "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
                "summary": html.unescape(entry.findtext(f"{ATOM}summary") or ""),
                "authors": [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")],
                "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
                "enclosures": [
                    (link.get("href"), link.get("length"), link.get("type"))
                    for link in entry.findall(f"{ATOM}link[@rel='enclosure']")
                ],
                "published": entry.findtext(f"{ATOM}published"),
            }
            for entry in root.iter(f"{ATOM}entry")
        ]
    assert kind == MIME["rss"], kind
    return [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "summary": html.unescape(item.findtext("description") or ""),
            "authors": [c.text for c in item.findall(f"{DC}creator")],
            "categories": [c.text for c in item.findall("category")],
            "enclosures": [
                (e.get("url"), e.get("length"), e.get("type")) for e in item.findall("enclosure")
            ],
            "published": item.findtext("pubDate"),
        }
        for item in root.iter("item")
    ]


def titles(client, path: str) -> list[str]:
    return [entry["title"] for entry in entries(fetch(client, path))]


def by_title(response) -> dict[str, dict]:
    return {entry["title"]: entry for entry in entries(response)}


def feed_title(response) -> str:
    if response["Content-Type"].startswith(MIME["json"]):
        return json.loads(response.content)["title"]
    root = ET.fromstring(response.content)
    return root.findtext(f"{ATOM}title") or root.findtext("channel/title")


# -- formats and languages -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_every_format_parses_in_german_with_the_demo_items(client, fmt):
    response = fetch(client, f"/feeds/de/all.{fmt}")
    assert response["Content-Type"] == f"{MIME[fmt]}; charset=utf-8"
    found = by_title(response)
    for title in (THILIK_DE, VIELFALT_DE, VOLUME_1_DE, VOLUME_2_DE, INTERVIEW_DE):
        assert title in found
    thilik = found[THILIK_DE]
    assert thilik["link"] == "http://testserver/de/projekte/thilik/"
    assert thilik["summary"].startswith("Mit ThILIK erhielten")
    assert thilik["authors"] == ["Dr. Stefan Huber"]
    assert "Migration und Integration" in thilik["categories"]
    assert thilik["published"]
    label = "Projects, publications and interviews"
    assert feed_title(response) == f"IKPE: {german(label) or label}"


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_english_feed_has_english_pages_titles_and_topics(client, fmt):
    response = fetch(client, f"/feeds/en/all.{fmt}")
    found = by_title(response)
    assert {THILIK_EN, VOLUME_1_EN, INTERVIEW_EN} <= set(found)
    assert not {THILIK_DE, VOLUME_1_DE, INTERVIEW_DE} & set(found)
    assert all(entry["link"].startswith("http://testserver/en/") for entry in found.values())
    assert "Migration and integration" in found[THILIK_EN]["categories"]
    assert "Migration und Integration" not in found[THILIK_EN]["categories"]
    assert feed_title(response) == "IKPE: Projects, publications and interviews"


def test_feed_language_is_declared(client):
    atom = ET.fromstring(fetch(client, "/feeds/en/projects.atom").content)
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    rss = ET.fromstring(fetch(client, "/feeds/de/projects.rss").content)
    assert rss.findtext("channel/language") == "de"
    assert json.loads(fetch(client, "/feeds/en/projects.json").content)["language"] == "en"


def test_kind_feeds_hold_only_their_kind(client):
    assert set(titles(client, "/feeds/de/projects.atom")) == {THILIK_DE, VIELFALT_DE}
    assert set(titles(client, "/feeds/de/publications.rss")) == {VOLUME_1_DE, VOLUME_2_DE}
    assert titles(client, "/feeds/de/interviews.json") == [INTERVIEW_DE]


def test_publication_summary_falls_back_to_the_abstract_as_plain_text(client):
    entry = by_title(fetch(client, "/feeds/de/publications.atom"))[VOLUME_1_DE]
    assert entry["summary"].startswith("In den Städten und Gemeinden")
    assert "spürbar werden. Soll die Integration gelingen" in entry["summary"]
    assert "<p" not in entry["summary"]
    assert entry["authors"] == [django_settings.IKPE_NAME]


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_summary_is_text_not_markup(client, make_project, fmt):
    make_project(slug="zeichen", title="Zeichen", teaser="Kinder & Jugend <b>2025</b>")
    response = fetch(client, f"/feeds/de/projects.{fmt}")
    assert by_title(response)["Zeichen"]["summary"] == "Kinder & Jugend <b>2025</b>"
    if fmt == "json":  # plain-text fields only; nothing a reader would render as HTML
        assert all("content_html" not in item for item in json.loads(response.content)["items"])
    else:  # escaped inside the HTML the reader renders
        assert b"<b>2025" not in response.content
        assert b"&amp;lt;b&amp;gt;2025" in response.content


@pytest.fixture
def volume_1_with_pdf(volume_1, settings, tmp_path, django_capture_on_commit_callbacks):
    """The demo has no PDFs and no authors: give volume 1 both, as an editor would."""
    settings.MEDIA_ROOT = tmp_path / "media"
    document = get_document_model()(title="Band 1 (PDF)")
    document.file.save("band-1.pdf", ContentFile(b"%PDF-1.4\n" + b"0" * 2039), save=False)
    document.save()
    huber = Person.objects.get(locale=volume_1.locale, family_name="Huber")
    vidot = Person.objects.get(locale=volume_1.locale, family_name="Vidot")
    with django_capture_on_commit_callbacks(execute=True):
        volume_1.document = document
        volume_1.authors = [
            PublicationPerson(person=huber, role="author"),
            PublicationPerson(person=vidot, role="author"),
        ]
        volume_1.save_revision().publish()
    return document


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_publication_items_carry_the_pdf_and_the_authors(client, volume_1_with_pdf, fmt):
    entry = by_title(fetch(client, f"/feeds/de/publications.{fmt}"))[VOLUME_1_DE]
    assert entry["enclosures"] == [
        (f"http://testserver{volume_1_with_pdf.url}", "2048", "application/pdf")
    ]
    if fmt == "atom" or fmt == "rss":  # one author element: the names joined
        assert entry["authors"] == ["Dr. Stefan Huber, Dr. Viviane Vidot"]
    else:
        assert entry["authors"] == ["Dr. Stefan Huber", "Dr. Viviane Vidot"]
    assert entry["categories"] == ["Migration und Integration"]
    pdf = fetch(client, volume_1_with_pdf.url.replace("http://testserver", ""))
    assert pdf.status_code == 200


def test_pdf_in_a_private_collection_is_not_offered(client, volume_1_with_pdf):
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Intern")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="geheim"
    )
    volume_1_with_pdf.collection = private
    volume_1_with_pdf.save()
    entry = by_title(fetch(client, "/feeds/de/publications.rss"))[VOLUME_1_DE]
    assert entry["enclosures"] == []


# -- scopes ----------------------------------------------------------------------------------


def test_district_feed_holds_what_links_to_the_district(
    client, jena_de, volume_1, django_capture_on_commit_callbacks
):
    assert titles(client, "/feeds/de/districts/16053.atom") == [THILIK_DE]
    assert THILIK_DE not in titles(client, "/feeds/de/districts/16055.atom")  # Weimar
    with django_capture_on_commit_callbacks(execute=True):
        volume_1.district_links = [volume_1.district_links.model(district=jena_de)]
        volume_1.save_revision().publish()
    assert set(titles(client, "/feeds/de/districts/16053.rss")) == {THILIK_DE, VOLUME_1_DE}
    response = fetch(client, "/feeds/de/districts/16053.json")
    assert json.loads(response.content)["home_page_url"].endswith(
        "/de/landkreise-und-staedte/jena/"
    )
    assert "Jena" in feed_title(response)


def test_english_district_feed_links_english_pages(client):
    assert titles(client, "/feeds/en/districts/16053.atom") == [THILIK_EN]


def test_project_feed_holds_its_publications_and_interviews(client):
    response = fetch(client, "/feeds/de/projects/thilik.atom")
    assert set(titles(client, "/feeds/de/projects/thilik.atom")) == {VOLUME_1_DE, VOLUME_2_DE}
    assert "ThILIK" in feed_title(response)
    assert titles(client, "/feeds/de/projects/vielfalt-leben.rss") == []
    assert VOLUME_1_EN in titles(client, "/feeds/en/projects/thilik.json")


def test_topic_feed_holds_projects_and_publications_with_the_topic(client):
    integration = set(titles(client, "/feeds/de/topics/integration.atom"))
    assert integration == {THILIK_DE, VIELFALT_DE, VOLUME_1_DE, VOLUME_2_DE}
    assert titles(client, "/feeds/de/topics/sozialplanung.rss") == [THILIK_DE]
    assert titles(client, "/feeds/de/topics/interkulturelle-oeffnung.json") == [VIELFALT_DE]
    assert THILIK_EN in titles(client, "/feeds/en/topics/sozialplanung.atom")


def test_items_are_newest_first(client, make_project):
    make_project(slug="neu", title="Neuestes Projekt")
    assert titles(client, "/feeds/de/all.atom")[0] == "Neuestes Projekt"


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/fr/all.atom",
        "/feeds/xx/projects.rss",
        "/feeds/de/events.atom",
        "/feeds/de/projects.xml",
        "/feeds/de/projects",
        "/feeds/de/districts/99999.atom",
        "/feeds/de/districts/jena.atom",
        "/feeds/de/projects/gibt-es-nicht.rss",
        "/feeds/en/projects/vielfalt-lebe.json",
        "/feeds/de/topics/gibt-es-nicht.json",
        "/feeds/de/topics/integration.pdf",
    ],
)
def test_unknown_feeds_are_404(client, path):
    assert client.get(path).status_code == 404


# -- nothing leaks ---------------------------------------------------------------------------


def all_titles(client) -> set[str]:
    """Every title in every German feed that could show a project."""
    paths = [
        "/feeds/de/all.atom",
        "/feeds/de/projects.rss",
        "/feeds/de/districts/16053.json",
        "/feeds/de/topics/sozialplanung.atom",
    ]
    return {title for path in paths for title in titles(client, path)}


def leaky_project(make_project, jena_de, topic_slug="sozialplanung", **fields) -> ProjectPage:
    project = make_project(**fields)
    project.district_links = [project.district_links.model(district=jena_de)]
    sozialplanung = ProjectPage.objects.get(slug="thilik", locale=project.locale)
    project.topic_links = [
        project.topic_links.model(topic=link.topic)
        for link in sozialplanung.topic_links.all()
        if link.topic.slug == topic_slug
    ]
    project.save_revision().publish()
    return project


def test_new_page_appears_in_the_next_response_and_unpublishing_removes_it(
    client, make_project, jena_de, django_capture_on_commit_callbacks
):
    before = fetch(client, "/feeds/de/all.atom")
    assert "Geheimes Projekt" not in all_titles(client)
    with django_capture_on_commit_callbacks(execute=True):
        project = leaky_project(make_project, jena_de, slug="neu", title="Geheimes Projekt")
    after = fetch(client, "/feeds/de/all.atom")
    assert after["ETag"] != before["ETag"]
    for path in ["/feeds/de/all.atom", "/feeds/de/projects.rss", "/feeds/de/districts/16053.json"]:
        assert "Geheimes Projekt" in titles(client, path)
    assert "Geheimes Projekt" in titles(client, "/feeds/de/topics/sozialplanung.atom")
    with django_capture_on_commit_callbacks(execute=True):
        project.unpublish()
    assert "Geheimes Projekt" not in all_titles(client)


def test_drafts_never_appear(client, project_index, make_project, jena_de):
    draft = ProjectPage(
        title="Entwurfsprojekt",
        slug="entwurf",
        teaser="Noch nicht fertig.",
        start_date=datetime.date(2024, 1, 1),
        live=False,
    )
    project_index.add_child(instance=draft)
    draft.save_revision()
    published = leaky_project(make_project, jena_de, slug="veroeffentlicht", title="Alter Titel")
    published.title = "Neuer Titel im Entwurf"
    published.save_revision()  # a draft of a live page
    found = all_titles(client)
    assert "Entwurfsprojekt" not in found
    assert "Neuer Titel im Entwurf" not in found
    assert "Alter Titel" in found


def test_private_pages_never_appear(
    client, make_project, jena_de, django_capture_on_commit_callbacks
):
    project = leaky_project(make_project, jena_de, slug="privat", title="Privates Projekt")
    assert "Privates Projekt" in all_titles(client)
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=project, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
        )
    assert "Privates Projekt" not in all_titles(client)


def test_expired_and_scheduled_pages_never_appear(client, make_project, jena_de):
    expired = leaky_project(make_project, jena_de, slug="abgelaufen", title="Abgelaufen")
    scheduled = leaky_project(make_project, jena_de, slug="geplant", title="Geplant")
    past = timezone.now() - datetime.timedelta(hours=1)
    future = timezone.now() + datetime.timedelta(days=1)
    # Still live: publish_scheduled has not run yet.
    ProjectPage.objects.filter(pk=expired.pk).update(expire_at=past)
    ProjectPage.objects.filter(pk=scheduled.pk).update(go_live_at=future)
    found = all_titles(client)
    assert "Abgelaufen" not in found
    assert "Geplant" not in found


def test_cached_feed_drops_a_page_when_its_expiry_passes(client, make_project):
    """Real time: the database's clock decides what is visible (cms.api.visibility)."""
    project = make_project(slug="bald-abgelaufen", title="Bald abgelaufen")
    expires = timezone.now() + datetime.timedelta(seconds=2)
    ProjectPage.objects.filter(pk=project.pk).update(expire_at=expires)
    assert "Bald abgelaufen" in titles(client, "/feeds/de/projects.atom")
    time.sleep(max(0.0, (expires - timezone.now()).total_seconds()) + 0.2)
    assert "Bald abgelaufen" not in titles(client, "/feeds/de/projects.atom")


def test_untranslated_pages_stay_out_of_the_english_feeds(client, make_project, jena_de):
    leaky_project(make_project, jena_de, slug="nur-deutsch", title="Nur auf Deutsch")
    assert "Nur auf Deutsch" in titles(client, "/feeds/de/all.atom")
    for path in [
        "/feeds/en/all.atom",
        "/feeds/en/projects.rss",
        "/feeds/en/districts/16053.json",
        "/feeds/en/topics/sozialplanung.atom",
    ]:
        assert "Nur auf Deutsch" not in titles(client, path)


def test_untranslated_district_has_no_english_feed(client, jena_de):
    english = DistrictPage.objects.get(
        translation_key=jena_de.translation_key, locale__language_code="en"
    )
    english.unpublish()
    assert client.get("/feeds/en/districts/16053.atom").status_code == 404
    assert client.get("/feeds/de/districts/16053.atom").status_code == 200


# -- HTTP caching ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_conditional_get_answers_304(client, fmt):
    path = f"/feeds/de/all.{fmt}"
    response = fetch(client, path)
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith('W/"')
    assert response["Last-Modified"]
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert fetch(client, path).content == response.content


def test_same_etag_across_requests_until_content_changes(client):
    first = fetch(client, "/feeds/en/projects.rss")
    cache.clear()  # another process, or an evicted entry: same bytes, same ETag
    assert fetch(client, "/feeds/en/projects.rss")["ETag"] == first["ETag"]


def feed_queries(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        fetch(client, path)
    return len(queries)


def test_query_count_does_not_grow_with_the_items(
    client, make_project, jena_de, volume_1_with_pdf, django_assert_max_num_queries
):
    fetch(client, "/feeds/de/all.atom")  # warm process-level caches (locales, sites)
    few = feed_queries(client, "/feeds/de/all.atom")
    huber = Person.objects.get(locale=jena_de.locale, family_name="Huber")
    for number in range(5):  # with everything an item shows: topics, a lead, a district
        project = leaky_project(make_project, jena_de, slug=f"p-{number}", title=f"P {number}")
        project.people = [project.people.model(person=huber, role="lead")]
        project.save_revision().publish()
    many = feed_queries(client, "/feeds/de/all.atom")
    assert len(titles(client, "/feeds/de/all.atom")) == 10
    assert many == few
    cache.clear()
    with django_assert_max_num_queries(few):
        fetch(client, "/feeds/en/all.json")


def test_cached_feed_needs_no_content_queries(client):
    fetch(client, "/feeds/de/all.atom")
    with CaptureQueriesContext(connection) as queries:
        fetch(client, "/feeds/de/all.atom")
    assert len(queries) == 0


def test_cached_feed_is_one_cache_round_trip(client, monkeypatch):
    first = fetch(client, "/feeds/de/all.atom")
    calls = count_cache_calls(monkeypatch)
    again = fetch(client, "/feeds/de/all.atom")
    assert calls == ["get_many"]
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


# -- discovery -------------------------------------------------------------------------------


def feed_links(client, path: str) -> dict[str, str]:
    links = tags(fetch(client, path), "link")
    return {
        link["type"]: link["href"]
        for link in links
        if link.get("rel") == "alternate" and link.get("type") in MIME.values()
    }


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/de/", "/feeds/de/all"),
        ("/en/", "/feeds/en/all"),
        ("/de/projekte/", "/feeds/de/projects"),
        ("/en/projects/", "/feeds/en/projects"),
        ("/de/landkreise-und-staedte/jena/", "/feeds/de/districts/16053"),
        ("/en/districts-and-cities/jena/", "/feeds/en/districts/16053"),
        ("/de/projekte/thilik/", "/feeds/de/projects/thilik"),
    ],
)
def test_pages_announce_their_feeds(client, page, feed):
    links = feed_links(client, page)
    assert links == {
        MIME["atom"]: f"http://testserver{feed}.atom",
        MIME["rss"]: f"http://testserver{feed}.rss",
        MIME["json"]: f"http://testserver{feed}.json",
    }
    for href in links.values():
        assert fetch(client, href.removeprefix("http://testserver")).status_code == 200


def test_publication_listing_announces_publications_and_interviews(client):
    links = tags(fetch(client, "/de/publikationen/"), "link")
    for mime, fmt in [(MIME["atom"], "atom"), (MIME["rss"], "rss"), (MIME["json"], "json")]:
        hrefs = {link["href"] for link in links if link.get("type") == mime}
        assert hrefs == {
            f"http://testserver/feeds/de/publications.{fmt}",
            f"http://testserver/feeds/de/interviews.{fmt}",
        }
    for href in hrefs:
        assert entries(fetch(client, href.removeprefix("http://testserver")))


def test_discovery_links_have_titles_in_the_page_language(client):
    links = tags(fetch(client, "/en/"), "link")
    atom = next(link for link in links if link.get("type") == MIME["atom"])
    assert atom["title"] == "IKPE: Projects, publications and interviews (Atom)"
    links = tags(fetch(client, "/de/landkreise-und-staedte/jena/"), "link")
    atom = next(link for link in links if link.get("type") == MIME["atom"])
    assert "Jena" in atom["title"]
