"""Parse an article and walk it into translation units; one walker serves extraction and build.

The walker finds *units*: runs of text and inline markup inside block
elements, and translatable attributes. A text unit is split into segments
(sentences by default). Extraction reads the segments' msgids; the build
walks the same tree the same way and splices translations back into the
units, so the two can never disagree on where a segment starts and ends.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import accumulate, starmap
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from lxml import etree

from ..config import Config, primary_language
from ..errors import SourceError
from .inline import PLACEHOLDER, Atomic, Paired, Piece, Placeholder, new_placeholder, normalize_spaces
from .sentences import ATOMIC, CLOSE, OPEN, sentence_spans

EXTRACTOR_VERSION = "3"  # bump whenever extraction or catalog layout changes

# Elements that flow inside a line of text; everything else is a block.
PHRASING = frozenset(
    "a abbr acronym audio b bdi bdo big blink br button canvas cite code data del dfn em embed "
    "font i iframe img input ins kbd label map mark meter nobr noscript object output picture "
    "progress q rp rt ruby s samp script select slot small span strike strong sub sup svg math "
    "template textarea time tt u var video wbr".split()
)
# Inline elements that are always one opaque placeholder, whatever they contain.
OPAQUE = frozenset(
    "audio br canvas code embed iframe img input kbd map math meter noscript object picture "
    "progress samp script select style svg template textarea video wbr".split()
)
# Blocks whose content is never translated. The raw-text elements (xmp, noembed, noframes,
# plaintext, iframe) are among them: their text is written unescaped, so a translation there
# could close the element and open a <script>.
UNTRANSLATABLE = frozenset(
    "script style code pre svg math template textarea noscript xmp noembed noframes plaintext iframe".split()
)

# Attributes translated on any element, with the kind shown to translators.
TEXT_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "summary", "label")
BUTTON_INPUTS = frozenset({"button", "submit", "reset"})
META_NAMES = frozenset(
    "description keywords og:title og:description og:site_name og:image:alt "
    "twitter:title twitter:description twitter:image:alt".split()
)
NOTE_ATTRIBUTES = ("its-loc-note", "data-translator-note")
# The attributes _Walker.state_of reads ("xml:lang" as the HTML parser names it, too), and
# every attribute _translatable_attributes may take a unit from: elements with none skip both.
_STATE_ATTRIBUTES = frozenset(
    ("translate", "class", "lang", "xml:lang", "{http://www.w3.org/XML/1998/namespace}lang", *NOTE_ATTRIBUTES)
)
_STATE_BUT_CLASS = _STATE_ATTRIBUTES - {"class"}
_UNIT_ATTRIBUTES = frozenset((*TEXT_ATTRIBUTES, "content", "value"))

LETTER = re.compile(r"[^\W\d_]")
LETTER_OR_DIGIT = re.compile(r"[^\W_]")
URLISH = re.compile(r"^\s*(?:(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|[\w-]+(?:\.[\w-]+)+/\S*)\s*$")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
UNSHOWABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
BIDI_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
PDF, PDI = "\u202c", "\u2069"


# --------------------------------------------------------------------------- parsing


@dataclass
class ParsedPage:
    """A parsed article: the lxml tree plus what serialising it back needs."""

    tree: Any
    encoding: str
    language: str
    declared_language: bool
    trailing_newline: bool = True


def decode_html(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode source bytes honouring a BOM or ``<meta charset>``; UTF-8 otherwise.

    Returns (text, encoding name). Refuses empty, binary and undecodable files
    with a one-line error naming the file.
    """
    if not data or data.isspace():  # (what strip() would leave nothing of, without its copy)
        raise SourceError(f"{path}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16", path, True), "us-ascii"
    data = data.removeprefix(b"\xef\xbb\xbf")
    if data.find(b"\x00", 0, 8192) >= 0:  # (no copies of the first bytes)
        raise SourceError(f"{path}: binary file, not HTML")
    declared = CHARSET.search(data, 0, 4096)
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    text = _decode(data, encoding, path, bool(declared))
    # Without a declared charset, output stays ASCII (non-ASCII as character
    # references) so that no browser default can garble it.
    return text, encoding if declared else "us-ascii"


def _decode(data: bytes, encoding: str, path: Path | str, declared: bool) -> str:
    try:
        "".encode(encoding)
    except LookupError as exc:
        raise SourceError(f"{path}: unknown charset '{encoding}' in <meta>") from exc
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "" if declared else " and declares no other charset"
        raise SourceError(f"{path}:{line}: not valid {encoding}{hint}") from exc


def parse_page(data: bytes, path: Path | str, default_language: str) -> ParsedPage:
    """Parse source bytes into a tree; the page language comes from ``<html lang>``."""
    text, encoding = decode_html(data, path)
    # (collect_ids: no table of the id attributes; nothing looks elements up by id, CSS "#x" selects by attribute)
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=False, remove_pis=False, huge_tree=True, collect_ids=False
    )
    try:
        root = etree.fromstring(_as_utf8(data, text, encoding), parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"{path}: cannot parse HTML: {exc}") from exc
    _refuse_truncated(parser, path)
    if root is None:
        raise SourceError(f"{path}: no HTML content")
    _empty_void_elements(root)
    declared = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    language = primary_language(declared) if declared else default_language
    return ParsedPage(root.getroottree(), encoding, language, bool(declared), text.endswith("\n"))


def _as_utf8(data: bytes, text: str, encoding: str) -> bytes:
    """``text.encode("utf-8")`` for ``decode_html(data) == (text, encoding)``: the bytes themselves
    (without a UTF-8 BOM) when they were decoded as UTF-8 or ASCII, as most pages are."""
    if encoding in ("us-ascii", "utf-8") and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.removeprefix(b"\xef\xbb\xbf")  # (a UTF-16 BOM also reports "us-ascii": encoded)
    return text.encode("utf-8")


def _empty_void_elements(root: Any) -> None:
    """Move what libxml2 put inside a void element (``<wbr>``, ``<source>``, ``<embed>`` …) after it.

    HTML void elements have no content; libxml2 nests the text that follows some
    of them inside, which would hide that text from translation.
    """
    tags = _fillable_void_tags()
    if not tags:  # (iter() without tags would give every element)
        return
    for element in [e for e in root.iter(*tags) if e.text or len(e)]:  # (iter picks the tags in C)
        parent = element.getparent()
        if parent is None:
            continue
        children = list(element)
        tail = element.tail
        element.tail, element.text = element.text, None
        position = parent.index(element)
        for offset, child in enumerate(children):
            parent.insert(position + 1 + offset, child)
        last = children[-1] if children else element
        last.tail = (last.tail or "") + (tail or "") or None


@cache
def _fillable_void_tags() -> tuple[str, ...]:
    """The void elements libxml2 can give content to (``<wbr>``, ``<source>`` …), found once by parsing each.

    libxml2 closes the void elements it knows (``<img>``, ``<meta>``, ``<br>`` …) as soon as they
    start, wherever they are; looking only for the others skips most void elements of a page.
    """
    contexts = (
        "<html><body><p>a<{0}>b<i>c</i></{0}>d</p><{0}>e<i>f</i>g</body></html>",
        "<html><head><{0}>b<i>c</i></{0}>d</head><body></body></html>",
        "<html><body><table><tr><td><{0}>b<i>c</i>x</td></tr></table><select><{0}>q</select></body></html>",
    )
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False, huge_tree=True)
    return tuple(
        tag
        for tag in sorted(VOID)
        if any(
            e.text or len(e)
            for context in contexts
            for e in etree.fromstring(context.format(tag).encode(), parser).iter(tag)
        )
    )


def _refuse_truncated(parser: Any, path: Path | str) -> None:
    """libxml2 stops at a fatal error (e.g. nesting deeper than 2,048 elements) and keeps what
    it had: the rest of the page would silently vanish from every translation."""
    fatal = next((e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL), None)
    if fatal is not None:
        reason = fatal.message.strip()
        if "depth" in reason.lower():
            reason = "elements nested more than 2,048 levels deep (the HTML parser's limit)"
        raise SourceError(f"{path}:{fatal.line}: cannot parse HTML: {reason}")


VOID = frozenset(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param source track wbr".split()
)
RAW_TEXT = frozenset("script style xmp iframe noembed noframes plaintext".split())
XML_NAMESPACE = "{http://www.w3.org/XML/1998/namespace}"


def serialize_page(page: ParsedPage) -> bytes:
    """The tree as HTML in the source's own encoding (unencodable text as character references).

    Our own HTML5-style serialiser rather than libxml2's: libxml2 rewrites URL
    attributes (percent-escaping them, dropping leading blanks), which would
    make a translated page differ from its source in more than its text.
    """
    out: list[Any] = []
    _serialize_document(page, out)
    return encode_page("".join(out), page.encoding)


