"""Uploaded images and documents are checked by what they contain, not by their names.

Wagtail checks an image's extension against the format its header claims, the byte size and
the pixel count; it crashes (a 500, not a form error) on a file whose header is fine but
whose data is damaged or truncated, or which only starts like an image, and it checks
nothing in documents but the extension and size. Here every image is decoded completely
(within the pixel limit) before Wagtail looks at it, SVG is refused with its own message
(it is active content and not among WAGTAILIMAGES_EXTENSIONS), and documents must contain
what their extension says. Failures are errors on the form's ``file`` field, so Wagtail's
views save nothing: no row, no file in storage, no pending upload.

``WAGTAILIMAGES_IMAGE_FORM_BASE`` and ``WAGTAILDOCS_DOCUMENT_FORM_BASE`` point at the forms
below, which every admin upload path uses (add, edit/replace, multiple upload, chooser).
The importer reuses ``validate_image_file``.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from wagtail.documents.fields import WagtailDocumentField
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm
from wagtail.images.utils import get_allowed_image_extensions

SNIFF_BYTES = 64 * 1024
SVG_START = re.compile(rb"^\s*(<\?xml|<!doctype\s+svg|<svg\b)|<svg[\s>]", re.I)
# Markup a browser would render or run, at the start of a "text" file or anywhere near it.
MARKUP = re.compile(
    rb"<\s*(script|html|head|body|iframe|object|embed|svg|meta|link|style|img|a\s)\b"
    rb"|<!doctype\s+html|<\?xml|javascript:",
    re.I,
)
# PDF actions that run something when the file is opened.
PDF_ACTIONS = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)\b")
OFFICE_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODF_MIMETYPES = {"odt": b"application/vnd.oasis.opendocument.text"}
DOCUMENT_NAMES = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "xlsx": "Excel (.xlsx)",
    "odt": "OpenDocument (.odt)",
    "csv": "CSV",
    "txt": _("plain text"),
}


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def head(file: IO[bytes], size: int = SNIFF_BYTES) -> bytes:
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def wagtail_message(field_class: type, code: str) -> str:
    """Wagtail's own wording (already translated) for a check it also makes."""
    return field_class().error_messages[code]


def too_many_pixels(count: int | None, limit: int) -> ValidationError:
    return ValidationError(
        wagtail_message(WagtailImageField, "file_too_many_pixels")
        % {
            "num_pixels": number_format(count, force_grouping=True)
            if count
            else _("unknown number"),
            "max_pixels_count": number_format(limit, force_grouping=True),
        },
        code="file_too_many_pixels",
    )


def scan(file: IO[bytes], pattern: re.Pattern, chunk_size: int = 1024 * 1024) -> bool:
    """Whether ``pattern`` (shorter than 64 bytes) occurs anywhere in the file."""
    file.seek(0)
    tail = b""
    try:
        while chunk := file.read(chunk_size):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-64:]
        return False
    finally:
        file.seek(0)


def validate_image_file(file: IO[bytes]) -> None:
    """Refuse anything that is not an image Pillow can decode completely within the limits."""
    if SVG_START.search(head(file, 1024)):
        raise ValidationError(
            _(
                "SVG files are not accepted: they can contain scripts. "
                "Please upload the image as PNG, JPEG or WebP."
            ),
            code="svg",
        )
    limit = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None) or Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; our limit decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                if width * height * frames > limit:
                    raise too_many_pixels(width * height * frames, limit)
                for frame in range(frames):
                    image.seek(frame)
                    image.load()
    except Image.DecompressionBombError as exc:
        raise too_many_pixels(None, limit) from exc
    except UnidentifiedImageError as exc:
        raise ValidationError(
            _("The content of this file is not an image in an accepted format (%(formats)s).")
            % {"formats": ", ".join(get_allowed_image_extensions()).upper()},
            code="invalid_image",
        ) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValidationError(
            _("This image is damaged or incomplete and cannot be read."), code="damaged_image"
        ) from exc
    finally:
        file.seek(0)


