"""Drift: alignment, similarity, change classes, auto-updates, the revision corpus, the sample's six edits, `transkit drift`."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, SAMPLE, make_project, msgfmt_check
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.drift import (
    MERGE_NOTE,
    SPLIT_NOTE,
    THRESHOLD,
    Link,
    StaleEntry,
    align,
    auto_update,
    classify,
    render_html,
    render_text,
    similarity,
    word_diff,
)
from transkit.pipeline import build_project, sync_project

CASES = sorted(p for p in (FIXTURES / "drift").iterdir() if p.is_dir())
REV2 = FIXTURES / "samples" / "putin-prepares-to-visit-china.rev2.html"
SLUG = "putin-prepares-to-visit-china"


# --------------------------------------------------------------------------- helpers


def translate_all(path: Path, overrides: dict[str, str] | None = None) -> None:
    """The deterministic 'translator': every empty msgstr becomes "[tr] " + msgid (placeholders stay valid)."""
    catalog = read_catalog(path)
    overrides = overrides or {}
    entries = tuple(
        replace(e, msgstr=overrides.get(e.msgid, f"[tr] {e.msgid}")) if not e.obsolete and not e.msgstr else e
        for e in catalog.entries
    )
    write_catalog(path, replace(catalog, entries=entries))


def run_revisions(
    root: Path, revisions: list[Path], overrides: dict[str, str] | None = None, slug: str = "article"
) -> Catalog:
    """Sync each revision of one article in turn; translate everything after the first only."""
    make_project(root, {}, 'languages = ["tr"]\n')
    config = load_config(root)
    catalog = root / "locales" / "tr" / f"{slug}.po"
    for number, revision in enumerate(revisions):
        shutil.copyfile(revision, root / "sources" / f"{slug}.html")
        report = sync_project(config)
        assert report.ok, report.errors
        if number == 0:
            translate_all(catalog, overrides)
    return read_catalog(catalog)


def has_note(entry: Entry, prefix: str) -> bool:
    return any(c.startswith(prefix) for c in entry.translator_comments)


def check_entry(entry: Entry, expected: list[str]) -> None:
    """One live entry against one line of a case's expected.json (see the README there)."""
    state, msgid, *rest = expected
    assert entry.msgid == msgid
    if state == "untranslated":
        assert entry.msgstr == "" and not entry.fuzzy
    elif state == "translated":
        assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == ((rest or [f"[tr] {msgid}"])[0], False, None)
        assert not has_note(entry, "transkit:")
    elif state == "auto":
        msgstr, kind = rest
        assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == (msgstr, False, None)
        assert has_note(entry, f"transkit: auto-updated {kind}:"), entry.translator_comments
    else:
        previous, *msgstr = rest
        assert entry.fuzzy and entry.previous_msgid == previous
        assert entry.msgstr == (msgstr[0] if msgstr else f"[tr] {previous}")
        assert (SPLIT_NOTE in entry.translator_comments) == (state == "split")
        assert has_note(entry, "transkit: merged from") == (state == "merge")
        assert not has_note(entry, "transkit: auto-updated")


# --------------------------------------------------------------------------- the revision corpus


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_revision_corpus_lands_in_the_expected_states(case: Path, tmp_path: Path) -> None:
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    catalog = run_revisions(tmp_path, sorted(case.glob("rev*.html")), expected.get("translations"))
    live = [e for e in catalog.live_entries if e.msgid]
    assert [e.msgid for e in live] == [line[1] for line in expected["live"]]
    for entry, line in zip(live, expected["live"]):
        check_entry(entry, line)
    obsolete = [e.msgid for e in catalog.entries if e.obsolete and e.msgstr]
    assert sorted(obsolete) == sorted(expected["obsolete"])
    if shutil.which("msgfmt"):  # fuzzy, #| and #~ entries as gettext expects them
        checked = msgfmt_check(tmp_path / "locales" / "tr" / "article.po")
        assert checked.returncode == 0 and not checked.stderr, checked.stderr


def test_every_case_keeps_every_translation(tmp_path: Path) -> None:
    """Nothing is lost across a whole case: each translation made is still present, live or obsolete."""
    for case in CASES:
        root = tmp_path / case.name
        revisions = sorted(case.glob("rev*.html"))
        first = run_revisions(root / "first", revisions[:1])
        made = {f"[tr] {e.msgid}" for e in first.live_entries if e.msgid}
        overrides = json.loads((case / "expected.json").read_text(encoding="utf-8")).get("translations", {})
        made = {overrides.get(m.removeprefix("[tr] "), m) for m in made}
        final = run_revisions(root / "all", revisions, overrides)
        assert made <= {e.msgstr for e in final.entries if e.msgstr}, case.name


