"""No script gets from an editor's or a visitor's input onto the site, into the API or feeds,
and no link on the site sends a visitor elsewhere on the say of a query parameter.

Rich text is sanitised where it enters (Wagtail's converter keeps only the features the
field allows; the importer and wagtail-localize check theirs); plain-text fields are escaped
where they leave. The tests send what a hostile client could send: hand-made editor state,
markup in every text field, markup in search and filter parameters.
"""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import PageViewRestriction
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from projects.models import ProjectPage
from tests.helpers import tags, text

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(2)>'
EVIL = "https://evil.example/"


def hostile_rich_text() -> str:
    """Draftail's editor state as a hostile client could post it."""
    words = f"Hallo {SCRIPT} Link"
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "type": "unstyled",
                    "text": words,
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": words.index("Link"), "length": 4, "key": 0}],
                    "data": {},
                },
                {
                    "key": "a2",
                    "type": "header-one",  # not a feature of the field
                    "text": "Nicht erlaubt",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                    "data": {},
                },
                {
                    "key": "a3",
                    "type": "atomic",
                    "text": " ",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": 1, "key": 1}],
                    "data": {},
                },
            ],
            "entityMap": {
                "0": {
                    "type": "LINK",
                    "mutability": "MUTABLE",
                    "data": {"url": " JaVaScRiPt:alert(document.cookie)"},
                },
                "1": {
                    "type": "EMBED",
                    "mutability": "IMMUTABLE",
                    "data": {"url": "https://evil.example/player", "embedType": "video"},
                },
            },
        }
    )


def project_form() -> dict:
    return nested_form_data(
        {
            "title": f"Projekt {SCRIPT}",
            "slug": "feindliches-projekt",
            "acronym": ATTRIBUTE_BREAKOUT[:20],
            "start_date": "2023-01-01",
            "end_date": "",
            "dates_precision": "month",
            "teaser": f"Kurztext {SCRIPT} {ATTRIBUTE_BREAKOUT}",
            "body": streamfield(
                [
                    ("paragraph", hostile_rich_text()),
                    ("heading", {"text": f"Zwischentitel {SCRIPT}", "level": "h2"}),
                    ("quote", {"text": f"Zitat {SCRIPT}", "attribution": ATTRIBUTE_BREAKOUT}),
                ]
            ),
            "topic_links": inline_formset([]),
            "people": inline_formset([]),
            "organisations": inline_formset([]),
            "district_links": inline_formset([]),
            "comments": inline_formset([]),
            "districts_as_of": "",
            "seo_title": "",
            "search_description": f"Beschreibung {ATTRIBUTE_BREAKOUT}",
            "listing_teaser": "",
            "action-publish": "action-publish",
        }
    )


