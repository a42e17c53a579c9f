"""Opaque tokens for what an MT engine must not touch, and strict restoration.

Before a msgid goes to an engine, its inline-markup placeholders, URLs, e-mail
addresses, @handles, numbers and do-not-translate terms become tokens
``⟦1⟧``, ``⟦2⟧``… numbered in order. The answer is accepted only when every
token comes back exactly once and nothing else looks like a token; the
restored text must then pass the same placeholder validation the build uses
(:func:`transkit.source.inline.parse_translation`). Anything else is a
:class:`ProtectionError`: the entry stays empty and is reported, never written
half-broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PlaceholderError
from ..source.inline import PLACEHOLDER, parse_translation, placeholders_of

TOKEN = re.compile(r"⟦(\d+)⟧")
OPEN, CLOSE = "⟦", "⟧"

_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'“”‘’«»⟦⟧]+", re.IGNORECASE)
_URL_TRAILER = ".,;:!?)]}"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@])@\w+")
_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,:/-]\d+)*(?!\w)")
_BRACKETS = re.compile(r"[⟦⟧]")  # a source that contains our brackets protects them too


class ProtectionError(PlaceholderError):
    """An engine's answer lost, duplicated or invented a token, or broke a placeholder."""


@dataclass(frozen=True)
class Protected:
    """A msgid as the engine sees it, and what each token stands for (token n ↔ originals[n-1])."""

    source: str
    text: str
    originals: tuple[str, ...]

    @property
    def has_words(self) -> bool:
        """False when nothing but tokens, spaces and punctuation is left: no need to ask an engine."""
        return any(char.isalpha() for char in TOKEN.sub("", self.text))


def protect(text: str, terms: tuple[str, ...] = ()) -> Protected:
    """Replace what must survive translation by numbered tokens, left to right."""
    spans: list[tuple[int, int]] = []
    for start, end in _candidate_spans(text, terms):
        if all(end <= s or start >= e for s, e in spans):
            spans.append((start, end))
    spans.sort()
    pieces: list[str] = []
    originals: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        originals.append(text[start:end])
        pieces.append(f"{OPEN}{len(originals)}{CLOSE}")
        position = end
    pieces.append(text[position:])
    return Protected(text, "".join(pieces), tuple(originals))


def _candidate_spans(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans in priority order: placeholders, brackets, URLs, e-mails, handles, terms, numbers."""
    spans = [m.span() for m in PLACEHOLDER.finditer(text)]
    spans += [m.span() for m in _BRACKETS.finditer(text)]
    for match in _URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _URL_TRAILER:
            end -= 1
        spans.append((start, end))
    spans += [m.span() for m in _EMAIL.finditer(text)]
    spans += [m.span() for m in _HANDLE.finditer(text)]
    for term in sorted(terms, key=len, reverse=True):
        spans += [m.span() for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text)]
    spans += [m.span() for m in _NUMBER.finditer(text)]
    return spans


def restore(protected: Protected, translated: str) -> str:
    """The engine's answer with tokens replaced back; raise ProtectionError unless exact."""
    found = [int(n) for n in TOKEN.findall(translated)]
    expected = list(range(1, len(protected.originals) + 1))
    if sorted(found) != expected:
        raise ProtectionError(_token_problem(found, expected))
    stray = TOKEN.sub("", translated)
    if OPEN in stray or CLOSE in stray:
        raise ProtectionError("the answer contains a damaged token")
    restored = TOKEN.sub(lambda m: protected.originals[int(m.group(1)) - 1], translated)
    restored = _same_edges(protected.source, restored)
    try:
        parse_translation(restored, placeholders_of(protected.source))
    except PlaceholderError as exc:
        raise ProtectionError(f"the answer reorders markup impossibly: {exc}") from exc
    return restored


def _token_problem(found: list[int], expected: list[int]) -> str:
    missing = sorted(set(expected) - set(found))
    if missing:
        return f"token {OPEN}{missing[0]}{CLOSE} is missing from the answer"
    unknown = sorted(set(found) - set(expected))
    if unknown:
        return f"the answer invents token {OPEN}{unknown[0]}{CLOSE}"
    twice = next(n for n in found if found.count(n) > 1)
    return f"token {OPEN}{twice}{CLOSE} appears twice in the answer"


def _same_edges(source: str, text: str) -> str:
    """Keep the msgid's leading/trailing white space (msgfmt -c compares the newlines)."""
    head = source[: len(source) - len(source.lstrip())]
    tail = source[len(source.rstrip()):]
    return head + text.strip() + tail
