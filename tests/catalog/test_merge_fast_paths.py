"""merge()'s shortcuts against the exact path they replace.

* ``_kept_or_fresh`` asks the carry-over only when a template entry has no old entry, and
  returns the retired entries: when every old entry is live under its own key, only those
  under the keys no template entry asked for (no retire test over every old entry);
* ``placed_entry`` is ``changed_entry`` for references, extracted comments and obsolete;
* ``drift._increasing_run`` returns every pair when their old indices already increase.

``_reference_merge`` is merge as it was before these shortcuts: hypothesis compares both on
random catalogs with duplicates, contexts, obsolete entries and hooks that propose odd entries
(a proposal under another key than its template entry's is not taken: keys stay unique).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from transkit import drift
from transkit.catalog import sync
from transkit.catalog.model import Catalog, Entry, changed_entry, placed_entry
from transkit.catalog.pofile import format_catalog

PLURALS = "nplurals=2; plural=(n != 1);"
Hook = Callable[[Catalog, Catalog], dict[str, Entry]]


def _reference_merge(template: Catalog, previous: Catalog | None, hook: Hook | None) -> Catalog:
    """merge() before its shortcuts: the hook always asked, retirement read from every new entry."""
    old = previous or Catalog()
    proposals = hook(template, old) if hook else {}
    if not old.entries and not proposals:
        entries, used = list(template.entries), set()
    else:
        live = {e.key: e for e in old.entries if not e.obsolete}
        obsolete = {e.key: e for e in old.entries if e.obsolete}
        used, entries = set(), []
        for fresh in template.entries:
            kept = live.get(fresh.key) or obsolete.get(fresh.key)
            if kept is not None:
                used.add(fresh.key)
                entries.append(
                    replace(  # (not changed_entry: the reference must not share the code under test)
                        kept,
                        references=fresh.references,
                        extracted_comments=fresh.extracted_comments,
                        obsolete=False,
                    )
                )
            elif fresh.msgid in proposals and proposals[fresh.msgid].key == fresh.key:
                entries.append(proposals[fresh.msgid])  # (a proposal under another key is not taken)
            else:
                entries.append(fresh)
    kept_translations = {e.key: e.msgstr for e in entries} if old.entries else {}
    retired = [
        replace(e, obsolete=True, references=(), extracted_comments=())
        for e in old.entries
        if (e.obsolete or e.msgstr)
        and not (e.key in used and kept_translations.get(e.key) == e.msgstr)
    ]
    return Catalog(
        header_comments=old.header_comments
        if previous is not None
        else sync._catalog_comments(template, "tr"),
        header_fields=sync.catalog_header(template, previous, "tr", PLURALS),
        header_flags=old.header_flags,
        entries=(*entries, *retired),
    )


_MSGIDS = st.sampled_from(["a", "b", "c", "d", "e", "f"])
_CONTEXTS = st.sampled_from([None, None, None, "x"])
_TEXTS = st.sampled_from(["", "", "T1", "T2"])
_REFERENCES = st.lists(
    st.sampled_from(["s.html:1", "s.html:2", "s.html:3", "s.html"]), max_size=2
).map(tuple)
_COMMENTS = st.lists(st.sampled_from(["p", "h1", "li"]), max_size=2).map(tuple)
_OLD_ENTRY = st.builds(
    Entry,
    msgid=_MSGIDS,
    msgstr=_TEXTS,
    msgctxt=_CONTEXTS,
    flags=st.sampled_from([(), ("fuzzy",)]),
    references=_REFERENCES,
    extracted_comments=_COMMENTS,
    obsolete=st.booleans(),
)
_FRESH_ENTRY = st.builds(
    Entry, msgid=_MSGIDS, msgctxt=_CONTEXTS, references=_REFERENCES, extracted_comments=_COMMENTS
)


def _odd_hook(proposed: list[Entry]) -> Hook:
    """A hook proposing the given entries under their msgids (keys that may clash with kept ones)."""
    return lambda template, old: {e.msgid: e for e in proposed}


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_OLD_ENTRY, max_size=8),
    st.lists(_FRESH_ENTRY, max_size=8),
    st.booleans(),
    st.sampled_from(["drift", "none", "odd"]),
    st.lists(_OLD_ENTRY, max_size=3),
)
def test_merge_agrees_with_the_exact_path(
    old: list[Entry], fresh: list[Entry], has_previous: bool, hook_name: str, proposed: list[Entry]
) -> None:
    hook: Hook | None = {"drift": drift.carry_over, "none": None, "odd": _odd_hook(proposed)}[
        hook_name
    ]
    template = Catalog(
        header_fields=(("Project-Id-Version", "s"), (sync.SOURCE_HASH, "h")), entries=tuple(fresh)
    )
    previous = (
        Catalog(header_fields=(("Language", "tr"),), entries=tuple(old)) if has_previous else None
    )
    expected = _reference_merge(template, previous, hook)
    merged = sync.merge(template, previous, "tr", PLURALS, carry_over=hook)
    assert merged == expected
    assert format_catalog(merged) == format_catalog(expected)
    live = [e.key for e in merged.entries if not e.obsolete]
    if len({e.key for e in fresh}) == len(fresh):  # a template of distinct keys gives a catalog of them
        assert len(set(live)) == len(live)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_OLD_ENTRY.map(lambda e: replace(e, obsolete=False)), max_size=8, unique_by=lambda e: e.key),
    st.lists(_FRESH_ENTRY, max_size=8),
    st.sampled_from(["drift", "none"]),
)
def test_merge_of_an_all_live_catalog_agrees_with_the_exact_path(
    old: list[Entry], fresh: list[Entry], hook_name: str
) -> None:
    """_retired's shortcut (every old entry live under its own key: the unasked keys' entries go)."""
    hook: Hook | None = drift.carry_over if hook_name == "drift" else None
    template = Catalog(
        header_fields=(("Project-Id-Version", "s"), (sync.SOURCE_HASH, "h")), entries=tuple(fresh)
    )
    previous = Catalog(header_fields=(("Language", "tr"),), entries=tuple(old))
    assert sync.merge(template, previous, "tr", PLURALS, carry_over=hook) == _reference_merge(
        template, previous, hook
    )


def test_the_carry_over_is_not_asked_when_every_template_entry_has_an_old_one() -> None:
    asked: list[str] = []

    def hook(template: Catalog, old: Catalog) -> dict[str, Entry]:
        asked.append("yes")
        return {}

    old = Catalog(
        entries=(
            Entry("a", "A", references=("s.html:1",)),
            Entry("b", "B", references=("s.html:2",)),
        )
    )
    template = Catalog(
        entries=(Entry("b", references=("s.html:1",)), Entry("a", references=("s.html:3",)))
    )
    merged = sync.merge(template, old, "tr", PLURALS, carry_over=hook)
    assert asked == [] and [(e.msgid, e.msgstr, e.references) for e in merged.entries] == [
        ("b", "B", ("s.html:1",)),
        ("a", "A", ("s.html:3",)),
    ]
    sync.merge(
        Catalog(entries=(*template.entries, Entry("c"))), old, "tr", PLURALS, carry_over=hook
    )
    assert asked == ["yes"]


@settings(max_examples=200, deadline=None)
@given(_OLD_ENTRY, _REFERENCES, _COMMENTS, st.booleans())
def test_placed_entry_is_changed_entry(
    entry: Entry, references: tuple[str, ...], comments: tuple[str, ...], gone: bool
) -> None:
    placed = placed_entry(entry, references, comments, gone)
    expected = changed_entry(
        entry, references=references, extracted_comments=comments, obsolete=gone
    )
    assert (
        placed == expected
        and vars(placed) == vars(expected)
        and list(vars(placed)) == list(vars(expected))
    )
    assert placed.line == entry.line


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), unique=True, max_size=12), st.booleans())
def test_increasing_run_shortcut_agrees_with_patience_sorting(
    olds: list[int], ordered: bool
) -> None:
    if ordered:
        olds = sorted(olds)
    pairs = list(enumerate(olds))
    assert drift._increasing_run(pairs) == drift._patience_run(pairs)


def test_a_proposal_under_another_key_is_not_taken() -> None:
    """A hook proposing, for the template entry ("a", context x), an entry keyed ("a", no context)
    would give two live entries under the key of the one kept: gettext refuses such a catalog."""
    old = Catalog(entries=(Entry("a", "T1", references=("s.html:1",)),))
    template = Catalog(
        entries=(
            Entry("a", references=("s.html:1",)),
            Entry("a", msgctxt="x", references=("s.html:2",)),
        )
    )
    hook = _odd_hook([Entry("a", "T2")])
    merged = sync.merge(template, old, "tr", PLURALS, carry_over=hook)
    assert merged == _reference_merge(template, old, hook)
    assert [(e.msgctxt, e.msgid, e.msgstr, e.obsolete) for e in merged.entries] == [
        (None, "a", "T1", False),
        ("x", "a", "", False),
    ]
    taken = sync.merge(template, old, "tr", PLURALS, carry_over=_odd_hook([Entry("a", "T2", msgctxt="x")]))
    assert [(e.msgctxt, e.msgstr) for e in taken.entries] == [(None, "T1"), ("x", "T2")]


@settings(max_examples=200, deadline=None)
@given(
    _OLD_ENTRY,
    st.fixed_dictionaries(
        {},
        optional={
            "msgstr": _TEXTS,
            "flags": st.sampled_from([(), ("fuzzy",), ("fuzzy", "python-format")]),
            "translator_comments": _COMMENTS,
            "previous_msgid": st.sampled_from([None, "a"]),
            "previous_msgctxt": st.sampled_from([None, "x"]),
        },
    ),
)
def test_changed_entry_is_dataclasses_replace(entry: Entry, changes: dict[str, object]) -> None:
    """drift's carry-over builds its proposals with changed_entry where it used dataclasses.replace."""
    import dataclasses

    changed, expected = changed_entry(entry, **changes), dataclasses.replace(entry, **changes)
    assert changed == expected and vars(changed) == vars(expected)
