"""PO/POT text <-> :class:`Catalog`: the only module that knows the PO syntax.

Reading: polib decodes the strings and flags; a line scanner of our own adds
what polib does not give or check: line numbers (``Entry.line``, the msgid
line), exact comment lines, the ``#~|`` previous strings of obsolete entries,
unterminated strings, merge-conflict markers, missing ``msgstr``, duplicates.
Every problem is one ``CatalogError`` line, ``path:line: what``.

Writing does not use polib: ``format_catalog`` reproduces GNU gettext 0.21's
``write-po.c`` byte for byte (``msgcat FILE`` prints exactly what we wrote), so
that gettext tools and editors do not rewrap our files and diffs stay small.
Line breaking is a port of libunistring 1.0's UAX #14 code
(``u8_possible_linebreaks`` + ``u8_width_linebreaks``, which msgcat calls),
with its Unicode 14 class and width tables embedded below.

Conventions:

* ``Catalog.header_comments``: the ``#`` lines above the header entry, one
  item per line, without the ``#`` and the one space after it: ``# Title``
  is ``"Title"``, a bare ``#`` is ``""``, ``#  x`` is ``" x"`` (``#Title``
  reads as ``"Title"``, as gettext reads it). The header's ``#.``, ``#:`` and
  ``#|`` lines, which gettext tools never write, are not kept.
* ``Entry.translator_comments`` / ``extracted_comments``: the same rule.
* ``header_fields``: the header's ``Name: value`` lines, values stripped
  (polib's parsing); written back as ``Name: value\n``.

``format_catalog`` writes what msgcat prints for the catalog, and msgcat
normalises a few things, so ``parse(format(c)) == c`` holds for catalogs
already in that form (every catalog read from a file we wrote is):

* the header entry first, then live entries, then obsolete ones; obsolete
  entries without a translation are dropped;
* flags in gettext's order (``fuzzy``, ``*-format``, ``range:``, ``no-wrap``);
  ``fuzzy`` is dropped when msgstr is empty, ``wrap`` always; flags gettext
  does not know are kept, after those (msgcat would drop them, so a catalog
  with such flags is not msgcat-stable);
* references: a leading ``./`` is dropped, ``file:007`` is written
  ``file:7``, a repeated (file, line) is written once;
* a previous msgctxt is written only with a previous msgid.

Limits: entries with a ``*-format`` flag are wrapped without gettext's "never
break inside a format directive" rule; the charset must be UTF-8 (or the
template's ``CHARSET``); ``\\a`` and octal/hex escapes are not read (polib
cannot); plural entries are rejected; a comment ending with a backslash is
written as is, and gettext reads it as continued on the next line.
"""

from __future__ import annotations

import base64
import bisect
import functools
import importlib
import itertools
import operator
import re
import zlib
from codecs import charmap_encode as _charmap_encode
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import CatalogError
from ..fsutil import read_bytes, write_if_changed
from .model import Catalog, Entry, blank_entry, entry_from_fields

if TYPE_CHECKING:  # (imported by the careful path itself: our own files never need polib)
    import polib

PAGE_WIDTH = 79  # gettext's default --width

__all__ = [
    "PAGE_WIDTH",
    "format_catalog",
    "format_catalog_utf8",
    "parse_catalog",
    "plural_forms",
    "read_catalog",
    "write_catalog",
]


# =========================================================================== public API


def read_catalog(path: Path) -> Catalog:
    """Read and parse a PO/POT file; every problem is a one-line CatalogError."""
    return parse_catalog(read_catalog_text(path), str(path))


def read_catalog_text(path: Path) -> str:
    """A catalog file's text; unreadable or non-UTF-8 files are one-line CatalogErrors."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); "
            "transkit reads and writes UTF-8 catalogs only"
        ) from exc
    return text


def head_header_value(head: str, name: str) -> str:
    """A header field read from a catalog's first bytes (see ``fsutil.read_head``), without parsing it."""
    marker = f'"{name}: '
    start = head.find(marker)
    if start < 0:
        return ""
    end = head.find('\\n"', start)
    return head[start + len(marker) : end] if end > 0 else ""


def parse_catalog(text: str, path: str = "<string>") -> Catalog:
    """Parse PO/POT text into a Catalog, refusing anything gettext would not accept."""
    text = text.removeprefix("\ufeff")
    refused = _fast_refuses(text)
    catalog = None if refused else _fast_parse_whole(text)
    if catalog is None:  # (no line of a text _fast_parse_whole reads can be a conflict marker)
        _check_conflict_markers(text, path)
        catalog = None if refused else _fast_parse_entries(text)
    return catalog if catalog is not None else _careful_parse(text, path)


def _careful_parse(text: str, path: str) -> Catalog:
    """The scanner + polib reading: any text, and the one-line message for each problem."""
    import polib  # (~1 ms at every start otherwise)

    blocks = _Scanner(path).scan(text)
    polib_text, restore = _for_polib(text, path)
    try:
        po = polib.pofile(polib_text, wrapwidth=PAGE_WIDTH)
    except (OSError, ValueError) as exc:  # polib reports syntax errors as IOError
        raise CatalogError(_polib_message(exc, path)) from exc
    return _build_catalog(blocks, po, path, restore)


def format_catalog(catalog: Catalog) -> str:
    """Serialise exactly as GNU msgcat 0.21 would print this catalog."""
    header, texts, retired = _format_texts(catalog)
    return "\n".join([header, *texts, *retired] if header else [*texts, *retired])


def format_catalog_utf8(catalog: Catalog) -> bytes:
    """``format_catalog(catalog).encode("utf-8")``, joined from the entries' texts encoded one by one.

    A text that the catalog encoded last also has, at the same place and as the same str object
    (a template's and its catalogs' entries share theirs, see _format_texts), keeps its bytes; the
    others are encoded alone, in the narrowest form each needs. The whole text, once one of them holds a character beyond
    U+FFFF (an emoji), is four bytes a character: joining widens every text, and encoding it
    costs more than encoding the narrow texts one by one. (Texts are only looked for in a catalog
    of the same article: see _format_texts.)
    """
    global _last_encoded
    header, texts, retired = _format_texts(catalog)
    before_texts, before_bytes, before_article = _last_encoded
    if texts is before_texts:
        encoded = before_bytes
    else:
        article = catalog.header("Project-Id-Version")
        if article != before_article:  # (another article's texts are never this one's: see _format_texts)
            encoded = list(map(str.encode, texts))  # (UTF-8)
        else:
            reusable = len(before_texts)
            encoded = [
                before_bytes[index] if index < reusable and text is before_texts[index] else text.encode("utf-8")
                for index, text in enumerate(texts)
            ]
        _last_encoded = (texts, encoded, article)
    chunks = [header.encode("utf-8")] if header else []
    chunks.extend(encoded)
    chunks.extend(text.encode("utf-8") for text in retired)
    return b"\n".join(chunks)


# The texts of the live entries of the last catalog format_catalog_utf8 wrote, their bytes, its Project-Id-Version.
_last_encoded: tuple[list[str], list[bytes], str] = ([], [], "")


def _format_texts(catalog: Catalog) -> tuple[str, list[str], list[str]]:
    """The catalog's header text ('' without a header), its live entries' texts and its obsolete ones'.

    Each text ends in a newline; the catalog is them joined with '\\n'. The live entries' texts are
    kept for the next catalog: a text for the same Entry, lines before the msgstr for an entry
    with the same other fields (see _same_head). Only a catalog of the same article (its
    Project-Id-Version) looks at them: another article's entries never have the same references.
    """
    global _last_formatted
    header = _format_header(catalog) if catalog.header_comments or catalog.header_fields or catalog.header_flags else ""
    before, before_texts, before_heads, before_article = _last_formatted
    entries = catalog.entries
    if entries and len(entries) == len(before) and all(map(operator.is_, entries, before)):
        # The same live entries as the catalog written last (a first catalog's are the template's): the same texts.
        return header, before_texts, []
    article = catalog.header("Project-Id-Version")
    reusable = len(before) if article == before_article else 0  # (a template after the last article's catalogs: 0)
    texts: list[str] = []
    heads: list[str] = []  # each text's lines before the msgstr
    live: list[Entry] = []
    retired: list[Entry] = []
    comments: tuple[tuple[str, ...], ...] = ()  # the last comments _comment_block wrote here, and its lines
    block = ""
    for entry in entries:
        if entry.obsolete:
            if entry.msgstr:
                retired.append(entry)
            continue
        position = len(live)
        live.append(entry)
        if position < reusable:
            other = before[position]
            if other is entry or (entry.msgid == other.msgid and _same_head(entry, other)):
                # (frozen: the same object or the same fields, the same lines; a merge keeps the template's order)
                head = before_heads[position]
                heads.append(head)
                if other is entry or entry.msgstr == other.msgstr:
                    texts.append(before_texts[position])
                else:
                    wrap = _flags_line(entry.flags, entry.msgstr != "")[1] if entry.flags else True
                    texts.append(head + _wrapped("", "msgstr", entry.msgstr, wrap))
                continue
        if entry.flags or entry.msgctxt is not None or entry.previous_msgid is not None:
            head, lines = _entry_parts(entry)
        else:  # most entries: _entry_parts' result without its list and checks
            these = (entry.translator_comments, entry.extracted_comments, entry.references)
            if these != comments:  # (an entry often has the comments of the one before: the segments of a line)
                comments = these
                block = _comment_block(*these)
            head = block + _wrapped("", "msgid", entry.msgid, True)
            lines = _wrapped("", "msgstr", entry.msgstr, True) if entry.msgstr else _EMPTY_MSGSTR  # (a template's)
        heads.append(head)
        texts.append(head + lines)
    _last_formatted = (live, texts, heads, article)
    return header, texts, [_format_entry(entry) for entry in retired]


_EMPTY_MSGSTR = 'msgstr ""\n'  # _wrapped("", "msgstr", "", True)


def _same_head(entry: Entry, other: Entry) -> bool:
    """Whether two live entries with the same msgid (the caller compares it first) have the same lines
    before their msgstr (and wrap it alike).

    A catalog after its template, or after the other language's catalog of the same article: most
    entries differ from the one at their place in the catalog written last by their msgstr at most.
    (The '#,' line drops 'fuzzy' from an entry with an empty msgstr.)
    """
    return (
        entry.references == other.references
        and entry.extracted_comments == other.extracted_comments
        and entry.translator_comments == other.translator_comments
        and entry.flags == other.flags
        and entry.msgctxt == other.msgctxt
        and entry.previous_msgid == other.previous_msgid
        and entry.previous_msgctxt == other.previous_msgctxt
        and (not entry.flags or (entry.msgstr == "") == (other.msgstr == ""))
    )


# The live entries of the last catalog written, their texts, and each text's lines before its
# msgstr. merge() puts the template's own Entry objects into a new catalog (all of them, for a
# first catalog), in template order, and keeps the other entries' comments and msgids:
# format_catalog(template) then format_catalog(po) writes each of those lines once, and a first
# catalog's texts once. One catalog's worth: memory stays flat. (And the catalog's Project-Id-Version.)
_last_formatted: tuple[list[Entry], list[str], list[str], str] = ([], [], [], "")


