"""Extraction's fast paths give exactly what the plain ways of computing the same thing give."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_fuzz_segmenter import page as random_page

from transkit.errors import SourceError
from transkit.source import html, sentences
from transkit.source.inline import SPACES, Placeholder, normalize_spaces
from transkit.source.sentences import ATOMIC, CLOSE, OPEN

SETTINGS = settings(max_examples=500, derandomize=True, deadline=None)
CHARS = list("ab .!?…\n\t\r\f\xa0\"“”()[]1") + [OPEN, CLOSE, ATOMIC, "\u2009"]
text = st.text(alphabet=st.sampled_from(CHARS), min_size=1, max_size=12)


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\f\xa0a")), max_size=30))
def test_normalize_spaces_is_the_substitution(value: str) -> None:
    assert normalize_spaces(value) == SPACES.sub(" ", value)


# The candidate pattern of the two-scan splitter (round 4), the reference for _SCAN's candidates.
CANDIDATE = re.compile(
    r"(?P<term>[.!?…](?<![.!?…][.!?…])[.!?…]*+)"
    rf"(?:{sentences._CLOSER_CLASS}|{sentences._FOOTNOTE})*+"
    r"(?P<gap>\s++)"
    rf"(?={sentences._SKIP_CLASS}*+(?P<first>.))"
)
# The candidate pattern as first written: look-behind first, which the regex engine must try at every position.
ORIGINAL_CANDIDATE = re.compile(r"(?<![.!?…])(?P<term>[.!?…]++)" + CANDIDATE.pattern.split("[.!?…]*+)", 1)[1])
SCAN_CHARS = CHARS + ["A", "x", "Б", "«", "»", "„", "[1]", "'", "’"]


@SETTINGS
@given(st.text(alphabet=st.sampled_from(CHARS + ["A", "x", "Б"]), max_size=40))
def test_candidate_pattern_finds_what_the_original_found(value: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], ...]]:
        return [(m.span(), m.span("term"), m.span("gap"), m.span("first")) for m in pattern.finditer(value)]

    assert found(CANDIDATE) == found(ORIGINAL_CANDIDATE)


def _flatten(tokens: list[html.Token]) -> tuple[str, list[int]]:
    """The body flattened for the splitter, and where each token starts in that string."""
    return html._flat(tokens), html._token_starts(tokens)


def _scanned(value: str, start: int = 0) -> tuple[list[tuple[Any, ...]], list[int]]:
    """_SCAN's candidates (term, gap, first spans) and the marks it finds or its candidates' closers hold."""
    candidates: list[tuple[Any, ...]] = []
    marks: list[int] = []
    for match in sentences._SCAN.finditer(value, start):
        if match.lastindex is None:
            marks.append(match.start())
        else:
            candidates.append(((match.start(), match.end("run")), match.span("gap"), match.span("first")))
            marks.extend(m.start() for m in sentences._STRUCTURE.finditer(value, match.end("run"), match.start("gap")))
    return candidates, marks


@SETTINGS
@given(st.lists(st.sampled_from(SCAN_CHARS), max_size=40).map("".join), st.integers(0, 3))
def test_one_scan_finds_the_candidates_and_marks_of_two(value: str, start: int) -> None:
    """_SCAN gives the candidates CANDIDATE finds and, with the closers' marks, every mark before the last gap."""
    start = min(start, len(value))
    candidates, marks = _scanned(value, start)
    expected = [(m.span("term"), m.span("gap"), m.span("first")) for m in CANDIDATE.finditer(value, start)]
    assert candidates == expected
    every_mark = [m.start() for m in sentences._STRUCTURE.finditer(value, start)]
    last_gap = expected[-1][1][0] if expected else start
    assert [pos for pos in marks if pos < last_gap] == [pos for pos in every_mark if pos < last_gap]
    assert marks == sorted(marks)


def _gaps_by_two_scans(text: str, start: int, rules: Any) -> list[tuple[int, int]]:
    """_sentence_gaps the plain way (the reference): candidates and marks from two scans, every mark
    before a gap followed, the nesting always asked, every candidate judged by _ends_sentence."""
    marks = list(sentences._STRUCTURE.finditer(text))
    nesting = sentences._Nesting(text, start)
    gaps: list[tuple[int, int]] = []
    for match in CANDIDATE.finditer(text):
        gap_start, gap_end = match.span("gap")
        nesting.advance([mark for mark in marks if mark.start() < gap_start])
        marks = [mark for mark in marks if mark.start() >= gap_start]
        if nesting.blocks_split(gap_start):
            continue
        if sentences._ends_sentence(text, *match.span("term"), match.group("first"), rules):
            nesting.new_sentence(gap_end)
            gaps.append((gap_start, gap_end))
    return gaps


