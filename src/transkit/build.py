"""Reassemble a translated page through the same walker that extracted it.

A translation is untrusted text: it is parsed only for its placeholders,
which map back to the source's own inline nodes; everything else becomes
escaped text. A translation whose placeholders do not match is refused for
that segment (the source text stays) with a warning naming file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from .catalog.model import Catalog, Entry
from .errors import PlaceholderError
from .prefill import provenance_of
from .source.html import (
    KEEP_SOURCE,
    AttributeUnit,
    ParsedPage,
    TextUnit,
    TreeUndo,
    Unit,
    WalkedPage,
    WalkOptions,
    apply_translations,
    parse_page,
    serialize_page,
    walk_units,
)
from .source.inline import Paired, Piece, Placeholder, literal_lookalikes, parse_translation
from .status import entry_state

RTL_LANGUAGES = frozenset("ar arc ckb dv fa he ks ku ps sd ug ur yi".split())


@dataclass(frozen=True)
class PagePolicy:
    """Page-level edits decided by the publishing policy (``pipeline.build_project`` decides them).

    ``alternates``: the ``<link rel="alternate" hreflang>`` list, as (hreflang,
    href) pairs, replacing the source's own; None keeps the source's.
    ``all_pages``: add them to every page; otherwise only to pages whose source
    already lists alternates (a site that uses hreflang gets correct ones, a
    page that never had them is left as its author wrote it).
    ``noindex``: a draft below the publish threshold. ``notice``: the site's own
    (trusted) HTML snippet, inserted first in ``<main>``/``<article>``/``<body>``.
    ``mark_drafts``: published fuzzy segments are wrapped in a ``<span
    data-transkit="machine|stale">``; machine drafts also carry ITS 2.0
    ``its-annotators-ref`` (and ``its-mt-confidence`` when prefill recorded a score).
    """

    alternates: tuple[tuple[str, str], ...] | None = None
    all_pages: bool = False
    noindex: bool = False
    notice: str | None = None
    mark_drafts: bool = False


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
        self.mark_drafts = False  # set for text units only: an attribute value cannot hold markup

    def __call__(self, msgid: str, placeholders: dict[int, Placeholder]) -> tuple[Piece, ...] | object | None:
        self.segments += 1
        entry = self.entries.get(msgid)
        if entry is None or not entry.msgstr or (not self.include_fuzzy and entry.fuzzy):
            return None
        msgstr = entry.msgstr
        if msgstr == msgid:
            self.translated += 1
            return KEEP_SOURCE
        if not placeholders and "<" not in msgstr:
            pieces: tuple[Piece, ...] = (msgstr,)  # parse_translation's own first answer, without two calls
        else:
            try:
                pieces = _parse(msgstr, msgid, placeholders)
            except PlaceholderError as exc:
                where = f"{self.catalog_path}:{entry.line}" if entry.line else str(self.catalog_path)
                self.warnings.append(f"{where}: {exc}; the source text is used instead")
                return None
        self.translated += 1
        if self.mark_drafts and entry.fuzzy:
            return (Paired(Placeholder(0, "span", True, _draft_marker(entry)), pieces),)
        return pieces


def _parse(msgstr: str, msgid: str, placeholders: dict[int, Placeholder]) -> tuple[Piece, ...]:
    """``parse_translation``; source text that looks like a placeholder is looked for only when needed.

    A lookalike never shares a number with a real placeholder (see
    ``source.html._segment``), so the plain parse fails whenever one is present.
    """
    try:
        return parse_translation(msgstr, placeholders)
    except PlaceholderError:
        literals = literal_lookalikes(msgid, placeholders)
        if not literals:
            raise
        return parse_translation(msgstr, placeholders, literals)


MT_ANNOTATOR = "urn:transkit:prefill"
_ANNOTATOR_WORD = re.compile(r"[a-z][a-z0-9._-]*\Z")
_CONFIDENCE = re.compile(r"(\d{1,3}(?:\.\d+)?)%\Z|([01](?:\.\d+)?)\Z")


def _draft_marker(entry: Entry) -> Any:
    """The span around a published fuzzy segment: state, and ITS 2.0 MT annotations for machine drafts."""
    state = entry_state(entry)
    span = etree.Element("span")
    span.set("data-transkit", state)
    provenance = provenance_of(entry) if state == "machine" else None
    if provenance is not None:
        words = provenance.lower().split()
        names = []
        for word in words:
            if not _ANNOTATOR_WORD.match(word):
                break
            names.append(word)
        span.set("its-annotators-ref", "mt-confidence|" + ":".join([MT_ANNOTATOR, *names]))
        confidence = _confidence(words)
        if confidence is not None:
            span.set("its-mt-confidence", confidence)
    return span


def _confidence(words: list[str]) -> str | None:
    """A score prefill recorded (``87%`` or ``0.87``) as ITS wants it: a number from 0 to 1."""
    for word in words:
        match = _CONFIDENCE.match(word)
        if match:
            value = float(match.group(1)) / 100 if match.group(1) else float(match.group(2))
            if 0 <= value <= 1:
                return f"{value:g}"
    return None


def build_page(
    data: bytes,
    source_path: Path | str,
    catalog: Catalog,
    catalog_path: Path | str,
    target: str,
    options: WalkOptions,
    default_language: str,
    include_fuzzy: bool = False,
    policy: PagePolicy = PagePolicy(),
    walked: WalkedPage | None = None,
) -> BuildResult:
    """The source page with every usable translation from ``catalog`` spliced in.

    ``walked``: the page already walked (by :func:`walk_page`), when it is built in several languages.
    A use before the last builds on the walked tree itself and puts it back afterwards (see
    :class:`TreeUndo`) when the policy changes nothing but alternate links; otherwise on a copy.
    """
    undo = None
    if walked is not None:
        if walked.uses > 1 and not policy.noindex and not policy.notice:
            undo = TreeUndo()
        page, units = walked.next_use(undo)
    else:
        page = parse_page(data, source_path, default_language)
        options = WalkOptions(page.language, options.segmentation, options.include, options.exclude)
        units = walk_units(page, options)
    try:
        translator, html = _build(page, units, catalog, catalog_path, target, include_fuzzy, policy, undo)
    finally:
        if undo is not None:
            undo.restore()
    return BuildResult(html, tuple(translator.warnings), translator.segments, translator.translated)


def _build(
    page: ParsedPage, units: list[Unit], catalog: Catalog, catalog_path: Path | str, target: str,
    include_fuzzy: bool, policy: PagePolicy, undo: TreeUndo | None,
) -> tuple[_Translator, bytes]:
    """Translate the page's tree in place and serialise it; ``undo`` records every change (policy: alternates only)."""
    translator = _Translator(catalog, catalog_path, include_fuzzy)
    # Attributes first: text units copy inline elements, and the copies must carry translated attributes.
    apply_translations([u for u in units if isinstance(u, AttributeUnit)], translator, undo)
    texts = [u for u in units if not isinstance(u, AttributeUnit)]
    # No draft <span> where an element cannot be: <title> (and <option>) hold text only.
    text_only = _text_only(page)
    fell_back = apply_translations([u for u in texts if u.container in text_only], translator, undo)
    translator.mark_drafts = policy.mark_drafts
    fell_back += apply_translations([u for u in texts if u.container not in text_only], translator, undo)
    root = page.tree.getroot()
    if undo is not None:
        for unit in fell_back:
            undo.keep_attribute(unit.container, "lang")
        undo.keep_attribute(root, "lang")
        undo.keep_attribute(root, "dir")
        undo.keep_children(root)  # (set_alternates may add a <head>)
        head = root.find("head")
        if head is not None:
            undo.keep_children(head)
    _mark_fallbacks(page, fell_back)
    _set_language(page, target)
    _apply_policy(page, policy)
    return translator, serialize_page(page)


