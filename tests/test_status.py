"""The status model: entry states, fast counting (checked against the full parser), project rows, gates, formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE, make_project, translate_catalog, translated_sample
from transkit import status
from transkit.catalog import pofile
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import format_catalog, parse_catalog, read_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.errors import CatalogError, TranskitError
from transkit.pipeline import sync_project
from transkit.status import (
    Counts,
    ProjectStatus,
    StatusRow,
    Threshold,
    check_gates,
    collect_status,
    count_catalog,
    count_text,
    entry_state,
    project_status,
    sort_rows,
    word_count,
)

PREFILL = "transkit-prefill: mt libre 2026-11-28"
CONFIG = 'languages = ["tr", "en", "ru"]\nsegmentation = "paragraph"\n'
ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Four words title here</title></head><body>
<p>One two three.</p>
<p>Four <b>five</b> six seven.</p>
<p>Eight nine.</p>
</body></html>
"""


# --------------------------------------------------------------------------- words and states


def careful_counts(text: str) -> Counts:
    """Counts from the scanner + polib reading, which parse_catalog's fast path must agree with."""
    return count_catalog(pofile._careful_parse(text.removeprefix("\ufeff"), "<string>"))


@pytest.mark.parametrize(
    ("msgid", "words"),
    [
        pytest.param("One two three.", 3, id="plain"),
        pytest.param("Xi <strong1>Jinping</strong1> visited<sup2/>.", 3, id="placeholders-are-not-words"),
        pytest.param("Moscow’s US-centered order", 3, id="apostrophes-and-hyphens-join"),
        pytest.param("20-22 March, 2023", 3, id="numbers-count"),
        pytest.param("— … !", 0, id="punctuation-only"),
        pytest.param("Путин готовится посетить Китай", 4, id="cyrillic"),
    ],
)
def test_word_count(msgid: str, words: int) -> None:
    assert word_count(msgid) == words


@pytest.mark.parametrize(
    ("entry", "state"),
    [
        pytest.param(Entry("a", "b"), "reviewed", id="translated"),
        pytest.param(Entry("a", ""), "untranslated", id="empty"),
        pytest.param(Entry("a", "", flags=("fuzzy",)), "untranslated", id="fuzzy-without-text"),
        pytest.param(Entry("a", "b", flags=("fuzzy",), translator_comments=(PREFILL,)), "machine", id="machine-draft"),
        pytest.param(Entry("a", "b", translator_comments=(PREFILL,)), "reviewed", id="approved-machine-draft"),
        pytest.param(Entry("a", "b", flags=("fuzzy",), previous_msgid="x"), "stale", id="source-changed"),
        pytest.param(
            Entry("a", "b", flags=("fuzzy",), previous_msgid="x", translator_comments=(PREFILL,)), "stale",
            id="machine-draft-whose-source-changed",
        ),
        pytest.param(Entry("a", "b", flags=("fuzzy",)), "stale", id="marked-fuzzy-by-a-person"),
    ],
)
def test_entry_state(entry: Entry, state: str) -> None:
    assert entry_state(entry) == state


def test_counts_add_up_and_keep_the_old_names() -> None:
    counts = Counts.of("reviewed", 3) + Counts.of("machine", 2) + Counts.of("stale", 1) + Counts.of("untranslated", 4)
    assert (counts.total, counts.total_words) == (4, 10)
    assert counts.percent == 30.0
    assert counts.published_percent(include_fuzzy=True) == 60.0
    assert (counts.translated, counts.fuzzy, counts.translated_words, counts.fuzzy_words) == (1, 2, 3, 3)
    assert Counts().percent == 100.0


