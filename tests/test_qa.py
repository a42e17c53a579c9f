"""transkit check: every check on realistic Russian/Turkish cases, false positives that must stay silent,
silencing, drafts, the output formats, exit codes and the shared placeholder validation with build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, make_project
from transkit.catalog.model import Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.errors import ConfigError, TranskitError
from transkit.glossary import load_glossary
from transkit.pipeline import build_project, sync_project
from transkit.qa import (
    CHECKS,
    CheckContext,
    CheckReport,
    Finding,
    check_catalog,
    check_entry,
    check_project,
    final_punctuation,
    find_dates,
    format_github,
    format_text,
    ignored_checks,
    is_machine_draft,
    number_values,
    select_checks,
)

QA = FIXTURES / "qa"
GLOSSARY = load_glossary(QA / "glossary.csv")


def _expectations(language: str) -> list[tuple[Entry, set[str], bool]]:
    """(entry, checks it must trigger, whether they are drafts) from the fixture's '#. expect:' comments."""
    catalog = read_catalog(QA / f"broken-{language}.po")
    cases = []
    for entry in catalog.live_entries:
        comment = next(c for c in entry.extracted_comments if c.startswith("expect:"))
        names = {n.strip() for n in comment[len("expect:"):].split("(")[0].split(",")} - {"", "none"}
        cases.append((entry, names - {"draft"}, "draft" in names))
    return cases


CASES = [(lang, *case) for lang in ("ru", "tr") for case in _expectations(lang)]


@pytest.mark.parametrize(
    ("language", "entry", "expected", "draft"),
    CASES,
    ids=[f"{lang}:{entry.line}:{'+'.join(sorted(exp)) or 'none'}" for lang, entry, exp, _ in CASES],
)
def test_broken_catalog_entry(language: str, entry: Entry, expected: set[str], draft: bool) -> None:
    """Each entry of the deliberately broken catalogs triggers exactly the checks it names, nothing else."""
    context = CheckContext("en", language, f"broken-{language}.po", GLOSSARY)
    findings, _ = check_entry(entry, context, select_checks())
    assert {f.check for f in findings} == expected, [f.message for f in findings]
    assert all(bool(f.draft) == draft for f in findings)
    assert all(f.severity == CHECKS[f.check].severity for f in findings)


def test_every_check_is_exercised_by_the_fixtures() -> None:
    exercised = {name for _, _, expected, _ in CASES for name in expected}
    assert exercised == set(CHECKS)


def test_fixture_counts_and_line_numbers() -> None:
    """Findings carry the line of the entry's msgid, and drafts/silenced ones are counted apart."""
    path = QA / "broken-ru.po"
    findings, silenced = check_catalog(read_catalog(path), CheckContext("en", "ru", "broken-ru.po", GLOSSARY), select_checks())
    lines = path.read_text(encoding="utf-8").splitlines()
    for finding in findings:
        assert lines[finding.line - 1].startswith("msgid "), finding
    assert silenced == 2  # the quotes finding and the numbers finding of the two transkit-ignore entries
    assert sum(1 for f in findings if f.draft) == 2
    assert findings == sorted(findings, key=lambda f: f.sort_key)


# --------------------------------------------------------------------------- helpers, case by case


