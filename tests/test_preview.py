"""Headless preview: editors open drafts in the partner front end, which fetches them by token."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from wagtail.models import Page

from cms.models import PARTNER_PREVIEW_MODE
from tests.helpers import german, tags, text

pytestmark = pytest.mark.django_db

CLIENT_URL = "https://partner.example/preview"
PREVIEW = "/api/v1/preview/"
DRAFT_TITLE = "Thilik – neuer Entwurf"


@pytest.fixture
def partner_front_end(settings):
    # pytest-django's settings fixture sends setting_changed, which makes the package
    # reload its cached settings (and again when the test ends).
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        "CLIENT_URLS": {"default": CLIENT_URL},
        "ENFORCE_TRAILING_SLASH": False,
    }
    settings.HEADLESS_PREVIEW_MAX_AGE = 1800


@pytest.fixture
def draft(thilik, editor):
    """Thilik with an unpublished change of title, saved by an editor."""
    page = Page.objects.get(pk=thilik.pk).specific
    page.title = DRAFT_TITLE
    page.topic_links = []  # a child relation changed in the draft only
    page.save_revision(user=editor)
    return page


def open_partner_preview(client, page) -> dict[str, str]:
    """What an editor's browser does: the draft in partner mode; returns the query sent on."""
    url = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
    response = client.get(url, {"mode": PARTNER_PREVIEW_MODE})
    assert response.status_code == 200, text(response)[:500]
    assert "no-store" in response["Cache-Control"]
    (frame,) = tags(response, "iframe")
    preview_url = frame["src"]
    assert preview_url.startswith(CLIENT_URL + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(preview_url).query).items()}


def fetch(client, **params):
    return client.get(PREVIEW, params)


def test_partner_mode_is_offered_only_with_a_front_end_configured(settings, thilik, home):
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {"default": ""}}
    assert [mode for mode, _label in thilik.preview_modes] == [""]
    settings.WAGTAIL_HEADLESS_PREVIEW = {"CLIENT_URLS": {"default": CLIENT_URL}}
    assert [mode for mode, _label in thilik.preview_modes] == ["", PARTNER_PREVIEW_MODE]
    # Not for page types the API does not serve, nor for pages never saved.
    assert [mode for mode, _label in home.preview_modes] == [""]
    assert [mode for mode, _label in type(thilik)().preview_modes] == [""]


def test_edit_view_offers_the_partner_mode(editor_client, partner_front_end, thilik):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[thilik.pk]))
    assert response.status_code == 200
    label = german("Partner front end") or "Partner front end"  # the editor reads German
    assert label in text(response)


def test_editor_previews_a_draft_in_the_partner_front_end(
    client, editor_client, partner_front_end, draft, thilik
):
    query = open_partner_preview(editor_client, draft)
    assert query["content_type"] == "projects.projectpage"

    # The front end passes both parameters on and gets the draft, without an API key.
    client.logout()
    response = fetch(client, **query)
    assert response.status_code == 200, response.content[:500]
    assert response["Cache-Control"].replace(" ", "").count("no-store") == 1
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    data = response.json()
    assert data["id"] == thilik.pk
    assert data["title"] == DRAFT_TITLE
    # The detail schema, with child relations read from the draft in memory.
    assert data["people"] and data["people"][0]["person"]["title"]
    assert data["districts"] and data["topics"] == []
    assert {"publications", "interviews", "partners", "funders"} <= set(data)
    assert data["api_url"].endswith(f"/api/v1/projects/{thilik.pk}/")

    # The public API still shows what is published.
    public = client.get(f"/api/v1/projects/{thilik.pk}/").json()
    assert public["title"] == thilik.title != DRAFT_TITLE
    assert public["topics"]


def test_draft_of_a_publication_routable_page(editor_client, client, partner_front_end, volume_1):
    volume_1.title = "Band 1 – Entwurf"
    volume_1.save_revision()
    query = open_partner_preview(editor_client, volume_1)
    assert query["content_type"] == "publications.publicationpage"
    data = fetch(client, **query).json()
    assert data["title"] == "Band 1 – Entwurf"
    assert data["projects"] and data["topics"]


def test_invalid_api_key_does_not_matter(editor_client, client, partner_front_end, draft):
    query = open_partner_preview(editor_client, draft)
    response = client.get(PREVIEW, query, headers={"X-API-Key": "not-a-key"})
    assert response.status_code == 200


def test_expired_token_is_refused(editor_client, client, partner_front_end, draft, settings):
    query = open_partner_preview(editor_client, draft)
    later = time.time() + 1801
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = fetch(client, **query)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert "no-store" in response["Cache-Control"]
    problem = response.json()
    assert "expired" in problem["detail"]
    assert problem["errors"][0]["loc"] == ["query", "token"]

    settings.HEADLESS_PREVIEW_MAX_AGE = 0
    time.sleep(1.1)
    assert fetch(client, **query).status_code == 403


def test_tampered_token_is_refused(editor_client, client, partner_front_end, draft, thilik):
    query = open_partner_preview(editor_client, draft)
    value, timestamp, signature = query["token"].split(":")
    other = {**query, "token": f"id={thilik.pk + 1}:{timestamp}:{signature}"}
    forged = {**query, "token": f"{value}:{timestamp}:{signature[:-2]}xx"}
    for params in (other, forged, {**query, "token": "id=1"}):
        response = fetch(client, **params)
        assert response.status_code == 403, params
        assert response.json()["errors"][0]["loc"] == ["query", "token"]
        assert "Thilik" not in response.content.decode()

    # A well-signed token never issued by a preview opens nothing either.
    signed = signing.TimestampSigner(salt="headlesspreview.token").sign(f"id={thilik.pk + 1}")
    response = fetch(client, content_type="projects.projectpage", token=signed)
    assert response.status_code == 404
    assert response.json()["errors"][0]["loc"] == ["query", "token"]


def test_token_for_another_content_type_is_refused(editor_client, client, partner_front_end, draft):
    query = open_partner_preview(editor_client, draft)
    response = fetch(client, **{**query, "content_type": "districts.districtpage"})
    assert response.status_code == 404
    assert response.json()["errors"][0]["loc"] == ["query", "token"]

    for content_type in ("home.homepage", "auth.user", "nonsense"):
        response = fetch(client, **{**query, "content_type": content_type})
        assert response.status_code == 400
        assert response.json()["errors"][0]["loc"] == ["query", "content_type"]


def test_parameters_are_required_and_checked(client, partner_front_end):
    response = fetch(client, content_type="projects.projectpage")
    assert response.status_code == 422
    assert "token" in str(response.json()["errors"])
    response = fetch(client, content_type="projects.projectpage", token="x", draft="1")
    assert response.status_code == 400
    assert response.json()["errors"][0]["loc"] == ["query", "draft"]


def test_preview_endpoint_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][PREVIEW]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"content_type", "token"}
    assert not operation.get("security")
