"""Readers turn one of Plone's export formats into a lazy stream of ``SourceItem``.

Every reader yields items one at a time so that an export of any size is imported with
flat memory; the importer may ask for the same items again (``uids=``) to retry the few
whose parent came later in the stream.
"""

from __future__ import annotations

import base64
import json
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import urljoin, urlparse

NO_LANGUAGE = {"", "##DEFAULT##", None}


class BlobMissing(Exception):
    """A file or image item whose binary data is not in the export."""


@dataclass
class SourceItem:
    """One Plone item as read from the export; ``data`` is None when it could not be read."""

    uid: str
    path: str
    portal_type: str
    data: dict[str, Any] | None
    error: str = ""
    where: str = ""  # where in the export it came from, for messages

    @property
    def parent_path(self) -> str:
        return self.path.rsplit("/", 1)[0] if self.path.count("/") > 1 else ""

    @property
    def parent_uid(self) -> str:
        parent = (self.data or {}).get("parent") or {}
        return parent.get("UID") or ""


@dataclass
class TranslationGroups:
    """Plone translation groups: item UID (or path) → the group's canonical UID."""

    by_key: dict[str, str] = field(default_factory=dict)

    def add(self, canonical: str, members: Collection[str]) -> None:
        for member in [canonical, *members]:
            if member:
                self.by_key[member] = canonical

    def group_of(self, uid: str, path: str) -> str:
        return self.by_key.get(uid) or self.by_key.get(path) or ""


def site_relative(url_or_path: str, site_url: str = "") -> str:
    """'http://host/Plone/de/x' → '/de/x' given the site URL; paths pass through."""
    if site_url and url_or_path.startswith(site_url.rstrip("/")):
        url_or_path = url_or_path[len(site_url.rstrip("/")) :]
    path = urlparse(url_or_path).path if "://" in url_or_path else url_or_path
    if site_url and "://" in site_url:
        prefix = urlparse(site_url).path.rstrip("/")
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
    path = "/" + path.strip("/")
    return path if path != "/" else "/"


def item_from_data(data: Any, where: str, site_url: str = "") -> SourceItem:
    """Validate the minimum every item needs (UID, @id, @type) and wrap it."""
    if not isinstance(data, dict):
        return SourceItem("", where, "", None, "not a JSON object", where)
    uid = str(data.get("UID") or "")
    portal_type = str(data.get("@type") or "")
    raw_path = str(data.get("@id") or "")
    path = site_relative(raw_path, site_url) if raw_path else where
    missing = [
        key for key, value in (("UID", uid), ("@id", raw_path), ("@type", portal_type)) if not value
    ]
    if missing:
        return SourceItem(uid, path, portal_type, None, "missing " + ", ".join(missing), where)
    return SourceItem(uid, path, portal_type, data, "", where)


class Reader:
    """Interface of all readers; see the module docstring."""

    total: int | None = None  # number of items when known up front (for the progress line)
    description = ""

    def items(self, uids: Collection[str] | None = None) -> Iterator[SourceItem]:
        raise NotImplementedError

    def translations(self) -> TranslationGroups:
        return TranslationGroups()

    def redirects(self) -> dict[str, str]:
        return {}

    def blob(self, item: SourceItem, info: dict) -> bytes:
        """The bytes of a file field (``{"blob_path": …}`` or inline ``{"data": …}``)."""
        data = info.get("data")
        if isinstance(data, str) and data:
            if info.get("encoding", "base64") == "base64":
                return base64.b64decode(data)
            return data.encode("utf-8")
        raise BlobMissing(info.get("blob_path") or info.get("filename") or "?")

    def close(self) -> None:
        pass