# --------------------------------------------------------------------------- the sample's six edits


@pytest.fixture(scope="module")
def sample_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article fully translated, then revised to rev2 and synced, then built."""
    root = tmp_path_factory.mktemp("sample")
    run_revisions(root, [SAMPLE, REV2], slug=SLUG)
    assert build_project(load_config(root)).ok
    return root


def sample_catalog(root: Path) -> Catalog:
    return read_catalog(root / "locales" / "tr" / f"{SLUG}.po")


KIEV = (
    "Nevertheless, on the occasion of the first anniversary of the war, on February 24, 2023, the Chinese "
    "Foreign Ministry issued a statement expressing its willingness to mediate between Moscow and Kiev Indeed, "
    "in the first article of the declaration, Beijing emphasized the need to respect the territorial "
    "integrity of states.<sup1/>"
)
SHIITE = (
    "As it can be understood, the Shiite administration has been in contact with Russia on the one hand and "
    "Ukraine on the other and has been trying to mediate."
)
ZELENSKI = (
    "Following the meeting, Zelenski posted the following on his official account on the social media site "
    "<em1>Twitter</em1>:<sup2/>"
)
TWO_ISSUES = "Two issues came to the fore during this visit."
PESKOV = "Peskov later noted that no exact date had yet been set for the visit."


def test_sample_edits_1_to_3_become_fuzzy_with_their_previous_source(sample_project: Path) -> None:
    live = {e.msgid: e for e in sample_catalog(sample_project).live_entries}
    halves = [
        KIEV.split(" Indeed, ")[0].replace("Kiev", "Kyiv."),
        "Indeed, " + KIEV.split(" Indeed, ")[1],
    ]
    for half in halves:  # (1) full stop added + Kyiv: one sentence split in two
        check_entry(live[half], ["split", half, KIEV])
    for old, new in ((SHIITE, SHIITE.replace("Shiite", "Xi")), (ZELENSKI, ZELENSKI.replace("Zelenski", "Zelensky"))):
        check_entry(live[new], ["fuzzy", new, old])  # (2) meaning changed, (3) name respelled


def test_sample_edits_4_to_6(sample_project: Path) -> None:
    catalog = sample_catalog(sample_project)
    live = {e.msgid: e for e in catalog.live_entries}
    obsolete = {e.msgid: e for e in catalog.entries if e.obsolete}
    assert TWO_ISSUES not in live and obsolete[TWO_ISSUES].msgstr == f"[tr] {TWO_ISSUES}"  # (4) deleted
    check_entry(live[PESKOV], ["untranslated", PESKOV])  # (5) inserted paragraph
    footnote = "<span1/>, <em2>Vesti</em2>, <a3/>,(Date of Accession: 13.07.2023). <a4/>"
    check_entry(live[footnote], ["translated", footnote])  # (6) attribute only: same msgid, still translated
    built = (sample_project / "build" / "tr" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '[tr] <span lang="ru">' in built  # the footnote was built from its translation…
    assert 'href="https://www.vesti.ru/article/3449432?utm=none"' in built  # …with the new URL


def test_sample_everything_else_is_untouched_and_nothing_is_lost(sample_project: Path) -> None:
    catalog = sample_catalog(sample_project)
    obsolete = {e.msgid for e in catalog.entries if e.obsolete and e.msgstr}
    assert obsolete == {KIEV, SHIITE, ZELENSKI, TWO_ISSUES}
    fuzzy = [e for e in catalog.live_entries if e.fuzzy]
    untranslated = [e.msgid for e in catalog.live_entries if e.msgid and not e.msgstr]
    assert len(fuzzy) == 4 and untranslated == [PESKOV]
    for entry in catalog.live_entries:
        if entry.msgid and not entry.fuzzy and entry.msgstr:
            check_entry(entry, ["translated", entry.msgid])


def test_sample_drift_command_shows_each_stale_entry(sample_project: Path) -> None:
    result = CliRunner().invoke(main, ["drift", "--project", str(sample_project), "--plain"])
    assert result.exit_code == 0, result.output
    assert "[-Shiite-]{+Xi+}" in result.output
    assert "[-Zelenski-]{+Zelensky+}" in result.output
    assert f"tr/{SLUG}.po:" in result.output and "  split\n" in result.output
    assert result.output.rstrip().endswith("4 stale entries in 1 catalog(s)")
    assert "\x1b[" not in result.output


def test_drift_json_has_the_documented_fields(sample_project: Path) -> None:
    result = CliRunner().invoke(main, ["drift", "--project", str(sample_project), "--format", "json", "--lang", "tr"])
    report = json.loads(result.output)
    assert report["count"] == 4
    first = report["stale"][0]
    assert set(first) == {"article", "language", "catalog", "line", "change", "previous", "current", "translation", "diff"}
    assert first["article"] == SLUG and first["language"] == "tr" and first["change"] == "split"
    changes = sorted(s["change"] for s in report["stale"])
    assert changes == ["edit", "edit", "split", "split"]
    shiite = next(s for s in report["stale"] if "Shiite" in s["previous"])
    assert {"op": "delete", "text": "Shiite"} in shiite["diff"] and {"op": "insert", "text": "Xi"} in shiite["diff"]
    catalog_text = (sample_project / first["catalog"]).read_text(encoding="utf-8").splitlines()
    assert catalog_text[first["line"] - 1].startswith(("msgid", "#"))


def test_drift_filters(sample_project: Path) -> None:
    none = CliRunner().invoke(main, ["drift", "--project", str(sample_project), "--format", "json", "--lang", "ru"])
    assert json.loads(none.output)["count"] == 0
    bad = CliRunner().invoke(main, ["drift", "--project", str(sample_project), "--article", "nope"])
    assert bad.exit_code == 2 and "no article with slug 'nope'" in bad.output


def test_drift_html_page_is_self_contained(sample_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "drift.html"
    result = CliRunner().invoke(main, ["drift", "--project", str(sample_project), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0 and "4 stale entries" in result.output
    page = out.read_text(encoding="utf-8")
    assert "<del>Shiite</del><ins>Xi</ins>" in page
    assert "&lt;sup1/&gt;" in page
    for outside in ("<script", "<link", "src=", "url(", "@import"):
        assert outside not in page


def test_html_escapes_untrusted_translations() -> None:
    hostile = StaleEntry("a", "tr", "locales/tr/a.po", 3, "edit", "x", "y", '<img src=x onerror="alert(1)">', ())
    page = render_html([hostile])
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def _run_on_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """Run the real CLI with stdout on a pseudo-terminal; returns what it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "transkit.cli", *args], stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait()
    os.close(leader)
    return b"".join(chunks)