def _serialize_document(page: ParsedPage, out: list[Any], marks: _Marks | None = None) -> None:
    """Doctype, the root's sibling comments and the root, appended to ``out`` (see :func:`_serialize`)."""
    if page.tree.docinfo.doctype:
        out.append(page.tree.docinfo.doctype + "\n")
    root = page.tree.getroot()
    before = []
    node = root.getprevious()
    while node is not None:
        before.append(node)
        node = node.getprevious()
    for node in reversed(before):  # only comments and processing instructions can be the root's siblings
        out.append(_leaf(node))
        out.append("\n")
    _serialize(root, out, marks)
    node = root.getnext()
    while node is not None:
        out.append("\n")
        out.append(_leaf(node))
        node = node.getnext()
    if page.trailing_newline:
        out.append("\n")


def encode_page(text: str, encoding: str) -> bytes:
    """A page's text in its encoding, what the encoding cannot hold as character references."""
    try:
        return text.encode(encoding, errors="xmlcharrefreplace")
    except LookupError:
        return text.encode("utf-8")


def _nested(call: Iterator[Any]) -> None:
    """Run a tree walk written as generators that yield their sub-calls, with an explicit stack.

    Python recursion stops near 1,000 levels; a page may nest 2,048 (libxml2's limit).
    """
    stack = [call]
    while stack:
        inner = next(stack[-1], None)
        if inner is None:
            stack.pop()
        else:
            stack.append(inner)


_EVENTS = ("start", "end", "comment", "pi")


BEFORE_START, AFTER_START, AFTER_TEXT, BEFORE_END, BEFORE_TAIL, AFTER_TAIL = range(6)  # the points of a node
Point = tuple[Any, int]  # a node and one of its points


@dataclass
class StartHole:
    """An element's start tag in a :class:`PagePlan`: a build may change the element's attributes."""

    element: Any
    static: str = ""  # the source's own start tag (filled in by _serialize)


@dataclass
class _Marks:
    """What :func:`_serialize` looks out for, and where in its output it found it."""

    holes: dict[Any, StartHole]  # elements whose start tag is a StartHole
    points: dict[Any, list[int]] = field(default_factory=dict)  # nodes whose points to record
    contents: dict[Any, Any] = field(default_factory=dict)  # elements whose content to leave out, by region key
    hole_at: list[int] = field(default_factory=list)
    content_at: list[tuple[int, Any, str]] = field(default_factory=list)  # (position, element, its start tag)


def _serialize(root: Any, out: list[Any], marks: _Marks | None = None) -> None:
    """Append an element and everything inside it (not its tail) to ``out``.

    One pass of lxml's ``iterwalk`` (a loop in C, so a page nested 2,048 deep
    needs no Python recursion). Entity-reference nodes, which libxml2's HTML
    parser never makes, would be skipped. The text inside a raw-text element
    (``<script>``…) is written as it is.

    With ``marks`` (see :func:`plan_page`), also what they ask for: each StartHole (its ``static`` filled in) in
    place of its element's start tag, at the positions in ``out`` added to ``hole_at``; the content of
    each element of ``contents`` and its start tag left out, its position added to ``content_at``; and the
    positions of the six points (BEFORE_START … AFTER_TAIL) of each node of ``points`` added to its list (a
    comment's AFTER_START, AFTER_TEXT and BEFORE_END are its BEFORE_START; -1 for those of an element of
    ``contents``)."""
    append = out.append
    if marks is None:
        marks = _Marks({})
    holes, points, contents = marks.holes, marks.points, marks.contents
    special = holes.keys() | points.keys() | contents.keys()  # (usually a few nodes of the page, or none)
    open_tags: list[str] = []
    walk = etree.iterwalk(root, events=_EVENTS)
    for event, node in walk:
        if event == "start":
            tag = node.tag
            items = node.items()
            start = start_tag(tag, items) if items else f"<{tag}>"
            open_tags.append(tag)
            if node not in special:
                append(start)
                text = node.text
                if text:
                    append(text if tag in RAW_TEXT else escape_text(text))
                continue
            mark = points.get(node)
            if mark is not None:
                mark.append(len(out))
            if node in contents:  # (its start tag goes with its content, into the region)
                marks.content_at.append((len(out), node, start))
                walk.skip_subtree()  # (straight to its end event)
                if mark is not None:
                    mark.extend((-1, -1))  # (nor AFTER_TEXT nor BEFORE_END: a region there would overlap, see plan_page)
                continue
            hole = holes.get(node)
            if hole is not None:
                hole.static = start
                marks.hole_at.append(len(out))
                append(hole)
            else:
                append(start)
            if mark is not None:
                mark.append(len(out))
            text = node.text
            if text:
                append(text if tag in RAW_TEXT else escape_text(text))
            if mark is not None:
                mark.append(len(out))
            continue
        mark = points.get(node) if node in special else None
        if event == "end":
            tag = open_tags.pop()
            if mark is not None:
                mark.append(-1 if node in contents else len(out))
            if tag not in VOID or node.text or len(node):
                append(f"</{tag}>")
        else:
            if mark is not None:
                mark.extend((len(out),) * 4)
            append(_leaf(node))
        if mark is not None:
            mark.append(len(out))
        tail = node.tail
        if tail and open_tags:
            append(tail if open_tags[-1] in RAW_TEXT else escape_text(tail))
        if mark is not None:
            mark.append(len(out))


@dataclass
class Region:
    """A stretch of a :class:`PagePlan` a build may replace. ``pieces`` are the source's own
    serialisation (str | StartHole). For an element's start tag and content (``content``, ``start``),
    the region's source is the start tag as this build has it and the pieces of the content, made
    when first asked for."""

    key: Any
    pieces: list[Any] | None
    content: Any = None  # the element whose start tag and content the region is
    start: str = ""  # its start tag in the source
    holes: dict[Any, StartHole] | None = None  # the page's (for the content's pieces)

    def source(self, starts: dict[Any, str]) -> str:
        """The source's serialisation, with the start tags a build changed (``starts``)."""
        pieces = self.pieces
        if pieces is None:
            pieces = self.pieces = _content_pieces(self.content, self.holes or {})
        if len(pieces) == 1 and pieces[0].__class__ is str:
            text = pieces[0]
        else:
            text = "".join(p if p.__class__ is str else starts.get(p.element) or p.static for p in pieces)
        if self.content is None:
            return text
        return (starts.get(self.content) or self.start) + text


def _content_pieces(element: Any, holes: dict[Any, StartHole], end_tag: bool = False) -> list[Any]:
    """An element's content (its text and children with their tails), serialised with StartHoles;
    with ``end_tag``, and its end tag (when it has one: see :func:`_serialize`)."""
    out: list[Any] = []
    marks = _Marks(holes)
    _serialize(element, out, marks)
    hole_at = [at for at in marks.hole_at if at]  # (not the element's own start tag)
    # (a void element has no end tag when empty)
    end = len(out) - 1 if not end_tag and out[-1] == f"</{element.tag}>" else len(out)
    return _Cutter(out, hole_at).pieces(1, end)


@dataclass
class PagePlan:
    """A page serialised once, with holes where what a build writes can differ from the source.

    ``parts`` is the page's text, with "" for each region (``regions`` are (index in parts,
    region) in document order) and the source's own start tags; ``start_at`` says where
    those are. Every language fills the regions, replaces the start tags it changes, and
    joins: nothing is changed in the tree, so nothing is put back.
    """

    parts: list[str]
    regions: list[tuple[int, Region]]
    start_at: dict[Any, int]  # where the start tags not inside a region are, by element
    encoding: str
    start_holes: dict[Any, StartHole]


def plan_page(
    page: ParsedPage, starts: list[Any], regions: list[tuple[Any, Point, Point]], contents: dict[Any, Any]
) -> PagePlan | None:
    """The page serialised with a :class:`StartHole` for each element of ``starts``, a :class:`Region`
    for each (key, from, to) of ``regions`` and for the start tag and content of each element of
    ``contents`` (its key, by element; the content is not serialised until a build asks); None when
    regions overlap (content left out inside content left out included)."""
    marks = _Marks({element: StartHole(element) for element in starts}, contents=contents)
    for _, (first, _), (last, _) in regions:
        marks.points[first] = []
        marks.points[last] = []
    out: list[Any] = []
    _serialize_document(page, out, marks)
    points = marks.points
    if any(len(found) != 6 for found in points.values()) or len(marks.content_at) != len(contents):
        return None  # (a node inside content left out: its region would overlap that content, or be lost)
    spans = [(points[first][begin], points[last][end], key, None) for key, (first, begin), (last, end) in regions]
    spans += [(at, at, contents[element], (element, start)) for at, element, start in marks.content_at]
    spans.sort(key=lambda span: span[:2])
    plan = PagePlan([], [], {}, page.encoding, marks.holes)
    cut = _Cutter(out, marks.hole_at)
    position = 0
    after_content = False  # (content left out at ``position``: a region starting there would hold it)
    for begin, end, key, content in spans:
        if begin < position or end < begin or (after_content and begin == position):
            return None  # (overlapping regions; -1: a point inside content left out)
        _add_pieces(plan, cut.pieces(position, begin))
        region = Region(key, cut.pieces(begin, end)) if content is None else Region(key, None, *content, marks.holes)
        plan.regions.append((len(plan.parts), region))
        plan.parts.append("")
        position = end
        after_content = content is not None
    _add_pieces(plan, cut.pieces(position, len(out)))
    return plan


