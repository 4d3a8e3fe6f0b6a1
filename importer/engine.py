"""The import itself: three passes over a reader's stream, one transaction per item.

1. assets: Plone Images and Files become Wagtail images and documents, so that pages in
   pass 2 can point at them whatever order the export lists them in;
2. pages (and Links → redirects), parents before children: an item whose parent has not
   come yet is retried after the stream ends;
3. links: ``resolveuid`` links and listings that pointed at items not yet imported are
   rewritten now that everything is in; what still cannot be resolved is reported.

Every item runs in its own outermost ``transaction.atomic()``: a bad item rolls back alone
and the run goes on, and an interrupted run loses at most the item in progress. Items
whose data and mapping are unchanged since the last run are skipped (``ImportedItem``).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from importer.mapping import Mapping, Rule, is_empty, item_hash, lookup
from importer.models import ImportedItem
from importer.readers import NO_LANGUAGE, BlobMissing, Reader, SourceItem
from importer.richtext import (
    Conversion,
    RichTextConverter,
    Target,
    parse_reference,
    plain_text,
    relink_html,
)

UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)
LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}(?:-[a-z]{2})?$")
DEFER = object()


def _check_image(content: bytes, filename: str) -> None:
    """Refuse what the admin's upload form would refuse (cms.uploads), naming the file."""
    from cms.uploads import validate_image_file

    try:
        validate_image_file(io.BytesIO(content))
    except ValidationError as exc:
        raise ItemError(
            _("not a valid image: %(name)s (%(error)s)")
            % {"name": filename, "error": " ".join(exc.messages)}
        ) from exc


class ItemError(Exception):
    """An item that cannot be imported; the message goes into the report with its path."""


@dataclass
class Report:
    """What a run did; ``lines()`` is what the command prints."""

    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (portal_type, outcome) → n
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    unknown_blocks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    broken_links: list[tuple[str, str]] = field(default_factory=list)
    redirects: int = 0
    seconds: float = 0.0

    def outcome(self, portal_type: str, outcome: str) -> None:
        self.counts[(portal_type or "?", outcome)] += 1

    def total(self, outcome: str) -> int:
        return sum(n for (_type, o), n in self.counts.items() if o == outcome)

    def lines(self) -> list[str]:
        lines = [
            _("Dry run: nothing was saved.") if self.dry_run else _("Import finished."),
            _(
                "%(seconds).1f s; created %(created)d, updated %(updated)d, unchanged %(unchanged)d, skipped %(skipped)d, failed %(failed)d; %(redirects)d redirects written."
            )
            % {
                "seconds": self.seconds,
                "created": self.total("created"),
                "updated": self.total("updated"),
                "unchanged": self.total("unchanged"),
                "skipped": self.total("skipped"),
                "failed": self.total("failed"),
                "redirects": self.redirects,
            },
            _("Per Plone type:"),
        ]
        by_type: dict[str, Counter] = defaultdict(Counter)
        for (portal_type, outcome), n in self.counts.items():
            by_type[portal_type][outcome] += n
        for portal_type in sorted(by_type):
            parts = ", ".join(
                f"{outcome} {n}" for outcome, n in sorted(by_type[portal_type].items())
            )
            lines.append(f"  {portal_type}: {parts}")
        sections = [
            (_("Skipped items"), self.skipped),
            (_("Errors"), self.errors),
            (_("Warnings"), self.warnings),
            (_("Broken internal links"), self.broken_links),
        ]
        for title, entries in sections:
            if entries:
                lines.append(f"{title} ({len(entries)}):")
                lines += [f"  {path}: {message}" for path, message in entries]
        if self.unknown_blocks:
            lines.append(_("Unknown blocks (kept as text where possible):"))
            for kind, paths in sorted(self.unknown_blocks.items()):
                lines.append(
                    f"  {kind} ({len(paths)}): {', '.join(paths[:5])}{' …' if len(paths) > 5 else ''}"
                )
        return lines


class Progress:
    """A one-line progress display on stderr (only on a terminal, or when forced)."""

    def __init__(self, stream: IO[str] | None, label: str, total: int | None):
        self.stream, self.label, self.total = stream, label, total
        self.done, self.started, self.last = 0, time.monotonic(), 0.0

    def step(self) -> None:
        self.done += 1
        now = time.monotonic()
        if self.stream is None or (now - self.last < 0.2 and self.done != self.total):
            return
        self.last = now
        rate = self.done / max(now - self.started, 1e-6)
        if self.total:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "-" * (width - filled)
            text = f"\r{self.label} [{bar}] {self.done}/{self.total} {rate:.0f}/s"
        else:
            text = f"\r{self.label} {self.done} {rate:.0f}/s"
        self.stream.write(text)
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None and self.done:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Content:
    """The computed ``@content`` source: Volto blocks or an HTML text (and a query)."""

    blocks: dict | None = None
    layout: dict | None = None
    html: str = ""
    query: dict | None = None

    def __bool__(self) -> bool:
        has_blocks = bool(self.blocks) and any(
            (b or {}).get("@type") not in ("title", "description") for b in self.blocks.values()
        )
        return has_blocks or bool(plain_text(self.html)) or bool(self.query)


