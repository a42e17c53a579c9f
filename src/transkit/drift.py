"""Drift: when an original changes, carry every translation to where its text went, and say what changed.

The only module that imports diff-match-patch. Four jobs:

**Alignment** (:func:`align`). The old catalog's live entries (in document
order, recovered from their ``#:`` line numbers: the old source is gone at
sync time) are aligned with the new template's entries (document order):

1. exact msgids pair up wherever they moved; the longest run of them that
   keeps its order (a longest increasing subsequence) becomes the *anchors*;
2. between two consecutive anchors, the remaining old and new segments are
   aligned by dynamic programming, in order: a 1→1 pair, a 1→2 split or a
   2→1 merge is allowed only when :func:`similarity` reaches
   :data:`THRESHOLD`, and the alignment maximising the matched text wins;
3. segments left over (moved *and* changed) pair only with a mutual best
   partner of similarity ≥ :data:`MOVED_THRESHOLD`.

There is never a global best-similar search at the pairing threshold: an
unrelated sentence elsewhere in the article cannot steal a translation.

**Similarity** (:func:`similarity`): a word-level ratio ``2·M / (A + B)``
where tokens are words, numbers, URLs, placeholders and punctuation
(whitespace ignored, typography normalised), each weighing its length in
characters; ``M`` is the weight of the tokens diff-match-patch keeps equal
after semantic clean-up (which drops coincidental one-word equalities such as
"the"). :data:`THRESHOLD` = 0.5 means "at least half of the text survived",
below which an old translation is more work to repair than to redo. Measured
(``tests/test_drift.py`` keeps the first two true):

* the sample article's 1,711 pairs of different segments: mean 0.011; the
  highest unrelated pair is 0.47 (two footnotes sharing citation
  boilerplate); only three pairs reach 0.5, all genuinely related (title and
  og:title 0.86, meta description and the sentence it quotes 0.93, image
  alt and figcaption 0.60);
* edits that should carry: every 1→1 pair in ``tests/fixtures/drift``, the
  sample's revision and a 100-article ``gen_corpus.py --revise 10`` run
  scores ≥ 0.67 (a three-word sentence with one word changed), median 0.96.

Splits and merges are judged part by part: each half must have ≥ 0.5 of its
own weight found in the whole, and the joined halves must score ≥ 0.5
against it. :data:`MOVED_THRESHOLD` = 0.8 is stricter because a moved pair
has no position to vouch for it.

**Change classes** (:func:`classify`) of previous → current source:
``whitespace``, ``typography`` (quotes, dashes, ``...``/``…``, no-break
spaces), ``number``, ``date``, ``url``, ``markup`` (placeholders renamed or
moved, text the same) — the *trivial* classes — and ``edit`` for anything
else (a word, a name, a meaning). Alignment adds ``split`` and ``merge``.

**Auto-update** (:func:`auto_update`): a trivial change is applied to the
translation instead of costing a translator's time: a number, date or URL
whose old value occurs in the translation exactly as often as in the old
source is replaced; ``...``/``…`` and dash changes likewise when they can be
found; placeholders are renamed to the new msgid's; quotes and whitespace are
the translation's own business and stay. The result must pass
:func:`transkit.source.inline.parse_translation` against the new msgid, or the
entry goes fuzzy instead. The entry gets one translator comment::

    transkit: auto-updated <class>[+<class>…]: "<old>" → "<new>"[; …]

listing the source changes, followed by ``(translation unchanged)`` when the
translation needed no edit (for example a quote style change).

A carried-over fuzzy entry gets the old msgstr and ``#| msgid`` = the source
the translation was made from (the old entry's own ``#| msgid`` when it was
still fuzzy: lineage). Split halves each get the whole old translation and
the comment ``transkit: split from one segment; …``; a merged segment gets
the joined translations and ``transkit: merged from N segments; …``.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections import Counter
from dataclasses import dataclass
from itertools import filterfalse
from typing import Callable, Iterable, Iterator, Sequence

from diff_match_patch import diff_match_patch

from .catalog.model import Catalog, Entry, changed_entry
from .catalog.pofile import read_catalog
from .config import Config
from .errors import PlaceholderError
from .layout import catalog_path, find_articles
from .source.inline import PLACEHOLDER, parse_translation, placeholders_of

THRESHOLD = 0.5
MOVED_THRESHOLD = 0.8
TRIVIAL = ("whitespace", "typography", "number", "date", "url", "markup")
AUTO_NOTE = "transkit: auto-updated "
SPLIT_NOTE = "transkit: split from one segment; the whole translation of it is here: keep only this part"
MERGE_NOTE = "transkit: merged from {count} segments; their translations are joined here"

URL = r"(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}»”’]"
NUMBER = r"\d+(?:[.,:/-]\d+)*"
TOKEN = re.compile(
    rf"{PLACEHOLDER.pattern}|{URL}|{NUMBER}|[^\W\d_]+(?:['’][^\W\d_]+)*|\s+|\.{{2,}}|-{{2,}}|.",
    re.S,
)
# TOKEN without capturing groups (PLACEHOLDER's): findall gives its tokens, without a match object each
_TOKENS = re.compile(re.sub(r"(?<!\\)\((?!\?)", "(?:", TOKEN.pattern), re.S)
_URLS = re.compile(URL)
_NUMBERS = re.compile(NUMBER)
DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\Z")
NUMBER_TOKEN = re.compile(rf"{NUMBER}\Z")
URL_TOKEN = re.compile(rf"{URL}\Z")
SPACES = re.compile(r"\s+")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
TYPOGRAPHY = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "–": "-", "—": "-", "‒": "-", "―": "-", "‐": "-", "‑": "-", "−": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
})
# Typographic spellings worth carrying into a translation (quotes are not: each language has its own).
CARRIED_TYPOGRAPHY = frozenset({"...", "…", "--", "---", "-", "–", "—"})

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0  # no time limit: the same input always gives the same diff


def _typographic(text: str) -> str:
    """Quotes, dashes, ellipses and odd spaces folded to plain ASCII spellings."""
    if not text.isascii():  # (an ASCII text has none of them: the translation would be a copy)
        text = text.translate(TYPOGRAPHY).replace("…", "...")
    return SPACES.sub(" ", text).strip()


# =========================================================================== tokens and diffs


@dataclass(frozen=True)
class DiffOp:
    """One run of a diff: ``op`` is ``equal``, ``delete`` or ``insert``."""

    op: str
    text: str


_OPS = {0: "equal", -1: "delete", 1: "insert"}


def tokenize(text: str) -> list[str]:
    """Words, numbers, URLs, placeholders, whitespace runs and single other characters."""
    return _TOKENS.findall(text)


def _token_diff(old: Sequence[str], new: Sequence[str], semantic: bool = False) -> list[tuple[int, list[str]]]:
    """diff-match-patch over token sequences (each token encoded as one character).

    ``semantic`` applies diff-match-patch's semantic clean-up at token level,
    so an edit never starts or ends inside a word.
    """
    table: dict[str, str] = {}
    a, b = _encode(old, table), _encode(new, table)
    decode = {c: t for t, c in table.items()}
    diffs = _DMP.diff_main(a, b, False)
    if semantic:
        _DMP.diff_cleanupSemantic(diffs)
    return [(op, [decode[c] for c in chars]) for op, chars in diffs]


def _encode(tokens: Sequence[str], table: dict[str, str]) -> str:
    """One private-use character per distinct token, so diff-match-patch diffs token sequences."""
    for token in tokens:  # (a new token's character only: setdefault would make one for every token)
        if token not in table:
            table[token] = chr(0xF0000 + len(table))
    return "".join(map(table.__getitem__, tokens))


def word_diff(old: str, new: str) -> tuple[DiffOp, ...]:
    """A word-level diff for people to read (semantically cleaned up, never cutting a word)."""
    diffs = _token_diff(tokenize(old), tokenize(new), semantic=True)
    return tuple(DiffOp(_OPS[op], "".join(tokens)) for op, tokens in diffs if tokens)


@dataclass(frozen=True)
class Hunk:
    """One place where the source changed: ``old`` text replaced by ``new`` text."""

    old: str
    new: str


def hunks(old: str, new: str) -> tuple[Hunk, ...]:
    """The changed places between two sources, each a run of deletions and insertions."""
    result: list[Hunk] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for op, tokens in _token_diff(tokenize(old), tokenize(new)) + [(0, [])]:
        if op == -1:
            deleted.extend(tokens)
        elif op == 1:
            inserted.extend(tokens)
        else:
            if deleted or inserted:
                result.append(Hunk("".join(deleted), "".join(inserted)))
            deleted, inserted = [], []
    return tuple(result)


# =========================================================================== similarity


@dataclass(frozen=True)
class _Text:
    """A segment prepared for comparison: content tokens (no whitespace) and their weights."""

    tokens: tuple[str, ...]
    counts: Counter[str]
    weight: int
    skeleton: str

    @classmethod
    def of(cls, text: str) -> _Text:
        tokens = tuple(filterfalse(str.isspace, tokenize(_typographic(text))))
        return cls(tokens, Counter(tokens), sum(map(len, tokens)), _skeleton(text))

    def __add__(self, other: _Text) -> _Text:
        tokens = self.tokens + other.tokens
        return _Text(tokens, self.counts + other.counts, self.weight + other.weight, self.skeleton + " " + other.skeleton)


def _skeleton(text: str) -> str:
    """The text with every trivially changeable part blanked: equal skeletons mean a trivial change."""
    text = PLACEHOLDER.sub("", text)
    text = _URLS.sub("\x01", text)
    text = _NUMBERS.sub("\x02", text)
    return _typographic(text).replace(" ", "")


def _matched(a: _Text, b: _Text) -> int:
    """Weight of the tokens a semantic diff keeps equal between ``a`` and ``b``."""
    if not a.tokens or not b.tokens:
        return 0
    diffs = _token_diff(a.tokens, b.tokens, semantic=True)
    return sum(len(token) for op, tokens in diffs if op == 0 for token in tokens)


def _upper_bound(a: _Text, b: _Text) -> int:
    """Matched weight can never exceed the weight of the shared token multiset (cheap pre-filter)."""
    small, large = (a.counts, b.counts) if len(a.counts) < len(b.counts) else (b.counts, a.counts)
    return sum(len(t) * min(n, large[t]) for t, n in small.items() if t in large)


def _ratio(matched: int, a: _Text, b: _Text) -> float:
    total = a.weight + b.weight
    return 2.0 * matched / total if total else 1.0


def similarity(old: str, new: str) -> float:
    """0 (nothing in common) … 1 (same words); see the module docstring for the definition."""
    a, b = _Text.of(old), _Text.of(new)
    return _ratio(_matched(a, b), a, b)


# =========================================================================== alignment


@dataclass(frozen=True)
class Link:
    """Old segments (indices) that became new segments: 1→1 ``match``/``moved``, 1→2 ``split``, 2→1 ``merge``."""

    kind: str
    old: tuple[int, ...]
    new: tuple[int, ...]


class _Prepared:
    """Segments prepared for comparison on first use: most of an article is exact matches that never need it."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.prepared: dict[int, _Text] = {}

    def __getitem__(self, index: int) -> _Text:
        if index not in self.prepared:
            self.prepared[index] = _Text.of(self.texts[index])
        return self.prepared[index]