def _add_pieces(plan: PagePlan, pieces: list[Any]) -> None:
    parts = plan.parts
    for piece in pieces:
        if piece.__class__ is not str:
            plan.start_at[piece.element] = len(parts)
            piece = piece.static
        parts.append(piece)


class _Cutter:
    """Cuts a serialisation with StartHoles at known positions into strings and holes (joined in C)."""

    def __init__(self, out: list[Any], hole_at: list[int]) -> None:
        self.out = out
        self.hole_at = hole_at
        self.next = 0  # the first hole not cut yet

    def pieces(self, begin: int, end: int) -> list[Any]:
        """out[begin:end] (after every earlier cut), consecutive strings joined into one."""
        out, hole_at = self.out, self.hole_at
        result: list[Any] = []
        while self.next < len(hole_at) and hole_at[self.next] < end:
            at = hole_at[self.next]
            self.next += 1
            if at > begin:
                result.append("".join(out[begin:at]))
            result.append(out[at])
            begin = at + 1
        if begin < end or not result:
            result.append("".join(out[begin:end]))
        return result


def start_tag(tag: str, items: list[tuple[str, str]]) -> str:
    """``<tag name="value" flag>`` from an element's attribute items (the element has some)."""
    parts = ["<", tag]
    for name, value in items:
        if name.startswith(XML_NAMESPACE):
            name = "xml:" + name[len(XML_NAMESPACE):]
        parts.append(f' {name}="{_escape_attribute(value)}"' if value else f" {name}")
    parts.append(">")
    return "".join(parts)


def _leaf(node: Any) -> str:
    """A comment or processing instruction (without its tail)."""
    if node.tag is etree.Comment:
        return f"<!--{node.text or ''}-->"
    if node.tag is etree.PI:
        return f"<?{node.target} {node.text or ''}>"
    return ""


def escape_text(text: str) -> str:
    # A literal CR would be read back as LF (HTML's input-stream normalisation): keep it a reference.
    # (The test first: five scans that find nothing are much cheaper than five replaces that copy.)
    if "&" in text or "<" in text or ">" in text or "\xa0" in text or "\r" in text:
        return (
            text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")
            .replace("\r", "&#13;")
        )
    return text


def _escape_attribute(value: str) -> str:
    # < and > need no escaping in HTML5 attributes; escaping them anyway keeps
    # naive tools (regex sanitisers, old parsers) from seeing markup in a translation.
    if "&" in value or '"' in value or "<" in value or ">" in value or "\xa0" in value or "\r" in value:
        return (
            value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\xa0", "&nbsp;").replace("\r", "&#13;")
        )
    return value


# --------------------------------------------------------------------------- units


Token = tuple[str, Any]  # ("text", str) | ("open", el) | ("close", el) | ("atom", node)


@dataclass
class SegmentSlice:
    """One segment of a text unit: its tokens, placeholders and msgid."""

    tokens: list[Token]
    placeholders: dict[int, Placeholder]
    msgid: str
    line: int


@dataclass
class TextUnit:
    """A run of text and inline nodes inside ``container``: children[start:end] plus leading text."""

    container: Any
    start: int
    end: int
    kind: str
    notes: tuple[str, ...]
    lead: list[Token]
    segments: list[SegmentSlice]
    gaps: list[str]
    trail: list[Token]


@dataclass
class AttributeUnit:
    """One translatable attribute value."""

    element: Any
    attribute: str
    kind: str
    notes: tuple[str, ...]
    msgid: str
    line: int


Unit = TextUnit | AttributeUnit


@dataclass(frozen=True)
class WalkOptions:
    """What the walker needs besides the tree."""

    language: str
    segmentation: str = "sentence"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Config) -> WalkOptions:
        """The project's settings; the page's own language replaces ``language`` once it is parsed."""
        return cls(config.source_language, config.segmentation, config.include, config.exclude)


@dataclass
class _State:
    """Inherited translatability while descending the tree (never modified once made)."""

    translate: bool = True
    language_ok: bool = True
    included: bool = True
    excluded: bool = False
    notes: tuple[str, ...] = ()
    active: bool = field(init=False, repr=False)  # asked for every element: computed once

    def __post_init__(self) -> None:
        self.active = self.translate and self.language_ok and self.included and not self.excluded