def test_colour_only_on_a_terminal_and_never_with_no_color(sample_project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    coloured = _run_on_terminal(["drift", "--project", str(sample_project)], env)
    assert b"\x1b[31;9mShiite\x1b[0m" in coloured and b"\x1b[32mXi\x1b[0m" in coloured
    plain = _run_on_terminal(["drift", "--project", str(sample_project)], {**env, "NO_COLOR": "1"})
    assert b"\x1b[" not in plain and b"[-Shiite-]{+Xi+}" in plain


# --------------------------------------------------------------------------- similarity and alignment


def test_similarity_separates_edits_from_unrelated_sentences() -> None:
    assert similarity(SHIITE, SHIITE.replace("Shiite", "Xi")) > 0.9
    assert similarity(ZELENSKI, ZELENSKI.replace("Zelenski", "Zelensky")) > 0.9
    assert similarity(TWO_ISSUES, PESKOV) < 0.2
    assert similarity("The council met on Monday.", "Critics called the plan reckless.") < 0.05  # only the "."
    assert similarity("a", "a") == 1.0


def test_threshold_is_above_every_unrelated_pair_of_the_sample() -> None:
    from transkit.source.html import WalkOptions, extract

    msgids = list(dict.fromkeys(s.msgid for s in extract(SAMPLE.read_bytes(), SAMPLE, WalkOptions("en"), "en", "").segments))
    scores = sorted((similarity(a, b), a, b) for i, a in enumerate(msgids) for b in msgids[i + 1 :])
    related = [s for s in scores if s[0] >= THRESHOLD]
    # Only genuinely related pairs reach it: title/og:title, meta description/its sentence, img alt/figcaption.
    assert len(related) == 3
    assert all(("Putin" in a and "Putin" in b) or "closest ally" in a for _, a, b in related)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(["A a a a.", "B b b b."], ["B b b b.", "A a a a."], (), id="moves-are-exact-not-links"),
        pytest.param(
            ["Xx one two three four.", "Yy five six seven."], ["Xx one two three FOUR.", "Yy five six seven."],
            (Link("match", (0,), (0,)),), id="edit",
        ),
        pytest.param(
            ["One two three four five six seven eight."], ["One two three four.", "Five six seven eight."],
            (Link("split", (0,), (0, 1)),), id="split",
        ),
        pytest.param(
            ["One two three four.", "Five six seven eight."], ["One two three four, five six seven eight."],
            (Link("merge", (0, 1), (0,)),), id="merge",
        ),
        pytest.param(
            ["Keep this one.", "Delete me now please.", "Keep this too."],
            ["Keep this one.", "Entirely unrelated words here.", "Keep this too."],
            (), id="unrelated-replacement-is-not-paired",
        ),
        pytest.param(
            ["Alpha beta gamma delta epsilon zeta eta.", "Anchor one.", "Anchor two."],
            ["Anchor one.", "Anchor two.", "Alpha beta gamma delta epsilon zeta theta."],
            (Link("moved", (0,), (2,)),), id="moved-and-edited",
        ),
        pytest.param(
            ["Alpha beta gamma delta.", "Anchor one."], ["Anchor one.", "Alpha beta gamma omega."],
            (), id="moved-and-too-different",
        ),
        pytest.param(
            ["Edit me here please now.", "Anchor."], ["Edit me here please NOW.", "Please edit the new one.", "Anchor."],
            (Link("match", (0,), (0,)),), id="an-insertion-next-to-an-edit-is-not-a-split",
        ),
    ],
)
def test_align(old: list[str], new: list[str], expected: tuple[Link, ...]) -> None:
    assert align(old, new) == expected


