"""The project glossary: how terms must (and must not) be rendered in each language.

Two formats, one model:

* CSV with the header ``source,lang,target,forbidden,type,note``. ``lang`` is a
  target language code or ``*`` (every language); ``target`` is the required
  rendering (``|`` separates acceptable alternatives); ``forbidden`` lists
  renderings that must never appear (``|``-separated); ``type`` is ``term``
  (translate as ``target``) or ``dnt`` (do not translate: ``source`` must appear
  verbatim in the translation). Lines starting with ``#`` are comments.
* TBX (TBX-Basic / TBX 2008 ``martif``, and TBX v3 ``tbx``): every
  ``termEntry``/``conceptEntry`` relates its terms across languages; a term
  whose ``administrativeStatus`` is ``deprecatedTerm-admn-sts`` or
  ``supersededTerm-admn-sts`` is forbidden, any other is an accepted rendering.

Matching tolerates inflection (see :func:`find_phrase`), because Turkish and
Russian translations rarely use a term in its dictionary form: ``Şanghay
İşbirliği Örgütü'nün`` contains ``Şanghay İşbirliği Örgütü`` and
``Шанхайской организации сотрудничества`` contains ``Шанхайская организация
сотрудничества``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import TranskitError

CSV_COLUMNS = ("source", "lang", "target", "forbidden", "type", "note")
TYPES = ("term", "dnt")
ANY_LANGUAGE = "*"
FORBIDDEN_STATUSES = frozenset({"deprecatedTerm-admn-sts", "supersededTerm-admn-sts"})
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Words are letters and digits; apostrophes and hyphens separate them, so a
# Turkish suffix after an apostrophe (ANKASAM'ın) is a word of its own.
WORD = re.compile(r"[^\W_]+")
CYRILLIC_LANGUAGES = frozenset("ru uk be bg mk sr kk ky tg mn".split())
AGGLUTINATIVE_LANGUAGES = frozenset("tr az tk uz kk ky fi et hu".split())


class GlossaryError(TranskitError):
    """The glossary file cannot be read or has a bad row (named by line)."""


@dataclass(frozen=True)
class GlossaryEntry:
    """One rule: in ``lang``, ``source`` is rendered as one of ``targets`` and never as ``forbidden``."""

    source: str
    lang: str  # target language, or "*"
    targets: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    type: str = "term"
    note: str = ""
    source_lang: str | None = None  # None: whatever language the article is in (CSV)
    where: str = ""  # file:line, for messages

    def applies(self, source_lang: str, target_lang: str) -> bool:
        language_ok = self.lang in (ANY_LANGUAGE, target_lang)
        return language_ok and (self.source_lang is None or self.source_lang == source_lang)


@dataclass(frozen=True)
class Glossary:
    """All rules of a project, in file order."""

    entries: tuple[GlossaryEntry, ...] = ()
    path: str = ""

    def for_pair(self, source_lang: str, target_lang: str) -> tuple[GlossaryEntry, ...]:
        return tuple(e for e in self.entries if e.applies(source_lang, target_lang))


# --------------------------------------------------------------------------- loading


def load_glossary(path: Path) -> Glossary:
    """Read a ``.csv`` or ``.tbx`` glossary (by extension; ``.xml`` is read as TBX)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GlossaryError(f"{path}: cannot read the glossary: {exc.strerror or exc}") from exc
    if path.suffix.lower() in (".tbx", ".xml"):
        return parse_tbx(data, str(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GlossaryError(f"{path}:{line}: not valid UTF-8") from exc
    return parse_csv(text, str(path))


def project_glossary(config: Config) -> Glossary:
    """The glossary named by the ``glossary`` key, else ``glossary.csv`` / ``glossary.tbx`` at the root if present."""
    configured = config.extra.get("glossary")
    if configured is not None:
        return load_glossary(configured)
    for name in ("glossary.csv", "glossary.tbx"):
        candidate = config.root / name
        if candidate.is_file():
            return load_glossary(candidate)
    return Glossary()


def parse_csv(text: str, path: str = "<glossary>") -> Glossary:
    """CSV rows → rules; a bad row is an error naming its line."""
    rows = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    entries: list[GlossaryEntry] = []
    for row in rows:
        line = rows.line_num
        if not row or not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        cells = [cell.strip() for cell in row]
        if header is None:
            header = _csv_header(cells, path, line)
            continue
        values = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        if len(cells) > len(header):
            raise GlossaryError(f"{path}:{line}: {len(cells)} columns, the header has {len(header)}")
        entries.append(_csv_entry(values, f"{path}:{line}"))
    if header is None:
        raise GlossaryError(f"{path}: empty glossary: the first line must be {','.join(CSV_COLUMNS)}")
    return Glossary(tuple(entries), path)


def _csv_header(cells: list[str], path: str, line: int) -> list[str]:
    names = [c.lower() for c in cells]
    unknown = [n for n in names if n not in CSV_COLUMNS]
    if unknown or "source" not in names or "lang" not in names:
        raise GlossaryError(
            f"{path}:{line}: the header must name the columns {','.join(CSV_COLUMNS)}"
            + (f" (unknown column '{unknown[0]}')" if unknown else "")
        )
    return names


def _csv_entry(values: dict[str, str], where: str) -> GlossaryEntry:
    source, lang = values.get("source", ""), values.get("lang", "")
    kind = (values.get("type") or "term").lower()
    if not source:
        raise GlossaryError(f"{where}: empty 'source'")
    if not lang:
        raise GlossaryError(f"{where}: empty 'lang' (a language code or *)")
    if kind not in TYPES:
        raise GlossaryError(f"{where}: type must be 'term' or 'dnt', not '{kind}'")
    targets = _alternatives(values.get("target", ""))
    if kind == "dnt":
        targets = (source,)
    forbidden = _alternatives(values.get("forbidden", ""))
    if not targets and not forbidden:
        raise GlossaryError(f"{where}: a term needs a 'target' or a 'forbidden' rendering")
    lang = lang if lang == ANY_LANGUAGE else _primary(lang)
    return GlossaryEntry(source, lang, targets, forbidden, kind, values.get("note", ""), None, where)


def _alternatives(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _primary(code: str) -> str:
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def parse_tbx(data: bytes, path: str = "<glossary>") -> Glossary:
    """TBX concept entries → one rule per (source language, target language) pair."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise GlossaryError(f"{path}:{exc.lineno}: not valid TBX/XML: {exc.msg}") from exc
    entries: list[GlossaryEntry] = []
    for concept in root.iter():
        if _local(concept) in ("termEntry", "conceptEntry"):
            entries.extend(_tbx_concept(concept, path))
    return Glossary(tuple(entries), path)


def _tbx_concept(concept: object, path: str) -> list[GlossaryEntry]:
    """Every language's accepted terms are the rendering of every other language's terms."""
    accepted: dict[str, list[str]] = {}
    forbidden: dict[str, list[str]] = {}
    for lang_set in concept.iter():  # type: ignore[attr-defined]
        if _local(lang_set) not in ("langSet", "langSec"):
            continue
        lang = _primary(lang_set.get(XML_LANG) or lang_set.get("lang") or "")
        if not lang:
            raise GlossaryError(f"{path}:{lang_set.sourceline}: {_local(lang_set)} without xml:lang")
        for term, status in _tbx_terms(lang_set):
            bucket = forbidden if status in FORBIDDEN_STATUSES else accepted
            bucket.setdefault(lang, []).append(term)
    rules = []
    line = getattr(concept, "sourceline", 0)
    for source_lang, sources in accepted.items():
        for target_lang in set(accepted) | set(forbidden):
            if target_lang == source_lang:
                continue
            for source in sources:
                rules.append(
                    GlossaryEntry(
                        source, target_lang, tuple(accepted.get(target_lang, ())),
                        tuple(forbidden.get(target_lang, ())), "term", "", source_lang, f"{path}:{line}",
                    )
                )
    return rules


def _tbx_terms(lang_set: object) -> list[tuple[str, str]]:
    """(term text, administrativeStatus) for each tig/ntig/termSec of a language."""
    found = []
    for holder in lang_set.iter():  # type: ignore[attr-defined]
        if _local(holder) not in ("tig", "ntig", "termSec"):
            continue
        term, status = "", ""
        for node in holder.iter():
            name = _local(node)
            if name == "term" and not term:
                term = "".join(node.itertext()).strip()
            elif name == "termNote" and node.get("type") == "administrativeStatus":
                status = (node.text or "").strip()
        if term:
            found.append((term, status))
    return found


def _local(node: object) -> str:
    tag = getattr(node, "tag", None)
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


# --------------------------------------------------------------------------- matching


def fold(text: str, lang: str) -> str:
    """Case-insensitive form that treats Turkish dotted/dotless i correctly."""
    if lang in ("tr", "az"):
        text = text.replace("I", "ı").replace("İ", "i")
    return text.replace("İ", "i").lower().replace("\u0307", "")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def _stem(word: str, lang: str) -> tuple[str, int]:
    """The part of a dictionary-form word every inflected form starts with, and how long an ending may be.

    Deliberately simple: Russian changes the last one or two letters
    (организация → организации), Turkish appends suffixes and may soften the
    last consonant (kitap → kitabı), English adds -s/-es.
    """
    if lang in CYRILLIC_LANGUAGES:
        if len(word) >= 6:
            return word[:-2], 4
        if len(word) >= 4:
            return word[:-1], 3
        return word, 3
    if lang in AGGLUTINATIVE_LANGUAGES:
        return (word[:-1] if len(word) >= 4 else word), 9
    return (word[:-1] if len(word) >= 5 else word), 3


def word_matches(pattern: str, word: str, lang: str) -> bool:
    """Does ``word`` (from a text) inflect ``pattern`` (from the glossary)?

    An acronym (all capitals, ``SCO``, ``NATO``) must match exactly, case included.
    """
    if pattern.isupper() and len(pattern) > 1:
        return word == pattern
    pattern, word = fold(pattern, lang), fold(word, lang)
    if pattern == word:
        return True
    stem, longest_ending = _stem(pattern, lang)
    return word.startswith(stem) and len(word) - len(stem) <= longest_ending


def find_phrase(phrase: str, text: str, lang: str) -> bool:
    """Is ``phrase`` in ``text``, each of its words possibly inflected, in order and adjacent?"""
    return bool(phrase_positions(phrase, text, lang))


def phrase_positions(phrase: str, text: str, lang: str) -> list[int]:
    """Word indexes in ``text`` where ``phrase`` starts (its words possibly inflected)."""
    wanted = words(phrase)
    if not wanted:
        return []
    tokens = words(text)
    return [
        start
        for start in range(len(tokens) - len(wanted) + 1)
        if all(word_matches(w, tokens[start + i], lang) for i, w in enumerate(wanted))
    ]


def find_forbidden(forbidden: str, required: tuple[str, ...], text: str, lang: str) -> bool:
    """Is the forbidden rendering in ``text`` where no required rendering stands?

    Inflection-tolerant matching would otherwise flag the right word when a
    forbidden form shares its stem (Москоу/Москва, Dmitri/Dmitriy); a form that
    differs from a required one only in case (Союз/союз) is matched exactly.
    """
    if any(fold(forbidden, lang) == fold(target, lang) for target in required):
        return contains_verbatim(forbidden, text)
    allowed = {p for target in required for p in phrase_positions(target, text, lang)}
    required_words = {fold(w, lang) for target in required for w in words(target)}
    tokens = words(text)
    size = len(words(forbidden))
    return any(
        p not in allowed and not all(fold(t, lang) in required_words for t in tokens[p : p + size])
        for p in phrase_positions(forbidden, text, lang)
    )


def contains_verbatim(term: str, text: str) -> bool:
    """``term`` exactly as written, as whole words (a suffix after an apostrophe or hyphen is fine)."""
    return re.search(rf"(?<![^\W_]){re.escape(term)}(?![^\W_])", text) is not None
