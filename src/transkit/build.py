"""Reassemble a translated page through the same walker that extracted it.

A translation is untrusted text: it is parsed only for its placeholders,
which map back to the source's own inline nodes; everything else becomes
escaped text. A translation whose placeholders do not match is refused for
that segment (the source text stays) with a warning naming file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog.model import Catalog, Entry
from .errors import PlaceholderError
from .source.html import (
    KEEP_SOURCE,
    ParsedPage,
    TextUnit,
    WalkOptions,
    apply_translations,
    parse_page,
    serialize_page,
    walk_units,
)
from .source.inline import Piece, Placeholder, parse_translation

RTL_LANGUAGES = frozenset("ar arc ckb dv fa he ks ku ps sd ug ur yi".split())


@dataclass(frozen=True)
class BuildResult:
    """One built page and what the build had to say about it."""

    html: bytes
    warnings: tuple[str, ...]
    segments: int
    translated: int


class _Translator:
    """Looks msgids up in a catalog and validates each translation's placeholders."""

    def __init__(self, catalog: Catalog, catalog_path: Path | str, include_fuzzy: bool) -> None:
        self.entries: dict[str, Entry] = {e.msgid: e for e in catalog.entries if not e.obsolete and e.msgctxt is None}
        self.catalog_path = catalog_path
        self.include_fuzzy = include_fuzzy
        self.warnings: list[str] = []
        self.segments = 0
        self.translated = 0

    def __call__(self, msgid: str, placeholders: dict[int, Placeholder]) -> tuple[Piece, ...] | object | None:
        self.segments += 1
        entry = self.entries.get(msgid)
        if entry is None or not entry.msgstr or (entry.fuzzy and not self.include_fuzzy):
            return None
        if entry.msgstr == msgid:
            self.translated += 1
            return KEEP_SOURCE
        try:
            pieces = parse_translation(entry.msgstr, placeholders)
        except PlaceholderError as exc:
            where = f"{self.catalog_path}:{entry.line}" if entry.line else str(self.catalog_path)
            self.warnings.append(f"{where}: {exc}; the source text is used instead")
            return None
        self.translated += 1
        return pieces


def build_page(
    data: bytes,
    source_path: Path | str,
    catalog: Catalog,
    catalog_path: Path | str,
    target: str,
    options: WalkOptions,
    default_language: str,
    include_fuzzy: bool = False,
) -> BuildResult:
    """The source page with every usable translation from ``catalog`` spliced in."""
    page = parse_page(data, source_path, default_language)
    options = WalkOptions(page.language, options.segmentation, options.include, options.exclude)
    units = walk_units(page, options)
    translator = _Translator(catalog, catalog_path, include_fuzzy)
    fell_back = apply_translations(units, translator)
    _mark_fallbacks(page, fell_back)
    _set_language(page, target)
    return BuildResult(serialize_page(page), tuple(translator.warnings), translator.segments, translator.translated)


def _mark_fallbacks(page: ParsedPage, units: list[TextUnit]) -> None:
    """A block left entirely in the source language says so, for screen readers and search engines."""
    source_lang = page.tree.getroot().get("lang") or page.language
    for unit in units:
        container = unit.container
        whole = unit.start == 0 and unit.end == len(container)
        if whole and container.get("lang") is None and _in_body(container):
            container.set("lang", source_lang)


def _in_body(element: Any) -> bool:
    return element.tag == "body" or any(a.tag == "body" for a in element.iterancestors())


def _set_language(page: ParsedPage, target: str) -> None:
    root = page.tree.getroot()
    root.set("lang", target)
    if target in RTL_LANGUAGES:
        root.set("dir", "rtl")
    elif root.get("dir", "").lower() == "rtl":
        root.set("dir", "ltr")
