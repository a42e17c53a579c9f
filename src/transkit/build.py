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
    AFTER_START,
    AFTER_TAIL,
    AFTER_TEXT,
    BEFORE_END,
    BEFORE_START,
    BEFORE_TAIL,
    KEEP_SOURCE,
    AttributeUnit,
    ParsedPage,
    Point,
    SourceMarkup,
    TextUnit,
    Unit,
    WalkedPage,
    WalkOptions,
    apply_translations,
    clean_text,
    encode_page,
    escape_text,
    parse_page,
    plan_page,
    render_unit,
    serialize_page,
    shown_text,
    start_tag,
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
    Most such builds are rendered by concatenation, without changing the tree (see :class:`_RenderPlan`);
    the others build on a copy of the walked tree, but for the last use (see :meth:`WalkedPage.next_use`).
    """
    if walked is not None and not policy.noindex and not policy.notice:
        plan = _RenderPlan.of(walked)
        if plan is not None and plan.covers(policy):
            walked.uses -= 1  # (nothing in the tree changes: a later use gets it as the walk left it)
            translator, html = plan.render(catalog, catalog_path, target, include_fuzzy, policy)
            return BuildResult(html, tuple(translator.warnings), translator.segments, translator.translated)
    if walked is not None:
        page, units = walked.next_use()
    else:
        page = parse_page(data, source_path, default_language)
        options = WalkOptions(page.language, options.segmentation, options.include, options.exclude)
        units = walk_units(page, options)
    translator, html = _build(page, units, catalog, catalog_path, target, include_fuzzy, policy)
    return BuildResult(html, tuple(translator.warnings), translator.segments, translator.translated)


def _build(
    page: ParsedPage, units: list[Unit], catalog: Catalog, catalog_path: Path | str, target: str,
    include_fuzzy: bool, policy: PagePolicy,
) -> tuple[_Translator, bytes]:
    """Translate the page's tree in place and serialise it."""
    translator = _Translator(catalog, catalog_path, include_fuzzy)
    # Attributes first: text units copy inline elements, and the copies must carry translated attributes.
    apply_translations([u for u in units if isinstance(u, AttributeUnit)], translator)
    texts = [u for u in units if not isinstance(u, AttributeUnit)]
    # No draft <span> where an element cannot be: <title> (and <option>) hold text only.
    text_only = _text_only(page)
    fell_back = apply_translations([u for u in texts if u.container in text_only], translator)
    translator.mark_drafts = policy.mark_drafts
    fell_back += apply_translations([u for u in texts if u.container not in text_only], translator)
    _mark_fallbacks(page, fell_back)
    _set_language(page, target)
    _apply_policy(page, policy)
    return translator, serialize_page(page)


