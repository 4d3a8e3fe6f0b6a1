"""Citation exports, Highwire meta tags, JSON-LD, and the ISBN/DOI checks behind them."""

import json
import re

import pytest
from django.core.exceptions import ValidationError

from publications.validators import normalise_isbn, validate_doi, validate_isbn
from tests.helpers import tags, text

pytestmark = pytest.mark.django_db

VOLUME_1 = "/de/publikationen/kommunales-integrationsmanagement-band-1/"
VOLUME_2 = "/de/publikationen/kommunales-integrationsmanagement-band-2/"
VOLUME_1_EN = "/en/publications/municipal-integration-management-volume-1/"


def test_bibtex_export(client):
    response = client.get(VOLUME_1 + "cite/bibtex/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert (
        'filename="kommunales-integrationsmanagement-band-1.bib"' in response["Content-Disposition"]
    )
    body = text(response)
    assert body.startswith("@techreport{")
    assert "  title = {Kommunales Integrationsmanagement in Thüringen}" in body
    assert "  series = {Kommunales Integrationsmanagement in Thüringen}" in body
    assert "  number = {1}" in body  # a techreport's volume in the series
    assert "  year = {2019}" in body
    assert "  institution = {Institut für kommunale Planung und Entwicklung e.V.}" in body
    assert "  url = {http://" in body and "kommunales-integrationsmanagement-band-1/}" in body
    assert body.rstrip().endswith("}")


def test_bibtex_export_with_subtitle_and_escaping(client, volume_1):
    body = text(client.get(VOLUME_2 + "cite/bibtex/"))
    assert (
        "title = {Kommunales Integrationsmanagement in Thüringen: "
        "Innovative Steuerungsstrukturen und Erfolgsbeispiele}" in body
    )
    volume_1.title = "Planung & Steuerung 100%"
    volume_1.save_revision().publish()
    body = text(client.get(VOLUME_1 + "cite/bibtex/"))
    assert r"title = {Planung \& Steuerung 100\%}" in body


def test_bibtex_export_in_english(client):
    body = text(client.get(VOLUME_1_EN + "cite/bibtex/"))
    assert "title = {Municipal integration management in Thuringia}" in body
    assert "series = {Municipal integration management in Thuringia}" in body
    assert "language = {en}" in body


def test_ris_export(client):
    response = client.get(VOLUME_1 + "cite/ris/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    body = text(response)
    assert body.startswith("TY  - RPRT\r\n")
    assert body.endswith("ER  - \r\n")
    lines = body.split("\r\n")
    assert "TI  - Kommunales Integrationsmanagement in Thüringen" in lines
    assert "T3  - Kommunales Integrationsmanagement in Thüringen" in lines
    assert "VL  - 1" in lines
    assert "PY  - 2019" in lines
    assert "DA  - 2019/10/21" in lines


def test_csl_json_export(client):
    response = client.get(VOLUME_2 + "cite/csl-json/")
    assert response.status_code == 200
    items = json.loads(response.content)
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert item["type"] == "report"
    assert item["collection-title"] == "Kommunales Integrationsmanagement in Thüringen"
    assert item["collection-number"] == 2
    assert item["issued"] == {"date-parts": [[2019, 12, 2]]}
    assert item["title"].endswith("Innovative Steuerungsstrukturen und Erfolgsbeispiele")


def test_unknown_citation_format_is_404(client):
    assert client.get(VOLUME_1 + "cite/unknown/").status_code == 404
    assert client.get(VOLUME_1 + "cite/").status_code == 404


def test_publication_page_links_the_exports(client):
    hrefs = {a.get("href") for a in tags(client.get(VOLUME_1), "a")}
    for fmt in ("bibtex", "ris", "csl-json"):
        assert f"{VOLUME_1}cite/{fmt}/" in hrefs


def test_highwire_meta_tags(client):
    metas = {}
    for meta in tags(client.get(VOLUME_1), "meta"):
        if meta.get("name", "").startswith("citation_"):
            metas.setdefault(meta["name"], []).append(meta["content"])
    assert metas["citation_title"] == ["Kommunales Integrationsmanagement in Thüringen"]
    assert metas["citation_publication_date"] == ["2019/10/21"]
    assert metas["citation_series_title"] == ["Kommunales Integrationsmanagement in Thüringen"]
    assert metas["citation_volume"] == ["1"]
    assert metas["citation_language"] == ["de"]
    assert metas["citation_technical_report_institution"] == [
        "Institut für kommunale Planung und Entwicklung e.V."
    ]


def jsonld(response) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text(response), re.S)
    return [json.loads(block) for block in blocks]