def _forget_formatted() -> None:
    """Format the next catalog from scratch (tests compare that with the reuse)."""
    global _last_formatted, _last_encoded
    _last_formatted = ([], [], [], "")
    _last_encoded = ([], [], "")


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write atomically, and only when the bytes change (mtime stays for make/git)."""
    return write_if_changed(path, format_catalog_utf8(catalog))


def plural_forms(lang: str) -> str:
    """The Plural-Forms header value for a language code such as ``ru``, ``pt_BR``, ``zh-Hans``.

    Unknown languages get the English rule, which msgfmt accepts and is right
    for most European languages.
    """
    code = lang.strip().split("@")[0].split(".")[0].replace("-", "_").lower()
    for candidate in (code, code.split("_", 1)[0]):
        if candidate in _PLURAL_FORMS_BY_CODE:
            return _PLURAL_FORMS_BY_CODE[candidate]
    return _PLURALS_TWO


# gettext 0.21's msginit table (plural-table.c), plus Arabic and Persian.
_PLURALS_ONE = "nplurals=1; plural=0;"
_PLURALS_TWO = "nplurals=2; plural=(n != 1);"
_PLURALS_GT_ONE = "nplurals=2; plural=(n > 1);"
_PLURALS_EAST_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
_PLURAL_FORMS_BY_CODE = {
    **dict.fromkeys(("ja", "ko", "zh", "vi", "th", "id", "ms"), _PLURALS_ONE),
    **dict.fromkeys(
        ("en", "de", "nl", "sv", "da", "no", "nb", "nn", "fo", "es", "pt", "it", "bg",
         "el", "fi", "et", "he", "eo", "hu", "tr", "ca", "gl", "eu", "az", "ka"),
        _PLURALS_TWO,
    ),
    **dict.fromkeys(("pt_br", "fr", "fa", "hy"), _PLURALS_GT_ONE),
    **dict.fromkeys(("ru", "uk", "be", "sr", "hr", "bs"), _PLURALS_EAST_SLAVIC),
    "lv": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);",
    "ga": "nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;",
    "ro": "nplurals=3; plural=n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2;",
    "lt": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "cs": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "sk": "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;",
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "sl": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
    ),
}


# =========================================================================== reading

_SCANNED_COMMENT_RE = re.compile(r"^[ \t]*#(?![,|~])[^\n]*", re.MULTILINE)
# str.splitlines() (which polib uses) also breaks lines at these; gettext does not.
_OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_STAND_INS = "".join(chr(0x10FFF0 + i) for i in range(len(_OTHER_LINE_BREAKS)))  # private use
_CONFLICT_RE = re.compile(r"^(?:<{7}|={7}|>{7})", re.MULTILINE)
_KEYWORD_RE = re.compile(
    r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?=[\s\"])\s*(.*)\Z", re.DOTALL
)
_STRING_RE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*\Z', re.DOTALL)
_UNTERMINATED_RE = re.compile(r'"(?:[^"\\]|\\.)*\\?\Z', re.DOTALL)
_ESCAPE_RE = re.compile(r"\\(.?)", re.DOTALL)
_READABLE_ESCAPES = frozenset('ntrvbf"\\')  # what polib.unescape decodes
_POLIB_LINE_RE = re.compile(r"\(line (\d+)\)(?::\s*(.*))?")
_CHARSET_RE = re.compile(r"charset=([^\s;]*)", re.IGNORECASE)


def _for_polib(text: str, path: str) -> tuple[str, dict[int, int] | None]:
    """The text polib reads, and the table that undoes its substitutions in values.

    Comments the scanner reads are blanked (line numbers stay), so polib's
    stricter idea of them ('#text' is a syntax error for it) does not matter;
    characters str.splitlines() would break lines at are swapped for stand-ins.
    """
    text = _SCANNED_COMMENT_RE.sub("#", text)
    if not any(c in text for c in _OTHER_LINE_BREAKS):
        return text, None
    if any(c in text for c in _STAND_INS):
        raise CatalogError(f"{path}: private-use characters U+10FFF0..U+10FFF7 are not supported")
    swap = str.maketrans(_OTHER_LINE_BREAKS, _STAND_INS)
    return text.translate(swap), str.maketrans(_STAND_INS, _OTHER_LINE_BREAKS)


def _check_conflict_markers(text: str, path: str) -> None:
    """Git merge leftovers: polib would take them for syntax errors or silently skip them."""
    if "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text:
        return  # (a plain substring search is many times faster than the regex)
    match = _CONFLICT_RE.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        marker = match.group(0)
        raise CatalogError(f"{path}:{line}: git merge conflict marker {marker!r}; resolve it first")


def _polib_message(exc: Exception, path: str) -> str:
    """Reformat polib's 'Syntax error in po file (line N): why' as 'path:N: why'."""
    text = str(exc)
    match = _POLIB_LINE_RE.search(text)
    if not match:
        return f"{path}: {text}"
    reason = match.group(2) or "syntax error"
    return f"{path}:{match.group(1)}: {reason}"


@dataclass
class _Block:
    """What the scanner learnt about one entry (polib gives the decoded values)."""

    line: int  # the msgid line, used in messages
    obsolete: bool = False
    translator: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    previous: dict[str, list[str]] = field(default_factory=dict)
    strings: dict[str, list[str]] = field(default_factory=dict)  # raw (escaped) pieces
    string_lines: dict[str, list[int]] = field(default_factory=dict)

    def has(self, keyword: str) -> bool:
        return keyword in self.strings

    def raw(self, keyword: str) -> str | None:
        pieces = self.strings.get(keyword)
        return None if pieces is None else "".join(pieces)


class _Scanner:
    """One pass over the lines: structure, strings and comments, with line numbers.

    It accepts the PO syntax gettext accepts (minus plurals) and reports the
    first problem as ``path:line: what``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.blocks: list[_Block] = []
        self.pending = _Block(line=0)  # comments seen before the next msgid
        self.current: _Block | None = None  # the block whose strings we are reading
        self.target: list[str] | None = None  # where a continuation line goes
        self.keyword = ""  # the keyword of the current block that self.target belongs to
        self.lineno = 0

    def fail(self, what: str, line: int | None = None) -> CatalogError:
        return CatalogError(f"{self.path}:{line or self.lineno}: {what}")

    def scan(self, text: str) -> list[_Block]:
        for self.lineno, raw in enumerate(text.split("\n"), 1):
            raw = raw.removesuffix("\r")
            line = raw.strip(" \t")
            if line:
                self._line(line, raw)
        self._finish_current()
        return self.blocks

    # ---- one line

    def _line(self, line: str, raw: str) -> None:
        if line.startswith("#~|"):
            self._previous(line[3:].strip(), obsolete=True)
        elif line.startswith("#~"):
            self._strings(line[2:].strip(), obsolete=True)
        elif line.startswith("#|"):
            self._previous(line[2:].strip(), obsolete=False)
        elif line.startswith("#"):
            self._comment(raw.lstrip())
        else:
            self._strings(line, obsolete=False)

    def _comment(self, raw: str) -> None:
        block = self._comment_block()
        self.target = None
        kind, body = raw[:2], raw[2:]
        if kind == "#,":
            return  # flags: polib's list is exact
        if kind == "#:":
            block.references.extend(body.split())
        elif kind == "#.":
            block.extracted.append(body[1:] if body.startswith(" ") else body)
        else:
            body = raw[1:]
            block.translator.append(body[1:] if body.startswith(" ") else body)

    def _comment_block(self) -> _Block:
        """Comments start a new entry once the current one has its msgstr."""
        if self.current is not None:
            if not self.current.has("msgstr"):
                raise self.fail(f"missing msgstr for the msgid on line {self.current.line}")
            self._finish_current()
        return self.pending

    def _previous(self, rest: str, obsolete: bool) -> None:
        block = self._comment_block()
        match = _KEYWORD_RE.match(rest)
        if match and match.group(1) in ("msgctxt", "msgid", "msgid_plural"):
            piece = self._string(match.group(2))
            self.target = block.previous.setdefault(match.group(1), [])
            self.target.append(piece)
        elif rest.startswith('"') and self.target is not None:
            self.target.append(self._string(rest))
        elif obsolete:
            raise self.fail("expected msgctxt, msgid or a string after '#~|'")
        # a bare or unusual '#|' line: let polib judge it

    def _strings(self, rest: str, obsolete: bool) -> None:
        if rest.startswith('"'):
            if self.current is None or self.target is None:
                raise self.fail("string without a keyword before it")
            self._check_obsolete(obsolete)
            self.target.append(self._string(rest))
            self.current.string_lines[self.keyword].append(self.lineno)
            return
        match = _KEYWORD_RE.match(rest)
        if match:
            self._keyword(match.group(1), match.group(2), obsolete)
        elif obsolete and not rest:
            raise self.fail("empty '#~' line")
        else:
            raise self.fail(f"syntax error: {rest[:40]!r}")

    def _keyword(self, keyword: str, rest: str, obsolete: bool) -> None:
        if keyword.startswith("msgstr["):
            keyword = "msgstr[]"
        block = self._block_for(keyword, obsolete)
        if keyword in ("msgid_plural", "msgstr[]"):
            raise self.fail("plural entries (msgid_plural/msgstr[N]) are not supported")
        if block.has(keyword):
            raise self.fail(f"a second {keyword} in the entry on line {block.line}")
        self.target = block.strings[keyword] = [self._string(rest)]
        block.string_lines[keyword] = [self.lineno]
        self.keyword = keyword

    def _block_for(self, keyword: str, obsolete: bool) -> _Block:
        """Find (or start) the entry a keyword line belongs to, checking the keyword order."""
        current = self.current
        if keyword in ("msgctxt", "msgid"):
            if current is not None and current.has("msgstr"):
                self._finish_current()
                current = None
            if current is None:
                current = self.current = self.pending
                self.pending = _Block(line=0)
                current.obsolete = obsolete
            elif keyword == "msgctxt" or current.has("msgid"):
                raise self.fail(f"missing msgstr for the msgid on line {current.line}")
            if keyword == "msgid":
                current.line = self.lineno
        elif current is None or not current.has("msgid"):
            raise self.fail(f"{keyword} without a msgid before it")
        self._check_obsolete(obsolete)
        return current

    def _check_obsolete(self, obsolete: bool) -> None:
        if self.current is not None and self.current.obsolete != obsolete:
            raise self.fail("inconsistent use of '#~' inside one entry")

    def _string(self, text: str) -> str:
        """The raw contents of one quoted string, checked for termination and escapes."""
        match = _STRING_RE.match(text)
        if not match:
            if _UNTERMINATED_RE.fullmatch(text):
                raise self.fail("unterminated string (missing closing '\"')")
            if text.startswith('"'):
                raise self.fail("unescaped '\"' or text after the closing '\"'")
            raise self.fail("expected a quoted string")
        content = match.group(1)
        if "\\" in content:
            for escape in _ESCAPE_RE.finditer(content):
                if escape.group(1) not in _READABLE_ESCAPES:
                    raise self.fail(f"unsupported escape sequence '\\{escape.group(1)}'")
        return content

    def _finish_current(self) -> None:
        current = self.current
        if current is None:
            return
        if not current.has("msgstr"):
            raise self.fail(f"missing msgstr for the msgid on line {current.line}", current.line)
        self.blocks.append(current)
        self.current = None
        self.target = None


def _is_header_block(block: _Block) -> bool:
    return not block.obsolete and not block.has("msgctxt") and block.raw("msgid") == ""


def _build_catalog(
    blocks: list[_Block], po: polib.POFile, path: str, restore: dict[int, int] | None
) -> Catalog:
    """Pair the scanner's blocks with polib's entries and check catalog-level rules."""
    header = next((b for b in blocks if _is_header_block(b)), None)
    for block in blocks:
        if block.raw("msgid") == "" and block.has("msgctxt") and not block.obsolete:
            raise CatalogError(
                f"{path}:{block.line}: an empty msgid with a msgctxt is not supported"
            )
    bodies = [b for b in blocks if b is not header]
    entries = list(po)
    if len(entries) != len(bodies):  # polib and the scanner disagree: should never happen
        raise CatalogError(
            f"{path}: cannot parse: polib read {len(entries)} entries, {len(bodies)} are there"
        )
    seen: dict[tuple[str | None, str], int] = {}
    if header is not None:
        seen[(None, "")] = header.line
    result = []
    import polib  # (loaded by _careful_parse)

    for block, item in zip(bodies, entries):
        entry = _entry(block, item, path, restore, polib.unescape)
        if entry.key in seen:
            raise CatalogError(
                f"{path}:{block.line}: duplicate message: "
                f"same msgctxt and msgid as on line {seen[entry.key]}"
            )
        seen[entry.key] = block.line
        result.append(entry)
    fields, flags, comments = (), (), ()
    if header is not None:
        fields = tuple((k, v) for k, v in po.metadata.items())
        if restore is not None:
            fields = tuple((k.translate(restore), v.translate(restore)) for k, v in fields)
        flags = tuple(po.metadata_is_fuzzy or ())
        comments = tuple(header.translator)
        _check_charset(header, path)
    return Catalog(
        header_comments=comments, header_fields=fields, header_flags=flags, entries=tuple(result)
    )


def _entry(
    block: _Block, item: polib.POEntry, path: str, restore: dict[int, int] | None, unescape: Callable[[str], str]
) -> Entry:
    """One Entry from polib's values (``unescape``: polib's) and the scanner's comments."""
    if restore is not None:
        item = _restored(item, restore)
    if item.msgid != unescape(block.raw("msgid") or ""):
        raise CatalogError(
            f"{path}:{block.line}: cannot parse this entry (polib read {item.msgid[:30]!r})"
        )
    previous_msgid, previous_msgctxt = item.previous_msgid, item.previous_msgctxt
    if block.obsolete:
        raw = block.previous
        previous_msgid = unescape("".join(raw["msgid"])) if "msgid" in raw else None
        previous_msgctxt = unescape("".join(raw["msgctxt"])) if "msgctxt" in raw else None
    if "msgid_plural" in block.previous or item.previous_msgid_plural is not None:
        raise CatalogError(
            f"{path}:{block.line}: plural entries (previous msgid_plural) are not supported"
        )
    if previous_msgctxt is not None and previous_msgid is None:
        raise CatalogError(
            f"{path}:{block.line}: a previous msgctxt ('#| msgctxt') without a previous msgid"
        )
    return Entry(
        msgid=item.msgid,
        msgstr=item.msgstr,
        msgctxt=item.msgctxt,
        flags=tuple(f for f in item.flags if f),
        references=tuple(block.references),
        extracted_comments=tuple(block.extracted),
        translator_comments=tuple(block.translator),
        previous_msgid=previous_msgid,
        previous_msgctxt=previous_msgctxt,
        obsolete=bool(item.obsolete),
        line=block.line,
    )