class _Aligner:
    """Scores candidate pairings between prepared old and new segments, caching each comparison."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self.old = _Prepared(old)
        self.new = _Prepared(new)
        self.cache: dict[tuple[object, ...], int] = {}

    def pair(self, i: int, j: int, threshold: float = THRESHOLD) -> int:
        """Twice the matched weight when old ``i`` → new ``j`` qualifies, else 0."""
        key = ("pair", i, j, threshold)
        if key not in self.cache:
            self.cache[key] = self._pair_score(self.old[i], self.new[j], threshold)
        return self.cache[key]

    def _pair_score(self, a: _Text, b: _Text, threshold: float) -> int:
        if a.skeleton == b.skeleton and a.skeleton:
            return 2 * max(a.weight, b.weight)
        if _ratio(_upper_bound(a, b), a, b) < threshold:
            return 0
        matched = _matched(a, b)
        return 2 * matched if _ratio(matched, a, b) >= threshold else 0

    def split(self, i: int, j: int) -> int:
        """Score of old ``i`` → new ``j``, ``j+1``; each half must come from the old segment."""
        key = ("split", i, j)
        if key not in self.cache:
            self.cache[key] = self._parts_score(self.old[i], [self.new[j], self.new[j + 1]])
        return self.cache[key]

    def merge(self, i: int, j: int) -> int:
        """Score of old ``i``, ``i+1`` → new ``j``; each old part must survive in the new one."""
        key = ("merge", i, j)
        if key not in self.cache:
            self.cache[key] = self._parts_score(self.new[j], [self.old[i], self.old[i + 1]])
        return self.cache[key]

    def _parts_score(self, whole: _Text, parts: list[_Text]) -> int:
        joined = parts[0] + parts[1]
        if _ratio(_upper_bound(whole, joined), whole, joined) < THRESHOLD:
            return 0
        for part in parts:
            if not part.weight or _upper_bound(whole, part) < THRESHOLD * part.weight:
                return 0
            if _matched(whole, part) < THRESHOLD * part.weight:
                return 0
        matched = _matched(whole, joined)
        if _ratio(matched, whole, joined) < THRESHOLD:
            return 0
        return 2 * matched - 1  # a plain 1→1 pair wins a tie

    def gap(self, olds: list[int], news: list[int]) -> list[Link]:
        """Best in-order alignment of the old and new segments between two anchors."""
        if not olds or not news:
            return []
        m, k = len(olds), len(news)
        best = [[0] * (k + 1) for _ in range(m + 1)]
        move: list[list[tuple[str, int, int] | None]] = [[None] * (k + 1) for _ in range(m + 1)]
        for i in range(m + 1):
            for j in range(k + 1):
                if i or j:
                    best[i][j], move[i][j] = self._step(best, olds, news, i, j)
        return self._trace(move, olds, news)

    def _step(
        self, best: list[list[int]], olds: list[int], news: list[int], i: int, j: int
    ) -> tuple[int, tuple[str, int, int] | None]:
        options: list[tuple[int, int, tuple[str, int, int] | None]] = []
        if i and j and (score := self.pair(olds[i - 1], news[j - 1])):
            options.append((best[i - 1][j - 1] + score, 3, ("match", 1, 1)))
        if i and j > 1 and (score := self.split(olds[i - 1], news[j - 2])):
            options.append((best[i - 1][j - 2] + score, 2, ("split", 1, 2)))
        if i > 1 and j and (score := self.merge(olds[i - 2], news[j - 1])):
            options.append((best[i - 2][j - 1] + score, 2, ("merge", 2, 1)))
        if i:
            options.append((best[i - 1][j], 1, ("skip", 1, 0)))
        if j:
            options.append((best[i][j - 1], 0, ("skip", 0, 1)))
        score, _, step = max(options, key=lambda o: (o[0], o[1]))
        return score, step

    def _trace(self, move: list[list[tuple[str, int, int] | None]], olds: list[int], news: list[int]) -> list[Link]:
        links: list[Link] = []
        i, j = len(olds), len(news)
        while i or j:
            step = move[i][j]
            assert step is not None
            kind, di, dj = step
            if kind != "skip":
                links.append(Link(kind, tuple(olds[i - di : i]), tuple(news[j - dj : j])))
            i, j = i - di, j - dj
        return links[::-1]

    def moved(self, olds: list[int], news: list[int]) -> list[Link]:
        """Pair left-over segments that moved *and* changed: mutual best, high threshold only."""
        scores = {(i, j): s for i in olds for j in news if (s := self.pair(i, j, MOVED_THRESHOLD))}
        links = []
        for (i, j), score in sorted(scores.items()):
            best_for_old = max(s for (a, _), s in scores.items() if a == i)
            best_for_new = max(s for (_, b), s in scores.items() if b == j)
            if score == best_for_old == best_for_new and not any(i in l.old or j in l.new for l in links):
                links.append(Link("moved", (i,), (j,)))
        return links


def _increasing_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of (new, old) pairs whose old indices increase (patience sorting)."""
    olds = [old for _, old in pairs]
    if all(map(int.__lt__, olds, olds[1:])):  # usually so (nothing moved): the run is every pair
        return list(pairs)
    return _patience_run(pairs)