@dataclass
class _Walker:
    options: WalkOptions
    included: frozenset[Any] = frozenset()
    excluded: frozenset[Any] = frozenset()
    units: list[Unit] = field(default_factory=list)
    pending_attributes: list[tuple[Any, _State]] = field(default_factory=list)
    # Extraction (see :func:`extract`): each unit's segments go here, as Segments, not ``units``: no unit and
    # no Placeholder is made, and segment slices are dropped at once (only the build reads those).
    segments: list[Segment] | None = None
    selective: bool = field(init=False)  # whether include/exclude selectors picked any element

    def __post_init__(self) -> None:
        self.selective = bool(self.included or self.excluded)

    # -- element state ------------------------------------------------------

    def state_of(self, element: Any, parent: _State, keys: list[str]) -> _State:
        """The state of `element`; `keys` are its attribute names (``element.keys()``: the callers have them)."""
        if not self.selective or (element not in self.included and element not in self.excluded):
            # Most elements: no attribute that could change the state (states are never modified once made).
            if _STATE_ATTRIBUTES.isdisjoint(keys):  # (most: no set to make)
                return parent
            if _STATE_BUT_CLASS.isdisjoint(keys) and "notranslate" not in element.get("class"):  # (class only)
                return parent
        return self._read_state(element, parent)

    def _read_state(self, element: Any, parent: _State) -> _State:
        """state_of without its early answers: every attribute that can change the state read, a new state made."""
        translate, language_ok, notes = parent.translate, parent.language_ok, parent.notes
        value = (element.get("translate") or "").strip().lower()
        if value == "no":
            translate = False
        elif value == "yes":
            translate = True
        if "notranslate" in (element.get("class") or "").split():
            translate = False
        lang = element.get("lang")
        if lang is None:
            lang = element.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang is not None:
            language_ok = bool(lang.strip()) and primary_language(lang) == self.options.language
        included = True if element in self.included else parent.included
        excluded = True if element in self.excluded else parent.excluded
        note = next((element.get(name) for name in NOTE_ATTRIBUTES if element.get(name)), None)
        if note:
            notes = (*notes, normalize_spaces(note).strip())
        return _State(translate, language_ok, included, excluded, notes)

    def is_inline(self, node: Any) -> bool:
        tag = node.tag  # lxml makes a new string at each access
        if not isinstance(tag, str):
            return not _is_switch_comment(node)
        if tag not in PHRASING:
            return False
        if tag in OPAQUE or not len(node):  # (most inline elements hold only text)
            return True
        return not any(
            isinstance(d.tag, str) and d.tag not in PHRASING for d in node.iterdescendants()
        )

    # -- walking -------------------------------------------------------------

    def walk(self, element: Any, parent_state: _State) -> None:
        """Collect the units of a block element and its descendants, in document order.

        The blocks being walked wait on an explicit stack, not Python's (which stops
        near 1,000 levels; a page may nest 2,048), and without a generator per block.
        A frame is [block, state, children, next child to look at, start of the
        current run of inline children, whether a translate:off switch is in force];
        a block without children, or with inline children only, needs none (see _enter_block).
        """
        stack: list[list[Any]] = []
        self._enter_block(element, element.tag, parent_state, stack)
        while stack:
            frame = stack[-1]
            block, state, children, index, start, switched_off = frame
            count = len(children)
            while index < count:
                child = children[index]
                index += 1
                tag = child.tag
                if tag.__class__ is str:  # (is_inline, with its usual answers read off the tag and length)
                    if tag in PHRASING and (tag in OPAQUE or not len(child) or self.is_inline(child)):
                        continue
                elif not _is_switch_comment(child):
                    continue
                # A run with no node and white space at most before it gives nothing: run() not called.
                lead = block.text if start == 0 else children[start - 1].tail
                if index - 1 > start or (lead and not lead.isspace()):
                    self.run(block, children, start, index - 1, state, switched_off, lead)
                start = index
                if tag.__class__ is not str:
                    switched_off = _is_switch_comment(child) == "off"
                    continue
                if switched_off:
                    child_state = _State(False, state.language_ok, state.included, state.excluded, state.notes)
                else:
                    child_state = state
                if self._enter_block(child, tag, child_state, stack):  # a frame: walk it before the rest
                    frame[3:] = index, start, switched_off
                    break
            else:  # no block child left: the last run, and this block is done
                lead = block.text if start == 0 else children[start - 1].tail
                if count > start or (lead and not lead.isspace()):
                    self.run(block, children, start, count, state, switched_off, lead)
                stack.pop()

    def _enter_block(self, element: Any, tag: Any, parent_state: _State, stack: list[list[Any]]) -> bool:
        """Start a block (``tag`` is its tag): its attribute units, and a frame to walk its children
        unless they are never translated or none is a block (their run made at once). Whether it pushed a frame."""
        keys = element.keys()  # (no attributes: neither state_of nor attribute_units has anything to do)
        state = self.state_of(element, parent_state, keys) if keys or self.selective else parent_state
        if keys and state.active and not _UNIT_ATTRIBUTES.isdisjoint(keys):  # (see attribute_units)
            self.attribute_units(element, state)
        if tag in UNTRANSLATABLE:
            return False
        if len(element):
            children = list(element)
            if not self._inline_only(children):
                stack.append([element, state, children, 0, 0, False])
                return True
            # Inline children only (most paragraphs): the one run walk() would find in its frame, without the frame.
            self.run(element, children, 0, len(children), state, False, element.text)
            return False
        # A block without children (most list items, headings, head elements): what walk() and run()
        # do with its frame and its one text, without them (no inline node: no attribute is pending).
        text = element.text
        if text and state.active and not text.isspace():
            self._add_plain_unit(element, None, 0, 0, text, state)
        return False

    def _inline_only(self, children: list[Any]) -> bool:
        """Whether walk() would find no block among ``children`` (its test, child by child) and no comment
        (a comment may switch translation off or on: those children get a frame)."""
        for child in children:
            tag = child.tag
            if tag.__class__ is not str or tag not in PHRASING:
                return False
            if not (tag in OPAQUE or not len(child) or self.is_inline(child)):
                return False
        return True

    def run(
        self, container: Any, children: list[Any], start: int, end: int, state: _State, switched_off: bool,
        lead_text: str | None,
    ) -> None:
        """Turn children[start:end] (and ``lead_text``, the text before them) into a text unit.

        ``children`` is ``list(container)``: indexing an lxml element is linear, a list is not.
        (The caller skips a run with no node and white space at most before it, and passes the text
        it read to know: lxml makes a new string at each read, a paragraph's text decoded again.)
        """
        before = children[start - 1] if start else None
        tokens: list[Token] = []
        if lead_text:
            tokens.append(("text", lead_text))
        for child in children[start:end]:
            if len(child):
                self.tokenize(child, state, tokens)
            else:  # (most inline nodes: what tokenize does with a node without children, without its stack)
                if self._open_node(child, state, tokens) is not None:
                    tokens.append(("close", child))
                tail = child.tail
                if tail:
                    tokens.append(("text", tail))
        attributes = self.pending_attributes
        if attributes:  # (most runs have none)
            self.pending_attributes = []
        if state.active and not switched_off:
            self.add_text_unit(container, before, start, end, tokens, state)
        for element, element_state in attributes:
            self.attribute_units(element, element_state)

    def tokenize(self, node: Any, state: _State, tokens: list[Token]) -> None:
        """Append the tokens of one inline node (and its tail); attributes become units.

        Inline elements may nest 2,048 deep too: the open ones wait on an explicit
        stack of (element, its state, iterator over its remaining children).
        """
        stack: list[tuple[Any, _State, Iterator[Any]]] = []
        while True:
            inner_state = self._open_node(node, state, tokens)
            if inner_state is not None and len(node):
                stack.append((node, inner_state, iter(node)))
            else:
                if inner_state is not None:
                    tokens.append(("close", node))
                tail = node.tail  # (lxml makes a new string at each access)
                if tail:
                    tokens.append(("text", tail))
            while stack:  # the next node: a child of the innermost open element, or close that element
                parent, state, children = stack[-1]
                node = next(children, None)
                if node is not None:
                    break
                stack.pop()
                tokens.append(("close", parent))
                tail = parent.tail
                if tail:
                    tokens.append(("text", tail))
            else:
                return

    def _open_node(self, node: Any, state: _State, tokens: list[Token]) -> _State | None:
        """Append a node's atom, or its opening tag and text; the state of its children (None for an atom)."""
        tag = node.tag  # (lxml makes a new string at each access: tag and text are read once)
        if tag.__class__ is not str:
            tokens.append(("atom", node))
            return None
        keys = node.keys()  # (no attributes: neither state_of nor attribute_units has anything to do)
        node_state = self.state_of(node, state, keys) if keys or self.selective else state
        if keys and node_state.active and not _UNIT_ATTRIBUTES.isdisjoint(keys):  # (see attribute_units)
            self.pending_attributes.append((node, node_state))
        text = node.text
        if self.is_opaque(node, tag, text, node_state):
            tokens.append(("atom", node))
            return None
        tokens.append(("open", node))
        if text:
            tokens.append(("text", text))
        return node_state

    def is_opaque(self, element: Any, tag: str, text: str | None, state: _State) -> bool:
        """Whether an inline element is one placeholder: opaque by kind, not translated, or no words inside."""
        if tag in OPAQUE or not state.active:
            return True
        inside = _text_inside(element) if len(element) else text or ""
        return not LETTER.search(inside) or _urlish(inside)

    def add_text_unit(
        self, container: Any, before: Any, start: int, end: int, tokens: list[Token], state: _State
    ) -> None:
        if len(tokens) == 1 and tokens[0][0] == "text":
            self._add_plain_unit(container, before, start, end, tokens[0][1], state)
        else:
            self._add_unit(container, before, start, end, tokens, state)

    def _add_plain_unit(self, container: Any, before: Any, start: int, end: int, text: str, state: _State) -> None:
        """What :meth:`_add_unit` does for a run of one text (most headings, list items, captions):
        no markup to trim, unwrap, flatten or number."""
        value = text.strip(" \t\n\r\f")
        if not value or not LETTER_OR_DIGIT.search(value):
            return
        line = _line_of(container, before)
        head = len(text) - len(text.lstrip(" \t\n\r\f")) if len(value) < len(text) else 0
        if head:
            line += text.count("\n", 0, head)
        if self.segments is not None:  # (extraction needs no lead nor trail)
            self._extract_text(self.segments, container, value, line, state)
            return
        lead: list[Token] = [("text", text[:head])] if head else []
        rest = head + len(value)
        trail: list[Token] = [("text", text[rest:])] if rest < len(text) else []
        segments, gaps = _split([("text", value)], value, self.options, line)
        self._add(container, start, end, state, lead, segments, gaps, trail)

    def _add(
        self, container: Any, start: int, end: int, state: _State,
        lead: list[Token], segments: list[SegmentSlice], gaps: list[str], trail: list[Token],
    ) -> None:
        """A text unit (the build's; extraction makes its Segments in _extract_text and _extract_body)."""
        self.units.append(TextUnit(container, start, end, _kind(container), state.notes, lead, segments, gaps, trail))

    def _extract_text(self, extracted: list[Segment], container: Any, text: str, line: int, state: _State) -> None:
        """The Segments of :func:`_split`'s segments for a body of one text (most bodies; ``line``
        is where it starts): a Segment per sentence, without the SegmentSlices, tokens and gaps the build reads."""
        kind, notes, options = _kind(container), state.notes, self.options
        spans = _spans(text, options.language) if options.segmentation != "paragraph" else ()
        if len(spans) <= 1:
            extracted.append(_new_segment(normalize_spaces(text).strip(" "), kind, line, notes))
            return
        for piece, piece_line in _pieces(text, spans, line):
            extracted.append(_new_segment(normalize_spaces(piece).strip(" "), kind, piece_line, notes))

    def _extract_body(
        self, extracted: list[Segment], container: Any, body: list[Token], flat: str, line: int, state: _State
    ) -> None:
        """The Segments of :func:`_split`'s segments (msgids, lines) for a body with inline nodes
        (``flat`` flattened, see :func:`_flat`): a Segment per sentence, made as the body is cut, no placeholders."""
        kind, notes, options = _kind(container), state.notes, self.options
        spans = _spans(flat, options.language) if options.segmentation != "paragraph" else ()
        if len(spans) <= 1:
            extracted.append(_new_segment(_segment(body, line, flat, False).msgid, kind, line, notes))
            return
        _extract_cut(extracted, body, flat, spans, line, kind, notes)

    def _add_unit(
        self, container: Any, before: Any, start: int, end: int, tokens: list[Token], state: _State
    ) -> None:
        """Trim, unwrap and split a run's tokens into a text unit, if they hold a word or number."""
        line = _line_of(container, before)
        lead, body, trail = _trim(tokens)
        while body and body[0][0] == "open" and _is_wrapped(body):  # (most bodies start with a word)
            # One inline element wraps everything: translate its content, keep it whole.
            if lead:
                line += _flat_text(lead).count("\n")
            container = body[0][1]
            start, end = 0, len(container)
            lead, body, trail = _trim(body[1:-1])
        if not body:
            return
        flat = _flat(body)
        if not LETTER_OR_DIGIT.search(flat):  # the markers standing for inline nodes are neither
            return
        if lead:
            line += _flat_text(lead).count("\n")
        if self.segments is not None:  # extraction: the segments only
            if len(body) == 1 and body[0][0] == "text":
                self._extract_text(self.segments, container, flat, line, state)
            else:
                self._extract_body(self.segments, container, body, flat, line, state)
            return
        segments, gaps = _split(body, flat, self.options, line)
        self._add(container, start, end, state, lead, segments, gaps, trail)

    def attribute_units(self, element: Any, state: _State) -> None:
        """The units of an element's translatable attributes (callers look for _UNIT_ATTRIBUTES first)."""
        for attribute, kind in _translatable_attributes(element):
            value = element.get(attribute)
            msgid = normalize_spaces(value).strip()
            if LETTER.search(msgid) and not _urlish(msgid):
                line = element.sourceline or 0
                if self.segments is not None:  # extraction: the segment only
                    self.segments.append(_new_segment(msgid, kind, line, state.notes))
                else:
                    self.units.append(AttributeUnit(element, attribute, kind, state.notes, msgid, line))