SPLIT_TEXT = st.lists(
    st.sampled_from([*"aZ1 .!?…\n“”\"'()[]«»„", OPEN, CLOSE, ATOMIC, "Mr", "т. д", "2. D", "II. D", "[1]", "U.S.", "(a"]),
    max_size=30,
).map("".join)
# Sentences ending in closers that are marks too ("b.” Z", "b.) Z", "b.CLOSE Z"): what the closers open or close
# decides the later gaps.
SENTENCE_TEXT = st.lists(
    st.sampled_from(["Ab", " ", ". Z", "! Z", "b.” Z", "b.) Z", f"b.{CLOSE} Z", "b.[1] Z", " (", ")", " “", "”",
                     f" {OPEN}", CLOSE, ATOMIC, "“", "\"", " Mr. Z", " 2. Z"]),
    max_size=20,
).map("".join)


@SETTINGS
@given(st.one_of(SPLIT_TEXT, SENTENCE_TEXT), st.sampled_from(["en", "tr", "ru", "de"]))
@example(f"{OPEN}Outer {OPEN}inner. Still inner.{CLOSE} outer. Yes.{CLOSE} Out. Done.", "en")
@example('He called it "a historic day." The crowd cheered. The ‘Dear Friend’ label stuck.', "en")
def test_sentence_gaps_are_those_of_two_scans(text: str, lang: str) -> None:
    start = sentences._content_bounds(text)[0]
    rules = sentences._rules_for(lang)
    assert sentences._sentence_gaps(text, start, rules) == _gaps_by_two_scans(text, start, rules)


@st.composite
def body_and_spans(draw: st.DrawFn) -> tuple[list[html.Token], list[tuple[int, int]]]:
    """A unit body (text never next to text, as the walker makes them) and increasing spans of its flat string."""
    tokens: list[html.Token] = []
    for _ in range(draw(st.integers(1, 8))):
        if tokens and tokens[-1][0] != "text" and draw(st.booleans()):
            tokens.append(("text", draw(text)))
        else:
            tokens.append((draw(st.sampled_from(["open", "close", "atom"])), etree.Element("b")))
    flat, _ = _flatten(tokens)
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


def _segments_by_bisection(
    body: list[html.Token], flat: str, starts: list[int], spans: list[tuple[int, int]], line: int
) -> tuple[list[html.SegmentSlice], list[str]]:
    """_cut the plain way (the reference): bisect each span out of the tokens, number each slice part by part."""
    segments, gaps = [], []
    for index, ((gap, tokens), (start, end)) in enumerate(zip(_cut_by_bisection(body, starts, len(flat), spans), spans)):
        if index:
            gaps.append(gap)
        line += gap.count("\n")
        segments.append(_segment_by_parts(tokens, line, flat[start:end]))
        line += html._flat_text(tokens).count("\n")
    return segments, gaps


@SETTINGS
@given(body_and_spans())
def test_cut_in_one_pass_is_cutting_by_bisection(case: tuple[list[html.Token], list[tuple[int, int]]]) -> None:
    body, spans = case
    flat, starts = _flatten(body)
    expected = _segments_by_bisection(body, flat, starts, spans, 5)
    assert html._cut(body, flat, spans, 5) == expected


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


def _full_stop_ends_reference(word: str, previous: str | None, first: str, rules: Any) -> bool:
    """_full_stop_ends as it was before its shortcut for plain words (the reference for both shortcuts)."""
    if not word or word[-1] in sentences._CLOSING_PUNCT:
        return True
    kind = sentences._abbreviation_kind(word, previous, rules)
    if kind is sentences._Kind.NEVER_END:
        return False
    if kind is sentences._Kind.MAY_END:
        return sentences._starts_word(first)
    if kind is sentences._Kind.BEFORE_NUMBER:
        return not first.isdigit()
    if sentences._DOTTED_LETTERS.fullmatch(word):
        return False
    if len(word) == 1 and word.isalpha():
        return False
    return not sentences._is_ordinal_or_list_number(word, previous, rules)


