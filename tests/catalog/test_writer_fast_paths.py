"""The writer's and the merge's shortcuts give exactly what the paths they skip give.

``new_entry``/``changed_entry`` build the same Entry values as the dataclass
(field order included); ``_comment_block``'s one-reference shortcut writes the
lines ``_reference_lines`` writes; ``format_catalog`` reuses the previous
catalog's text only for the very same Entry objects, and its lines before the
msgstr only for an entry whose other fields are the same; drift's
``_document_order`` keeps the sorted order, and ``align`` pairs nothing when
there is no new msgid (why merge need not ask the carry-over then). The
wrapping shortcuts (one-column values, plain header lines, the comment lines
an entry shares with the one before) write what the exact paths write; the
one-column codes through a one-byte codec (``_plain_codes``) are given exactly
when the checks they replace pass; only a catalog of the same article takes
the lines and bytes of the catalog written last.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from catalog.test_pofile import SINGLE_ENTRIES, representative_catalog

from transkit import drift
from transkit.catalog import pofile
from transkit.catalog.model import Catalog, Entry, changed_entry, new_entry


def test_new_entry_is_the_dataclass_value() -> None:
    for msgid, refs, comments in [("", (), ()), ("Hello", ("a.html:3",), ("p",)), ("x", ("a:1", "b:2"), ("h1", "n"))]:
        fast, slow = new_entry(msgid, refs, comments), Entry(msgid=msgid, references=refs, extracted_comments=comments)
        assert fast == slow and hash(fast) == hash(slow)
        assert list(vars(fast).items()) == list(vars(slow).items())


@pytest.mark.parametrize("entry", [*SINGLE_ENTRIES, *representative_catalog().entries])
def test_changed_entry_is_dataclasses_replace(entry: Entry) -> None:
    entry = dataclasses.replace(entry, line=7)
    for changes in [{}, {"obsolete": True, "references": (), "extracted_comments": ()},
                    {"references": ("z.html:9",), "extracted_comments": ("li",), "obsolete": False}]:
        fast, slow = changed_entry(entry, **changes), dataclasses.replace(entry, **changes)
        assert fast == slow and fast.line == slow.line == 7
        assert list(vars(fast).items()) == list(vars(slow).items())
    with pytest.raises(dataclasses.FrozenInstanceError):
        changed_entry(entry).msgid = "x"  # type: ignore[misc]


REFERENCES = ["a.html:12", "./a.html:12", "././a:3", "a.html:012", "a.html:0", "a.html:", "a.html", ":5", "a:b:7",
              "x.html:\u0661\u0662", "a\nb:3", "a.html:12 ", "", "d/e.html:100000", ".:4", "./:4", "\u00e7.html:5"]
EXTRACTED = [(), ("p",), ("",), ("p", "note\nsecond line"), ("h1, li", "a", "a")]


def _slow_comment_block(translator: tuple[str, ...], extracted: tuple[str, ...], references: tuple[str, ...]) -> str:
    lines = [*pofile._comment_lines("#", translator), *pofile._comment_lines("#.", extracted),
             *pofile._reference_lines(references)]
    return "".join(line + "\n" for line in lines)


def test_comment_block_shortcut_writes_the_reference_lines() -> None:
    block = pofile._comment_block
    for reference in REFERENCES:
        for extracted in EXTRACTED:
            for translator in [(), ("checked",)]:
                args = (translator, extracted, (reference,))
                assert block(*args) == _slow_comment_block(*args), args


def test_format_reuses_text_only_for_the_same_entries() -> None:
    template = Catalog(header_fields=(("Project-Id-Version", "x"),),
                       entries=tuple(new_entry(f"Message {n} " * n, (f"a.html:{n}",), ("p",)) for n in range(1, 30)))
    rng = random.Random(5)
    for _ in range(30):
        entries = list(template.entries)
        for index in rng.sample(range(len(entries)), rng.randrange(len(entries))):
            entry = entries[index]
            entries[index] = rng.choice([
                dataclasses.replace(entry),  # equal, not the same object
                dataclasses.replace(entry, msgstr="Çeviri " * index),
                dataclasses.replace(entry, obsolete=True, msgstr="eski"),
                dataclasses.replace(entry, flags=("fuzzy",), msgstr="x", previous_msgid="old"),
            ])
        if rng.random() < 0.3:
            rng.shuffle(entries)
        # (with no header, the text is the body alone; without the template's Project-Id-Version, another article's)
        header = rng.choice([(("Project-Id-Version", "x"), ("Language", "tr")), (("Language", "tr"),), ()])
        catalog = Catalog(header_fields=header, entries=tuple(entries))
        pofile._forget_formatted()
        expected = pofile.format_catalog(catalog)
        pofile.format_catalog(template)
        assert pofile.format_catalog(catalog) == expected  # (the texts reused when no entry changed)
        assert pofile.format_catalog(catalog) == expected


def test_utf8_bytes_of_a_first_catalog_are_the_templates() -> None:
    # a cold sync: the template, then catalogs holding its very entries (their texts and bytes reused)
    template = Catalog(header_fields=(("Project-Id-Version", "x"),),
                       entries=tuple(new_entry(f"Message {n}" + " 🇨🇳" * (n % 3), (f"a.html:{n}",), ("p",)) for n in range(1, 9)))
    pofile._forget_formatted()
    written = [pofile.format_catalog_utf8(template)]
    for language in ("tr", "ru"):
        written.append(pofile.format_catalog_utf8(Catalog(header_fields=(("Language", language),), entries=template.entries)))
    written.append(pofile.format_catalog_utf8(Catalog(entries=template.entries)))  # (no header)
    expected = []
    languages = (Catalog(header_fields=(("Language", lang),), entries=template.entries) for lang in ("tr", "ru"))
    for catalog in (template, *languages, Catalog(entries=template.entries)):
        pofile._forget_formatted()  # (each written from scratch: no reuse in the reference)
        expected.append(pofile.format_catalog(catalog).encode())
    assert written == expected


def test_a_first_catalog_reuses_the_templates_texts() -> None:
    template = Catalog(header_fields=(("Project-Id-Version", "x"),),
                       entries=tuple(new_entry(f"Message {n}", (f"a.html:{n}",), ("p",)) for n in range(1, 9)))
    pofile.format_catalog(template)
    po = Catalog(header_fields=(("Language", "tr"),), entries=template.entries)
    text = pofile.format_catalog(po)
    assert text.startswith('msgid ""\nmsgstr "Language: tr\\n"\n\n#. p\n#: a.html:1\nmsgid "Message 1"\n')
    pofile._forget_formatted()
    assert pofile.format_catalog(po) == text
    assert pofile.format_catalog(Catalog(entries=template.entries)) == text.split("\n\n", 1)[1]


def test_only_a_catalog_of_the_same_article_takes_the_lines_written_last() -> None:
    """The lines and bytes of the catalog written last are looked at only for a catalog of the same article (its
    Project-Id-Version): a template after the catalogs of the article before is written from scratch."""
    entries = tuple(new_entry(f"Message {n} " * n, (f"a.html:{n}",), ("p",)) for n in range(1, 9))
    half = tuple(dataclasses.replace(entry, msgstr="Çeviri") if n % 2 else entry for n, entry in enumerate(entries))
    for article, reused in [("a", True), ("b", False)]:
        pofile._forget_formatted()
        pofile.format_catalog_utf8(Catalog(header_fields=(("Project-Id-Version", "a"),), entries=entries))
        heads = pofile._last_formatted[2]
        catalog = Catalog(header_fields=(("Project-Id-Version", article),), entries=half)
        data = pofile.format_catalog_utf8(catalog)
        assert all((new is old) == reused for new, old in zip(pofile._last_formatted[2], heads, strict=True))
        pofile._forget_formatted()
        assert data == pofile.format_catalog(catalog).encode()


def _variants(entry: Entry, rng: random.Random) -> Entry:
    """An entry like ``entry``: the same, or one field (or its msgstr) changed the ways that change its lines."""
    return rng.choice([
        entry,
        dataclasses.replace(entry),
        dataclasses.replace(entry, msgstr=rng.choice(["", "Çeviri", "Çeviri " * 20, entry.msgstr + "!"])),
        dataclasses.replace(entry, msgstr="", flags=entry.flags),
        dataclasses.replace(entry, flags=rng.choice([(), ("fuzzy",), ("no-wrap",), ("fuzzy", "no-wrap"), ("python-format",)])),
        dataclasses.replace(entry, references=(*entry.references, "b.html:9")),
        dataclasses.replace(entry, extracted_comments=("h2",)),
        dataclasses.replace(entry, translator_comments=("note",)),
        dataclasses.replace(entry, previous_msgid=rng.choice([None, "old", entry.msgid])),
        dataclasses.replace(entry, previous_msgid="old", previous_msgctxt=rng.choice([None, "c"])),
        dataclasses.replace(entry, msgctxt=rng.choice([None, "", "c"])),
        dataclasses.replace(entry, msgid=entry.msgid + " more"),
        dataclasses.replace(entry, obsolete=True, msgstr="eski"),
    ])


def test_format_reuses_lines_before_msgstr_only_when_they_are_the_same() -> None:
    # _same_head: an entry at the place of an entry of the catalog written last with the same fields
    # but its msgstr takes that entry's lines before the msgstr; the text is the one written from scratch
    rng = random.Random(8)
    pool = [*SINGLE_ENTRIES, *representative_catalog().entries]
    pool += [new_entry(f"Message {n} " * n, (f"a.html:{n}",), ("p",)) for n in range(1, 12)]
    pool += [new_entry("Flag 🇨🇳 and ’quotes’", ("a.html:40",), ("p",)), Entry("Çay", "Чай", references=("a.html:41",))]
    for _ in range(400):
        first = [rng.choice(pool) for _ in range(rng.randrange(1, 12))]
        second = [_variants(entry, rng) for entry in first]
        if rng.random() < 0.2:
            rng.shuffle(second)
        catalogs = [Catalog(header_fields=(("Language", "tr"),), entries=tuple(entries)) for entries in (first, second)]
        if len({(e.msgctxt, e.msgid) for e in first}) < len(first):
            continue  # (not a catalog gettext reads; format_catalog would still write it)
        third = Catalog(entries=tuple(_variants(entry, rng) for entry in second))
        expected = []
        for catalog in (*catalogs, third):
            pofile._forget_formatted()
            expected.append(pofile.format_catalog(catalog))
        pofile._forget_formatted()
        assert [pofile.format_catalog(catalog) for catalog in (*catalogs, third)] == expected
        # format_catalog_utf8 is format_catalog encoded, whichever of the two wrote the catalog before
        pofile._forget_formatted()
        written = [rng.choice([pofile.format_catalog_utf8, pofile.format_catalog])(c) for c in (*catalogs, third)]
        assert [t if isinstance(t, bytes) else t.encode() for t in written] == [t.encode() for t in expected]


def test_format_after_a_template_or_another_language_sweep() -> None:
    # The golden cases' templates and catalogs, written in a sync's order (template, then each
    # catalog merged from it and its previous self), equal each written alone
    from pathlib import Path

    from transkit.catalog.sync import merge

    root = Path(__file__).parent.parent
    pots = sorted(root.glob("golden/*/expected.pot"))
    checked = 0
    for pot in pots:
        template = pofile.read_catalog(pot)
        catalogs = [pofile.read_catalog(po) for po in sorted(pot.parent.glob("*.po"))]
        merged = [merge(template, po, "tr", pofile.plural_forms("tr")) for po in catalogs]
        written = [template, *catalogs, *merged, *merged[::-1]]
        expected = []
        for catalog in written:
            pofile._forget_formatted()
            expected.append(pofile.format_catalog(catalog))
        pofile._forget_formatted()
        assert [pofile.format_catalog(catalog) for catalog in written] == expected, pot
        pofile._forget_formatted()
        assert [pofile.format_catalog_utf8(catalog) for catalog in written] == [t.encode() for t in expected], pot
        checked += len(written)
    assert checked > 10


def test_document_order_is_the_stable_sort_by_line() -> None:
    rng = random.Random(3)
    for _ in range(300):
        entries = [new_entry(str(i), rng.choice([(), ("x",), (f"a.html:{rng.randrange(6)}",)]), ()) for i in range(8)]
        if rng.random() < 0.5:
            entries.sort(key=lambda e: drift._reference_line(e))
        keyed, line = [], 0
        for index, entry in enumerate(entries):
            line = drift._reference_line(entry) or line
            keyed.append((line, index, entry))
        expected = [entry for _, _, entry in sorted(keyed, key=lambda k: (k[0], k[1]))]
        assert drift._document_order(entries) == expected


def test_no_new_msgid_means_no_link() -> None:
    """With every new msgid old or settled, align pairs nothing: merge need not ask carry_over then."""
    rng = random.Random(8)
    words = [f"Sentence number {n} about things." for n in range(12)]
    for _ in range(200):
        old = rng.sample(words, rng.randrange(1, 10))
        settled = set(rng.sample(words, 3))
        new = [w for w in rng.sample(words, rng.randrange(1, 12)) if w in old or w in settled]
        assert drift.align(old, new, settled) == ()


def test_comment_block_shortcut_for_one_extracted_line() -> None:
    block = pofile._comment_block
    for extracted in [("li",), ("a\nb",), ("",), ("\n",), (" x ",), ("é, p",)]:
        for reference in REFERENCES:
            args = ((), extracted, (reference,))
            assert block(*args) == _slow_comment_block(*args), args


HEADER_VALUES = ["", "tr", "1.0", "text/plain; charset=UTF-8", "nplurals=2; plural=(n != 1);", "a\nb", "x" * 90,
                 " ".join(["word"] * 30), 'quote " and \\ backslash', "tab\there", "ünïcödé – “quoted”", "中文" * 40]


def test_header_is_written_as_the_entry_it_stands_for() -> None:
    """_format_header (a field line at a time) writes what _format_entry writes for the header entry."""
    rng = random.Random(23)
    names = ["Project-Id-Version", "Language", "Content-Type", "X-Long-Name-" + "n" * 70, "Plural-Forms", "X-A\nB"]
    flag_sets = [(), ("fuzzy",), ("no-wrap",), ("fuzzy", "c-format"), ("wrap", "fuzzy"), ("odd",)]
    for _ in range(3000):
        fields = tuple((rng.choice(names), rng.choice(HEADER_VALUES)) for _ in range(rng.choice([0, 1, 2, 3, 11])))
        catalog = Catalog(header_comments=tuple(rng.sample(["Title", "", "two\nlines", "x" * 100], rng.randint(0, 2))),
                          header_fields=fields, header_flags=rng.choice(flag_sets))
        msgstr = "".join(f"{name}: {value}\n" for name, value in fields)
        expected = pofile._format_entry(Entry(msgid="", msgstr=msgstr, flags=catalog.header_flags,
                                              translator_comments=catalog.header_comments))
        assert pofile._format_header(catalog) == expected, catalog


def test_flags_line_is_the_canonical_flags() -> None:
    for flags in [("fuzzy",), ("c-format", "fuzzy"), ("no-wrap", "python-format", "range: 1..5"), ("odd", "fuzzy", "odd")]:
        for translated in (True, False):
            ordered, wrap = pofile._canonical_flags(flags, translated)
            line = "#, " + ", ".join(ordered) + "\n" if ordered else ""
            assert pofile._flags_line.__wrapped__(flags, translated) == (line, wrap)
    # (the lines themselves, not only _canonical_flags joined: msgcat's order, 'fuzzy' dropped when untranslated)
    assert pofile._flags_line.__wrapped__(("c-format", "fuzzy"), True) == ("#, fuzzy, c-format\n", True)
    assert pofile._flags_line.__wrapped__(("fuzzy",), False) == ("", True)
    assert pofile._flags_line.__wrapped__(("no-wrap", "python-format", "range: 1..5"), True) == (
        "#, python-format, range: 1..5, no-wrap\n", False)


def _is_canonical_reference_by_parts(reference: str) -> bool:
    """The shortcut's condition as first written: name:number, ASCII digits, no leading zero, no './'."""
    _, colon, number = reference.rpartition(":")
    return bool(colon) and number.isascii() and number.isdigit() and number[0] != "0" and not reference.startswith("./")