def _is_switch_comment(node: Any) -> str | None:
    """``<!-- translate:off -->`` / ``<!-- translate:on -->`` switch translation for what follows."""
    if node.tag is not etree.Comment:
        return None
    text = (node.text or "").strip().lower().replace(" ", "")
    return {"translate:off": "off", "translate:on": "on"}.get(text)


def _translatable_attributes(element: Any) -> Iterator[tuple[str, str]]:
    tag = element.tag
    if tag == "meta":
        name = (element.get("name") or element.get("property") or "").strip().lower()
        if name in META_NAMES and element.get("content"):
            yield "content", f"meta {name}"
        return
    for attribute in TEXT_ATTRIBUTES:
        if element.get(attribute):
            yield attribute, f"{tag} {attribute}"
    if tag == "input" and (element.get("type") or "").lower() in BUTTON_INPUTS and element.get("value"):
        yield "value", "input value"


def _kind(container: Any) -> str:
    """What the translator is told the text is: the nearest block element's name."""
    element = container
    while element.tag in PHRASING and element.getparent() is not None:
        element = element.getparent()
    return element.tag


def _line_of(container: Any, before: Any) -> int:
    """Source line where a run starts after ``before`` (None: at the start of ``container``).

    lxml only records element start lines."""
    if before is None:
        return container.sourceline or 0
    if isinstance(before.tag, str):
        inside = _text_inside(before)
    else:  # a <!-- translate:on --> switch (lxml has no itertext for comments)
        inside = before.text or ""
    return (before.sourceline or 0) + inside.count("\n")


def _text_inside(element: Any) -> str:
    """All the text inside an element (itertext, in C); most have no children, only their own text."""
    if not len(element):
        return element.text or ""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def _flat_text(tokens: list[Token]) -> str:
    return "".join(value for kind, value in tokens if kind == "text")


def _trim(tokens: list[Token]) -> tuple[list[Token], list[Token], list[Token]]:
    """Split off white space, comments and processing instructions at both edges."""
    if tokens:  # most runs start and end with a word or an element (not a comment): nothing to split off
        (kind, value), (last_kind, last_value) = tokens[0], tokens[-1]
        first_kept = value[:1] not in " \t\n\r\f" if kind == "text" else value.tag.__class__ is str
        last_kept = last_value[-1:] not in " \t\n\r\f" if last_kind == "text" else last_value.tag.__class__ is str
        if first_kept and last_kept:
            return [], tokens, []  # (callers pass a list of their own: it needs no copy)
    return _trim_edges(tokens)


def _trim_edges(tokens: list[Token]) -> tuple[list[Token], list[Token], list[Token]]:
    """_trim, both edges looked at token by token."""
    tokens = list(tokens)
    lead: list[Token] = []
    trail: list[Token] = []
    while tokens:
        kind, value = tokens[0]
        if kind == "atom" and not isinstance(value.tag, str):
            lead.append(tokens.pop(0))
        elif kind == "text" and value[:1] in " \t\n\r\f":  # (a text starting with anything else stays whole)
            stripped = value.lstrip(" \t\n\r\f")
            if not stripped:
                lead.append(tokens.pop(0))
            else:
                lead.append(("text", value[: len(value) - len(stripped)]))
                tokens[0] = ("text", stripped)
        else:
            break
    while tokens:
        kind, value = tokens[-1]
        if kind == "atom" and not isinstance(value.tag, str):
            trail.insert(0, tokens.pop())
        elif kind == "text" and value[-1:] in " \t\n\r\f":
            stripped = value.rstrip(" \t\n\r\f")
            if not stripped:
                trail.insert(0, tokens.pop())
            else:
                trail.insert(0, ("text", value[len(stripped) :]))
                tokens[-1] = ("text", stripped)
        else:
            break
    return lead, tokens, trail


def _is_wrapped(tokens: list[Token]) -> bool:
    """True when one inline element wraps the whole body: its markup adds nothing to translate."""
    if len(tokens) < 2 or tokens[0][0] != "open" or tokens[-1][0] != "close":
        return False
    if tokens[0][1] is not tokens[-1][1]:
        return False
    depth = 0
    for kind, _ in tokens[:-1]:
        depth += kind == "open"
        depth -= kind == "close"
        if depth == 0:
            return False
    return True


def _split(body: list[Token], flat: str, options: WalkOptions, line: int) -> tuple[list[SegmentSlice], list[str]]:
    """Split a unit's body into sentence segments (or keep it whole) and the white space between.

    ``flat`` is the body flattened (see :func:`_flat`). (Extraction, which needs the
    segments' msgids and lines only, has its own: _Walker._extract_text and _extract_body.)
    """
    if options.segmentation == "paragraph":
        return [_segment(body, line, flat)], []
    spans = _spans(flat, options.language)
    if len(spans) <= 1:
        return [_segment(body, line, flat)], []
    if len(body) == 1 and body[0][0] == "text":
        return _split_text(flat, spans, line)
    return _cut(body, flat, spans, line)


def _split_text(text: str, spans: Sequence[tuple[int, int]], line: int) -> tuple[list[SegmentSlice], list[str]]:
    """What _split's general path gives for a body of one text token (most bodies): the spans cut the string."""
    segments = [
        SegmentSlice([("text", piece)], {}, normalize_spaces(piece).strip(" "), piece_line)
        for piece, piece_line in _pieces(text, spans, line)
    ]
    gaps = [text[end:start] for (_, end), (start, _) in zip(spans, spans[1:])]
    return segments, gaps


def _pieces(text: str, spans: Sequence[tuple[int, int]], line: int) -> list[tuple[str, int]]:
    """Each span's text and the line it starts on (``line``: where the first span starts); only the
    white space between spans holds line breaks besides the spans themselves."""
    pieces: list[tuple[str, int]] = []
    lines = "\n" in text  # (most texts have none: nothing to count)
    previous_end = spans[0][0]
    for start, end in spans:
        if lines:
            line += text.count("\n", previous_end, start)
        piece = text[start:end]
        pieces.append((piece, line))
        if lines:
            line += piece.count("\n")
        previous_end = end
    return pieces


def _flat(tokens: list[Token]) -> str:
    """The tokens as one string for the sentence splitter: texts as they are, a marker for each node."""
    if len(tokens) == 1 and tokens[0][0] == "text":
        return tokens[0][1]  # most bodies: plain text
    return "".join(starmap(_MARKERS.get, tokens))  # (a text is its own piece: "text" is no key, get gives it back)


def _token_starts(tokens: list[Token]) -> list[int]:
    """Where each token starts in :func:`_flat`'s string (only bodies cut in several segments need them)."""
    starts = list(accumulate(map(len, starmap(_MARKERS.get, tokens)), initial=0))  # (loops in C)
    starts.pop()  # (the total length)
    return starts


_MARKERS = {"open": OPEN, "close": CLOSE, "atom": ATOMIC}


def _spans(flat: str, language: str) -> tuple[tuple[int, int], ...]:
    """The sentences of a flattened body (see :func:`_flat`); those of short bodies remembered.

    Navigation, headings, footers and footnotes repeat from page to page. A body longer than
    _REMEMBERED_LENGTH is the article's own text, which seldom does: hashing it for the cache and
    keeping it there cost more than its rare repeats save (extraction -1% on the bench corpus).
    """
    if len(flat) > _REMEMBERED_LENGTH:
        return _split_spans(flat, language)
    return _remembered_spans(flat, language)


_REMEMBERED_LENGTH = 300