def _restored(item: polib.POEntry, restore: dict[int, int]) -> polib.POEntry:
    """Undo _for_polib's stand-ins in the strings polib decoded (in place)."""
    for name in ("msgid", "msgstr", "msgctxt", "previous_msgid", "previous_msgctxt"):
        value = getattr(item, name)
        if value is not None:
            setattr(item, name, value.translate(restore))
    return item


def _check_charset(header: _Block, path: str) -> None:
    """We only read and write UTF-8; CHARSET is the untouched template placeholder."""
    for raw, line in zip(header.strings["msgstr"], header.string_lines["msgstr"]):
        match = _CHARSET_RE.search(raw) if "content-type" in raw.lower() else None
        if match:
            charset = match.group(1).removesuffix("\\n")
            if charset.upper() not in ("UTF-8", "CHARSET"):
                raise CatalogError(
                    f"{path}:{line}: charset {charset!r} in Content-Type; "
                    "transkit reads and writes UTF-8 only"
                )


# ---------------------------------------------------------------- fast path
#
# The catalogs transkit writes (and msgcat, Poedit, Weblate... write) use a
# small part of the syntax. One regex match per entry reads them (one findall
# over the whole text when the comment lines are in gettext's order), several
# times faster than the scanner and polib. Whatever the fast path is not sure
# of (CR, other line breaks, unusual comments or spacing, plurals, anything
# an error is raised for) makes it give up, and the careful path reads the
# text and words any error. For every text it accepts it returns exactly what
# the careful path returns (tests/catalog/test_pofile.py checks this).

_FAST_BODY = r'[^"\\\n]*(?:\\[ntrvbf"\\][^"\\\n]*)*'  # only the escapes polib decodes
_FAST_STRING = f'"{_FAST_BODY}"'


def _fast_run(prefix: str) -> str:
    """One string and its continuation lines, each after ``prefix``."""
    return rf"{_FAST_STRING}(?:\n{prefix}{_FAST_STRING})*"


_FAST_MESSAGE = (
    r"(?:"
    rf"(?:#\| msgctxt (?P<pctx>{_fast_run('#[|] ')})\n)?"
    rf"(?:#\| msgid (?P<pid>{_fast_run('#[|] ')})\n)?"
    rf"(?:msgctxt (?P<ctx>{_fast_run('')})\n)?"
    rf"msgid (?P<id>{_fast_run('')})\n"
    rf"msgstr (?P<str>{_fast_run('')})"
    r"|"
    rf"(?:#~\| msgctxt (?P<opctx>{_fast_run('#~[|] ')})\n)?"
    rf"(?:#~\| msgid (?P<opid>{_fast_run('#~[|] ')})\n)?"
    rf"(?:#~ msgctxt (?P<octx>{_fast_run('#~ ')})\n)?"
    rf"#~ msgid (?P<oid>{_fast_run('#~ ')})\n"
    rf"#~ msgstr (?P<ostr>{_fast_run('#~ ')})"
    r")(?:\n+|\Z)"
)
# Comment lines in the order gettext writes them, one group per kind (most entries) ...
_FAST_ORDERED_ENTRY = (
    r"(?P<translator>(?:#(?: [^\n]*)?\n)*)"
    r"(?P<extracted>(?:#\.[^\n]*\n)*)"
    r"(?P<references>(?:#:[^\n]*\n)*)"
    r"(?P<flags>(?:#,(?: [^\n]*)?\n)*)"
    + _FAST_MESSAGE
)
# ... or the same kinds of lines in any order.
_FAST_ENTRY = r"(?P<comments>(?:#(?:[ .:][^\n]*|, [^\n]*|,)?\n)*)" + _FAST_MESSAGE


@functools.cache
def _fast_entry_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """_FAST_ORDERED_ENTRY and _FAST_ENTRY compiled, on first use: only texts _fast_parse_whole
    gives up on need them (compiling them at every start cost ~2 ms)."""
    return re.compile(_FAST_ORDERED_ENTRY), re.compile(_FAST_ENTRY)


# _FAST_ORDERED_ENTRY for findall over a whole text: no match objects, and 'head' (all before the
# msgid line) gives the msgid's line with one count. Where no entry matches, 'bad' takes one
# character; then the entry-by-entry loop decides. The same language as _FAST_ORDERED_ENTRY,
# but 'id' and 'str' are the runs without their first and last quote (slicing a non-ASCII
# string copies it), 'obsolete' is their prefix ('#~ ' or ''), 'references' starts after '#:'.
# Three shortcuts make it take half the time of that pattern's way of writing it:
# - its loops are possessive ('*+': what a loop took is never given back). Giving back could only
#   end a match inside a string run (before a continuation line, which no entry starts with: 'bad'
#   there), so the texts read are the ones the greedy loops read, the same way;
# - the msgid and msgstr lines are taken whole (`[^\n]*`, the engine's fastest loop): each line
#   followed by a continuation line (one starting with a quote) possessively, with the newline and
#   that quote, then the last line up to its closing quote. The reader checks that each newline of
#   a run is in a joint (a line before a continuation line that does not end with a quote leaves
#   one), and the few values with a quote or a backslash against _FAST_RUNS (the strict runs):
#   anything else on a line is in _FAST_BODY's character set. A loose line the strict run refuses
#   makes the reader give up, as a 'bad' match would have. (A fifth faster than a run written
#   `[^\n]*(?:"\n(?P=obsolete)"[^\n]*)*`, which gives back each line's end and saves the groups);
# - an entry without context or previous strings (most) takes the first branch, `(?=msgid )`, of an
#   atomic group: the other branches would match nothing there too (all their lines are optional).
_FAST_BODY_ONCE = r'[^"\\\n]*+(?:\\[ntrvbf"\\][^"\\\n]*+)*+'


def _fast_run_once(prefix: str) -> str:
    """_fast_run, possessive."""
    return rf'"{_FAST_BODY_ONCE}"(?:\n{prefix}"{_FAST_BODY_ONCE}")*+'


_FAST_WHOLE = re.compile(
    r"(?P<head>"
    r"(?P<translator>(?:#(?: [^\n]*+)?\n)*+)"
    r"(?P<extracted>(?:#\.[^\n]*+\n)*+)"
    r"(?:#:(?P<references>[^\n]*+\n(?:#:[^\n]*+\n)*+))?"
    r"(?P<flags>(?:#,(?: [^\n]*+)?\n)*+)"
    r"(?>(?=msgid )|"
    rf"(?:#\| msgctxt (?P<pctx>{_fast_run_once('#[|] ')})\n)?"
    rf"(?:#\| msgid (?P<pid>{_fast_run_once('#[|] ')})\n)?"
    rf"(?:msgctxt (?P<ctx>{_fast_run_once('')})\n)?"
    r"(?=msgid )"
    r"|"
    rf"(?:#~\| msgctxt (?P<opctx>{_fast_run_once('#~[|] ')})\n)?"
    rf"(?:#~\| msgid (?P<opid>{_fast_run_once('#~[|] ')})\n)?"
    rf"(?:#~ msgctxt (?P<octx>{_fast_run_once('#~ ')})\n)?"
    r"(?=#~ msgid )"
    r"))"
    r'(?P<obsolete>(?:#~ )?)msgid "(?P<id>(?:[^\n]*+\n(?P=obsolete)")*+[^\n]*)"\n'
    r'(?P=obsolete)msgstr "(?P<str>(?:[^\n]*+\n(?P=obsolete)")*+[^\n]*)"'
    r"(?P<separator>\n++|\Z)"
    r"|(?P<bad>.)",
    re.DOTALL,
)
_FAST_PREVIOUS_PREFIX = {"": "#| ", "#~ ": "#~| "}  # by the keywords' prefix
_FAST_JOINTS = {"": '"\n"', "#~ ": '"\n#~ "'}  # between the lines of a run, by the keywords' prefix
_FAST_RUNS = {  # a msgid or msgstr run without its first and last quote, by the keywords' prefix
    prefix: re.compile(f"{_FAST_BODY_ONCE}(?:{re.escape(joint)}{_FAST_BODY_ONCE})*+", re.DOTALL).fullmatch
    for prefix, joint in _FAST_JOINTS.items()
}
_FAST_COMMENT_GROUPS = ("translator", "extracted", "references", "flags")
_FAST_STRING_GROUPS = ("pctx", "pid", "ctx", "id", "str", "opctx", "opid", "octx", "oid", "ostr")
# CR and the characters str.splitlines() breaks at (polib's reading differs there). Not the stand-ins:
# the careful path only swaps them (or refuses them) in a text with one of those line breaks.
_FAST_REFUSED = "\r" + _OTHER_LINE_BREAKS
_FAST_UNESCAPE_RE = re.compile(r'\\([ntrvbf"\\])')
_FAST_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}