def test_canonical_reference_pattern_is_the_condition_by_parts() -> None:
    rng = random.Random(13)
    pieces = ["a", ".", "/", "./", ":", "0", "1", "9", "12", "\u0661", "\n", " ", "html", "x:"]
    references = REFERENCES + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20000)]
    for reference in references:
        matched = pofile._CANONICAL_REFERENCE_RE.match(reference) is not None
        assert matched == _is_canonical_reference_by_parts(reference), reference


def test_comments_shared_with_the_entry_before_are_the_entrys_own() -> None:
    """_format_texts takes the comment lines of the entry before when its comments are the same: each text is
    still _format_entry's."""
    rng = random.Random(11)
    comments = [((), ("p",), ("a.html:3",)), ((), ("p",), ("a.html:4",)), (("note",), ("p",), ("a.html:3",)),
                ((), ("li",), ("a.html:3",)), ((), ("p",), ("a.html:3", "b.html:1")), ((), (), ()), ((), ("p",), ())]
    for _ in range(400):
        entries = []
        for n in range(rng.randint(1, 12)):
            translator, extracted, references = rng.choice(comments)
            entries.append(Entry(msgid=f"Message {n}", msgstr=rng.choice(["", "Çeviri"]), references=references,
                                 extracted_comments=extracted, translator_comments=translator,
                                 flags=rng.choice([(), (), ("fuzzy",)]), obsolete=rng.random() < 0.1))
        pofile._forget_formatted()
        _, texts, _ = pofile._format_texts(Catalog(entries=tuple(entries)))
        assert texts == [pofile._format_entry(entry) for entry in entries if not entry.obsolete]


