"""The build's fast paths agree with the exact paths they short-cut.

Each fast path here skips work when it can tell the work would change
nothing; these tests pin that it never skips work that would have mattered.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from transkit.build import PagePolicy, build_page
from transkit.catalog.model import Catalog, Entry
from transkit.errors import PlaceholderError
from transkit.source import html
from transkit.source.html import (
    _CLEAN_SUSPECTS,
    RAW_TEXT,
    UNSHOWABLE,
    VOID,
    XML_NAMESPACE,
    WalkOptions,
    clean_text,
    _nested,
    _shallow,
    balance_bidi,
    parse_page,
    serialize_page,
    walk_page,
)
from transkit.source.inline import (
    NEVER_NESTED,
    PLACEHOLDER,
    Atomic,
    Paired,
    Placeholder,
    _parse_tokens,
    parse_translation,
)

PAGES = sorted({*FIXTURES.rglob("*.html"), *(REPO / "tests" / "golden").rglob("*.html"),
                *(REPO / "tests" / "peer_cases").glob("*.html"), *(REPO / "sources").glob("*.html")})
OPTIONS = WalkOptions("en")


# ---------------------------------------------------------------- parse_translation


def _outcome(parse: Any, text: str, placeholders: dict[int, Placeholder]) -> Any:
    try:
        return parse(text, placeholders)
    except PlaceholderError as exc:
        return ("error", str(exc))


PLACEHOLDER_SETS = st.sampled_from([
    {},
    {1: Placeholder(1, "b", True)},
    {1: Placeholder(1, "br", False), 2: Placeholder(2, "a", True)},
])
MSGSTRS = st.lists(
    st.sampled_from(list("ab <>/1") + ["<b1>", "</b1>", "<br1/>", "<a2>", "</a2>", "<b1/>", "<x9>", "&lt;", "\u202e"]),
    max_size=12,
).map("".join)


@settings(max_examples=500, derandomize=True)
@given(text=MSGSTRS, placeholders=PLACEHOLDER_SETS)
def test_parse_translation_agrees_with_the_token_by_token_parse(text: str, placeholders: dict[int, Placeholder]) -> None:
    exact = _outcome(lambda t, p: _parse_tokens(t, p, frozenset()), text, placeholders)
    assert _outcome(parse_translation, text, placeholders) == exact


@pytest.mark.parametrize("text", ["", "plain", "a > b", "1 < 2", "<b1>x</b1>", "x<"])
def test_parse_translation_of_text_without_placeholders(text: str) -> None:
    assert _outcome(parse_translation, text, {}) == _outcome(lambda t, p: _parse_tokens(t, p, frozenset()), text, {})


def _parse_tokens_reference(text: str, placeholders: dict[int, Placeholder], literals: frozenset[str]) -> Any:
    """The token-by-token parse as it was before its round-2 tightening: the reference."""
    stack: list[Any] = [(None, [])]
    seen: set[int] = set()
    nesting: list[tuple[frozenset[str], str]] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        token = match.group(0)
        if token in literals:
            continue
        start = match.start()
        if start > position:
            stack[-1][1].append(text[position:start])
        position = match.end()
        closing, name, number, selfclosing = match.groups()
        placeholder = placeholders.get(int(number))
        if placeholder is None or placeholder.name != name:
            raise PlaceholderError(f"unknown placeholder {token}")
        if closing:
            top = stack[-1][0]
            if top is None or top.number != placeholder.number or selfclosing:
                raise PlaceholderError(f"{token} does not close the placeholder opened before it")
            _, children = stack.pop()
            nesting.pop()
            stack[-1][1].append(Paired(placeholder, tuple(children)))
            continue
        if placeholder.number in seen:
            raise PlaceholderError(f"placeholder {token} appears twice")
        seen.add(placeholder.number)
        inner = _never_nested_reference(placeholder)
        for outer, opened in nesting:
            clash = inner & outer
            if clash:
                raise PlaceholderError(f"{token} cannot go inside {opened}: HTML never nests <{min(clash)}> elements")
        if selfclosing:
            if placeholder.paired:
                raise PlaceholderError(f"{token} must wrap text: {placeholder.open_text}…{placeholder.close_text}")
            stack[-1][1].append(Atomic(placeholder))
        else:
            if not placeholder.paired:
                raise PlaceholderError(f"{token} stands alone: write {placeholder.atomic_text}")
            stack.append((placeholder, []))
            nesting.append((inner, token))
    if text[position:]:
        stack[-1][1].append(text[position:])
    if len(stack) > 1:
        raise PlaceholderError(f"{stack[-1][0].open_text} is never closed")
    if len(seen) < len(placeholders):
        absent = placeholders[min(set(placeholders) - seen)]
        shown = absent.open_text if absent.paired else absent.atomic_text
        raise PlaceholderError(f"placeholder {shown} is missing")
    return tuple(stack[0][1])


def _never_nested_reference(placeholder: Placeholder) -> frozenset[str]:
    names = {placeholder.name}
    node = placeholder.node
    if not placeholder.paired and node is not None and hasattr(node, "iter"):
        names.update(d.tag for d in node.iter() if isinstance(d.tag, str))
    return frozenset(names) & NEVER_NESTED


_LINK = etree.fromstring("<span><a href='x'>y</a></span>")
NESTING_SETS = st.sampled_from([
    {1: Placeholder(1, "a", True), 2: Placeholder(2, "b", True), 3: Placeholder(3, "a", True)},
    {1: Placeholder(1, "a", True), 2: Placeholder(2, "span", False, _LINK), 3: Placeholder(3, "button", True)},
    {1: Placeholder(1, "b", True), 2: Placeholder(2, "br", False), 3: Placeholder(3, "nobr", True)},
])
NESTING_MSGSTRS = st.lists(
    st.sampled_from(["x", " ", "<", "<a1>", "</a1>", "<b2>", "</b2>", "<a3>", "</a3>", "<span2/>", "<button3>",
                     "</button3>", "<br2/>", "<nobr3>", "</nobr3>", "<b1>", "</b1>", "<a1/>", "<b9>"]),
    max_size=10,
).map("".join)


@settings(max_examples=1500, derandomize=True)
@given(text=st.one_of(MSGSTRS, NESTING_MSGSTRS), placeholders=st.one_of(PLACEHOLDER_SETS, NESTING_SETS),
       literal=st.booleans())
def test_token_parse_agrees_with_the_reference(text: str, placeholders: dict[int, Placeholder], literal: bool) -> None:
    literals = frozenset({"<b2>", "</b2>", "<b9>"}) if literal else frozenset()
    exact = _outcome(lambda t, p: _parse_tokens_reference(t, p, literals), text, placeholders)
    assert _outcome(lambda t, p: _parse_tokens(t, p, literals), text, placeholders) == exact


# ---------------------------------------------------------------- clean_text


def _clean_exact(text: str) -> str:
    return balance_bidi(UNSHOWABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))


def test_clean_skips_only_characters_it_would_keep() -> None:
    """Every character the full clean changes or reacts to is unprintable and a suspect (all of Unicode)."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if _clean_exact(char) != char or balance_bidi(char + "x") != char + "x":
            assert not char.isprintable() and _CLEAN_SUSPECTS.match(char), hex(code)