class _RenderPlan:
    """A page's build by concatenation: what :func:`_build` does to the tree and serialises, for
    every language of the page, without changing the tree (so nothing is copied or put back).

    The page is serialised once (a :class:`PagePlan`) with holes where languages differ: each
    text unit's run, the start tags a build may change (elements with translated attributes,
    containers that may be marked as left in the source language, the root's lang and dir), and
    the head's alternate links. A build fills the holes: a run with a translation renders it
    from the source's own nodes (:func:`render_unit`), others keep the source's serialisation.
    Pages and policies it does not cover (noindex, a notice, alternates where the head holds
    text or is missing, overlapping runs) take the tree path, the reference it is tested against.
    """

    def __init__(self, page: ParsedPage, units: list[Unit]) -> None:
        root = page.tree.getroot()
        self.root = root
        self.attributes = [u for u in units if isinstance(u, AttributeUnit)]
        self.texts: list[TextUnit] = [u for u in units if not isinstance(u, AttributeUnit)]
        text_only = _text_only(page)
        outside = _outside_body(root)
        self.text_only: list[int] = []  # the units in an element that holds text only (see _build)
        self.others: list[int] = []
        self.edges = [_text_edges(u) for u in self.texts]
        self.may_mark: list[bool] = []  # where _mark_fallbacks would set lang
        contents: dict[Any, int] = {}  # (most runs are their container's whole content)
        regions: list[tuple[Any, Point, Point]] = []
        starts = [root, *(u.element for u in self.attributes)]  # (each once: see below)
        for index, unit in enumerate(self.texts):
            container = unit.container
            (self.text_only if container in text_only else self.others).append(index)
            marked = _may_mark(unit, outside)
            self.may_mark.append(marked)
            if unit.start == 0 and unit.end == len(container) and container not in contents:
                contents[container] = index
            else:
                regions.append((index, *_run_points(unit)))
                if marked:
                    starts.append(container)
        self.source_language = root.get("lang") or page.language
        self.dir = root.get("dir", "")
        head = root.find("head")
        self.head_ok = head is not None and not any(u.container is head for u in self.texts)
        self.has_alternates = head is not None and _has_alternates(page)
        self.link_tail = ""  # after each new link (see set_alternates)
        self.links: tuple[tuple[str, str], ...] | None = None
        self.links_text = ""
        if self.head_ok:
            regions += self._link_regions(head)
        self.serialised = plan_page(page, list(dict.fromkeys(starts)), regions, contents)  # (None: regions overlap)
        self.markup = SourceMarkup(self.serialised.start_holes if self.serialised is not None else {})

    @classmethod
    def of(cls, walked: WalkedPage) -> _RenderPlan | None:
        """The walked page's plan, made at its first use (None: the page takes the tree path)."""
        if walked.plan is None:
            plan = cls(walked.page, walked.units)
            walked.plan = plan if plan.serialised is not None else False
        return walked.plan or None

    def _link_regions(self, head: Any) -> list[tuple[Any, Point, Point]]:
        """The alternate links set_alternates replaces: the first ones together (the new links
        go where the first stood, after the text of every link removed right after it), each
        later one alone; or, when there are none, the end of the head."""
        children = list(head)
        if not self.has_alternates:
            self.link_tail = escape_text(children[-1].tail or "") if children else ""
            return [(("links", ""), (head, BEFORE_END), (head, BEFORE_END))]
        old = [i for i, e in enumerate(children) if isinstance(e.tag, str) and _is_alternate_language_link(e)]
        self.link_tail = escape_text(children[old[0]].tail or "")
        last = 0
        while last + 1 < len(old) and old[last + 1] == old[last] + 1:
            last += 1
        regions: list[tuple[Any, Point, Point]] = [
            (("links", _kept_tails(children[i] for i in old[: last + 1])),
             (children[old[0]], BEFORE_START), (children[old[last]], AFTER_TAIL))
        ]
        for i in old[last + 1 :]:
            regions.append((("link", _kept_tails([children[i]])), (children[i], BEFORE_START), (children[i], AFTER_TAIL)))
        return regions

    def covers(self, policy: PagePolicy) -> bool:
        """Whether :meth:`render` builds the page as the tree path would (noindex and notice: never)."""
        return self.head_ok or not self._sets_alternates(policy)

    def _sets_alternates(self, policy: PagePolicy) -> bool:
        return policy.alternates is not None and (policy.all_pages or self.has_alternates)

    def render(
        self, catalog: Catalog, catalog_path: Path | str, target: str, include_fuzzy: bool, policy: PagePolicy
    ) -> tuple[_Translator, bytes]:
        """:func:`_build`'s page and translator, the translator asked in the same order."""
        translator = _Translator(catalog, catalog_path, include_fuzzy)
        changes: dict[Any, dict[str, str]] = {}
        for unit in reversed(self.attributes):
            pieces = translator(unit.msgid, {})
            if isinstance(pieces, tuple):
                value = "".join(p for p in pieces if isinstance(p, str))
                changes.setdefault(unit.element, {})[unit.attribute] = clean_text(value)
        # (Only attributes change a start tag inside a run: fallback containers and the root are never in one.)
        starts = {element: start_tag(element.tag, _changed(element.items(), values)) for element, values in changes.items()}
        rendered: list[str | None] = [None] * len(self.texts)
        untouched: list[int] = []
        self._translate(self.text_only, translator, starts, rendered, untouched)
        translator.mark_drafts = policy.mark_drafts
        self._translate(self.others, translator, starts, rendered, untouched)
        self._mark_languages(untouched, target, changes, starts)
        links = self._links_text(policy.alternates) if self._sets_alternates(policy) else None
        return translator, self._join(starts, rendered, links)

    def _mark_languages(
        self, untouched: list[int], target: str, changes: dict[Any, dict[str, str]], starts: dict[Any, str]
    ) -> None:
        """The start tags _mark_fallbacks and _set_language change, into ``starts`` (with the
        element's translated attributes, ``changes``, where it has some)."""
        late: dict[Any, dict[str, str]] = {}
        for index in untouched:
            if self.may_mark[index]:
                late[self.texts[index].container] = {"lang": self.source_language}
        root = late.setdefault(self.root, {})
        root["lang"] = target
        if target in RTL_LANGUAGES:
            root["dir"] = "rtl"
        elif self.dir.lower() == "rtl":
            root["dir"] = "ltr"
        for element, values in late.items():
            values = {**changes[element], **values} if element in changes else values
            starts[element] = start_tag(element.tag, _changed(element.items(), values))

    def _join(self, starts: dict[Any, str], rendered: list[str | None], links: str | None) -> bytes:
        """The page: the plan's parts with this build's start tags, runs and alternate links (``links``:
        the new ones, None to keep the source's) filled in."""
        page = self.serialised
        parts = page.parts.copy()
        start_at = page.start_at
        for element, tag in starts.items():
            if element in start_at:  # (the others are in a region, which takes them from starts)
                parts[start_at[element]] = tag
        for index, region in page.regions:
            key = region.key
            if key.__class__ is int:
                text = rendered[key]
                if text is None:
                    parts[index] = region.source(starts)
                elif region.content is None:
                    parts[index] = text
                else:
                    parts[index] = (starts.get(region.content) or region.start) + text
            elif links is not None:
                parts[index] = key[1] + links if key[0] == "links" else key[1]
            else:
                parts[index] = region.source(starts)
        return encode_page("".join(parts), page.encoding)

    def _translate(
        self, indexes: list[int], translator: _Translator, starts: dict[Any, str],
        rendered: list[str | None], untouched: list[int],
    ) -> None:
        """Ask for the units' translations (last to first, as apply_translations does) and render each
        unit translated; ``untouched`` gets the units that have no translation at all."""
        edges, markup, texts = self.edges, self.markup, self.texts
        for index in reversed(indexes):
            unit_segments = texts[index].segments
            if len(unit_segments) == 1:
                segment = unit_segments[0]
                answers = [translator(segment.msgid, segment.placeholders)]
            else:
                answers = [translator(s.msgid, s.placeholders) for s in unit_segments]
            plain = edges[index]
            if plain is not None:  # (most units: text around the segments, each translated to text only)
                text = _plain(answers, plain, texts[index].gaps)
                if text is not None:
                    rendered[index] = escape_text(text)  # (escaping is character by character: once for all)
                    continue
            if any(isinstance(a, tuple) for a in answers):
                rendered[index] = render_unit(texts[index], answers, starts, markup)
            elif answers.count(None) == len(answers):  # (a tuple or KEEP_SOURCE never equals None)
                untouched.append(index)

    def _links_text(self, alternates: Any) -> str:
        """The new alternate links, each with the text after it (the same for every language of a page)."""
        if alternates != self.links:
            self.links_text = "".join(start_tag("link", _link_items(*pair)) + self.link_tail for pair in alternates)
            self.links = alternates
        return self.links_text