def _mark_fallbacks(page: ParsedPage, units: list[TextUnit]) -> None:
    """A block left entirely in the source language says so, for screen readers and search engines."""
    source_lang = page.tree.getroot().get("lang") or page.language
    for unit in units:
        container = unit.container
        whole = unit.start == 0 and unit.end == len(container)
        if whole and container.get("lang") is None and _in_body(container):
            container.set("lang", source_lang)


TEXT_ONLY = frozenset({"title", "option", "optgroup", "textarea"})


def _text_only(page: ParsedPage) -> set[Any]:
    """The elements whose content is text only, and everything in them: a <span> there would show as literal text.

    (One look for the few such elements per page, rather than each unit's ancestors.)
    """
    return {node for element in page.tree.getroot().iter(*TEXT_ONLY) for node in element.iter()}


def _in_body(element: Any) -> bool:
    return element.tag == "body" or any(a.tag == "body" for a in element.iterancestors())


def _set_language(page: ParsedPage, target: str) -> None:
    root = page.tree.getroot()
    root.set("lang", target)
    if target in RTL_LANGUAGES:
        root.set("dir", "rtl")
    elif root.get("dir", "").lower() == "rtl":
        root.set("dir", "ltr")


# --------------------------------------------------------------------------- publishing policy


def _apply_policy(page: ParsedPage, policy: PagePolicy) -> None:
    if policy.alternates is not None and (policy.all_pages or _has_alternates(page)):
        set_alternates(page, policy.alternates)
    if policy.noindex:
        set_noindex(page)
    if policy.notice:
        insert_notice(page, policy.notice)


