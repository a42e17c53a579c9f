"""XLIFF 2.0 export and import, so translators who prefer OmegaT, Trados or memoQ can work too.

One XLIFF document per article and language (``xliff/<lang>/<slug>.xlf``),
one ``<unit>`` per live catalog entry. transkit's placeholders become XLIFF
inline codes that CAT tools protect: ``<strong1>…</strong1>`` is
``<pc id="1" dataRefStart="d1" dataRefEnd="d1e">…</pc>``, ``<sup2/>`` is
``<ph id="2" dataRef="d2"/>``, the placeholder text itself in
``<originalData>``; codes are marked ``canDelete="no" canCopy="no"``, since a
translation must keep each exactly once.

Segment state ⇄ PO flags: untranslated → ``initial`` without ``<target>``;
fuzzy → ``initial`` with the draft as ``<target>``; translated →
``translated``. On import (``mark``):

* ``state`` (default): an entry with a non-empty target is fuzzy exactly when
  its segment is ``initial`` (XLIFF's default), not fuzzy when it is
  ``translated``, ``reviewed`` or ``final``, so a tool that confirms segments
  (Trados, memoQ) publishes them and an untouched round trip changes nothing;
* ``fuzzy``: every changed translation becomes fuzzy (a review step in the PO editor);
* ``translated``: every changed translation is final (tools that never set ``state``).

A missing or empty target never removes a translation. Every target goes
through :func:`transkit.source.inline.parse_translation` against its msgid;
one bad unit refuses the whole document (``file:line: unit …: why``) and no
catalog is written. A unit whose source left the catalog (the article changed
after the export) is kept as an obsolete ``#~`` entry, which comes back if the
sentence does. Notes, translator comments and anything else in the document
are context for the translator and are not imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from lxml import etree

from .catalog.model import Catalog, Entry
from .catalog.pofile import read_catalog, write_catalog
from .catalog.sync import SOURCE_LANGUAGE
from .config import Config, primary_language
from .errors import CatalogError, PlaceholderError
from .fsutil import write_if_changed
from .layout import catalog_path, find_articles, target_languages, template_path
from .prefill import PROVENANCE
from .source.inline import PLACEHOLDER, Paired, Piece, parse_translation, placeholders_of

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
STATES = ("initial", "translated", "reviewed", "final")
MARKS = ("state", "fuzzy", "translated")
# Characters XML 1.0 cannot carry; XLIFF writes them as <cp hex="…"/>.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


# =========================================================================== export


@dataclass
class ExportReport:
    """Files written (or unchanged) by an export, and entries that could not carry a target."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


def export_catalog(
    catalog: Catalog, source_language: str, target_language: str, original: str, catalog_name: str = ""
) -> tuple[bytes, list[str]]:
    """One XLIFF 2.0 document for a catalog; warnings name translations exported without a target."""
    root = etree.Element(_q("xliff"), nsmap={None: NS})
    root.set("version", "2.0")
    root.set("srcLang", source_language)
    root.set("trgLang", target_language)
    file_element = etree.SubElement(root, _q("file"), {"id": "f1", "original": original, "canResegment": "no"})
    warnings: list[str] = []
    for number, entry in enumerate(catalog.live_entries, 1):
        unit, problem = _unit(entry, f"u{number}")
        file_element.append(unit)
        if problem:
            warnings.append(f"{catalog_name}:{entry.line}: {problem}; exported without a target")
    _indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"
    return text.encode("utf-8"), warnings


def export_project(config: Config, languages: Iterable[str], articles: tuple[str, ...], folder: Path) -> ExportReport:
    """``folder/<lang>/<slug>.xlf`` for every article and target language that has a catalog."""
    report = ExportReport()
    wanted = tuple(languages)
    for article in find_articles(config, articles):
        template = read_catalog(template_path(config, article.slug))
        source_language = template.header(SOURCE_LANGUAGE) or config.source_language
        for language in target_languages(config, source_language):
            if wanted and language not in wanted:
                continue
            path = catalog_path(config, language, article.slug)
            if not path.exists():
                report.warnings.append(f"{path}: no catalog; run 'transkit sync' first")
                continue
            data, warnings = export_catalog(
                read_catalog(path), source_language, language, article.reference(config),
                path.relative_to(config.root).as_posix(),
            )
            report.warnings.extend(warnings)
            out = folder / language / (article.slug + ".xlf")
            if write_if_changed(out, data):
                report.written.append(out)
            else:
                report.unchanged += 1
    return report


