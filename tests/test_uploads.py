"""Uploads are checked by content through the real admin views, signed in as a Redaktion editor.

A refused file leaves nothing behind: no image or document row, no pending upload, no file
in MEDIA_ROOT (a fresh directory per test).
"""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, UploadedFile
from wagtail.users.models import UserProfile

from cms.demo.roles import EDITORS
from tests.helpers import text

pytestmark = pytest.mark.django_db

Image = get_image_model()
Document = get_document_model()

SVG_MESSAGE = (
    "SVG files are not accepted: they can contain scripts. "
    "Please upload the image as PNG, JPEG or WebP."
)
NOT_AN_IMAGE = (
    "The content of this file is not an image in an accepted format "
    "(AVIF, GIF, JPG, JPEG, PNG, WEBP)."
)
DAMAGED = "This image is damaged or incomplete and cannot be read."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor_client() -> Client:
    """A Redaktion editor who reads the admin in English."""
    user = get_user_model().objects.create_user("bildredaktion", "b@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    UserProfile.get_for_user(user)
    user.wagtail_userprofile.preferred_language = "en"
    user.wagtail_userprofile.save()
    client = Client()
    client.force_login(user)
    return client


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def nothing_saved(media_root):
    """Assert after the test body that no row and no file was left behind."""
    before = (Image.objects.count(), Document.objects.count(), UploadedFile.objects.count())
    yield
    after = (Image.objects.count(), Document.objects.count(), UploadedFile.objects.count())
    assert after == before
    assert stored_files(media_root) == []


# -- files -----------------------------------------------------------------------------------


def raster(fmt: str = "PNG", size=(64, 48), noise: bool = False) -> bytes:
    image = (
        PILImage.effect_noise(size, 60).convert("RGB")
        if noise
        else PILImage.new("RGB", size, (0, 100, 200))
    )
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims ``width × height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * ((width + 7) // 8 + 1), 9))
        + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)


def pdf(body: bytes = b"") -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R"
        + body
        + b" >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def office(main_part: str, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


# -- images ----------------------------------------------------------------------------------


def file_errors(response) -> list[str]:
    """The file field's errors as the editor reads them: in English, their admin language
    (the form's messages are lazy; outside the request they would take the site's German)."""
    with translation.override("en"):
        return [str(error) for error in response.context["form"].errors.get("file", [])]


def upload_image(client: Client, name: str, content: bytes):
    """The single add view; returns (status, form errors on the file field)."""
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Testbild",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
        },
    )
    if response.status_code == 302:
        return 302, []
    return response.status_code, file_errors(response)


def upload_images(client: Client, name: str, content: bytes) -> dict:
    """The multiple upload view (drag and drop); answers JSON."""
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "fmt, name", [("PNG", "foto.png"), ("JPEG", "foto.jpg"), ("WEBP", "f.webp")]
)
def test_a_real_image_is_accepted_by_both_views(editor_client, media_root, fmt, name):
    assert upload_image(editor_client, name, raster(fmt)) == (302, [])
    result = upload_images(editor_client, name, raster(fmt))
    assert result["success"] is True
    assert Image.objects.filter(pk=result["image_id"]).exists()
    assert len(stored_files(media_root / "original_images")) == 2


REFUSED_IMAGES = [
    pytest.param("foto.jpg", raster("PNG"), "Not a valid .jpeg image", id="png-named-jpg"),
    pytest.param("foto.png", b"Dies ist kein Bild.\n" * 20, NOT_AN_IMAGE, id="text-named-png"),
    pytest.param(
        "foto.gif", b"GIF89a<html><script>alert(1)</script></html>", NOT_AN_IMAGE, id="html-gif"
    ),
    pytest.param("foto.jpg", raster("JPEG", (400, 300), True)[:20000], DAMAGED, id="truncated-jpg"),
    pytest.param("foto.png", raster("PNG", (400, 300), True)[:50000], DAMAGED, id="truncated-png"),
    pytest.param("logo.svg", SVG_WITH_SCRIPT, SVG_MESSAGE, id="svg"),
    pytest.param("logo.png", SVG_WITH_SCRIPT, SVG_MESSAGE, id="svg-named-png"),
    pytest.param(
        "bombe.png",
        png_claiming(30_000, 30_000),
        "This file has too many pixels (unknown number). Maximum pixels 40,000,000.",
        id="decompression-bomb",
    ),
    pytest.param(
        "riesig.png",
        png_claiming(8_000, 6_000),
        "This file has too many pixels (48,000,000). Maximum pixels 40,000,000.",
        id="over-pixel-limit",
    ),
]