def _fast_value(run: str, prefix: str) -> str:
    """The value of a string run: its pieces joined, unescaped."""
    raw = run[1:-1]
    if "\n" in raw:
        raw = raw.replace(f'"\n{prefix}"', "")
    return _fast_unescape(raw) if "\\" in raw else raw


def _fast_unescape(raw: str) -> str:
    """``_FAST_UNESCAPE_RE.sub`` by a few str.replace calls when no backslash is escaped.

    Without a ``\\\\`` the escapes are disjoint pairs, and a replacement never makes a
    backslash, so their order does not matter.
    """
    if "\\\\" in raw:
        return _FAST_UNESCAPE_RE.sub(_fast_unescaped, raw)
    if raw.count("\\") == raw.count("\\n"):  # only newlines (a header's usual escapes)
        return raw.replace("\\n", "\n")
    for pair, character in _FAST_ESCAPE_PAIRS:
        if pair in raw:
            raw = raw.replace(pair, character)
    return raw


def _fast_unescaped(match: re.Match[str]) -> str:
    return _FAST_UNESCAPES[match.group(1)]


_FAST_ESCAPE_PAIRS = tuple(
    ("\\" + key, character) for key, character in _FAST_UNESCAPES.items() if key != "\\"
)


def _fast_parse(text: str) -> Catalog | None:
    """The catalog, or None when the careful path must decide."""
    if _fast_refuses(text):
        return None
    catalog = _fast_parse_whole(text)
    return catalog if catalog is not None else _fast_parse_entries(text)


def _fast_refuses(text: str) -> bool:
    """Whether the text has characters the fast path leaves to the careful one."""
    return any(character in text for character in _FAST_REFUSED)  # faster than a regex


def _fast_parse_whole(text: str) -> Catalog | None:
    """_fast_parse_entries in one findall, for texts with comment lines in gettext's order.

    Faster: findall gives each entry's groups as a tuple of strings, without match
    objects, and the usual entry (one-line strings without escapes, no context nor
    previous strings) costs one call of ours. An absent group is "" (a previous or context
    run that is there has its quotes, references their newline). None: the entry-by-entry
    path decides (or gives up too).
    """
    entries: list[Entry] = []
    plain: list[str] = []  # the msgids without a context, for duplicates
    keyed: set[tuple[str, str]] = set()
    header: Catalog | None = None
    line = 1
    blank, append, append_plain = blank_entry, entries.append, plain.append
    for (
        head, translator, extracted, references, flags, pctx, pid, ctx,
        opctx, opid, octx, obsolete_prefix, value, translation, separator, bad,
    ) in _FAST_WHOLE.findall(text):  # fmt: skip
        if bad:
            return None
        msgid_line = line + head.count("\n")
        line = msgid_line + 1 + len(separator)
        if obsolete_prefix:
            ctx, pid, pctx = octx, opid, opctx
        run = value
        if "\n" in value:
            joint = _FAST_JOINTS[obsolete_prefix]
            value = value.replace(joint, "")
            if "\n" in value:  # (a line without its closing quote: see _FAST_WHOLE)
                return None
            line += (len(run) - len(value)) // len(joint)  # (each newline was in a joint)
        if "\\" in value or '"' in value:  # (a loose line: see _FAST_WHOLE)
            if _FAST_RUNS[obsolete_prefix](run) is None:
                return None
            value = _fast_unescape(value)
        if not value:
            if entries or header is not None or obsolete_prefix or ctx or pid or pctx:
                return None  # the careful path reports it (or reads a header that is not first)
            if _FAST_RUNS[""](translation) is None:  # (a loose line: see _FAST_WHOLE)
                return None
            header_flags = _fast_comments(flags)[3] if flags else []
            header = _fast_header(translation, _fast_translator(translator), header_flags)
            if header is None:
                return None
            line += translation.count("\n")
            continue
        run = translation
        if "\n" in translation:
            joint = _FAST_JOINTS[obsolete_prefix]
            translation = translation.replace(joint, "")
            if "\n" in translation:
                return None
            line += (len(run) - len(translation)) // len(joint)
        if "\\" in translation or '"' in translation:
            if _FAST_RUNS[obsolete_prefix](run) is None:
                return None
            translation = _fast_unescape(translation)
        entry = blank()  # then only the fields that are not their default are set
        fields = entry.__dict__
        fields["msgid"] = value
        fields["msgstr"] = translation
        if ctx:
            context = _fast_value(ctx, obsolete_prefix)
            if (context, value) in keyed:
                return None
            keyed.add((context, value))
            fields["msgctxt"] = context
        else:
            append_plain(value)  # (duplicates are looked for once, at the end)
        if flags:
            fields["flags"] = tuple([flag for flag in _fast_comments(flags)[3] if flag])
        if references:
            if "\n#:" in references:  # (the words of the lines after the first '#:')
                references = references.replace("\n#:", "\n")
            fields["references"] = tuple(references.split())
        if extracted:
            if "\n#." not in extracted:  # the usual single line
                fields["extracted_comments"] = (extracted[3:-1] if extracted[2] == " " else extracted[2:-1],)
            else:
                fields["extracted_comments"] = _fast_extracted(extracted)
        if translator:
            fields["translator_comments"] = _fast_translator(translator)
        if pid:
            previous_prefix = _FAST_PREVIOUS_PREFIX[obsolete_prefix]
            fields["previous_msgid"] = _fast_value(pid, previous_prefix)
            if pctx:
                fields["previous_msgctxt"] = _fast_value(pctx, previous_prefix)
        elif pctx:
            return None
        if obsolete_prefix:
            fields["obsolete"] = True
        fields["line"] = msgid_line
        append(entry)
    if len(set(plain)) != len(plain):
        return None
    if header is None:
        return Catalog(entries=tuple(entries))
    return Catalog(
        header.header_comments, header.header_fields, header.header_flags, tuple(entries)
    )


def _fast_translator(lines: str) -> tuple[str, ...]:
    """The texts of translator comment lines, without their '# ' (or a bare line's '#')."""
    return tuple([line[2:] for line in lines[:-1].split("\n")]) if lines else ()


def _fast_parse_entries(text: str) -> Catalog | None:
    """The catalog read entry by entry (comment lines in any order), or None."""
    ordered, any_order = _fast_entry_regexes()
    match_ordered, match_any, count = ordered.match, any_order.match, text.count
    entries: list[Entry] = []
    seen: set[tuple[str | None, str]] = set()
    header: Catalog | None = None
    position, line, end = 0, 1, len(text)
    while position < end:
        match = match_ordered(text, position)
        if match is not None:
            translator, extracted, references, flags = _fast_ordered_comments(*match.group(*_FAST_COMMENT_GROUPS))
        else:
            match = match_any(text, position)
            if match is None:
                return None
            translator, extracted, references, flags = _fast_comments(match.group("comments"))
        pctx, pid, ctx, msgid, msgstr, opctx, opid, octx, oid, ostr = match.group(*_FAST_STRING_GROUPS)
        obsolete = oid is not None
        if obsolete:
            pctx, pid, ctx, msgid, msgstr, keyword_prefix, previous_prefix = (
                opctx, opid, octx, oid, ostr, "#~ ", "#~| ")
        else:
            keyword_prefix, previous_prefix = "", "#| "
        msgid_line = line + count("\n", position, match.start("oid" if obsolete else "id"))
        line += count("\n", position, match.end())
        position = match.end()
        value = _fast_value(msgid, keyword_prefix)
        context = None if ctx is None else _fast_value(ctx, keyword_prefix)
        if value == "":
            if entries or header is not None or obsolete or context is not None or pid or pctx:
                return None  # the careful path reports it (or reads a header that is not first)
            header = _fast_header(msgstr[1:-1], translator, flags)
            if header is None:
                return None
            continue
        if pctx is not None and pid is None:
            return None
        key = (context, value)
        if key in seen:
            return None
        seen.add(key)
        entries.append(entry_from_fields({
            "msgid": value,
            "msgstr": _fast_value(msgstr, keyword_prefix),
            "msgctxt": context,
            "flags": tuple(flag for flag in flags if flag) if flags else (),
            "references": references,
            "extracted_comments": extracted,
            "translator_comments": translator,
            "previous_msgid": None if pid is None else _fast_value(pid, previous_prefix),
            "previous_msgctxt": None if pctx is None else _fast_value(pctx, previous_prefix),
            "obsolete": obsolete,
            "line": msgid_line,
        }))
    if header is None:
        return Catalog(entries=tuple(entries))
    return replace(header, entries=tuple(entries))


def _fast_comments(comments: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], list[str]]:
    """Translator and extracted comments, references and flags (as polib lists them)."""
    translator: list[str] = []
    extracted: list[str] = []
    references: list[str] = []
    flags: list[str] = []
    if comments:
        for comment in comments[:-1].split("\n"):
            kind = comment[1:2]
            if kind == ".":
                body = comment[2:]
                extracted.append(body[1:] if body.startswith(" ") else body)
            elif kind == ":":
                references.extend(comment[2:].split())
            elif kind == ",":
                if comment[2:].strip():  # polib skips a '#,' line without flags
                    flags.extend(flag.strip() for flag in comment[3:].split(","))
            else:
                translator.append(comment[2:])
    return tuple(translator), tuple(extracted), tuple(references), flags


def _fast_ordered_comments(
    translator: str, extracted: str, references: str, flags: str
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], list[str]]:
    """_fast_comments for comment lines in gettext's order: each kind's lines in one piece of text."""
    return (
        _fast_translator(translator),
        _fast_extracted(extracted) if extracted else (),
        tuple(references.replace("\n#:", "\n")[2:].split()) if references else (),  # (the lines' words)
        _fast_comments(flags)[3] if flags else [],
    )


def _fast_extracted(lines: str) -> tuple[str, ...]:
    """The texts of '#.' lines: one space after the marker is not part of the text."""
    if lines.count("\n") == 1:  # the usual single line, without a list comprehension
        return (lines[3:-1] if lines[2:3] == " " else lines[2:-1],)
    return tuple([line[3:] if line[2:3] == " " else line[2:] for line in lines[:-1].split("\n")])


def _fast_header(content: str, comments: tuple[str, ...], flags: list[str]) -> Catalog | None:
    """The header as the careful path reads it (fields split as polib splits them).

    ``content``: the msgstr run without its first and last quote.
    """
    raw = content.replace('"\n"', "") if "\n" in content else content
    if "content-type" in raw.lower():  # _check_charset, line by line
        for piece in content.split('"\n"'):
            match = _CHARSET_RE.search(piece) if "content-type" in piece.lower() else None
            if match and match.group(1).removesuffix("\\n").upper() not in ("UTF-8", "CHARSET"):
                return None
    if "\\" in raw:
        raw = _fast_unescape(raw)
    fields: dict[str, str] = {}
    key = None
    for field_line in raw.splitlines():
        try:
            key, value = field_line.split(":", 1)
            fields[key] = value.strip()
        except ValueError:
            if key is not None:
                fields[key] += "\n" + field_line.strip()
    return Catalog(header_comments=tuple(comments), header_fields=tuple(fields.items()), header_flags=tuple(flags))


# =========================================================================== writing

# gettext 0.21's format_language[] order, which is the order msgcat prints them.
_FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript",
    "scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal",
    "smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl",
    "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp",
)
_FORMAT_RANK = {lang: rank for rank, lang in enumerate(_FORMAT_LANGUAGES)}
_RANGE_RE = re.compile(r"range:\s*(\d+)\s*\.\.\s*(\d+)\Z")
_REFERENCE_RE = re.compile(r"(.*):(\d+)\Z", re.DOTALL)
_ESCAPE_TABLE = str.maketrans(
    {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
     "\\": "\\\\", '"': '\\"'}
)
_NEEDS_ESCAPE_RE = re.compile(r'[\a\b\f\n\r\t\v\\"]')
_ESCAPED_PAIR_RE = re.compile(r"\\.", re.DOTALL)