def _unit(entry: Entry, unit_id: str) -> tuple[etree._Element, str]:
    """A ``<unit>`` for one entry, and a problem when its msgstr cannot be exported."""
    unit = etree.Element(_q("unit"), id=unit_id)
    if entry.msgctxt is not None:
        unit.set("name", entry.msgctxt)
    _notes(unit, entry)
    placeholders = placeholders_of(entry.msgid)
    try:
        source_pieces: tuple[Piece, ...] = parse_translation(entry.msgid, placeholders)
    except PlaceholderError as exc:  # not a msgid transkit wrote: plain text, nothing to translate against
        segment = etree.SubElement(unit, _q("segment"), state="initial")
        _content(etree.SubElement(segment, _q("source"), {f"{{{XML_NS}}}space": "preserve"}), (entry.msgid,))
        return unit, f"the msgid's placeholders are not well-formed ({exc})"
    if placeholders:
        original = etree.SubElement(unit, _q("originalData"))
        for number in sorted(placeholders):
            placeholder = placeholders[number]
            if placeholder.paired:
                etree.SubElement(original, _q("data"), id=f"d{number}").text = placeholder.open_text
                etree.SubElement(original, _q("data"), id=f"d{number}e").text = placeholder.close_text
            else:
                etree.SubElement(original, _q("data"), id=f"d{number}").text = placeholder.atomic_text
    segment = etree.SubElement(unit, _q("segment"))
    _content(etree.SubElement(segment, _q("source"), {f"{{{XML_NS}}}space": "preserve"}), source_pieces)
    problem = ""
    if entry.msgstr:
        try:
            target_pieces = parse_translation(entry.msgstr, placeholders)
        except PlaceholderError as exc:
            problem = f"the translation's placeholders do not match ({exc})"
        else:
            target = etree.SubElement(segment, _q("target"), {f"{{{XML_NS}}}space": "preserve"})
            _content(target, target_pieces)
    segment.set("state", "translated" if entry.translated and not problem else "initial")
    return unit, problem


def _notes(unit: etree._Element, entry: Entry) -> None:
    """Context for the translator: what the string is, author notes, where it is, earlier source."""
    notes: list[tuple[str, str]] = [("context", text) for text in entry.extracted_comments if text]
    notes += [("location", ref) for ref in entry.references]
    notes += [("translator", text) for text in entry.translator_comments if text]
    if entry.fuzzy and entry.previous_msgid is not None:
        notes.append(("previous-source", entry.previous_msgid))
    if not notes:
        return
    holder = etree.SubElement(unit, _q("notes"))
    for category, text in notes:
        note = etree.SubElement(holder, _q("note"), category=category)
        _content(note, (text,))


def _content(element: etree._Element, pieces: Iterable[Piece]) -> None:
    """Fill ``element`` with text and inline codes, in document order."""
    for piece in pieces:
        if isinstance(piece, str):
            _append_text(element, piece)
            continue
        number = piece.placeholder.number
        fixed = {"canCopy": "no", "canDelete": "no"}
        if isinstance(piece, Paired):
            code = etree.SubElement(element, _q("pc"), {
                "id": str(number), **fixed, "dataRefStart": f"d{number}", "dataRefEnd": f"d{number}e",
                "dispStart": piece.placeholder.open_text, "dispEnd": piece.placeholder.close_text,
            })
            _content(code, piece.children)
        else:
            etree.SubElement(element, _q("ph"), {
                "id": str(number), **fixed, "dataRef": f"d{number}", "disp": piece.placeholder.atomic_text,
            })


def _append_text(element: etree._Element, text: str) -> None:
    """Append text after the last child (or as text), writing non-XML characters as ``<cp>``."""
    position = 0
    for match in _NOT_XML.finditer(text):
        _append_plain(element, text[position : match.start()])
        etree.SubElement(element, _q("cp"), hex=f"{ord(match.group(0)):04X}")
        position = match.end()
    _append_plain(element, text[position:])


