"""Extraction's fast paths give exactly what the plain ways of computing the same thing give."""

from __future__ import annotations

import re
from bisect import bisect_right

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from transkit.source import html, sentences
from transkit.source.inline import SPACES, normalize_spaces
from transkit.source.sentences import ATOMIC, CLOSE, OPEN

SETTINGS = settings(max_examples=500, derandomize=True, deadline=None)
CHARS = list("ab .!?…\n\t\r\f\xa0\"“”()[]1") + [OPEN, CLOSE, ATOMIC, "\u2009"]
text = st.text(alphabet=st.sampled_from(CHARS), min_size=1, max_size=12)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\f\xa0a")), max_size=30))
def test_normalize_spaces_is_the_substitution(value: str) -> None:
    assert normalize_spaces(value) == SPACES.sub(" ", value)


# The candidate pattern as first written: look-behind first, which the regex engine must try at every position.
ORIGINAL_CANDIDATE = re.compile(
    r"(?<![.!?…])(?P<term>[.!?…]++)" + sentences._CANDIDATE.pattern.split("[.!?…]*+)", 1)[1]
)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(CHARS + ["A", "x", "Б"]), max_size=40))
def test_candidate_pattern_finds_what_the_original_found(value: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], ...]]:
        return [(m.span(), m.span("term"), m.span("gap"), m.span("first")) for m in pattern.finditer(value)]

    assert found(sentences._CANDIDATE) == found(ORIGINAL_CANDIDATE)


@st.composite
def body_and_spans(draw: st.DrawFn) -> tuple[list[html.Token], list[tuple[int, int]]]:
    """A unit body (text never next to text, as the walker makes them) and increasing spans of its flat string."""
    tokens: list[html.Token] = []
    for _ in range(draw(st.integers(1, 8))):
        if tokens and tokens[-1][0] != "text" and draw(st.booleans()):
            tokens.append(("text", draw(text)))
        else:
            tokens.append((draw(st.sampled_from(["open", "close", "atom"])), etree.Element("b")))
    flat, _ = html._flatten(tokens)
    cuts = sorted(draw(st.sets(st.integers(0, len(flat)), min_size=2, max_size=8)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2])]
    return tokens, spans


def _cut_by_bisection(
    body: list[html.Token], starts: list[int], length: int, spans: list[tuple[int, int]]
) -> list[tuple[str, list[html.Token]]]:
    """Token slices for each span, with the text of the gap before it: the plain way (the reference)."""

    def split_at(flat_index: int) -> tuple[int, int]:
        """(token index, offset in that token) of a position in the flat string."""
        if flat_index >= length:
            return len(body), 0
        index = bisect_right(starts, flat_index) - 1
        return index, flat_index - starts[index]

    def cut(start: tuple[int, int], end: tuple[int, int]) -> list[html.Token]:
        """Tokens between two (token index, text offset) positions, cutting text tokens."""
        (start_index, start_offset), (end_index, end_offset) = start, end
        out: list[html.Token] = []
        for index in range(start_index, min(end_index + 1, len(body))):
            kind, value = body[index]
            if kind != "text":
                if index < end_index or (index == end_index and end_offset > 0):
                    if index > start_index or start_offset == 0:
                        out.append((kind, value))
                continue
            lo = start_offset if index == start_index else 0
            hi = end_offset if index == end_index else len(value)
            if hi > lo:
                out.append(("text", value[lo:hi]))
        return out

    result = []
    previous_end = 0
    for start, end in spans:
        gap = cut(split_at(previous_end), split_at(start)) if result else []
        result.append((html._flat_text(gap), cut(split_at(start), split_at(end))))
        previous_end = end
    return result


@SETTINGS
@given(body_and_spans())
def test_cut_in_one_pass_is_cutting_by_bisection(case: tuple[list[html.Token], list[tuple[int, int]]]) -> None:
    body, spans = case
    flat, starts = html._flatten(body)
    fast = html._cut(body, starts, flat, spans)
    slow = _cut_by_bisection(body, starts, len(flat), spans)
    assert [(gap, tokens) for gap, tokens, _ in fast] == slow
    for (_, tokens, span_text), (start, end) in zip(fast, spans):
        assert span_text == flat[start:end]
        assert span_text.count("\n") == html._flat_text(tokens).count("\n")