# --------------------------------------------------------------------------- fast counting == full parser

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: tr\\n"\n\n'


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEADER + 'msgid "One two"\nmsgstr "Bir iki"\n', id="reviewed"),
        pytest.param(HEADER + 'msgid ""\n"One "\n"two"\nmsgstr ""\n"Bir "\n"iki"\n', id="wrapped-strings"),
        pytest.param(HEADER + 'msgid "a\\"b\\\\c\\nd"\nmsgstr ""\n', id="escapes"),
        pytest.param(HEADER + f'# {PREFILL}\n#, fuzzy\nmsgid "One"\nmsgstr "Bir"\n', id="machine"),
        pytest.param(HEADER + '#, fuzzy\n#| msgid "Onee"\nmsgid "One"\nmsgstr "Bir"\n', id="stale"),
        pytest.param(HEADER + 'msgctxt "menu"\nmsgid "Home"\nmsgstr "Ana"\n', id="msgctxt"),
        pytest.param(
            HEADER + 'msgid "Live"\nmsgstr ""\n\n#, fuzzy\n#~| msgid "Old"\n#~ msgid "Gone"\n#~ msgstr "Gitti"\n',
            id="obsolete-at-the-end",
        ),
        pytest.param(
            HEADER + '#, fuzzy\n#~ msgid "Gone"\n#~ msgstr "Gitti"\nmsgid "Live"\nmsgstr "Canlı"\n',
            id="obsolete-flags-do-not-leak",
        ),
        pytest.param("\ufeff" + HEADER.replace("\n", "\r\n") + 'msgid "One"\r\nmsgstr "Bir"\r\n', id="bom-crlf"),
        pytest.param(HEADER + 'msgid "One"\nmsgstr "Bir"', id="no-final-newline"),
        pytest.param(HEADER + '#| msgctxt "x"\n#| msgid "y"\n#, fuzzy\nmsgid "One"\nmsgstr "Bir"\n', id="previous-context"),
        pytest.param(HEADER + '#, fuzzy, python-format\nmsgid "One %s"\nmsgstr "Bir %s"\n', id="several-flags"),
        pytest.param(HEADER + '#, fuzzy\n# see #~ below\nmsgid "One"\nmsgstr "Bir"\n', id="comment-mentioning-obsolete-marker"),
    ],
)
def test_fast_counts_agree_with_the_parser(text: str) -> None:
    assert count_text(text) == careful_counts(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEADER + 'msgid "One"\nmsgid_plural "Ones"\nmsgstr[0] "Bir"\n', id="plural"),
        pytest.param(HEADER + 'msgid "One\nmsgstr "Bir"\n', id="unterminated"),
        pytest.param(HEADER + '<<<<<<< HEAD\nmsgid "One"\nmsgstr "Bir"\n=======\n>>>>>>> x\n', id="conflict"),
        pytest.param(HEADER + 'msgid "One"\n', id="missing-msgstr"),
        pytest.param(HEADER.replace("UTF-8", "ISO-8859-1") + 'msgid "One"\nmsgstr ""\n', id="charset"),
        pytest.param(HEADER + 'msgid "a\\qb"\nmsgstr ""\n', id="unknown-escape"),
        pytest.param(HEADER + '#,fuzzy\nmsgid "One"\nmsgstr "Bir"\n', id="flags-without-space"),
    ],
)
def test_broken_catalogs_get_the_parsers_error(text: str) -> None:
    with pytest.raises(CatalogError) as expected:
        parse_catalog(text, "x.po")
    with pytest.raises(CatalogError) as actual:
        count_text(text, "x.po")
    assert str(actual.value) == str(expected.value)


TEXT = st.lists(
    st.sampled_from([*'ab cé"\\\n\tЯ<1>/—', "word ", "<b1>", "</b1>", "<br2/>", "transkit-prefill:", "#, fuzzy\n"]),
    max_size=14,
).map("".join)
ENTRY = st.builds(
    Entry,
    msgid=TEXT.filter(bool),
    msgstr=TEXT,
    msgctxt=st.none() | st.just("ctx"),
    flags=st.sampled_from([(), ("fuzzy",), ("fuzzy", "python-format")]),
    translator_comments=st.sampled_from([(), (PREFILL,), ("a note",), ("a note", PREFILL), ("see #~ below",)]),
    previous_msgid=st.none() | TEXT,
    obsolete=st.booleans(),
)