@pytest.fixture
def hostile_project(admin_client, project_index) -> ProjectPage:
    """Published through the admin's own form, as the editor's browser would."""
    url = reverse("wagtailadmin_pages:add", args=["projects", "projectpage", project_index.pk])
    response = admin_client.post(url, project_form())
    assert response.status_code == 302, text(response)[:2000]
    page = ProjectPage.objects.get(slug="feindliches-projekt")
    assert page.live
    return page


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def assert_nothing_executable(html: str) -> None:
    """What a browser would parse out of ``html`` runs nothing and loads nothing foreign."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.elements:
        assert tag not in ("iframe", "embed", "object", "img") or "evil" not in str(attrs), tag
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        if tag == "script":
            assert attrs.get("type") == "application/ld+json" or attrs.get("src", "").startswith(
                "/static/"
            ), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not value.strip().lower().startswith(("javascript:", "data:text")), (tag, value)
            assert "evil.example" not in value, (tag, value)
    assert "Nicht erlaubt" not in html  # the block type the field does not allow


def test_the_stored_rich_text_holds_only_allowed_markup(hostile_project):
    paragraph = str(hostile_project.body[0].value.source)
    assert "&lt;script&gt;" in paragraph
    assert "<a>Link</a>" in paragraph  # the link survived, its javascript: URL did not
    assert "Nicht erlaubt" not in paragraph
    assert_nothing_executable(paragraph)


def test_the_public_page_shows_the_text_but_runs_nothing(client, hostile_project):
    response = client.get(hostile_project.url)
    assert response.status_code == 200
    html = text(response)
    assert_nothing_executable(html)
    assert "Hallo &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Zitat &lt;script&gt;" in html
    # JSON-LD carries the title; it cannot close its script element early.
    (jsonld,) = [s for s in html.split('<script type="application/ld+json">')[1:]]
    data = json.loads(jsonld.split("</script>")[0])
    assert data["name"] == f"Projekt {SCRIPT}"


def test_listing_and_search_escape_the_title(client, hostile_project):
    for url in (hostile_project.get_parent().url, "/de/suche/?q=Kurztext"):
        html = text(client.get(url))
        assert "feindliches-projekt" in html
        assert_nothing_executable(html)


def test_the_api_returns_sanitised_html_and_plain_text(client, hostile_project):
    response = client.get(f"/api/v1/projects/{hostile_project.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = response.json()
    assert data["title"] == f"Projekt {SCRIPT}"  # plain text stays plain text, for partners
    html = "".join(block["value"] for block in data["body"] if block["type"] == "paragraph")
    assert "<a>Link</a>" in html
    assert_nothing_executable(html)


def feed_texts(body: bytes) -> list[str]:
    """Every text a feed reader would render, entities decoded."""
    return [element.text or "" for element in ET.fromstring(body).iter()]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_feeds_escape_titles_and_summaries(client, hostile_project, fmt):
    response = client.get(f"/feeds/de/projects.{fmt}")
    assert response.status_code == 200
    rendered = "\n".join(feed_texts(response.content))
    assert f"Projekt {SCRIPT}" in rendered  # titles are text
    # Summaries are HTML in these formats, so the teaser's markup arrives escaped once more.
    assert "Kurztext &lt;script&gt;" in rendered
    assert "Kurztext <script>" not in rendered


def test_json_feed_marks_text_as_text(client, hostile_project):
    data = client.get("/feeds/de/projects.json").json()
    (item,) = [item for item in data["items"] if "feindliches-projekt" in item["url"]]
    assert "content_html" not in item
    assert item["content_text"].startswith("Kurztext <script>")


# -- visitor input ---------------------------------------------------------------------------

PAYLOADS = [SCRIPT, ATTRIBUTE_BREAKOUT, "javascript:alert(3)", "';alert(4);//"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_query_is_escaped(client, payload):
    for path in ("/de/suche/", "/en/search/"):
        response = client.get(path, {"q": payload, "type": payload, "year": payload})
        assert response.status_code == 200
        html = text(response)
        if payload != "javascript:alert(3)":
            assert payload not in html
        assert "<img src=x" not in html
        values = [attrs.get("value") for attrs in tags(html, "input") if attrs.get("name") == "q"]
        assert payload in values  # shown back as the visitor typed it, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_suggestions_are_json(client, payload):
    with translation.override("de"):
        url = reverse("search_suggestions")
    response = client.get(url, {"q": payload})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["query"] == payload


@pytest.mark.parametrize(
    "path, params",
    [
        ("/de/projekte/", ["status", "topic", "district", "page"]),
        ("/de/publikationen/", ["year", "kind", "series", "topic", "page"]),
        ("/de/landkreise-und-staedte/", ["kind", "page"]),
    ],
)
@pytest.mark.parametrize("payload", [SCRIPT, ATTRIBUTE_BREAKOUT])
def test_listing_filters_are_escaped(client, path, params, payload):
    response = client.get(path, {name: payload for name in params})
    assert response.status_code == 200  # unknown filter values are ignored
    html = text(response)
    assert payload not in html
    assert "<img src=x" not in html


# -- redirects -------------------------------------------------------------------------------

FOREIGN_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "\\\\evil.example",
    " https://evil.example/",
]


def assert_stays_on_site(response) -> None:
    """A redirect, if any, goes to a path on this site (whatever its query string says)."""
    location = response.get("Location", "")
    parts = urlsplit(location.strip())
    assert not parts.scheme and not parts.netloc, location
    assert not location.startswith(("//", "/\\", "\\")), location


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_admin_sign_in_ignores_a_foreign_next(client, superuser, target):
    response = client.post(
        "/admin/login/",
        {"username": "testadmin", "password": "irrelevant-password-123", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_admin_sign_in_keeps_a_local_next(client, superuser):
    response = client.post(
        "/admin/login/?next=/admin/pages/",
        {"username": "testadmin", "password": "irrelevant-password-123", "next": "/admin/pages/"},
    )
    assert response["Location"] == "/admin/pages/"


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_signed_in_visit_to_the_login_page_ignores_a_foreign_next(admin_client, target):
    response = admin_client.get("/admin/login/", {"next": target})
    assert response.status_code == 302
    assert_stays_on_site(response)


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_sign_out_ignores_a_foreign_next(admin_client, target):
    response = admin_client.post(f"/admin/logout/?next={target}", {"next": target})
    assert response.status_code == 302
    assert_stays_on_site(response)


@pytest.mark.parametrize(
    "path",
    [
        "/?next=https://evil.example/",
        "/de/?next=https://evil.example/",
        "//evil.example/",
        "//evil.example",
        "/de//evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
    ],
)
def test_site_paths_never_redirect_elsewhere(client, path):
    response = client.get(path)
    assert_stays_on_site(response)


def test_there_is_no_set_language_view_to_abuse(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": EVIL}, follow=True)
    assert response.status_code == 404
    for location, _status in response.redirect_chain:
        assert location.startswith("/") and "evil" not in location


def test_language_switch_links_stay_on_site(client, thilik):
    html = text(client.get(thilik.url, {"next": EVIL, "lang": EVIL}))
    links = [a["href"] for a in tags(html, "a") if a.get("hreflang")]
    assert sorted(links) == ["/de/projekte/thilik/", "/en/projects/thilik/"]


@pytest.mark.parametrize("target", FOREIGN_TARGETS)
def test_password_protected_page_return_url_stays_on_site(client, thilik, target):
    restriction = PageViewRestriction.objects.create(
        page=thilik,
        restriction_type=PageViewRestriction.PASSWORD,
        password=make_password("geheim"),
    )
    restriction.password = "geheim"
    restriction.save()
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, thilik.pk])
    response = Client().post(url, {"password": "geheim", "return_url": target})
    assert response.status_code == 302
    assert_stays_on_site(response)


# -- translations ----------------------------------------------------------------------------


def test_a_translators_po_file_cannot_inject_markup(
    client, make_project, en, django_capture_on_commit_callbacks
):
    """Translators upload PO files; wagtail-localize refuses strings with markup beyond plain
    inline tags, flags them for the translation editor and keeps the source text."""
    german = make_project(
        slug="uebersetzungsprojekt",
        title="Übersetzungsprojekt",
        teaser="Ein Kurztext.",
        body=[("paragraph", RichText("<p>Ein <b>fetter</b> Absatz.</p>"))],
    )
    source, _created = TranslationSource.get_or_create_from_instance(german)
    job = Translation.objects.create(source=source, target_locale=en)
    po = job.export_po()
    hostile = {
        "Übersetzungsprojekt": f"Translation project {SCRIPT}",
        "Ein Kurztext.": "A short text.",
        "Ein <b>fetter</b> Absatz.": 'A <b onclick="alert(1)">bold</b> <a href="javascript:x">p</a>',
    }
    assert set(hostile) <= {entry.msgid for entry in po}
    for entry in po:
        entry.msgstr = hostile.get(entry.msgid, entry.msgid)
    job.import_po(po)
    with django_capture_on_commit_callbacks(execute=True):
        job.save_target(publish=True)

    refused = StringTranslation.objects.filter(locale=en, has_error=True)
    assert {t.translation_of.data for t in refused} == {
        "Übersetzungsprojekt",
        "Ein <b>fetter</b> Absatz.",
    }
    english = german.get_translation(en)
    assert english.live
    html = text(client.get(english.url))
    assert_nothing_executable(html)
    assert "A short text." in html  # the clean string was taken
    assert "<h1>Übersetzungsprojekt" in html  # the refused ones fell back to the source
    assert "Ein <b>fetter</b> Absatz." in html