def _text_edges(unit: TextUnit) -> tuple[str, str] | None:
    """The unit's lead and trail, when they are text only (as they most often are: white space)."""
    if not unit.lead and not unit.trail:
        return "", ""
    if any(kind != "text" for kind, _ in unit.lead) or any(kind != "text" for kind, _ in unit.trail):
        return None
    return "".join(value for _, value in unit.lead), "".join(value for _, value in unit.trail)


def _plain(answers: list[Any], edges: tuple[str, str], gaps: list[str]) -> str | None:
    """The unit's run as text (not escaped) when every segment is translated to text only, else None."""
    lead, trail = edges
    texts = [lead]
    for index, answer in enumerate(answers):
        if answer.__class__ is not tuple or len(answer) != 1 or answer[0].__class__ is not str:
            return None
        if index:
            texts.append(gaps[index - 1])
        texts.append(shown_text(answer[0]))
    texts.append(trail)
    return "".join(texts)


def _link_items(hreflang: str, href: str) -> list[tuple[str, str]]:
    """The attributes of set_alternates' <link> (made by lxml only when it could refuse a value)."""
    if hreflang.isprintable() and href.isprintable():
        return [("rel", "alternate"), ("hreflang", hreflang), ("href", href)]
    return etree.Element("link", rel="alternate", hreflang=hreflang, href=href).items()


