"""Rule-based sentence segmentation of block text into translation segments.

The text of an HTML block element reaches us with inline markup replaced by
marker characters (ATOMIC, OPEN, CLOSE).  We split it into sentences for Turkish,
English and Russian, with generic rules for other languages.

The splitter is deliberately conservative.  A missed boundary only makes a
segment longer, which is harmless for translation; a wrong boundary cuts a
sentence in two and the halves cannot be translated well.  So every ambiguous
case (``U.S. The``, ``2022 г. Россия``, ``2. Dünya Savaşı``) is left unsplit.

How it works, in one left-to-right pass (linear time, regexes compiled once):

1. ``_SCAN`` finds each sentence-final punctuation run (``.``, ``!``, ``?``,
   ``…``, ``...``), the closing characters that still belong to that sentence
   (quotes, brackets, CLOSE/ATOMIC markers, ``[1]``-style footnotes) and the
   whitespace gap after them, provided the next sentence starts plausibly, and in
   the same scan the quotation marks, brackets and markers that step 2 follows.
2. ``_Nesting`` follows inline-markup depth and open quotations/brackets, so we
   never split inside an OPEN…CLOSE pair nor inside a quotation or bracket that
   opened in the middle of the sentence (``Xi said, “A. B.”`` stays whole; a
   quotation that *starts* the sentence may be split, so a block quote of three
   sentences gives three segments).
3. ``_ends_sentence`` looks at the word before a full stop: abbreviations
   (data per language in ``_RULES``), initials, dotted acronyms, list and
   section numbers, Turkish ordinals.
4. A "sentence" without any letter or digit is merged into a neighbour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

ATOMIC = "\ufffc"  # inline element without translatable text (footnote ref, image, <br>)
OPEN = "\ue000"  # start of an inline element with text (<strong>, <em>, <a>…)
CLOSE = "\ue001"  # end of such an element

_MARKERS = ATOMIC + OPEN + CLOSE

# Characters after the full stop that still belong to the ending sentence.
_CLOSERS = "”’»\"'“)]" + CLOSE + ATOMIC + "¹²³⁴⁵⁶⁷⁸⁹⁰"
# Characters that may come before the first word of a sentence.
_OPENERS = "\"'“„«‘([" + OPEN + ATOMIC
_CLOSER_CLASS = "[" + re.escape(_CLOSERS) + "]"
_SKIP_CLASS = r"[\s" + re.escape(_OPENERS) + "]"
_FOOTNOTE = r"\[\d{1,3}\]"  # "Russia.[1] Nevertheless"

# Quotation marks, brackets and inline markers, followed by _Nesting.
_MARK_CLASS = r"\ue000\ue001\"“”„«»()\[\]"
_STRUCTURE = re.compile(f"[{_MARK_CLASS}]")
# One scan finds both what _Nesting follows and the sentence-end candidates: a mark (no group
# takes part: lastindex is None), or a whole punctuation run (linear on "....."; the first
# character and "run" make it up), the closing characters that still belong to its sentence,
# the whitespace "gap" after them and the "first" significant character of the next sentence,
# after openers and markers. Both kinds start with one character class, so the regex engine
# skips ahead to the next such character at C speed (an alternation of two patterns cannot:
# it was 4x slower than the two scans it would replace).
_SCAN = re.compile(
    rf"[.!?…{_MARK_CLASS}]"
    rf"(?:(?<=[{_MARK_CLASS}])"
    r"|(?<![.!?…][.!?…])(?P<run>[.!?…]*+)"
    rf"(?:{_CLOSER_CLASS}|{_FOOTNOTE})*+"
    r"(?P<gap>\s++)"
    rf"(?={_SKIP_CLASS}*+(?P<first>.)))"
)
# A word ending like a sentence: "said.", "Russia.”[1]", "follows:".
_FINAL_WORD = re.compile(rf"[.!?…:;](?:{_CLOSER_CLASS}|{_FOOTNOTE})*\Z")

# Openers (and whitespace) at the start of a sentence: quotes they open are "leading".
_LEADING = re.compile(_SKIP_CLASS + "*+")
_HAS_ALNUM = re.compile(r"[^\W_]")
_DOTTED_LETTERS = re.compile(r"[^\W\d_](?:\.[^\W\d_])+")
_SECTION_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_SHORT_NUMBER = re.compile(r"\d{1,3}")
_ROMAN_NUMBER = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")

_ELLIPSIS_OMISSION_BEFORE = "(["  # "[…]" / "(...)" mark an omission inside a sentence
_CLOSING_PUNCT = "”’»\"')]“"
_QUOTE_AFTER_OPENING = "([{«„“‘—–-/" + OPEN  # an ambiguous quote after these opens
_WORD_WINDOW = 100  # characters looked back to find the word before a full stop
_KINDS = ("q", "(", "[")  # quotation marks of any style, round brackets, square brackets


class _Kind(Enum):
    """What an abbreviation says about a following capitalised word."""

    NEVER_END = "never"  # titles, "e.g.", "Jan.": a name or the same sentence follows
    MAY_END = "may"  # "etc.", "и т. д.", "vb.": a capitalised word starts a new sentence
    BEFORE_NUMBER = "number"  # "No. 5": only a digit keeps the sentence going


@dataclass(frozen=True)
class _Rules:
    """Abbreviations of one language (written without their final dot)."""

    abbreviations: dict[str, _Kind]
    # (previous word, word) pairs such as ("т", "д") for "т. д."; previous word without dot.
    pairs: dict[tuple[str, str], _Kind] = field(default_factory=dict)
    # Turkish writes ordinals as "2. Dünya Savaşı", "II. Abdülhamid", "24. madde".
    dotted_ordinals: bool = False


def _table(never: str = "", may: str = "", before_number: str = "") -> dict[str, _Kind]:
    """Build an abbreviation table; lowercase entries also match capitalised."""
    table: dict[str, _Kind] = {}
    for words, kind in (
        (never, _Kind.NEVER_END),
        (may, _Kind.MAY_END),
        (before_number, _Kind.BEFORE_NUMBER),
    ):
        for word in words.split():
            table[word] = kind
            if word[0].islower():
                table.setdefault(word[0].upper() + word[1:], kind)
    return table


_EN = _table(
    never="""
        Mr Mrs Ms Messrs Mme Mlle Dr Prof Assoc Asst St Mt Ft Gen Gens Sen Sens Rep Reps
        Gov Govs Lt Col Maj Capt Cmdr Adm Brig Sgt Pres Amb Rev Hon Fr Co Dept Univ Ave
        Blvd Bros Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec vs cf approx ca fig
        figs vol vols pp para paras sec ch chap ed eds trans op Ch Sh Th Yu Ya Zh Dzh
    """,
    may="etc al Inc Ltd Corp Plc Jr Sr cit ibid a.m p.m",
    before_number="No no Nos nos Nr nr art Art",  # "art." alone is a word
)
_TR = _table(
    never="""
        Dr Prof Doç Yrd Yard Öğr Gör Arş Uzm Av Alb Gen Org Korg Tuğg Tümg Hz Sn Müh Bşk
        Md Em Kur Ltd Tic San Cad Sok Mah Apt Tel Üniv Fak Ens Böl bkz örn yy haz çev ed
        yay s ss c vol St Mr Mrs
    """,
    may="vb vs vd Şti",
    before_number="No no Nr",
)
_RU = _table(
    never="""
        см ср напр г гг в вв ул д им проф акад долл ст гл ред изд обл пос св тов пр пл
        пер прим канд докт чл корр зам пред т.е т.к т.н Дж
    """,
    may="др млн млрд трлн тыс руб чел т.д т.п",
    before_number="ок стр рис табл тел",  # рис, тел are also words: "rice", "bodies"
)
_GENERIC = _table(
    never="Mr Mrs Ms Dr Prof St Mt vs cf ca approx vgl bzw",
    may="etc usw Jr Sr",
    before_number="No no Nr nr",
)

_RULES: dict[str, _Rules] = {
    "en": _Rules(_EN),
    "tr": _Rules(_TR, dotted_ordinals=True),
    "ru": _Rules(
        _RU,
        pairs={
            ("т", "д"): _Kind.MAY_END,  # и т. д.
            ("т", "п"): _Kind.MAY_END,  # и т. п.
            ("и", "пр"): _Kind.MAY_END,  # и пр.
            ("н", "э"): _Kind.MAY_END,  # до н. э.
        },
    ),
}
_GENERIC_RULES = _Rules(_GENERIC)


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, in order.

    Spans never start or end with whitespace and only whitespace lies between
    them, so the caller can keep the original spacing between sentences.
    """
    start, end = _content_bounds(text)
    if start == end:
        return []
    gaps = _sentence_gaps(text, start, _rules_for(lang))
    if not gaps:  # one sentence (a span without a word has no neighbour to merge into)
        return [(start, end)]
    spans: list[tuple[int, int]] = []
    for gap_start, gap_end in gaps:
        spans.append((start, gap_start))
        start = gap_end
    spans.append((start, end))
    # Each span after a gap holds the letter or digit that let it start (see _sentence_gaps):
    # only the first may have no word.
    if _HAS_ALNUM.search(text, spans[0][0], spans[0][1]) is None:
        return _merge_without_words(text, spans)
    return spans


