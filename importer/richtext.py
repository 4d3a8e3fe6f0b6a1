"""Plone HTML and Volto blocks → Wagtail rich text and StreamField data.

Sanitising is Wagtail's own: after dropping elements whose *content* is dangerous (script,
style, iframe …), the HTML goes through ``EditorHTMLConverter`` with our rich-text
features, the whitelister the admin editor uses. It keeps only allowed elements, drops
every attribute but ``href`` (so no event handlers) and every URL scheme but http(s),
mailto, tel and ftp (so no ``javascript:``).

Internal links are rewritten to Wagtail page/document links when the target has already
been imported; otherwise they stay ``resolveuid/<uid>`` (or the old path) and the item is
flagged, so ``relink`` can finish them once every item is in.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import Any
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.functional import cached_property
from django.utils.html import escape
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from cms.blocks import RICH_TEXT_FEATURES

UNSAFE_ELEMENTS = [
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "noscript",
    "template",
    "svg",
    "math",
    "link",
    "meta",
    "base",
    "frame",
    "frameset",
]
WRAPPERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "center",
    "font",
    "span",
}
RESOLVEUID = re.compile(r"(?:^|/)resolve[uU]id/([0-9a-fA-F-]{16,40}|[\w-]+)")
VIEW_SUFFIX = re.compile(r"/(?:@@[\w.-]+|view|image_\w+|images/[\w.-]+)(?:/.*)?$")
EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|<br/?>)*</p>")
NAMESPACE = uuid.UUID("6d1c3a54-57a7-4b7e-9c55-0b6a1c2f9e11")


@dataclass
class Target:
    kind: str  # "page", "document" or "image"
    id: int
    url: str = ""


Resolver = Callable[[str, str], Target | None]  # (uid, path) → target


@dataclass
class Conversion:
    """What happened while converting one item's text, for its record and the report."""

    item_uid: str
    item_path: str
    unresolved: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    unknown_blocks: list[str] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)
    counter: int = 0

    def block_id(self, given: str = "") -> str:
        if given:
            return str(given)
        self.counter += 1
        return str(uuid.uuid5(NAMESPACE, f"{self.item_uid}:{self.counter}"))


def parse_reference(href: str, item_path: str, site_urls: list[str]) -> tuple[str, str] | None:
    """('uid', '') or ('', '/path') for a link into the old site; None for external links."""
    href = (href or "").strip()
    if not href or href.startswith(("#", "mailto:", "tel:")):
        return None
    match = RESOLVEUID.search(href)
    if match:
        return match.group(1), ""
    for site_url in site_urls:
        if site_url and href.startswith(site_url.rstrip("/")):
            href = href[len(site_url.rstrip("/")) :] or "/"
            break
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc:
        return None
    path = parsed.path
    if not path:
        return None
    if not path.startswith("/"):
        path = urljoin(item_path, path)
    path = VIEW_SUFFIX.sub("", path).rstrip("/") or "/"
    return "", path


