"""Translation memory: every human translation in the project, indexed for exact and fuzzy lookups.

Memory for a language pair is every translated, non-fuzzy entry (obsolete
ones too: they are human work on an earlier wording) of every catalog whose
article is written in the source language, plus the units of the TMX files
under ``memory/`` (``transkit tm import``). ``transkit tm export`` writes the
catalogs' memory as TMX 1.4 (level 1: placeholders stay literal text, as in
the PO files a CAT tool would open).

Lookups stay fast at 100,000 units: exact matches come from a dict keyed by
the msgid's *shape* (placeholder numbers dropped); fuzzy candidates come from
an inverted index of words, scanning the query's rarest words first, then
a length window, and only the best few hundred candidates are scored with
rapidfuzz's Indel ratio. A match is only offered when the memory's
placeholders correspond one to one with the query's: the translation is
renumbered and must pass the build's placeholder validation.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from rapidfuzz import fuzz, process

from .. import __version__
from ..catalog.model import Catalog
from ..catalog.pofile import head_header_value, read_catalog
from ..catalog.sync import SOURCE_LANGUAGE
from ..config import Config, primary_language
from ..errors import PlaceholderError, TranskitError
from ..fsutil import read_head, write_if_changed
from ..layout import catalog_path, find_articles, template_path
from ..source.inline import PLACEHOLDER, normalize_spaces, parse_translation, placeholders_of

MEMORY_FOLDER = "memory"
_WORD = re.compile(r"\w+")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INLINE_CODES = {"bpt", "ept", "it", "ph", "ut"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class TmxError(TranskitError):
    """A TMX file cannot be read."""


@dataclass(frozen=True)
class MemoryUnit:
    """One human translation: source text, target text, and the file it came from."""

    source: str
    target: str
    origin: str


@dataclass(frozen=True)
class Match:
    """A memory hit, its translation already renumbered for the query's placeholders."""

    target: str
    score: float  # 0..100, rapidfuzz Indel ratio of the shapes; 100 for an exact match
    origin: str

    @property
    def exact(self) -> bool:
        return self.score >= 100.0


# =========================================================================== the index


def shape(text: str) -> str:
    """What matching compares: placeholder numbers dropped, white space collapsed."""
    return normalize_spaces(PLACEHOLDER.sub(lambda m: f"<{m.group(1)}{m.group(2)}{m.group(4)}>", text)).strip()


class MemoryIndex:
    """Exact and fuzzy lookups over a list of units (immutable once built)."""

    def __init__(self, units: Iterable[MemoryUnit], min_similarity: float = 75.0, candidates: int = 200) -> None:
        self.units: list[MemoryUnit] = []
        self.min_similarity = min_similarity
        self._candidates = candidates
        self._shapes: list[str] = []
        self._exact: dict[str, list[int]] = {}
        self._postings: dict[str, list[int]] = {}
        seen: set[tuple[str, str]] = set()
        for unit in units:
            if not unit.source.strip() or not unit.target.strip() or (unit.source, unit.target) in seen:
                continue
            seen.add((unit.source, unit.target))
            self._add(unit)

    def _add(self, unit: MemoryUnit) -> None:
        number = len(self.units)
        key = shape(unit.source)
        self.units.append(unit)
        self._shapes.append(key)
        self._exact.setdefault(key, []).append(number)
        for word in set(_WORD.findall(key.lower())):
            self._postings.setdefault(word, []).append(number)

    def __len__(self) -> int:
        return len(self.units)

    def lookup(self, text: str) -> Match | None:
        """The exact match if any, else the best fuzzy match at or above ``min_similarity``."""
        key = shape(text)
        for number in self._exact.get(key, ()):
            adapted = adapt(self.units[number].source, self.units[number].target, text)
            if adapted is not None:
                return Match(adapted, 100.0, self.units[number].origin)
        for number, score in self._fuzzy(key):
            unit = self.units[number]
            adapted = adapt(unit.source, unit.target, text)
            if adapted is not None:
                return Match(adapted, min(score, 99.0), unit.origin)
        return None

    def _fuzzy(self, key: str) -> list[tuple[int, float]]:
        """Candidates sharing the query's rarest words, scored by rapidfuzz, best first."""
        counts = self._word_hits(key)
        if not counts:
            return []
        low, high = _length_window(len(key), self.min_similarity)
        shapes = self._shapes
        choices = {}
        ranked = sorted(counts.items(), key=lambda hit: (-hit[1], hit[0]))[: 4 * self._candidates]  # ties: unit order
        for number, _ in ranked:
            if low <= len(shapes[number]) <= high and shapes[number] != key:
                choices[number] = shapes[number]
                if len(choices) == self._candidates:
                    break
        found = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=self.min_similarity, limit=5)
        found.sort(key=lambda hit: (-hit[1], hit[2]))
        return [(number, score) for _, score, number in found]

    def _word_hits(self, key: str) -> Counter[int]:
        """How many of the query's rarer words each unit shares.

        A unit similar enough shares most of the query's words, so it must
        share at least one of the rarest ``n - ceil(n/2) + 1`` of them (the
        prefix filter of set-similarity joins, for a word overlap of one
        half): the common words need not be scanned. Short queries scan
        every word; a budget of postings bounds the work for queries made
        only of common words.
        """
        # Ties broken by the word itself: set order changes with PYTHONHASHSEED, and a run must not.
        words = sorted(set(_WORD.findall(key.lower())), key=lambda w: (len(self._postings.get(w, ())), w))
        prefix = len(words) if len(words) <= 4 else len(words) - (len(words) + 1) // 2 + 1
        counts: Counter[int] = Counter()
        budget = max(20_000, 20 * self._candidates)
        scanned = 0
        for index, word in enumerate(words[:prefix]):
            postings = self._postings.get(word)
            if not postings:
                continue
            if index >= 2 and scanned + len(postings) > budget:
                break
            scanned += len(postings)
            counts.update(postings)
        return counts


