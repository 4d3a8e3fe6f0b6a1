"""Error pages in the reader's language."""

import pytest
from django.test import RequestFactory

from cms.views import server_error
from tests.helpers import german, text

pytestmark = pytest.mark.django_db

NOT_FOUND_EN = "Page not found"
NOT_FOUND_TEXT_EN = "Sorry, there is no page at this address."


def test_german_404(client):
    response = client.get("/de/gibt-es-nicht/")
    assert response.status_code == 404
    body = text(response)
    assert '<html lang="de"' in body
    assert "Seite nicht gefunden" in body
    assert german(NOT_FOUND_EN) == "Seite nicht gefunden"
    assert NOT_FOUND_EN not in body
    # The way back leads to the German home page.
    assert 'href="/de/"' in body


def test_english_404(client):
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404
    body = text(response)
    assert '<html lang="en"' in body
    assert NOT_FOUND_EN in body
    assert NOT_FOUND_TEXT_EN in body
    assert 'href="/en/"' in body
    assert german(NOT_FOUND_EN) not in body


def test_404_below_a_project_and_for_unknown_language(client):
    assert client.get("/de/projekte/thilik/gibt-es-nicht/").status_code == 404
    assert client.get("/fr/", follow=True).status_code == 404


def test_404_is_not_indexed(client):
    body = text(client.get("/en/does-not-exist/"))
    assert '<meta name="robots" content="noindex">' in body


def test_500_page_renders_without_database_or_context():
    response = server_error(RequestFactory().get("/de/"))
    assert response.status_code == 500
    assert "<html" in response.content.decode()
