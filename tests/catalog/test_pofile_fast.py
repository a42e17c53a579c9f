"""The fast paths of pofile give exactly what the careful ones give.

Reading: ``_fast_parse`` (one regex match per entry) must return the same
catalog as the scanner + polib path, line numbers included, or give up (None)
— never a different answer — for well-formed catalogs and for every
mutation of them, broken ones included. Wrapping: ``_simple_linebreaks``
(looks only near each line's limit) must find the same breaks as the full
pass over every break opportunity; ``_breaks`` (fit checks, printable ASCII,
one-byte codecs instead of the code table) the same as ``_width_linebreaks``;
``_wrapped`` (one pass where there were two) the same lines as before.
"""

from __future__ import annotations

import random
import re
from typing import Callable

import pytest
from catalog.test_pofile import PARAGRAPHS, SINGLE_ENTRIES, TOKENS, representative_catalog

from transkit.catalog import pofile
from transkit.catalog.model import Catalog, Entry, entry_from_fields
from transkit.errors import CatalogError

HEADER = (("Content-Type", "text/plain; charset=UTF-8"), ("Language", "tr"))


def careful(text: str) -> Catalog | CatalogError:
    try:
        return pofile._careful_parse(text, "x.po")
    except CatalogError as exc:
        return exc


def assert_agree(text: str) -> str:
    """'fast', 'careful' (the fast path gave up) or 'error'; fails when the two disagree."""
    fast = pofile._fast_parse(text)
    slow = careful(text)
    if isinstance(slow, CatalogError):
        assert fast is None, (text, slow)
        return "error"
    if fast is None:
        return "careful"
    assert fast == slow, text
    assert [e.line for e in fast.entries] == [e.line for e in slow.entries], text
    return "fast"


def random_catalog(rng: random.Random) -> Catalog:
    def text(most: int = 30) -> str:
        return "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, most)))

    entries, keys = [], set()
    for _ in range(rng.randint(0, 6)):
        msgid = text() or "x"
        context = text(4) if rng.random() < 0.2 else None
        if (context, msgid) in keys:
            continue
        keys.add((context, msgid))
        previous = text() if rng.random() < 0.3 else None
        entries.append(Entry(
            msgid=msgid, msgstr=text(), msgctxt=context,
            flags=tuple(rng.sample(["fuzzy", "c-format", "no-wrap", "python-format"], rng.randint(0, 3))),
            references=tuple(f"a{rng.randint(0, 9)}.html:{rng.randint(1, 99)}" for _ in range(rng.randint(0, 3))),
            extracted_comments=tuple(text(10).replace("\n", " ") for _ in range(rng.randint(0, 2))),
            translator_comments=tuple(text(10) for _ in range(rng.randint(0, 2))),
            previous_msgid=previous,
            previous_msgctxt=text(4) if previous is not None and rng.random() < 0.3 else None,
            obsolete=rng.random() < 0.2,
        ))
    return Catalog(header_comments=tuple(text(8) for _ in range(rng.randint(0, 2))),
                   header_fields=(*HEADER, ("X-Note", text(8).replace("\n", " "))),
                   header_flags=("fuzzy",) if rng.random() < 0.3 else (), entries=tuple(entries))


def written_texts(rng: random.Random) -> list[str]:
    """What transkit writes: the representative catalog, each single entry, 400 random catalogs."""
    texts = [pofile.format_catalog(representative_catalog())]
    texts += [pofile.format_catalog(Catalog(header_fields=HEADER, entries=(entry,))) for entry in SINGLE_ENTRIES]
    texts += [pofile.format_catalog(random_catalog(rng)) for _ in range(400)]
    return texts


def test_what_we_write_is_read_fast_and_the_same() -> None:
    rng = random.Random(5)
    texts = written_texts(rng)
    outcomes = [assert_agree(text) for text in texts]
    # only catalogs with the characters str.splitlines() breaks at (U+2028...) go the careful way
    assert outcomes.count("fast") >= len(texts) - 6