def _length_window(length: int, threshold: float) -> tuple[float, float]:
    """Lengths that can reach ``threshold``: Indel ratio ≤ 2·min/(a+b)."""
    share = threshold / 100.0
    if share <= 0:
        return 0, float("inf")
    return length * share / (2 - share), length * (2 - share) / share


def adapt(source: str, target: str, query: str) -> str | None:
    """``target`` with the memory's placeholders renumbered to the query's, or None.

    The placeholder sequences (names, kinds, order) of ``source`` and
    ``query`` must correspond; the result must pass the build's validation.
    """
    theirs = [(m.group(1), m.group(2), m.group(4), int(m.group(3))) for m in PLACEHOLDER.finditer(source)]
    ours = [(m.group(1), m.group(2), m.group(4), int(m.group(3))) for m in PLACEHOLDER.finditer(query)]
    if [t[:3] for t in theirs] != [o[:3] for o in ours]:
        return None
    mapping: dict[tuple[str, int], int] = {}
    for (_, name, _, old), (_, _, _, new) in zip(theirs, ours):
        if mapping.setdefault((name, old), new) != new:
            return None
    unknown = False

    def renumber(match: re.Match[str]) -> str:
        nonlocal unknown
        slash, name, number, selfclosing = match.groups()
        new = mapping.get((name, int(number)))
        if new is None:
            unknown = True
            return match.group(0)
        return f"<{slash}{name}{new}{selfclosing}>"

    adapted = PLACEHOLDER.sub(renumber, target)
    if unknown:
        return None
    try:
        parse_translation(adapted, placeholders_of(query))
    except PlaceholderError:
        return None
    return adapted


# =========================================================================== project memory


@dataclass(frozen=True)
class CatalogFile:
    """A catalog of the project and its language pair."""

    path: Path
    source_language: str
    target_language: str
    slug: str


def article_language(config: Config, slug: str) -> str | None:
    """The article's language as its template records it; None before the first sync."""
    language = head_header_value(read_head(template_path(config, slug)), SOURCE_LANGUAGE)
    return primary_language(language) if language else None


def project_catalogs(config: Config) -> list[CatalogFile]:
    """Every existing catalog of every synced article, with its language pair."""
    found = []
    for article in find_articles(config):
        source = article_language(config, article.slug)
        if source is None:
            continue
        for target in config.languages:
            path = catalog_path(config, target, article.slug)
            if target != source and path.is_file():
                found.append(CatalogFile(path, source, target, article.slug))
    return found


def catalog_units(catalog: Catalog, origin: str) -> Iterator[MemoryUnit]:
    """Human translations of a catalog: translated, not fuzzy; live entries first, then obsolete."""
    for obsolete in (False, True):
        for entry in catalog.entries:
            if entry.obsolete == obsolete and entry.msgid and entry.msgstr and not entry.fuzzy:
                yield MemoryUnit(entry.msgid, entry.msgstr, origin)


def project_units(
    config: Config, source: str, target: str, cache: dict[Path, Catalog] | None = None,
    unreadable: list[str] | None = None,
) -> list[MemoryUnit]:
    """The memory of one language pair: catalogs (sorted by path), then imported TMX files.

    With ``unreadable``, a catalog that cannot be read is left out and its one-line error
    added there (once) instead of stopping everything.
    """
    cache = {} if cache is None else cache
    units: list[MemoryUnit] = []
    for item in project_catalogs(config):
        if (item.source_language, item.target_language) != (source, target):
            continue
        try:
            catalog = cache.get(item.path) or read_catalog(item.path)
        except TranskitError as exc:
            if unreadable is None:
                raise
            if str(exc) not in unreadable:
                unreadable.append(str(exc))
            continue
        cache[item.path] = catalog
        units.extend(catalog_units(catalog, item.path.relative_to(config.root).as_posix()))
    for path in sorted((config.root / MEMORY_FOLDER).glob("*.tmx")):
        origin = path.relative_to(config.root).as_posix()
        for variants in read_tmx(path):
            if source in variants and target in variants:
                units.append(MemoryUnit(variants[source], variants[target], origin))
    return units


# =========================================================================== TMX