def _format_header(catalog: Catalog) -> str:
    """_format_entry for the header entry; its msgstr (the field lines) is wrapped a field line at a time.

    Each 'Name: value\\n' line is a portion of that msgstr when no name or value has a newline, and
    with two lines or more _wrapped starts a line for each: the same lines, without the whole
    msgstr (new in every catalog) taking a place in _wrapped's cache.
    """
    fields = catalog.header_fields
    lines = [f"{name}: {value}" for name, value in fields]
    flat = "".join(lines)
    plain = flat.isascii() and flat.isprintable() and '"' not in flat and "\\" not in flat  # (and no newline)
    if len(fields) < 2 or not plain and any("\n" in line for line in lines):
        msgstr = "".join(f"{name}: {value}\n" for name, value in fields)
        return _format_entry(Entry(msgid="", msgstr=msgstr, flags=catalog.header_flags,
                                   translator_comments=catalog.header_comments))
    flags_line, wrap = _flags_line(catalog.header_flags, True) if catalog.header_flags else ("", True)
    width = (PAGE_WIDTH if wrap else _NO_WRAP_WIDTH) - 2
    if plain:  # one column a character, only the final newline to escape ('\\n'): a line that fits is one line
        portions = [
            f'"{line}\\n"\n' if len(line) + 2 <= width else _wrapped_portion("", f"{line}\n", width) for line in lines
        ]
    else:
        portions = [_wrapped_portion("", f"{line}\n", width) for line in lines]
    comments = _comment_block(catalog.header_comments, (), ())
    return "".join([comments, flags_line, 'msgid ""\nmsgstr ""\n', *portions])


def _format_entry(entry: Entry) -> str:
    """One message as write-po.c's message_print / message_print_obsolete: its lines, each ending in '\\n'.

    A segment's entries in the POT and each PO share comments, references and
    msgid: _wrapped remembers its lines, and _format_texts reuses the lines of the
    catalog written before (caching whole entries costs more than it saves:
    hashing an Entry takes as long as this).
    """
    head, lines = _entry_parts(entry)
    return head + lines


def _entry_parts(entry: Entry) -> tuple[str, str]:
    """_format_entry's lines before the msgstr, and the msgstr's."""
    flags_line, wrap = _flags_line(entry.flags, entry.msgstr != "") if entry.flags else ("", True)
    parts = [_comment_block(entry.translator_comments, entry.extracted_comments, entry.references)]
    if flags_line:
        parts.append(flags_line)
    if entry.previous_msgid is not None:
        previous_prefix = "#~| " if entry.obsolete else "#| "
        if entry.previous_msgctxt is not None:
            parts.append(_wrapped(previous_prefix, "msgctxt", entry.previous_msgctxt, wrap))
        parts.append(_wrapped(previous_prefix, "msgid", entry.previous_msgid, wrap))
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        parts.append(_wrapped(prefix, "msgctxt", entry.msgctxt, wrap))
    parts.append(_wrapped(prefix, "msgid", entry.msgid, wrap))
    return "".join(parts), _wrapped(prefix, "msgstr", entry.msgstr, wrap)


def _comment_block(
    translator: tuple[str, ...], extracted: tuple[str, ...], references: tuple[str, ...]
) -> str:
    """The '#', '#.' and '#:' lines of an entry, each ending in '\\n' (or '').

    Not cached: a template's entries share comments only with the entries next to them (the segments
    of a line, which _format_texts writes once), and a catalog's entries take their template entry's
    lines (see _same_head). Keying a cache by new references cost more than it saved.
    """
    if not translator and len(references) == 1 and _CANONICAL_REFERENCE_RE.match(references[0]):
        # a template entry's usual comments: one '#:' line with the reference as it is
        if len(extracted) == 1 and extracted[0] and "\n" not in extracted[0]:  # and one '#.' line
            return f"#. {extracted[0]}\n#: {references[0]}\n"
        return "".join([f"{line}\n" for line in _comment_lines("#.", extracted)]) + "#: " + references[0] + "\n"
    lines = [*_comment_lines("#", translator), *_comment_lines("#.", extracted), *_reference_lines(references)]
    return "\n".join(lines) + "\n" if lines else ""


# A reference _canonical_references writes unchanged: ``name:number``, the number (after the last colon)
# in ASCII digits without a leading zero, the name without a leading './'.
_CANONICAL_REFERENCE_RE = re.compile(r"(?!\./).*:[1-9][0-9]*\Z", re.DOTALL)


def _comment_lines(marker: str, items: tuple[str, ...]) -> list[str]:
    """'# text' per line, a bare '#' for an empty one (message_print_comment)."""
    return [f"{marker} {line}" if line else marker for item in items for line in item.split("\n")]


def _reference_lines(references: tuple[str, ...]) -> list[str]:
    """'#:' lines packed up to the page width, as message_print_comment_filepos does."""
    if not references:
        return []
    lines, current, column = [], "#:", 2
    for ref in _canonical_references(references):
        if not ref:
            continue
        length = len(ref.encode("utf-8")) + 1
        if column > 2 and column + length > PAGE_WIDTH:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += length
    lines.append(current)
    return lines


def _canonical_references(references: tuple[str, ...]) -> list[str]:
    """gettext's view: (file, line number) pairs, once each; './' is dropped when printing."""
    seen: set[tuple[str, int | None]] = set()
    result = []
    for ref in references:
        match = _REFERENCE_RE.match(ref)
        name, number = (match.group(1), int(match.group(2))) if match else (ref, None)
        if (name, number) in seen:
            continue
        seen.add((name, number))
        while name.startswith("./"):
            name = name[2:]
        result.append(name if number is None else f"{name}:{number}")
    return result


@functools.lru_cache(maxsize=256)  # flags come in a few combinations (mostly: fuzzy, for a header or a draft)
def _flags_line(flags: tuple[str, ...], translated: bool) -> tuple[str, bool]:
    """The '#, ' line of an entry with these flags ('' when none is written), and whether its strings are wrapped."""
    ordered, wrap = _canonical_flags(flags, translated)
    return ("#, " + ", ".join(ordered) + "\n" if ordered else ""), wrap


def _canonical_flags(flags: tuple[str, ...], translated: bool) -> tuple[list[str], bool]:
    """Flags in the order msgcat prints them, and whether the entry's strings are wrapped (``translated``:
    the msgstr is not empty)."""
    fuzzy = "fuzzy" in flags and translated
    formats: dict[str, str] = {}
    range_flag: str | None = None
    wrap = True
    unknown: list[str] = []
    for flag in flags:
        kind = _flag_kind(flag)
        if kind is None:
            if flag not in unknown and flag != "fuzzy":
                unknown.append(flag)
        elif kind[0] == "format":
            formats[kind[1]] = flag.removeprefix("possible-")
        elif kind[0] == "range":
            range_flag = kind[1]
        elif kind[0] == "wrap":
            wrap = kind[1] == "yes"
    ordered = ["fuzzy"] if fuzzy else []
    ordered.extend(formats[lang] for lang in sorted(formats, key=_FORMAT_RANK.__getitem__))
    if range_flag:
        ordered.append(range_flag)
    if not wrap:
        ordered.append("no-wrap")
    return ordered + unknown, wrap


def _flag_kind(flag: str) -> tuple[str, str] | None:
    """Classify a flag the way gettext's po_parse_comment_special does."""
    if flag in ("wrap", "no-wrap"):
        return ("wrap", "no" if flag == "no-wrap" else "yes")
    match = _RANGE_RE.match(flag)
    if match:
        return ("range", f"range: {int(match.group(1))}..{int(match.group(2))}")
    if flag.endswith("-format"):
        lang = flag.removesuffix("-format")
        for prefix in ("possible-", "no-", ""):
            if lang.startswith(prefix) and lang[len(prefix):] in _FORMAT_RANK:
                return ("format", lang[len(prefix):])
    return None


# =========================================================================== wrapping


@functools.lru_cache(maxsize=8192)  # a msgid is written to the POT and every PO
def _wrapped(prefix: str, keyword: str, value: str, wrap: bool) -> str:
    """The lines for ``keyword "value"``, each ending in '\\n': write-po.c's wrap() without the indent style.

    The value is cut after each '\\n'; each portion is escaped, then broken where
    libunistring allows a break and the line would exceed the page width. When
    the first portion does not fit (or more portions follow) the first line is
    ``keyword ""``.
    """
    width = (PAGE_WIDTH if wrap else _NO_WRAP_WIDTH) - 2 - len(prefix)  # continuation lines start with prefix + '"'
    room = width - len(keyword) - 1  # the columns after 'keyword "' (see first_startcol)
    if value.isascii():
        if len(value) <= room:  # it fits: with nothing to escape, what the code below writes
            if value.isprintable() and '"' not in value and "\\" not in value:
                return f'{prefix}{keyword} "{value}"\n'
        else:  # (one pass gives the codes and tells whether anything is escaped)
            data = value.encode("ascii").translate(_ASCII_PLAIN_CODES)
            if _ESCAPED not in data:  # printable: spaces and table classes, one column each
                return _one_column_lines(prefix, keyword, value, data, width)
    elif 2 * len(value) <= room and value.isprintable() and '"' not in value and "\\" not in value:
        return f'{prefix}{keyword} "{value}"\n'  # it fits (no character is 3 columns wide), as it is
    elif (data := _plain_codes(value)) is not None:  # one column a character, nothing to escape
        return _one_column_lines(prefix, keyword, value, data, width)
    if value.find("\n", 0, -1) >= 0:  # several portions: each starts a line of its own
        portions = [_wrapped_portion(prefix, portion, width) for portion in _portions(value)]
        return f'{prefix}{keyword} ""\n' + "".join(portions)
    text, glued = _escape(value)
    first_startcol = len(keyword) + 1  # 'keyword "' minus the continuation indent
    codes: list[bytes] = []  # the escaped text's codes, computed once when needed
    breaks = _breaks(text, glued, width, 0, codes)
    head = f"{prefix}{keyword} "
    if text and (first_startcol > width or breaks or _breaks(text, glued, width, first_startcol, codes)):
        # (breaks at column 0 imply breaks at first_startcol: the first line only gets longer)
        head = f'{head}""\n{prefix}'
    return _lines(head, prefix, text, breaks)


def _one_column_lines(prefix: str, keyword: str, value: str, codes: bytes, width: int) -> str:
    """_wrapped's lines for a value with nothing to escape whose characters are one column each (``codes``
    without _UNUSUAL ones): the columns are the indices, so _breaks' fit checks are length checks."""
    first_startcol = len(keyword) + 1
    columns = len(value)
    if first_startcol + columns <= width:  # it fits after the keyword (non-ASCII text too short to be sure)
        return f'{prefix}{keyword} "{value}"\n'
    breaks = _fit_lines(codes, None, _NOTHING_GLUED, width, 0) if columns > width else []
    if breaks or first_startcol > width or _fit_lines(codes, None, _NOTHING_GLUED, width, first_startcol):
        return _lines(f'{prefix}{keyword} ""\n{prefix}', prefix, value, breaks)
    return _lines(f"{prefix}{keyword} ", prefix, value, breaks)


@functools.lru_cache(maxsize=1024)  # the header's lines are much the same in every catalog
def _wrapped_portion(prefix: str, portion: str, width: int) -> str:
    """The lines of a portion that starts a line of its own."""
    text, glued = _escape(portion)
    return _lines(prefix, prefix, text, _breaks(text, glued, width, 0, []))