def _content_bounds(text: str) -> tuple[int, int]:
    """Offsets of the text without leading and trailing whitespace."""
    if text and not text[0].isspace() and not text[-1].isspace():
        return 0, len(text)  # most texts (the walker strips them): no copies
    stripped = text.lstrip()
    start = len(text) - len(stripped)
    return start, start + len(stripped.rstrip())


@lru_cache(maxsize=64)  # a handful of language codes per run
def _rules_for(lang: str) -> _Rules:
    """The splitting rules of a language code."""
    return _RULES.get(_base_language(lang), _GENERIC_RULES)


def _base_language(lang: str) -> str:
    """The language subtag decides the rules: "en-US" → "en", "tr_TR" → "tr"."""
    return lang.lower().replace("_", "-").split("-", 1)[0]


def _sentence_gaps(text: str, start: int, rules: _Rules) -> list[tuple[int, int]]:
    """Whitespace gaps (start, end) between sentences, left to right; `start` is where the text starts.

    One scan (_SCAN) and one tight loop: marks wait in a list until a candidate needs the
    nesting (those after the last candidate never matter), the nesting is made at the first
    such mark and consulted only while something is open, and a single full stop is judged
    here (see _ends_sentence).
    """
    gaps: list[tuple[int, int]] = []
    marks: list[re.Match[str]] = []  # marks not yet given to the nesting, in order
    nesting: _Nesting | None = None
    sentence_start = start
    for match in _SCAN.finditer(text, start):
        if match.lastindex is None:  # a mark
            marks.append(match)
            continue
        term_start = match.start()
        term_end, gap_start = match.end(1), match.start(2)  # "run", "gap"
        if term_end < gap_start:  # closing characters, which may be marks too ("”", ")", "[1]", CLOSE)
            marks.extend(_STRUCTURE.finditer(text, term_end, gap_start))
        if marks:
            if nesting is None:
                nesting = _Nesting(text, sentence_start)
            nesting.advance(marks)
            marks = []
        if nesting is not None and nesting.blocking and nesting.blocks_split(gap_start):
            continue
        first_char = match.group(3)  # "first"
        if not (first_char.isalpha() and not first_char.islower()) and not first_char.isdigit():
            continue  # not _starts_word(first) nor a digit
        if term_end - term_start == 1 and text[term_start] == ".":  # a single full stop: most candidates
            ends = _plain_word_ends(text, term_start, rules)
            if ends is None:
                previous, word = _words_before(text, term_start)
                ends = _full_stop_ends(word, previous, first_char, rules)
        else:
            ends = _ends_sentence(text, term_start, term_end, first_char, rules)
        if ends:
            sentence_start = gap_end = match.end(2)
            if nesting is not None:
                nesting.new_sentence(gap_end)
            gaps.append((gap_start, gap_end))
    return gaps