class RichTextConverter:
    """Converts for one item; holds the resolver and the target StreamField's block names."""

    def __init__(
        self,
        conversion: Conversion,
        resolve: Resolver,
        site_urls: list[str],
        block_names: set[str] | None = None,
    ):
        self.conversion = conversion
        self.resolve = resolve
        self.site_urls = site_urls
        self.block_names = block_names or {"heading", "paragraph", "image", "quote", "document"}

    @cached_property
    def editor(self) -> EditorHTMLConverter:
        return EditorHTMLConverter(features=RICH_TEXT_FEATURES)

    # -- sanitising and links -----------------------------------------------------------------

    def _prepare(self, html: str) -> BeautifulSoup:
        doc = BeautifulSoup(html or "", "html.parser")
        removed = set()
        for tag in doc.find_all(UNSAFE_ELEMENTS):
            removed.add(tag.name)
            tag.decompose()
        handlers = any(
            attr.lower().startswith("on") for tag in doc.find_all(True) for attr in tag.attrs
        )
        scripted = any(
            re.sub(r"[\s\x00-\x20]+", "", str(tag.get("href", "")))
            .lower()
            .startswith(("javascript:", "vbscript:", "data:"))
            for tag in doc.find_all("a")
        )
        if removed or handlers or scripted:
            parts = sorted(f"<{name}>" for name in removed)
            if handlers:
                parts.append("event handler attributes")
            if scripted:
                parts.append("script URLs")
            self.conversion.warnings.append("unsafe HTML removed: " + ", ".join(parts))
        for tag in doc.find_all("a"):
            if (
                re.sub(r"[\s\x00-\x20]+", "", str(tag.get("href", "")))
                .lower()
                .startswith(("javascript:", "vbscript:", "data:"))
            ):
                tag.unwrap()
            else:
                self._link(tag)
        for tag in doc.find_all(["h5", "h6"]):
            tag.name = "h4"
        return doc

    def _link(self, tag: Tag) -> None:
        reference = parse_reference(
            str(tag.get("href", "")), self.conversion.item_path, self.site_urls
        )
        if reference is None:
            return
        uid, path = reference
        target = self.resolve(uid, path)
        if target is None:
            self.conversion.unresolved.add(uid or path)
            tag.attrs = {"href": f"resolveuid/{uid}" if uid else path}
        elif target.kind in ("page", "document"):
            tag.attrs = {"data-linktype": target.kind, "data-id": str(target.id)}
        else:
            tag.attrs = {"href": target.url}

    def to_db(self, html: str) -> str:
        """Whitelisted Wagtail database HTML; empty string when nothing visible is left."""
        cleaned = EMPTY_PARAGRAPH.sub("", self.editor.to_database_format(html))
        if not BeautifulSoup(cleaned, "html.parser").get_text(strip=True):
            return ""
        return cleaned

    # -- HTML → rich text field ----------------------------------------------------------------

    def richtext(self, html: str) -> str:
        doc = self._prepare(html)
        for tag in doc.find_all(["h1", "h2"]):
            tag.name = "h3"
        for tag in doc.find_all("img"):
            tag.decompose()
        return self.to_db(str(doc))

    # -- HTML → StreamField blocks -------------------------------------------------------------

    def html_blocks(self, html: str) -> list[dict]:
        doc = self._prepare(html)
        blocks: list[dict] = []
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                value = self.to_db("".join(buffer))
                if value:
                    blocks.append(self.block("paragraph", value))
                buffer.clear()

        def walk(nodes) -> None:
            for node in list(nodes):
                if isinstance(node, NavigableString):
                    if str(node).strip():
                        buffer.append(f"<p>{escape(str(node))}</p>")
                    continue
                if not isinstance(node, Tag):
                    continue
                name = node.name
                if name in WRAPPERS and node.find(
                    ["p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "table", "img", "blockquote"]
                ):
                    walk(node.contents)
                elif name in ("h1", "h2"):
                    flush()
                    text = node.get_text(" ", strip=True)
                    if text:
                        blocks.append(self.block("heading", {"text": text[:255], "level": "h2"}))
                elif name == "blockquote" and "quote" in self.block_names:
                    flush()
                    text = node.get_text(" ", strip=True)
                    if text:
                        blocks.append(self.block("quote", {"text": text, "attribution": ""}))
                elif name in ("img", "figure"):
                    flush()
                    self._figure(node, blocks)
                elif name == "table":
                    flush()
                    self._unknown_html("table", str(node), blocks)
                else:
                    images = node.find_all("img")
                    for image in images:
                        image.extract()
                    buffer.append(str(node))
                    if images:
                        flush()
                        for image in images:
                            self._figure(image, blocks)
            return None

        walk(doc.contents)
        flush()
        return blocks

    def block(self, block_type: str, value: Any, given_id: str = "") -> dict:
        return {"type": block_type, "value": value, "id": self.conversion.block_id(given_id)}

    def _figure(self, node: Tag, blocks: list[dict], caption: str = "") -> None:
        image_tag = node if node.name == "img" else node.find("img")
        if image_tag is None:
            return
        if node.name == "figure" and node.find("figcaption"):
            caption = node.find("figcaption").get_text(" ", strip=True)
        self.image_block(
            str(image_tag.get("src", "")), str(image_tag.get("alt", "")), caption, blocks
        )

    def image_block(
        self, src: str, alt: str, caption: str, blocks: list[dict], given_id: str = ""
    ) -> None:
        reference = parse_reference(src, self.conversion.item_path, self.site_urls)
        target = self.resolve(*reference) if reference else None
        if target is None or target.kind != "image":
            self.conversion.warnings.append(f"image not found: {src or '?'}")
            return
        value = {
            "image": {"image": target.id, "alt_text": alt, "decorative": not alt},
            "caption": caption[:255],
        }
        blocks.append(self.block("image", value, given_id))

    def _unknown_html(self, kind: str, html: str, blocks: list[dict], given_id: str = "") -> None:
        """Keep what we cannot map: as sanitised raw HTML if the StreamField allows it."""
        self.conversion.unknown_blocks.append(kind)
        if "raw_html" in self.block_names:
            doc = self._prepare(html)
            blocks.append(self.block("raw_html", str(doc), given_id))
            return
        doc = self._prepare(html)
        rows = doc.find_all("tr")
        if rows:
            html = "".join(
                "<p>"
                + " | ".join(
                    escape(c.get_text(" ", strip=True)) for c in row.find_all(["td", "th"])
                )
                + "</p>"
                for row in rows
            )
        else:
            html = str(doc)
        value = self.to_db(html)
        if value:
            blocks.append(self.block("paragraph", value, given_id))

    # -- Volto blocks → StreamField blocks -----------------------------------------------------

    def volto_blocks(self, blocks_data: dict, layout: dict) -> list[dict]:
        result: list[dict] = []
        for block_id in (layout or {}).get("items") or []:
            block = (blocks_data or {}).get(block_id)
            if isinstance(block, dict):
                self._volto_block(block_id, block, result)
        return result

    def _volto_block(self, block_id: str, block: dict, result: list[dict]) -> None:
        kind = block.get("@type", "")
        if kind in ("title", "description", "empty", "toc", "search", "separator"):
            return
        if kind == "slate":
            html = slate_to_html(block.get("value") or [])
            for item in self.html_blocks(html):
                result.append(item)
        elif kind == "text":
            result.extend(self.html_blocks(draftjs_to_html(block.get("text") or {})))
        elif kind == "html":
            self._unknown_html("html", block.get("html") or "", result, block_id)
        elif kind == "image":
            caption = block.get("title") or block.get("description") or ""
            self.image_block(
                str(block.get("url") or ""),
                str(block.get("alt") or ""),
                str(caption),
                result,
                block_id,
            )
        elif kind == "teaser":
            self._teaser(block_id, block, result)
        elif kind == "listing":
            self.listing(
                block_id, block.get("querystring") or {}, block.get("headline") or "", result
            )
        elif isinstance(block.get("blocks"), dict):  # grids, columns, accordions
            result.extend(self.volto_blocks(block["blocks"], block.get("blocks_layout") or {}))
        else:
            self.conversion.unknown_blocks.append(kind or "?")
            text = block.get("plaintext") or ""
            if "raw_html" in self.block_names:
                result.append(
                    self.block(
                        "raw_html", f"<!-- Volto block {escape(kind)} -->{escape(text)}", block_id
                    )
                )
            elif text:
                value = self.to_db(f"<p>{escape(text)}</p>")
                if value:
                    result.append(self.block("paragraph", value, block_id))

    def _teaser(self, block_id: str, block: dict, result: list[dict]) -> None:
        href = block.get("href") or ""
        if isinstance(href, list):
            href = (href[0] or {}).get("@id", "") if href else ""
        title = block.get("title") or ""
        if not title and isinstance(block.get("href"), list) and block["href"]:
            title = block["href"][0].get("title", "")
        description = block.get("description") or ""
        html = f'<p><a href="{html_escape(str(href))}"><b>{escape(title or href)}</b></a>'
        if description:
            html += f"<br/>{escape(description)}"
        html += "</p>"
        doc = self._prepare(html)
        value = self.to_db(str(doc))
        if value:
            result.append(self.block("paragraph", value, block_id))

    def listing(self, block_id: str, query: dict | list, headline: str, result: list[dict]) -> None:
        """A listing becomes a paragraph filled with links once all items are in (``relink``)."""
        if isinstance(query, list):
            query = {"query": query}
        block = self.block("paragraph", f"<p>{escape(headline or '…')}</p>", block_id)
        spec = {
            "block_id": block["id"],
            "headline": headline,
            "query": query.get("query") or [],
            "sort_on": query.get("sort_on") or "",
            "sort_order": query.get("sort_order") or "",
            "limit": query.get("limit") or query.get("b_size") or 0,
        }
        self.conversion.listings.append(spec)
        result.append(block)


# -- helpers ----------------------------------------------------------------------------------

SLATE_TAGS = {
    "p": "p",
    "h1": "h2",
    "h2": "h2",
    "h3": "h3",
    "h4": "h4",
    "h5": "h4",
    "h6": "h4",
    "ul": "ul",
    "ol": "ol",
    "li": "li",
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "blockquote": "blockquote",
    "sub": "sub",
    "sup": "sup",
}


def slate_to_html(nodes: list) -> str:
    """Volto's slate JSON → HTML (block-level structure, inline marks and links)."""
    out = []
    for node in nodes or []:
        if not isinstance(node, dict):
            continue
        if "text" in node and "type" not in node:
            text = escape(node.get("text") or "").replace("\n", "<br/>")
            if node.get("bold"):
                text = f"<strong>{text}</strong>"
            if node.get("italic"):
                text = f"<em>{text}</em>"
            out.append(text)
            continue
        kind = node.get("type", "")
        inner = slate_to_html(node.get("children") or [])
        if kind == "link":
            url = ((node.get("data") or {}).get("url")) or ""
            out.append(f'<a href="{html_escape(url)}">{inner}</a>')
        elif kind == "img":
            out.append(f'<img src="{html_escape(node.get("url", ""))}" alt="">')
        elif SLATE_TAGS.get(kind):
            tag = SLATE_TAGS[kind]
            out.append(f"<{tag}>{inner}</{tag}>")
        else:
            out.append(inner)
    return "".join(out)


def draftjs_to_html(raw: dict) -> str:
    """Volto's legacy draft.js text block → paragraphs (inline styles are not kept)."""
    tags = {
        "header-two": "h2",
        "header-three": "h3",
        "header-four": "h4",
        "unordered-list-item": "li",
        "ordered-list-item": "li",
    }
    parts = []
    for block in raw.get("blocks") or []:
        tag = tags.get(block.get("type", ""), "p")
        parts.append(f"<{tag}>{escape(block.get('text', ''))}</{tag}>")
    return "".join(parts)


def plain_text(html_or_text: str) -> str:
    if "<" not in (html_or_text or ""):
        return (html_or_text or "").strip()
    return BeautifulSoup(html_or_text, "html.parser").get_text(" ", strip=True)


def relink_html(
    html: str, resolve: Resolver, item_path: str, site_urls: list[str], broken: list[str]
) -> str:
    """Second pass over database HTML: turn remaining old links into Wagtail links.

    Links to Plone UIDs that did not come across are unwrapped (text kept) and listed in
    ``broken``; links to old paths stay as they are, since the redirects still serve them.
    """
    if "resolveuid/" not in html and 'href="/' not in html:
        return html
    doc = BeautifulSoup(html, "html.parser")
    for tag in doc.find_all("a", href=True):
        reference = parse_reference(str(tag["href"]), item_path, site_urls)
        if reference is None:
            continue
        target = resolve(*reference)
        if target is None:
            if reference[0]:
                broken.append(reference[0])
                tag.unwrap()
            continue
        if target.kind in ("page", "document"):
            tag.attrs = {"linktype": target.kind, "id": str(target.id)}
        else:
            tag.attrs = {"href": target.url}
    return doc.decode(formatter=escape)
