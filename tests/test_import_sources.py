"""import_plone's other inputs (collective.exportimport JSON list, live REST API) and bad input."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Page

from importer.bench import document, write_export
from importer.engine import PloneImporter
from importer.mapping import load_mapping
from importer.models import ImportedItem
from importer.readers import JSONListReader, PloneExportReader, RestAPIReader
from projects.models import ProjectPage
from tests.helpers import shared_path

pytestmark = pytest.mark.django_db

SITE = Path(__file__).parent / "fixtures" / "plone_site"
PLONE = "http://localhost:8080/Plone"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def fixture_items() -> list[dict]:
    """The IKPE fixture site's items, in export order, without the site root."""
    metadata = json.loads((SITE / "content" / "__metadata__.json").read_text())
    items = [json.loads((SITE / "content" / f).read_text()) for f in metadata["_data_files_"]]
    return [item for item in items if item["@type"] != "Plone Site"]


def absolute(item: dict, site_url: str, blob) -> dict:
    """An item as collective.exportimport or plone.restapi show it: URLs instead of paths."""
    item = json.loads(json.dumps(item))
    item["@id"] = site_url + item["@id"]
    parent = item.get("parent") or {}
    if parent.get("@id"):
        parent["@id"] = site_url + (parent["@id"] if parent["@id"] != "/" else "")
        if item["@id"].count("/") == site_url.count("/") + 1:
            parent["@type"] = "Plone Site"
    for key in ("image", "file"):
        if isinstance(item.get(key), dict):
            item[key] = blob(item, key)
    return item


def run(reader):
    return PloneImporter(reader, load_mapping()).run()


def test_collective_exportimport_json_list(home, tmp_path):
    def inline(item, key):
        info = item[key]
        data = (SITE / "content" / info["blob_path"]).read_bytes()
        return {
            "data": base64.b64encode(data).decode(),
            "encoding": "base64",
            "filename": info["filename"],
            "content-type": info["content-type"],
        }

    items = [absolute(item, PLONE, inline) for item in fixture_items()]
    export = tmp_path / "Plone.json"
    export.write_text(json.dumps(items, indent=1))
    reader = JSONListReader(export)
    reader.CHUNK = 4096  # force many partial reads: items span chunk boundaries
    report = run(reader)
    assert report.errors == []
    project = ImportedItem.objects.get(plone_path="/de/projekte/sozialplanung-weimar").page
    assert isinstance(project.specific, ProjectPage) and project.live
    assert ImportedItem.objects.get(plone_path="/de/aktuelles/rathaus.png").image.width == 8
    assert not any(Page.find_problems())


def test_json_list_with_a_malformed_tail_keeps_what_came_before(home, tmp_path):
    good = [
        document("a" * 32, "/erste-seite", "Erste Seite"),
        document("b" * 32, "/zweite", "Zweite"),
    ]
    export = tmp_path / "Plone.json"
    export.write_text(json.dumps(good)[:-1] + ', {"@id": "/kaputt", "title": }]')
    report = run(JSONListReader(export))
    assert ImportedItem.objects.filter(page__isnull=False).count() == 2
    assert len(report.errors) == 1 and "malformed JSON" in report.errors[0][1]
    assert report.errors[0][0] == "item 2"