@SETTINGS
@given(st.lists(text, min_size=1, max_size=3), st.booleans())
def test_text_inside_is_the_text_serialisation(texts: list[str], nested: bool) -> None:
    element = etree.Element("span")
    element.text = texts[0].replace("\f", "")  # lxml refuses some control characters; keep what it takes
    for value in texts[1:] if nested else []:
        child = etree.SubElement(element, "b")
        child.text = value.replace("\f", "")
    element.tail = "tail"
    assert html._text_inside(element) == etree.tostring(element, method="text", encoding=str, with_tail=False)


WORDISH = st.text(alphabet=st.sampled_from(list("abXIVé .,\n“(\"") + [OPEN, CLOSE, ATOMIC, "т", "д"]), max_size=30)


@SETTINGS
@given(WORDISH, st.sampled_from(["en", "tr", "ru", "de"]), st.sampled_from(["A", "1", "Б"]))
def test_plain_word_shortcut_is_the_full_stop_rule(before: str, lang: str, first: str) -> None:
    text = before + ". " + first
    end = len(before)
    rules = sentences._rules_for(lang)
    shortcut = sentences._plain_word_ends(text, end, rules)
    if shortcut is not None:
        previous, word = sentences._words_before(text, end)
        assert shortcut == sentences._full_stop_ends(word, previous, first, rules)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t\xa0\"“”()A")), min_size=1, max_size=60))
def test_plain_text_split_is_the_general_split(value: str) -> None:
    """_split_text (one text token) gives what cutting the tokens and numbering each segment gives."""
    body: list[html.Token] = [("text", value)]
    flat, starts = html._flatten(body)
    spans = html._depth_zero(sentences.sentence_spans(flat, "en"), flat)
    if len(spans) <= 1:
        return
    segments, gaps = html._split_text(flat, spans, 7)
    line = 7
    expected_segments, expected_gaps = [], []
    for index, (before, tokens, span_text) in enumerate(html._cut(body, starts, flat, spans)):
        if index:
            expected_gaps.append(before)
        line += before.count("\n")
        expected_segments.append(html._segment(tokens, line, span_text))
        line += span_text.count("\n")
    assert (segments, gaps) == (expected_segments, expected_gaps)


def test_fast_constructors_make_the_same_objects() -> None:
    import pickle

    from transkit.source.inline import Placeholder, new_placeholder

    node = etree.Element("b")
    for made, plain in (
        (new_placeholder(3, "b", True, node), Placeholder(3, "b", True, node)),
        (new_placeholder(1, "br", False), Placeholder(1, "br", False)),
        (html._new_segment("Hi.", "p", 4, ("note",)), html.Segment("Hi.", "p", 4, ("note",))),
    ):
        assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
        assert vars(made) == vars(plain)
        if not isinstance(made, Placeholder):
            assert pickle.loads(pickle.dumps(made)) == plain


def test_void_elements_are_found_by_tag_as_by_reading_every_tag() -> None:
    source = (
        b"<html><body><p>a<wbr>b<source>c</source><embed>d<br>e<BR>f<svg:img>g</svg:img>"
        b"<math><br>q</math><!-- c --><img>h<span>i</span></img></p></body></html>"
    )
    root = etree.fromstring(source, etree.HTMLParser(remove_comments=False))
    by_reading = [e for e in root.iter() if e.tag in html.VOID and (e.text or len(e))]
    assert by_reading
    assert [e for e in root.iter(*html.VOID) if e.text or len(e)] == by_reading


def test_candidate_groups_are_where_the_splitter_reads_them_by_number() -> None:
    assert sentences._CANDIDATE.groupindex == {"term": 1, "gap": 2, "first": 3}