def test_align_skips_settled_msgids() -> None:
    assert align(["Old words are here."], ["Old words are there."], settled=["Old words are there."]) == ()


def test_split_and_merge_notes() -> None:
    assert "split" in SPLIT_NOTE and MERGE_NOTE.format(count=2).startswith("transkit: merged from 2 segments")


# --------------------------------------------------------------------------- change classes and auto-update


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        pytest.param("Same.", "Same.", "none", id="none"),
        pytest.param("5 000 people", "5\u00a0000 people", "whitespace", id="nbsp"),
        pytest.param('He said "wait..."', "He said “wait…”", "typography", id="quotes-ellipsis"),
        pytest.param("1990-1995", "1990–1995", "typography", id="dash"),
        pytest.param("In 2022 sales rose.", "In 2023 sales rose.", "number", id="number"),
        pytest.param("Accessed 13.07.2023.", "Accessed 14.07.2023.", "date", id="date"),
        pytest.param("See https://a.example/x now", "See https://a.example/y now", "url", id="url"),
        pytest.param("<strong1>Xi</strong1> said", "<em1>Xi</em1> said", "markup", id="markup-renamed"),
        pytest.param("Read <a1>the report</a1>.", "Read the <a1>report</a1>.", "markup", id="link-moved"),
        pytest.param("In 2022 <b1>Xi</b1> said...", "In 2023 <i1>Xi</i1> said…", "typography+number+markup", id="mixed"),
        pytest.param("the Shiite administration", "the Xi administration", "edit", id="word"),
        pytest.param("In 2022 sales rose.", "In 2023 sales fell.", "edit", id="number-and-word"),
        pytest.param("Kiev Indeed", "Kyiv. Indeed", "edit", id="name"),
    ],
)
def test_classify(old: str, new: str, label: str) -> None:
    assert classify(old, new).label == label