@pytest.mark.parametrize("name, content, message", REFUSED_IMAGES)
def test_single_upload_refuses_with_a_form_error(
    editor_client, nothing_saved, name, content, message
):
    status, errors = upload_image(editor_client, name, content)
    assert status == 200
    assert len(errors) == 1
    assert errors[0].startswith(message)


@pytest.mark.parametrize("name, content, message", REFUSED_IMAGES)
def test_multiple_upload_refuses_with_a_message(
    editor_client, nothing_saved, name, content, message
):
    result = upload_images(editor_client, name, content)
    assert result["success"] is False
    assert result["error_message"].startswith(message)


def test_byte_limit_comes_from_the_settings(editor_client, nothing_saved, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10_000
    content = raster("PNG", (200, 200), noise=True)
    assert len(content) > 10_000
    status, errors = upload_image(editor_client, "gross.png", content)
    assert status == 200
    assert errors[0].startswith("This file is too big")
    assert "Maximum filesize 9.8\xa0KB" in errors[0]


def test_pixel_limit_comes_from_the_settings(editor_client, nothing_saved, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000
    result = upload_images(editor_client, "klein.png", raster("PNG", (64, 48)))
    assert result["error_message"] == (
        "This file has too many pixels (3,072). Maximum pixels 1,000."
    )


def test_the_chooser_upload_refuses_too(editor_client, nothing_saved):
    response = editor_client.post(
        reverse("wagtailimages_chooser:create"),
        {
            "image-chooser-upload-title": "Logo",
            "image-chooser-upload-file": SimpleUploadedFile("logo.png", SVG_WITH_SCRIPT),
            "image-chooser-upload-collection": Collection.get_first_root_node().pk,
            "image-chooser-upload-tags": "",
        },
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["step"] == "reshow_creation_form"
    assert SVG_MESSAGE in answer["htmlFragment"]


def test_replacing_a_file_keeps_the_old_one_when_the_new_one_is_refused(editor_client, media_root):
    assert upload_image(editor_client, "foto.png", raster("PNG")) == (302, [])
    image = Image.objects.get(title="Testbild")
    original = image.file.name
    response = editor_client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {
            "title": "Testbild",
            "file": SimpleUploadedFile("foto.png", raster("PNG", (400, 300), True)[:50000]),
            "collection": image.collection_id,
            "tags": "",
            "focal_point_x": "",
            "focal_point_y": "",
            "focal_point_width": "",
            "focal_point_height": "",
        },
    )
    assert response.status_code == 200
    assert DAMAGED in file_errors(response)
    image.refresh_from_db()
    assert image.file.name == original
    assert stored_files(media_root / "original_images") == [media_root / original]


# -- documents -------------------------------------------------------------------------------


def upload_document(client: Client, name: str, content: bytes):
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Testdokument",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
            "tags": "",
        },
    )
    if response.status_code == 302:
        return 302, []
    return response.status_code, file_errors(response)


def upload_documents(client: Client, name: str, content: bytes) -> dict:
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile(name, content)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    return response.json()


ACCEPTED_DOCUMENTS = [
    pytest.param("bericht.pdf", pdf(), id="pdf"),
    pytest.param("bericht.docx", office("word/document.xml"), id="docx"),
    pytest.param("tabelle.xlsx", office("xl/workbook.xml"), id="xlsx"),
    pytest.param("bericht.odt", odt(), id="odt"),
    pytest.param("kreise.csv", "ags;name\n16051;Erfurt\n16055;Weimar – Süd\n".encode(), id="csv"),
    pytest.param("notiz.txt", "Größe: 5 €, a < b\n".encode("cp1252"), id="txt-windows-1252"),
]


@pytest.mark.parametrize("name, content", ACCEPTED_DOCUMENTS)
def test_real_documents_are_accepted(editor_client, media_root, name, content):
    assert upload_document(editor_client, name, content) == (302, [])
    result = upload_documents(editor_client, name, content)
    assert result["success"] is True
    assert len(stored_files(media_root / "documents")) == 2