def _may_mark(unit: TextUnit, outside: set[Any] | None) -> bool:
    """Whether :func:`_mark_fallbacks` sets ``lang`` on the unit's container when the unit falls back.

    (A unit over all its container's children is its container's only run: no other unit's
    translation changes the number of children.) ``outside``: see :func:`_outside_body`."""
    container = unit.container
    if unit.start or unit.end != len(container) or container.get("lang") is not None:
        return False
    return container not in outside if outside is not None else _in_body(container)


def _outside_body(root: Any) -> set[Any] | None:
    """The elements :func:`_in_body` says no to (the root and the head, most often), when all of them are
    the root and the root's children other than <body> with everything inside them; None when a <body>
    is elsewhere (then ask _in_body)."""
    if root.tag == "body":
        return None
    outside = {root}
    for child in root:
        if child.tag != "body":
            if next(child.iter("body"), None) is not None:
                return None
            outside.update(child.iter())
    return outside


def _run_points(unit: TextUnit) -> tuple[Point, Point]:
    """Where the unit's run starts and ends: its lead text, and children[start:end] with their tails."""
    container, start, end = unit.container, unit.start, unit.end
    begin: Point = (container, AFTER_START) if start == 0 else (container[start - 1], BEFORE_TAIL)
    if end > start:
        return begin, (container[end - 1], AFTER_TAIL)
    return begin, ((container, AFTER_TEXT) if start == 0 else (container[start - 1], AFTER_TAIL))


def _kept_tails(links: Any) -> str:
    """The text after removed links that _remove_keeping_tail keeps (escaped: the head is not raw text)."""
    return "".join(escape_text(e.tail) for e in links if e.tail and e.tail.strip())


def _changed(items: list[tuple[str, str]], values: dict[str, str]) -> list[tuple[str, str]]:
    """Attribute items after ``element.set(name, value)`` for each of ``values``: in place, or added last
    (a dict keeps a key's first position; an element's attribute names are unique)."""
    return list({**dict(items), **values}.items())


def _mark_fallbacks(page: ParsedPage, units: list[TextUnit]) -> None:
    """A block left entirely in the source language says so, for screen readers and search engines."""
    source_lang = page.tree.getroot().get("lang") or page.language
    for unit in units:
        if _may_mark(unit, None):
            unit.container.set("lang", source_lang)


TEXT_ONLY = frozenset({"title", "option", "optgroup", "textarea"})


def _text_only(page: ParsedPage) -> set[Any]:
    """The elements whose content is text only, and everything in them: a <span> there would show as literal text.

    (One look for the few such elements per page, rather than each unit's ancestors.)
    """
    return {node for element in page.tree.getroot().iter(*TEXT_ONLY) for node in element.iter()}


def _in_body(element: Any) -> bool:
    return element.tag == "body" or next(element.iterancestors("body"), None) is not None  # (tags matched in C)


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