@pytest.mark.parametrize(
    ("old", "new", "msgstr", "expected"),
    [
        pytest.param("Sales rose 24% in 2022.", "Sales rose 24% in 2023.", "Satışlar 2022'de %24 arttı.",
                     "Satışlar 2023'de %24 arttı.", id="number"),
        pytest.param("The war began in 2022.", "The war began in 2023.", "Savaş iki yıl önce başladı.", None,
                     id="number-not-in-translation"),
        pytest.param("From 2022 to 2022.", "From 2022 to 2023.", "2022'den 2022'ye.", None, id="ambiguous-number"),
        pytest.param("In 2024 and 24 days.", "In 2024 and 25 days.", "2024'te ve 24 günde.", "2024'te ve 25 günde.",
                     id="number-inside-another-untouched"),
        pytest.param("See https://a.example/x.", "See https://a.example/x?v=2.", "Bkz. https://a.example/x.",
                     "Bkz. https://a.example/x?v=2.", id="url"),
        pytest.param('He said "wait..."', "He said “wait…”", "Dedi ki «bekle...»", "Dedi ki «bekle…»", id="ellipsis-not-quotes"),
        pytest.param("<strong1>Xi</strong1> said <a2>this</a2>", "<em1>Xi</em1> said <a2>this</a2>",
                     "<a2>Bunu</a2> <strong1>Şi</strong1> söyledi", "<a2>Bunu</a2> <em1>Şi</em1> söyledi", id="markup"),
        pytest.param("Read <a1>the report</a1>.", "Read the <a1>report</a1>.", "<a1>Raporu</a1> okuyun.",
                     "<a1>Raporu</a1> okuyun.", id="link-moved"),
        pytest.param("Xi will not attend.", "Xi will <em1>not</em1> attend.", "Şi katılmayacak.", None,
                     id="markup-added-needs-a-translator"),
        pytest.param("Read <b1>this</b1> in 2022.", "Read <b1>this</b1> in 2023.", "<b1>Bunu</b1> oku.", None,
                     id="broken-result-refused"),
        pytest.param("Kiev", "Kyiv", "Kiev", None, id="edit"),
        pytest.param("In 2022.", "In 2023.", "In 2022.", "In 2023.", id="kept-source-follows-source"),
    ],
)
def test_auto_update(old: str, new: str, msgstr: str, expected: str | None) -> None:
    update = auto_update(old, new, msgstr)
    assert (update.msgstr if update else None) == expected


def test_auto_update_never_returns_an_invalid_translation() -> None:
    assert auto_update("In <b1>2022</b1>.", "In <b1>2023</b1>.", "<b1>2022</b1> yılında <b1>x</b1>.") is None


def test_auto_update_note_format() -> None:
    update = auto_update("Sales rose in 2022.", "Sales rose in 2023.", "[tr] Sales rose in 2022.")
    assert update is not None
    assert update.note == 'transkit: auto-updated number: "2022" → "2023"'
    unchanged = auto_update("5 000", "5\u00a0000", "beş bin")
    assert unchanged is not None and unchanged.note == 'transkit: auto-updated whitespace: " " → "\\u00a0" (translation unchanged)'


def test_word_diff_keeps_whole_words() -> None:
    diff = word_diff("between Moscow and Kiev Indeed, in the first", "between Moscow and Kyiv. Indeed, in the first")
    assert [(d.op, d.text) for d in diff if d.op != "equal"] == [("delete", "Kiev"), ("insert", "Kyiv.")]


def test_render_text_plain_and_colour() -> None:
    stale = StaleEntry("a", "tr", "locales/tr/a.po", 7, "edit", "the Shiite one", "the Xi one", "tr",
                       word_diff("the Shiite one", "the Xi one"))
    assert "  source:      the [-Shiite-]{+Xi+} one" in render_text([stale], colour=False)
    assert "\x1b[31;9mShiite\x1b[0m" in render_text([stale], colour=True)
    assert render_text([], colour=False) == "0 stale entries in 0 catalog(s)\n"


def test_render_text_never_passes_control_characters_to_the_terminal() -> None:
    hostile = StaleEntry("a", "tr", "locales/tr/a.po", 7, "edit", "x", "y", "bad\x1b]0;title\x07 text", ())
    text = render_text([hostile], colour=True)
    assert "\x1b]" not in text and "\x07" not in text and "bad\\x1b]0;title\\x07 text" in text


# --------------------------------------------------------------------------- fast paths

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from transkit import drift  # noqa: E402

_REFERENCE = st.one_of(
    st.builds(lambda n: f"sources/a.html:{n}", st.integers(0, 3000)),
    st.sampled_from(["sources/a.html", "a:b:12", "x:007", "x:0", "x:²", "x:", ":5", "x:١٢"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_REFERENCE, max_size=3), max_size=12))
def test_document_order_fast_path_agrees_with_the_entry_by_entry_reading(references: list[list[str]]) -> None:
    entries = [Entry(msgid=f"m{i}", references=tuple(refs)) for i, refs in enumerate(references)]
    lines = drift._first_reference_lines(entries)
    exact, line = [], 0
    for entry in entries:
        try:
            line = drift._reference_line(entry) or line
        except ValueError:  # int() of a digit it cannot read ("²"): the fast path must have refused
            assert lines is None
            return
        exact.append(line)
    assert lines is None or lines == exact
    assert drift._document_order(entries) == [entries[i] for _, i in sorted(zip(exact, range(len(entries))))]