@SETTINGS
@given(WORDISH, st.sampled_from(["en", "tr", "ru", "de"]), st.sampled_from(["A", "1", "Б"]))
def test_plain_word_shortcut_is_the_full_stop_rule(before: str, lang: str, first: str) -> None:
    text = before + ". " + first
    end = len(before)
    rules = sentences._rules_for(lang)
    previous, word = sentences._words_before(text, end)
    expected = _full_stop_ends_reference(word, previous, first, rules)
    assert sentences._full_stop_ends(word, previous, first, rules) == expected
    shortcut = sentences._plain_word_ends(text, end, rules)
    if shortcut is not None:
        assert shortcut == expected


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t\xa0\"“”()A")), min_size=1, max_size=60))
def test_plain_text_split_is_the_general_split(value: str) -> None:
    """_split_text (one text token) gives what cutting the tokens and numbering each segment gives."""
    body: list[html.Token] = [("text", value)]
    flat, starts = _flatten(body)
    spans = html._depth_zero(sentences.sentence_spans(flat, "en"), flat)
    if len(spans) <= 1:
        return
    assert html._split_text(flat, spans, 7) == _segments_by_bisection(body, flat, starts, spans, 7)


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
    assert sentences._SCAN.groupindex == {"run": 1, "gap": 2, "first": 3}


# --------------------------------------------------------------------------- round 4: fast paths and the paths they skip

REPO = Path(__file__).resolve().parents[2]
PAGES = sorted({*(REPO / "tests").rglob("*.html"), *(REPO / "sources").glob("*.html")})


def _segment_by_parts(
    tokens: list[html.Token], line: int, flat: str, with_placeholders: bool = True
) -> html.SegmentSlice:
    """_segment as first written (the reference): each text normalised on its own, placeholders by id
    (placeholders always made: extraction's segments without them must have the same msgids)."""
    if len(tokens) == 1 and tokens[0][0] == "text":
        return html.SegmentSlice(tokens, {}, normalize_spaces(tokens[0][1]).strip(" "), line)
    placeholders: dict[int, Placeholder] = {}
    numbers: dict[int, Placeholder] = {}
    parts: list[str] = []
    literal = html._literal_numbers(tokens) if "<" in flat else ()
    number = 0
    for kind, value in tokens:
        if kind == "text":
            parts.append(normalize_spaces(value))
            continue
        placeholder = numbers.get(id(value))
        if placeholder is None:
            number += 1
            while number in literal:
                number += 1
            name = value.tag if isinstance(value.tag, str) else html._node_name(value)
            placeholder = numbers[id(value)] = placeholders[number] = Placeholder(number, name, kind != "atom", value)
        text = {"open": placeholder.open_text, "close": placeholder.close_text}.get(kind, placeholder.atomic_text)
        parts.append(text)
    return html.SegmentSlice(tokens, placeholders, "".join(parts).strip(" "), line)


@st.composite
def segment_tokens(draw: st.DrawFn) -> list[html.Token]:
    """Tokens of a segment: texts (touching ones too), elements opened and closed, atoms, comments."""
    elements = [etree.Element(tag) for tag in ("b", "a", "span")] + [etree.Comment("c")]
    tokens: list[html.Token] = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["text", "text", "open", "close", "atom"]))
        if kind == "text":
            pieces = st.sampled_from([*" \t\n\xa0ab<>/1", "<b1>", "</a2>"])
            tokens.append(("text", "".join(draw(st.lists(pieces, min_size=1, max_size=8)))))
        else:
            tokens.append((kind, draw(st.sampled_from(elements))))
    return tokens


@SETTINGS
@given(segment_tokens())
def test_segment_is_the_segment_rendered_part_by_part(tokens: list[html.Token]) -> None:
    flat, _ = _flatten(tokens)
    assert html._segment(tokens, 3, flat) == _segment_by_parts(tokens, 3, flat)


RUN_TEXT = st.lists(
    st.sampled_from([*"aZ1 .!?\n\t\r\f\xa0“”\"()", OPEN, CLOSE, ATOMIC, "Mr", "т. д", "2. D", "II. D"]), max_size=30
).map("".join)


@SETTINGS
@given(RUN_TEXT, st.sampled_from(["en", "tr", "ru"]), st.sampled_from(["sentence", "paragraph"]))
def test_plain_unit_is_the_general_unit(text: str, language: str, segmentation: str) -> None:
    """A run of one text gives the unit the general path (trim, unwrap, flatten, split) gives."""
    if not text:
        return
    block = etree.fromstring("<div><p>x</p></div>")[0]
    state = html._State()
    units = []
    for add in (html._Walker._add_plain_unit, html._Walker._add_unit):
        walker = html._Walker(html.WalkOptions(language, segmentation))
        if add is html._Walker._add_plain_unit:
            add(walker, block, None, 0, 0, text, state)
        else:
            add(walker, block, None, 0, 0, [("text", text)], state)
        units.append(walker.units)
    assert units[0] == units[1]


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("aZ1 .!?…\n“”\"()[]") + [OPEN, CLOSE, ATOMIC]), max_size=40),
       st.sampled_from(["en", "tr", "ru", "de"]))
