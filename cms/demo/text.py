"""Bilingual demo strings: German is written to the page, English reaches it through a PO file."""

from dataclasses import dataclass


@dataclass(frozen=True)
class T:
    de: str
    en: str


class Glossary:
    """Collects every German source string with its English translation."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}

    def __call__(self, text: T) -> str:
        self.entries[text.de] = text.en
        return text.de

    def html(self, *paragraphs: T) -> str:
        return "".join(f"<p>{self(p)}</p>" for p in paragraphs)

    def translate(self, german: str) -> str | None:
        return self.entries.get(german)
