"""The build by concatenation (build._RenderPlan) writes what the tree path writes, byte for byte.

build_page without a walked page splices translations into a fresh tree and serialises it (the
reference); with one, pages the plan covers are rendered from a serialisation with holes made once
per page. Every page under tests/ is built both ways in several languages, with catalogs that
translate all, some, none, with placeholders good and bad, fuzzy entries (both include_fuzzy
values), translations equal to their msgid, attributes, and with alternate-link policies.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from transkit import build
from transkit.build import PagePolicy, build_page
from transkit.catalog.model import Catalog, Entry
from transkit.source import html
from transkit.source.html import WalkedPage, WalkOptions, parse_page, walk_page, walk_units
from transkit.source.inline import PLACEHOLDER

PAGES = sorted({*FIXTURES.rglob("*.html"), *(REPO / "tests" / "golden").rglob("*.html"),
                *(REPO / "tests" / "peer_cases").glob("*.html"), *(REPO / "sources").glob("*.html")})
OPTIONS = WalkOptions("en")
ALTERNATES = (("en", "a.html"), ("tr", "b.html?x=1&y=<2>"), ("x-default", "a.html"))

EDGE_PAGES = [
    # alternate links: not next to each other, text and a comment after them, a translatable title on one
    (b'<!DOCTYPE html><html lang="en" dir="rtl"><head><title>Hello there</title>\n'
     b'<link rel="alternate" hreflang="tr" href="t.html"> kept text\n<link rel="alternate" hreflang="ru" '
     b'href="r.html" title="Russian page">\n<!-- c --><link rel="stylesheet" href="s.css">'
     b'<link rel="Alternate  x" hreflang="de" href="d.html">tail &amp; more\n</head>'
     b'<body><p>One sentence. Two <a href="x" title="Link title">words</a> here.</p>'
     b'<div title="Block title">Text before <p>inside</p> and after <b>bold</b>.</div></body></html>\n'),
    # no alternates, and a head whose last child has a tail
    b'<html><head><meta charset="utf-8"><title>T</title>\n</head><body><p>Plain <br> text.</p></body></html>',
    # no head at all
    b'<p>Only a paragraph, <em>with emphasis</em>.</p>',
    # text right in the head (a run whose container is the head)
    b'<html><head>Stray head text<title>T</title></head><body><p>x y z</p></body></html>',
    # atoms with attributes and children, wrapped units, switches, comments, options, entities
    (b'<html lang="en"><body><h1><a href="/" title="Home page">Site name</a></h1>'
     b'<p>See <span class="x"><img src="a.png" alt="An image"> </span> and <code>a &lt; b</code>.<!-- c --> '
     b'Then <q cite="u">quoted <i>words</i></q>.</p><!-- translate:off --><p>Not this.</p><!-- translate:on -->'
     b'<select><option>First choice</option></select><ul><li> Item one \n</li><li>Item <b>two</b> <wbr>x</li></ul>'
     b'<p lang="de">Deutsch hier.</p><p translate="no">No.</p><p>&lt;b1&gt; is not a tag. Next one.</p>'
     b'<input type="submit" value="Send it"><textarea>1 < 2</textarea><xmp>a<b</xmp>'
     b'<p>Line\r\nbreak and\xc2\xa0nbsp &amp; amp.</p></body></html>'),
    # a page in a legacy encoding, and one without a declared charset (non-ASCII as references)
    ('<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>Na\xefve caf\xe9.</p>'
     '</body></html>').encode("iso-8859-1"),
    '<html><body><p>Caf\u00e9 \u20ac and more.</p></body></html>'.encode(),
]


def _msgids(data: bytes, path: Path | str) -> list[str]:
    document = html.extract(data, path, OPTIONS, "en", "")
    return list(dict.fromkeys(segment.msgid for segment in document.segments))


def _shout(msgid: str) -> str:
    """Text outside placeholders upper-cased: a valid translation."""
    return re.sub(r"(^|>)([^<]*)", lambda m: m.group(1) + m.group(2).upper(), msgid)


def _reordered(msgid: str) -> str:
    """Atomic placeholders moved to the end (still valid), or the text reversed around them."""
    atoms = [t for t in PLACEHOLDER.findall(msgid) if t[3]]
    if not atoms:
        return msgid[::-1] if "<" not in msgid else _shout(msgid)
    tokens = [f"<{name}{number}/>" for _, name, number, _ in atoms]
    text = msgid
    for token in tokens:
        text = text.replace(token, "")
    return _shout(text) + " " + " ".join(tokens)


def _broken(msgid: str) -> str:
    """A translation the validator refuses (or text that only looks like markup, where the msgid has none)."""
    if "<" in msgid:
        return PLACEHOLDER.sub("", msgid) + " <x9>"
    return "<script>alert(1)</script> & \u202e evil \r\n" + msgid


VARIANTS = {
    "all": lambda i, m: Entry(m, _shout(m)),
    "some": lambda i, m: Entry(m, _shout(m)) if i % 3 == 0 else None,
    "none": lambda i, m: None,
    "keep": lambda i, m: Entry(m, m),
    "fuzzy": lambda i, m: Entry(m, _shout(m), flags=("fuzzy",) if i % 2 else ()),
    "all fuzzy": lambda i, m: Entry(m, _reordered(m), flags=("fuzzy",)),
    "mixed": lambda i, m: [
        Entry(m, _shout(m)), Entry(m, m), None, Entry(m, _reordered(m), flags=("fuzzy",)),
        Entry(m, _broken(m)), Entry(m, _reordered(m)), Entry(m, ""), Entry(m, "\u202eflip " + _shout(m) + "\x07"),
    ][i % 8],
}


def _catalog(msgids: list[str], variant: str) -> Catalog:
    entries = (VARIANTS[variant](i, m) for i, m in enumerate(msgids))
    return Catalog(entries=tuple(e for e in entries if e is not None))


BUILDS = [
    ("tr", PagePolicy(), False),
    ("ar", PagePolicy(alternates=ALTERNATES, mark_drafts=True), True),
    ("ru", PagePolicy(alternates=ALTERNATES, all_pages=True), True),
    ("fa", PagePolicy(mark_drafts=True), False),
    ("de", PagePolicy(alternates=(), all_pages=True, mark_drafts=True), True),
]


def _both_ways(data: bytes, path: Path | str, catalogs: list[Catalog]) -> None:
    """Each build of a walked page (rendered where the plan covers it) equals a fresh build on the tree."""
    walked = walk_page(data, path, OPTIONS, "en", len(BUILDS) * len(catalogs))
    for catalog in catalogs:
        for language, policy, include_fuzzy in BUILDS:
            tree = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", include_fuzzy, policy)
            rendered = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", include_fuzzy, policy, walked)
            assert rendered == tree, (language, policy, include_fuzzy)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_rendered_pages_equal_the_tree_path(path: Path) -> None:
    data = path.read_bytes()
    msgids = _msgids(data, path)
    _both_ways(data, path, [_catalog(msgids, variant) for variant in VARIANTS])


@pytest.mark.parametrize("data", EDGE_PAGES, ids=lambda d: d[:40].decode("ascii", "replace"))
def test_rendered_edge_pages_equal_the_tree_path(data: bytes) -> None:
    msgids = _msgids(data, "t.html")
    _both_ways(data, "t.html", [_catalog(msgids, variant) for variant in VARIANTS])


def test_the_plan_covers_the_pages_under_tests() -> None:
    """The comparisons above compare the two paths (not the tree path with itself) on almost every page."""
    uncovered = [
        path.name for path in PAGES
        if build._RenderPlan.of(walk_page(path.read_bytes(), path, OPTIONS, "en", 2)) is None
    ]
    assert len(uncovered) <= len(PAGES) // 20, uncovered


def test_policies_the_plan_leaves_to_the_tree_path() -> None:
    data = EDGE_PAGES[0]
    plan = build._RenderPlan.of(walk_page(data, "t.html", OPTIONS, "en", 2))
    assert plan is not None and plan.covers(PagePolicy(alternates=ALTERNATES))
    headless = build._RenderPlan.of(walk_page(EDGE_PAGES[2], "t.html", OPTIONS, "en", 2))  # (set_alternates adds one)
    assert headless is not None and not headless.covers(PagePolicy(alternates=ALTERNATES, all_pages=True))
    assert headless.covers(PagePolicy(alternates=ALTERNATES)) and headless.covers(PagePolicy())


# ---------------------------------------------------------------- trees the HTML parser does not make


def _links_with_text(root: Any) -> None:
    """Alternate links with text after them (the parser moves such text to the body), not all adjacent.

    (No letter nor digit in it: words there would make a text unit of the head, which the plan leaves to
    the tree path when alternates are set.)"""
    head = root.find("head")
    for index, (hreflang, tail) in enumerate([("tr", " - "), ("ru", "\n"), ("de", " & <> "), ("fr", "\u2014")]):
        link = etree.SubElement(head, "link", rel="alternate", hreflang=hreflang, href=f"{hreflang}.html")
        link.tail = tail
        if index == 1:
            link.set("title", "Russian page")
            head.append(etree.Comment(" c "))
            head[-1].tail = "\xa0"


def _lead_in_head(root: Any) -> None:
    root.find("head").text = "Stray head words. Two sentences."


@pytest.mark.parametrize("modify", [_links_with_text, _lead_in_head])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_rendered_trees_equal_the_tree_path(modify: Any, variant: str) -> None:
    data = EDGE_PAGES[1]

    def walked(uses: int) -> WalkedPage:
        page = parse_page(data, "t.html", "en")
        modify(page.tree.getroot())
        return WalkedPage(page, walk_units(page, WalkOptions(page.language)), uses)

    catalog = _catalog([s.msgid for s in _segments(walked(1))], variant)
    rendered = walked(len(BUILDS))
    for language, policy, include_fuzzy in BUILDS:
        tree = walked(1)
        tree.plan = False  # (the tree path)
        expected = build_page(data, "t.html", catalog, "x.po", language, OPTIONS, "en", include_fuzzy, policy, tree)
        got = build_page(data, "t.html", catalog, "x.po", language, OPTIONS, "en", include_fuzzy, policy, rendered)
        assert got == expected, (language, policy)


def _segments(walked: WalkedPage) -> list[Any]:
    return [s for u in walked.units for s in ([u] if isinstance(u, html.AttributeUnit) else u.segments)]


# ---------------------------------------------------------------- random translations


PROPERTY_PAGES = [EDGE_PAGES[0], EDGE_PAGES[4], (REPO / "sources" / "putin-prepares-to-visit-china.html").read_bytes()]
ALPHABET = ["a", "B", " ", "  ", "\n", "<", ">", "&", "&amp;", '"', "'", "\xa0", "\r", "\r\n", "\x00", "\x07", "\x85",
            "\u202e", "\u202c", "\u2066", "\u2069", "\ufffe", "\ud800", "é", "<b1>", "</b1>", "<a1/>", "<x9>", "&lt;",
            "<script>", "</p>", "<!--", "]]>"]


@st.composite
def _translations(draw: Any, msgids: list[str]) -> Catalog:
    entries = []
    for msgid in msgids:
        choice = draw(st.integers(0, 4))
        if choice == 0:
            continue
        tokens = [m.group(0) for m in PLACEHOLDER.finditer(msgid)]
        if choice == 1:
            pieces = draw(st.lists(st.sampled_from(ALPHABET), max_size=6))
            msgstr = "".join(pieces)
        elif choice == 2:  # the msgid's own placeholders, in order, with random text around them
            texts = draw(st.lists(st.lists(st.sampled_from(ALPHABET), max_size=3).map("".join),
                                  min_size=len(tokens) + 1, max_size=len(tokens) + 1))
            msgstr = texts[0] + "".join(t + x for t, x in zip(tokens, texts[1:]))
        elif choice == 3:  # its placeholders shuffled (often refused)
            msgstr = " ".join(draw(st.permutations(tokens))) + draw(st.sampled_from(ALPHABET))
        else:
            msgstr = msgid
        fuzzy = draw(st.booleans())
        entries.append(Entry(msgid, msgstr, flags=("fuzzy",) if fuzzy else ()))
    return Catalog(entries=tuple(entries))


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), page=st.sampled_from(PROPERTY_PAGES))
def test_random_translations_render_as_the_tree_path_builds(data: Any, page: bytes) -> None:
    catalog = data.draw(_translations(_msgids(page, "t.html")))
    _both_ways(page, "t.html", [catalog])


def test_plan_page_refuses_regions_that_overlap() -> None:
    """A region holding content left out, or a point inside it, makes no plan (the tree path builds the page)."""
    page = parse_page(b"<html><body><p>x <b>y</b></p><p>z</p></body></html>", "t.html", "en")
    first, second = page.tree.getroot().iter("p")
    bold = first[0]
    contents = {first: 0}
    assert html.plan_page(page, [], [], contents) is not None
    assert html.plan_page(page, [], [(1, (first, html.BEFORE_START), (second, html.AFTER_TAIL))], contents) is None
    assert html.plan_page(page, [], [(1, (first, html.AFTER_TEXT), (second, html.AFTER_TAIL))], contents) is None
    assert html.plan_page(page, [], [(1, (bold, html.BEFORE_START), (bold, html.AFTER_TAIL))], contents) is None
    assert html.plan_page(page, [], [(1, (first, html.BEFORE_TAIL), (second, html.AFTER_TAIL))], contents) is not None


def test_plan_page_refuses_content_inside_content_left_out() -> None:
    """Content left out inside content left out would never be reached (its region silently lost): no plan."""
    page = parse_page(b"<html><body><p>x <b>y</b></p><p>z</p></body></html>", "t.html", "en")
    first, second = page.tree.getroot().iter("p")
    assert html.plan_page(page, [], [], {first: 0, second: 1}) is not None
    assert html.plan_page(page, [], [], {first: 0, first[0]: 1}) is None


# ---------------------------------------------------------------- random pages


_WORDS = ["Hello", "world.", "Two", "words", "here", "&amp;", "a&lt;b", "x", "Next one.", "\xa0", "\r\n", " ", "Dr. Who"]
_LEAVES = ['<img src="a.png" alt="An image here">', "<br>", "<!-- c -->", "<code>a &lt; b</code>", "<wbr>after",
           '<a href="/x?a=1&amp;b=2" title="Link title">link text</a>', "<!-- translate:off -->",
           "<!-- translate:on -->", '<input type="submit" value="Send it">']
_ATTRIBUTES = ["", ' title="A &quot;title&quot;"', ' lang="de"', ' translate="no"', ' class="notranslate"', ' dir="rtl"']
_HEADS = ["", "<head><title>Page title here</title></head>",
          ('<head><meta name="description" content="Desc &quot;q&quot;"><title>T t</title>\n'
           '<link rel="alternate" hreflang="tr" href="t.html"> x\n</head>')]
_text = st.lists(st.sampled_from(_WORDS), max_size=4).map(" ".join)


def _element(tags: list[str], inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(tags), st.sampled_from(_ATTRIBUTES), st.lists(inner, max_size=3)).map(
        lambda t: f"<{t[0]}{t[1]}>{''.join(t[2])}</{t[0]}>")


_inline = st.recursive(st.one_of(_text, st.sampled_from(_LEAVES)),
                       lambda inner: _element(["b", "i", "span", "q", "small", "label"], inner), max_leaves=6)
_blocks = st.recursive(_element(["p", "li", "h1", "td", "figcaption"], _inline),
                       lambda inner: _element(["div", "section", "blockquote"], st.one_of(inner, _inline)), max_leaves=5)
_pages = st.tuples(st.sampled_from(_HEADS), st.lists(_blocks, min_size=1, max_size=4)).map(
    lambda t: f'<!DOCTYPE html><html lang="en">{t[0]}<body>{"".join(t[1])}</body></html>\n'.encode())


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), page=_pages)
def test_random_pages_render_as_the_tree_path_builds(data: Any, page: bytes) -> None:
    """Pages made of random blocks, inline elements, attributes, switches and entities (not only the pages under tests/)."""
    catalog = data.draw(_translations(_msgids(page, "t.html")))
    _both_ways(page, "t.html", [catalog])
