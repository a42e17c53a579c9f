"""Inline markup ⇄ numbered placeholders, and validation of a translation's placeholders.

A segment's inline elements become placeholders a translator can read and
reorder: ``<strong1>Xi Jinping</strong1>`` for an element with text,
``<sup2/>`` for one without (a footnote reference, an image, a ``<br>``).
Attributes never appear in a msgid; each number maps back to the original
node, so a translation can only reuse markup the source already had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

from ..errors import PlaceholderError

PLACEHOLDER = re.compile(r"<(/?)([a-z](?:[a-z0-9-]*[a-z-])?)(\d+)(/?)>")
SPACES = re.compile(r"[ \t\n\r\f]+")
# Elements HTML never nests: a parser closes the outer link when an inner one starts, so a
# translation putting one inside another would split it (its text falling out of both).
NEVER_NESTED = frozenset({"a", "button", "nobr"})


@dataclass(frozen=True)
class Placeholder:
    """One inline node of a segment: ``paired`` ones wrap translatable text."""

    number: int
    name: str
    paired: bool
    node: Any = None

    @property
    def atomic_text(self) -> str:
        return f"<{self.name}{self.number}/>"

    @property
    def open_text(self) -> str:
        return f"<{self.name}{self.number}>"

    @property
    def close_text(self) -> str:
        return f"</{self.name}{self.number}>"


@dataclass(frozen=True)
class Paired:
    """A paired placeholder in a parsed translation, with its content."""

    placeholder: Placeholder
    children: tuple[Piece, ...]


@dataclass(frozen=True)
class Atomic:
    """An atomic placeholder in a parsed translation."""

    placeholder: Placeholder


Piece = Union[str, Paired, Atomic]


def normalize_spaces(text: str) -> str:
    """Collapse runs of ASCII white space (never U+00A0) to one space."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text:
        return SPACES.sub(" ", text)
    return text  # only single spaces (most text): the substitution would change nothing, at ~15x the cost


def placeholder_names(msgid: str) -> list[str]:
    """Every placeholder token of a msgid or msgstr, in order (``<b1>``, ``</b1>``, ``<br2/>``)."""
    return [m.group(0) for m in PLACEHOLDER.finditer(msgid)]


def placeholders_of(msgid: str) -> dict[int, Placeholder]:
    """The placeholders a msgid declares (no nodes): paired when a closing tag exists, atomic otherwise.

    For checking a translation against its msgid where the source page is not
    at hand (QA, drift, prefill, XLIFF); the build uses the segment's own map.
    """
    found: dict[int, Placeholder] = {}
    closing = {(m.group(2), int(m.group(3))) for m in PLACEHOLDER.finditer(msgid) if m.group(1)}
    for match in PLACEHOLDER.finditer(msgid):
        slash, name, number, selfclosing = match.groups()
        if slash or (selfclosing and (name, int(number)) in closing):
            continue
        found.setdefault(int(number), Placeholder(int(number), name, paired=(name, int(number)) in closing))
    return found


def literal_lookalikes(msgid: str, placeholders: dict[int, Placeholder]) -> frozenset[str]:
    """Source text that merely looks like a placeholder (``&lt;b1&gt;`` in the HTML): it is text."""
    real = {t for p in placeholders.values() for t in (p.open_text, p.close_text, p.atomic_text)}
    return frozenset(t for t in placeholder_names(msgid) if t not in real)


def parse_translation(
    text: str, placeholders: dict[int, Placeholder], literals: frozenset[str] = frozenset()
) -> tuple[Piece, ...]:
    """Parse a msgstr into text and placeholders, or raise :class:`PlaceholderError`.

    Every placeholder of the msgid must appear exactly once, paired ones
    properly nested; anything else that looks like a placeholder is an error,
    so a typo never leaks into the page as literal text or markup. Tokens in
    ``literals`` (see :func:`literal_lookalikes`) are plain text.
    """
    if not placeholders and "<" not in text:
        return (text,) if text else ()  # most segments: no tag, nothing to match (_parse_tokens agrees)
    return _parse_tokens(text, placeholders, literals)


def _parse_tokens(text: str, placeholders: dict[int, Placeholder], literals: frozenset[str]) -> tuple[Piece, ...]:
    """:func:`parse_translation` token by token (the exact path every input may take)."""
    stack: list[tuple[Placeholder | None, list[Piece]]] = [(None, [])]
    seen: set[int] = set()
    nesting: list[tuple[frozenset[str], str]] = []  # never-nested names open around the position
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
        _check_nesting(placeholder, token, nesting)
        if selfclosing:
            if placeholder.paired:
                raise PlaceholderError(f"{token} must wrap text: {placeholder.open_text}…{placeholder.close_text}")
            stack[-1][1].append(Atomic(placeholder))
        else:
            if not placeholder.paired:
                raise PlaceholderError(f"{token} stands alone: write {placeholder.atomic_text}")
            stack.append((placeholder, []))
            nesting.append((_never_nested(placeholder), token))
    _append_text(stack[-1][1], text[position:])
    if len(stack) > 1:
        unclosed = stack[-1][0]
        assert unclosed is not None
        raise PlaceholderError(f"{unclosed.open_text} is never closed")
    if len(seen) < len(placeholders):  # (seen only holds numbers of placeholders)
        absent = placeholders[min(set(placeholders) - seen)]
        shown = absent.open_text if absent.paired else absent.atomic_text
        raise PlaceholderError(f"placeholder {shown} is missing")
    return tuple(stack[0][1])


def _never_nested(placeholder: Placeholder) -> frozenset[str]:
    """The never-nested elements a placeholder is or (atomic: a whole copied node) contains."""
    names = {placeholder.name}
    node = placeholder.node
    if not placeholder.paired and node is not None and hasattr(node, "iter"):
        names.update(d.tag for d in node.iter() if isinstance(d.tag, str))
    return frozenset(names) & NEVER_NESTED


def _check_nesting(placeholder: Placeholder, token: str, nesting: list[tuple[frozenset[str], str]]) -> None:
    if not nesting:
        return  # at the top level nothing can clash (and an atomic node's descendants need no look)
    inner = _never_nested(placeholder)
    for outer, opened in nesting:
        clash = inner & outer
        if clash:
            raise PlaceholderError(f"{token} cannot go inside {opened}: HTML never nests <{min(clash)}> elements")


def _append_text(pieces: list[Piece], text: str) -> None:
    if text:
        pieces.append(text)