def _split_spans(flat: str, language: str) -> tuple[tuple[int, int], ...]:
    return tuple(_depth_zero(sentence_spans(flat, language), flat))


# The last 512 short bodies: bounded (memory stays flat however many pages a run reads), and no node held.
_remembered_spans = lru_cache(maxsize=512)(_split_spans)


def _depth_zero(spans: list[tuple[int, int]], flat: str) -> list[tuple[int, int]]:
    """Merge spans whose boundary falls inside an inline element (the splitter must not, but be safe)."""
    if OPEN not in flat:
        return list(spans)
    merged: list[tuple[int, int]] = []
    depth = counted = 0  # the depth at ``counted`` (spans come in order: each count goes on from the last)
    for start, end in spans:
        depth += flat.count(OPEN, counted, start) - flat.count(CLOSE, counted, start)  # (C speed)
        counted = start
        if merged and depth:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _cut(
    body: list[Token], flat: str, spans: Sequence[tuple[int, int]], line: int
) -> tuple[list[SegmentSlice], list[str]]:
    """The segment of each span (its tokens numbered, see :func:`_segment`) and the white space between.

    One forward pass over the tokens: a span's tokens are those that overlap it
    (text tokens clipped to it); a span inside one text token is a plain segment.
    The gap before a span is white space, all of it text (sentence_spans' gaps are),
    so it is the flat string's slice; a gap that held a marker would be the text of
    the tokens it overlaps. ``line`` is where the body starts.
    """
    bounds = [*_token_starts(body), len(flat)]
    segments: list[SegmentSlice] = []
    gaps: list[str] = []
    index = 0  # first token that ends after the current span's start
    previous_end = 0
    lines = "\n" in flat  # (the gaps and segments are its text: without a line break, no line to count)
    for start, end in spans:
        if segments:
            gap = flat[previous_end:start]
            if not gap.isspace() and _MARKER_CHARS.search(gap):  # (markers are not white space)
                first = index
                while bounds[first + 1] <= previous_end:
                    first += 1
                gap = _flat_text(_overlapping(body, bounds, first, previous_end, start))
            gaps.append(gap)
            if lines:
                line += gap.count("\n")
        while bounds[index + 1] <= start:
            index += 1
        text = flat[start:end]
        if end <= bounds[index + 1] and start < end and body[index][0] == "text":  # (most spans: one text's slice)
            # (what _segment makes of one text, without the call)
            segments.append(SegmentSlice([("text", text)], {}, normalize_spaces(text).strip(" "), line))
        else:
            segments.append(_segment(_overlapping(body, bounds, index, start, end), line, text))
        if lines:
            line += text.count("\n")
        previous_end = end
    return segments, gaps


def _extract_cut(
    extracted: list[Segment], body: list[Token], flat: str, spans: Sequence[tuple[int, int]], line: int,
    kind: str, notes: tuple[str, ...],
) -> None:
    """The Segments of :func:`_cut`'s segments (msgids, lines; no placeholders): each span's Segment
    appended as the one forward pass reaches it, with no SegmentSlice made to be read once.

    A gap is read only to count its lines; the markers it may hold are no line breaks, so it is
    counted in the flat string itself (``_cut`` counts the text of the tokens it overlaps: the same).
    """
    bounds = [*_token_starts(body), len(flat)]
    index = 0  # first token that ends after the current span's start
    for (start, end), (text, piece_line) in zip(spans, _pieces(flat, spans, line)):
        while bounds[index + 1] <= start:
            index += 1
        if end <= bounds[index + 1] and start < end and body[index][0] == "text":  # (most spans: one text's slice)
            msgid = normalize_spaces(text).strip(" ")
        else:
            msgid = _segment(_overlapping(body, bounds, index, start, end), piece_line, text, False).msgid
        extracted.append(_new_segment(msgid, kind, piece_line, notes))


def _overlapping(body: list[Token], bounds: list[int], first: int, start: int, end: int) -> list[Token]:
    """The tokens overlapping flat[start:end], text tokens clipped to it.

    ``first`` is the first token that ends after ``start``."""
    tokens: list[Token] = []
    count = len(body)
    position = first
    while position < count and bounds[position] < end:
        token = body[position]
        position += 1
        if token[0] == "text":
            lo, hi = start - bounds[position - 1], end - bounds[position - 1]
            if lo > 0 or hi < len(token[1]):
                token = ("text", token[1][max(lo, 0) : hi])
                if not token[1]:
                    continue
        tokens.append(token)
    return tokens


_MARKER_CHARS = re.compile(f"[{OPEN}{CLOSE}{ATOMIC}]")


def _urlish(text: str) -> bool:
    """Whether the text is a URL or an e-mail address (URLISH), looked for only when it may be one."""
    return _may_be_url(text) and URLISH.match(text) is not None


def _may_be_url(text: str) -> bool:
    """False when URLISH cannot match: each of its forms holds a ".", "@" or ":" (most texts hold none)."""
    return "." in text or "@" in text or ":" in text


def _segment(tokens: list[Token], line: int, flat: str, with_placeholders: bool = True) -> SegmentSlice:
    """Number the placeholders of a segment from 1 and render its msgid.

    A number whose token the source text itself spells out (``&lt;b1&gt;``) is
    skipped, so a msgid never has two meanings for one token. ``flat`` is the
    segment flattened (see :func:`_flat`): without a "<" it spells out none.
    Without ``with_placeholders`` (extraction), no Placeholder is made; the numbers and the msgid are the same.
    """
    if len(tokens) == 1 and tokens[0][0] == "text":  # most segments: plain text
        return SegmentSlice(tokens, {}, normalize_spaces(tokens[0][1]).strip(" "), line)
    placeholders: dict[int, Placeholder] = {}
    labels: dict[Any, str] = {}  # each node's placeholder name and number ("b1"), by node
    parts: list[str] = []
    literal = _literal_numbers(tokens) if "<" in flat else ()
    number = 0
    previous = ""  # the kind of the token before
    touching = False  # whether two texts touch (never from the walker: a node lies between)
    for kind, value in tokens:
        if kind == "text":
            if previous == "text":
                touching = True
            parts.append(value)
            previous = kind
            continue
        previous = kind
        label = labels.get(value)  # (an lxml node is its own key: one proxy per node while referenced)
        if label is None:
            number += 1
            while number in literal:
                number += 1
            tag = value.tag
            name = tag if tag.__class__ is str else _node_name(value)
            if with_placeholders:
                placeholders[number] = new_placeholder(number, name, kind != "atom", value)
            label = labels[value] = f"{name}{number}"
        # Placeholder.open_text, close_text and atomic_text, without the property calls:
        if kind == "open":
            parts.append(f"<{label}>")
        elif kind == "close":
            parts.append(f"</{label}>")
        else:
            parts.append(f"<{label}/>")
    # Each text normalised on its own; placeholders hold no white space, so unless two texts touch
    # no run of white space spans two parts, and one normalisation of the whole does the same.
    msgid = "".join(map(normalize_spaces, parts)) if touching else normalize_spaces("".join(parts))
    return SegmentSlice(tokens, placeholders, msgid.strip(" "), line)


def _literal_numbers(tokens: list[Token]) -> set[int]:
    """Numbers that placeholder-like text in the segment already uses (almost always none)."""
    text = "".join(value for kind, value in tokens if kind == "text")
    if "<" not in text:
        return set()
    return {int(m.group(3)) for m in PLACEHOLDER.finditer(text)}


def _node_name(node: Any) -> str:
    return "comment" if node.tag is etree.Comment else "pi"


# --------------------------------------------------------------------------- public walking API


def _selected(tree: Any, selectors: tuple[str, ...]) -> frozenset[Any]:
    if not selectors:
        return frozenset()
    from lxml.cssselect import CSSSelector  # (imported only by projects with include/exclude: 4 ms)

    found: set[Any] = set()
    for selector in selectors:
        found.update(CSSSelector(selector, translator="html")(tree))
    return frozenset(found)


def walk_units(page: ParsedPage, options: WalkOptions) -> list[Unit]:
    """Every translation unit of the page, in document order."""
    return _walk(page, options).units


def _walk(page: ParsedPage, options: WalkOptions, segments: list[Segment] | None = None) -> _Walker:
    """The walker that walked the page (see ``_Walker.segments``)."""
    root = page.tree.getroot()
    walker = _Walker(options, _selected(root, options.include), _selected(root, options.exclude), segments=segments)
    base = _State(included=not options.include)
    for child in root:
        if not isinstance(child.tag, str):
            continue
        state = base
        if child.tag == "head":
            state = _State()
        walker.walk(child, state)
    return walker