def _ends_sentence(text: str, term_start: int, term_end: int, first: str, rules: _Rules) -> bool:
    """Whether the punctuation run text[term_start:term_end] really ends a sentence; `first` starts the next."""
    if not _starts_word(first) and not first.isdigit():
        return False
    term = text[term_start:term_end]
    if "!" in term or "?" in term:
        return True
    if term != ".":  # an ellipsis
        return term_start == 0 or text[term_start - 1] not in _ELLIPSIS_OMISSION_BEFORE
    previous, word = _words_before(text, term_start)
    return _full_stop_ends(word, previous, first, rules)


def _starts_word(char: str) -> bool:
    """A capital letter, or a letter of a script without case."""
    return char.isalpha() and not char.islower()


def _plain_word_ends(text: str, end: int, rules: _Rules) -> bool | None:
    """What _full_stop_ends says when the word before the full stop at `end` is plain letters; None otherwise.

    A word of two letters or more, no abbreviation, no openers or markers (which are not
    letters), and no language with abbreviation pairs (which need the previous word too).
    """
    if end == 0 or not text[end - 1].isalpha() or rules.pairs:
        return None
    # The word _words_before finds, when isalpha() below holds: it then holds no white space of any kind,
    # so it starts after the last space in the window (no window copied and split, no list made).
    low = max(0, end - _WORD_WINDOW)
    word = text[max(text.rfind(" ", low, end) + 1, low) : end]
    if len(word) < 2 or not word.isalpha() or word in rules.abbreviations:
        return None
    return not (rules.dotted_ordinals and _ROMAN_NUMBER.fullmatch(word))