@pytest.mark.parametrize(
    ("token", "values"),
    [
        ("1,000", {"1000", "1"}),
        ("1.000", {"1000", "1"}),
        ("1 000", {"1000"}),
        ("1\u00a0000\u00a0000", {"1000000"}),
        ("3,5", {"3.5"}),
        ("2.50", {"2.5"}),
        ("1,234.56", {"1234.56"}),
        ("1.234,56", {"1234.56"}),
        ("190 271,5", {"190271.5"}),
        ("07", {"7"}),
        ("1.2.3", {"1.2.3"}),
        ("1" * 40, {"1" * 40}),  # no rounding, however long
    ],
)
def test_number_values_in_any_locale(token: str, values: set[str]) -> None:
    assert number_values(token) == values


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("on March 20-22, 2023.", [(2023, 3, 20), (2023, 3, 22)]),
        ("20–22 марта 2023 года", [(2023, 3, 20), (2023, 3, 22)]),
        ("13.07.2023", [(2023, 7, 13)]),
        ("2023-07-13", [(2023, 7, 13)]),
        ("12 Temmuz 2023’te", [(2023, 7, 12)]),
        ("в марте 2023 года", [(2023, 3, None)]),
        ("on February 4, 20 days before", [(None, 2, 4)]),
        ("4. März 2023", [(2023, 3, 4)]),
        ("China May Be on Brink", []),
        ("31.02.2023 and 45 Mart", []),
    ],
)
def test_dates_written_out_or_as_numbers(text: str, dates: list[tuple[int | None, int, int | None]]) -> None:
    found, _ = find_dates(text)
    assert sorted(found, key=str) == sorted(dates, key=str)


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("relations.”", "."),
        ("отношений».", "."),
        ("Twitter</em1>:<sup2/>", ":"),
        ("planned.[3]", "."),
        ("13.07.2023). <a3/>", "."),
        ("Wait...", "…"),
        ("Почему？", "?"),
        ("Home", ""),
        ("март 2023 г.", "either"),
    ],
)
def test_final_punctuation(text: str, mark: str) -> None:
    assert final_punctuation(text) == mark


@pytest.mark.parametrize(
    ("msgid", "msgstr", "language"),
    [
        # names kept in Latin inside Russian text, acronyms, a URL
        ("He spoke to Reuters and Bloomberg.", "Он дал интервью Reuters и Bloomberg.", "ru"),
        ("NATO and the EU", "NATO и ЕС", "ru"),
        ("See the report.", "См. доклад на https://example.org/report-2023-en.", "ru"),
        # a Russian title cited inside a Turkish sentence, copied from the source
        ("He wrote in «Коммерсантъ».", "«Коммерсантъ» gazetesinde yazdı.", "tr"),
        # dates written out differently, numbers grouped per locale
        ("On 13.07.2023 about 1,000 people came.", "13 июля 2023 г. пришли около 1 000 человек.", "ru"),
        ("The 2022 budget was 3.5 billion.", "2022 bütçesi 3,5 milyardı.", "tr"),
        # English grammar doubles, Turkish reduplication
        ("He had had enough.", "He had had enough.", "en"),
        ("They met from time to time.", "Zaman zaman görüştüler.", "tr"),
        # the same sentence end with a different quote convention
        ("He said “yes.”", "Он сказал: «да».", "ru"),
    ],
)
def test_no_false_positives(msgid: str, msgstr: str, language: str) -> None:
    skip = ["identical", "length-ratio"] if language == "en" else []
    findings, _ = check_entry(Entry(msgid, msgstr, line=1), CheckContext("en", language, "x.po"), select_checks(skip=skip))
    assert findings == []


def test_mostly_latin_in_russian_and_cyrillic_in_turkish() -> None:
    context_ru = CheckContext("en", "ru", "x.po")
    entry = Entry("Beijing wants peace.", "Beijing хочет peace and quiet now.", line=1)
    assert [f.check for f in check_entry(entry, context_ru, select_checks(only=["script"]))[0]] == ["script"]
    context_tr = CheckContext("en", "tr", "x.po")
    entry = Entry("Beijing wants peace.", "Pekin мир istiyor.", line=1)
    messages = [f.message for f in check_entry(entry, context_tr, select_checks(only=["script"]))[0]]
    assert messages == ["Cyrillic letters (3 of 15) in a Turkish translation"]


def test_placeholder_check_is_the_build_validator() -> None:
    import transkit.build
    import transkit.qa
    import transkit.source.inline

    assert transkit.qa.parse_translation is transkit.source.inline.parse_translation
    assert transkit.build.parse_translation is transkit.source.inline.parse_translation