def _append_plain(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


_STRUCTURE = frozenset(_q(name) for name in ("xliff", "file", "unit", "notes", "originalData", "segment"))


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent structural elements only: the content of source, target, note and data is never touched."""
    children = list(element)
    if element.tag not in _STRUCTURE or not children:
        return
    element.text = "\n" + "  " * (level + 1)
    for child in children:
        _indent(child, level + 1)
        child.tail = "\n" + "  " * (level + 1)
    children[-1].tail = "\n" + "  " * level


# =========================================================================== reading


@dataclass(frozen=True)
class Unit:
    """One ``<unit>`` read back: the msgid and translation it stands for, in transkit's placeholder text."""

    id: str
    line: int
    msgctxt: str | None
    msgid: str
    target: str | None  # None: no target, or an empty one
    state: str
    target_line: int


@dataclass(frozen=True)
class XliffFile:
    """One ``<file>``: which article it translates, and its units."""

    original: str
    line: int
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class XliffDocument:
    source_language: str
    target_language: str
    files: tuple[XliffFile, ...]


class _UnitError(Exception):
    """A problem with one unit; collected so that the user sees them all at once."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def read_xliff(path: Path) -> tuple[XliffDocument, list[str]]:
    """Parse an XLIFF 2.0 file: the document, and one ``path:line: unit …: why`` per bad unit.

    Problems with the document as a whole raise a one-line CatalogError.
    """
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from exc
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else 0
        raise CatalogError(f"{path}:{line}: not well-formed XML: {exc.msg}") from exc
    root = tree.getroot()
    if root.tag != _q("xliff") or root.get("version") != "2.0":
        raise CatalogError(
            f"{path}:{root.sourceline}: not an XLIFF 2.0 document (expected <xliff version=\"2.0\" xmlns=\"{NS}\">)"
        )
    source_language, target_language = root.get("srcLang"), root.get("trgLang")
    if not source_language or not target_language:
        raise CatalogError(f"{path}:{root.sourceline}: <xliff> needs srcLang and trgLang")
    errors: list[str] = []
    files = []
    for file_element in root.iter(_q("file")):
        original = file_element.get("original")
        if not original:
            raise CatalogError(f"{path}:{file_element.sourceline}: <file> has no 'original' (the article it translates)")
        units = []
        for unit_element in file_element.iter(_q("unit")):
            try:
                units.append(_read_unit(unit_element))
            except _UnitError as exc:
                errors.append(f"{path}:{exc.line}: unit {unit_element.get('id', '?')}: {exc}")
        files.append(XliffFile(original, file_element.sourceline or 0, tuple(units)))
    if not files:
        raise CatalogError(f"{path}:{root.sourceline}: no <file> element")
    return XliffDocument(source_language, target_language, tuple(files)), errors


@dataclass
class _Codes:
    """The unit's inline codes by id, learnt from its source: the placeholder text each stands for."""

    data: dict[str, str]
    opening: dict[str, str] = field(default_factory=dict)
    closing: dict[str, str] = field(default_factory=dict)
    atomic: dict[str, str] = field(default_factory=dict)


def _read_unit(unit: etree._Element) -> Unit:
    data = {d.get("id", ""): d.text or "" for d in unit.iterfind(f"{_q('originalData')}/{_q('data')}")}
    codes = _Codes(data)
    parts = [child for child in unit if child.tag in (_q("segment"), _q("ignorable"))]
    if not parts:
        raise _UnitError(unit.sourceline or 0, "no <segment>")
    sources = []
    for part in parts:  # every source first: they define the codes any target may use
        source = part.find(_q("source"))
        if source is None:
            raise _UnitError(part.sourceline or 0, "a segment without <source>")
        sources.append(_inline(source, codes, learn=True))
    segments = [part for part in parts if part.tag == _q("segment")]
    states = [segment.get("state", "initial") for segment in segments]
    for state in states:
        if state not in STATES:
            raise _UnitError(unit.sourceline or 0, f"unknown state {state!r} (XLIFF 2.0 has {', '.join(STATES)})")
    targets = [part.find(_q("target")) for part in parts]
    translated = [t is not None for part, t in zip(parts, targets) if part.tag == _q("segment")]
    target_text = None
    target_line = next((t.sourceline for t in targets if t is not None and t.sourceline), unit.sourceline or 0)
    if any(translated):
        if not all(translated):
            raise _UnitError(target_line, "only some of the unit's segments have a <target>")
        # an <ignorable> without a target keeps its source text (white space between segments)
        target_text = "".join(
            _inline(target, codes, learn=False) if target is not None else source
            for target, source in zip(targets, sources)
        )
    state = min(states, key=STATES.index) if states else "initial"  # the least advanced segment decides
    return Unit(
        unit.get("id", ""), unit.sourceline or 0, unit.get("name"), "".join(sources), target_text or None,
        state, target_line,
    )


def _inline(element: etree._Element, codes: _Codes, learn: bool) -> str:
    """The text of a source or target with inline codes turned back into transkit placeholders."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(child.tail or "")
            continue
        name = etree.QName(child).localname if child.tag.startswith(f"{{{NS}}}") else None
        line = child.sourceline or 0
        if name in ("pc", "sc"):
            parts.append(_code(child, codes, "opening", "dataRefStart", learn, line))
            if name == "pc":
                parts.append(_inline(child, codes, learn))
                parts.append(_code(child, codes, "closing", "dataRefEnd", learn, line))
        elif name == "ec":
            reference = child.get("startRef") or child.get("id") or ""
            parts.append(_code(child, codes, "closing", "dataRef", learn, line, reference))
        elif name == "ph":
            parts.append(_code(child, codes, "atomic", "dataRef", learn, line))
        elif name == "mrk":
            parts.append(_inline(child, codes, learn))
        elif name == "cp":
            parts.append(_code_point(child, line))
        elif name not in ("sm", "em"):
            inside = etree.QName(element).localname
            raise _UnitError(line, f"unexpected element <{etree.QName(child).localname}> in <{inside}>")
        parts.append(child.tail or "")
    return "".join(parts)


def _code(element: etree._Element, codes: _Codes, kind: str, data_attribute: str, learn: bool, line: int,
          code_id: str | None = None) -> str:
    """The placeholder text of one inline code; the source defines it, the target may only reuse it."""
    code_id = code_id if code_id is not None else element.get("id", "")
    table: dict[str, str] = getattr(codes, kind)
    if not learn:
        if code_id not in table:
            raise _UnitError(line, f"inline code id={code_id!r} is not in the source")
        return table[code_id]
    reference = element.get(data_attribute)
    text = codes.data.get(reference or "")
    if text is None or not PLACEHOLDER.fullmatch(text):
        raise _UnitError(
            line, f"inline code id={code_id!r} has no <data> with a transkit placeholder ({data_attribute}={reference!r})"
        )
    table[code_id] = text
    return text


def _code_point(element: etree._Element, line: int) -> str:
    try:
        return chr(int(element.get("hex", ""), 16))
    except (ValueError, OverflowError):
        raise _UnitError(line, f"<cp hex={element.get('hex')!r}> is not a code point") from None


# =========================================================================== import


@dataclass
class ImportResult:
    """What importing one XLIFF document did (or would have done, when ``errors``)."""

    path: Path
    catalogs: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    updated: int = 0  # translations that changed
    confirmed: int = 0  # only the fuzzy flag changed
    unchanged: int = 0
    kept_obsolete: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_xliff(config: Config, path: Path, mark: str = "state") -> ImportResult:
    """Bring an XLIFF document's translations into the catalogs it came from; all or nothing."""
    if mark not in MARKS:
        raise CatalogError(f"unknown mark {mark!r} (use {', '.join(MARKS)})")
    result = ImportResult(path)
    document, result.errors = read_xliff(path)
    language = _configured_language(config, document, path)
    by_reference = {article.reference(config): article for article in find_articles(config)}
    pending: list[tuple[Path, Catalog]] = []
    for xliff_file in document.files:
        article = by_reference.get(xliff_file.original)
        if article is None:
            raise CatalogError(
                f"{path}:{xliff_file.line}: original={xliff_file.original!r} is not an article of this project"
            )
        template = read_catalog(template_path(config, article.slug))
        source_language = template.header(SOURCE_LANGUAGE) or config.source_language
        if primary_language(document.source_language) != source_language:
            raise CatalogError(
                f"{path}: srcLang={document.source_language!r}, but {xliff_file.original} is in '{source_language}'"
            )
        catalog_file = catalog_path(config, language, article.slug)
        if catalog_file in result.catalogs:
            raise CatalogError(f"{path}:{xliff_file.line}: a second <file> for {xliff_file.original}")
        if not catalog_file.exists():
            raise CatalogError(f"{catalog_file}: no catalog to import into; run 'transkit sync' first")
        catalog = read_catalog(catalog_file)
        updated = _apply(catalog, xliff_file.units, mark, path, catalog_file, result)
        result.catalogs.append(catalog_file)
        pending.append((catalog_file, updated))
    if result.errors:
        return result
    for catalog_file, catalog in pending:
        if write_catalog(catalog_file, catalog):
            result.written.append(catalog_file)
    return result


def _configured_language(config: Config, document: XliffDocument, path: Path) -> str:
    language = primary_language(document.target_language)
    if language not in config.languages:
        raise CatalogError(f"{path}: trgLang={document.target_language!r} is not a language of this project")
    return language


def _apply(catalog: Catalog, units: tuple[Unit, ...], mark: str, path: Path, catalog_file: Path,
           result: ImportResult) -> Catalog:
    """The catalog with the units' translations in; problems go to ``result.errors``."""
    entries = list(catalog.entries)
    live = {e.key: i for i, e in enumerate(entries) if not e.obsolete}
    obsolete = {e.key: i for i, e in enumerate(entries) if e.obsolete}
    seen: dict[tuple[str | None, str], Unit] = {}
    for unit in units:
        key = (unit.msgctxt, unit.msgid)
        where = f"{path}:{unit.target_line}: unit {unit.id}"
        if unit.target is None:
            result.unchanged += key in live
            continue
        try:
            parse_translation(unit.target, placeholders_of(unit.msgid))
        except PlaceholderError as exc:
            result.errors.append(f"{where}: {exc}")
            continue
        earlier = seen.setdefault(key, unit)
        if earlier is not unit:
            if earlier.target != unit.target:
                result.errors.append(
                    f"{where}: same source as unit {earlier.id} (line {earlier.line}) but another translation"
                )
            continue
        if key in live:
            index = live[key]
            new = _imported(entries[index], unit, mark)
            if new.msgstr != entries[index].msgstr:
                result.updated += 1
            elif new != entries[index]:
                result.confirmed += 1
            else:
                result.unchanged += 1
            entries[index] = new
            continue
        result.warnings.append(
            f"{where}: its source is no longer in {catalog_file} (the article changed after the export); "
            "kept as an obsolete entry"
        )
        result.kept_obsolete += 1
        _keep_obsolete(entries, obsolete.get(key), unit, mark)
    return replace(catalog, entries=tuple(entries))


def _keep_obsolete(entries: list[Entry], index: int | None, unit: Unit, mark: str) -> None:
    """A translation whose sentence left the article: an obsolete entry, which sync revives if it returns."""
    if index is None:
        entries.append(replace(_imported(Entry(msgid=unit.msgid, msgctxt=unit.msgctxt), unit, mark), obsolete=True))
    else:
        entries[index] = replace(_imported(entries[index], unit, mark), obsolete=True)


def _imported(entry: Entry, unit: Unit, mark: str) -> Entry:
    """``entry`` with the unit's translation and the fuzzy flag ``mark`` decides."""
    assert unit.target is not None
    changed = unit.target != entry.msgstr
    if mark == "state":
        fuzzy = unit.state == "initial"
    elif changed:
        fuzzy = mark == "fuzzy"
    else:
        return entry
    if not changed and fuzzy == entry.fuzzy:
        return entry
    new = replace(entry, msgstr=unit.target).with_flag("fuzzy", fuzzy)
    if not fuzzy:
        new = replace(new, previous_msgid=None, previous_msgctxt=None)
    if changed:  # the prefill's provenance comment describes a draft that is gone
        new = replace(new, translator_comments=tuple(
            c for c in new.translator_comments if not c.lstrip().startswith(PROVENANCE)
        ))
    return new
