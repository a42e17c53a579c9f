"""Token protection: what goes to an engine, and what is accepted back."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transkit.prefill.protect import ProtectionError, protect, restore
from transkit.source.inline import placeholders_of


@pytest.mark.parametrize(
    ("msgid", "terms", "sent", "originals"),
    [
        pytest.param("Home", (), "Home", (), id="plain"),
        pytest.param(
            "President <strong1>Xi Jinping</strong1> visited.<sup2/>", (),
            "President ⟦1⟧Xi Jinping⟦2⟧ visited.⟦3⟧", ("<strong1>", "</strong1>", "<sup2/>"), id="placeholders",
        ),
        pytest.param(
            "See https://example.org/a?b=1, then www.ankasam.org.", (),
            "See ⟦1⟧, then ⟦2⟧.", ("https://example.org/a?b=1", "www.ankasam.org"), id="urls-without-trailing-punctuation",
        ),
        pytest.param(
            "On March 20-22, 2023 (13.07.2023) 100 years", (),
            "On March ⟦1⟧, ⟦2⟧ (⟦3⟧) ⟦4⟧ years", ("20-22", "2023", "13.07.2023", "100"), id="numbers",
        ),
        pytest.param("G20 and COVID-19", (), "G20 and COVID-⟦1⟧", ("19",), id="numbers-inside-words-stay"),
        pytest.param(
            "@ZelenskyyUa wrote to press@example.org", (),
            "⟦1⟧ wrote to ⟦2⟧", ("@ZelenskyyUa", "press@example.org"), id="handles-and-emails",
        ),
        pytest.param(
            "ANKASAM and the Shanghai Cooperation Organization, not ANKASAMX", ("ANKASAM", "Shanghai Cooperation Organization"),
            "⟦1⟧ and the ⟦2⟧, not ANKASAMX", ("ANKASAM", "Shanghai Cooperation Organization"), id="do-not-translate-terms",
        ),
        pytest.param("a ⟦1⟧ b", (), "a ⟦1⟧⟦2⟧⟦3⟧ b", ("⟦", "1", "⟧"), id="our-brackets-in-the-source"),
    ],
)
def test_protect_replaces_what_must_survive(msgid: str, terms: tuple[str, ...], sent: str, originals: tuple[str, ...]) -> None:
    protected = protect(msgid, terms)
    assert protected.text == sent
    assert protected.originals == originals
    assert restore(protected, protected.text) == msgid


def test_restore_accepts_reordered_tokens_and_puts_originals_back() -> None:
    protected = protect("The <em1>Guardian</em1> said it on 13.07.2023.<sup2/>")
    answer = "⟦4⟧ ⟦3⟧ газета ⟦1⟧Guardian⟦2⟧ сообщила"
    assert restore(protected, answer) == "<sup2/> 13.07.2023 газета <em1>Guardian</em1> сообщила"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        pytest.param("Привет ⟦1⟧мир", "token ⟦2⟧ is missing", id="lost"),
        pytest.param("Привет ⟦1⟧мир⟦2⟧ ⟦2⟧", "appears twice", id="doubled"),
        pytest.param("Привет ⟦1⟧мир⟦2⟧ ⟦3⟧", "invents token ⟦3⟧", id="invented"),
        pytest.param("Привет ⟦ 1 ⟧мир⟦2⟧", "missing", id="spaced"),
        pytest.param("Привет ⟦1⟧мир⟦2⟧⟧", "damaged token", id="stray-bracket"),
        pytest.param("Привет ⟦2⟧мир⟦1⟧", "reorders markup", id="closing-before-opening"),
    ],
)
def test_restore_rejects_damaged_answers(answer: str, problem: str) -> None:
    protected = protect("Hello <b1>world</b1>")
    with pytest.raises(ProtectionError, match=re.escape(problem)):
        restore(protected, answer)


def test_restore_keeps_the_msgid_edges_for_msgfmt() -> None:
    protected = protect("Line one\n")
    assert restore(protected, "  Строка один  ") == "Строка один\n"


def test_has_words_tells_copies_from_texts() -> None:
    assert not protect("<a1/>, (13.07.2023). <a2/>").has_words
    assert not protect("https://www.vesti.ru/article/3449432").has_words
    assert protect("<a1/> Twitter").has_words


def test_placeholders_of_reads_kinds_from_the_msgid() -> None:
    found = placeholders_of("<a1>x</a1> <sup2/> <br3/>")
    assert {n: (p.name, p.paired) for n, p in found.items()} == {1: ("a", True), 2: ("sup", False), 3: ("br", False)}


_piece = st.one_of(
    st.sampled_from(["Putin", "visited", "China", "в", "Москве", "Çin’i", ",", ".", "“", "”", "(USA)"]),
    st.integers(0, 99999).map(str),
    st.sampled_from(["https://example.org/x?y=1", "www.ankasam.org", "@handle", "ANKASAM"]),
)


@st.composite
def _msgids(draw: st.DrawFn) -> str:
    words = draw(st.lists(_piece, min_size=1, max_size=12))
    pieces: list[str] = []
    number = 0
    for word in words:
        kind = draw(st.sampled_from(["text", "text", "paired", "atomic"]))
        if kind == "paired":
            number += 1
            pieces.append(f"<em{number}>{word}</em{number}>")
        elif kind == "atomic":
            number += 1
            pieces.append(f"{word}<sup{number}/>")
        else:
            pieces.append(word)
    return " ".join(pieces)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(_msgids())
def test_protect_then_restore_is_identity_and_hides_everything_protected(msgid: str) -> None:
    protected = protect(msgid, ("ANKASAM",))
    assert restore(protected, protected.text) == msgid
    outside_tokens = re.sub(r"⟦\d+⟧", "", protected.text)
    assert "<" not in outside_tokens and "http" not in outside_tokens and "ANKASAM" not in outside_tokens
    assert not re.search(r"(?<!\w)\d", outside_tokens)