def test_placeholder_message_mentions_footnotes() -> None:
    entry = Entry("Russia.<sup1/>", "России.", line=4)
    findings, _ = check_entry(entry, CheckContext("en", "ru", "x.po"), select_checks(only=["placeholder"]))
    assert findings[0].message == "placeholder <sup1/> is missing (a footnote or link marker)"


@settings(derandomize=True, max_examples=300, deadline=None)
@given(
    msgid=st.text(alphabet=st.sampled_from(list("ab Я1,.<>/sup23“”«»[]@:\u00a0İı")), max_size=40),
    msgstr=st.text(alphabet=st.sampled_from(list("ab Я1,.<>/sup23“”«»[]@:\u00a0İı")), max_size=40),
    language=st.sampled_from(["ru", "tr", "en", "xx"]),
)
def test_checks_never_raise(msgid: str, msgstr: str, language: str) -> None:
    findings, _ = check_entry(Entry(msgid or "a", msgstr or "b", line=1), CheckContext("en", language, "x.po", GLOSSARY), select_checks())
    assert not any("internal error" in f.message for f in findings)


# --------------------------------------------------------------------------- drafts and silencing


def test_machine_draft_and_ignore_comments() -> None:
    machine = Entry("a", "b", flags=("fuzzy",), translator_comments=("transkit-prefill: deepl",))
    assert is_machine_draft(machine)
    assert not is_machine_draft(Entry("a", "b", translator_comments=("transkit-prefill: deepl",)))
    assert not is_machine_draft(Entry("a", "b", flags=("fuzzy",)))
    entry = Entry("a", "b", translator_comments=("reviewed", "transkit-ignore: numbers, quotes", "transkit-ignore: url"))
    assert ignored_checks(entry) == {"numbers", "quotes", "url"}


def test_ignore_all() -> None:
    entry = Entry("Two issues.", "Bu konular", translator_comments=("transkit-ignore: all",), line=2)
    findings, silenced = check_entry(entry, CheckContext("en", "ru", "x.po"), select_checks())
    assert findings == [] and silenced == 2  # script and punctuation


SOURCE = """<!DOCTYPE html><html lang="en"><head><title>Visit</title></head><body>
<p>Peskov said the visit is planned for July 12, 2023 and will last 3 days.</p>
<p>Chinese President <strong>Xi Jinping</strong> visited Moscow.</p>
</body></html>"""


def _translate(path: Path, translations: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]) -> None:
    """Fill msgstr (and comments, flags) of the catalog at ``path``."""
    from dataclasses import replace

    catalog = read_catalog(path)
    entries = []
    for entry in catalog.entries:
        if entry.msgid in translations:
            msgstr, comments, flags = translations[entry.msgid]
            entry = replace(entry, msgstr=msgstr, translator_comments=comments, flags=flags)
        entries.append(entry)
    write_catalog(path, replace(catalog, entries=tuple(entries)))


PESKOV = "Peskov said the visit is planned for July 12, 2023 and will last 3 days."
XI = "Chinese President <strong1>Xi Jinping</strong1> visited Moscow."


def _project(tmp_path: Path, config: str = 'languages = ["ru", "tr"]\n') -> Path:
    root = make_project(tmp_path / "p", {"visit.html": SOURCE}, config=config)
    assert sync_project(load_config(root)).ok
    return root


def test_silencing_survives_sync(tmp_path: Path) -> None:
    root = _project(tmp_path)
    po = root / "locales" / "ru" / "visit.po"
    _translate(po, {PESKOV: ("Песков сообщил, что визит запланирован на 12 июля 2023 года и продлится четыре дня.",
                             ("transkit-ignore: numbers",), ())})
    report = check_project(load_config(root), ("ru",), relative_to=root)
    assert report.findings == [] and report.silenced == 1
    source = root / "sources" / "visit.html"
    source.write_text(SOURCE.replace("</body>", "<p>A new paragraph.</p></body>"), encoding="utf-8")
    assert sync_project(load_config(root)).ok
    entry = next(e for e in read_catalog(po).entries if e.msgid == PESKOV)
    assert entry.translator_comments == ("transkit-ignore: numbers",)
    report = check_project(load_config(root), ("ru",), relative_to=root)
    assert report.findings == [] and report.silenced == 1


