"""Citation exports (BibTeX, RIS, CSL-JSON), Highwire meta tags and JSON-LD for publications.

No maintained library writes all three formats from our model, and each is a few lines, so
they are built here from one normalised record.
"""

import json
import re
from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify

KIND_TO_BIBTEX = {"article": "article", "book": "book", "brochure": "booklet"}
KIND_TO_RIS = {"article": "JOUR", "book": "BOOK", "brochure": "PAMP", "working_paper": "RPRT"}
KIND_TO_CSL = {"article": "article-journal", "book": "book", "brochure": "pamphlet"}
KIND_TO_SCHEMA = {"article": "ScholarlyArticle", "book": "Book"}


@dataclass
class Citation:
    title: str
    subtitle: str
    kind: str
    year: int
    date: str
    authors: list[tuple[str, str]] = field(default_factory=list)
    editors: list[tuple[str, str]] = field(default_factory=list)
    publisher: str = ""
    series: str = ""
    volume: int | None = None
    isbn: str = ""
    doi: str = ""
    url: str = ""
    pdf_url: str = ""
    abstract: str = ""
    language: str = "de"

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def key(self) -> str:
        name = self.authors[0][0] if self.authors else "ikpe"
        return f"{slugify(name).replace('-', '')}{self.year}{slugify(self.title).split('-')[0]}"


def citation_for(page, request: HttpRequest | None) -> Citation:
    from django.utils.html import strip_tags

    def names(role: str) -> list[tuple[str, str]]:
        return [(a.person.family_name, a.person.given_name) for a in page.get_authors(role)]

    url = page.get_full_url(request) or ""
    pdf_url = ""
    if page.document_id:
        pdf_url = request.build_absolute_uri(page.document.url) if request else page.document.url
    series = page.series.localized if page.series_id else None
    return Citation(
        title=page.title,
        subtitle=page.subtitle,
        kind=page.kind,
        year=page.publication_date.year,
        date=page.publication_date.isoformat(),
        authors=names("author"),
        editors=names("editor"),
        publisher=page.publisher,
        series=series.title if series else "",
        volume=page.volume,
        isbn=page.isbn,
        doi=page.doi,
        url=url,
        pdf_url=pdf_url,
        abstract=strip_tags(page.abstract).strip(),
        language=page.locale.language_code,
    )


def _bibtex_escape(value: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", value)


def to_bibtex(c: Citation) -> str:
    entry = KIND_TO_BIBTEX.get(c.kind, "techreport")
    fields = {
        "title": c.full_title,
        "author": " and ".join(f"{f}, {g}" for f, g in c.authors),
        "editor": " and ".join(f"{f}, {g}" for f, g in c.editors),
        "year": str(c.year),
        "date": c.date,
        ("institution" if entry == "techreport" else "publisher"): c.publisher,
        "series": c.series,
        "number" if entry == "techreport" else "volume": str(c.volume or ""),
        "isbn": c.isbn,
        "doi": c.doi,
        "url": c.url,
        "language": c.language,
    }
    lines = [f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields.items() if v]
    return f"@{entry}{{{c.key},\n" + ",\n".join(lines) + "\n}\n"


def to_ris(c: Citation) -> str:
    rows = [("TY", KIND_TO_RIS.get(c.kind, "RPRT"))]
    rows += [("AU", f"{f}, {g}") for f, g in c.authors]
    rows += [("ED", f"{f}, {g}") for f, g in c.editors]
    rows += [
        ("TI", c.full_title),
        ("PY", str(c.year)),
        ("DA", c.date.replace("-", "/")),
        ("PB", c.publisher),
        ("T3", c.series),
        ("VL", str(c.volume or "")),
        ("SN", c.isbn),
        ("DO", c.doi),
        ("UR", c.url),
        ("L1", c.pdf_url),
        ("AB", c.abstract),
        ("LA", c.language),
    ]
    body = "".join(f"{tag}  - {value}\r\n" for tag, value in rows if value)
    return body + "ER  - \r\n"


def to_csl_json(c: Citation) -> str:
    item = {
        "id": c.key,
        "type": KIND_TO_CSL.get(c.kind, "report"),
        "title": c.full_title,
        "author": [{"family": f, "given": g} for f, g in c.authors],
        "editor": [{"family": f, "given": g} for f, g in c.editors],
        "issued": {"date-parts": [[int(part) for part in c.date.split("-")]]},
        "publisher": c.publisher,
        "collection-title": c.series,
        "collection-number": c.volume,
        "ISBN": c.isbn,
        "DOI": c.doi,
        "URL": c.url,
        "abstract": c.abstract,
        "language": c.language,
    }
    return json.dumps([{k: v for k, v in item.items() if v}], ensure_ascii=False, indent=2)


FORMATS = {
    "bibtex": (to_bibtex, "application/x-bibtex; charset=utf-8", "bib"),
    "ris": (to_ris, "application/x-research-info-systems; charset=utf-8", "ris"),
    "csl-json": (to_csl_json, "application/vnd.citationstyles.csl+json; charset=utf-8", "json"),
}


def citation_response(page, request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Unknown citation format")
    render, content_type, extension = FORMATS[fmt]
    response = HttpResponse(render(citation_for(page, request)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.{extension}"'
    return response


def citation_meta_tags(page, request: HttpRequest) -> list[tuple[str, str]]:
    """Highwire Press tags read by Zotero and Google Scholar."""
    c = citation_for(page, request)
    tags = [("citation_title", c.full_title)]
    tags += [("citation_author", f"{f}, {g}") for f, g in c.authors]
    tags += [
        ("citation_publication_date", c.date.replace("-", "/")),
        ("citation_publisher", c.publisher),
        ("citation_series_title", c.series),
        ("citation_volume", str(c.volume or "")),
        ("citation_isbn", c.isbn),
        ("citation_doi", c.doi),
        ("citation_pdf_url", c.pdf_url),
        ("citation_abstract_html_url", c.url),
        ("citation_language", c.language),
    ]
    if c.kind in {"report", "working_paper", "brochure", "guide"}:
        tags.append(("citation_technical_report_institution", c.publisher))
    return [(name, value) for name, value in tags if value]


def publication_jsonld(page, request: HttpRequest | None) -> dict:
    c = citation_for(page, request)
    data = {
        "@type": KIND_TO_SCHEMA.get(c.kind, "Report"),
        "name": c.full_title,
        "headline": c.title,
        "datePublished": c.date,
        "inLanguage": c.language,
        "publisher": {"@type": "Organization", "name": c.publisher},
        "author": [
            {"@type": "Person", "familyName": f, "givenName": g, "name": f"{g} {f}"}
            for f, g in c.authors
        ],
        "abstract": c.abstract,
    }
    if c.series:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "name": c.series}
        if c.volume:
            data["position"] = c.volume
    if c.isbn:
        data["isbn"] = c.isbn
    if c.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": c.doi}
    return data