# Values for _wrapped's one-column path and the paths it must leave to the exact pass: ASCII and one-byte-codec
# words, one-column characters that are not printable (no-break space, soft hyphen), controls, escapes, wide ones.
ONE_COLUMN_PIECES = [*"abcxyz ABC,.-/!?()01", "word ", "the ", "’", "–", "“", "”", "é", "ğ", "Ж", "ω",
                     "\u00a0", "\u00ad", "\t", "\n", "\r", "\x01", "\x85", '"', "\\", "中", "🇨🇳", "\u0301", "\u200b"]


def test_one_column_lines_are_the_reference() -> None:
    """_wrapped's one-column path (and its fit checks) writes what the exact pass writes, around every limit."""
    from catalog.test_pofile_fast import reference_wrap

    rng = random.Random(17)
    checked = 0
    for _ in range(20000):
        common = [piece for piece in ONE_COLUMN_PIECES if len(piece) > 1 or piece.isalnum() or piece in " ,.-’"]
        pieces = common if rng.random() < 0.7 else ONE_COLUMN_PIECES
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        value = value[: rng.choice([len(value), 35, 36, 68, 69, 70, 71, 72, 76, 77, 78, 150])]
        prefix = rng.choice(["", "", "#~ ", "#| ", "#~| "])
        keyword = rng.choice(["msgid", "msgstr", "msgctxt"])
        wrap = rng.random() < 0.9
        expected = "".join(line + "\n" for line in reference_wrap(prefix, keyword, value, wrap))
        assert pofile._wrapped.__wrapped__(prefix, keyword, value, wrap) == expected, (prefix, keyword, value, wrap)
        checked += expected.count("\n") > 1
    assert checked > 3000  # (many of them wrapped)