def check_size(file: UploadedFile, field: WagtailImageField | WagtailDocumentField) -> None:
    """Before anything reads the file, in Wagtail's words."""
    limit = field.max_upload_size
    if limit is not None and file.size > limit:
        raise ValidationError(
            field.error_messages["file_too_large"]
            % {"file_size": filesizeformat(file.size), "max_filesize": filesizeformat(limit)},
            code="file_too_large",
        )


def _not_this_kind(ext: str) -> ValidationError:
    return ValidationError(
        _("The content of this file is not %(kind)s, although its name ends in .%(extension)s.")
        % {"kind": DOCUMENT_NAMES.get(ext, ext.upper()), "extension": ext},
        code="content_mismatch",
    )


def _check_zip(file: IO[bytes], ext: str) -> None:
    limit = settings.DOCUMENT_MAX_UNPACKED_SIZE
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if sum(member.file_size for member in members) > limit:
                raise ValidationError(
                    _("This file unpacks to more than %(limit)s and is refused.")
                    % {"limit": filesizeformat(limit)},
                    code="decompression_bomb",
                )
            if ext in ODF_MIMETYPES:
                # ODF: the first member is the uncompressed "mimetype" naming the kind.
                if not members or members[0].filename != "mimetype":
                    raise _not_this_kind(ext)
                if archive.read("mimetype").strip() != ODF_MIMETYPES[ext]:
                    raise _not_this_kind(ext)
            elif "[Content_Types].xml" not in names or OFFICE_MAIN_PART[ext] not in names:
                raise _not_this_kind(ext)
            if any(name.lower().endswith("vbaproject.bin") for name in names) or any(
                name.lower().startswith("basic/") for name in names
            ):
                raise ValidationError(_("Documents with macros are not accepted."), code="macros")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError) as exc:
        raise _not_this_kind(ext) from exc
    finally:
        file.seek(0)


def _check_text(file: IO[bytes], ext: str) -> None:
    sample = head(file)
    if b"\x00" in sample:
        raise _not_this_kind(ext)
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 3:
            try:
                sample.decode("cp1252")
            except UnicodeDecodeError:
                raise _not_this_kind(ext) from exc
    if MARKUP.search(sample):
        raise ValidationError(
            _("Text and CSV files must not contain HTML or scripts."), code="markup"
        )


def validate_document_file(file: IO[bytes], name: str) -> None:
    """Refuse a document whose content is not what its extension says."""
    ext = extension(name)
    if ext == "pdf":
        if not head(file, 1024).startswith(b"%PDF-"):
            raise _not_this_kind(ext)
        if scan(file, PDF_ACTIONS):
            raise ValidationError(
                _("PDF files with scripts or actions that run on opening are not accepted."),
                code="pdf_actions",
            )
    elif ext in OFFICE_MAIN_PART or ext in ODF_MIMETYPES:
        _check_zip(file, ext)
    elif ext in ("csv", "txt"):
        _check_text(file, ext)


class CheckedImageField(WagtailImageField):
    """Wagtail's image field, after our checks: its own would crash on damaged files."""

    def to_python(self, data):
        if isinstance(data, UploadedFile) and data.size:
            check_size(data, self)
            validate_image_file(data)
        return super().to_python(data)


class CheckedDocumentField(WagtailDocumentField):
    def to_python(self, data):
        if isinstance(data, UploadedFile) and data.size:
            check_size(data, self)
            validate_document_file(data, data.name)
        return super().to_python(data)


def _replace_file_field(form, field_class) -> None:
    """Wagtail builds the file field itself (no setting chooses its class); rebuild it as ours
    with the same label, widget and requiredness."""
    field = form.fields.get("file")
    if field is not None:
        form.fields["file"] = field_class(
            label=field.label, required=field.required, widget=field.widget
        )


class ImageForm(BaseImageForm):
    """WAGTAILIMAGES_IMAGE_FORM_BASE: images checked by content."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _replace_file_field(self, CheckedImageField)


class DocumentForm(BaseDocumentForm):
    """WAGTAILDOCS_DOCUMENT_FORM_BASE: documents checked by content."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _replace_file_field(self, CheckedDocumentField)

    def _post_clean(self):
        # With the file refused, the model's extension check would see no file and add a
        # second, confusing error (“File extension “” is not allowed”).
        if not self.has_error("file"):
            super()._post_clean()