def read_tmx(path: Path) -> list[dict[str, str]]:
    """The translation units of a TMX file (1.1–1.4b): one ``{language: text}`` per ``<tu>``.

    Languages are reduced to their primary subtag; inline codes
    (``<bpt>``, ``<ph>``…) are dropped, their surrounding text kept.
    """
    units: list[dict[str, str]] = []
    try:
        for _, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag != "tu":
                continue
            variants: dict[str, str] = {}
            for tuv in element.iter("tuv"):
                lang = tuv.get(_XML_LANG) or tuv.get("lang")
                seg = tuv.find("seg")
                if lang and seg is not None:
                    variants.setdefault(primary_language(lang), _segment_text(seg).strip())
            if len(variants) >= 2:
                units.append(variants)
            element.clear()
    except ElementTree.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise TmxError(f"{path}:{line}: not a readable TMX file: {exc}") from exc
    except OSError as exc:
        raise TmxError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return units


def _segment_text(seg: ElementTree.Element) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _INLINE_CODES:
            parts.append(_segment_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


@dataclass(frozen=True)
class TmxUnit:
    """One exported pair."""

    source_language: str
    source: str
    target_language: str
    target: str
    origin: str


def format_tmx(units: Iterable[TmxUnit], admin_language: str) -> str:
    """TMX 1.4 text, one ``<tu>`` per pair, sorted so the same memory gives the same bytes."""
    ordered = sorted(set(units), key=lambda u: (u.source_language, u.source, u.target_language, u.target, u.origin))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<tmx version="1.4">',
        f'  <header creationtool="transkit" creationtoolversion={quoteattr(__version__)} datatype="plaintext"'
        f' segtype="sentence" adminlang={quoteattr(admin_language)} srclang={quoteattr(admin_language)}'
        ' o-tmf="transkit"/>',
        "  <body>",
    ]
    done: set[tuple[str, str, str, str]] = set()
    for unit in ordered:
        key = (unit.source_language, unit.source, unit.target_language, unit.target)
        if key in done or _XML_ILLEGAL.search(unit.source + unit.target + unit.origin):
            continue
        done.add(key)
        srclang = "" if unit.source_language == admin_language else f" srclang={quoteattr(unit.source_language)}"
        lines += [
            f"    <tu{srclang}>",
            f'      <prop type="x-transkit-origin">{escape(unit.origin)}</prop>',
            f'      <tuv xml:lang={quoteattr(unit.source_language)}><seg>{escape(unit.source)}</seg></tuv>',
            f'      <tuv xml:lang={quoteattr(unit.target_language)}><seg>{escape(unit.target)}</seg></tuv>',
            "    </tu>",
        ]
    lines += ["  </body>", "</tmx>", ""]
    return "\n".join(lines)


def project_tmx_units(config: Config, languages: tuple[str, ...] = ()) -> list[TmxUnit]:
    """The catalogs' memory (every pair, or pairs into ``languages``) as exportable units."""
    units = []
    for item in project_catalogs(config):
        if languages and item.target_language not in languages:
            continue
        origin = item.path.relative_to(config.root).as_posix()
        for unit in catalog_units(read_catalog(item.path), origin):
            units.append(TmxUnit(item.source_language, unit.source, item.target_language, unit.target, origin))
    return units


def export_tmx(config: Config, languages: tuple[str, ...] = ()) -> tuple[str, int]:
    """TMX text of the project's memory, and how many units it holds."""
    units = project_tmx_units(config, languages)
    text = format_tmx(units, config.source_language)
    return text, text.count("<tu>") + text.count("<tu ")


@dataclass(frozen=True)
class ImportResult:
    """What ``tm import`` did."""

    path: Path
    units: int  # translation units read
    added: int  # language pairs (both directions) not stored before


def import_tmx(config: Config, tmx: Path) -> ImportResult:
    """Add a TMX file's pairs to ``memory/<name>.tmx`` (kept in the repository, shared by the team)."""
    variants_list = read_tmx(tmx)
    if not variants_list:
        raise TmxError(f"{tmx}: no translation unit with two languages; nothing imported")
    destination = config.root / MEMORY_FOLDER / (tmx.stem + ".tmx")
    origin = destination.relative_to(config.root).as_posix()
    existing = _stored_units(destination, origin)
    article_languages = {config.source_language, *config.languages}
    fresh = set()
    for variants in variants_list:  # every direction an article of this project could need
        for source, source_text in variants.items():
            if source not in article_languages or not source_text:
                continue
            for target, target_text in variants.items():
                if target != source and target_text:
                    fresh.add(TmxUnit(source, source_text, target, target_text, origin))
    merged = existing | fresh
    write_if_changed(destination, format_tmx(merged, config.source_language).encode("utf-8"))
    return ImportResult(destination, len(variants_list), len(merged) - len(existing))


def _stored_units(path: Path, origin: str) -> set[TmxUnit]:
    if not path.exists():
        return set()
    units = set()
    for variants in read_tmx(path):  # our own files: the source <tuv> first, one pair per <tu>
        (source, source_text), *targets = variants.items()
        for target, target_text in targets:
            units.add(TmxUnit(source, source_text, target, target_text, origin))
    return units