class PloneAPI(BaseHTTPRequestHandler):
    """A read-only Plone REST API on loopback: @search with batching, and blob downloads."""

    items: list[dict] = []
    blobs: dict[str, bytes] = {}
    requests: list[str] = []

    def do_GET(self):
        url = urlparse(self.path)
        self.requests.append(self.path)
        if url.path == "/Plone/@search":
            query = parse_qs(url.query)
            assert query["fullobjects"] == ["1"]
            start, size = int(query["b_start"][0]), int(query["b_size"][0])
            batch = self.items[start : start + size]
            body = {"items": batch, "items_total": len(self.items), "batching": {}}
            if start + size < len(self.items):
                body["batching"]["next"] = f"{self.server.url}/@search?b_start={start + size}"
            self.reply(json.dumps(body).encode(), "application/json")
        elif url.path in self.blobs:
            self.reply(self.blobs[url.path], "application/octet-stream")
        else:
            self.send_error(404)

    def reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def plone_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PloneAPI)
    server.url = f"http://127.0.0.1:{server.server_port}/Plone"
    PloneAPI.requests, PloneAPI.blobs = [], {}

    def download(item, key):
        info = item[key]
        path = urlparse(item["@id"]).path + f"/@@download/{key}"
        PloneAPI.blobs[path] = (SITE / "content" / info["blob_path"]).read_bytes()
        return {"download": server.url.rsplit("/Plone", 1)[0] + path, "filename": info["filename"]}

    PloneAPI.items = [absolute(item, server.url, download) for item in fixture_items()]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_rest_api_reader_against_a_loopback_server(home, plone_api):
    reader = RestAPIReader(plone_api.url, batch_size=7)
    report = run(reader)
    assert report.errors == []
    searches = [r for r in PloneAPI.requests if r.startswith("/Plone/@search")]
    assert len(searches) >= 2 * 4  # batches of 7, read once per pass
    news = ImportedItem.objects.get(plone_path="/de/aktuelles/fachtag-2024").page.specific
    assert news.live and news.listing_image.width == 8
    pdf = ImportedItem.objects.get(plone_path="/de/publikationen/kurzfassung.pdf").document
    assert pdf.file.read().startswith(b"%PDF")


def test_bad_input_is_reported_per_item_and_the_run_goes_on(home, tmp_path):
    items = [
        document("1" * 32, "/gut", "Gut"),
        document(
            "2" * 32,
            "/skript",
            "Skript",
            text={"data": '<p onmouseover="x()">Hallo<script>evil()</script></p>'},
        ),
        {**document("3" * 32, "/formular", "Formular"), "@type": "FormFolder"},
        {
            **document("4" * 32, "/bericht.pdf", "Bericht"),
            "@type": "File",
            "file": {"blob_path": "4444/file/fehlt.pdf", "filename": "fehlt.pdf"},
        },
        {
            **document("5" * 32, "/projekte/ohne-start", "Ohne Start"),
            "@type": "projekt",
            "effective": None,
            "created": None,
        },
        {**document("7" * 32, "/projekte", "Projekte"), "@type": "Folder"},
    ]
    duplicate = json.dumps(document("1" * 32, "/doppelt", "Doppelt"))
    export = write_export(
        tmp_path / "export",
        items,
        raw_files={"6" * 32 + "/data.json": '{"@id": "/kaputt", ', "dup/data.json": duplicate},
    )
    with translation.override("en"):  # the report speaks the active language
        report = run(PloneExportReader(export))
    errors = dict(report.errors)
    assert "malformed JSON" in errors[f"content/{'6' * 32}/data.json"]
    assert "duplicate UID" in errors["/doppelt"]
    assert "blob missing" in errors["/bericht.pdf"]
    assert "start_date" in errors["/projekte/ohne-start"]
    assert "FormFolder" in dict(report.skipped)["/formular"]
    assert any(path == "/skript" and "<script>" in message for path, message in report.warnings)
    # Nothing half-written for the failed items; the good ones are in.
    assert not get_document_model().objects.filter(title="Bericht").exists()
    assert not ProjectPage.objects.filter(title="Ohne Start").exists()
    failed = ImportedItem.objects.get(plone_uid="5" * 32)
    assert failed.status == "failed" and failed.page is None
    good = ImportedItem.objects.get(plone_uid="1" * 32).page.specific
    assert good.title == "Gut" and good.live
    script = ImportedItem.objects.get(plone_uid="2" * 32).page.specific
    body = str(list(script.body.raw_data))
    assert "Hallo" in body and "script" not in body and "onmouseover" not in body


def test_plone_exportimport_zip_file(home, tmp_path):
    import shutil

    sample = shared_path("plone-export-samples", "base")
    archive = Path(shutil.make_archive(str(tmp_path / "export"), "zip", sample.parent, sample.name))
    report = run(PloneExportReader(archive))
    assert report.errors == [] and report.total("created") == 8
    document = ImportedItem.objects.get(plone_path="/plone.pdf").document
    assert document.file.read().startswith(b"%PDF")