@dataclass
class WalkedPage:
    """A page parsed and walked once, to be built in several languages.

    The walk (sentence splitting included) is most of the work of building a
    page and the same for every language. Each use but the last gets its own
    copy of the tree (made in C by libxml2, doctype and the root's sibling
    comments included, before any use changed the tree) with the units moved
    over to it, node for node; the last use gets the walked page itself. A use built by concatenation (see
    ``build._RenderPlan``, kept in ``plan``) changes nothing and only counts itself.
    """

    page: ParsedPage
    units: list[Unit]
    uses: int
    plan: Any = None  # the build's render plan, made at the first use that wants one (False: none fits)

    def next_use(self) -> tuple[ParsedPage, list[Unit]]:
        """A page to change, and its units."""
        self.uses -= 1
        if self.uses <= 0:
            return self.page, self.units
        page = _moved(self.page, tree=copy.deepcopy(self.page.tree))  # cheaper than parsing the bytes again
        nodes = dict(zip(self.page.tree.getroot().iter(), page.tree.getroot().iter()))
        return page, [_moved_unit(unit, nodes) for unit in self.units]


def walk_page(data: bytes, path: Path | str, options: WalkOptions, default_language: str, uses: int) -> WalkedPage:
    """Parse and walk a page once for ``uses`` builds (see :class:`WalkedPage`)."""
    page = parse_page(data, path, default_language)
    options = WalkOptions(page.language, options.segmentation, options.include, options.exclude)
    return WalkedPage(page, walk_units(page, options), uses)


def _moved(value: Any, **changes: Any) -> Any:
    """A copy of a dataclass value with some fields changed: dataclasses.replace without its cost."""
    copied = object.__new__(type(value))
    copied.__dict__.update(value.__dict__)
    copied.__dict__.update(changes)
    return copied


def _moved_unit(unit: Unit, nodes: dict[Any, Any]) -> Unit:
    """``unit`` with every node it refers to replaced by its counterpart in ``nodes``.

    What refers to no node is shared by both trees (the build never changes a unit): text
    tokens, empty lead and trail, and a segment without placeholders, which holds text tokens
    only (every node token gets a placeholder, see :func:`_segment`).
    """
    if isinstance(unit, AttributeUnit):
        return _moved(unit, element=nodes[unit.element])
    segments = [_moved_segment(segment, nodes) if segment.placeholders else segment for segment in unit.segments]
    lead, trail = unit.lead, unit.trail
    return _moved(
        unit,
        container=nodes[unit.container],
        lead=_moved_tokens(lead, nodes) if lead else lead,
        segments=segments,
        trail=_moved_tokens(trail, nodes) if trail else trail,
    )


def _moved_segment(segment: SegmentSlice, nodes: dict[Any, Any]) -> SegmentSlice:
    placeholders = {n: _moved(p, node=nodes[p.node]) for n, p in segment.placeholders.items()}
    return _moved(segment, tokens=_moved_tokens(segment.tokens, nodes), placeholders=placeholders)


def _moved_tokens(tokens: list[Token], nodes: dict[Any, Any]) -> list[Token]:
    return [token if token[0] == "text" else (token[0], nodes[token[1]]) for token in tokens]


# --------------------------------------------------------------------------- extraction


@dataclass(frozen=True)
class Segment:
    """One translatable string of an article, as catalogs need it."""

    msgid: str
    kind: str
    line: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """An article's segments, in document order (duplicates kept; catalogs merge them)."""

    language: str
    segments: tuple[Segment, ...]
    source_hash: str


def source_hash(data: bytes, settings: str) -> str:
    """Changes whenever the source bytes, the extraction settings or the extractor change."""
    digest = hashlib.sha256()
    digest.update(EXTRACTOR_VERSION.encode())
    digest.update(settings.encode())
    digest.update(b"\0")
    digest.update(data)
    return digest.hexdigest()[:32]


def extract(data: bytes, path: Path | str, options: WalkOptions, default_language: str, settings: str) -> Document:
    """Parse an article and list its segments."""
    page = parse_page(data, path, default_language)
    options = WalkOptions(page.language, options.segmentation, options.include, options.exclude)
    segments: list[Segment] = []
    _walk(page, options, segments)  # (the segments of walk_units' units, without the units)
    return Document(page.language, tuple(segments), source_hash(data, settings))


def _new_segment(msgid: str, kind: str, line: int, notes: tuple[str, ...]) -> Segment:
    """``Segment(msgid, kind, line, notes)`` at half the cost (see inline.new_placeholder: the same object)."""
    segment = _new_object(Segment)
    fields = segment.__dict__  # (item by item: no keyword dict to build, a third cheaper than update)
    fields["msgid"] = msgid
    fields["kind"] = kind
    fields["line"] = line
    fields["notes"] = notes
    return segment


_new_object = object.__new__


# --------------------------------------------------------------------------- reassembly


class _KeepSource:
    """A translation identical to its msgid: translated, and the source nodes stay exactly as they were."""


KEEP_SOURCE = _KeepSource()
Translate = Callable[[str, dict[int, Placeholder]], "tuple[Piece, ...] | _KeepSource | None"]


def apply_translations(units: list[Unit], translate: Translate) -> list[TextUnit]:
    """Splice translations into the tree; returns the text units that fell back entirely.

    ``translate(msgid, placeholders)`` returns parsed pieces, ``KEEP_SOURCE``
    for a translation equal to its msgid, or None when there is no usable
    translation (the source stays). Units are processed last to first so the
    positions of earlier units stay valid.
    """
    untouched: list[TextUnit] = []
    for unit in reversed(units):
        if isinstance(unit, AttributeUnit):
            pieces = translate(unit.msgid, {})
            if isinstance(pieces, tuple):
                value = "".join(p for p in pieces if isinstance(p, str))
                unit.element.set(unit.attribute, clean_text(value))
            continue
        translated = [translate(s.msgid, s.placeholders) for s in unit.segments]
        if not any(isinstance(t, tuple) for t in translated):  # (stops at the first: most units are translated)
            if all(t is None for t in translated):
                untouched.append(unit)
            continue
        nodes: list[Any] = []
        if unit.lead:
            _materialize_tokens(unit.lead, nodes)
        for index, (segment, pieces) in enumerate(zip(unit.segments, translated)):
            if index:
                nodes.append(unit.gaps[index - 1])
            if not isinstance(pieces, tuple):
                _materialize_tokens(segment.tokens, nodes)
            else:
                _materialize_pieces(pieces, nodes)
        if unit.trail:
            _materialize_tokens(unit.trail, nodes)
        _splice(unit, nodes)
    untouched.reverse()
    return untouched