@settings(derandomize=True, max_examples=150, deadline=None)
@given(st.lists(ENTRY, max_size=8, unique_by=lambda e: (e.msgctxt, e.msgid)))
def test_fast_counts_agree_with_the_parser_on_any_written_catalog(entries: list[Entry]) -> None:
    catalog = Catalog(header_fields=(("Content-Type", "text/plain; charset=UTF-8"),), entries=tuple(entries))
    text = format_catalog(catalog)
    assert count_text(text) == careful_counts(text)


def test_fast_counts_agree_on_the_sample_catalogs(tmp_path: Path) -> None:
    root = translated_sample(tmp_path)
    paths = sorted((root / "locales").rglob("*.po*"))
    assert len(paths) == 3
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert count_text(text) == careful_counts(text), path


# --------------------------------------------------------------------------- project rows


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    """Article a (synced; tr partly translated), article b (synced), article c (never synced)."""
    root = make_project(tmp_path, {"a.html": ARTICLE, "b.html": ARTICLE.replace("Eight", "Ten")}, CONFIG)
    assert sync_project(load_config(root)).ok
    translate_catalog(root / "locales" / "tr" / "a.po", [
        {"msgid": "One two three.", "msgstr": "Bir iki üç.", "state": "reviewed"},
        {"msgid": "Four <b1>five</b1> six seven.", "msgstr": "Dört <b1>beş</b1> altı yedi.", "state": "machine"},
        {"msgid": "Eight nine.", "msgstr": "Sekiz dokuz.", "state": "stale", "previous": "Eight nine!"},
    ])
    (root / "sources" / "c.html").write_text(ARTICLE.replace("One", "Eleven"), encoding="utf-8")
    return root


def test_rows_count_words_per_state(small: Path) -> None:
    rows = {(r.slug, r.language): r for r in project_status(load_config(small))}
    assert sorted(rows) == [(s, lang) for s in "abc" for lang in ("ru", "tr")]
    tr = rows[("a", "tr")]
    assert tr.counts == Counts(1, 1, 1, 1, 3, 4, 2, 4)
    assert tr.counts.percent == pytest.approx(100 * 3 / 13)
    assert (tr.current, tr.missing, tr.source_language, tr.catalog) == (True, False, "en", "locales/tr/a.po")
    assert rows[("a", "ru")].counts == Counts(untranslated=4, untranslated_words=13)


def test_an_article_never_synced_counts_from_its_source(small: Path) -> None:
    row = next(r for r in project_status(load_config(small)) if r.slug == "c")
    assert (row.current, row.missing) == (False, True)
    assert row.counts == Counts(untranslated=4, untranslated_words=13)


def test_a_missing_catalog_counts_from_the_template(small: Path) -> None:
    (small / "locales" / "ru" / "b.po").unlink()
    row = next(r for r in project_status(load_config(small), ("ru",)) if r.slug == "b")
    assert (row.missing, row.current, row.counts.untranslated) == (True, False, 4)


def test_an_edited_source_makes_its_catalogs_out_of_date(small: Path) -> None:
    (small / "sources" / "a.html").write_text(ARTICLE.replace("Eight", "Twelve"), encoding="utf-8")
    rows = [r for r in project_status(load_config(small)) if r.slug == "a"]
    assert [r.current for r in rows] == [False, False]


def test_filters_by_language_and_article(small: Path) -> None:
    rows = project_status(load_config(small), ("tr",), ("b",))
    assert [(r.slug, r.language) for r in rows] == [("b", "tr")]


def test_a_broken_catalog_is_one_error_and_the_rest_still_count(small: Path) -> None:
    (small / "locales" / "ru" / "b.po").write_text('msgid "x"\n', encoding="utf-8")
    result = collect_status(load_config(small))
    assert len(result.errors) == 1 and "locales/ru/b.po:1" in result.errors[0]
    assert {r.slug for r in result.rows} == {"a", "c"}
    with pytest.raises(TranskitError, match="b.po"):
        project_status(load_config(small))


def _row(slug: str, language: str, **counts: int) -> StatusRow:
    return StatusRow(slug, language, Counts(**counts), True)


