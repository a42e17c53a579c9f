"""merge(): exact matches kept, drift carry-over for the rest, nothing ever lost, idempotent."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import format_catalog, parse_catalog
from transkit.catalog.sync import make_template, merge
from transkit.source.html import WalkOptions, extract

PLURALS = "nplurals=2; plural=(n != 1);"


def template(*msgids: str) -> Catalog:
    """A template as make_template builds it: document order, one reference line per segment."""
    return Catalog(
        header_fields=(("X-Transkit-Source", "h"),),
        entries=tuple(Entry(m, references=(f"a.html:{i + 1}",), extracted_comments=("p",)) for i, m in enumerate(msgids)),
    )


def translated(tpl: Catalog, **overrides: str) -> Catalog:
    """Every entry of a merged catalog translated as "T:" + msgid."""
    merged = merge(tpl, None, "tr", PLURALS)
    return Catalog(
        header_fields=merged.header_fields,
        entries=tuple(Entry(e.msgid, overrides.get(e.msgid, "T:" + e.msgid), references=e.references) for e in merged.entries),
    )


def by_msgid(catalog: Catalog) -> dict[str, Entry]:
    return {e.msgid: e for e in catalog.live_entries}


def obsolete(catalog: Catalog) -> dict[str, Entry]:
    return {e.msgid: e for e in catalog.entries if e.obsolete}


OLD = ("The council met on Monday.", "It approved the new budget for next year.", "Critics called it reckless.")


def test_exact_matches_keep_translation_flags_and_comments_untouched() -> None:
    old = translated(template(*OLD))
    entries = list(old.entries)
    entries[0] = Entry(OLD[0], "T", flags=("no-wrap",), translator_comments=("mine",), references=("a.html:1",))
    old = Catalog(header_fields=old.header_fields, entries=tuple(entries))
    new = merge(template(OLD[2], OLD[0], OLD[1]), old, "tr", PLURALS)
    kept = by_msgid(new)[OLD[0]]
    assert (kept.msgstr, kept.flags, kept.translator_comments, kept.references) == ("T", ("no-wrap",), ("mine",), ("a.html:2",))
    assert [e.msgid for e in new.entries] == [OLD[2], OLD[0], OLD[1]]
    assert not any(e.fuzzy or e.obsolete for e in new.entries)


def test_changed_segment_is_fuzzy_with_previous_and_old_translation_kept_obsolete() -> None:
    old = translated(template(*OLD))
    edited = "It approved the new budget for the coming year."
    new = merge(template(OLD[0], edited, OLD[2]), old, "tr", PLURALS)
    entry = by_msgid(new)[edited]
    assert (entry.fuzzy, entry.previous_msgid, entry.msgstr) == (True, OLD[1], "T:" + OLD[1])
    assert entry.references == ("a.html:2",)
    assert obsolete(new)[OLD[1]].msgstr == "T:" + OLD[1]


def test_exact_only_when_carry_over_is_none() -> None:
    old = translated(template(*OLD))
    edited = "It approved the new budget for the coming year."
    new = merge(template(OLD[0], edited, OLD[2]), old, "tr", PLURALS, carry_over=None)
    assert by_msgid(new)[edited].msgstr == "" and OLD[1] in obsolete(new)


def test_lineage_keeps_the_source_the_translation_was_made_from() -> None:
    first = translated(template("Zelenski posted a message on Twitter today."))
    second = merge(template("Zelensky posted a message on Twitter today."), first, "tr", PLURALS)
    third = merge(template("Zelensky posted a long message on Twitter today."), second, "tr", PLURALS)
    entry = by_msgid(third)["Zelensky posted a long message on Twitter today."]
    assert entry.previous_msgid == "Zelenski posted a message on Twitter today."
    assert set(obsolete(third)) == {"Zelenski posted a message on Twitter today.", "Zelensky posted a message on Twitter today."}


def test_an_obsolete_msgid_that_returns_revives_exactly() -> None:
    first = translated(template("Kept.", "The delegation arrived in Beijing on Monday."))
    second = merge(template("Kept."), first, "tr", PLURALS)
    third = merge(template("Kept.", "The delegation arrived in Beijing on Monday."), second, "tr", PLURALS)
    state = lambda c: [(e.msgid, e.msgstr, e.flags, e.previous_msgid, e.obsolete) for e in c.entries]  # noqa: E731
    assert state(third) == state(first)
    revived = by_msgid(third)["The delegation arrived in Beijing on Monday."]
    assert (revived.msgstr, revived.fuzzy, revived.obsolete) == ("T:The delegation arrived in Beijing on Monday.", False, False)
    assert not obsolete(third)


def test_auto_update_stays_translated_with_a_note() -> None:
    old = translated(template("Sales rose in 2022."))
    new = merge(template("Sales rose in 2023."), old, "tr", PLURALS)
    entry = by_msgid(new)["Sales rose in 2023."]
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == ("T:Sales rose in 2023.", False, None)
    assert entry.translator_comments == ('transkit: auto-updated number: "2022" → "2023"',)
    assert obsolete(new)["Sales rose in 2022."].msgstr == "T:Sales rose in 2022."


def test_untranslated_old_entries_pass_nothing_on() -> None:
    old = merge(template(*OLD), None, "tr", PLURALS)
    edited = "It approved the new budget for the coming year."
    new = merge(template(OLD[0], edited, OLD[2]), old, "tr", PLURALS)
    assert by_msgid(new)[edited] == template(OLD[0], edited, OLD[2]).entries[1]
    assert not obsolete(new)


def test_old_order_comes_from_references_not_file_order() -> None:
    """A translator's editor may have sorted the file: alignment still follows the #: line numbers."""
    old = translated(template("Alpha one two three four.", "Anchor sentence here.", "Beta five six seven eight."))
    shuffled = Catalog(header_fields=old.header_fields, entries=tuple(reversed(old.entries)))
    new_template = template("Alpha one two three FOUR.", "Anchor sentence here.", "Beta five six seven EIGHT.")
    new = by_msgid(merge(new_template, shuffled, "tr", PLURALS))
    assert new["Alpha one two three FOUR."].previous_msgid == "Alpha one two three four."
    assert new["Beta five six seven EIGHT."].previous_msgid == "Beta five six seven eight."