def test_publication_jsonld(client):
    data = next(d for d in jsonld(client.get(VOLUME_1)) if d.get("@type") == "Report")
    assert data["@context"] == "https://schema.org"
    assert data["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "Kommunales Integrationsmanagement in Thüringen",
    }
    assert data["position"] == 1
    assert data["datePublished"] == "2019-10-21"
    assert data["inLanguage"] == "de"
    data = next(d for d in jsonld(client.get(VOLUME_1_EN)) if d.get("@type") == "Report")
    assert data["isPartOf"]["name"] == "Municipal integration management in Thuringia"
    assert data["inLanguage"] == "en"


def test_jsonld_cannot_be_broken_out_of(client, volume_1):
    volume_1.title = "</script><script>alert(1)</script>"
    volume_1.save_revision().publish()
    body = text(client.get(VOLUME_1))
    assert "<script>alert(1)</script>" not in body
    data = next(d for d in jsonld(client.get(VOLUME_1)) if d.get("@type") == "Report")
    assert data["headline"] == "</script><script>alert(1)</script>"


def test_isbn_and_doi_appear_in_exports(client, volume_1):
    volume_1.isbn = "978-3-16-148410-0"
    volume_1.doi = "10.1000/ikpe.2019.1"
    volume_1.full_clean()
    volume_1.save_revision().publish()
    assert volume_1.isbn == "9783161484100"
    bibtex = text(client.get(VOLUME_1 + "cite/bibtex/"))
    assert "isbn = {9783161484100}" in bibtex
    assert "doi = {10.1000/ikpe.2019.1}" in bibtex
    ris = text(client.get(VOLUME_1 + "cite/ris/")).split("\r\n")
    assert "SN  - 9783161484100" in ris and "DO  - 10.1000/ikpe.2019.1" in ris
    assert 'href="https://doi.org/10.1000/ikpe.2019.1"' in text(client.get(VOLUME_1))


@pytest.mark.parametrize(
    "isbn",
    [
        "978-3-16-148410-0",
        "9783161484100",
        "3-16-148410-X",
        "0-306-40615-2",
        "080442957X",
    ],
)
def test_valid_isbns_are_accepted(isbn):
    validate_isbn(isbn)


@pytest.mark.parametrize(
    "isbn",
    ["978-3-16-148410-1", "12345", "0-306-40615-3", "97831614841000", "ISBN 978316148410X", ""],
)
def test_invalid_isbns_are_rejected(isbn):
    with pytest.raises(ValidationError):
        validate_isbn(isbn)


def test_isbn_is_normalised():
    assert normalise_isbn(" 978-3 16-148410-0 ") == "9783161484100"
    assert normalise_isbn("080442957x") == "080442957X"


@pytest.mark.parametrize("doi", ["10.1000/xyz123", "10.17877/DE290R-12345", "10.1234/a(b)c"])
def test_valid_dois_are_accepted(doi):
    validate_doi(doi)


@pytest.mark.parametrize(
    "doi",
    [
        "https://doi.org/10.1000/xyz123",
        "doi:10.1000/xyz123",
        "10.100/xyz",
        "10.1000/",
        "10.1000/a b",
    ],
)
def test_invalid_dois_are_rejected(doi):
    with pytest.raises(ValidationError):
        validate_doi(doi)


def test_bad_isbn_is_rejected_on_the_page(volume_1):
    volume_1.isbn = "978-3-16-148410-1"
    with pytest.raises(ValidationError) as error:
        volume_1.full_clean()
    assert "isbn" in error.value.message_dict