def _lines(head: str, prefix: str, text: str, breaks: list[int]) -> str:
    """``head"piece"`` and ``prefix"piece"`` for the next pieces of ``text`` cut at ``breaks``: lines ending in '\\n'."""
    if len(breaks) == 1:  # (the most common wrapped text: two lines)
        cut = breaks[0]
        return f'{head}"{text[:cut]}"\n{prefix}"{text[cut:]}"\n'
    if breaks:
        pieces, start = [], 0
        for cut in breaks:
            pieces.append(text[start:cut])
            start = cut
        pieces.append(text[start:])
        text = f'"\n{prefix}"'.join(pieces)
    return f'{head}"{text}"\n'


_NO_WRAP_WIDTH = 2**31 - 1  # INT_MAX, as for a no-wrap entry
_NOTHING_GLUED: frozenset[int] = frozenset()


def _portions(value: str) -> list[str]:
    """Split after each newline; an empty value is one empty portion."""
    if "\n" not in value:
        return [value]
    pieces = value.split("\n")
    portions = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        portions.append(pieces[-1])
    return portions


def _escape(portion: str) -> tuple[str, frozenset[int]]:
    """The escaped text and the positions that must not start a line (inside an escape)."""
    if portion.isprintable() and '"' not in portion and "\\" not in portion:  # (faster than the regex)
        return portion, _NOTHING_GLUED
    if not _NEEDS_ESCAPE_RE.search(portion):
        return portion, _NOTHING_GLUED
    text = portion.translate(_ESCAPE_TABLE)
    # every backslash of the escaped text starts a two-character escape
    glued = {match.end() - 1 for match in _ESCAPED_PAIR_RE.finditer(text)}
    if portion.endswith("\n"):
        glued.add(len(text) - 2)  # write-po.c: never break just before the final "\n"
    return text, frozenset(glued)


def _breaks(text: str, glued: frozenset[int], width: int, startcol: int, cache: list[bytes]) -> list[int]:
    """Indices of ``text`` that start a new line (u8_width_linebreaks with overrides).

    Fast paths: when the whole text fits, no break can be inserted (for ASCII,
    the length is an upper bound of the columns); printable ASCII, and texts
    without the classes _codes_linebreaks handles itself, go straight to the
    greedy fit. ``cache`` keeps the text's codes for a second call on the same text.
    """
    if text.isascii():
        if startcol + len(text) <= width:
            return []
        if text.isprintable():  # spaces and table classes, one column each
            return _fit_lines(text.encode("ascii").translate(_ASCII_CODES), None, glued, width, startcol)
    if not cache:
        cache.append(_text_codes(text))
    data = cache[0]
    widths = data.translate(_CODE_WIDTHS_OR_UNUSUAL)
    if widths.count(1) == len(widths):  # the usual case: one column each, no unusual class
        return [] if startcol + len(widths) <= width else _fit_lines(data, None, glued, width, startcol)
    if _UNUSUAL in widths:
        widths = data.translate(_CODE_WIDTHS)
        if startcol + len(widths) - widths.count(0) + widths.count(2) <= width:
            return []
        return _codes_linebreaks(data.decode("latin-1"), glued, width, startcol)
    if startcol + len(widths) - widths.count(0) + widths.count(2) <= width:
        return []
    return _fit_lines(data, list(itertools.accumulate(widths, initial=0)), glued, width, startcol)


# ---------------------------------------------------------------- UAX #14, libunistring 1.0

# Line break classes as numbered in libunistring 1.0's lbrktables.h; 0..32 index
# the pair table, the others are resolved by the algorithm itself.
_WJ, _GL, _B2, _BA, _BB, _HY, _CL, _CP1, _CP2, _EX, _IN, _NS, _OP1, _OP2, _QU = range(15)
_IS, _NU, _PO, _PR, _SY, _AL, _H2, _H3, _ID1, _ID2, _JL, _JV, _JT, _HL, _RI = range(15, 30)
_ZWJ, _EB, _EM = 30, 31, 32
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = range(33, 43)
_HL_BA = 100  # runtime only: Hebrew letter followed by a hyphen or BA (LB21a)
_RESOLVE = {_AI: _AL, _CB: _ID1, _SA: _AL, _XX: _AL}  # UTF-8 is not a CJK encoding

_PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2

# unilbrk_table[last][this] (lbrktables.c): D = direct break, I = break only
# after spaces, P = no break.
_PAIR_ROWS = (
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII",
    "PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",
    "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP",
    "PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII",
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII",
    "PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",
    "PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD",
    "PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD",
    "PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI",
    "PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD",
)
_PAIR = tuple(tuple("DIP".index(c) for c in row) for row in _PAIR_ROWS)
_DIRECT, _INDIRECT, _PROHIBITED_PAIR = 0, 1, 2

# Every code point's line break class and column width, as libunistring 1.0
# (Unicode 14.0) has them: its unilbrkprop table and uc_width(cp, "UTF-8").
# Run-length encoded (a byte class*4 + width+1, then the run length as a
# LEB128 varint), zlib-compressed, base85. tests/catalog/test_pofile.py
# rebuilds it from the installed libunistring and compares.
_UNICODE_DATA = (
    "c-rk*O>A9971sRRpLgGT*Y?Ywe-hhCotM-}?8HsuU`mp@)TK_<HpeY(g><KSDO44zklYG{km3LlM"
    "WUe0i^?JrMS7{<V!S~@qUr`!2*d&eETHOwMOm?6L07;6wS4E?YvcT=f_)a}&D@zYXU@;eIcLuE>T"
    "23hud6HiyXtD|x@xNhMQT|s;depJsd4!_qjm!xSBu#hO{T4AY!0KC+c&3jH42=o@fCG-G{%Z0wQN"
    "ZBG(c!I6={rNq=m0uw4i!sPSKv8q6xt7O;5Ej1OOr+=~-S%7^O-7M5KHpN_>;jpvj)Wc(9ZNZWZk"
    "We4u<neg0|#<M<gcgjO$O#2?F*2d38yZS+IBIu`7zB^~M)Vlqnx0%>38xwfGre%E5Qq!uA0)?IA#"
    "+T;TN#=v4KSh<+-zA~z4+>c?m=X@Rf<e1s-Ys@9D4BD$@O}nv1VN`jj#Yey%0Iwt7pvPR-Lqrpxr"
    "$g*hn)bsNl%MP>I^|VYxbGUDb}hbm|AaEHbLL@)N3fptq5-?nFZE)`^4_u%JzxR&JEUFK9<MSUqo"
    "AUfG(}5dWJt(7>n?K@3*LXJ>MdX_rmTZy8ju6J3JLb)9g;=xC)!gXt7z4DKfrcc(H4gh>?C+y*&p"
    "i$Sl7ZGxB_KpA2@fGb~`O48rvpuNQCmu5~tv+JUuZq#e7+`x;jx>`aEu^5iC;yHPbaBbID)aEp1&"
    "}<~5O*8PF}I+yfXaIr63ptw2M}6?hR0rl2<^3<*wojrVBXOd;DQSHgRXesoB{O<Y={qQE>iA*bHb"
    "^Syjh#rA5GZ{S!mI8|Ath1wF!zp2$0q#dp-#oQ%gQ;U_%JKH7=G4|qJRA}^%udBXZPl8=m{bW5QI"
    "EGw@gMHBAo7jg<`@>Z~6Wkj5TE;Q99t-EXZ^I<+IqpYG$ADbLsvX7Pp)K|z>`7U5hXv-~Y#6`?Yi"
    "kN;Fvon9^Bs?T9o$X@m1CtB`A9QW=r)R(zhmpRkKF+pJn6phO}3w+Z`VzK5c5spSNCIX7qh<M7QR"
    "JnE!sK$;`1+k?&W9cQ8_z$%Nue3-m2YyhdI9YpQ`!~@y#LlDjI|CM`6>?V-$M9$j25xqbw$-&gTX"
    "$BB2%zlL|H3!ABa(u3<!n1~p5gbH9I*MOsfF4vSFF^$gSvS^yYItt(M`ObogWH^Lsd&2GiO%_^CD"
    "4tqsV<^f*{yc9BaPkfZIv#G8`jDum>)wEef<6_!+|7fuNQ9dXzvVqd(y{;~`?w?v`4xkQcnZFb&&"
    "iIJ)z6|{wUlZYkw>YS?a+xE!)R8X@Zp2(Fw>ZW%szD3lI%u4)eOFu;l*-5ZsI1m}^mz=2Jf*|k6p"
    "oayjmabIhf5C3shlrPLPx-5J*48Kn_YIamX8o$ovs8B=;B@F&(RNcX($Od+@_U@H(>%}_oHQV=Yp"
    "eX2U@<GeBFVQC$Y-S8<6empv}iV*O|o31wE%05FZ!#OHZ3zeMfs-iKUe1dTIvr&d3#*frAp;!VbA"
    "n>H@o(jGZHbXUZ5HL=jA-kG-40EGLM>IluxWDgy@mez;u2K>#bbt#K%ZbIZU(ivD4=Q5Bw5uR*q#"
    "(Lhg}3VNq|<;o+{LQdwKDV5{Pk_li9ueTKqhFIDNV-_p2Y6b7p6bg*11zJ_xtZ?dp5y0%UqTx-KK"
    "rtr|4p{SQOwrHP3Ot@ug?5VW3nMV@uHKJ%-^Z}uLC_eKJu=Bu63AKZVYgZ%yfV%pfOXPb0d8SMN-"
    "Z)0&jGst-NIbLW;9Y5kyT_{X;4Gxb4H|!GAk<eF#xu9tdu%dXj9N0a=M5Bre_O`p~V`9)rIT<FqJ"
    "MLR4>MymU--ZiCc^o325m;ujxygM$x|q!1V13*4}{r7Gl2h;Mi<x?oQAf$0`H`tjqzCXn5jIm~`z"
    "E3EhT%cB?ljzdzED{66OJ2A|eZ+>}Y2*7w;z>JYVYxH%r=>Lwq2n)3o=db#I#Srb3|3E(Fe@;v1g"
    "oUoE!&<wZomRru-#KqviXPS4;fmN=QQ8>KYR;h5njczFS+(yH_r#41iW5W)pG41p$EX1erR=9n1m"
    "VdR&yuGGfbWOQvR<m_CFyn585x~T@?^r-@z_-m>jOhP$g|m#m5xFB^zW_Y7(U=`{6X+f8rS8L1bk"
    "4o;7BBc`x?$Y>MvZ2mgzv*;iA4rEgA6<2tU1TckgscclAUE9!QuXfjkTFrMPZl*y^_?BJ?oy*Uvn"
    "RxIA!mH=yS4#xP&xS(_D8Do;uAXV)+(jElE(Z;a-nX+T-i+>PWj^+=pbvR1rg0allZVn=&QEdU%q"
    "4gqV{dGDVUg#e&7Lpe7up94E@8guQ8hFR<^ENM$4$h$OOd@-p0ys4lTZ^Ksz#ga{c|u^`@d6d%C8"
    "uapTSLoNww8G)ZsUl_X!ci}GFg}ZPU{vQa9m-Ynv@`-R|(Ou?JSOc*&T19MG%}A}{J-CV(w~Cm%s"
    "w>Fol`u$u)10r+lL%9%ID5j|yRpOpdGIV!kF)xaBqc}GM(hV&bf>iC_7uh?0JKO`u-@H_ks^&y=h"
    "Y+l-LS-g_cg>n1>{3mE)yjYT@rD1WF!W2WAo+rzN!^+qw16z#f!F3Gg)zLMi&#o6o|Q7V1juB+c|"
    "SyO9almc@w!Y#BJbvR9<0a!Ds+uc{o7d2vN@O*ki~*o-JQUP|GYGL!ADWA|w`cA`Ezbqg$FnXdg#"
    "H)Amp|dYu1EVLZ(_xtXRnH(%FNf^6w9QlOK_P#V=+aI;)hzv=rSdYhAw-GM7p!}3_1mP*XSl2CB!"
    "bhN5Vu_$|F-$y{Y7LHc}MYJDJS{9LW<8#Q3E$syEtS<`#5wbH|)rR&-#f}p&JbF2=#Ys4alW>shc"
    "@*XGG#438fnEZhG$fBem#cdXF#IGv8s_nuY623P_BNyt887{bl5Kv=N`dZik$$(YW1HR75(e6|7p"
    "WqW^|DY$_xk}(vzggNF3CxOHPj@RJI3WJ&d*3+Kw8c@)&-_K!Uaa;gNCN0Hh{PHV#Y6EDNLnwk1q"
    "?yOoy|}<DgT+oRy@W%eRt+acPmUawA3LI<>eY%jGV~)mV=55x^PSgWHNYrRB1mbJbZX{G}lhj`Sy"
    "#C#8NMlsAi$W~-1GQN$yjOKws49@HZBUhO5d1mm`<u9Y<~6UIfTSd?geS)8csfE>6g`BoDx$k0ZX"
    "nhy{cYY)iMbeoLGpqcwtGwh%vWx*M<LL75kl{wWP3tF;ZE}g+z$f5Bt>ZjoyoJ>(~Ssr<T&T(B4="
    "OnFaoN1+i;cm>;%d)myR%%N#K>amru_P-Fm8^SazA_@zGse|lIS7ZDEv~?e;pCU=`PICk87bSyo2"
    "_M_uO`mwYh_XNAlGw(Aj;DO?*LpK)8aDYIJShf7(=ppzA%q&*{<zlDTVSV*MwwCx#e+%G1-mE*-E"
    "Qb5j^}%OR0`k{I-&!_P!-cL!pU_dOZnWqOSyIrB1(8;kP^KBKUpZ&Y4l1?9pv+bNV|sntlo%qU3}"
    "cQQ_AU^gEfSuZ4FWqIWE=;zW>l4lMdaDC>AESCsSH<hW0ulq{E$ycCRCx?MPVJHk&QdPa`H7wNos"
    "1=XDo39d;qoSU_g3iWF`<nCXyA$6DImG?}TcD3-=hgWbFRzPM2g1Z|!9Gf*^XcouNy>7yl7JV7i*"
    "_(1@P2N=O8DQQ&Px%=z#xM3)!vpjW=I;>Z9}p9oE<z9dKtkhS;WJ?uEpk0BT<1&Lpl7gZB)q2R>A"
    ")^f{){M#>HOCaz8lp&W%(Yg3ax4Ny|=o*QS}!IkNuGszQqOcIl659JTA!`KLv@a3Yu>oyg!?FAp9"
    "YPj{i~~qanGj<&lWOpA^Rr@SKSM=RX_X)eu01Av)@DT|%_1!UyHM&~8N_MZaR!YoK&5eU^_FU#(#"
    "0bnr2Kda10$+3*<j@QZTcShZMHaUrV+mW9Vy{u$d|h%~q0-wK;^wo;MZMvrL^!HA|(*-$tM{2%DT"
    "I#nF%*y4pwqZsIDfGTpQ@O!Y6^_qq0jg#&zkm249)zde!UaL@@(_bBR=3>(wy=YzSV&e40+{G8KE"
    "4ROBxLTpy5+GSqE-z9pV7Xl@+C?kMMQg@si~}z5cm({Rf-8H*nQuq#ESJCvwWfhlce~bhI0I~pRS"
    "Liq6;lNzRYAn_(${X8>w_za8(hg<lgo9WW&y)R1H0KZRqVQ?(CVUzU1ljQ5Th}_4BBQ5*}#ICF=X"
    "96pgD-K8rrCc*MvLJHk}A<-RX{j>S`TBuXY;rbYVM*YjmK@&H$mM)18#EPE3c<jzg`w^Efq1sa?9"
    "3I#2}dOeBR=;NUn$J_D(hfO113anl{3r(l}A15I^|K+>tXeQ4{<%bMwA4m-KDldfTguCcl2!$I~M"
    "osV#c-A5mrjp{di^YUSw<Z=IexUBq#DqQ_{{Xa@<0c`"
)