def test_only_the_first_sentence_can_lack_a_word(text: str, lang: str) -> None:
    """sentence_spans merges word-less spans only when the first one has no word: it gives what
    merging every time gives."""
    start, end = sentences._content_bounds(text)
    if start == end:
        return
    spans = []
    for gap_start, gap_end in sentences._sentence_gaps(text, start, sentences._rules_for(lang)):
        spans.append((start, gap_start))
        start = gap_end
    spans.append((start, end))
    assert sentences.sentence_spans(text, lang) == sentences._merge_without_words(text, spans)


def test_spans_are_remembered_in_a_bounded_cache() -> None:
    long = "Word. " * (html._REMEMBERED_LENGTH // 6) + "End."
    for flat in ("One. Two.", f"A {OPEN}b. C{CLOSE} d. E.", "no end", long):
        assert html._spans(flat, "en") == tuple(html._depth_zero(sentences.sentence_spans(flat, "en"), flat))
        remembered = html._spans(flat, "en") is html._spans(flat, "en")  # (not split again)
        assert remembered == (len(flat) <= html._REMEMBERED_LENGTH), flat
    assert len(long) > html._REMEMBERED_LENGTH
    assert html._spans("One. Two.", "en") == ((0, 4), (5, 9))
    assert html._remembered_spans.cache_info().maxsize == 512


def test_void_elements_libxml2_closes_at_once_never_hold_content() -> None:
    """Only the void elements libxml2 may fill are looked at: the others stay empty in any context."""
    fillable = html._fillable_void_tags()
    assert {"wbr", "source", "embed"} <= set(fillable) < html.VOID
    contexts = (
        "<p>a<{0}>b<i>c</i></{0}>d</p>", "<{0}>x</{0}>", "<ul><li><{0}><b>y</b>z</li></ul>", "<table><{0}>q</table>",
        "<select><option><{0}>r</select>", "<a href=x><{0}>s<span>t</span></a>", "<svg><{0}>u</{0}></svg>",
        "<math><{0}>v</{0}></math>", "<pre><{0}>w</pre>", "<{0}/>x<{0}>y",
    )
    for tag in sorted(html.VOID - set(fillable)):
        for spelling in (tag, tag.upper(), f'{tag} class="x"'):
            for context in contexts:
                for where in ("<html><head>{0}</head><body></body></html>", "<html><body>{0}</body></html>"):
                    source = where.format(context.format(spelling)).replace(f"</{spelling}>", f"</{tag}>").encode()
                    root = etree.fromstring(source, etree.HTMLParser(remove_comments=False, remove_pis=False))
                    assert not [e for e in root.iter(tag) if e.text or len(e)], (tag, source)


SAMPLE_TEXTS = {None: "Çay и «чай»", "utf-8": "Çay и «чай»", "UTF-8": "çay", "utf8": "чай", "us-ascii": "tea",
                "windows-1251": "чай «и»", "iso-8859-9": "Çay ğ"}


@pytest.mark.parametrize("charset", list(SAMPLE_TEXTS))
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_source_bytes_stand_for_their_text_encoded(charset: str | None, bom: bytes) -> None:
    meta = f'<meta charset="{charset}">' if charset else ""
    text = f"<html><head>{meta}</head><body><p>{SAMPLE_TEXTS[charset]}</p></body></html>\n"
    codec = charset or "utf-8"
    data = (bom if codec.lower().startswith("utf") else b"") + text.encode(codec)
    decoded, encoding = html.decode_html(data, "t.html")
    assert html._as_utf8(data, decoded, encoding) == decoded.encode("utf-8")
    for bom16, codec16 in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        data16 = bom16 + text.encode(codec16)
        decoded, encoding = html.decode_html(data16, "t.html")
        assert html._as_utf8(data16, decoded, encoding) == decoded.encode("utf-8")


def _described(units: list[html.Unit]) -> list[Any]:
    """Units as comparable values: nodes by tag and source line (two walks make two sets of tokens)."""
    def node(n: Any) -> Any:
        return (n.tag if isinstance(n.tag, str) else html._node_name(n), n.sourceline, n.text)

    def tokens(values: list[html.Token]) -> list[Any]:
        return [(kind, value if kind == "text" else node(value)) for kind, value in values]

    described: list[Any] = []
    for unit in units:
        if isinstance(unit, html.AttributeUnit):
            described.append((node(unit.element), unit.attribute, unit.kind, unit.notes, unit.msgid, unit.line))
            continue
        segments = [
            (tokens(s.tokens), {n: (p.number, p.name, p.paired, node(p.node)) for n, p in s.placeholders.items()}, s.msgid, s.line)
            for s in unit.segments
        ]
        described.append((node(unit.container), unit.start, unit.end, unit.kind, unit.notes, tokens(unit.lead),
                          segments, unit.gaps, tokens(unit.trail)))
    return described


def _enter_block_with_a_frame(
    self: html._Walker, element: Any, tag: Any, parent_state: html._State, stack: list[list[Any]]
) -> bool:
    """_enter_block as first written: every block whose content is translated gets a frame."""
    keys = element.keys()
    state = self.state_of(element, parent_state, keys) if keys or self.selective else parent_state
    if keys and state.active:
        self.attribute_units(element, state)
    if tag in html.UNTRANSLATABLE:
        return False
    stack.append([element, state, list(element), 0, 0, False])
    return True


def _exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fast path of extraction (rounds 4 to 7) switched off: the exact paths they skip. (Round 7's
    live inside what is replaced here whole: _enter_block's run without a frame, extract's Segments made
    as bodies are cut, and _sentence_gaps' word after the last space.)

    (The parser's collect_ids=False has a test of its own: the tree is the same with the id table.)"""
    monkeypatch.setattr(html._Walker, "_enter_block", _enter_block_with_a_frame)
    monkeypatch.setattr(html._Walker, "add_text_unit", html._Walker._add_unit)
    monkeypatch.setattr(html, "_spans", lambda flat, language: html._depth_zero(sentences.sentence_spans(flat, language), flat))
    monkeypatch.setattr(html, "_segment", _segment_by_parts)
    monkeypatch.setattr(html, "_fillable_void_tags", lambda: tuple(sorted(html.VOID)))
    monkeypatch.setattr(html, "_as_utf8", lambda data, text, encoding: text.encode("utf-8"))
    monkeypatch.setattr(sentences, "_sentence_gaps", _gaps_by_two_scans)
    monkeypatch.setattr(sentences, "_content_bounds", _bounds_by_stripping)
    monkeypatch.setattr(html, "extract", _extract_from_units)
    monkeypatch.setattr(html._Walker, "run", _run_through_tokenize)
    monkeypatch.setattr(html, "_may_be_url", lambda text: True)
    monkeypatch.setattr(html, "_trim", html._trim_edges)  # (round 6)
    monkeypatch.setattr(html, "_depth_zero", _depth_zero_counting_from_the_start)
    monkeypatch.setattr(html._Walker, "state_of", lambda self, element, parent, keys: self._read_state(element, parent))


def _run_through_tokenize(
    self: html._Walker, container: Any, children: list[Any], start: int, end: int, state: html._State, switched_off: bool,
    lead: str | None,
) -> None:
    """_Walker.run as first written: every inline node through tokenize (no shortcut for those without children),
    the text before them read again (not the caller's ``lead``)."""
    before = children[start - 1] if start else None
    lead_text = container.text if before is None else before.tail
    tokens: list[html.Token] = [("text", lead_text)] if lead_text else []
    for child in children[start:end]:
        self.tokenize(child, state, tokens)
    attributes, self.pending_attributes = self.pending_attributes, []
    if state.active and not switched_off:
        self.add_text_unit(container, before, start, end, tokens, state)
    for element, element_state in attributes:
        self.attribute_units(element, element_state)


def _extract_from_units(
    data: bytes, path: Any, options: html.WalkOptions, default_language: str, settings: str
) -> html.Document:
    """extract as first written (the reference for the walker's extraction mode): the segments of the
    units walk_units gives the build, with their tokens, placeholders, lead and trail."""
    page = html.parse_page(data, path, default_language)
    options = html.WalkOptions(page.language, options.segmentation, options.include, options.exclude)
    segments: list[html.Segment] = []
    for unit in html.walk_units(page, options):
        if isinstance(unit, html.AttributeUnit):
            segments.append(html.Segment(unit.msgid, unit.kind, unit.line, unit.notes))
        else:
            segments.extend(html.Segment(piece.msgid, unit.kind, piece.line, unit.notes) for piece in unit.segments)
    return html.Document(page.language, tuple(segments), html.source_hash(data, settings))


def _bounds_by_stripping(text: str) -> tuple[int, int]:
    """_content_bounds without its shortcut for texts that neither start nor end with white space."""
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    return start, start + len(stripped.rstrip())


@SETTINGS
@given(st.lists(st.sampled_from(list(" \t\n\xa0\u2009\u3000a.\x1c\x85")), max_size=8).map("".join))
def test_content_bounds_are_those_of_stripping(value: str) -> None:
    assert sentences._content_bounds(value) == _bounds_by_stripping(value)


@pytest.mark.parametrize("segmentation", ["sentence", "paragraph"])
@pytest.mark.parametrize("language", ["en", "tr", "ru"])
def test_fast_paths_walk_every_page_as_the_exact_paths(
    language: str, segmentation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units, segments, msgids, lines, notes, kinds, placeholders and the serialised page, for every
    page under tests/ and sources/, walked twice (the second walk finds its bodies remembered)."""
    def walked() -> list[Any]:
        found = []
        for path in PAGES:
            data = path.read_bytes()
            try:
                page = html.parse_page(data, path, language)
            except SourceError as exc:
                found.append(str(exc))
                continue
            options = html.WalkOptions(page.language, segmentation)
            for _ in range(2):
                found.append(_described(html.walk_units(page, options)))
            found.append(html.serialize_page(page))
            found.append(html.extract(data, path, html.WalkOptions(language, segmentation), language, "s"))
        return found

    assert len(PAGES) > 80
    fast = walked()
    with monkeypatch.context() as exact:
        _exactly(exact)
        assert walked() == fast


@SETTINGS
@given(body_and_spans())
def test_flatten_is_the_token_by_token_concatenation(case: tuple[list[html.Token], list[tuple[int, int]]]) -> None:
    tokens, _ = case
    flat, starts = _flatten(tokens)
    pieces = [value if kind == "text" else html._MARKERS[kind] for kind, value in tokens]
    assert flat == "".join(pieces)
    assert starts == [len("".join(pieces[:index])) for index in range(len(pieces))]


@SETTINGS
@given(st.binary(max_size=12), st.integers(4080, 4100))
def test_source_checks_read_the_bytes_as_the_copies_did(data: bytes, padding: int) -> None:
    """decode_html's emptiness test, NUL search and charset search without copying the first bytes."""
    assert (not data.strip()) == (not data or data.isspace())
    page = b" " * padding + data + b'<meta charset="koi8-r">' + data
    for limit in (4096, 8192):
        assert (b"\x00" in page[:limit]) == (page.find(b"\x00", 0, limit) >= 0)
    found, copied = html.CHARSET.search(page, 0, 4096), html.CHARSET.search(page[:4096])
    assert (found and (found.span(), found.group(1))) == (copied and (copied.span(), copied.group(1)))


# --------------------------------------------------------------------------- round 5: the walker's extraction mode


def test_extraction_mode_gives_the_segments_of_the_units_on_every_page() -> None:
    """extract (the walker making segments, no units) against the segments of walk_units' units, for every
    page under tests/ and sources/, both segmentations, with selectors that include and exclude."""
    cases = 0
    for path in PAGES:
        data = path.read_bytes()
        for language in ("en", "tr"):
            for options in (html.WalkOptions(language), html.WalkOptions(language, "paragraph"),
                            html.WalkOptions(language, "sentence", ("p", "li"), (".notranslate", "footer"))):
                try:
                    expected = _extract_from_units(data, path, options, language, "s")
                except SourceError as exc:
                    with pytest.raises(SourceError, match=re.escape(str(exc))):
                        html.extract(data, path, options, language, "s")
                    continue
                assert html.extract(data, path, options, language, "s") == expected, path
                cases += bool(expected.segments)
    assert cases > 300


def test_walk_units_still_number_placeholders() -> None:
    """The build's units keep their placeholders (only extraction skips them)."""
    page = html.parse_page(b"<html><body><p>A <b>bold</b> word.<br>Next.</p></body></html>", "t.html", "en")
    (unit,) = html.walk_units(page, html.WalkOptions("en"))
    assert [(p.number, p.name, p.paired) for s in unit.segments for p in s.placeholders.values()] == [
        (1, "b", True), (2, "br", False)
    ]
    assert unit.segments[0].placeholders[1].node.tag == "b"


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_page(), st.sampled_from(["sentence", "paragraph"]), st.sampled_from([(), ("p", "li", "span")]),
       st.sampled_from([(), ("b", ".x", "[translate=no]")]), st.sampled_from(["en", "tr"]))
def test_extraction_mode_gives_the_segments_of_the_units_on_random_pages(
    data: bytes, segmentation: str, include: tuple[str, ...], exclude: tuple[str, ...], language: str
) -> None:
    options = html.WalkOptions(language, segmentation, include, exclude)
    try:
        expected = _extract_from_units(data, "page.html", options, language, "s")
    except SourceError:
        with pytest.raises(SourceError):
            html.extract(data, "page.html", options, language, "s")
        return
    assert html.extract(data, "page.html", options, language, "s") == expected


@SETTINGS
@given(st.lists(st.sampled_from(["a", "b", ".", "@", ":", "/", "www", "http", "s", " ", "-", "_", "+", "é", "1"]),
                max_size=12).map("".join))
def test_url_precheck_never_hides_a_url(value: str) -> None:
    """URLISH matches only texts holding ".", "@" or ":" (is_opaque skips it for the others)."""
    if html.URLISH.match(value):
        assert html._may_be_url(value)


# --------------------------------------------------------------------------- round 6


EDGE_NODES = [etree.Element("b"), etree.Comment("c"), etree.ProcessingInstruction("p")]
edge_token = st.one_of(
    st.tuples(st.just("text"), st.text(alphabet=st.sampled_from(list(" \t\n\r\f\xa0a.")), max_size=4)),
    st.tuples(st.sampled_from(["open", "close"]), st.just(EDGE_NODES[0])),
    st.tuples(st.just("atom"), st.sampled_from(EDGE_NODES)),
)


@SETTINGS
@given(st.lists(edge_token, max_size=6))
def test_trim_shortcut_is_the_edge_loop(tokens: list[html.Token]) -> None:
    """Runs with a word or an element (not a comment or PI) at both edges skip the loops: the same three lists."""
    assert html._trim(tokens) == html._trim_edges(tokens)


def _depth_zero_counting_from_the_start(spans: list[tuple[int, int]], flat: str) -> list[tuple[int, int]]:
    """_depth_zero as first written: the depth at each span counted from the start of the string."""
    if OPEN not in flat:
        return list(spans)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and flat.count(OPEN, 0, start) != flat.count(CLOSE, 0, start):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@SETTINGS
@given(st.text(alphabet=st.sampled_from(["a", " ", OPEN, CLOSE, ATOMIC]), max_size=30), st.data())
def test_depth_zero_counts_on_from_the_last_span(flat: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(flat)), max_size=10)))
    spans = list(zip(cuts[::2], cuts[1::2]))
    assert html._depth_zero(spans, flat) == _depth_zero_counting_from_the_start(spans, flat)


