"""The segmenter never crashes, and an identity translation always gives back the page.

Pages come from three places: HTML trees Hypothesis builds (blocks, inline
markup, attributes, comments, switches, odd text), the four realistic
articles in ``tests/fixtures/articles/`` with random subtrees deleted,
unwrapped, duplicated or moved, and pages nested 2,000 levels deep.

"Identity" is checked twice: with a catalog whose every msgstr is its msgid
(the build keeps the source nodes untouched), and through the splice path
that real translations take (each msgid parsed back into placeholders and
text and rebuilt), which must give the same DOM up to white space inside
segments (a msgid collapses runs of spaces).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import FIXTURES, dom_signature, make_project
from transkit.build import build_page
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main
from transkit.source.html import (
    WalkOptions,
    apply_translations,
    extract,
    parse_page,
    serialize_page,
    walk_units,
)
from transkit.source.inline import parse_translation

ARTICLES = sorted((FIXTURES / "articles").glob("*.html"))
SETTINGS = settings(max_examples=200, derandomize=True, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target))
SPACE = re.compile(r"[ \t\n\r\f]+")

# ------------------------------------------------------------------ generated trees

WORDS = ["Hello", "world", "Mr.", "Dr.", "e.g.", "etc.", "3.14", "No.", "U.S.", "1,000", "i.e.", "Ankara", "İstanbul",
         "Москва", "Привет", "mir", "中文", "日本語", "עברית", "العربية", "naïve", "Straße", "ﬁne", "—", "–", "«", "»",
         "„", "“", "”", "'", '"', "&", " < ", " > ", ".", "!", "?", "…", ":", ";", ",", "(", ")", "1.", "2)",
         "https://example.org/a?b=1&c=2", "www.example.com", "mail@example.org", "@handle", "#tag", "$5", "50%"]
SPACES = [" ", " ", " ", "\n", "\t", "\xa0", "  \n  ", "\u2009", "\u3000"]
text = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(SPACES),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co"), blacklist_characters="<&"),
                                  max_size=6)),
                max_size=10).map("".join)

BLOCKS = ["div", "p", "section", "article", "h2", "h3", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "figure",
          "figcaption", "table", "tr", "td", "th", "caption", "header", "footer", "aside", "nav", "main", "address",
          "pre", "details", "summary"]
INLINE = ["span", "a", "b", "i", "em", "strong", "sup", "sub", "code", "abbr", "q", "small", "cite", "mark", "s",
          "time", "kbd", "label", "bdi", "u", "var", "dfn"]
VOID = ["br", "img", "wbr", "input", "hr"]
ATTRIBUTES = st.dictionaries(
    st.sampled_from(["title", "alt", "href", "class", "id", "lang", "translate", "dir", "data-translator-note",
                     "aria-label", "placeholder", "src", "value", "type"]),
    st.one_of(text, st.sampled_from(["no", "yes", "en", "fr", "rtl", "button", "https://example.org/", "x.png"])),
    max_size=3,
)
COMMENTS = ["<!-- note -->", "<!-- translate:off -->", "<!-- translate:on -->", "<?php echo 1; ?>"]


def escape(value: str, quote: bool = False) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace('"', "&quot;") if quote else value


def attributes_html(attributes: dict[str, str]) -> str:
    return "".join(f' {name}="{escape(value, quote=True)}"' for name, value in attributes.items())


def node(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    element = st.tuples(st.sampled_from(BLOCKS + INLINE + INLINE), ATTRIBUTES, children).map(
        lambda t: f"<{t[0]}{attributes_html(t[1])}>{''.join(t[2])}</{t[0]}>")
    return element


leaf = st.one_of(
    text.map(escape),
    st.tuples(st.sampled_from(VOID), ATTRIBUTES).map(lambda t: f"<{t[0]}{attributes_html(t[1])}>"),
    st.sampled_from(COMMENTS),
)
tree = st.recursive(leaf, lambda children: node(st.lists(children, max_size=5)), max_leaves=40)


@st.composite
def page(draw: Any) -> bytes:
    title = escape(draw(text))
    body = "".join(draw(st.lists(tree, min_size=1, max_size=6)))
    lang = draw(st.sampled_from(["en", "en-US", "tr", ""]))
    html_lang = f' lang="{lang}"' if lang else ""
    head = f'<meta charset="utf-8"><title>{title}</title><meta name="description" content="{escape(draw(text), True)}">'
    return f"<!DOCTYPE html>\n<html{html_lang}><head>{head}</head><body>{body}</body></html>\n".encode("utf-8")


# ------------------------------------------------------------------ identity, two ways


def identity_catalog(data: bytes) -> Catalog:
    document = extract(data, "page.html", WalkOptions("en"), "en", "")
    msgids = dict.fromkeys(s.msgid for s in document.segments)
    return Catalog(entries=tuple(Entry(m, m) for m in msgids))


def reference(data: bytes) -> bytes:
    """The page as transkit reads and writes it, untranslated."""
    return serialize_page(parse_page(data, "page.html", "en"))


def built(data: bytes, language: str) -> bytes:
    return build_page(data, "page.html", identity_catalog(data), "page.po", language, WalkOptions("en"), "en").html


def spliced(data: bytes) -> bytes:
    """Every segment replaced by its msgid parsed back into nodes: the path real translations take."""
    parsed = parse_page(data, "page.html", "en")
    units = walk_units(parsed, WalkOptions(parsed.language))
    attributes = [u for u in units if not hasattr(u, "segments")]
    texts = [u for u in units if hasattr(u, "segments")]
    apply_translations(attributes, lambda msgid, placeholders: (msgid,))
    untouched = apply_translations(texts, lambda msgid, placeholders: parse_translation(msgid, placeholders))
    assert untouched == []
    return serialize_page(parsed)


def loose(signature: Any) -> Any:
    """A DOM signature with runs of white space collapsed (a msgid collapses them)."""
    if isinstance(signature, str):
        return SPACE.sub(" ", signature).strip()
    if isinstance(signature, tuple):
        return tuple(loose(part) for part in signature)
    return signature


def assert_identity(data: bytes) -> None:
    expected = reference(data)
    parsed = parse_page(data, "page.html", "en")
    if parsed.declared_language:  # byte for byte: an identity translation changes nothing
        assert built(data, parsed.tree.getroot().get("lang")) == expected
    assert dom_signature(built(data, "tr")) == dom_signature(expected)  # another language: only <html lang>
    assert loose(dom_signature(spliced(data))) == loose(dom_signature(expected))


@SETTINGS
@given(page())
def test_generated_trees_segment_and_come_back_unchanged(data: bytes) -> None:
    assert_identity(data)


# ------------------------------------------------------------------ realistic articles


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_a_realistic_article_comes_back_unchanged(path: Path) -> None:
    data = path.read_bytes()
    document = extract(data, path, WalkOptions("en"), "en", "")
    assert len(document.segments) >= 25
    assert_identity(data)


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_a_realistic_article_through_sync_and_build(tmp_path: Path, path: Path) -> None:
    """The real pipeline: sync, every msgstr set to its msgid in the PO files, build."""
    root = make_project(tmp_path / "site", {path.name: path.read_bytes()}, 'languages = ["tr", "en", "ru"]\n')
    runner = CliRunner()
    assert runner.invoke(main, ["sync", "-q", "--project", str(root)]).exit_code == 0
    catalogs = sorted((root / "locales").glob("*/*.po"))
    assert len(catalogs) == 2
    for catalog_file in catalogs:
        catalog = read_catalog(catalog_file)
        write_catalog(catalog_file, Catalog(catalog.header_comments, catalog.header_fields, catalog.header_flags,
                                            tuple(Entry(e.msgid, e.msgid, e.msgctxt, e.flags, e.references,
                                                        e.extracted_comments) for e in catalog.entries)))
    result = runner.invoke(main, ["build", "--project", str(root)])
    assert result.exit_code == 0 and not result.stderr, result.output
    for catalog_file in catalogs:
        page_out = root / "build" / catalog_file.parent.name / path.name
        assert dom_signature(without_alternates(page_out.read_bytes())) == \
            dom_signature(without_alternates(reference(path.read_bytes())))


def without_alternates(html: bytes) -> bytes:
    """The page minus <link rel=alternate hreflang>: the build writes its own (see transkit.publish)."""
    root = etree.fromstring(html, etree.HTMLParser(remove_comments=False, remove_pis=False))
    for link in root.xpath("//link[@hreflang]"):
        link.getparent().remove(link)  # with its tail: the build gives its links the tail of the first
    return etree.tostring(root.getroottree(), method="html")


@st.composite
def mutated_article(draw: Any) -> bytes:
    """A realistic article with random subtrees deleted, unwrapped, duplicated, moved or commented."""
    path = draw(st.sampled_from(ARTICLES))
    parsed = parse_page(path.read_bytes(), path, "en")
    root = parsed.tree.getroot()
    for _ in range(draw(st.integers(1, 6))):
        body = root.find("body")  # the head keeps its <meta charset>: the bytes need it
        elements = [e for e in body.iter() if isinstance(e.tag, str) and e is not body]
        if not elements:
            break
        target = draw(st.sampled_from(elements))
        parent = target.getparent()
        action = draw(st.sampled_from(["delete", "unwrap", "duplicate", "move", "comment", "text"]))
        if action == "delete":
            _remove(target)
        elif action == "unwrap":
            _unwrap(target)
        elif action == "duplicate":
            twin = copy.deepcopy(target)
            target.addnext(twin)
        elif action == "move":
            destination = draw(st.sampled_from(elements))
            if destination is not target and target not in destination.iterancestors():
                _remove(target, keep_tail=True)
                target.tail = None
                destination.append(target)
        elif action == "comment":
            comment = etree.Comment(draw(st.sampled_from([" translate:off ", " translate:on ", " x "])))
            parent.insert(parent.index(target), comment)
        else:
            target.text = (target.text or "") + draw(text)
    return serialize_page(parsed)


def _remove(element: Any, keep_tail: bool = True) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if keep_tail and element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    position = parent.index(element)
    for index, child in enumerate(list(element)):
        parent.insert(position + 1 + index, child)
    text_before = element.text or ""
    last = element.getprevious()
    if last is not None:
        last.tail = (last.tail or "") + text_before
    else:
        parent.text = (parent.text or "") + text_before
    _remove(element)


@SETTINGS
@given(mutated_article())
def test_mutated_articles_segment_and_come_back_unchanged(data: bytes) -> None:
    assert_identity(data)


# ------------------------------------------------------------------ deep pages


@pytest.mark.parametrize("tag", ["div", "span", "li", "em"])
def test_a_page_nested_2000_levels_comes_back_unchanged(tag: str) -> None:
    levels = 2_000
    data = (f'<!DOCTYPE html>\n<html lang="en"><head><title>Deep</title></head><body>'
            + f"<{tag} title='Level'>Level text. " * levels + "Bottom." + f"</{tag}>" * levels
            + "<p>After the deep part.</p></body></html>\n").encode("utf-8")
    document = extract(data, "deep.html", WalkOptions("en"), "en", "")
    assert document.segments[-1].msgid == "After the deep part."
    expected = reference(data)
    assert expected.count(f"<{tag} ".encode()) == levels
    assert built(data, "en") == expected  # compared as bytes: a nested tuple this deep would hit Python's recursion limit
    again = spliced(data)
    assert re.sub(rb"[ \t\n\r\f]+", b" ", again) == re.sub(rb"[ \t\n\r\f]+", b" ", expected)