@settings(max_examples=500, derandomize=True)
@given(text=st.text(alphabet=st.sampled_from(list("ab \n\r\t\x00\x07\x85\xa0\u2028\u202a\u202c\u202e\u2066\u2069\ufffe")
                                                   + ["\ud800"]), max_size=20))
def test_clean_agrees_with_the_full_clean(text: str) -> None:
    assert clean_text(text) == _clean_exact(text)


# ---------------------------------------------------------------- serializer


def _serialize_reference(node: Any, out: list[str], raw: bool) -> Iterator[Any]:
    """The serializer as it was before iterwalk (generators driven by _nested): the reference."""
    tag = node.tag
    if tag is etree.Comment:
        out.append(f"<!--{node.text or ''}-->")
    elif tag is etree.PI:
        out.append(f"<?{node.target} {node.text or ''}>")
    elif isinstance(tag, str):
        out.append("<" + tag)
        for name, value in node.items():
            if name.startswith(XML_NAMESPACE):
                name = "xml:" + name[len(XML_NAMESPACE):]
            out.append(f' {name}="{_escape_attribute_reference(value)}"' if value else f" {name}")
        out.append(">")
        if tag not in VOID or node.text or len(node):
            raw_inside = tag in RAW_TEXT
            if node.text:
                out.append(node.text if raw_inside else _escape_text_reference(node.text))
            for child in node:
                yield _serialize_reference(child, out, raw_inside)
            out.append(f"</{tag}>")
    if node.tail and node.getparent() is not None:
        out.append(node.tail if raw else _escape_text_reference(node.tail))