ATTRIBUTE_VALUES = {
    "class": ["a", "notranslate", "b notranslate", "notranslatex"], "translate": ["no", "yes", " No "],
    "lang": ["en", "tr", ""], "its-loc-note": ["a  note"], "data-translator-note": ["", "x"], "href": ["/"],
    "id": ["i"],
}


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(ATTRIBUTE_VALUES)), st.integers(0, 3)), st.booleans(), st.booleans())
def test_state_shortcuts_give_the_full_rule(attributes: dict[str, int], translate: bool, notes: bool) -> None:
    """state_of's early answers (no state attribute; a class without notranslate) and the state it makes."""
    element = etree.Element("p")
    for name, choice in attributes.items():
        values = ATTRIBUTE_VALUES[name]
        element.set(name, values[choice % len(values)])
    walker = html._Walker(html.WalkOptions("en"))
    parent = html._State(translate=translate, notes=("n",) if notes else ())
    assert walker.state_of(element, parent, element.keys()) == walker._read_state(element, parent)


def test_id_selectors_select_without_an_id_table() -> None:
    """parse_page collects no table of ids: "#x" selectors pick the elements they pick in a tree that has one."""
    data = b'<html><body><div id="a"><p id="b">B</p><p>C</p></div><p id="a">D</p><section id="c"><p>E</p></section></body></html>'
    selectors = ("#a", "div#a p", "#b, #c p", "[id=c] p", ":not(#a)")
    page = html.parse_page(data, "t.html", "en")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, remove_pis=False, huge_tree=True, collect_ids=True)
    with_table = etree.fromstring(data, parser).getroottree()
    for selector in selectors:
        found = sorted(page.tree.getpath(e) for e in html._selected(page.tree.getroot(), (selector,)))
        assert found == sorted(with_table.getpath(e) for e in html._selected(with_table.getroot(), (selector,))), selector
        assert found
    options = html.WalkOptions("en", "sentence", ("#a",), ("#b",))
    assert [s.msgid for s in html.extract(data, "t.html", options, "en", "s").segments] == ["C", "D"]