def test_document_order_fast_path_is_taken_for_transkit_catalogs() -> None:
    entries = [e for e in read_catalog(FIXTURES.parent / "golden" / "sample" / "tr.po").entries if not e.obsolete]
    lines = drift._first_reference_lines(entries)
    assert lines is not None and len(lines) == len(entries) > 50 and lines == sorted(lines)


def _align_without_skipping(old: list[str], new: list[str]) -> tuple[Link, ...]:
    """align() as it was before it skipped adjacent anchors: every gap goes to _Aligner.gap."""
    old_index = {text: i for i, text in enumerate(old)}
    exact = [(j, old_index[text]) for j, text in enumerate(new) if text in old_index]
    matched_old = {i for _, i in exact}
    done_new = {j for j, _ in exact}
    aligner = drift._Aligner(old, new)
    links: list[Link] = []
    bounds = [(-1, -1), *drift._increasing_run(exact), (len(new), len(old))]
    for (j0, i0), (j1, i1) in zip(bounds, bounds[1:]):
        olds = [i for i in range(i0 + 1, i1) if i not in matched_old]
        news = [j for j in range(j0 + 1, j1) if j not in done_new]
        links.extend(aligner.gap(olds, news))
    used_old = matched_old | {i for link in links for i in link.old}
    used_new = done_new | {j for link in links for j in link.new}
    left_old = [i for i in range(len(old)) if i not in used_old]
    left_new = [j for j in range(len(new)) if j not in used_new]
    links.extend(aligner.moved(left_old, left_new))
    return tuple(sorted(links, key=lambda link: link.new))


_WORDS = ["Moscow", "Beijing", "visit", "talks", "trade", "energy", "sanctions", "the", "and", "of"]
_SENTENCE = st.lists(st.sampled_from(_WORDS), min_size=2, max_size=7).map(lambda w: " ".join(w) + ".")


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=14), st.data())
def test_align_skipping_adjacent_anchors_changes_no_link(old: list[str], data: st.DataObject) -> None:
    new = list(dict.fromkeys(old))
    old = list(new)
    for _ in range(data.draw(st.integers(0, 4))):
        index = data.draw(st.integers(0, max(len(new) - 1, 0)))
        action = data.draw(st.sampled_from(["edit", "insert", "delete", "split"]))
        if action == "edit" and new:
            new[index] = new[index].replace(".", " trade.")
        elif action == "insert":
            new.insert(index, data.draw(_SENTENCE))
        elif action == "delete" and new:
            del new[index]
        elif action == "split" and new:
            words = new[index].rstrip(".").split()
            if len(words) > 2:
                new[index : index + 1] = [" ".join(words[:2]) + ".", " ".join(words[2:]) + "."]
    new = list(dict.fromkeys(new))
    assert align(old, new) == _align_without_skipping(old, new)


_PIECES = st.sampled_from([
    "Moscow", "visit", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u2028", "\x1c", "<a1>", "</a1>", "<br2/>", "<x-y3>",
    "https://example.org/a?b=1", "www.x.com/", "2023", "1,000.5", "12/05/2024", "...", "…", "--", "—", "–", "“", "”",
    "'", "’", '"', ".", ",", "(", ")", "é", "ß", "١٢", "_", "²", "🇨🇳",
])
_TEXTS = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_TEXTS)
def test_token_shortcuts_are_the_match_by_match_reading(text: str) -> None:
    """tokenize (findall of TOKEN without its groups), _typographic (no translation of an ASCII text) and
    _Text.of / _skeleton (compiled patterns, filterfalse) give what they gave written the first way."""
    assert drift._TOKENS.groups == 0
    assert drift.tokenize(text) == [m.group(0) for m in drift.TOKEN.finditer(text)]
    typographic = drift.SPACES.sub(" ", text.translate(drift.TYPOGRAPHY).replace("…", "...")).strip()
    assert drift._typographic(text) == typographic
    skeleton = re.sub(drift.NUMBER, "\x02", re.sub(drift.URL, "\x01", drift.PLACEHOLDER.sub("", text)))
    skeleton = drift.SPACES.sub(" ", skeleton.translate(drift.TYPOGRAPHY).replace("…", "...")).strip()
    assert drift._skeleton(text) == skeleton.replace(" ", "")
    tokens = tuple(t for t in drift.tokenize(typographic) if not t.isspace())
    assert drift._Text.of(text).tokens == tokens