# Every character clean_text changes or looks at: CR, UNSHOWABLE and BIDI_CONTROL (most translations have none).
_CLEAN_SUSPECTS = re.compile(
    "[\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """Translated text made safe to show: no characters HTML cannot hold (NUL, C0 and C1
    controls, lone surrogates), line breaks as HTML reads them (CR and CRLF become LF), and
    no bidi control left open (see :func:`balance_bidi`)."""
    if text.isprintable() or _CLEAN_SUSPECTS.search(text) is None:
        return text  # nothing to change. (Every suspect is unprintable; isprintable scans ~4x faster.)
    return balance_bidi(UNSHOWABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def balance_bidi(text: str) -> str:
    """Close every bidi embedding, override or isolate the text opens, at its end.

    An unclosed U+202E (RIGHT-TO-LEFT OVERRIDE) in a translation would reverse
    the page text after it (Trojan-Source-style spoofing of names, numbers and
    links); closed at the end of its piece of translation, it only affects
    what the translator wrote. Unmatched closers are ignored by browsers (UAX #9).
    """
    if not BIDI_CONTROL.search(text):
        return text
    open_: list[str] = []
    for char in text:
        if char in BIDI_EMBEDDINGS:
            open_.append(PDF)
        elif char in BIDI_ISOLATES:
            open_.append(PDI)
        elif char == PDF and open_ and open_[-1] == PDF:
            open_.pop()
        elif char == PDI and PDI in open_:
            while open_.pop() != PDI:
                pass
    return text + "".join(reversed(open_))


def _materialize_tokens(tokens: list[Token], out: list[Any]) -> None:
    """Original tokens back into nodes, appended to ``out``: exact copies, so untranslated text stays byte-faithful."""
    stack: list[Any] = []
    for kind, value in tokens:
        if kind == "text":
            _append(stack[-1] if stack else None, out, value)
        elif kind == "atom":
            _attach(stack, out, _copy(value))
        elif kind == "open":
            node = _shallow(value)
            _attach(stack, out, node)
            stack.append(node)
        else:
            stack.pop()


def _materialize_pieces(pieces: tuple[Piece, ...], out: list[Any]) -> None:
    """A parsed translation into nodes, appended to ``out``: text is escaped by lxml, markup only from the source."""
    for piece in pieces:
        if isinstance(piece, str):  # what _fill does with top-level text and atoms, without its generator
            text = shown_text(piece)
            if text:
                out.append(text)
        elif isinstance(piece, Atomic):
            out.append(_copy(piece.placeholder.node))
        elif len(piece.children) == 1 and isinstance(piece.children[0], str):  # (most: <b1>text</b1>)
            node = _shallow(piece.placeholder.node)  # what _fill does with it, without its generators
            text = clean_text(piece.children[0])
            if text:
                node.text = text
            out.append(node)
        else:
            _nested(_fill(None, out, (piece,)))


def _fill(parent: Any, out: list[Any], pieces: tuple[Piece, ...]) -> Iterator[Any]:
    for piece in pieces:
        if isinstance(piece, str):
            _append(parent, out, clean_text(piece))
        elif isinstance(piece, Atomic):
            _attach([parent] if parent is not None else [], out, _copy(piece.placeholder.node))
        else:
            node = _shallow(piece.placeholder.node)
            _attach([parent] if parent is not None else [], out, node)
            yield _fill(node, out, piece.children)


def _copy(node: Any) -> Any:
    """A copy of ``node`` and its content, without its tail (lxml's ``__copy__`` is deep: this is
    ``copy.deepcopy`` without the copy module's dispatch)."""
    copied = node.__copy__()
    copied.tail = None
    return copied


def _shallow(element: Any) -> Any:
    """``element`` with its attributes (in order) and no content.

    Copied in C and emptied: cheaper than building a new element from its
    attributes, and it keeps names lxml would not create (``@click``, ``:href``).
    """
    node = element.__copy__()
    del node[:]
    node.text = None
    node.tail = None
    return node


def _attach(stack: list[Any], out: list[Any], node: Any) -> None:
    if stack:
        stack[-1].append(node)
    else:
        out.append(node)


def _append(parent: Any, out: list[Any], text: str) -> None:
    """Add text after the last node of ``parent`` (or of the top-level list)."""
    if not text:
        return
    if parent is not None:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + text
        else:
            parent.text = (parent.text or "") + text
    else:
        out.append(text)


def _splice(unit: TextUnit, nodes: list[Any]) -> None:
    """Replace the unit's original run in its container by ``nodes`` (strings and elements)."""
    container, start, end = unit.container, unit.start, unit.end
    lead = ""
    elements: list[Any] = []
    tails: list[str] = []  # each element's tail, joined here rather than through lxml
    for node in nodes:
        if not isinstance(node, str):
            elements.append(node)
            tails.append("")
        elif elements:
            tails[-1] += node
        else:
            lead += node
    for element, tail in zip(elements, tails):
        if tail:  # (new nodes come without a tail: see _copy and _shallow)
            element.tail = tail
    if end > start:
        del container[start:end]  # (lxml takes each removed child's tail with it, as remove() does)
    if start == 0:
        container.text = lead or None
    else:
        container[start - 1].tail = lead or None
    if elements:
        container[start:start] = elements  # one slice insert: each insert() would walk to its position


# --------------------------------------------------------------------------- reassembly by concatenation


class SourceMarkup:
    """The serialisation of the page's source nodes that translations copy (start tags, atoms), made
    once for all its languages. ``starts`` (per language) are the start tags a build changed."""

    def __init__(self, holes: dict[Any, StartHole]) -> None:
        self.holes = holes  # the page's StartHoles, by element (see plan_page)
        self.start_tags: dict[Any, str] = {}
        self.atoms: dict[Any, Any] = {}  # everything after an atom's start tag: str, or a Region with StartHoles
        self.fixed_atoms: dict[Any, str] = {}  # the whole atom, when no build changes it

    def start(self, element: Any, starts: dict[Any, str]) -> str:
        tag = starts.get(element)
        if tag is None:
            tag = self.start_tags.get(element)
            if tag is None:
                items = element.items()
                tag = self.start_tags[element] = start_tag(element.tag, items) if items else f"<{element.tag}>"
        return tag

    def atom(self, node: Any, starts: dict[Any, str]) -> str:
        """What ``_copy(node)`` serialises to: the node, its attributes as this build set them."""
        text = self.fixed_atoms.get(node)
        if text is not None:
            return text
        rest = self._rest(node)
        if node.tag.__class__ is not str:
            text = rest
        elif rest.__class__ is not str:
            return self.start(node, starts) + rest.source(starts)
        elif node in self.holes:
            return self.start(node, starts) + rest
        else:
            text = self.start(node, starts) + rest
        self.fixed_atoms[node] = text  # (no build changes it)
        return text

    def _rest(self, node: Any) -> Any:
        """A node's serialisation after its start tag (a comment or PI: all of it). Its own attributes
        are the only ones a build changes in an atom (no unit is inside one, see _Walker.tokenize):
        StartHoles inside are kept anyway, in a Region."""
        rest = self.atoms.get(node)
        if rest is not None:
            return rest
        tag, text = node.tag, node.text
        if tag.__class__ is not str:
            rest = _leaf(node)
        elif not len(node):  # (most atoms: one look at the element, no walk)
            inside = (text if tag in RAW_TEXT else escape_text(text)) if text else ""
            rest = inside + f"</{tag}>" if tag not in VOID or text else inside
        elif not any(d in self.holes for d in node.iterdescendants()):
            out: list[Any] = []
            _serialize(node, out)
            rest = "".join(out[1:])
        else:
            pieces = _content_pieces(node, self.holes, end_tag=True)
            rest = pieces[0] if len(pieces) == 1 and pieces[0].__class__ is str else Region(None, pieces)
        self.atoms[node] = rest
        return rest


def render_unit(unit: TextUnit, translated: list[Any], starts: dict[Any, str], markup: SourceMarkup) -> str:
    """What the unit's run serialises to once :func:`apply_translations` spliced ``translated`` in
    (one answer of ``translate`` per segment, at least one of them pieces)."""
    out: list[str] = []
    if unit.lead:
        _render_tokens(unit.lead, out, starts, markup)
    gaps = unit.gaps
    for index, segment in enumerate(unit.segments):
        if index:
            out.append(escape_text(gaps[index - 1]))
        pieces = translated[index]
        if not isinstance(pieces, tuple):
            _render_tokens(segment.tokens, out, starts, markup)
        elif len(pieces) == 1 and pieces[0].__class__ is str:  # (most: text only)
            out.append(escape_text(shown_text(pieces[0])))
        else:
            _render_pieces(pieces, out, starts, markup)
    if unit.trail:
        _render_tokens(unit.trail, out, starts, markup)
    return "".join(out)


def shown_text(text: str) -> str:
    """What _materialize_pieces puts in the tree for a translation's text (before lxml escapes it)."""
    return text if text.isprintable() else clean_text(text)  # (clean_text's own first test, without a call)


def _render_tokens(tokens: list[Token], out: list[str], starts: dict[Any, str], markup: SourceMarkup) -> None:
    """:func:`_materialize_tokens`, serialised."""
    opened: list[tuple[str, int]] = []  # tag and position in out of each open element
    for kind, value in tokens:
        if kind == "text":
            out.append(escape_text(value))
        elif kind == "atom":
            out.append(markup.atom(value, starts))
        elif kind == "open":
            out.append(markup.start(value, starts))
            opened.append((value.tag, len(out)))
        else:
            _close(opened.pop(), out)


def _close(element: tuple[str, int], out: list[str]) -> None:
    """The end tag, which a void element has only when it has content (see :func:`_serialize`)."""
    tag, position = element
    if tag not in VOID or any(out[position:]):
        out.append(f"</{tag}>")


def _render_pieces(pieces: tuple[Piece, ...], out: list[str], starts: dict[Any, str], markup: SourceMarkup) -> None:
    """:func:`_materialize_pieces`, serialised: text is cleaned and escaped, markup only from the source."""
    for piece in pieces:
        if piece.__class__ is str:
            out.append(escape_text(piece if piece.isprintable() else clean_text(piece)))  # (shown_text, inlined)
        elif piece.__class__ is Atomic:
            out.append(markup.atom(piece.placeholder.node, starts))
        elif len(piece.children) == 1 and piece.children[0].__class__ is str:  # (most: <b1>text</b1>)
            node = piece.placeholder.node
            text = escape_text(clean_text(piece.children[0]))
            tag = node.tag
            out.append(markup.start(node, starts))
            out.append(text)
            if tag not in VOID or text:
                out.append(f"</{tag}>")
        else:
            _render_nested(piece, out, starts, markup)


def _render_nested(paired: Paired, out: list[str], starts: dict[Any, str], markup: SourceMarkup) -> None:
    """A paired placeholder and what it holds (a loop, not recursion: placeholders may nest as deep
    as the page's elements)."""
    stack = [iter((paired,))]
    opened: list[tuple[str, int]] = []
    while stack:
        for piece in stack[-1]:
            if piece.__class__ is str:
                out.append(escape_text(shown_text(piece)))
            elif piece.__class__ is Atomic:
                out.append(markup.atom(piece.placeholder.node, starts))
            else:
                node = piece.placeholder.node
                out.append(markup.start(node, starts))
                opened.append((node.tag, len(out)))
                stack.append(iter(piece.children))
                break
        else:
            stack.pop()
            if opened:
                _close(opened.pop(), out)