class PloneExportReader(Reader):
    """plone.exportimport (Plone 6.1): a folder or ZIP with content/__metadata__.json."""

    def __init__(self, location: str | Path):
        self.location = Path(location)
        self.zip: zipfile.ZipFile | None = None
        if self.location.is_file() and zipfile.is_zipfile(self.location):
            self.zip = zipfile.ZipFile(self.location)
            names = [n for n in self.zip.namelist() if n.endswith("content/__metadata__.json")]
            if not names:
                raise ValueError(f"{location}: no content/__metadata__.json in the ZIP file")
            self.prefix = min(names, key=len)[: -len("content/__metadata__.json")]
        elif (self.location / "content" / "__metadata__.json").is_file():
            self.prefix = ""
        else:
            raise ValueError(
                f"{location}: not a plone.exportimport export (no content/__metadata__.json)"
            )
        self.description = str(self.location)
        metadata = self._json("content/__metadata__.json")
        self.data_files: list[str] = list(metadata.get("_data_files_") or [])
        self.total = len(self.data_files)

    def _open(self, relative: str) -> IO[bytes]:
        if self.zip is not None:
            return self.zip.open(self.prefix + relative)
        return (self.location / relative).open("rb")

    def _exists(self, relative: str) -> bool:
        if self.zip is not None:
            try:
                self.zip.getinfo(self.prefix + relative)
            except KeyError:
                return False
            return True
        return (self.location / relative).is_file()

    def _json(self, relative: str) -> Any:
        with self._open(relative) as fh:
            return json.load(fh)

    def items(self, uids: Collection[str] | None = None) -> Iterator[SourceItem]:
        for data_file in self.data_files:
            folder = data_file.split("/", 1)[0]
            if uids is not None and folder not in uids:
                continue
            where = f"content/{data_file}"
            try:
                data = self._json(where)
            except FileNotFoundError:
                yield SourceItem(folder, where, "", None, "data file missing", where)
                continue
            except KeyError:
                yield SourceItem(folder, where, "", None, "data file missing", where)
                continue
            except (ValueError, UnicodeDecodeError) as exc:
                yield SourceItem(folder, where, "", None, f"malformed JSON: {exc}", where)
                continue
            item = item_from_data(data, where)
            if uids is not None and item.uid not in uids and folder not in uids:
                continue
            yield item

    def translations(self) -> TranslationGroups:
        groups = TranslationGroups()
        if self._exists("translations.json"):
            for group in self._json("translations.json") or []:
                groups.add(
                    group.get("canonical", ""), list((group.get("translations") or {}).values())
                )
        return groups

    def redirects(self) -> dict[str, str]:
        if self._exists("redirects.json"):
            return dict(self._json("redirects.json") or {})
        return {}

    def blob(self, item: SourceItem, info: dict) -> bytes:
        blob_path = info.get("blob_path")
        if blob_path:
            relative = "content/" + str(PurePosixPath(blob_path))
            if ".." in PurePosixPath(blob_path).parts or not self._exists(relative):
                raise BlobMissing(blob_path)
            with self._open(relative) as fh:
                return fh.read()
        return super().blob(item, info)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


class JSONListReader(Reader):
    """collective.exportimport: one JSON list of items, parsed one element at a time.

    A streaming parse with ``json.JSONDecoder.raw_decode`` on a growing buffer: no
    dependency, and memory holds one item (plus the read-ahead), not the whole list.
    """

    CHUNK = 1 << 20

    def __init__(self, location: str | Path, site_url: str = "", translations_file: str = ""):
        self.location = Path(location)
        self.site_url = site_url
        self.description = str(self.location)
        self.translations_file = Path(translations_file) if translations_file else None
        if self.translations_file is None:
            sibling = self.location.with_name("translations.json")
            self.translations_file = sibling if sibling.is_file() else None
        self.redirects_file = self.location.with_name("redirects.json")

    def _raw_items(self) -> Iterator[tuple[Any, str, str]]:
        decoder = json.JSONDecoder()
        with self.location.open("r", encoding="utf-8") as fh:
            buffer = fh.read(self.CHUNK).lstrip()
            if not buffer.startswith("["):
                raise ValueError(f"{self.location}: not a JSON list")
            buffer, offset, index, eof = buffer[1:], 1, 0, False
            while True:
                stripped = buffer.lstrip()
                offset += len(buffer) - len(stripped)
                buffer = stripped
                if buffer.startswith(","):
                    buffer, offset = buffer[1:], offset + 1
                    continue
                if buffer.startswith("]"):
                    return
                if not buffer and eof:
                    yield None, f"item {index}", f"unexpected end of file at character {offset}"
                    return
                try:
                    value, end = decoder.raw_decode(buffer)
                except json.JSONDecodeError as exc:
                    if eof:
                        where = f"item {index}"
                        yield (
                            None,
                            where,
                            f"malformed JSON at character {offset + exc.pos}: {exc.msg}",
                        )
                        return
                    more = fh.read(max(self.CHUNK, len(buffer)))
                    eof = not more
                    buffer += more
                    continue
                yield value, f"item {index}", ""
                index += 1
                buffer, offset = buffer[end:], offset + end
                if len(buffer) < self.CHUNK // 2 and not eof:
                    more = fh.read(self.CHUNK)
                    eof = not more
                    buffer += more

    def items(self, uids: Collection[str] | None = None) -> Iterator[SourceItem]:
        site_url = self.site_url
        for value, where, error in self._raw_items():
            if error:
                yield SourceItem("", where, "", None, error, where)
                continue
            if not site_url and isinstance(value, dict):
                parent = value.get("parent") or {}
                if parent.get("@type") == "Plone Site" and parent.get("@id"):
                    site_url = self.site_url = parent["@id"]
            item = item_from_data(value, where, site_url)
            if uids is None or item.uid in uids:
                yield item

    def translations(self) -> TranslationGroups:
        groups = TranslationGroups()
        if not self.translations_file:
            return groups
        data = json.loads(self.translations_file.read_text(encoding="utf-8"))
        for group in data or []:
            if "canonical" in group:
                groups.add(group["canonical"], list((group.get("translations") or {}).values()))
            else:  # collective.exportimport: [{"de": url, "en": url}, …]
                members = [site_relative(v, self.site_url) for v in group.values() if v]
                if members:
                    groups.add(members[0], members[1:])
        return groups

    def redirects(self) -> dict[str, str]:
        if self.redirects_file.is_file():
            data = json.loads(self.redirects_file.read_text(encoding="utf-8"))
            return {
                site_relative(k, self.site_url): site_relative(v, self.site_url)
                for k, v in data.items()
            }
        return {}

    def blob(self, item: SourceItem, info: dict) -> bytes:
        blob_path = info.get("blob_path")
        if blob_path and not info.get("data"):
            path = Path(blob_path)
            if not path.is_absolute():
                path = self.location.parent / path
            if not path.is_file():
                raise BlobMissing(blob_path)
            return path.read_bytes()
        return super().blob(item, info)