_VARINT_RUN_RE = re.compile(rb"(.)([\x80-\xff]*[\x00-\x7f])", re.DOTALL)  # value byte, LEB128 length


def _leb128(data: bytes) -> int:
    """An unsigned LEB128 number: seven bits a byte, the least significant first."""
    return sum((byte & 0x7F) << 7 * shift for shift, byte in enumerate(data))


def _load_unicode_data() -> tuple[list[int], bytes]:
    """The runs as their first code points (for bisect) and their codes (class << 2 | width >= 0).

    Lookups bisect the ~3800 runs: expanding them into 0x110000-entry tables
    cost ~5 ms at every start. The classes libunistring resolves at run time
    for a non-CJK encoding (AI, CB, SA, XX) are resolved here once.
    """
    runs = _VARINT_RUN_RE.findall(zlib.decompress(base64.b85decode(_UNICODE_DATA)))
    lengths = [length[0] if len(length) == 1 else _leb128(length) for _, length in runs]
    starts = list(itertools.accumulate(lengths, initial=0))
    assert starts[-1] == 0x110000, "the runs cover every code point"
    resolve = bytes(_RESOLVE.get(value >> 2, value >> 2) << 2 | max((value & 3) - 1, 0) for value in range(256))
    return starts[:-1], b"".join([value for value, _ in runs]).translate(resolve)


_RUN_STARTS, _RUN_CODES = _load_unicode_data()


def _code_of(code_point: int) -> int:
    """A code point's class << 2 | width (the code of the run it falls in)."""
    return _RUN_CODES[bisect.bisect_right(_RUN_STARTS, code_point) - 1]


class _CodeMap(dict[int, str]):
    """str.translate table: code point -> chr(class << 2 | width), filled on first use."""

    def __missing__(self, code: int) -> str:
        value = self[code] = chr(_code_of(code))
        return value


_CODES = _CodeMap()
_ASCII_CODES = bytes(_code_of(code) for code in range(128)) + bytes(128)  # bytes.translate
_ESCAPED = 0xFF  # no code (no class is 63): _ASCII_PLAIN_CODES' mark for a quote, a backslash or a control
_ASCII_PLAIN_CODES = bytes(
    code if chr(byte).isprintable() and chr(byte) not in '"\\' else _ESCAPED for byte, code in enumerate(_ASCII_CODES)
)
_CODE_WIDTHS = bytes(code & 3 for code in range(256))  # bytes.translate: code -> width


def _codepage_table(codec: str) -> bytes:
    """bytes.translate table for text encoded with a one-byte ``codec``: byte -> code of its character.

    A byte the codec never produces (U+FFFE in its decoding table, which
    makes bytes.decode fail) gets 0.
    """
    decoding = importlib.import_module(f"encodings.{codec}").decoding_table
    return bytes(0 if character == "\ufffe" else _code_of(ord(character)) for character in decoding)


# One-byte codecs that cover most non-ASCII text of European languages (with
# typographic quotes and dashes): encoding with one of them and translating the
# bytes is many times faster than str.translate through _CODES. Python's
# charmap codecs encode a character to byte b only if b decodes to it.
_CODEPAGES = tuple((codec, _codepage_table(codec)) for codec in ("cp1252", "cp1251", "cp1254", "cp1250", "cp1253"))
# What text.encode(codec) calls, without the codec lookup and its Python-level encode method.
_CODEPAGE_MAPS = tuple(importlib.import_module(f"encodings.{codec}").encoding_table for codec, _ in _CODEPAGES)
_codepage_first = 0  # the codec that worked last is tried first (texts come in runs of one language)


def _text_codes(text: str) -> bytes:
    """``text.translate(_CODES)`` as bytes, through a bytes table when a one-byte codec can encode the text."""
    global _codepage_first
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CODES)
    first = _codepage_first  # (the codec of the text before, most often)
    for step in range(len(_CODEPAGES)):
        index = (first + step) % len(_CODEPAGES)
        try:
            data = _charmap_encode(text, "strict", _CODEPAGE_MAPS[index])[0]
        except UnicodeEncodeError:
            continue
        if step:
            _codepage_first = index
        return data.translate(_CODEPAGES[index][1])
    return text.translate(_CODES).encode("latin-1")


_RUN_RE = re.compile(r"(.)\1*", re.DOTALL)
_SPACE_CODE = chr(_SP << 2 | 1)  # U+0020 is the only SP, and one column wide
_WORD_RE = re.compile(f"{_SPACE_CODE}*(?:([^{_SPACE_CODE}])\\1*)?", re.DOTALL)

# Classes for which a second character of the class right after a first one
# never allows a break nor changes the state: such runs are skipped whole.
_STABLE = frozenset(
    [c for c in range(33) if _PAIR[c][c] != _DIRECT and c not in (_RI, _ZWJ)]
    + [_SP, _ZW, _CM, _ZWJ]
)

# Texts without these classes (nearly all of ours) need only the pair table
# (and LB30a for flags): a break before a character iff the table says
# "direct", or "indirect" and spaces precede it. Flat tables indexed by
# last * 34 + this; row 33 (= _BK, start of text) never breaks.
_SPECIAL_CLASSES = (_BK, _CR, _LF, _CM, _ZWJ, _ZW, _HL)
_SPECIAL_RE = re.compile(
    "[" + "".join(re.escape(chr(c << 2 | w)) for c in _SPECIAL_CLASSES for w in range(4)) + "]"
)
# code -> width, or _UNUSUAL for the codes that send a text to _codes_linebreaks
# (the special classes, and regional indicators, which _simple_linebreaks hands on).
_UNUSUAL = 3
_CODE_WIDTHS_OR_UNUSUAL = bytes(
    _UNUSUAL if code >> 2 in _SPECIAL_CLASSES or code >> 2 == _RI else code & 3 for code in range(256)
)


def _plain_codepage_table(codec: str, table: bytes) -> bytes:
    """_ASCII_PLAIN_CODES for a one-byte codec: the code of a character _wrapped's one-column path takes as
    it is (one column, a usual class, neither a quote nor a backslash), else _ESCAPED."""
    decoding = importlib.import_module(f"encodings.{codec}").decoding_table
    return bytes(
        code if _CODE_WIDTHS_OR_UNUSUAL[code] == 1 and decoding[byte] not in '"\\' else _ESCAPED
        for byte, code in enumerate(table)
    )


_PLAIN_CODEPAGES = tuple(_plain_codepage_table(codec, table) for codec, table in _CODEPAGES)


def _plain_codes(text: str) -> bytes | None:
    """The codes of a non-ASCII text for _wrapped's one-column path, or None when it may not take it.

    One encoding with the one-byte codec that worked last, one translation, one search, in place of
    the path's checks (three searches for a quote, a backslash and a newline; _text_codes, then a
    second translation for one column and a usual class each). None also when that codec cannot
    encode the text: the exact path then finds the codes (and the codec) itself.
    """
    index = _codepage_first
    try:
        data = _charmap_encode(text, "strict", _CODEPAGE_MAPS[index])[0].translate(_PLAIN_CODEPAGES[index])
    except UnicodeEncodeError:
        return None
    return None if _ESCAPED in data else data