REFUSED_DOCUMENTS = [
    pytest.param(
        "bericht.pdf",
        raster("PNG"),
        "The content of this file is not PDF, although its name ends in .pdf.",
        id="png-named-pdf",
    ),
    pytest.param(
        "bericht.pdf",
        pdf(b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
        "PDF files with scripts or actions that run on opening are not accepted.",
        id="pdf-with-javascript",
    ),
    pytest.param(
        "bericht.pdf",
        pdf(b" /OpenAction << /S /Launch /F (cmd.exe) >>"),
        "PDF files with scripts or actions that run on opening are not accepted.",
        id="pdf-with-launch",
    ),
    pytest.param(
        "bericht.docx",
        office("xl/workbook.xml"),
        "The content of this file is not Word (.docx), although its name ends in .docx.",
        id="xlsx-named-docx",
    ),
    pytest.param(
        "bericht.docx",
        pdf(),
        "The content of this file is not Word (.docx), although its name ends in .docx.",
        id="pdf-named-docx",
    ),
    pytest.param(
        "bericht.docx",
        office("word/document.xml", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "Documents with macros are not accepted.",
        id="docx-with-macros",
    ),
    pytest.param(
        "bericht.odt",
        odt(b"application/vnd.oasis.opendocument.spreadsheet"),
        "The content of this file is not OpenDocument (.odt), although its name ends in .odt.",
        id="ods-named-odt",
    ),
    pytest.param(
        "notiz.txt",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "Text and CSV files must not contain HTML or scripts.",
        id="html-named-txt",
    ),
    pytest.param(
        "daten.csv",
        b"name;link\nx;<a href='javascript:alert(1)'>x</a>\n",
        "Text and CSV files must not contain HTML or scripts.",
        id="script-in-csv",
    ),
    pytest.param(
        "daten.csv",
        raster("PNG"),
        "The content of this file is not CSV, although its name ends in .csv.",
        id="binary-named-csv",
    ),
    pytest.param(
        "programm.exe",
        b"MZ\x90\x00",
        "File extension",
        id="extension-not-allowed",
    ),
]


@pytest.mark.parametrize("name, content, message", REFUSED_DOCUMENTS)
def test_document_upload_refuses_with_a_form_error(
    editor_client, nothing_saved, name, content, message
):
    status, errors = upload_document(editor_client, name, content)
    assert status == 200
    assert len(errors) == 1 and errors[0].startswith(message)
    result = upload_documents(editor_client, name, content)
    assert result["success"] is False
    assert result["error_message"].startswith(message)


def test_zip_bomb_is_refused(editor_client, nothing_saved, settings):
    settings.DOCUMENT_MAX_UNPACKED_SIZE = 1024 * 1024
    content = office("word/document.xml", {"word/media/leer.bin": b"\0" * (2 * 1024 * 1024)})
    assert len(content) < 20_000
    status, errors = upload_document(editor_client, "bericht.docx", content)
    assert status == 200
    assert errors == ["This file unpacks to more than 1.0\xa0MB and is refused."]


def test_document_byte_limit_comes_from_the_settings(editor_client, nothing_saved, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    status, errors = upload_document(editor_client, "bericht.pdf", pdf())
    assert status == 200
    assert errors[0].startswith("This file is too big")


# -- serving ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type, disposition",
    [
        ("bericht.pdf", pdf(), "application/pdf", "inline"),
        ("kreise.csv", b"ags;name\n", "text/csv", "attachment"),
        ("bericht.docx", office("word/document.xml"), "application/vnd.openxml", "attachment"),
    ],
)
def test_documents_are_served_without_sniffing_and_only_pdf_inline(
    client, name, content, content_type, disposition
):
    document = Document.objects.create(title=name, file=ContentFile(content, name=name))
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_editor_sees_the_error_in_the_page(editor_client, nothing_saved):
    """The form comes back with the message next to the file field, escaped."""
    response = editor_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "<script>alert(1)</script>",
            "file": SimpleUploadedFile("logo.svg", SVG_WITH_SCRIPT),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    body = text(response)
    assert "SVG files are not accepted" in body
    assert "<script>alert(1)</script>" not in body