ROWS = (
    _row("a", "tr", reviewed=1, reviewed_words=90, untranslated=1, untranslated_words=10),
    _row("b", "tr", reviewed=1, reviewed_words=10, stale=1, stale_words=90),
    _row("a", "ru", machine=1, machine_words=50, untranslated=1, untranslated_words=50),
    _row("b", "ru", reviewed=1, reviewed_words=100),
)
STATUS = ProjectStatus(ROWS, (), ("tr", "ru"))


@pytest.mark.parametrize(
    ("key", "order"),
    [
        pytest.param("article", ["a/tr", "a/ru", "b/tr", "b/ru"], id="article"),
        pytest.param("language", ["a/tr", "b/tr", "a/ru", "b/ru"], id="language"),
        pytest.param("percent", ["a/ru", "b/tr", "a/tr", "b/ru"], id="percent"),
        pytest.param("stale", ["b/tr", "a/tr", "a/ru", "b/ru"], id="stale"),
    ],
)
def test_sort_rows(key: str, order: list[str]) -> None:
    assert [f"{r.slug}/{r.language}" for r in sort_rows(ROWS, key, ("tr", "ru"))] == order


# --------------------------------------------------------------------------- gates


def test_threshold_parse() -> None:
    assert Threshold.parse("80") == Threshold(80.0)
    assert Threshold.parse("tr=92.5%") == Threshold(92.5, "tr")
    for bad in ("eighty", "tr=", "150"):
        with pytest.raises(TranskitError, match="--fail-under"):
            Threshold.parse(bad)


def test_project_threshold_names_the_articles_below_it() -> None:
    assert check_gates(STATUS, [Threshold(50)]) == []
    (failure,) = check_gates(STATUS, [Threshold(60)])
    assert failure == "project: 50.0% of words reviewed, below 60%; articles below: ru/a (0.0%), tr/b (10.0%)"


def test_language_threshold() -> None:
    assert check_gates(STATUS, [Threshold(50, "ru")]) == []
    (failure,) = check_gates(STATUS, [Threshold(51, "tr")])
    assert failure.startswith("tr: 50.0% of words reviewed, below 51%; articles below: tr/b (10.0%)")


def test_per_article_threshold() -> None:
    assert check_gates(STATUS, [Threshold(50)], per_article=True) == [
        "ru/a: 0.0% of words reviewed, below 50%",
        "tr/b: 10.0% of words reviewed, below 50%",
    ]
    assert check_gates(STATUS, [Threshold(5, "ru")], per_article=True) == ["ru/a: 0.0% of words reviewed, below 5%"]


def test_fail_on_states_names_each_article_and_why() -> None:
    assert check_gates(STATUS, fail_on=["stale", "machine"]) == [
        "ru/a: 1 machine segment (50 words)",
        "tr/b: 1 stale segment (90 words)",
    ]
    assert check_gates(STATUS, fail_on=["untranslated"]) == [
        "tr/a: 1 untranslated segment (10 words)",
        "ru/a: 1 untranslated segment (50 words)",
    ]


def test_gate_usage_errors() -> None:
    with pytest.raises(TranskitError, match="unknown state 'fuzzy'"):
        check_gates(STATUS, fail_on=["fuzzy"])
    with pytest.raises(TranskitError, match="'de' is not a configured language"):
        check_gates(STATUS, [Threshold(50, "de")], known_languages=("tr", "ru"))


# --------------------------------------------------------------------------- the command, on the sample project


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    return translated_sample(tmp_path / "site")


def _expected_sample_counts(root: Path, language: str) -> Counts:
    return count_catalog(read_catalog(root / "locales" / language / SAMPLE.with_suffix(".po").name))


def test_table(sample: Path) -> None:
    result = run("status", "--project", str(sample))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:4] == ["article", "lang", "done", "reviewed"]
    tr = _expected_sample_counts(sample, "tr")
    assert lines[1].split() == [
        SAMPLE.stem, "tr", f"{tr.percent:.1f}%", str(tr.reviewed), str(tr.machine), str(tr.stale),
        str(tr.untranslated), f"{tr.reviewed_words}/{tr.total_words}",
    ]
    assert [line.split()[:2] for line in lines[3:]] == [["TOTAL", "tr"], ["TOTAL", "ru"], ["TOTAL", "all"]]
    assert "\x1b[" not in result.output  # no colour when not on a terminal