def test_merge_twice_changes_nothing() -> None:
    old = translated(template(*OLD))
    tpl = template("One new sentence.", OLD[0], "It approved the new budget for the coming year.")
    once = merge(tpl, old, "tr", PLURALS)
    assert merge(tpl, once, "tr", PLURALS) == once
    assert merge(tpl, parse_catalog(format_catalog(once)), "tr", PLURALS) == parse_catalog(format_catalog(once))


def test_an_empty_previous_catalog_is_none() -> None:
    """An empty file (what a crash can leave of a new catalog) gives what a first merge gives, header comments too."""
    tpl = template(*OLD)
    first = merge(tpl, None, "tr", PLURALS)
    assert merge(tpl, parse_catalog(""), "tr", PLURALS) == first and first.header_comments


def test_make_template_orders_by_first_appearance_and_cites_every_line() -> None:
    html = b'<html lang="en"><body>\n<p>One.</p>\n<p>Two.</p>\n<p>One.</p>\n</body></html>'
    document = extract(html, "a.html", WalkOptions("en"), "en", "")
    tpl = make_template(document, "a", "sources/a.html")
    assert [(e.msgid, e.references) for e in tpl.entries] == [
        ("One.", ("sources/a.html:2", "sources/a.html:4")),
        ("Two.", ("sources/a.html:3",)),
    ]



def test_template_entry_of_one_segment_is_the_merged_form() -> None:
    """The single-occurrence shortcut gives what merging one segment's kinds, notes and lines gives."""
    from transkit.catalog.sync import _single_entry, _template_entry
    from transkit.source.html import Segment

    segment = Segment("One.", "li", 7, ("Note a", "Note b", "Note a"))
    twice = _template_entry("One.", [segment, segment], "sources/a.html")  # the general path
    assert _single_entry("One.", segment, "sources/a.html") == twice
    assert _template_entry("One.", [segment], "sources/a.html") == twice
    assert twice.extracted_comments == ("li", "Note a", "Note b") and twice.references == ("sources/a.html:7",)
    bare = Segment("Two.", "p", 3)
    assert _single_entry("Two.", bare, "r") == _template_entry("Two.", [bare, bare], "r")