def _escape_text_reference(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")
            .replace("\r", "&#13;"))


def _escape_attribute_reference(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\xa0", "&nbsp;").replace("\r", "&#13;"))


def serialize_reference(page: html.ParsedPage) -> bytes:
    out: list[str] = []
    if page.tree.docinfo.doctype:
        out.append(page.tree.docinfo.doctype + "\n")
    root = page.tree.getroot()
    before = []
    node = root.getprevious()
    while node is not None:
        before.append(node)
        node = node.getprevious()
    for node in reversed(before):
        _nested(_serialize_reference(node, out, False))
        out.append("\n")
    _nested(_serialize_reference(root, out, False))
    node = root.getnext()
    while node is not None:
        out.append("\n")
        _nested(_serialize_reference(node, out, False))
        node = node.getnext()
    if page.trailing_newline:
        out.append("\n")
    text = "".join(out)
    try:
        return text.encode(page.encoding, errors="xmlcharrefreplace")
    except LookupError:
        return text.encode("utf-8")


EDGE_PAGES = [
    (b'<!-- before --><?pi x?><!DOCTYPE html><html lang="en"><body><p>a &amp; b &lt; c &gt; d\xc2\xa0e&#13;f</p>'
     b'<p title="x &quot;y&quot; &lt;z&gt; &amp;\xc2\xa0&#13;" hidden data-x="">t</p><script>if (a < b && c) {}</script>'
     b'<style>p > b {}</style><br>after<wbr>tail<p xml:lang="tr">x</p><!-- in --></body></html><!-- after -->'),
    b'<html><head><title>T</title></head><body><textarea>1 < 2</textarea><xmp>a<b</xmp></body></html>\n',
    (b'<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n'
     b'<html><body><p>Old <font color="red">style</font>.</p></body></html>'),
    b"<html><body>" + b"<span>x" * 2000 + b"</span>" * 2000 + b"</body></html>",
]


def _edge_ids(data: bytes) -> str:
    return data[:30].decode("ascii", "replace")


@pytest.mark.parametrize("data", EDGE_PAGES, ids=_edge_ids)
def test_serializer_agrees_with_the_reference_on_edge_cases(data: bytes) -> None:
    page = parse_page(data, "t.html", "en")
    assert serialize_page(page) == serialize_reference(page)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_serializer_agrees_with_the_reference_on_sources_and_builds(path: Path) -> None:
    data = path.read_bytes()
    page = parse_page(data, path, "en")
    assert serialize_page(page) == serialize_reference(page)
    # And on a built page (new nodes, translated text and attributes, a draft marker, a notice).
    catalog = _shouting_catalog(data, path)
    policy = PagePolicy(alternates=(("en", "a.html"),), noindex=True, notice="<p>N</p>", mark_drafts=True)
    built = build_page(data, path, catalog, "x.po", "tr", OPTIONS, "en", True, policy).html
    again = parse_page(built, path, "en")
    assert serialize_page(again) == serialize_reference(again)


def _shouting_catalog(data: bytes, path: Path) -> Catalog:
    document = html.extract(data, path, OPTIONS, "en", "")
    msgids = dict.fromkeys(segment.msgid for segment in document.segments)
    return Catalog(entries=tuple(
        Entry(m, re.sub(r"(^|>)([^<]*)", lambda x: x.group(1) + x.group(2).upper(), m),
              flags=("fuzzy",) if i % 2 else ())
        for i, m in enumerate(msgids)
    ))


# ---------------------------------------------------------------- copies of source nodes


@pytest.mark.parametrize("path", PAGES[:12], ids=lambda p: str(p.relative_to(REPO)))
def test_shallow_copy_is_the_element_with_its_attributes_only(path: Path) -> None:
    root = parse_page(path.read_bytes(), path, "en").tree.getroot()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        copied = _shallow(element)
        assert (copied.tag, copied.items(), copied.text, copied.tail, len(copied)) == \
            (element.tag, element.items(), None, None, 0)


def test_inline_element_with_an_attribute_name_xml_refuses_is_built() -> None:
    """``@click`` (Vue) is valid HTML but not a valid XML attribute name; the copy keeps it."""
    data = b'<!DOCTYPE html>\n<html lang="en"><body><p>Hello <span @click="go">world</span> here.</p></body></html>\n'
    catalog = Catalog(entries=(Entry("Hello <span1>world</span1> here.", "Merhaba <span1>dunya</span1> burada."),))
    built = build_page(data, "t.html", catalog, "x.po", "tr", OPTIONS, "en").html
    assert b'<p>Merhaba <span @click="go">dunya</span> burada.</p>' in built


# ---------------------------------------------------------------- a page walked once, built in several languages


@pytest.mark.parametrize("data", EDGE_PAGES[:3], ids=_edge_ids)
def test_copied_tree_builds_like_a_fresh_parse(data: bytes) -> None:
    """The copy given to every language but the last keeps doctype and the comments around the root.

    (noindex: a policy the render plan leaves to the tree path.)
    """
    catalog = _shouting_catalog(data, Path("t.html"))
    walked = walk_page(data, "t.html", OPTIONS, "en", 3)
    policy = PagePolicy(noindex=True)
    for language in ("tr", "ru", "de"):
        each = build_page(data, "t.html", catalog, "x.po", language, OPTIONS, "en", True, policy)
        once = build_page(data, "t.html", catalog, "x.po", language, OPTIONS, "en", True, policy, walked)
        assert once == each, language


POLICIES = [
    PagePolicy(),
    PagePolicy(alternates=(("en", "a.html"), ("tr", "b.html")), mark_drafts=True),
    PagePolicy(alternates=(("en", "a.html"),), all_pages=True),
    PagePolicy(noindex=True, notice="<p>N</p>"),
]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_walked_page_builds_like_a_fresh_parse_in_every_language(path: Path) -> None:
    """Uses rendered by concatenation or built on a copy of the walked tree (the last on the tree itself):
    each use builds exactly what a fresh parse builds, whatever the languages before it did."""
    data = path.read_bytes()
    catalog = _shouting_catalog(data, path)
    uses = [("tr", POLICIES[1]), ("ar", POLICIES[0]), ("ru", POLICIES[3]), ("de", POLICIES[2]), ("fa", POLICIES[1])]
    walked = walk_page(data, path, OPTIONS, "en", len(uses))
    for language, policy in uses:
        each = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", True, policy)
        once = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", True, policy, walked)
        assert once == each, language


def _materialize_pieces_reference(pieces: Any, out: list[Any]) -> None:
    """Every piece through _fill, as before the fast paths for text and <b1>text</b1>."""
    _nested(html._fill(None, out, pieces))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_materialized_pieces_agree_with_the_fill_path(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    catalog = _shouting_catalog(data, path)
    policy = PagePolicy(mark_drafts=True)
    fast = build_page(data, path, catalog, "x.po", "tr", OPTIONS, "en", True, policy)
    monkeypatch.setattr(html, "_materialize_pieces", _materialize_pieces_reference)
    assert build_page(data, path, catalog, "x.po", "tr", OPTIONS, "en", True, policy) == fast