def _words_before(text: str, end: int) -> tuple[str | None, str]:
    """The word ending at `end` and the word before it (None at the start of the text).

    Leading openers and markers are stripped from the word, trailing markers too.
    """
    if end == 0 or text[end - 1].isspace():
        return "", ""
    low = max(0, end - _WORD_WINDOW)
    parts = text[low:end].rsplit(None, 2)
    word = parts[-1].lstrip(_OPENERS).strip(_MARKERS)
    if len(parts) >= 2:
        previous: str | None = parts[-2].strip(_MARKERS)
    else:
        previous = None if low == 0 else ""
    return previous, word


def _full_stop_ends(word: str, previous: str | None, first: str, rules: _Rules) -> bool:
    """Whether a single full stop after `word` ends the sentence; `first` starts the next."""
    if not word or word[-1] in _CLOSING_PUNCT:
        return True  # "(USA). The", "“Russia”. The", ". The"
    kind = _abbreviation_kind(word, previous, rules)
    if kind is _Kind.NEVER_END:
        return False
    if kind is _Kind.MAY_END:
        return _starts_word(first)
    if kind is _Kind.BEFORE_NUMBER:
        return not first.isdigit()
    if len(word) > 1 and word.isalpha():  # most words: not dotted, no initial, no number but a Roman one
        return not (rules.dotted_ordinals and _ROMAN_NUMBER.fullmatch(word))
    if _DOTTED_LETTERS.fullmatch(word):
        return False  # U.S., e.g., M.Ö., A.Ş., т.е.
    if len(word) == 1 and word.isalpha():
        return False  # initials: V. Putin, В. В. Путин, Xi J.
    return not _is_ordinal_or_list_number(word, previous, rules)


def _abbreviation_kind(word: str, previous: str | None, rules: _Rules) -> _Kind | None:
    """The abbreviation kind of `word`, taking "т. д."-like pairs into account."""
    if previous and rules.pairs:
        kind = rules.pairs.get((previous.rstrip("."), word))
        if kind is not None:
            return kind
    return rules.abbreviations.get(word)


def _is_ordinal_or_list_number(word: str, previous: str | None, rules: _Rules) -> bool:
    """List and section numbers ("1. Intro", "3.2. Method"); Turkish "2. Dünya", "II. Dünya"."""
    if _SECTION_NUMBER.fullmatch(word):
        if _is_sentence_final(previous, rules):
            return True  # a number opening a sentence numbers a list item or section
        if rules.dotted_ordinals and _SHORT_NUMBER.fullmatch(word):
            return True
    return rules.dotted_ordinals and bool(_ROMAN_NUMBER.fullmatch(word))


def _is_sentence_final(previous: str | None, rules: _Rules) -> bool:
    """Whether the word `previous` ends a sentence or clause ("said.", "follows:").

    The start of the text counts as final; an abbreviation ("Feb. 3.") does not.
    """
    if previous is None:
        return True
    match = _FINAL_WORD.search(previous)
    if match is None:
        return False
    if previous[match.start()] != ".":
        return True
    before = previous[: match.start()].lstrip(_OPENERS)
    kind = _abbreviation_kind(before, None, rules)
    abbreviated = kind is not None and kind is not _Kind.MAY_END
    return not (abbreviated or len(before) == 1 or _DOTTED_LETTERS.fullmatch(before))