def test_make_template_groups_as_the_general_merging() -> None:
    """make_template (first segments, the repeated msgids apart) == every msgid's segments merged by
    _template_entry, in order of first appearance: msgids once, twice, three times, with kinds and notes."""
    import random

    from transkit.catalog.sync import _template_entry
    from transkit.source.html import Document, Segment

    rng = random.Random(11)
    for _ in range(300):
        segments = tuple(
            Segment(rng.choice("ABCDEFGH"), rng.choice(["p", "li", "h1"]), rng.randint(1, 9),
                    tuple(rng.sample(["n1", "n2", "n3"], rng.randint(0, 2))))
            for _ in range(rng.randint(0, 12))
        )
        groups: dict[str, list[Segment]] = {}
        for segment in segments:
            groups.setdefault(segment.msgid, []).append(segment)
        expected = tuple(_template_entry(msgid, group, "s/a.html") for msgid, group in groups.items())
        assert make_template(Document("en", segments, "h"), "a", "s/a.html").entries == expected, segments


# --------------------------------------------------------------------------- nothing is ever lost (property)

WORDS = st.sampled_from("the council met on monday approved budget critics plan reckless moscow beijing talks energy".split())
SENTENCE = st.lists(WORDS, min_size=2, max_size=7).map(lambda ws: " ".join(ws).capitalize() + ".")
EDIT = st.one_of(
    st.tuples(st.just("word"), st.integers(0, 20), st.integers(0, 10), WORDS),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("insert"), st.integers(0, 20), SENTENCE),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 20)),
    st.tuples(st.just("split"), st.integers(0, 20)),
    st.tuples(st.just("merge"), st.integers(0, 20)),
    st.tuples(st.just("translate"), st.integers(0, 20)),
    st.tuples(st.just("review"), st.integers(0, 20)),
)


def apply_edit(document: list[str], edit: tuple) -> list[str]:
    """One editor's change to the article (a list of sentences)."""
    doc = list(document)
    kind, index = edit[0], edit[1] % max(len(doc), 1)
    if kind == "word" and doc:
        words = doc[index].rstrip(".").split(" ")
        words[edit[2] % len(words)] = edit[3]
        doc[index] = " ".join(words) + "."
    elif kind == "delete" and len(doc) > 1:
        del doc[index]
    elif kind == "insert":
        doc.insert(index, edit[2])
    elif kind == "move" and doc:
        doc.insert(edit[2] % len(doc), doc.pop(index))
    elif kind == "split" and doc:
        words = doc[index].rstrip(".").split(" ")
        if len(words) > 2:
            half = len(words) // 2
            doc[index : index + 1] = [" ".join(words[:half]) + ".", " ".join(words[half:]).capitalize() + "."]
    elif kind == "merge" and index + 1 < len(doc):
        doc[index : index + 2] = [doc[index].rstrip(".") + ", " + doc[index + 1][0].lower() + doc[index + 1][1:]]
    return doc


def translator_works(catalog: Catalog, edit: tuple, step: int) -> Catalog:
    """A translator fills an empty entry or reviews a fuzzy one (a new translation, fuzzy cleared)."""
    live = [e for e in catalog.entries if not e.obsolete]
    if not live:
        return catalog
    target = live[edit[1] % len(live)]
    if (edit[0] == "translate" and target.msgstr) or (edit[0] == "review" and not target.fuzzy):
        return catalog
    done = Entry(target.msgid, f"T{step}:{target.msgid}", references=target.references,
                 extracted_comments=target.extracted_comments)
    return Catalog(catalog.header_comments, catalog.header_fields, catalog.header_flags,
                   tuple(done if e is target else e for e in catalog.entries))


def translations(catalog: Catalog) -> set[str]:
    return {e.msgstr for e in catalog.entries if e.msgstr}


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=6), st.lists(EDIT, min_size=1, max_size=12))
def test_distinct_translations_never_decrease(document: list[str], edits: list[tuple]) -> None:
    catalog = translated(template(*dict.fromkeys(document)))
    for step, edit in enumerate(edits):
        if edit[0] in ("translate", "review"):
            catalog = translator_works(catalog, edit, step)
            continue
        document = apply_edit(document, edit)
        tpl = template(*dict.fromkeys(document))
        before = translations(catalog)
        catalog = parse_catalog(format_catalog(merge(tpl, catalog, "tr", PLURALS)))
        assert before <= translations(catalog)
        assert merge(tpl, catalog, "tr", PLURALS) == catalog  # sync twice changes nothing
        for entry in catalog.live_entries:
            assert not entry.fuzzy or entry.previous_msgid, entry