_BREAK_DIRECT = tuple(
    last < 33 and this < 33 and _PAIR[last][this] == _DIRECT
    for last in range(34)
    for this in range(34)
)
_BREAK_AFTER_SPACE = tuple(
    last < 33 and this < 33 and _PAIR[last][this] != _PROHIBITED_PAIR
    for last in range(34)
    for this in range(34)
)
# Table classes that allow a break between two of their own (ideographs...),
# and regional indicators, which LB30a pairs into flags.
_SELF_BREAKING = frozenset(c for c in range(33) if _PAIR[c][c] == _DIRECT or c == _RI)


def _code_pair_table(flat: tuple[bool, ...]) -> bytes:
    """A class-pair table (last * 34 + this) as bytes indexed by codes: last_code << 8 | this_code.

    Codes of classes >= 33 (and past 33 * 4) get 0. Built from one 256-byte row per class.
    """
    spread = operator.itemgetter(*[code >> 2 for code in range(33 * 4)])  # a class's entry for each of its codes
    rows = [bytes(spread(flat[last * 34 : last * 34 + 33])) + bytes(256 - 33 * 4) for last in range(33)]
    return b"".join([rows[code >> 2] for code in range(33 * 4)]) + bytes((256 - 33 * 4) << 8)


_SPACE_BYTE = ord(_SPACE_CODE)
_DIRECT_CODES = _code_pair_table(_BREAK_DIRECT)
_AFTER_SPACE_CODES = _code_pair_table(_BREAK_AFTER_SPACE)
_SELF_BREAKING_CODES = bytes(code >> 2 in _SELF_BREAKING and code >> 2 != _RI for code in range(256))
_RI_CODES = tuple(chr(_RI << 2 | width) for width in range(4))
_RI_RUN_OF_THREE = re.compile(f"[{re.escape(''.join(_RI_CODES))}]{{3}}")


def _width_linebreaks(text: str, glued: frozenset[int], width: int, startcol: int) -> list[int]:
    """Where u8_width_linebreaks_v2 (with these overrides) inserts line breaks in ``text``."""
    return _codes_linebreaks(text.translate(_CODES), glued, width, startcol)


def _codes_linebreaks(codes: str, glued: frozenset[int], width: int, startcol: int) -> list[int]:
    """Port of u8_possible_linebreaks_loop + u8_width_linebreaks_internal (libunistring 1.0).

    ``codes`` is the text through _CODES. Returns the indices where a line
    break is inserted. Texts without special classes take the faster
    _simple_linebreaks; here, one pass does both: the break opportunity before
    a character depends only on what precedes it, so the width logic runs
    right behind it. Runs of one class (a word, spaces) are handled at their
    first character and the rest skipped. Kept as one function on purpose:
    it is the hot loop, and it mirrors the C code branch for branch.
    """
    if not _SPECIAL_RE.search(codes):
        return _simple_linebreaks(codes, glued, width, startcol)
    pair, stable = _PAIR, _STABLE
    prev_prop = last_prop = _BK
    seen_space = False
    ri_count = 0
    inserted: list[int] = []
    last_p = -1
    last_column = startcol
    piece_width = 0
    for run in _RUN_RE.finditer(codes):
        index, end = run.span()
        code = ord(codes[index])
        prop, char_width = code >> 2, code & 3
        while True:
            # ---- the break opportunity before this character
            if prop == _BK or prop == _LF or prop == _CR:
                brk = _MANDATORY
                prev_prop = prop
                last_prop = _BK
                seen_space = False
            else:
                if prop == _SP:
                    brk = _PROHIBITED
                    seen_space = True
                elif prop == _ZW:
                    brk = _PROHIBITED
                    last_prop = _ZW
                    seen_space = False
                elif prop == _CM or prop == _ZWJ:
                    if last_prop == _BK:
                        brk = _PROHIBITED
                        last_prop = _AL
                        seen_space = False
                    elif last_prop == _ZW or seen_space:
                        brk = _POSSIBLE
                        last_prop = _AL
                        seen_space = False
                    else:
                        brk = _PROHIBITED
                else:
                    if last_prop == _BK:
                        brk = _PROHIBITED
                    elif last_prop == _ZW:
                        brk = _POSSIBLE
                    elif prev_prop == _ZWJ:
                        brk = _PROHIBITED
                    elif last_prop == _RI and prop == _RI:
                        brk = _POSSIBLE if seen_space or ri_count % 2 == 0 else _PROHIBITED
                    elif prev_prop == _HL_BA:
                        brk = _PROHIBITED
                    else:
                        kind = pair[last_prop][prop]
                        brk = (
                            _POSSIBLE
                            if kind == _DIRECT or (kind == _INDIRECT and seen_space)
                            else _PROHIBITED
                        )
                    last_prop = prop
                    seen_space = False
                prev_prop = _HL_BA if prev_prop == _HL and (prop == _HY or prop == _BA) else prop
            ri_count = ri_count + 1 if prop == _RI else 0
            # ---- the width logic, with gettext's overrides (no break inside an escape)
            if brk != _PROHIBITED and index in glued:
                brk = _PROHIBITED
            if brk != _PROHIBITED:
                if last_p >= 0 and last_column + piece_width > width:
                    inserted.append(last_p)
                    last_column = 0
                if brk == _MANDATORY:
                    last_p, last_column, piece_width = -1, 0, 0
                else:
                    last_p = index
                    last_column += piece_width
                    piece_width = char_width
            else:
                piece_width += char_width
            index += 1
            if index == end:
                break
            if prop in stable:  # the rest of the run changes nothing but the width
                if prev_prop == _HL_BA:
                    prev_prop = prop
                piece_width += (end - index) * char_width
                break
    if last_p >= 0 and last_column + piece_width > width:
        inserted.append(last_p)
    return inserted


def _simple_linebreaks(codes: str, glued: frozenset[int], width: int, startcol: int) -> list[int]:
    """_codes_linebreaks for texts of spaces and table classes only: same result, faster.

    Without mandatory breaks the width logic of u8_width_linebreaks is a
    greedy fit: each line ends at the last break opportunity that fits (or
    the first one after, if none does). Here, the opportunity before a
    character depends only on it, the character before it and, after spaces,
    the last one before them, so only the few characters before each line's
    limit are looked at, not the whole text. (Regional indicators pair up
    from the start of their run: texts with three in a row take the full pass,
    and so do two flags side by side. A run of one or two, a lone indicator
    or a flag on its own, breaks as the pair table says around it, and never
    inside, which is what _fit_lines does.)
    """
    if _RI_RUN_OF_THREE.search(codes):
        return _bisect_linebreaks(codes, glued, width, startcol)
    data = codes.encode("latin-1")
    widths = data.translate(_CODE_WIDTHS)
    if widths.count(1) == len(data):
        return _fit_lines(data, None, glued, width, startcol)
    return _fit_lines(data, list(itertools.accumulate(widths, initial=0)), glued, width, startcol)


def _fit_lines(
    data: bytes, prefix: list[int] | None, glued: frozenset[int], width: int, startcol: int
) -> list[int]:
    """_simple_linebreaks' greedy fit over the codes as bytes.

    ``prefix[i]`` is the column where character i starts (``prefix[-1]`` the
    text's width); None when every character is one column wide.
    """
    end = len(data)
    total = end if prefix is None else prefix[-1]
    space, direct, after_space, self_breaking = _SPACE_BYTE, _DIRECT_CODES, _AFTER_SPACE_CODES, _SELF_BREAKING_CODES
    inserted: list[int] = []
    start, base = 0, -startcol  # the current line's first character and its column
    while total > base + width:
        limit = base + width
        index = limit if prefix is None else bisect.bisect_right(prefix, limit) - 1
        if index >= end:
            index = end - 1
        found = -1
        this = data[index] if index > start else space
        while index > start:  # the last opportunity in (start, index]; each code read once
            before = data[index - 1]
            if this != space:
                if before == space:
                    last = index - 2
                    while last >= 0 and (before := data[last]) == space:
                        last -= 1
                    if last >= 0 and after_space[before << 8 | this] and index not in glued:
                        found = index
                        break
                    index, this = last, before  # (the loop ends if last < 0)
                    continue
                if (self_breaking[this] if before == this else direct[before << 8 | this]) and index not in glued:
                    found = index
                    break
            index -= 1
            this = before
        if found < 0:
            found = _next_opportunity(data, glued, max(start, index) + 1)
            if found < 0:
                break
        inserted.append(found)
        start, base = found, found if prefix is None else prefix[found]
    return inserted


def _next_opportunity(data: bytes, glued: frozenset[int], index: int) -> int:
    """The first break opportunity at or after ``index`` (see _simple_linebreaks), or -1."""
    space = _SPACE_BYTE
    for index in range(index, len(data)):
        this = data[index]
        if this == space or index in glued:
            continue
        before = data[index - 1]
        if before == space:
            last = index - 2
            while last >= 0 and data[last] == space:
                last -= 1
            if last >= 0 and _AFTER_SPACE_CODES[data[last] << 8 | this]:
                return index
        elif _SELF_BREAKING_CODES[this] if before == this else _DIRECT_CODES[before << 8 | this]:
            return index
    return -1


def _bisect_linebreaks(codes: str, glued: frozenset[int], width: int, startcol: int) -> list[int]:
    """_simple_linebreaks over every opportunity of the text, with bisection."""
    opportunities = _simple_opportunities(codes)
    if glued:
        opportunities = [index for index in opportunities if index not in glued]
    widths = codes.encode("latin-1").translate(_CODE_WIDTHS)
    if widths.count(1) == len(widths):  # one column each: columns are indices
        columns = opportunities + [len(codes)]
    else:
        prefix = list(itertools.accumulate(widths, initial=0))
        columns = [prefix[index] for index in opportunities] + [prefix[-1]]
    return _greedy_fit(opportunities, columns, width, startcol)


def _simple_opportunities(codes: str) -> list[int]:
    """Indices before which a break is allowed, for texts of spaces and table classes only.

    Each match of _WORD_RE is a run of spaces (U+0020, the only SP) and a run
    of one code; inside a run only the classes in _SELF_BREAKING allow breaks.
    """
    direct, after_space, self_breaking = _BREAK_DIRECT, _BREAK_AFTER_SPACE, _SELF_BREAKING
    opportunities: list[int] = []
    last_prop = _BK
    for word in _WORD_RE.finditer(codes):
        (space, end), (index, _) = word.regs
        if index < 0:  # trailing spaces (or the empty match at the end)
            break
        prop = ord(codes[index]) >> 2
        if (after_space if index > space else direct)[last_prop * 34 + prop]:
            opportunities.append(index)
        if prop in self_breaking and end - index > 1:
            # LB30a: regional indicators pair up into flags; the others (ideographs...)
            # break between any two
            opportunities.extend(range(index + 2, end, 2) if prop == _RI else range(index + 1, end))
        last_prop = prop
    return opportunities


def _greedy_fit(opportunities: list[int], columns: list[int], width: int, startcol: int) -> list[int]:
    """u8_width_linebreaks' rule: break at the last opportunity before the piece that overflows.

    ``columns[i]`` is the column of ``opportunities[i]`` from the text start,
    with the text end appended. A piece is only checked once a line has
    another piece before it, so the first piece of a line may overflow.
    """
    inserted: list[int] = []
    last = len(columns) - 1
    previous = -1  # index of the opportunity the current line starts at
    base = -startcol  # column of the line start, counted from the text start
    while True:
        overflow = bisect.bisect_right(columns, base + width, previous + 2)
        if overflow > last:
            return inserted
        previous = overflow - 1
        inserted.append(opportunities[previous])
        base = columns[previous]