# Lines to insert: odd comments, keywords, strings, escapes, charsets, plurals, spacing.
ODD_LINES = [
    "", "#", "#,", "#, fuzzy,", "#, ,fuzzy", "#,fuzzy", "# x ", "#x", "#. ", "#.x", "#:", "#: a:1  b", '#| msgid "q"',
    '#| "r"', "#|", '#~ msgid "z"', '#~ msgstr "y"', '#~| msgid "p"', '#~| msgctxt "c"', '#| msgctxt "c"',
    'msgctxt "c"', 'msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=latin1\\n"', '"X: y\\nZ: w\\n"',
    '"no colon\\n"', '"a\\tb"', '"\\a"', " ", 'msgid "a" ', ' msgid "a"', '"\\\\"', '"a\\"b"', 'msgid_plural "p"',
    'msgstr[0] "x"', "#~", "#~ ", '#~ "x"', '"Content-Type: x; charset=UTF-8\\nA: b"', '"Language: tr\\v\\n"', '"\\r"',
    "<<<<<<< HEAD", "=======",
]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        where = rng.randrange(len(lines) + 1)
        near = min(where, len(lines) - 1)
        operation = rng.randrange(5)
        if operation == 0 and lines:
            del lines[near]
        elif operation == 1:
            lines.insert(where, rng.choice(ODD_LINES))
        elif operation == 2 and lines:
            lines.insert(where, lines[near])
        elif operation == 3 and lines and lines[near]:
            line = lines[near]
            cut = rng.randrange(len(line))
            lines[near] = line[:cut] + rng.choice('"\\ #~|,.:\tné\r\u2028') + line[cut + 1:]
        elif operation == 4 and lines:
            lines[near], lines[-1] = lines[-1], lines[near]
    return "\n".join(lines)


def test_mutated_catalogs_read_the_same_or_fall_back() -> None:
    rng = random.Random(11)
    bases = [pofile.format_catalog(representative_catalog())]
    bases += [pofile.format_catalog(random_catalog(rng)) for _ in range(30)]
    outcomes = {"fast": 0, "careful": 0, "error": 0}
    for _ in range(6000):
        outcomes[assert_agree(mutate(rng.choice(bases), rng))] += 1
    assert min(outcomes.values()) > 300, outcomes  # every path was exercised


def test_parse_catalog_takes_the_fast_path_for_our_files(monkeypatch: pytest.MonkeyPatch) -> None:
    text = pofile.format_catalog(representative_catalog())
    assert pofile._fast_parse(text) is not None
    monkeypatch.setattr(pofile, "_careful_parse", lambda text, path: pytest.fail("the careful path was taken"))
    assert pofile.parse_catalog(text) == representative_catalog()


def test_errors_still_come_from_the_careful_path() -> None:
    text = pofile.format_catalog(representative_catalog()) + '\nmsgctxt "navigation"\nmsgid "Menu"\nmsgstr "again"\n'
    assert pofile._fast_parse(text) is None
    with pytest.raises(CatalogError, match="duplicate message"):
        pofile.parse_catalog(text, "x.po")


def test_local_line_breaking_is_the_full_pass() -> None:
    rng = random.Random(7)
    extra = [" ", "  ", "-", "—", "/", "(", ")", "“", "”", "!", "?", ",", ".", "%", "$", "1", "中", "ア", "🇺🇦", "🇨",
             "\u00ad", "\u2010", "«", "»", "'", '"', "…", ":", ";", "\u200b", "\u00a0"]
    pieces = TOKENS + extra + [p[i:i + 20] for p in PARAGRAPHS for i in range(0, 200, 20)]
    checked = 0
    runs: set[int] = set()
    while checked < 4000:
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        codes = text.translate(pofile._CODES)
        if pofile._SPECIAL_RE.search(codes):
            continue  # not a "simple" text: _codes_linebreaks handles it
        glued = frozenset(i for i in range(len(text)) if rng.random() < 0.05) if rng.random() < 0.5 else frozenset()
        width, startcol = rng.choice([1, 5, 20, 40, 73, 77]), rng.choice([0, 6, 7, 30])
        expected = pofile._bisect_linebreaks(codes, glued, width, startcol)
        assert pofile._simple_linebreaks(codes, glued, width, startcol) == expected, (text, glued, width, startcol)
        checked += 1
        runs.update(len(run) for run in re.findall(f"[{re.escape(''.join(pofile._RI_CODES))}]+", codes))
    assert {1, 2, 3, 4} <= runs  # regional indicators alone, as one flag (the fit), and three or more (full pass)


