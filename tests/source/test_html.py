"""Extraction: what becomes a segment, with which placeholders, kinds and lines."""

from __future__ import annotations

import pytest

from transkit.errors import SourceError
from transkit.source.html import WalkOptions, extract


def page(body: str, head: str = "", lang: str = "en") -> bytes:
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>{head}</head>\n<body>\n{body}\n</body>\n</html>\n'.encode()


def msgids(html: bytes, segmentation: str = "sentence", **options: tuple[str, ...]) -> list[str]:
    document = extract(html, "t.html", WalkOptions("en", segmentation, **options), "en", "")
    return [s.msgid for s in document.segments]


CASES = [
    pytest.param("<p>Hello world.</p>", ["Hello world."], id="paragraph"),
    pytest.param("<p>One.  Two\n  lines.</p>", ["One.", "Two lines."], id="sentences-and-whitespace"),
    pytest.param("<p>See <strong>this</strong> and <em>that</em>.</p>", ["See <strong1>this</strong1> and <em2>that</em2>."], id="inline"),
    pytest.param("<p>A <a href='x'><b>bold link</b></a> here.</p>", ["A <a1><b2>bold link</b2></a1> here."], id="nested-inline"),
    pytest.param("<p>Line one<br>line two</p>", ["Line one<br1/>line two"], id="br"),
    pytest.param("<p>Long<wbr>word and <b>more</b> text.</p>", ["Long<wbr1/>word and <b2>more</b2> text."], id="text-after-wbr"),
    pytest.param('<p>Russia.<sup><a href="#fn1">[1]</a></sup> Next one.</p>', ["Russia.<sup1/>", "Next one."], id="footnote-atomic"),
    pytest.param("<p><a href='/x'>Only a link</a></p>", ["Only a link"], id="wrapper-dropped"),
    pytest.param("<p><strong><em>Deep</em></strong></p>", ["Deep"], id="nested-wrappers-dropped"),
    pytest.param("<p>Fish &amp; chips &lt;3 &nbsp;now</p>", ["Fish & chips <3 \xa0now"], id="entities"),
    pytest.param("<p>Say <code>rm -rf</code> never.</p>", ["Say <code1/> never."], id="code-atomic"),
    pytest.param("<pre>keep\n  this</pre><p>Text</p>", ["Text"], id="pre-skipped"),
    pytest.param("<script>var a = 'x';</script><style>p{}</style><p>T</p>", ["T"], id="script-style-skipped"),
    pytest.param('<p translate="no">No</p><p>Yes</p>', ["Yes"], id="translate-no"),
    pytest.param('<div translate="no"><p translate="yes">Again</p></div>', ["Again"], id="translate-yes-inside-no"),
    pytest.param('<p class="x notranslate">No</p><p>Yes</p>', ["Yes"], id="notranslate-class"),
    pytest.param('<p lang="tr">Merhaba</p><p>Hello</p>', ["Hello"], id="foreign-lang-block"),
    pytest.param('<p>Hi <span lang="ru">Привет</span> there</p>', ["Hi <span1/> there"], id="foreign-lang-inline"),
    pytest.param('<p lang="en-GB">Colour</p>', ["Colour"], id="same-language-region"),
    pytest.param('<img src="a.png" alt="A cat" title="Cat">', ["A cat", "Cat"], id="img-attributes"),
    pytest.param('<img src="a.png" alt="">', [], id="empty-alt"),
    pytest.param('<p>The <abbr title="Shanghai Cooperation Organization">SCO</abbr> met.</p>',
                 ["The <abbr1>SCO</abbr1> met.", "Shanghai Cooperation Organization"], id="abbr-title"),
    pytest.param("<table><tr><th>Name</th><td>Value</td></tr></table>", ["Name", "Value"], id="table"),
    pytest.param("<ul><li>One<ul><li>Two</li></ul></li></ul>", ["One", "Two"], id="nested-list"),
    pytest.param("<div>Before<p>Inside</p>After</div>", ["Before", "Inside", "After"], id="text-around-block"),
    pytest.param("<p><!-- note -->Text<!-- more -->.</p>", ["Text<comment1/>."], id="comments"),
    pytest.param("<p>Text</p><!-- translate:off --><p>Skip</p><!-- translate:on --><p>Keep</p>", ["Text", "Keep"], id="translate-off-comments"),
    pytest.param("<p>Same.</p><p>Same.</p>", ["Same.", "Same."], id="duplicates-kept-in-document"),
    pytest.param("<p>[1] 2023</p><p>↩</p>", ["[1] 2023"], id="no-letters"),
    pytest.param('<p><a href="https://example.com/a">https://example.com/a</a> is the source.</p>', ["<a1/> is the source."], id="url-link-atomic"),
    pytest.param('<input type="submit" value="Send"><input type="text" value="x" placeholder="Your name">', ["Send", "Your name"], id="inputs"),
    pytest.param('<button>Click me</button>', ["Click me"], id="button"),
    pytest.param('<svg><text>No</text></svg><math><mi>x</mi></math><p>Yes</p>', ["Yes"], id="svg-math"),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
def test_extracted_msgids(body: str, expected: list[str]) -> None:
    assert msgids(page(body)) == expected


def test_head_metadata_is_extracted_with_kinds() -> None:
    head = (
        "<title>The title</title>"
        '<meta name="description" content="A description.">'
        '<meta property="og:title" content="OG title">'
        '<meta property="og:description" content="OG description">'
        '<meta name="twitter:title" content="TW title">'
        '<meta name="twitter:description" content="TW description">'
        '<meta name="viewport" content="width=device-width">'
        '<meta property="og:url" content="https://example.com/">'
    )
    document = extract(page("<p>Body</p>", head), "t.html", WalkOptions("en"), "en", "")
    assert [(s.kind, s.msgid) for s in document.segments] == [
        ("title", "The title"),
        ("meta description", "A description."),
        ("meta og:title", "OG title"),
        ("meta og:description", "OG description"),
        ("meta twitter:title", "TW title"),
        ("meta twitter:description", "TW description"),
        ("p", "Body"),
    ]


def test_paragraph_segmentation_keeps_blocks_whole() -> None:
    assert msgids(page("<p>One. Two.</p>"), "paragraph") == ["One. Two."]


def test_include_and_exclude_selectors() -> None:
    html = page('<nav><p>Menu</p></nav><main><p>Story</p><aside class="ad"><p>Ad</p></aside></main>',
                "<title>Title</title>")
    assert msgids(html, include=("main",), exclude=(".ad",)) == ["Title", "Story"]


def test_language_comes_from_html_lang() -> None:
    document = extract(page("<p>Merhaba</p>", lang="tr-TR"), "t.html", WalkOptions("en"), "en", "")
    assert document.language == "tr"
    undeclared = extract(b"<html><body><p>Hi</p></body></html>", "t.html", WalkOptions("en"), "ru", "")
    assert undeclared.language == "ru"


def test_lines_and_notes() -> None:
    html = page('<p>First.</p>\n<p data-translator-note="A pun; keep it short.">Second.\nThird.</p>')
    document = extract(html, "t.html", WalkOptions("en"), "en", "")
    assert [(s.msgid, s.line, s.notes) for s in document.segments] == [
        ("First.", 5, ()),
        ("Second.", 6, ("A pun; keep it short.",)),
        ("Third.", 7, ("A pun; keep it short.",)),
    ]


def test_sample_article_counts(sample_bytes: bytes) -> None:
    document = extract(sample_bytes, "sample.html", WalkOptions("en"), "en", "")
    kinds: dict[str, int] = {}
    for segment in document.segments:
        kinds[segment.kind] = kinds.get(segment.kind, 0) + 1
    assert document.language == "en"
    assert kinds["p"] == 41
    assert kinds["li"] == 9
    assert kinds["img alt"] == 1 and kinds["meta description"] == 1 and kinds["abbr title"] == 1
    texts = [s.msgid for s in document.segments]
    assert not any("Başaran" in t for t in texts), "the Turkish bio is lang=tr and stays untranslated"
    assert not any("Paylaş" in t for t in texts), "translate=no share buttons stay untranslated"
    assert "Following this declaration, Chinese President <strong1>Xi Jinping</strong1> visited Moscow on March 20-22, 2023." in texts


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b"  \n", "empty file", id="blank"),
        pytest.param(b"\x00\x01\x02<html>", "binary file", id="binary"),
        pytest.param("<p>caf\xe9</p>".encode("latin-1"), "t.html:1: not valid utf-8", id="latin1-undeclared"),
        pytest.param(b'<meta charset="klingon"><p>x</p>', "unknown charset", id="unknown-charset"),
    ],
)
def test_bad_sources_are_one_line_errors(data: bytes, message: str) -> None:
    with pytest.raises(SourceError) as error:
        extract(data, "t.html", WalkOptions("en"), "en", "")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_declared_charset_is_honoured() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body><p>Привет</p></body></html>'.encode("cp1251")
    assert msgids(html) == ["Привет"]


@pytest.fixture
def sample_bytes() -> bytes:
    from conftest import SAMPLE

    return SAMPLE.read_bytes()