def test_build_refuses_exactly_what_check_reports(tmp_path: Path) -> None:
    """One implementation: build's fallback warning and check's placeholder error name the same line and problem."""
    root = _project(tmp_path)
    po = root / "locales" / "ru" / "visit.po"
    _translate(po, {XI: ("Председатель КНР <strong1>Си Цзиньпин посетил Москву.", (), ())})
    config = load_config(root)
    report = check_project(config, ("ru",), selection=select_checks(only=["placeholder"]), relative_to=root)
    [finding] = report.findings
    build = build_project(config, languages=("ru",))
    [warning] = [w for w in build.warnings if "visit.po" in w]
    assert warning.endswith(f"locales/ru/visit.po:{finding.line}: {finding.message}; the source text is used instead")
    assert finding.message == "<strong1> is never closed"


# --------------------------------------------------------------------------- CLI


def _run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--project", str(root), *args])
    return result.exit_code, result.output


def test_cli_exit_codes_and_text_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    assert _run(root) == (0, "check: 0 errors, 0 warnings in 0 translated entries of 2 catalogs\n")
    _translate(root / "locales" / "ru" / "visit.po", {
        PESKOV: ("Песков сообщил, что визит запланирован на 12 июля 2023 года и продлится 4 дня.", (), ()),
    })
    code, output = _run(root)
    line = _msgid_line(root / "locales" / "ru" / "visit.po", PESKOV)
    assert code == 0  # warnings alone pass
    assert output.splitlines() == [
        f"locales/ru/visit.po:{line}: warning: numbers: numbers differ: 3 missing; 4 not in the source",
        "check: 0 errors, 1 warning in 1 translated entry of 2 catalogs",
    ]
    assert _run(root, "--strict")[0] == 1
    _translate(root / "locales" / "tr" / "visit.po", {XI: ("Çin Devlet Başkanı Şi Cinping Moskova’yı ziyaret etti.", (), ())})
    code, output = _run(root)
    assert code == 1
    assert output.splitlines()[0].startswith("locales/ru/visit.po:")  # sorted by file, then line
    assert re.match(r"locales/tr/visit\.po:\d+: error: placeholder: placeholder <strong1> is missing$", output.splitlines()[1])
    assert _run(root, "--lang", "ru")[0] == 0
    assert _run(root, "--skip", "placeholder")[0] == 0
    code, output = _run(root, "--only", "numbers,placeholder", "--lang", "tr")
    assert code == 1 and "1 error, 0 warnings" in output
    assert _run(root, "--article", "visit", "--only", "url")[0] == 0


def _msgid_line(path: Path, msgid: str) -> int:
    return next(e.line for e in read_catalog(path).entries if e.msgid == msgid)


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    root = _project(tmp_path)
    code, output = _run(root, "--only", "spelling")
    assert code == 2 and "unknown check 'spelling'" in output
    assert _run(root, "--article", "nope")[0] == 2
    (root / "glossary.csv").write_text("source,lang,target,type\nX,ru,Y,maybe\n", encoding="utf-8")
    code, output = _run(root)
    assert code == 2 and "glossary.csv:2: type must be 'term' or 'dnt'" in output