class _Nesting:
    """Inline-markup depth and open quotations/brackets, advanced left to right.

    A quotation or bracket opened in the middle of a sentence blocks splitting
    until it closes (``Xi said, “A. B.” Next``); one that opens the sentence does
    not, so multi-sentence quotations and block quotes are still segmented.
    Stray marks cannot block for good: we only wait for a close that exists later.
    """

    def __init__(self, text: str, sentence_start: int) -> None:
        """Follow the marks of `text`, given in order by advance(); the current sentence starts at `sentence_start`."""
        self._text = text
        # Whether blocks_split() may be True: something is open (most of the time nothing is).
        self.blocking = False
        self._depth = 0
        self._open: list[tuple[str, bool]] = []  # (kind, opened mid-sentence)
        self._count = dict.fromkeys(_KINDS, 0)  # entries of each kind in _open
        self._mid_count = dict.fromkeys(_KINDS, 0)  # those opened mid-sentence
        self._sentence_start = sentence_start
        self._lead_end: int | None = None  # None: not computed yet for the current sentence
        self._last_close: dict[str, int] | None = None

    def new_sentence(self, start: int) -> None:
        """Record that a sentence starts at `start` (the first character after a gap)."""
        self._sentence_start = start
        self._lead_end = None  # computed when a mark needs it (most sentences have none)

    def _leading_end(self) -> int:
        """Where the openers and white space at the start of the current sentence end."""
        if self._lead_end is None:
            self._lead_end = _LEADING.match(self._text, self._sentence_start).end()
        return self._lead_end

    def advance(self, marks: list[re.Match[str]]) -> None:
        """Take into account the next marks (one-character matches), in order."""
        for mark in marks:
            self._apply(mark.start(), mark.group())
        self.blocking = self._depth > 0 or any(self._mid_count.values())

    def blocks_split(self, pos: int) -> bool:
        """Whether a sentence may not end at `pos` (inside markup or a mid-sentence quote)."""
        if self._depth > 0:
            return True
        mid_count = self._mid_count
        return any(mid_count.values()) and any(
            count and self._closes_later(kind, pos) for kind, count in mid_count.items()
        )

    def _apply(self, pos: int, char: str) -> None:
        if char == OPEN:
            self._depth += 1
        elif char == CLOSE:
            self._depth = max(0, self._depth - 1)  # a stray CLOSE is ignored
        elif char in "([«„" or (char in "\"“”" and self._quote_opens(pos)):
            self._push(_mark_kind(char), mid=pos >= self._leading_end())
        else:
            self._close(_mark_kind(char))

    def _push(self, kind: str, mid: bool) -> None:
        self._open.append((kind, mid))
        self._count[kind] += 1
        self._mid_count[kind] += mid

    def _quote_opens(self, pos: int) -> bool:
        """Whether an ambiguous quote (" “ ”) opens, judged by the character before it."""
        if pos == 0:
            return True
        before = self._text[pos - 1]
        return before.isspace() or before in _QUOTE_AFTER_OPENING

    def _close(self, kind: str) -> None:
        """Close the innermost open mark of `kind` (and anything left open inside it).

        Amortised constant time: a stray close returns at once, and each entry
        passed over on the way down is removed.
        """
        if not self._count[kind]:
            return
        while True:
            top, mid = self._open.pop()
            self._count[top] -= 1
            self._mid_count[top] -= mid
            if top == kind:
                return

    def _closes_later(self, kind: str, pos: int) -> bool:
        """Whether a closing mark of `kind` follows `pos` (else the opener was stray)."""
        if self._last_close is None:
            text = self._text
            self._last_close = {
                "q": max(text.rfind(char) for char in "\"”“»"),
                "(": text.rfind(")"),
                "[": text.rfind("]"),
            }
        return self._last_close[kind] > pos


def _mark_kind(char: str) -> str:
    """Quotes of all styles nest as one kind; brackets are their own kinds."""
    if char in "()":
        return "("
    if char in "[]":
        return "["
    return "q"


def _merge_without_words(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge spans without a letter or digit (markers, "…") into a neighbour."""
    merged: list[tuple[int, int]] = []
    carry: int | None = None  # start of leading word-less spans, merged into the next
    for start, end in spans:
        if carry is not None:
            start, carry = carry, None
        if _HAS_ALNUM.search(text, start, end) or len(spans) == 1:
            merged.append((start, end))
        elif merged:
            merged[-1] = (merged[-1][0], end)
        else:
            carry = start
    if carry is not None:  # nothing had a word: keep the whole text as one span
        merged.append((carry, spans[-1][1]))
    return merged