def _patience_run(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """_increasing_run's general case."""
    tails: list[int] = []
    tail_at: list[int] = []
    parent: list[int] = [-1] * len(pairs)
    for index, (_, old) in enumerate(pairs):
        place = bisect.bisect_left(tails, old)
        if place == len(tails):
            tails.append(old)
            tail_at.append(index)
        else:
            tails[place] = old
            tail_at[place] = index
        parent[index] = tail_at[place - 1] if place else -1
    run: list[tuple[int, int]] = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        run.append(pairs[index])
        index = parent[index]
    return run[::-1]


@functools.lru_cache(maxsize=4)  # an article's catalogs usually share their msgids: each language asks the same
def _align_cached(old: tuple[str, ...], new: tuple[str, ...], settled: frozenset[str]) -> tuple[Link, ...]:
    return align(old, new, settled)


def align(old: Sequence[str], new: Sequence[str], settled: Iterable[str] = ()) -> tuple[Link, ...]:
    """Where each changed new segment came from (see the module docstring).

    ``old`` and ``new`` are msgids in document order; exact matches are not
    returned (they need no help); ``settled`` new msgids (e.g. revived from
    obsolete entries) are never paired.
    """
    old_index = {text: i for i, text in enumerate(old)}
    exact = [(j, old_index[text]) for j, text in enumerate(new) if text in old_index]
    matched_old = {i for _, i in exact}
    revived = set(settled)
    done_new = {j for j, _ in exact}
    if revived:  # (usually none: no obsolete entries)
        done_new.update(j for j, text in enumerate(new) if text in revived)
    aligner = _Aligner(old, new)
    links: list[Link] = []
    bounds = [(-1, -1), *_increasing_run(exact), (len(new), len(old))]
    for (j0, i0), (j1, i1) in zip(bounds, bounds[1:]):
        if i1 - i0 < 2 or j1 - j0 < 2:
            continue  # no segment between the anchors on one side: gap() would pair nothing (most anchors)
        olds = [i for i in range(i0 + 1, i1) if i not in matched_old]
        news = [j for j in range(j0 + 1, j1) if j not in done_new]
        links.extend(aligner.gap(olds, news))
    used_old = matched_old | {i for link in links for i in link.old}
    used_new = done_new | {j for link in links for j in link.new}
    left_old = [i for i in range(len(old)) if i not in used_old]
    left_new = [j for j in range(len(new)) if j not in used_new]
    links.extend(aligner.moved(left_old, left_new))
    return tuple(sorted(links, key=lambda link: link.new))


# =========================================================================== change classes


@dataclass(frozen=True)
class Change:
    """What kind of change turned ``old`` into ``new``; ``kinds`` lists the trivial classes found."""

    kinds: tuple[str, ...]
    hunks: tuple[Hunk, ...]

    @property
    def trivial(self) -> bool:
        return bool(self.kinds) and "edit" not in self.kinds

    @property
    def label(self) -> str:
        return "+".join(self.kinds) if self.kinds else "none"


@functools.lru_cache(maxsize=1024)  # pure, and asked again for each language of an article
def classify(old: str, new: str) -> Change:
    """Classify each changed place; any non-trivial one makes the whole change an ``edit``."""
    found = hunks(old, new)
    kinds: set[str] = set()
    for hunk in found:
        kinds.update(_hunk_kinds(hunk))
    if "edit" in kinds:
        return Change(("edit",), found)
    return Change(tuple(k for k in TRIVIAL if k in kinds), found)


def _hunk_kinds(hunk: Hunk) -> set[str]:
    old_tags, new_tags = _placeholder_tokens(hunk.old), _placeholder_tokens(hunk.new)
    old_text, new_text = PLACEHOLDER.sub("", hunk.old), PLACEHOLDER.sub("", hunk.new)
    kinds = {"markup"} if old_tags != new_tags else set()
    if old_text == new_text:
        return kinds
    if SPACES.sub(" ", old_text).strip() == SPACES.sub(" ", new_text).strip():
        return kinds | {"whitespace"}
    if _typographic(old_text) == _typographic(new_text):
        return kinds | {"typography"}
    value_kind = _value_kind(old_text.strip())
    if value_kind and value_kind == _value_kind(new_text.strip()):
        return kinds | {value_kind}
    return {"edit"}


def _value_kind(text: str) -> str | None:
    """``url``, ``date`` or ``number`` when ``text`` is exactly one such token."""
    if URL_TOKEN.match(text):
        return "url"
    if DATE.match(text):
        return "date"
    if NUMBER_TOKEN.match(text):
        return "number"
    return None


def _placeholder_tokens(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


# =========================================================================== auto-update


@dataclass(frozen=True)
class Update:
    """A translation brought up to date without a translator: the new msgstr and the comment saying so."""

    msgstr: str
    change: Change
    note: str


def auto_update(old_msgid: str, new_msgid: str, msgstr: str) -> Update | None:
    """The translation with a trivial source change applied, or None when a translator must look."""
    change = classify(old_msgid, new_msgid)
    if not change.trivial or not msgstr:
        return None
    if msgstr == old_msgid:
        updated: str | None = new_msgid
    else:
        updated = _remap_placeholders(old_msgid, new_msgid, msgstr)
        if updated is not None:
            updated = _replace_values(change, old_msgid, updated)
    if updated is None or not _valid(updated, new_msgid):
        return None
    return Update(updated, change, _note(change, unchanged=updated == msgstr))


def _valid(msgstr: str, msgid: str) -> bool:
    try:
        parse_translation(msgstr, placeholders_of(msgid))
    except PlaceholderError:
        return False
    return True


def _remap_placeholders(old_msgid: str, new_msgid: str, msgstr: str) -> str | None:
    """Rename the translation's placeholders position by position; None when the markup's shape changed."""
    old_tags, new_tags = list(PLACEHOLDER.finditer(old_msgid)), list(PLACEHOLDER.finditer(new_msgid))
    if len(old_tags) != len(new_tags):
        return None
    mapping: dict[tuple[str, str], tuple[str, str]] = {}
    for a, b in zip(old_tags, new_tags):
        if (a.group(1), a.group(4)) != (b.group(1), b.group(4)):
            return None  # an opening tag became a closing or atomic one
        source, target = (a.group(2), a.group(3)), (b.group(2), b.group(3))
        if mapping.setdefault(source, target) != target:
            return None
    if len(set(mapping.values())) != len(mapping):
        return None

    def rename(match: re.Match[str]) -> str:
        closing, name, number, selfclosing = match.groups()
        new_name, new_number = mapping.get((name, number), (name, number))
        return f"<{closing}{new_name}{new_number}{selfclosing}>"

    return PLACEHOLDER.sub(rename, msgstr)


def _replace_values(change: Change, old_msgid: str, msgstr: str) -> str | None:
    """Apply number, date, URL (required) and ellipsis/dash (when found) changes to the translation."""
    replacements: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    required: set[str] = set()
    for old, new in _value_pairs(change.hunks):
        kind = _value_kind(old)
        if kind and kind == _value_kind(new):
            required.add(old)
        elif not (old in CARRIED_TYPOGRAPHY and new in CARRIED_TYPOGRAPHY):
            continue
        replacements.setdefault(old, set()).add(new)
        counts[old] += 1
    for old, news in replacements.items():
        ok = len(news) == 1 and counts[old] == _count(old_msgid, old) == _count(msgstr, old)
        if ok:
            msgstr = _substitute(msgstr, old, next(iter(news)))
        elif old in required:
            return None
    return msgstr


def _value_pairs(found: Iterable[Hunk]) -> Iterator[tuple[str, str]]:
    """Old → new values of each hunk; a hunk of as many tokens on each side pairs them one by one."""
    for hunk in found:
        old = [t for t in tokenize(PLACEHOLDER.sub("", hunk.old)) if not t.isspace()]
        new = [t for t in tokenize(PLACEHOLDER.sub("", hunk.new)) if not t.isspace()]
        if len(old) == len(new) and len(old) > 1:
            yield from zip(old, new)
        else:
            yield PLACEHOLDER.sub("", hunk.old).strip(), PLACEHOLDER.sub("", hunk.new).strip()


def _pattern(value: str) -> re.Pattern[str]:
    """``value`` as a whole token: "24" is not found inside "2024", "24.5", "<sup24/>" or "…/24/…"."""
    before = after = ""
    if value[:1].isalnum():
        before = r"(?<![\w/])(?<!\d[.,:-])"
    elif value[:1] in ".-–—…":
        before = r"(?<![.\-–—…])"
    if value[-1:].isalnum() or value[-1:] == "/":
        after = r"(?![\w/])(?![.,:/-]\d)"
    elif value[-1:] in ".-–—…":
        after = r"(?![.\-–—…])"
    return re.compile(before + re.escape(value) + after)


def _count(text: str, value: str) -> int:
    return len(_pattern(value).findall(text)) if value else 0


def _substitute(text: str, old: str, new: str) -> str:
    return _pattern(old).sub(lambda _: new, text)


def _note(change: Change, unchanged: bool) -> str:
    shown = "; ".join(f"{_quote(h.old)} → {_quote(h.new)}" for h in change.hunks)
    return f"{AUTO_NOTE}{change.label}: {shown}" + (" (translation unchanged)" if unchanged else "")


def _quote(text: str) -> str:
    """A hunk as JSON-style quoted text, with no-break and odd spaces made visible."""
    return json.dumps(text, ensure_ascii=False).replace("\u00a0", "\\u00a0").replace("\u202f", "\\u202f")


# =========================================================================== carry-over (the sync hook)


def carry_over(template: Catalog, old: Catalog) -> dict[str, Entry]:
    """Entries for the template's new msgids, built from the old entries they came from.

    Plugs into :func:`transkit.catalog.sync.merge`, which keeps exact matches
    itself and retires every old translation not kept verbatim to ``#~``.
    """
    live = [e for e in old.entries if not e.obsolete and e.msgctxt is None and e.msgid]
    fresh = [e for e in template.entries if e.msgctxt is None and e.msgid]
    if not live or not fresh:
        return {}
    settled: frozenset[str] = frozenset()  # (every old entry in live: none is obsolete)
    if len(live) < len(old.entries):
        settled = frozenset([e.msgid for e in old.entries if e.obsolete and e.msgctxt is None])
    live = _document_order(live)  # (merge asks only when a template entry has no old entry: a new msgid)
    proposals: dict[str, Entry] = {}
    old_msgids, new_msgids = tuple([e.msgid for e in live]), tuple([e.msgid for e in fresh])  # (lists: faster)
    for link in _align_cached(old_msgids, new_msgids, settled):
        sources = [live[i] for i in link.old]
        targets = [fresh[j] for j in link.new]
        for entry in _carry(link.kind, sources, targets):
            proposals[entry.msgid] = entry
    return proposals


def _document_order(entries: list[Entry]) -> list[Entry]:
    """Old entries sorted by the first line their ``#:`` reference cites (file order breaks ties)."""
    lines = _first_reference_lines(entries)
    if lines is None:
        lines = []
        line = 0
        for entry in entries:
            line = _reference_line(entry) or line
            lines.append(line)
    if lines == sorted(lines):  # usually so: sorting would change nothing (timsort checks that in one pass)
        return entries
    keyed = sorted(zip(lines, range(len(entries))))  # (line, index) pairs are distinct
    return [entries[index] for _, index in keyed]


def _first_reference_lines(entries: list[Entry]) -> list[int] | None:
    """Each entry's line as _reference_line reads it, when every first reference ends in ``:<digits>``
    (as in every catalog transkit writes): one regex pass instead of a call per entry. None otherwise."""
    firsts = "\n".join([entry.references[0] if entry.references else "" for entry in entries])
    numbers = _LINE_NUMBER.findall(firsts)
    return list(map(int, numbers)) if len(numbers) == len(entries) else None


_LINE_NUMBER = re.compile(r":0*([1-9][0-9]*)$", re.MULTILINE)  # (line 0 counts as none: see _document_order)


def _reference_line(entry: Entry) -> int:
    for reference in entry.references:
        _, _, number = reference.rpartition(":")
        if number.isdigit():
            return int(number)
    return 0


def origin(entry: Entry) -> str:
    """The source a translation was made from: an unreviewed fuzzy entry's ``#| msgid``, else its msgid."""
    return entry.previous_msgid if entry.fuzzy and entry.previous_msgid else entry.msgid


def _carry(kind: str, sources: list[Entry], targets: list[Entry]) -> list[Entry]:
    if kind == "split":
        return [_fuzzy(t, sources[0].msgstr, origin(sources[0]), sources, SPLIT_NOTE) for t in targets] if sources[0].msgstr else []
    if kind == "merge":
        msgstr = " ".join(s.msgstr for s in sources if s.msgstr)
        note = MERGE_NOTE.format(count=len(sources))
        return [_fuzzy(targets[0], msgstr, " ".join(origin(s) for s in sources), sources, note)] if msgstr else []
    source, target = sources[0], targets[0]
    if not source.msgstr:
        return []
    update = auto_update(source.msgid, target.msgid, source.msgstr)
    if update is None:
        return [_fuzzy(target, source.msgstr, origin(source), sources, None)]
    return [
        changed_entry(  # dataclasses.replace at a fraction of the cost (model tests it)
            target,
            msgstr=update.msgstr,
            flags=source.flags,
            translator_comments=_comments(sources, update.note),
            previous_msgid=source.previous_msgid if source.fuzzy else None,
        )
    ]


def _fuzzy(target: Entry, msgstr: str, previous: str, sources: list[Entry], note: str | None) -> Entry:
    flags = tuple(dict.fromkeys(f for s in sources for f in s.flags if f != "fuzzy"))
    return changed_entry(
        target,
        msgstr=msgstr,
        flags=("fuzzy", *flags),
        translator_comments=_comments(sources, note),
        previous_msgid=previous,
        previous_msgctxt=None,
    )


def _comments(sources: list[Entry], note: str | None) -> tuple[str, ...]:
    """The translators' own comments travel with their translation; transkit's note is added once."""
    comments = [c for s in sources for c in s.translator_comments]
    if note:
        comments.append(note)
    return tuple(dict.fromkeys(comments))


# =========================================================================== the drift report


@dataclass(frozen=True)
class StaleEntry:
    """A fuzzy entry whose source changed since it was translated, as ``transkit drift`` shows it."""

    article: str
    language: str
    catalog: str  # path relative to the project
    line: int
    change: str  # edit, split, merge, or the trivial classes joined by "+"
    previous: str
    current: str
    translation: str
    diff: tuple[DiffOp, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "article": self.article, "language": self.language, "catalog": self.catalog, "line": self.line,
            "change": self.change, "previous": self.previous, "current": self.current,
            "translation": self.translation, "diff": [{"op": d.op, "text": d.text} for d in self.diff],
        }


def change_label(entry: Entry) -> str:
    """The change class of a stale entry: split/merge from transkit's note, else classified from its texts."""
    notes = entry.translator_comments
    if SPLIT_NOTE in notes:
        return "split"
    if any(n.startswith("transkit: merged from ") for n in notes):
        return "merge"
    return classify(entry.previous_msgid or "", entry.msgid).label


def stale_entries(catalog: Catalog, article: str, language: str, catalog_name: str) -> list[StaleEntry]:
    """Every live fuzzy entry with a ``#| msgid``, in catalog order."""
    return [
        StaleEntry(
            article, language, catalog_name, e.line, change_label(e), e.previous_msgid,
            e.msgid, e.msgstr, word_diff(e.previous_msgid, e.msgid),
        )
        for e in catalog.live_entries
        if e.fuzzy and e.previous_msgid is not None
    ]


def project_drift(config: Config, languages: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> list[StaleEntry]:
    """Stale entries of every article and language that has a catalog; reads catalogs only."""
    found: list[StaleEntry] = []
    for article in find_articles(config, only):
        for language in config.languages:
            path = catalog_path(config, language, article.slug)
            if (languages and language not in languages) or not path.exists():
                continue
            name = path.relative_to(config.root).as_posix()
            found.extend(stale_entries(read_catalog(path), article.slug, language, name))
    return found


def render_json(stale: Sequence[StaleEntry]) -> str:
    return json.dumps({"count": len(stale), "stale": [s.as_json() for s in stale]}, ensure_ascii=False, indent=2) + "\n"


_ANSI = {"delete": "\x1b[31;9m", "insert": "\x1b[32m", "head": "\x1b[1m", "dim": "\x1b[2m", "reset": "\x1b[0m"}
_PLAIN = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}


def render_text(stale: Sequence[StaleEntry], colour: bool) -> str:
    """One block per stale entry: where, class, word diff of the source, current translation."""
    lines: list[str] = []
    for item in stale:
        head = f"{item.article} [{item.language}] {item.catalog}:{item.line}  {item.change}"
        lines.append(_paint(head, "head", colour))
        lines.append("  source:      " + "".join(_render_op(d, colour) for d in item.diff))
        lines.append("  translation: " + _printable(item.translation))
        lines.append("")
    catalogs = len({s.catalog for s in stale})
    lines.append(f"{len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'} in {catalogs} catalog(s)")
    return "\n".join(lines) + "\n"


def _render_op(op: DiffOp, colour: bool) -> str:
    text = _printable(op.text)
    if op.op == "equal":
        return text
    if colour:
        return _paint(text, op.op, True)
    start, end = _PLAIN[op.op]
    return f"{start}{text}{end}"


def _printable(text: str) -> str:
    """Control characters shown as escapes: a catalog is untrusted and must not drive the terminal."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_ANSI[style]}{text}{_ANSI['reset']}" if colour else text


_HTML_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}
th{background:#f4f4f4}del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.where{white-space:nowrap;font-family:monospace}.change{font-family:monospace}
"""


def render_html(stale: Sequence[StaleEntry], title: str = "transkit drift") -> str:
    """One self-contained page (no scripts, no outside assets); every text is escaped."""
    from html import escape as esc  # (only this report needs it: not imported at every start)

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{esc(title)}</title><style>{_HTML_STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<p>{len(stale)} stale entr{'y' if len(stale) == 1 else 'ies'}: "
        "the source changed after these were translated. "
        "<del>Removed</del> and <ins>added</ins> words are marked.</p>",
    ]
    groups: dict[tuple[str, str], list[StaleEntry]] = {}
    for item in stale:
        groups.setdefault((item.article, item.language), []).append(item)
    for (article, language), items in groups.items():
        parts.append(f"<h2>{esc(article)} — {esc(language)}</h2>")
        parts.append("<table><tr><th>where</th><th>change</th><th>source (previous → current)</th><th>translation</th></tr>")
        for item in items:
            diff = "".join(_html_op(d, esc) for d in item.diff)
            parts.append(
                f'<tr><td class="where">{esc(item.catalog)}:{item.line}</td><td class="change">{esc(item.change)}</td>'
                f"<td>{diff}</td><td>{esc(item.translation)}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_op(op: DiffOp, escape: Callable[[str], str]) -> str:
    text = escape(op.text)
    return {"equal": text, "delete": f"<del>{text}</del>", "insert": f"<ins>{text}</ins>"}[op.op]