class PloneImporter:
    """Runs one import; create it with a reader and a mapping, then call ``run()``."""

    def __init__(
        self,
        reader: Reader,
        mapping: Mapping,
        *,
        parent_page: Page | None = None,
        dry_run: bool = False,
        progress: IO[str] | None = None,
        force: bool = False,
    ):
        self.reader = reader
        self.mapping = mapping
        self.dry_run = dry_run
        self.force = force
        self.progress_stream = progress
        self.report = Report(dry_run=dry_run)
        site = Site.objects.filter(is_default_site=True).first()
        self.site = site
        self.root = (parent_page or (site.root_page if site else None)).specific
        if self.root is None:
            raise ValueError("No parent page: there is no default site.")
        self.default_language = mapping.settings.get("default_language", settings.LANGUAGE_CODE)
        self.languages = {code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES}
        self.language_roots: dict[str, str] = {}
        self.collection: Collection | None = None
        self.groups = None
        self._locales: dict[str, Locale] = {}

    # -- running ----------------------------------------------------------------------------

    def run(self) -> Report:
        started = time.monotonic()
        with contextlib.ExitStack() as stack:
            if self.dry_run:
                media = tempfile.mkdtemp(prefix="plone-import-dry-run-")
                stack.callback(shutil.rmtree, media, ignore_errors=True)
                storage = {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": media},
                }
                stack.enter_context(
                    override_settings(STORAGES={**settings.STORAGES, "default": storage})
                )
                stack.enter_context(transaction.atomic())
            self.groups = self.reader.translations()
            self._pass(_("Images and files"), assets=True)
            self._pass(_("Pages"), assets=False)
            self.relink()
            self.plone_redirects()
            if self.dry_run:
                transaction.set_rollback(True)
        self.reader.close()
        self.report.seconds = time.monotonic() - started
        return self.report

    def _pass(self, label: str, assets: bool) -> None:
        progress = Progress(self.progress_stream, label, self.reader.total)
        seen: dict[str, str] = {}
        deferred: list[str] = []
        for item in self.reader.items():
            progress.step()
            if self._wanted(item, assets, seen) and self.process(item, allow_defer=True) is DEFER:
                deferred.append(item.uid)
        progress.finish()
        # Retry items whose parent came later, until a round makes no progress; the rest
        # are placed under their nearest imported ancestor.
        while deferred:
            wanted = set(deferred)
            deferred = []
            for item in self.reader.items(uids=wanted):
                if self.process(item, allow_defer=True) is DEFER:
                    deferred.append(item.uid)
            if set(deferred) == wanted:
                for item in self.reader.items(uids=wanted):
                    self.process(item, allow_defer=False)
                break

    def _wanted(self, item: SourceItem, assets: bool, seen: dict[str, str]) -> bool:
        if item.data is None:
            if assets:  # report unreadable items once, in the first pass
                self.report.errors.append((item.path, item.error))
                self.report.outcome(item.portal_type, "failed")
            return False
        if item.uid in seen:
            if assets:
                message = _("duplicate UID %(uid)s (first at %(path)s); this copy was ignored") % {
                    "uid": item.uid,
                    "path": seen[item.uid],
                }
                self.report.errors.append((item.path, message))
                self.report.outcome(item.portal_type, "failed")
            return False
        seen[item.uid] = item.path
        rule = self.mapping.rule_for(item.portal_type, item.path, item.parent_path)
        is_asset = rule is not None and rule.action in ("image", "document")
        if rule is None and not assets:
            return True  # reported as unknown type in the page pass
        return is_asset == assets

    # -- one item ---------------------------------------------------------------------------

    def process(self, item: SourceItem, allow_defer: bool) -> Any:
        rule = self.mapping.rule_for(item.portal_type, item.path, item.parent_path)
        if rule is None:
            return self.skip(
                item, _("no mapping rule for Plone type “%(type)s”") % {"type": item.portal_type}
            )
        if rule.action == "skip":
            return self.skip(
                item,
                rule.reason or _("skipped by mapping rule %(n)d") % {"n": rule.index},
                quiet=True,
            )
        record = ImportedItem.objects.filter(plone_uid=item.uid).first()
        digest = item_hash(item.data, self.mapping)
        if record and self._unchanged(record, digest):
            if record.portal_type == "LRF" and record.language:
                self.language_roots[item.path.strip("/")] = record.language
            self.report.outcome(item.portal_type, "unchanged")
            return None
        language = self.language_for(item, rule, allow_defer)
        if language is DEFER:
            return DEFER
        if language not in self.languages:
            return self.skip(
                item,
                _("language “%(language)s” is not a content language of this site")
                % {"language": language},
                record=record,
                language=language,
            )
        locale = self.locale(language)
        parent = None
        if rule.action in ("page", "container"):
            parent = self.parent_for(item, locale, allow_defer)
            if parent is DEFER:
                return DEFER
        outcome = "updated" if record and record.status != ImportedItem.Status.FAILED else "created"
        conversion = Conversion(item.uid, item.path)
        try:
            with transaction.atomic():
                record = record or ImportedItem(plone_uid=item.uid)
                record.plone_path = item.path
                record.portal_type = item.portal_type
                record.language = language
                record.source = self.reader.description[:500]
                record.translation_group = self.translation_group(item)
                record.effective = self.datetime_value(
                    item.data.get("effective") or item.data.get("created")
                )
                record.messages = []
                record.needs_links = False
                record.pending = {}
                self.apply(item, rule, record, locale, parent, conversion)
                record.content_hash = digest
                record.messages = [*record.messages, *conversion.warnings]
                if conversion.unresolved or conversion.listings:
                    record.needs_links = True
                record.save()
        except Exception as exc:
            message = self.describe_error(exc)
            self.report.errors.append((item.path, message))
            self.report.outcome(item.portal_type, "failed")
            self.record_failure(item, language, message)
            return None
        for warning in conversion.warnings:
            self.report.warnings.append((item.path, warning))
        for kind in conversion.unknown_blocks:
            self.report.unknown_blocks[kind].append(item.path)
        if record.status == ImportedItem.Status.SKIPPED:
            self.report.outcome(item.portal_type, "skipped")
        else:
            self.report.outcome(item.portal_type, outcome)
        return None

    def locale(self, language: str) -> Locale:
        if language not in self._locales:
            self._locales[language] = Locale.objects.get_or_create(language_code=language)[0]
        return self._locales[language]

    def _unchanged(self, record: ImportedItem, digest: str) -> bool:
        if (
            self.force
            or record.content_hash != digest
            or record.status == ImportedItem.Status.FAILED
        ):
            return False
        # A target deleted in Wagtail since the last run is created again.
        return not (
            (record.page_id is None and record.image_id is None and record.document_id is None)
            and record.status == ImportedItem.Status.IMPORTED
            and not record.redirect_url
        )

    def describe_error(self, exc: Exception) -> str:
        if isinstance(exc, ValidationError):
            if hasattr(exc, "message_dict"):
                return "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
                )
            return " ".join(exc.messages)
        if isinstance(exc, BlobMissing):
            return _("blob missing: %(blob)s") % {"blob": exc}
        return str(exc) or exc.__class__.__name__

    def record_failure(self, item: SourceItem, language: str, message: str) -> None:
        with transaction.atomic():
            record, _created = ImportedItem.objects.get_or_create(
                plone_uid=item.uid,
                defaults={
                    "plone_path": item.path,
                    "portal_type": item.portal_type,
                    "status": ImportedItem.Status.FAILED,
                },
            )
            if record.status != ImportedItem.Status.FAILED and (
                record.page_id or record.image_id or record.document_id
            ):
                record.messages = [*record.messages, message]  # keep what an earlier run made
            else:
                record.status = ImportedItem.Status.FAILED
                record.messages = [message]
                record.content_hash = ""
            record.plone_path, record.language = item.path, language
            record.save()

    def skip(
        self, item: SourceItem, reason: str, quiet: bool = False, record=None, language: str = ""
    ) -> None:
        if not quiet:
            self.report.skipped.append((item.path, reason))
        self.report.outcome(item.portal_type, "skipped")
        with transaction.atomic():
            record = (
                record
                or ImportedItem.objects.filter(plone_uid=item.uid).first()
                or ImportedItem(plone_uid=item.uid)
            )
            digest = item_hash(item.data, self.mapping)
            if (
                record.pk
                and record.status == ImportedItem.Status.SKIPPED
                and record.content_hash == digest
                and record.messages == [reason]
            ):
                return
            record.plone_path, record.portal_type, record.language = (
                item.path,
                item.portal_type,
                language,
            )
            record.status = ImportedItem.Status.SKIPPED
            record.messages = [reason]
            record.content_hash = digest
            record.save()
        if item.portal_type == "LRF":
            self.language_roots[item.path.strip("/")] = language

    def apply(
        self,
        item: SourceItem,
        rule: Rule,
        record: ImportedItem,
        locale: Locale,
        parent,
        conversion: Conversion,
    ) -> None:
        action = rule.action
        if action == "container":
            record.status = ImportedItem.Status.SKIPPED
            record.page = None
            record.messages = [_("container: its items are placed under its parent")]
        elif action == "language_root":
            record.page = self.root_for(locale)
            record.status = ImportedItem.Status.LINKED
            self.language_roots[item.path.strip("/")] = locale.language_code
            self.ensure_redirect(item.path, page=record.page)
        elif action == "image":
            record.image = self.media(
                "image",
                item,
                item.data.get(rule.field or "image"),
                record.image,
                item.data.get("title"),
            )
            record.status = ImportedItem.Status.IMPORTED
            if record.image is not None:
                self.ensure_redirect(item.path, link=record.image.file.url)
        elif action == "document":
            record.document = self.media(
                "document",
                item,
                item.data.get(rule.field or "file"),
                record.document,
                item.data.get("title"),
            )
            record.status = ImportedItem.Status.IMPORTED
            if record.document is not None:
                self.ensure_redirect(item.path, link=record.document.url)
                self.ensure_redirect(item.path + "/@@download/file", link=record.document.url)
        elif action == "redirect":
            self.link(item, record, conversion)
        else:
            self.page(item, rule, record, locale, parent, conversion)

    # -- languages, parents, translations ---------------------------------------------------

    def language_for(self, item: SourceItem, rule: Rule, allow_defer: bool):
        segment = item.path.strip("/").split("/", 1)[0]
        if rule.action == "language_root":
            return (item.data.get("id") or segment).split("-")[0].lower()
        if segment in self.language_roots:
            return self.language_roots[segment]
        language = item.data.get("language")
        if language not in NO_LANGUAGE and isinstance(language, str):
            return language.split("-")[0].lower()
        if allow_defer and LANGUAGE_SEGMENT.match(segment) and item.path.count("/") > 1:
            record = ImportedItem.objects.filter(
                plone_path="/" + segment, portal_type="LRF"
            ).first()
            if record is not None:
                self.language_roots[segment] = record.language
                return record.language
            return DEFER  # its language root folder may come later in the stream
        return self.default_language

    def root_for(self, locale: Locale) -> Page:
        """The page that takes a language's top-level items: the parent page or its translation."""
        if self.root.locale_id == locale.id:
            return self.root
        translated = self.root.get_translation_or_none(locale)
        if translated is None:
            translated = self.root.copy_for_translation(locale, copy_parents=True)
            revision = translated.save_revision()
            if self.root.live:
                revision.publish()
        return translated.specific

    def parent_for(self, item: SourceItem, locale: Locale, allow_defer: bool):
        path, parent_uid = item.parent_path, item.parent_uid
        while path:
            record = None
            if parent_uid:
                record = (
                    ImportedItem.objects.filter(plone_uid=parent_uid).select_related("page").first()
                )
                parent_uid = ""
            if record is None:
                record = ImportedItem.objects.filter(plone_path=path).select_related("page").first()
            if record is None and allow_defer:
                return DEFER
            if record is not None and record.page is not None:
                page = record.page.specific
                if page.locale_id != locale.id:
                    page = page.get_translation_or_none(locale) or self.root_for(locale)
                return page
            path = path.rsplit("/", 1)[0] if path.count("/") > 1 else ""
        return self.root_for(locale)

    def translation_group(self, item: SourceItem) -> str:
        group = self.groups.group_of(item.uid, item.path) if self.groups else ""
        if len(group) > 255:
            import hashlib

            group = hashlib.sha1(group.encode()).hexdigest()
        return group

    def translation_key_for(self, record: ImportedItem, locale: Locale):
        """The translation_key of an imported translation of this item, if there is one."""
        if not record.translation_group:
            return None
        others = (
            ImportedItem.objects.filter(
                translation_group=record.translation_group, page__isnull=False
            )
            .exclude(plone_uid=record.plone_uid)
            .select_related("page")
        )
        for other in others:
            if other.page.locale_id != locale.id:
                key = other.page.translation_key
                taken = Page.objects.filter(translation_key=key, locale=locale)
                if record.page_id:
                    taken = taken.exclude(pk=record.page_id)
                if not taken.exists():
                    return key
        return None

    def link_translations(self, page: Page) -> None:
        """Make the pages wagtail-localize translations: a source in the default language and
        a Translation per other language, disabled because the text was translated by
        hand in Plone (editors can start synchronising it with “Start synced translation”)."""
        from wagtail_localize.models import Translation, TranslationSource

        pages = list(
            Page.objects.filter(translation_key=page.translation_key).select_related("locale")
        )
        if len(pages) < 2:
            return
        source_page = next(
            (p for p in pages if p.locale.language_code == self.default_language), None
        )
        if source_page is None:
            return
        source_page = source_page.specific
        source = TranslationSource.objects.filter(
            object_id=page.translation_key, locale_id=source_page.locale_id
        ).first()
        if source is None:
            source, _created = TranslationSource.get_or_create_from_instance(source_page)
        for other in pages:
            if other.pk != source_page.pk:
                Translation.objects.get_or_create(
                    source=source, target_locale=other.locale, defaults={"enabled": False}
                )

    # -- pages ------------------------------------------------------------------------------

    def page(
        self,
        item: SourceItem,
        rule: Rule,
        record: ImportedItem,
        locale: Locale,
        parent: Page,
        conversion: Conversion,
    ) -> None:
        model = rule.model
        place = self.place(parent, model)
        if place is None:
            raise ItemError(
                _("no place for a %(type)s under %(parent)s")
                % {"type": model._meta.verbose_name, "parent": parent.title}
            )
        if place.pk != parent.pk:
            conversion.warnings.append(
                _("placed under “%(place)s”: “%(parent)s” cannot contain a %(type)s")
                % {"place": place.title, "parent": parent.title, "type": model._meta.verbose_name}
            )
        existing = record.page.specific if record.page_id and record.page else None
        if rule.reuse_existing and existing is None:
            found = model.objects.child_of(place).filter(locale=locale).first()
            if found is not None:
                record.page, record.status = found, ImportedItem.Status.LINKED
                self.ensure_redirect(item.path, page=found)
                return
        if record.status == ImportedItem.Status.LINKED and existing is not None:
            return  # never overwrite a page that was there before the import
        if existing is not None and not isinstance(existing, model):
            conversion.warnings.append(
                _("page type changed in the mapping; the existing %(type)s was kept")
                % {"type": existing._meta.verbose_name}
            )
            model = type(existing)
        page = (
            existing.get_latest_revision_as_object()
            if existing is not None
            else model(locale=locale)
        )
        values = self.field_values(item, rule, record, model, conversion)
        for name, value in values.items():
            setattr(page, name, value)
        page.title = page.title or item.data.get("id") or item.uid
        page.draft_title = page.title
        page.slug = self.unique_slug(
            place, values.get("slug") or page.title, page if existing else None
        )
        self.schedule(page, item.data)
        state = self.publication_state(item.data)
        if existing is None:
            key = self.translation_key_for(record, locale)
            if key is not None:
                page.translation_key = key
            page.live = False
            place.add_child(instance=page)
        else:
            if page.get_parent().pk != place.pk:
                existing.move(place, pos="last-child")
                page = existing.get_latest_revision_as_object()
                for name, value in values.items():
                    setattr(page, name, value)
        revision = page.save_revision(clean=True)
        if state == "live":
            revision.publish()
        elif page.live and state != "live":
            page.unpublish()
        record.page = page
        record.status = ImportedItem.Status.IMPORTED
        record.pending = {"state": state}
        if conversion.listings:
            record.pending["listings"] = conversion.listings
        if record.translation_group:
            self.link_translations(page)
        self.ensure_redirect(item.path, page=page)

    def place(self, parent: Page, model: type[Page]) -> Page | None:
        """``parent``, or the nearest ancestor that may contain ``model`` (tree rules hold)."""
        page = parent
        while page is not None and page.depth > 1:
            specific = page.specific
            if model.can_exist_under(specific):
                return specific
            page = page.get_parent()
        return None

    def unique_slug(self, parent: Page, value: str, page: Page | None) -> str:
        base = slugify(str(value).translate(UMLAUTS).replace(".", "-"))[:200] or "seite"
        siblings = set(
            parent.get_children()
            .exclude(pk=page.pk if page else None)
            .values_list("slug", flat=True)
        )
        slug, n = base, 1
        while slug in siblings:
            n += 1
            slug = f"{base}-{n}"
        return slug

    def publication_state(self, data: dict) -> str:
        """live, draft or expired: Plone's review state and expiry date decide."""
        state = data.get("review_state")
        if state is not None and state not in self.mapping.published_states:
            return "draft"
        expires = self.datetime_value(data.get("expires"))
        if expires is not None and expires <= timezone.now():
            return "expired"
        return "live"

    def schedule(self, page: Page, data: dict) -> None:
        effective = self.datetime_value(data.get("effective"))
        expires = self.datetime_value(data.get("expires"))
        now = timezone.now()
        page.go_live_at = effective if effective and effective > now else None
        page.expire_at = expires
        if expires is not None and expires <= now:
            page.expired = True
        if effective and effective <= now and not page.first_published_at:
            page.first_published_at = effective

    # -- fields -----------------------------------------------------------------------------

    def field_values(
        self, item: SourceItem, rule: Rule, record: ImportedItem, model, conversion: Conversion
    ) -> dict:
        values = {}
        names = {f.name for f in model._meta.get_fields()}
        for name, spec in self.mapping.fields_for(rule).items():
            if name not in names:
                continue
            raw = self.source_value(item, spec)
            model_field = model._meta.get_field(name)
            values[name] = self.convert(item, model, model_field, raw, record, conversion)
        return {k: v for k, v in values.items() if v is not None or model._meta.get_field(k).null}

    def source_value(self, item: SourceItem, spec) -> Any:
        data = item.data
        if isinstance(spec, list):
            for option in spec:
                value = self.source_value(item, option)
                if not is_empty(value) and (not isinstance(value, Content) or value):
                    return value
            return None
        if isinstance(spec, dict):
            if "value" in spec:
                return spec["value"]
            if "concat" in spec:
                parts = [self.source_value(item, part) for part in spec["concat"]]
                texts = [
                    plain_text(p.html) if isinstance(p, Content) else self.text(p) for p in parts
                ]
                return spec.get("separator", " ").join(t for t in texts if t)
            return None
        if spec == "@content":
            blocks, layout = data.get("blocks"), data.get("blocks_layout")
            text = data.get("text")
            html = text.get("data", "") if isinstance(text, dict) else (text or "")
            query = (
                {
                    "query": data["query"],
                    "sort_on": data.get("sort_on"),
                    "sort_order": "descending" if data.get("sort_reversed") else "",
                    "limit": data.get("limit"),
                }
                if data.get("query")
                else None
            )
            return Content(
                blocks=blocks if isinstance(blocks, dict) else None,
                layout=layout,
                html=html,
                query=query,
            )
        if spec == "@event":
            return self.event_text(data)
        if spec == "@in_navigation":
            return not data.get("exclude_from_nav", False)
        return lookup(data, spec)

    def event_text(self, data: dict) -> str:
        start, end = self.datetime_value(data.get("start")), self.datetime_value(data.get("end"))
        if start is None:
            return ""
        start = timezone.localtime(start)
        text = (
            start.strftime("%d.%m.%Y")
            if data.get("whole_day")
            else start.strftime("%d.%m.%Y %H:%M")
        )
        if end is not None:
            end = timezone.localtime(end)
            if end.date() == start.date():
                text += "" if data.get("whole_day") else f"–{end:%H:%M}"
            else:
                text += f" – {end:%d.%m.%Y}"
        if data.get("location"):
            text += f", {data['location']}"
        return text

    def convert(
        self,
        item: SourceItem,
        model,
        model_field,
        raw: Any,
        record: ImportedItem,
        conversion: Conversion,
    ) -> Any:
        if isinstance(model_field, StreamField):
            return self.stream(item, model, model_field, raw, conversion)
        if isinstance(model_field, RichTextField):
            return self.rich(item, model, raw, conversion)
        if isinstance(model_field, models.ForeignKey):
            related = model_field.related_model
            if related is get_image_model():
                image = self.media(
                    "image",
                    item,
                    raw,
                    record.image,
                    item.data.get("title"),
                    reference=True,
                    conversion=conversion,
                )
                if (
                    image is not None
                    and isinstance(raw, dict)
                    and ("blob_path" in raw or "data" in raw or "download" in raw)
                ):
                    record.image = image
                return image
            if related is get_document_model():
                document = self.media(
                    "document",
                    item,
                    raw,
                    record.document,
                    item.data.get("title"),
                    reference=True,
                    conversion=conversion,
                )
                if document is not None and isinstance(raw, dict):
                    record.document = document
                return document
            return None
        if isinstance(model_field, models.DateTimeField):
            return self.datetime_value(raw)
        if isinstance(model_field, models.DateField):
            value = self.datetime_value(raw)
            if value is not None:
                return timezone.localtime(value).date()
            return parse_date(raw) if isinstance(raw, str) and raw else None
        if isinstance(model_field, models.BooleanField):
            return bool(raw)
        if isinstance(model_field, models.IntegerField):
            try:
                return int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                return None
        if isinstance(model_field, models.CharField | models.TextField):
            text = plain_text(raw.html) if isinstance(raw, Content) else self.text(raw)
            if model_field.max_length and len(text) > model_field.max_length:
                conversion.warnings.append(
                    _("%(field)s shortened to %(n)d characters")
                    % {"field": model_field.name, "n": model_field.max_length}
                )
                text = text[: model_field.max_length - 1].rstrip() + "…"
            return text
        return raw

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, dict):
            value = value.get("data") or value.get("title") or ""
        if isinstance(value, list):
            value = ", ".join(self.text(v) for v in value)
        return plain_text(str(value))

    def datetime_value(self, raw: Any) -> datetime.datetime | None:
        if (
            not raw
            or not isinstance(raw, str)
            or raw.startswith("1000-")
            or raw.startswith("2499-")
        ):
            return None  # Plone's “no date” sentinels
        try:
            value = parse_datetime(raw)
        except ValueError:
            value = None
        if value is None:
            day = parse_date(raw[:10]) if len(raw) >= 10 else None
            if day is None:
                return None
            value = datetime.datetime.combine(day, datetime.time())
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def stream(self, item, model, model_field, raw, conversion: Conversion) -> list[dict]:
        converter = RichTextConverter(
            conversion,
            self.resolve,
            self.mapping.site_urls,
            set(model_field.stream_block.child_blocks),
        )
        if isinstance(raw, Content):
            blocks: list[dict] = []
            if raw.blocks and (raw.layout or {}).get("items"):
                blocks = converter.volto_blocks(raw.blocks, raw.layout)
            if not blocks and raw.html:
                blocks = converter.html_blocks(raw.html)
            if raw.query:
                converter.listing("", raw.query, "", blocks)
            return blocks
        if isinstance(raw, dict):
            raw = raw.get("data", "")
        if not raw:
            return []
        return converter.html_blocks(str(raw) if "<" in str(raw) else f"<p>{escape(raw)}</p>")

    def rich(self, item, model, raw, conversion: Conversion) -> str:
        converter = RichTextConverter(conversion, self.resolve, self.mapping.site_urls)
        if isinstance(raw, Content):
            if raw.blocks and (raw.layout or {}).get("items"):
                parts = []
                for block in converter.volto_blocks(raw.blocks, raw.layout):
                    if block["type"] == "paragraph":
                        parts.append(block["value"])
                    elif block["type"] == "heading":
                        parts.append(f"<h3>{escape(block['value']['text'])}</h3>")
                conversion.listings.clear()  # listings need a StreamField block to fill
                if parts:
                    return "".join(parts)
            return converter.richtext(raw.html)
        if isinstance(raw, dict):
            raw = raw.get("data", "")
        if not raw:
            return ""
        raw = str(raw)
        return converter.richtext(raw if "<" in raw else f"<p>{escape(raw)}</p>")

    # -- references -------------------------------------------------------------------------

    def resolve(self, uid: str, path: str) -> Target | None:
        """An imported Plone item by UID or old path → the Wagtail object it became."""
        query = (
            ImportedItem.objects.filter(plone_uid=uid)
            if uid
            else ImportedItem.objects.filter(plone_path=path)
        )
        record = query.select_related("page", "image", "document").first()
        if record is None:
            return None
        if record.page is not None:
            return Target("page", record.page.pk)
        if record.document is not None:
            return Target("document", record.document.pk, record.document.url)
        if record.image is not None:
            return Target("image", record.image.pk, record.image.file.url)
        return None

    def get_collection(self) -> Collection:
        if self.collection is None:
            name = self.mapping.settings.get("collection", "Plone-Import")
            root = Collection.get_first_root_node()
            self.collection = root.get_children().filter(name=name).first() or root.add_child(
                name=name
            )
        return self.collection

    def _blob_info(self, item, raw, reference: bool, conversion: Conversion | None, kind: str):
        """A blob dict → (bytes, filename); a UID/relation → existing target; else None."""
        if isinstance(raw, list) and raw:
            raw = raw[0]
        if isinstance(raw, dict) and ("blob_path" in raw or "data" in raw or "download" in raw):
            return self.reader.blob(item, raw), raw.get("filename") or item.data.get("id") or "file"
        uid = raw.get("UID") if isinstance(raw, dict) else raw if isinstance(raw, str) else ""
        if uid and reference:
            reference_ = (
                parse_reference(uid, item.path, self.mapping.site_urls) if "/" in uid else (uid, "")
            )
            target = self.resolve(*reference_) if reference_ else None
            if target is not None and target.kind == kind:
                return target
            if conversion is not None:
                conversion.warnings.append(
                    _("%(kind)s not found: %(ref)s") % {"kind": kind, "ref": uid}
                )
        return None

    def media(
        self,
        kind: str,
        item,
        raw,
        existing,
        title,
        reference: bool = False,
        conversion: Conversion | None = None,
    ):
        """An image or document from the item's blob: reused when unchanged, else (re)written."""
        model = get_image_model() if kind == "image" else get_document_model()
        info = self._blob_info(item, raw, reference, conversion, kind)
        if info is None:
            if not reference:
                raise ItemError(
                    _("no image data in the item")
                    if kind == "image"
                    else _("no file data in the item")
                )
            return None
        if isinstance(info, Target):
            return model.objects.get(pk=info.id)
        content, filename = info
        if kind == "image":
            _check_image(content, filename)
        if (
            existing is not None
            and existing.file_size == len(content)
            and existing.title == (title or filename)
        ):
            return existing
        obj = existing or model(collection=self.get_collection())
        obj.title = (title or filename)[:255]
        obj.file = ContentFile(content, name=filename)
        if kind == "image":
            obj._set_image_file_metadata()
        else:
            obj._set_document_file_metadata()
        obj.save()
        return obj

    def link(self, item: SourceItem, record: ImportedItem, conversion: Conversion) -> None:
        url = (
            str(item.data.get("remoteUrl") or "")
            .replace("${portal_url}", "")
            .replace("${navigation_root_url}", "")
        )
        if not url:
            raise ItemError(_("link without a target URL"))
        record.status = ImportedItem.Status.IMPORTED
        record.redirect_url = url[:1000]
        reference = parse_reference(url, item.path, self.mapping.site_urls)
        if reference is None:
            self.ensure_redirect(item.path, link=url)
            return
        target = self.resolve(*reference)
        if target is None:
            conversion.unresolved.add(reference[0] or reference[1])
        elif target.kind == "page":
            self.ensure_redirect(item.path, page=Page.objects.get(pk=target.id))
        else:
            self.ensure_redirect(item.path, link=target.url)

    def ensure_redirect(self, old: str, page: Page | None = None, link: str = "") -> None:
        """A permanent redirect from an old Plone path, unless the new URL is the same path."""
        old_path = Redirect.normalise_path(old)
        if old_path == "/":
            return
        if page is not None:
            url = page.get_url(current_site=self.site)
            if url and Redirect.normalise_path(url) == old_path:
                return
        existing = Redirect.objects.filter(old_path=old_path, site=None).first()
        if existing is not None:
            same_page = page is not None and existing.redirect_page_id == page.pk
            same_link = page is None and existing.redirect_link == link
            if (same_page or same_link) and existing.is_permanent:
                return
        else:
            existing = Redirect(old_path=old_path, site=None)
        existing.redirect_page = page
        existing.redirect_link = "" if page is not None else link
        existing.is_permanent = True
        existing.save()
        self.report.redirects += 1

    # -- pass 3: links and listings ---------------------------------------------------------

    def relink(self) -> None:
        pending = ImportedItem.objects.filter(needs_links=True).values_list("pk", flat=True)
        for pk in list(pending.iterator()):
            with transaction.atomic():
                record = ImportedItem.objects.select_related("page").get(pk=pk)
                broken: list[str] = []
                if record.page_id and record.page is not None:
                    self.relink_page(record, broken)
                elif record.redirect_url:
                    self.relink_link(record, broken)
                record.needs_links = False
                if broken:
                    record.messages = [
                        *record.messages,
                        *(_("broken link to %(uid)s") % {"uid": uid} for uid in broken),
                    ]
                record.save()
            for ref in broken:
                shown = ref if ref.startswith(("/", "http")) else f"resolveuid/{ref}"
                self.report.broken_links.append((record.plone_path, shown))

    def relink_link(self, record: ImportedItem, broken: list[str]) -> None:
        reference = parse_reference(record.redirect_url, record.plone_path, self.mapping.site_urls)
        target = self.resolve(*reference) if reference else None
        if target is None:
            broken.append(reference[0] or reference[1] if reference else record.redirect_url)
        elif target.kind == "page":
            self.ensure_redirect(record.plone_path, page=Page.objects.get(pk=target.id))
        else:
            self.ensure_redirect(record.plone_path, link=target.url)

    def relink_page(self, record: ImportedItem, broken: list[str]) -> None:
        page = record.page.specific.get_latest_revision_as_object()
        listings = {spec["block_id"]: spec for spec in record.pending.get("listings", [])}
        changed = False
        for model_field in page._meta.get_fields():
            if isinstance(model_field, RichTextField):
                html = getattr(page, model_field.name) or ""
                new = relink_html(
                    html, self.resolve, record.plone_path, self.mapping.site_urls, broken
                )
                if new != html:
                    setattr(page, model_field.name, new)
                    changed = True
            elif isinstance(model_field, StreamField):
                raw = list(getattr(page, model_field.name).raw_data)
                new_raw = []
                for block in raw:
                    block = dict(block)
                    if block.get("id") in listings:
                        html = self.listing_html(record, page, listings[block["id"]])
                        if not html:
                            changed = True
                            continue
                        block["value"] = html
                        changed = True
                    elif block.get("type") in ("paragraph", "raw_html") and isinstance(
                        block.get("value"), str
                    ):
                        new = relink_html(
                            block["value"],
                            self.resolve,
                            record.plone_path,
                            self.mapping.site_urls,
                            broken,
                        )
                        if new != block["value"]:
                            block["value"] = new
                            changed = True
                    new_raw.append(block)
                if changed:
                    setattr(page, model_field.name, new_raw)
        if not changed:
            return
        revision = page.save_revision(clean=True)
        if record.pending.get("state") == "live":
            revision.publish()

    def listing_html(self, record: ImportedItem, page: Page, spec: dict) -> str:
        """The links a Volto listing or Collection showed, as far as the query is simple."""
        base, depth, types = record.plone_path, -1, None
        if record.portal_type == "Collection":
            base = (
                "/" + record.plone_path.strip("/").split("/", 1)[0]
                if record.language in self.language_roots.values()
                else ""
            )
        for criterion in spec.get("query") or []:
            index, value, operation = criterion.get("i"), criterion.get("v"), criterion.get("o", "")
            if index == "portal_type":
                types = value if isinstance(value, list) else [value]
            elif index == "path" and isinstance(value, str):
                target, _sep, level = value.partition("::")
                if "relativePath" in operation:
                    base = (
                        parse_reference(target or ".", record.plone_path + "/", [])[1]
                        if target not in ("", ".")
                        else record.plone_path
                    )
                elif target and target.startswith("/"):
                    base = target.rstrip("/")
                elif target:
                    resolved = ImportedItem.objects.filter(plone_uid=target).first()
                    base = resolved.plone_path if resolved else base
                depth = int(level) if level.lstrip("-").isdigit() else -1
        results = ImportedItem.objects.filter(
            page__isnull=False, page__live=True, page__locale_id=page.locale_id
        ).exclude(pk=record.pk)
        if base:
            results = results.filter(plone_path__startswith=base.rstrip("/") + "/")
        if types:
            results = results.filter(portal_type__in=types)
        sort_on = spec.get("sort_on") or ""
        descending = spec.get("sort_order") in ("descending", "reverse")
        order = {
            "effective": "effective",
            "created": "effective",
            "modified": "effective",
            "sortable_title": "page__title",
        }.get(sort_on, "plone_path")
        results = results.order_by(("-" if descending else "") + order)
        links = []
        limit = int(spec.get("limit") or 0)
        base_depth = base.rstrip("/").count("/")
        for result in results.select_related("page").iterator():
            if depth > 0 and result.plone_path.count("/") - base_depth > depth:
                continue
            links.append(
                f'<li><a linktype="page" id="{result.page_id}">{escape(result.page.title)}</a></li>'
            )
            if limit and len(links) >= limit:
                break
        if not links:
            return ""
        heading = f"<h3>{escape(spec['headline'])}</h3>" if spec.get("headline") else ""
        return f"{heading}<ul>{''.join(links)}</ul>"

    def plone_redirects(self) -> None:
        """Plone's own redirects.json (old paths of moved items) → redirects to the new page."""
        for old, new in self.reader.redirects().items():
            with transaction.atomic():
                record = (
                    ImportedItem.objects.filter(plone_path=new)
                    .select_related("page", "document", "image")
                    .first()
                )
                if record is None or (record.target is None and not record.redirect_url):
                    self.report.warnings.append(
                        (old, _("redirect target %(path)s was not imported") % {"path": new})
                    )
                    continue
                if record.page is not None:
                    self.ensure_redirect(old, page=record.page)
                elif record.document is not None:
                    self.ensure_redirect(old, link=record.document.url)
                elif record.image is not None:
                    self.ensure_redirect(old, link=record.image.file.url)
                elif record.redirect_url and "://" in record.redirect_url:
                    self.ensure_redirect(old, link=record.redirect_url)


def default_progress_stream() -> IO[str] | None:
    return sys.stderr if sys.stderr.isatty() else None