def test_ascii_codes_are_the_unicode_table() -> None:
    text = "".join(chr(code) for code in range(128))
    assert text.encode("ascii").translate(pofile._ASCII_CODES).decode("latin-1") == text.translate(pofile._CODES)


# Pieces that reach every branch of _breaks: printable ASCII, one-byte-codec text, wide and
# combining characters, controls and mandatory breaks, regional indicators, escapes.
WRAP_PIECES = TOKENS + [p[i:i + 20] for p in PARAGRAPHS for i in range(0, 200, 20)] + [
    "\x01", "\x7f", "\x0b", "\x0c", "\r", "\u2028", "\u0085", "\u200d", "\u05d0", "\\n", "\\\"", "\\\\",
    "中文中文中文", "ｶﾀｶﾅ", "🇺🇦🇺🇦", "🇨🇳", "🇨", "\u0301", "\ud7a3", "Ωμέγα ", "Żółć ", "ß ", "\u0080", "\U0001f600",
]


def test_text_codes_are_the_unicode_table() -> None:
    """The one-byte codecs map each character they encode to its own code, and only those."""
    for codec, table in pofile._CODEPAGES:
        for code in range(0x10000):
            character = chr(code)
            try:
                data = character.encode(codec)
            except UnicodeEncodeError:
                continue
            assert len(data) == 1 and data.decode(codec) == character, (codec, code)
            assert chr(table[data[0]]) == character.translate(pofile._CODES), (codec, code)
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(WRAP_PIECES) for _ in range(rng.randint(1, 30)))
        assert pofile._text_codes(text) == text.translate(pofile._CODES).encode("latin-1"), text


def test_breaks_fast_paths_are_the_full_pass() -> None:
    """_breaks (fit checks, printable ASCII, bytes) == _width_linebreaks (checked against libunistring)."""
    rng = random.Random(5)
    for _ in range(6000):
        text = "".join(rng.choice(WRAP_PIECES) for _ in range(rng.randint(0, 40)))
        glued = frozenset(i for i in range(len(text)) if rng.random() < 0.05) if rng.random() < 0.5 else frozenset()
        width = rng.choice([1, 5, 20, 40, 72, 73, 76, 77, 2**31 - 3])
        cache: list[bytes] = []
        for startcol in rng.sample([0, 6, 7, 8, 30], 2):  # the second call reuses the cached codes
            expected = pofile._width_linebreaks(text, glued, width, startcol)
            assert pofile._breaks(text, glued, width, startcol, cache) == expected, (text, glued, width, startcol)


def reference_wrap(prefix: str, keyword: str, value: str, wrap: bool) -> tuple[str, ...]:
    """_wrapped's lines as first written: the exact pass, at the keyword's column and again at 0."""
    width = (pofile.PAGE_WIDTH if wrap else pofile._NO_WRAP_WIDTH) - 1 - (len(prefix) + 1)
    first_startcol = len(keyword) + 1
    portions = pofile._portions(value)
    lines: list[str] = []
    first = True
    for index, portion in enumerate(portions):
        text, glued = pofile._escape(portion)
        startcol = first_startcol if first else 0
        breaks = pofile._width_linebreaks(text, glued, width, startcol)
        if first and text and (index + 1 < len(portions) or startcol > width or breaks):
            lines.append(f'{prefix}{keyword} ""')
            first = False
            breaks = pofile._width_linebreaks(text, glued, width, 0)
        head = f"{prefix}{keyword} " if first else prefix
        start = 0
        for cut in breaks:
            lines.append(f'{head}"{text[start:cut]}"')
            head, start = prefix, cut
        lines.append(f'{head}"{text[start:]}"')
        first = False
    return tuple(lines)


