"""A translation is untrusted text: whatever a msgstr (or an MT engine) says, the built page gains
no element, attribute, URL, comment or script the source did not have, and stays well-formed.

Hypothesis writes the translations: the msgid's own placeholders (kept, dropped, doubled,
unbalanced, invented) mixed with markup, entities, ``javascript:`` URLs, CDATA, comments, text
that closes raw-text elements, control characters and bidi overrides. The pages are the four
realistic articles in ``tests/fixtures/articles/`` plus a page made of every place a translation
could land. MT answers go through prefill's own restoration (``protect``/``restore``) first, and
once end to end: ``prefill_project`` against an engine on 127.0.0.1 that answers with attacks,
then ``build_project``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, make_project
from mt_stub import serve
from transkit.build import PagePolicy, build_page
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import read_catalog
from transkit.config import load_config
from transkit.pipeline import build_project, sync_project
from transkit.prefill import PROVENANCE
from transkit.prefill.apply import PrefillOptions, prefill_project
from transkit.prefill.protect import ProtectionError, protect, restore
from transkit.source.html import (
    RAW_TEXT,
    TEXT_ATTRIBUTES,
    UNTRANSLATABLE,
    UNSHOWABLE,
    WalkOptions,
    balance_bidi,
    extract,
    parse_page,
    serialize_page,
    walk_page,
)
from transkit.source.inline import placeholder_names

ARTICLES = sorted((FIXTURES / "articles").glob("*.html"))

EXPOSED = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Every place a translation can land</title>
<meta name="description" content="A page for attacks.">
<meta property="og:title" content="Open graph title">
<style>p { color: red; }</style></head>
<body>
<p>Plain text with a <a href="https://example.org/safe" title="Link title">safe link</a> and <strong>bold</strong> words.</p>
<p>A footnote here<sup>1</sup> and an image <img src="cat.png" alt="A cat on a mat" title="Cat"> inline.</p>
<p>Inline <code>code()</code> and a comment <!-- keep me --> in the middle, then <em>emphasis <b>nested</b> deep</em>.</p>
<p>A script <script>var greeting = "hello";</script> inside a paragraph, and a line<br>break.</p>
<textarea placeholder="Type your answer">Text area content stays.</textarea>
<xmp>Example markup: <b>bold</b></xmp>
<noembed>Your browser cannot embed this.</noembed>
<noframes>This page needs frames.</noframes>
<iframe src="https://video.example/embed/1" title="A video">Fallback text for the frame.</iframe>
<form action="/subscribe"><input type="submit" value="Subscribe now"><input type="text" placeholder="Your e-mail" aria-label="E-mail address">
<select><option label="First option">one</option></select><button title="Send it">Send</button></form>
<table summary="A table of numbers"><caption>Numbers</caption><tr><td abbr="N">Ten is 10.</td></tr></table>
<p>Ends with a <a href="/next">next page link</a>.</p>
</body></html>
"""
PAGES = {path.stem: path.read_bytes() for path in ARTICLES} | {"exposed": EXPOSED}

HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">click</a>',
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "</p><p>", "</title><script>alert(1)</script>", "</textarea><script>alert(1)</script>",
    "</xmp><script>alert(1)</script>", "</noembed><script>", "</noframes><script>", "</iframe><script>",
    "</noscript><script>", "</style><script>", "</script><script>alert(1)</script>", "<!--", "-->", "<!-- x -->",
    "<![CDATA[ x ]]>", "]]>", "<?php echo 1 ?>", "<svg onload=alert(1)>", "<math><mi>x</mi></math>",
    "<iframe src=//evil.example>", '" onmouseover="alert(1)', "' onfocus='alert(1)' x='", "`onclick=alert(1)",
    "<base href=//evil.example/>", "<meta http-equiv=refresh content='0;url=//evil.example'>",
    "<form action=//evil.example><button>", "<style>body{display:none}</style>", "<link rel=stylesheet href=//e.x>",
    "&lt;script&gt;", "&#60;script&#62;", "&#x3C;script&#x3E;", "&amp;", "&", "<", ">", '"', "'", "&nbsp;", "&bogus;",
    "<b1>", "</b1>", "<a1>", "</a1>", "<a99>", "</a99>", "<script1>", "<br1/>", "<img1/>", "<sup2/>", "<strong1/>",
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\ud800", "\udfff", "\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
    "\u202c", "\u2069", "\u200e", "\u200f", "{{7*7}}", "${7*7}", "%3Cscript%3E", "\\u003cscript\\u003e",
]
URL_ATTRIBUTES = frozenset("href src action formaction poster cite data srcset background longdesc usemap "
                           "codebase manifest ping xlink:href".split())