def _head(page: ParsedPage) -> Any:
    root = page.tree.getroot()
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    return head


def _has_alternates(page: ParsedPage) -> bool:
    head = page.tree.getroot().find("head")
    return head is not None and any(isinstance(e.tag, str) and _is_alternate_language_link(e) for e in head)


def _is_alternate_language_link(element: Any) -> bool:
    if element.tag != "link" or element.get("hreflang") is None:  # (most of a head: no attribute to read)
        return False
    return "alternate" in (element.get("rel") or "").lower().split()


def set_alternates(page: ParsedPage, alternates: tuple[tuple[str, str], ...]) -> None:
    """Replace every ``<link rel="alternate" hreflang>`` by ours, where the first one stood."""
    head = _head(page)
    old = [e for e in head if isinstance(e.tag, str) and _is_alternate_language_link(e)]
    position = head.index(old[0]) if old else len(head)
    tail = old[0].tail if old else (head[-1].tail if len(head) else None)
    for element in old:
        _remove_keeping_tail(element)
    for offset, (hreflang, href) in enumerate(alternates):
        link = etree.Element("link", rel="alternate", hreflang=hreflang, href=href)
        link.tail = tail
        head.insert(position + offset, link)


def _remove_keeping_tail(element: Any) -> None:
    """Remove an element; the text after it stays (joined to what came before)."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail and element.tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def set_noindex(page: ParsedPage) -> None:
    """``<meta name="robots" content="noindex">``: a draft must not be found by search engines."""
    head = _head(page)
    for meta in head.iter("meta"):
        if (meta.get("name") or "").strip().lower() == "robots":
            meta.set("content", "noindex")
            return
    meta = etree.Element("meta", name="robots", content="noindex")
    meta.tail = head[-1].tail if len(head) else None
    charset = next((m for m in head.iter("meta") if m.get("charset") is not None), None)
    head.insert(head.index(charset) + 1 if charset is not None and charset.getparent() is head else len(head), meta)


def insert_notice(page: ParsedPage, snippet: str) -> None:
    """The site's notice HTML, parsed by lxml, as the first content of main/article/body."""
    root = page.tree.getroot()
    found = (root.find(".//main"), root.find(".//article"), root.find("body"))
    target = next((e for e in found if e is not None), None)
    if target is None:
        target = etree.SubElement(root, "body")
    nodes = notice_nodes(snippet)
    if not nodes:
        return
    lead = target.text or ""
    for index, node in enumerate(nodes):
        target.insert(index, node)
    nodes[-1].tail = (nodes[-1].tail or "") + lead


def notice_nodes(snippet: str) -> list[Any]:
    """The elements of an HTML snippet (text outside elements is dropped: wrap it in an element)."""
    holder = etree.fromstring(f"<html><body><div>{snippet}</div></body></html>", etree.HTMLParser())
    div = holder.find(".//div") if holder is not None else None
    return [] if div is None else [n for n in div if isinstance(n.tag, str)]