# --------------------------------------------------------------------------- round 7: extraction's segments made as they are cut


@SETTINGS
@given(body_and_spans(), st.integers(1, 9), st.sampled_from([(), ("note",)]))
def test_extraction_cut_gives_the_segments_of_the_cut(
    case: tuple[list[html.Token], list[tuple[int, int]]], line: int, notes: tuple[str, ...]
) -> None:
    """_extract_cut (a Segment appended per span, no placeholders, gaps counted in the flat string) against
    Segments of _cut's slices (gaps counted in the text of the tokens they overlap)."""
    body, spans = case
    flat = html._flat(body)
    slices, _ = html._cut(body, flat, spans, line)
    extracted: list[html.Segment] = []
    html._extract_cut(extracted, body, flat, spans, line, "li", notes)
    assert extracted == [html.Segment(s.msgid, "li", s.line, notes) for s in slices]


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\t\xa0\"“”()A")), min_size=1, max_size=60),
       st.sampled_from(["sentence", "paragraph"]))
def test_extracted_text_is_the_split_text(value: str, segmentation: str) -> None:
    """_extract_text (a Segment per piece, no SegmentSlice) against _split's segments of one text."""
    options = html.WalkOptions("en", segmentation)
    walker = html._Walker(options, segments=[])
    walker._extract_text(walker.segments, etree.Element("h2"), value, 3, html._State(notes=("n",)))
    slices, _ = html._split([("text", value)], value, options, 3)
    assert walker.segments == [html.Segment(s.msgid, "h2", s.line, ("n",)) for s in slices]


