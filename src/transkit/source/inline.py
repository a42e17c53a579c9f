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


_new_object = object.__new__


def new_placeholder(number: int, name: str, paired: bool, node: Any = None) -> Placeholder:
    """``Placeholder(number, name, paired, node)`` at half the cost, for extraction's many placeholders.

    A frozen dataclass's __init__ sets each field through object.__setattr__; filling the
    instance dict at once gives the same object (fields, equality, hash, repr, pickling).
    """
    placeholder = _new_object(Placeholder)
    placeholder.__dict__.update(number=number, name=name, paired=paired, node=node)
    return placeholder


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
    stack: list[tuple[Placeholder, list[Piece]]] = []  # the paired placeholders open, each with the pieces around it
    pieces: list[Piece] = []  # of the innermost open placeholder, or of the top level
    seen: set[int] = set()
    nesting: list[tuple[frozenset[str], str]] = []  # never-nested names open around the position
    position = 0
    for match in PLACEHOLDER.finditer(text):
        if literals and match.group(0) in literals:
            continue
        start, end = match.span()
        if start > position:
            pieces.append(text[position:start])
        position = end
        closing, name, number, selfclosing = match.groups()
        placeholder = placeholders.get(int(number))
        if placeholder is None or placeholder.name != name:
            raise PlaceholderError(f"unknown placeholder {match.group(0)}")
        if closing:
            if not stack or stack[-1][0].number != placeholder.number or selfclosing:
                raise PlaceholderError(f"{match.group(0)} does not close the placeholder opened before it")
            _, outer = stack.pop()
            nesting.pop()
            outer.append(Paired(placeholder, tuple(pieces)))
            pieces = outer
            continue
        if placeholder.number in seen:
            raise PlaceholderError(f"placeholder {match.group(0)} appears twice")
        seen.add(placeholder.number)
        if nesting:
            _check_nesting(placeholder, match.group(0), nesting)
        if selfclosing:
            if placeholder.paired:
                raise PlaceholderError(
                    f"{match.group(0)} must wrap text: {placeholder.open_text}…{placeholder.close_text}")
            pieces.append(Atomic(placeholder))
        else:
            if not placeholder.paired:
                raise PlaceholderError(f"{match.group(0)} stands alone: write {placeholder.atomic_text}")
            stack.append((placeholder, pieces))
            pieces = []
            nesting.append((_never_nested(placeholder), match.group(0)))
    if position < len(text):
        pieces.append(text[position:])
    if stack:
        raise PlaceholderError(f"{stack[-1][0].open_text} is never closed")
    if len(seen) < len(placeholders):  # (seen only holds numbers of placeholders)
        absent = placeholders[min(set(placeholders) - seen)]
        shown = absent.open_text if absent.paired else absent.atomic_text
        raise PlaceholderError(f"placeholder {shown} is missing")
    return tuple(pieces)


_NONE: frozenset[str] = frozenset()
_ITSELF = {name: frozenset({name}) for name in NEVER_NESTED}  # a paired placeholder's answer, by name


def _never_nested(placeholder: Placeholder) -> frozenset[str]:
    """The never-nested elements a placeholder is or (atomic: a whole copied node) contains."""
    node = placeholder.node
    if placeholder.paired or node is None or not hasattr(node, "iter"):
        return _ITSELF.get(placeholder.name, _NONE)  # (most placeholders: no set to build)
    names = {placeholder.name}
    names.update(d.tag for d in node.iter() if isinstance(d.tag, str))
    return frozenset(names) & NEVER_NESTED


def _check_nesting(placeholder: Placeholder, token: str, nesting: list[tuple[frozenset[str], str]]) -> None:
    """Called inside a paired placeholder only (at the top level nothing can clash)."""
    inner = _never_nested(placeholder)
    for outer, opened in nesting:
        clash = inner & outer
        if clash:
            raise PlaceholderError(f"{token} cannot go inside {opened}: HTML never nests <{min(clash)}> elements")