class RestAPIReader(Reader):
    """A live Plone site, read-only, through plone.restapi's ``@search?fullobjects``."""

    def __init__(
        self,
        site_url: str,
        auth: tuple[str, str] | None = None,
        batch_size: int = 50,
        timeout: float = 30,
    ):
        import requests

        self.site_url = site_url.rstrip("/")
        self.description = self.site_url
        self.batch_size = batch_size
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if auth:
            self.session.auth = auth
        self.total = None
        self._translations = TranslationGroups()

    def _get(self, url: str, params: dict | None = None) -> Any:
        response = self.session.get(url, params=params, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def items(self, uids: Collection[str] | None = None) -> Iterator[SourceItem]:
        start = 0
        while True:
            params = {
                "fullobjects": "1",
                "sort_on": "path",
                "b_start": str(start),
                "b_size": str(self.batch_size),
            }
            page = self._get(f"{self.site_url}/@search", params)
            self.total = page.get("items_total", self.total)
            batch = page.get("items") or []
            for position, data in enumerate(batch):
                item = item_from_data(data, f"@search b_start={start} #{position}", self.site_url)
                self._remember_translations(item)
                if uids is None or item.uid in uids:
                    yield item
            start += len(batch)
            if not batch or not (page.get("batching") or {}).get("next"):
                return

    def _remember_translations(self, item: SourceItem) -> None:
        """Translations come with each item (``@components.translations``) when expanded."""
        if item.data is None:
            return
        components = item.data.get("@components") or {}
        linked = (components.get("translations") or {}).get("items") or []
        if linked:
            paths = [site_relative(t.get("@id", ""), self.site_url) for t in linked]
            existing = next(
                (
                    self._translations.by_key[p]
                    for p in [item.path, *paths]
                    if p in self._translations.by_key
                ),
                "",
            )
            self._translations.add(existing or item.path, [item.path, *paths])

    def translations(self) -> TranslationGroups:
        # The same object the stream fills in, so groups seen later are visible too.
        return self._translations

    def blob(self, item: SourceItem, info: dict) -> bytes:
        url = info.get("download")
        if url:
            import requests

            try:
                response = self.session.get(urljoin(self.site_url + "/", url), timeout=self.timeout)
                response.raise_for_status()
            except requests.RequestException as exc:
                raise BlobMissing(f"{url}: {exc}") from exc
            return response.content
        return super().blob(item, info)


def open_reader(source: str, site_url: str = "", auth: tuple[str, str] | None = None) -> Reader:
    """Pick the reader from what ``source`` is: URL, JSON file, ZIP or folder."""
    if source.startswith(("http://", "https://")):
        return RestAPIReader(source, auth=auth)
    path = Path(source)
    if path.is_file() and path.suffix.lower() == ".json":
        return JSONListReader(path, site_url=site_url)
    return PloneExportReader(path)