MARKER_ATTRIBUTES = {"data-transkit": r"machine|stale|fuzzy|draft", "its-annotators-ref": r"[\w:|.\-]+",
                     "its-mt-confidence": r"[0-9.]+"}

fragments = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8))


def hostile_text() -> st.SearchStrategy[str]:
    return st.lists(fragments, max_size=6).map("".join)


@st.composite
def translation(draw: Any, msgid: str) -> str:
    """Either the msgid's own placeholder structure with hostile text between the tokens (so the
    build accepts it and the hostile text reaches the page), or anything at all."""
    tokens = placeholder_names(msgid)
    if draw(st.booleans()):
        parts = [draw(hostile_text())]
        for token in tokens:
            parts += [token, draw(hostile_text())]
        return "".join(parts)
    pieces = st.one_of(fragments, st.sampled_from(tokens)) if tokens else fragments
    return "".join(draw(st.lists(pieces, max_size=12)))


# ------------------------------------------------------------------ what a page is made of


class Tokens(HTMLParser):
    """The stdlib's tokenizer: an independent reading of the markup (libxml2 builds the pages)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.others: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, tuple((name, value or "") for name, value in attrs)))

    handle_startendtag = handle_starttag

    def handle_comment(self, data: str) -> None:
        self.others.append(("comment", data))

    def handle_decl(self, decl: str) -> None:
        self.others.append(("decl", decl))

    def handle_pi(self, data: str) -> None:
        self.others.append(("pi", data))

    def unknown_decl(self, data: str) -> None:
        self.others.append(("unknown", data))


def tokens(html: str) -> Tokens:
    parser = Tokens()
    parser.feed(html)
    parser.close()
    return parser


def is_marker(tag: str, attributes: tuple[tuple[str, str], ...]) -> bool:
    return tag == "span" and any(name == "data-transkit" for name, _ in attributes)


def translatable(tag: str, name: str, attributes: tuple[tuple[str, str], ...]) -> bool:
    """Attributes whose value is a translation (never a URL)."""
    if name in TEXT_ATTRIBUTES:
        return True
    if tag == "meta" and name == "content":
        return not any(n == "http-equiv" for n, _ in attributes)
    return tag == "input" and name == "value"


def raw_texts(html: bytes) -> list[tuple[str, str]]:
    root = etree.fromstring(html, etree.HTMLParser(remove_comments=False))
    return [(e.tag, e.text or "") for e in root.iter(*sorted(RAW_TEXT | {"textarea", "code", "pre"}))]


def text_values(html: bytes) -> list[str]:
    root = etree.fromstring(html, etree.HTMLParser(remove_comments=False))
    values: list[str] = []
    for element in root.iter():
        values += [element.text or "", element.tail or ""]
        if isinstance(element.tag, str):
            values += list(element.attrib.values())
    return values


def assert_nothing_injected(source: bytes, built: bytes, target: str, reference: bytes | None = None) -> None:
    """``reference``: the same page built with no translation (default: the source as transkit writes it)."""
    page = parse_page(source, "source.html", "en")
    if reference is None:
        reference = serialize_page(page)
    encoding = page.encoding if page.encoding != "us-ascii" else "ascii"
    ours, theirs = tokens(built.decode(encoding)), tokens(reference.decode(encoding))
    starts = [(tag, attrs) for tag, attrs in ours.starts if not is_marker(tag, attrs)]
    # no element gained (or lost: every placeholder must be used exactly once)
    assert Counter(tag for tag, _ in starts) == Counter(tag for tag, _ in theirs.starts)
    # no attribute or URL gained: every value is the source's own, or a translation of a text attribute
    known = {(tag, name, value) for tag, attrs in theirs.starts for name, value in attrs}
    languages = {value for _, attrs in theirs.starts for name, value in attrs if name == "lang"} | {target, page.language}
    for tag, attrs in starts:
        for name, value in attrs:
            if name == "lang":
                assert value in languages, (tag, name, value)
            elif tag == "html" and name == "dir":
                assert value in ("ltr", "rtl")
            elif translatable(tag, name, attrs):
                assert name not in URL_ATTRIBUTES
            else:
                assert (tag, name, value) in known, f"<{tag} {name}={value!r}> is not in the source"
    for tag, attrs in ours.starts:
        if is_marker(tag, attrs):
            for name, value in attrs:
                assert name in MARKER_ATTRIBUTES and re.fullmatch(MARKER_ATTRIBUTES[name], value), (name, value)
    # no comment, declaration or processing instruction gained or lost
    assert Counter(ours.others) == Counter(theirs.others)
    # nothing lands in script, style, raw-text elements, textarea, code or pre (which a translation may reorder)
    assert Counter(raw_texts(built)) == Counter(raw_texts(reference))
    # well-formed: what a parser reads back from the page is exactly the page
    again = serialize_page(parse_page(built, "built.html", "en"))
    assert again == built, first_difference(built, again)
    # no character HTML cannot show, no bidi control left open
    for value in text_values(built):
        assert not UNSHOWABLE.search(value), repr(value)
        assert balance_bidi(value) == value, repr(value)


def first_difference(one: bytes, other: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, other)) if a != b), min(len(one), len(other)))
    return f"reads back differently at byte {at}:\n{one[max(0, at - 300):at + 100]!r}\n{other[max(0, at - 300):at + 100]!r}"


def msgids(source: bytes) -> list[str]:
    document = extract(source, "source.html", WalkOptions("en"), "en", "")
    return list(dict.fromkeys(s.msgid for s in document.segments))


MSGIDS = {name: msgids(data) for name, data in PAGES.items()}


def build(name: str, entries: list[Entry], mark_drafts: bool = False) -> bytes:
    """The page built on a fresh tree, after checking that the build by concatenation (what
    build_project does with a page walked once for its languages) writes the same bytes."""
    catalog, policy = Catalog(entries=tuple(entries)), PagePolicy(mark_drafts=mark_drafts)
    result = build_page(PAGES[name], f"{name}.html", catalog, f"{name}.po", "tr",
                        WalkOptions("en"), "en", include_fuzzy=True, policy=policy)
    walked = walk_page(PAGES[name], f"{name}.html", WalkOptions("en"), "en", 2)
    rendered = build_page(PAGES[name], f"{name}.html", catalog, f"{name}.po", "tr",
                          WalkOptions("en"), "en", include_fuzzy=True, policy=policy, walked=walked)
    assert walked.plan, "the page is rendered by concatenation"
    assert rendered == result, first_difference(rendered.html, result.html)
    accepted = sum(1 for e in entries if e.msgstr != e.msgid) - len(result.warnings)
    if currently_in_test_context():  # shown by pytest --hypothesis-show-statistics
        event(f"hostile translations in the page: {'none' if accepted <= 0 else '1-9' if accepted < 10 else '10+'}")
    return result.html


def test_the_fixture_pages_are_what_the_properties_need() -> None:
    assert len(ARTICLES) >= 4 and all(len(ids) >= 20 for ids in MSGIDS.values())
    for name, data in PAGES.items():  # the source reads back as itself, and nothing is injected by no translation
        reference = serialize_page(parse_page(data, name, "en"))
        assert serialize_page(parse_page(reference, name, "en")) == reference
        assert_nothing_injected(data, build(name, []), "tr")
    assert RAW_TEXT <= UNTRANSLATABLE  # a raw-text element's text is written unescaped: never a translation


# No shrinking: a failing page takes Hypothesis minutes to shrink; the message shows the place instead.
SETTINGS = settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target))


@pytest.mark.parametrize("name", sorted(PAGES))
@SETTINGS
@given(data=st.data())
def test_an_arbitrary_msgstr_injects_nothing(name: str, data: Any) -> None:
    entries = []
    for msgid in MSGIDS[name]:
        if data.draw(st.integers(0, 4)) == 0:
            continue  # some stay untranslated
        msgstr = data.draw(translation(msgid))
        fuzzy = data.draw(st.booleans())
        entries.append(Entry(msgid, msgstr, flags=("fuzzy",) if fuzzy else ()))
    assert_nothing_injected(PAGES[name], build(name, entries, data.draw(st.booleans())), "tr")


@st.composite
def engine_answer(draw: Any, protected_text: str) -> str:
    """What an engine might send back: the tokens kept, shuffled, dropped or doubled, hostile text around them."""
    tokens = [m.group(0) for m in re.finditer(r"⟦\d+⟧", protected_text)]
    if tokens and draw(st.booleans()):
        tokens = draw(st.permutations(tokens))
    if tokens and draw(st.integers(0, 5)) == 0:
        tokens = tokens[1:] if draw(st.booleans()) else tokens + tokens[:1]
    parts = [draw(hostile_text())]
    for token in tokens:
        parts += [token, draw(hostile_text())]
    return "".join(parts)


@pytest.mark.parametrize("name", sorted(PAGES))
@SETTINGS
@given(data=st.data())
def test_an_arbitrary_engine_answer_injects_nothing(name: str, data: Any) -> None:
    entries = []
    for msgid in MSGIDS[name]:
        protected = protect(msgid)
        try:
            msgstr = restore(protected, data.draw(engine_answer(protected.text)))
        except ProtectionError:
            continue  # refused by prefill: the entry stays empty
        entries.append(Entry(msgid, msgstr, flags=("fuzzy",), translator_comments=(f"{PROVENANCE} mt libre 2026-11-28",)))
    assert_nothing_injected(PAGES[name], build(name, entries, mark_drafts=True), "tr")


def attack(text: str, target: str) -> str:
    """The engine on 127.0.0.1: keeps the tokens, replaces the words around them with attacks."""
    seed = int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16)
    tokens = re.findall(r"⟦\d+⟧", text)
    picks = [HOSTILE[(seed >> (8 * i)) % len(HOSTILE)] for i in range(len(tokens) + 2)]
    return picks[0] + "".join(token + picks[i + 1] for i, token in enumerate(tokens)) + f" [{target}] " + picks[-1]


def test_prefill_from_a_hostile_engine_then_build_injects_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    root = make_project(tmp_path / "site", {path.name: path.read_bytes() for path in ARTICLES},
                        'languages = ["tr", "en", "ru"]\n')
    config = load_config(root)
    assert sync_project(config).ok
    with serve(attack) as stub:
        report = prefill_project(config, PrefillOptions(engine="libre", url=stub.url))
    assert report.from_mt > 50 and len(stub.asked) > 50  # many attacks got through restoration into catalogs
    drafted = [e for p in config.locales.rglob("*.po") for e in read_catalog(p).entries if e.msgstr]
    assert any("<script>" in e.msgstr or "javascript:" in e.msgstr for e in drafted)
    built = build_project(config, include_fuzzy=True)
    assert built.ok, built.errors
    untranslated = make_project(tmp_path / "untranslated", {path.name: path.read_bytes() for path in ARTICLES},
                                'languages = ["tr", "en", "ru"]\n')
    assert sync_project(load_config(untranslated)).ok
    assert build_project(load_config(untranslated), include_fuzzy=True).ok  # the same policy, nothing translated
    pages = 0
    for path in ARTICLES:
        for language in ("tr", "en", "ru"):
            out = config.output / language / path.name
            if out.exists():
                pages += 1
                reference = (untranslated / "build" / language / path.name).read_bytes()
                assert_nothing_injected(path.read_bytes(), out.read_bytes(), language, reference)
    assert pages == 8  # 4 articles × their 2 other languages
