"""The mapping file: which Plone items become which Wagtail objects, field by field.

TOML because it is in the standard library (tomllib) and reads well for a list of rules.
Rules are tried in order; the first whose ``types``, ``paths`` and ``parent_paths`` match
decides. A field's source is a key of the item's JSON (dotted for nested values), a list
of keys (first non-empty wins), ``{value = …}`` for a constant or ``{concat = […]}``;
keys starting with ``@`` are computed (see ``computed_value``). The target field's type
decides the conversion (text, date, rich text, StreamField, image or document).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

DEFAULT_MAPPING = Path(__file__).with_name("default_mapping.toml")
ACTIONS = {"page", "image", "document", "redirect", "language_root", "container", "skip"}


@dataclass
class Rule:
    index: int
    action: str
    types: list[str]
    paths: list[str]
    parent_paths: list[str]
    page_type: str = ""
    reuse_existing: bool = False
    field: str = ""
    reason: str = ""
    fields: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def model(self):
        return apps.get_model(self.page_type) if self.page_type else None

    def matches(self, portal_type: str, path: str, parent_path: str) -> bool:
        if self.types and "*" not in self.types and portal_type not in self.types:
            return False
        if self.paths and not any(fnmatchcase(path, pattern) for pattern in self.paths):
            return False
        return not (
            self.parent_paths
            and not any(fnmatchcase(parent_path or "/", pattern) for pattern in self.parent_paths)
        )


@dataclass
class Mapping:
    rules: list[Rule]
    default_fields: dict[str, Any]
    settings: dict[str, Any]
    digest: str

    @property
    def published_states(self) -> set:
        return set(self.settings.get("published_states", ["published"]))

    @property
    def site_urls(self) -> list[str]:
        return list(self.settings.get("site_urls", []))

    def rule_for(self, portal_type: str, path: str, parent_path: str) -> Rule | None:
        for rule in self.rules:
            if rule.matches(portal_type, path, parent_path):
                return rule
        return None

    def fields_for(self, rule: Rule) -> dict[str, Any]:
        return {**self.default_fields, **rule.fields}


def load_mapping(path: str | Path | None = None) -> Mapping:
    """Read and check a mapping file; the digest changes whenever the file does."""
    path = Path(path) if path else DEFAULT_MAPPING
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc
    rules = []
    for index, entry in enumerate(data.get("rules", []), start=1):
        action = entry.get("action", "page")
        if action not in ACTIONS:
            raise ImproperlyConfigured(f"{path}: rule {index}: unknown action {action!r}")
        rule = Rule(
            index=index,
            action=action,
            types=list(entry.get("types", [])),
            paths=list(entry.get("paths", [])),
            parent_paths=list(entry.get("parent_paths", [])),
            page_type=entry.get("page_type", ""),
            reuse_existing=bool(entry.get("reuse_existing", False)),
            field=entry.get("field", ""),
            reason=entry.get("reason", ""),
            fields=dict(entry.get("fields", {})),
        )
        if action == "page":
            try:
                model = rule.model
            except (LookupError, ValueError) as exc:
                raise ImproperlyConfigured(f"{path}: rule {index}: {exc}") from exc
            if model is None:
                raise ImproperlyConfigured(f"{path}: rule {index}: page_type is required")
        rules.append(rule)
    digest = hashlib.sha256(raw).hexdigest()
    return Mapping(
        rules=rules,
        default_fields=dict(data.get("defaults", {}).get("fields", {})),
        settings=dict(data.get("settings", {})),
        digest=digest,
    )


def item_hash(data: dict, mapping: Mapping) -> str:
    """Changes when the item's data or the mapping changes; unchanged items are skipped."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((mapping.digest + payload).encode("utf-8")).hexdigest()


def lookup(data: dict, key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | dict) and not value:
        return True
    return (
        isinstance(value, dict)
        and "data" in value
        and not value.get("data")
        and "blob_path" not in value
    )