def test_wrapping_is_the_reference() -> None:
    """One exact pass where the original made two: same lines for every kind of string."""
    rng = random.Random(9)
    for _ in range(5000):
        value = "".join(rng.choice(WRAP_PIECES) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.3:  # lengths around the first line's limit
            value = "".join(rng.choice("ab c.d-") for _ in range(rng.randint(60, 80)))
        prefix = rng.choice(["", "#~ ", "#| ", "#~| "])
        keyword = rng.choice(["msgid", "msgstr", "msgctxt"])
        wrap = rng.random() < 0.9
        expected = "".join(line + "\n" for line in reference_wrap(prefix, keyword, value, wrap))
        assert pofile._wrapped.__wrapped__(prefix, keyword, value, wrap) == expected, (prefix, keyword, value, wrap)


def test_entry_from_is_the_constructor() -> None:
    """_fast_parse builds entries without the frozen __init__: that must stay the same as calling it."""
    import dataclasses

    fields = {field.name: f"v-{field.name}" for field in dataclasses.fields(Entry)}
    made = entry_from_fields(dict(fields))
    assert made == Entry(**fields) and vars(made) == vars(Entry(**fields))  # type: ignore[arg-type]
    assert "__post_init__" not in vars(Entry) and "__slots__" not in vars(Entry)
    read = pofile._fast_parse(pofile.format_catalog(representative_catalog()))
    assert read is not None and all(set(vars(entry)) == set(fields) for entry in read.entries)


def assert_whole_is_entries(text: str) -> bool:
    """_fast_parse_whole (one findall) reads what _fast_parse_entries reads; True when it read it."""
    if pofile._fast_refuses(text):
        return False
    whole = pofile._fast_parse_whole(text)
    if whole is None:
        return False
    entries = pofile._fast_parse_entries(text)
    assert entries is not None and whole == entries, text
    assert [vars(e) for e in whole.entries] == [vars(e) for e in entries.entries], text  # lines too
    assert all(type(e.obsolete) is bool for e in whole.entries)
    return True


def test_whole_text_reader_is_the_entry_reader() -> None:
    rng = random.Random(13)
    texts = written_texts(rng)
    read = [assert_whole_is_entries(text) for text in texts]
    assert read.count(True) >= len(texts) - 6  # what we write is read in one findall
    bases = texts[:40]
    outcomes = [assert_whole_is_entries(mutate(rng.choice(bases), rng)) for _ in range(6000)]
    assert 300 < outcomes.count(True) < 5700, outcomes.count(True)  # both ways were taken


def test_whole_text_reader_gives_up_on_what_it_cannot_read() -> None:
    text = pofile.format_catalog(representative_catalog())
    assert pofile._fast_parse_whole(text) is not None
    reordered = text.replace("#. ", "#: x.html:1\n#. ", 1)  # comment lines out of gettext's order
    assert pofile._fast_parse_whole(reordered) is None
    assert pofile._fast_parse(reordered) is not None  # the entry-by-entry path reads it
    duplicate = text + '\nmsgctxt "navigation"\nmsgid "Menu"\nmsgstr "again"\n'
    assert pofile._fast_parse_whole(duplicate) is None and pofile._fast_parse_entries(duplicate) is None


def test_conflict_markers_are_reported_though_the_whole_text_reader_comes_first() -> None:
    text = pofile.format_catalog(representative_catalog())
    for marker in ("<<<<<<< HEAD", "=======", ">>>>>>> theirs"):
        with pytest.raises(CatalogError, match="merge conflict marker"):
            pofile.parse_catalog(text + marker + "\n", "x.po")


def test_fast_unescape_is_the_regex() -> None:
    """Its str.replace shortcut (no escaped backslash) decodes as the regex does, for any text."""
    rng = random.Random(17)
    pieces = ["\\", "\\\\", '\\"', "\\n", "\\t", "\\r", "\\v", "\\b", "\\f", "\\a", "\\x", "a", "n", '"', " ", "é"]
    for _ in range(5000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = pofile._FAST_UNESCAPE_RE.sub(lambda match: pofile._FAST_UNESCAPES[match.group(1)], raw)
        assert pofile._fast_unescape(raw) == expected, raw


# Line pieces around the quotes and backslashes of msgid/msgstr lines, which _FAST_WHOLE takes loosely
# (a whole line) and the reader checks against the strict runs.
STRING_EDITS = ['"', '\\', '\\"', '"\\', '\\\\', '\\n', '\\a', '\\x41', '" "', '""', ' "', '" ', '\\\\"', "é", "#~ "]


def edit_string_line(text: str, rng: random.Random) -> str:
    """One msgid, msgstr or continuation line with a quote, backslash or escape put somewhere in it."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if line.startswith(('msgid "', 'msgstr "', '"', '#~ '))]
    index = rng.choice(candidates)
    line = lines[index]
    cut = rng.randrange(len(line) + 1)
    lines[index] = line[:cut] + rng.choice(STRING_EDITS) + line[cut:]
    return "\n".join(lines)


def edited_catalogs(seed: int, count: int, edit: Callable[[str, random.Random], str]) -> list[bool]:
    """``count`` catalogs, each with one ``edit``, each checked against the entry and careful readers:
    whether the whole-text reader read each one (True) or gave up."""
    rng = random.Random(seed)
    bases = [pofile.format_catalog(representative_catalog())]
    bases += [pofile.format_catalog(random_catalog(rng)) for _ in range(40)]
    outcomes = []
    for _ in range(count):
        text = edit(rng.choice(bases), rng)
        outcomes.append(assert_whole_is_entries(text))
        assert_agree(text)
    return outcomes


def test_whole_text_reader_checks_its_loose_string_lines() -> None:
    """Whatever a loose msgid/msgstr line holds, the whole-text reader reads what the entry reader reads
    (which matches each string strictly), or gives up; it still reads well-formed escapes itself."""
    outcomes = edited_catalogs(19, 4000, edit_string_line)
    assert 400 < outcomes.count(True) < 3600, outcomes.count(True)
    escaped = Catalog(header_fields=HEADER, entries=(
        Entry(msgid='say "hi"\\ \t\n' * 9, msgstr='de "selam"\\\n\n'), Entry(msgid="x", msgstr='"', obsolete=True),
    ))
    assert assert_whole_is_entries(pofile.format_catalog(escaped))


def test_blank_entry_is_the_default_entry() -> None:
    """blank_entry (the reader sets the other fields in its __dict__) is Entry(msgid='') field for field."""
    from transkit.catalog.model import blank_entry

    entry = blank_entry()
    assert entry == Entry(msgid="") and list(vars(entry).items()) == list(vars(Entry(msgid="")).items())
    assert blank_entry() is not entry and vars(blank_entry()) is not vars(entry)


def test_stand_ins_without_other_line_breaks_are_read_fast() -> None:
    """The careful path swaps (or refuses) private-use stand-ins only in a text with U+2028 & co., which the
    fast path refuses; elsewhere they are characters like any other, and both paths read them the same."""
    rng = random.Random(29)
    base = pofile.format_catalog(representative_catalog())
    outcomes = []
    for _ in range(600):
        text = base
        for _ in range(rng.randint(1, 3)):
            cut = rng.randrange(len(text) + 1)
            text = text[:cut] + rng.choice(pofile._STAND_INS + "\u2028\x85\r") + text[cut:]
        outcomes.append(assert_agree(text))
    assert outcomes.count("fast") > 50 and outcomes.count("error") + outcomes.count("careful") > 50, outcomes


def unclosed_string_lines(text: str, rng: random.Random) -> str:
    """A msgid, msgstr or continuation line without its closing quote, or a line of a lone quote put after one
    (or both): a run whose newlines are not all in a joint ('"\\n"'), even where its quotes all are."""
    lines = text.split("\n")
    candidates = [i for i, line in enumerate(lines) if line.endswith('"') and line.lstrip("#~| ").startswith(
        ('msgid "', 'msgstr "', '"', 'msgctxt "'))]
    for _ in range(rng.randint(1, 2)):
        index = rng.choice(candidates)
        edit = rng.randrange(3)
        if edit != 1:
            lines[index] = lines[index][:-1]
        if edit != 0:
            prefix = "#~ " if lines[index].startswith("#~ ") else ""
            lines.insert(index + 1, prefix + '"')
            candidates = [i + (i > index) for i in candidates]
    return "\n".join(lines)


def test_whole_text_reader_gives_up_on_string_lines_without_their_closing_quote() -> None:
    """_FAST_WHOLE takes each line of a msgid/msgstr run before a continuation line whole, without checking that it
    ends with its quote: the reader gives up where one does not (a newline outside a joint is left)."""
    outcomes = edited_catalogs(31, 3000, unclosed_string_lines)
    assert not any(outcomes)  # (each edit leaves a line without its closing quote: the careful path says so)
    for lone in ('msgid "a\n"\n"b"\nmsgstr "c"\n', 'msgid "a"\nmsgstr "c\n"\n"d"\n'):  # (no quote left over)
        text = 'msgid ""\nmsgstr ""\n"Language: tr\\n"\n\n' + lone
        assert pofile._fast_parse_whole(text) is None and pofile._fast_parse_entries(text) is None
        assert assert_agree(text) == "error"