def test_drafts_are_reported_but_do_not_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    _translate(root / "locales" / "ru" / "visit.po", {
        XI: ("Председатель КНР Си Цзиньпин посетил Москву.", ("transkit-prefill: deepl",), ("fuzzy",)),
    })
    code, output = _run(root)
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "drafts (fuzzy or machine-translated entries; they do not fail the check):"
    assert re.match(r"locales/ru/visit\.po:\d+: draft error: placeholder: placeholder <strong1> is missing$", lines[1])
    assert lines[2] == "check: 0 errors, 0 warnings in 1 translated entry of 2 catalogs; drafts: 1 error, 0 warnings"
    data = json.loads(_run(root, "--format", "json")[1])
    assert data["summary"]["draft_errors"] == 1 and data["summary"]["errors"] == 0
    assert data["findings"][0]["draft"] == "machine"
    assert _run(root, "--format", "github")[1].startswith("::notice file=locales/ru/visit.po,line=")


def test_json_and_github_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    _translate(root / "locales" / "tr" / "visit.po", {XI: ("Çin Devlet Başkanı Şi Cinping Moskova’yı ziyaret etti.", (), ())})
    code, output = _run(root, "--format", "json")
    data = json.loads(output)
    assert code == 1
    assert data["summary"] == {"errors": 1, "warnings": 0, "draft_errors": 0, "draft_warnings": 0,
                               "catalogs": 2, "entries": 1, "silenced": 0}
    [finding] = data["findings"]
    assert finding["file"] == "locales/tr/visit.po" and finding["check"] == "placeholder"
    assert finding["msgid"] == XI and finding["severity"] == "error" and finding["draft"] == ""
    code, output = _run(root, "--format", "github")
    line = _msgid_line(root / "locales" / "tr" / "visit.po", XI)
    assert output.splitlines()[0] == (
        f"::error file=locales/tr/visit.po,line={line},title=transkit placeholder::placeholder <strong1> is missing"
    )


def test_github_escaping() -> None:
    report = CheckReport([Finding("a,b:c.po", 3, "warning", "numbers", "50% off\nnext", "x")], 1, 1)
    assert format_github(report).splitlines()[0] == "::warning file=a%2Cb%3Ac.po,line=3,title=transkit numbers::50%25 off%0Anext"
    assert format_text(report).splitlines()[0] == "a,b:c.po:3: warning: numbers: 50% off\nnext".splitlines()[0]


# --------------------------------------------------------------------------- configuration


def test_check_table_disables_and_changes_severity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = 'languages = ["ru", "tr"]\n[check]\ndisable = ["punctuation"]\n[check.severity]\nnumbers = "error"\n'
    root = _project(tmp_path, config)
    monkeypatch.chdir(root)
    _translate(root / "locales" / "ru" / "visit.po", {
        PESKOV: ("Песков сообщил, что визит запланирован на 12 июля 2023 года и продлится 4 дня", (), ()),
    })
    code, output = _run(root)
    assert code == 1
    assert ": error: numbers:" in output and "punctuation" not in output
    code, output = _run(root, "--only", "punctuation")  # --only runs a check the config disabled
    assert code == 0 and ": warning: punctuation: ends with no punctuation, the source with '.'" in output


def test_only_reenables_a_check_the_config_disabled() -> None:
    selection = select_checks({"disable": ("quotes",), "severity": {"numbers": "off"}}, only=["quotes", "numbers"])
    assert selection.names == ("numbers", "quotes")
    assert select_checks({"disable": ("quotes",)}).severities["quotes"] == "off"
    with pytest.raises(TranskitError, match="unknown check 'nope'"):
        select_checks(skip=["nope"])


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[check]\ndisable = ["spelling"]\n', "unknown check 'spelling'"),
        ('[check]\ndisable = "quotes"\n', "key 'check.disable' must be a list"),
        ('[check.severity]\nnumbers = "fatal"\n', "key 'check.severity.numbers' must be \"error\", \"warning\" or \"off\""),
        ('[check]\nenable = ["quotes"]\n', "key 'check.enable' is unknown"),
        ('check = 3\n', "key 'check' must be a table"),
    ],
)
def test_check_table_errors(tmp_path: Path, table: str, message: str) -> None:
    root = make_project(tmp_path, {"a.html": "<p>x</p>"}, config=table)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(root)
