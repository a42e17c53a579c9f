"""Glossary loading (CSV, TBX) and the inflection-tolerant term matching the glossary checks rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, make_project
from transkit.catalog.model import Entry
from transkit.config import load_config
from transkit.errors import ConfigError
from transkit.glossary import (
    GlossaryError,
    contains_verbatim,
    find_phrase,
    fold,
    load_glossary,
    parse_csv,
    parse_tbx,
    word_matches,
)
from transkit.qa import CheckContext, check_entry, project_glossary, select_checks

QA = FIXTURES / "qa"


# --------------------------------------------------------------------------- CSV


def test_csv_fixture_rows() -> None:
    glossary = load_glossary(QA / "glossary.csv")
    assert len(glossary.entries) == 8
    sco_ru = glossary.entries[0]
    assert (sco_ru.source, sco_ru.lang, sco_ru.targets, sco_ru.type) == (
        "Shanghai Cooperation Organization", "ru", ("Шанхайская организация сотрудничества",), "term",
    )
    xi_tr = glossary.entries[3]
    assert xi_tr.forbidden == ("Şi Jinping", "Şi Jinpin")
    assert xi_tr.where.endswith("glossary.csv:6")  # the comment line counts
    ankasam = next(e for e in glossary.entries if e.source == "ANKASAM")
    assert ankasam.type == "dnt" and ankasam.targets == ("ANKASAM",) and ankasam.lang == "*"


def test_for_pair_selects_language_and_star() -> None:
    glossary = load_glossary(QA / "glossary.csv")
    ru = {e.source for e in glossary.for_pair("en", "ru")}
    tr = {e.source for e in glossary.for_pair("en", "tr")}
    assert ru == {"Shanghai Cooperation Organization", "Xi Jinping", "sanction", "ANKASAM"}
    assert tr == {"Shanghai Cooperation Organization", "Xi Jinping", "Kiev", "ANKASAM", "BRICS"}


def test_csv_language_codes_are_normalised_and_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_bytes("\ufeffsource,lang,target\nKremlin,ru-RU,Кремль\n".encode())
    assert load_glossary(path).entries[0].lang == "ru"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty glossary"),
        ("term,language\nx,ru\n", "unknown column 'term'"),
        ("source,lang,target,type\nKremlin,ru,Кремль,word\n", "g.csv:2: type must be 'term' or 'dnt'"),
        ("source,lang,target\n,ru,Кремль\n", "g.csv:2: empty 'source'"),
        ("source,lang,target\nKremlin,,Кремль\n", "g.csv:2: empty 'lang'"),
        ("source,lang,target\nKremlin,ru,\n", "g.csv:2: a term needs a 'target' or a 'forbidden'"),
        ("source,lang,target\nKremlin,ru,Кремль,extra\n", "g.csv:2: 4 columns, the header has 3"),
    ],
)
def test_csv_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_csv(text, "g.csv")


def test_unreadable_and_non_utf8_glossaries(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read"):
        load_glossary(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"source,lang,target\nKremlin,tr,Kreml\xfdn\n")
    with pytest.raises(GlossaryError, match=r"bad.csv:2: not valid UTF-8"):
        load_glossary(bad)


# --------------------------------------------------------------------------- TBX


def test_tbx_basic_statuses_become_forbidden_renderings() -> None:
    glossary = load_glossary(QA / "glossary.tbx")
    tr = [e for e in glossary.for_pair("en", "tr")]
    assert len(tr) == 1
    assert tr[0].source == "Shanghai Cooperation Organization"
    assert tr[0].targets == ("Şanghay İşbirliği Örgütü",)
    assert tr[0].forbidden == ("Şangay Beşlisi",)
    ru = glossary.for_pair("en", "ru")
    assert ru[0].targets == ("Шанхайская организация сотрудничества",)  # ntig/termGrp/term, ru-RU → ru
    assert ru[0].forbidden == ("Шанхайская пятёрка",)
    # the same concept serves a Russian article translated into Turkish
    assert glossary.for_pair("ru", "tr")[0].source == "Шанхайская организация сотрудничества"


def test_tbx_v3_concept_entries() -> None:
    rules = load_glossary(QA / "glossary-v3.tbx").for_pair("en", "tr")
    assert [(r.source, r.targets, r.forbidden) for r in rules] == [
        ("Kremlin spokesman", ("Kremlin Sözcüsü",), ("Kremlin Basın Sözcüsü",))
    ]


def test_tbx_glossary_drives_the_checks() -> None:
    glossary = load_glossary(QA / "glossary.tbx")
    context = CheckContext("en", "tr", "x.po", glossary)
    entry = Entry("Shanghai Cooperation Organization", "Şangay Beşlisi", line=3)
    findings, _ = check_entry(entry, context, select_checks(only=["glossary", "glossary-forbidden"]))
    assert {(f.check, f.severity) for f in findings} == {("glossary", "warning"), ("glossary-forbidden", "error")}


def test_tbx_errors() -> None:
    with pytest.raises(GlossaryError, match=r"g.tbx:\d+: not valid TBX/XML"):
        parse_tbx(b"<martif><text>", "g.tbx")
    with pytest.raises(GlossaryError, match="langSet without xml:lang"):
        parse_tbx(b"<martif><text><body><termEntry><langSet><tig><term>x</term></tig></langSet>"
                  b"</termEntry></body></text></martif>", "g.tbx")


def test_tbx_never_resolves_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("LEAKED", encoding="utf-8")
    data = (
        f'<!DOCTYPE martif [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>a&x;</term></tig></langSet>'
        '<langSet xml:lang="tr"><tig><term>b</term></tig></langSet></termEntry></body></text></martif>'
    ).encode()
    rules = parse_tbx(data, "g.tbx").entries
    assert all("LEAKED" not in r.source for r in rules)


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    ("phrase", "text", "lang"),
    [
        ("Шанхайская организация сотрудничества", "саммит Шанхайской организации сотрудничества", "ru"),
        ("Шанхайская организация сотрудничества", "в Шанхайскую организацию сотрудничества", "ru"),
        ("Си Цзиньпин", "встреча с Си Цзиньпином", "ru"),
        ("санкция", "ввели целый ряд санкций", "ru"),
        ("Кремль", "пресс-секретарь Кремля", "ru"),
        ("Şanghay İşbirliği Örgütü", "Şanghay İşbirliği Örgütü’nün zirvesi", "tr"),
        ("şanghay işbirliği örgütü", "ŞANGHAY İŞBİRLİĞİ ÖRGÜTÜ", "tr"),
        ("kitap", "kitabı okudu", "tr"),
        ("Kremlin Sözcüsü", "Kremlin Sözcüsü Dmitriy Peskov’un", "tr"),
        ("sanction", "imposed various sanctions", "en"),
        ("SCO", "the SCO and BRICS", "en"),
    ],
)
def test_phrase_found_in_inflected_text(phrase: str, text: str, lang: str) -> None:
    assert find_phrase(phrase, text, lang)


@pytest.mark.parametrize(
    ("phrase", "text", "lang"),
    [
        ("Си Цзиньпин", "Си Цзинпин", "ru"),  # a misspelling is not an inflection
        ("Си Цзинпин", "Си Цзиньпин", "ru"),  # and the other way round (the forbidden rendering)
        ("Шанхайская организация сотрудничества", "Шанхайский союз сотрудничества", "ru"),
        ("SCO", "the scope of it", "en"),  # acronyms match exactly
        ("Kremlin Sözcüsü", "Kremlin’in sözleri", "tr"),
        ("organization", "the organizationally weak", "en"),  # too long an ending
        ("Xi Jinping", "Jinping Xi", "en"),  # order matters
        ("", "anything", "en"),
    ],
)
def test_phrase_not_found(phrase: str, text: str, lang: str) -> None:
    assert not find_phrase(phrase, text, lang)


def test_turkish_dotted_and_dotless_i_fold() -> None:
    assert fold("İSTANBUL", "tr") == "istanbul"
    assert fold("ISPARTA", "tr") == "ısparta"
    assert fold("ISPARTA", "en") == "isparta"
    assert word_matches("Işık", "ışığı", "tr")


def test_verbatim_allows_a_suffix_after_an_apostrophe_only() -> None:
    assert contains_verbatim("ANKASAM", "ANKASAM’ın aktardığına göre")
    assert contains_verbatim("BRICS", "ŞİÖ ve BRICS gibi")
    assert not contains_verbatim("BRICS", "BRİKS gibi")
    assert not contains_verbatim("BRICS", "BRICSler")
    assert not contains_verbatim("ANKASAM", "АНКАСАМ")


# --------------------------------------------------------------------------- project wiring


def test_default_glossary_at_project_root(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": "<p>x</p>"})
    assert project_glossary(load_config(root)).entries == ()
    (root / "glossary.csv").write_text("source,lang,target\nKremlin,ru,Кремль\n", encoding="utf-8")
    assert [e.targets for e in project_glossary(load_config(root)).entries] == [("Кремль",)]


def test_configured_glossary_path(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": "<p>x</p>"}, config='glossary = "terms/main.tbx"\n')
    with pytest.raises(ConfigError, match="key 'glossary' names a file that does not exist"):
        load_config(root)
    (root / "terms").mkdir()
    (root / "terms" / "main.tbx").write_bytes((QA / "glossary.tbx").read_bytes())
    assert len(project_glossary(load_config(root)).for_pair("en", "tr")) == 1
    (root / "transkit.toml").write_text('glossary = "../outside.csv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a file inside the project"):
        load_config(root)