def test_plain_header_lines_around_the_limit() -> None:
    """A header of printable ASCII fields: a line that fits is written as it is, the others wrapped, as the entry."""
    for flags in [(), ("no-wrap",), ("fuzzy",)]:
        for length in range(60, 90):
            for value in ["y" * length, ("word " * 20)[:length], ("a-b " * 30)[:length]]:
                fields = (("Project-Id-Version", "x"), ("Language", value), ("X-Key", value[: length // 2]))
                catalog = Catalog(header_comments=("Title",), header_fields=fields, header_flags=flags)
                msgstr = "".join(f"{name}: {field}\n" for name, field in fields)
                entry = Entry(msgid="", msgstr=msgstr, flags=flags, translator_comments=("Title",))
                expected = pofile._format_entry(entry)
                assert pofile._format_header(catalog) == expected, (flags, value)


def test_plain_codes_mark_what_the_one_column_path_must_not_take() -> None:
    """_ASCII_PLAIN_CODES: the code of a printable ASCII character other than a quote or a backslash, else a mark
    no character has; the other characters _escape changes are not one column (so not taken as plain)."""
    assert pofile._ESCAPED not in pofile._RUN_CODES and pofile._ESCAPED not in pofile._ASCII_CODES
    for byte in range(128):
        character = chr(byte)
        plain = 0x20 <= byte < 0x7F and character not in '"\\'  # (printable ASCII, written out)
        expected = pofile._ASCII_CODES[byte] if plain else pofile._ESCAPED
        assert pofile._ASCII_PLAIN_CODES[byte] == expected, character
        if plain:
            assert pofile._CODE_WIDTHS_OR_UNUSUAL[expected] == 1 and pofile._escape(character)[0] == character
    for character in "\a\b\f\n\r\t\v":
        assert pofile._CODE_WIDTHS_OR_UNUSUAL[pofile._text_codes(character + "é")[0]] != 1, repr(character)


def test_plain_codepage_codes_are_the_one_column_paths_condition() -> None:
    """_plain_codes (through whichever one-byte codec worked last) gives a text's codes exactly when the checks
    it stands for pass: no quote, backslash nor newline, one column and a usual class each; else None."""
    rng = random.Random(23)
    plain = [piece for piece in ONE_COLUMN_PIECES if len(piece) > 1 or piece.isalnum() or piece in " ,.-’–“”"]
    plain += ["ş", "ı", "Ω", "ü", "‰", "…", "—", "Ж"]
    before = pofile._codepage_first
    taken = 0
    try:
        for index in range(len(pofile._CODEPAGES)):
            pofile._codepage_first = index
            codec = pofile._CODEPAGES[index][0]
            encodable = [piece for piece in plain if piece.encode(codec, "replace").decode(codec) == piece]
            for _ in range(3000):
                pieces = encodable if rng.random() < 0.7 else ONE_COLUMN_PIECES
                value = "".join(rng.choice(pieces) for _ in range(20))
                if value.isascii():
                    continue
                codes = pofile._text_codes(value)
                pofile._codepage_first = index  # (_text_codes moves it)
                one_column = codes.translate(pofile._CODE_WIDTHS_OR_UNUSUAL).count(1) == len(value)
                expected = one_column and not any(character in value for character in '"\\\n')
                found = pofile._plain_codes(value)
                assert found is None or (expected and found == codes), (index, value)
                try:
                    value.encode(codec)
                except UnicodeEncodeError:
                    continue
                assert (found is not None) == expected, (index, value)
                taken += found is not None
    finally:
        pofile._codepage_first = before
    assert taken > 1000


def test_one_column_lines_through_each_codepage_are_the_reference() -> None:
    """_wrapped with each one-byte codec as the one that worked last writes what the exact pass writes."""
    from catalog.test_pofile_fast import reference_wrap

    rng = random.Random(29)
    before = pofile._codepage_first
    try:
        for index in range(len(pofile._CODEPAGES)):
            for _ in range(2000):
                pofile._codepage_first = index
                value = "".join(rng.choice(ONE_COLUMN_PIECES) for _ in range(rng.randint(20, 60)))
                value = value[: rng.choice([len(value), 36, 70, 71, 72, 77, 78, 150])]
                prefix, keyword = rng.choice(["", "#~ "]), rng.choice(["msgid", "msgstr"])
                expected = "".join(line + "\n" for line in reference_wrap(prefix, keyword, value, True))
                assert pofile._wrapped.__wrapped__(prefix, keyword, value, True) == expected, (index, value)
    finally:
        pofile._codepage_first = before