def test_json_fields(sample: Path) -> None:
    result = run("status", "--project", str(sample), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) == {"schema", "languages", "articles", "totals", "errors", "failures"}
    assert data["schema"] == "transkit-status/1" and data["languages"] == ["tr", "ru"]
    article = data["articles"][0]
    assert set(article) == {
        "slug", "language", "source_language", "catalog", "current", "missing", "segments", "words", "percent",
    }
    assert set(article["segments"]) == set(article["words"]) == {"total", "reviewed", "machine", "stale", "untranslated"}
    tr = _expected_sample_counts(sample, "tr")
    assert article["words"] == {
        "total": tr.total_words, "reviewed": tr.reviewed_words, "machine": tr.machine_words,
        "stale": tr.stale_words, "untranslated": tr.untranslated_words,
    }
    assert article["percent"] == round(tr.percent, 2)
    assert data["totals"]["languages"]["tr"]["articles"] == 1
    assert data["totals"]["project"]["rows"] == 2
    assert data["totals"]["project"]["words"]["total"] == 2 * tr.total_words


def test_csv(sample: Path) -> None:
    result = run("status", "--project", str(sample), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["scope"] for r in rows] == ["article", "article", "language", "language", "project"]
    ru = _expected_sample_counts(sample, "ru")
    assert rows[1]["language"] == "ru" and int(rows[1]["words_machine"]) == ru.machine_words
    assert rows[1]["percent"] == f"{ru.percent:.2f}"


def test_markdown(sample: Path) -> None:
    result = run("status", "--project", str(sample), "--format", "markdown", "--fail-on", "stale")
    assert result.exit_code == 1
    text = result.output
    assert text.startswith("### Translation status\n")
    assert "| tr | " in text and "| **all** | " in text
    assert "**CI gate failed:**" in text and "<details><summary>Per article (2 rows)</summary>" in text


def test_markdown_escapes_names() -> None:
    row = _row("a|b_<i>x</i>", "tr", reviewed=1, reviewed_words=1)
    text = status.render_markdown(ProjectStatus((row,), (), ("tr",)))
    assert r"a\|b\_\<i\>x\</i\>" in text and "<i>" not in text


def test_gate_fails_then_passes(sample: Path) -> None:
    failing = run("status", "--project", str(sample), "--fail-under", "tr=50", "--fail-on", "stale,untranslated")
    assert failing.exit_code == 1
    assert "failed: tr: " in failing.output and "articles below: tr/" + SAMPLE.stem in failing.output
    assert f"failed: ru/{SAMPLE.stem}: 1 stale segment" in failing.output
    passing = run("status", "--project", str(sample), "--fail-under", "tr=10", "--fail-on", "machine", "--lang", "en")
    assert passing.exit_code == 0, passing.output
    assert run("status", "--project", str(sample), "--fail-under", "5").exit_code == 0


def test_gate_usage_error_exits_2(sample: Path) -> None:
    result = run("status", "--project", str(sample), "--fail-under", "de=50")
    assert result.exit_code == 2 and "'de' is not a configured language" in result.output


def test_sort_option(sample: Path) -> None:
    result = run("status", "--project", str(sample), "--sort", "percent")
    assert [line.split()[1] for line in result.output.splitlines()[1:3]] == ["ru", "tr"]


def test_colour_only_for_terminals() -> None:
    row = _row("a", "tr", reviewed=1, reviewed_words=1, stale=1, stale_words=1)
    coloured = status.render_table(ProjectStatus((row,), (), ("tr",)), color=True)
    assert "\x1b[33m    1\x1b[0m" in coloured  # stale in yellow, aligned under its header
    assert "\x1b[" not in status.render_table(ProjectStatus((row,), (), ("tr",)))