def _generated_articles() -> list[bytes]:
    """Articles as bench/gen_corpus.py makes them (shuffled words, the sample's markup), in three source languages."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_corpus", REPO / "bench" / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    gen_corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen_corpus)
    sample = gen_corpus.DEFAULT_SAMPLE.read_text(encoding="utf-8")
    articles = []
    for number in range(12):
        article = gen_corpus.make_article(sample, number, 1, 30 if number % 3 == 0 else 0)
        language = ("en-US", "tr", "ru")[number % 3]
        articles.append(article.replace('<html lang="en-US">', f'<html lang="{language}">', 1).encode("utf-8"))
    return articles


@pytest.mark.parametrize("segmentation", ["sentence", "paragraph"])
def test_extraction_mode_gives_the_segments_of_the_units_on_generated_articles(segmentation: str) -> None:
    """extract against the segments of walk_units' units on the bench corpus' articles (en, tr and ru sources)."""
    articles = _generated_articles()
    assert {data.split(b'<html lang="', 1)[1].split(b'"', 1)[0] for data in articles} == {b"en-US", b"tr", b"ru"}
    for data in articles:
        for options in (html.WalkOptions("en", segmentation), html.WalkOptions("tr", segmentation, ("p", "li"))):
            expected = _extract_from_units(data, "a.html", options, "en", "s")
            assert len(expected.segments) > 20
            assert html.extract(data, "a.html", options, "en", "s") == expected


def _plain_word_ends_by_splitting(text: str, end: int, rules: Any) -> bool | None:
    """_plain_word_ends as round 6 left it: the window copied and split at any white space."""
    if end == 0 or not text[end - 1].isalpha() or rules.pairs:
        return None
    word = text[max(0, end - sentences._WORD_WINDOW) : end].rsplit(None, 1)[-1]
    if len(word) < 2 or not word.isalpha() or word in rules.abbreviations:
        return None
    return not (rules.dotted_ordinals and sentences._ROMAN_NUMBER.fullmatch(word))


@SETTINGS
@given(st.lists(st.sampled_from(["a", "b", "IV", "Dr", " ", "\n", "\xa0", "\u2009", "\u3000", ".", "a" * 60]), max_size=8)
       .map("".join), st.sampled_from(["en", "tr", "ru", "de"]))
def test_plain_word_shortcut_finds_the_word_after_the_last_space(before: str, lang: str) -> None:
    """The word after the last " " in the window is the window's last word whenever it is all letters,
    whatever white space lies before it and however long the word (past the 100-character window); a word
    after other white space ("\\n", U+00A0) is no word of letters: None, _sentence_gaps asks the full rule."""
    text = before + ". A"
    rules = sentences._rules_for(lang)
    shortcut = sentences._plain_word_ends(text, len(before), rules)
    if shortcut is not None or before[-1:].isalpha() and before.rsplit(None, 1)[-1] == before.rsplit(" ", 1)[-1]:
        assert shortcut == _plain_word_ends_by_splitting(text, len(before), rules)
