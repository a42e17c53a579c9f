"""XLIFF 2.0 export and import: structure, inline codes, round trips, validation, all-or-nothing imports."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import FIXTURES, REPO, make_project, msgfmt_check, needs_gettext
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.pipeline import sync_project
from transkit.xliff import NS, export_catalog, export_project, import_xliff, read_xliff

SCHEMA = etree.RelaxNG(etree.parse(str(FIXTURES / "xliff" / "xliff-core-2.0-subset.rng")))
X = f"{{{NS}}}"
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Visit</title></head><body>
<p>Chinese President <strong>Xi Jinping</strong> visited <a href="/moscow">Moscow</a>.<sup><a href="#fn1">1</a></sup> Talks went well.</p>
<p>AT&amp;T said &lt;no&gt; comment.<br>New line.</p>
</body></html>
"""
XI = "Chinese President <strong1>Xi Jinping</strong1> visited <a2>Moscow</a2>.<sup3/>"
ATT = "AT&T said <no> comment.<br1/>New line."


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path, {"a.html": ARTICLE}, 'languages = ["ru", "de"]\n')
    assert sync_project(load_config(root)).ok
    return root


def po(root: Path, lang: str = "ru") -> Path:
    return root / "locales" / lang / "a.po"


def set_translations(path: Path, translations: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    catalog = read_catalog(path)
    entries = tuple(
        replace(e, msgstr=translations.get(e.msgid, e.msgstr)).with_flag("fuzzy", e.msgid in fuzzy)
        for e in catalog.entries
    )
    write_catalog(path, replace(catalog, entries=entries))


def export(root: Path) -> Path:
    report = export_project(load_config(root), ("ru",), (), root / "xliff")
    assert not report.warnings
    return root / "xliff" / "ru" / "a.xlf"


def units(path: Path) -> dict[str, etree._Element]:
    """Units by their source text (inline codes written as in the msgid)."""
    tree = etree.parse(str(path))
    document, errors = read_xliff(path)
    assert not errors
    by_id = {u.get("id"): u for u in tree.iter(X + "unit")}
    return {unit.msgid: by_id[unit.id] for unit in document.files[0].units}


def edit(path: Path, msgid: str, target_xml: str | None, state: str | None = None) -> None:
    """Do what a CAT tool does: replace one unit's target (inline XML) and maybe its state."""
    tree = etree.parse(str(path))
    wanted = units(path)[msgid].get("id")
    unit = next(u for u in tree.iter(X + "unit") if u.get("id") == wanted)
    segment = unit.find(X + "segment")
    old = segment.find(X + "target")
    if old is not None:
        segment.remove(old)
    if target_xml is not None:
        segment.append(etree.fromstring(f'<target xmlns="{NS}" xml:space="preserve">{target_xml}</target>'))
    if state is not None:
        segment.set("state", state)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def entry(root: Path, msgid: str, lang: str = "ru") -> Entry:
    return next(e for e in read_catalog(po(root, lang)).entries if e.msgid == msgid)


# --------------------------------------------------------------------------- structure


def semantic_problems(path: Path) -> list[str]:
    """XLIFF 2.0 rules a schema cannot say (spec 4.3, 4.7, 4.8): ids, dataRefs, code correspondence."""
    problems = []
    tree = etree.parse(str(path))
    for file_element in tree.iter(X + "file"):
        unit_ids = [u.get("id") for u in file_element.iter(X + "unit")]
        if len(unit_ids) != len(set(unit_ids)):
            problems.append("unit ids repeat in a file")
    for unit in tree.iter(X + "unit"):
        data_ids = [d.get("id") for d in unit.iter(X + "data")]
        if len(data_ids) != len(set(data_ids)):
            problems.append(f"{unit.get('id')}: data ids repeat")
        for segment in unit.iter(X + "segment"):
            source, target = segment.find(X + "source"), segment.find(X + "target")
            source_codes = codes(source)
            ids = [c[0] for c in source_codes]
            if len(ids) != len(set(ids)):
                problems.append(f"{unit.get('id')}: inline code ids repeat in the source")
            for code in source.iter(X + "pc", X + "ph"):
                for attribute in ("dataRef", "dataRefStart", "dataRefEnd"):
                    if code.get(attribute) is not None and code.get(attribute) not in data_ids:
                        problems.append(f"{unit.get('id')}: {attribute}={code.get(attribute)} has no <data>")
            if target is not None and sorted(codes(target)) != sorted(source_codes):
                problems.append(f"{unit.get('id')}: target codes differ from source codes")
    return problems


def codes(element: etree._Element) -> list[tuple[str, str]]:
    return [(c.get("id"), etree.QName(c).localname) for c in element.iter(X + "pc", X + "ph")]


def test_export_of_the_real_sample_is_valid_xliff_2(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    shutil.copytree(REPO / "sources", root / "sources")
    shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy(REPO / "transkit.toml", root / "transkit.toml")
    report = export_project(load_config(root), (), (), root / "xliff")
    assert sorted(p.relative_to(root).as_posix() for p in report.written) == [
        "xliff/ru/putin-prepares-to-visit-china.xlf", "xliff/tr/putin-prepares-to-visit-china.xlf",
    ]
    for path in report.written:
        document = etree.parse(str(path))
        assert SCHEMA.validate(document), SCHEMA.error_log
        assert semantic_problems(path) == []
        root_element = document.getroot()
        assert (root_element.get("srcLang"), root_element.get("version")) == ("en", "2.0")
        assert root_element.find(X + "file").get("original") == "sources/putin-prepares-to-visit-china.html"
    catalog = read_catalog(root / "locales" / "ru" / "putin-prepares-to-visit-china.po")
    ru_units = units(root / "xliff" / "ru" / "putin-prepares-to-visit-china.xlf")
    assert list(ru_units) == [e.msgid for e in catalog.live_entries]
    xi = next(u for m, u in ru_units.items() if "<strong1>Xi Jinping</strong1>" in m)
    pc = xi.find(f"{X}segment/{X}target/{X}pc")
    assert (pc.get("id"), pc.text, pc.get("canDelete"), pc.get("canCopy")) == ("1", "Си Цзиньпин", "no", "no")
    assert [d.text for d in xi.iter(X + "data")] == ["<strong1>", "</strong1>"]
    again = export_project(load_config(root), (), (), root / "xliff")
    assert again.written == [] and again.unchanged == 2


def test_the_schema_catches_what_it_should(project: Path) -> None:
    path = export(project)
    tree = etree.parse(str(path))
    tree.find(f".//{X}segment").set("state", "done")
    assert not SCHEMA.validate(tree)
    tree = etree.parse(str(path))
    next(tree.iter(X + "ph")).set("id", "two words")
    assert not SCHEMA.validate(tree)


def test_placeholders_become_inline_codes_and_text_is_escaped(project: Path) -> None:
    set_translations(po(project), {XI: "Председатель КНР <strong1>Си Цзиньпин</strong1> посетил <a2>Москву</a2>.<sup3/>"})
    path = export(project)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0"')
    assert (
        '<source xml:space="preserve">Chinese President <pc id="1" canCopy="no" canDelete="no" dataRefStart="d1" '
        'dataRefEnd="d1e" dispStart="&lt;strong1&gt;" dispEnd="&lt;/strong1&gt;">Xi Jinping</pc> visited '
        '<pc id="2" canCopy="no" canDelete="no" dataRefStart="d2" dataRefEnd="d2e" dispStart="&lt;a2&gt;" '
        'dispEnd="&lt;/a2&gt;">Moscow</pc>.<ph id="3" canCopy="no" canDelete="no" dataRef="d3" '
        'disp="&lt;sup3/&gt;"/></source>'
    ) in text
    assert "AT&amp;T said &lt;no&gt; comment.<ph id=\"1\"" in text
    by_source = units(path)
    assert by_source[XI].find(f"{X}segment").get("state") == "translated"
    assert by_source[ATT].find(f"{X}segment").get("state") == "initial"
    assert by_source[ATT].find(f"{X}segment/{X}target") is None
    notes = [(n.get("category"), n.text) for n in by_source[XI].iter(X + "note")]
    assert notes == [("context", "p"), ("location", "sources/a.html:3")]
    assert SCHEMA.validate(etree.parse(str(path))) and semantic_problems(path) == []


def test_non_xml_characters_travel_as_cp() -> None:
    catalog = Catalog(entries=(Entry(msgid="Bell\x07 and tab\there", msgstr="Zil\x07 ve sekme\tburada"),))
    data, warnings = export_catalog(catalog, "en", "tr", "sources/a.html")
    assert not warnings and b'Bell<cp hex="0007"/> and tab\there' in data
    document = etree.fromstring(data)
    assert SCHEMA.validate(document), SCHEMA.error_log


def test_cp_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "x.xlf"
    catalog = Catalog(entries=(Entry(msgid="A\x0bB", msgstr="C\x0bD"),))
    path.write_bytes(export_catalog(catalog, "en", "tr", "sources/a.html")[0])
    document, errors = read_xliff(path)
    assert not errors
    assert [(u.msgid, u.target, u.state) for u in document.files[0].units] == [("A\x0bB", "C\x0bD", "translated")]


# --------------------------------------------------------------------------- round trips and imports


def test_untouched_round_trip_writes_nothing(project: Path) -> None:
    set_translations(po(project), {"Visit": "Визит", "Talks went well.": "Переговоры прошли хорошо."},
                     fuzzy=("Talks went well.",))
    before = po(project).read_bytes()
    path = export(project)
    result = import_xliff(load_config(project), path)
    assert (result.errors, result.written, result.updated, result.confirmed) == ([], [], 0, 0)
    assert result.unchanged == 4
    assert po(project).read_bytes() == before


def test_cat_tool_translation_with_moved_codes_is_imported(project: Path) -> None:
    path = export(project)
    edit(path, XI, 'Визит в <pc id="2">Москву</pc> совершил председатель <pc id="1">Си Цзиньпин</pc>.<ph id="3"/>',
         state="translated")
    edit(path, ATT, 'AT&amp;T: «без &lt;комментариев&gt;».<ph id="1"/>Новая строка.', state="final")
    result = import_xliff(load_config(project), path)
    assert result.errors == [] and result.updated == 2 and result.written == [po(project)]
    xi = entry(project, XI)
    assert xi.msgstr == "Визит в <a2>Москву</a2> совершил председатель <strong1>Си Цзиньпин</strong1>.<sup3/>"
    assert not xi.fuzzy
    assert entry(project, ATT).msgstr == "AT&T: «без <комментариев>».<br1/>Новая строка."
    assert entry(project, "Visit").msgstr == ""  # no target: untouched


@needs_gettext
def test_imported_catalog_passes_msgfmt_and_sync_keeps_it(project: Path) -> None:
    path = export(project)
    edit(path, XI, 'Председатель <pc id="1">Си</pc> посетил <pc id="2">Москву</pc>.<ph id="3"/>', state="translated")
    assert import_xliff(load_config(project), path).errors == []
    check = msgfmt_check(po(project))
    assert check.returncode == 0 and check.stderr == ""
    imported = po(project).read_bytes()
    report = sync_project(load_config(project))
    assert report.ok and po(project).read_bytes() == imported


def test_state_decides_fuzzy_by_default(project: Path) -> None:
    set_translations(po(project), {"Talks went well.": "Переговоры прошли."}, fuzzy=("Talks went well.",))
    path = export(project)
    edit(path, "Visit", "Визит")  # a new target; state stays "initial" (the tool did not confirm it)
    edit(path, "Talks went well.", "Переговоры прошли.", state="reviewed")  # draft confirmed unchanged
    result = import_xliff(load_config(project), path)
    assert (result.updated, result.confirmed) == (1, 1)
    assert entry(project, "Visit").fuzzy and entry(project, "Visit").msgstr == "Визит"
    assert not entry(project, "Talks went well.").fuzzy


@pytest.mark.parametrize(("mark", "fuzzy"), [("fuzzy", True), ("translated", False)])
def test_mark_option_overrides_state_for_changed_translations(project: Path, mark: str, fuzzy: bool) -> None:
    set_translations(po(project), {"Talks went well.": "Переговоры прошли."}, fuzzy=("Talks went well.",))
    path = export(project)
    edit(path, "Visit", "Визит", state="translated")
    result = import_xliff(load_config(project), path, mark)
    assert result.updated == 1 and result.confirmed == 0
    assert entry(project, "Visit").fuzzy is fuzzy
    assert entry(project, "Talks went well.").fuzzy  # unchanged text: flags untouched


def test_confirming_a_draft_drops_previous_msgid_and_prefill_note(project: Path) -> None:
    catalog = read_catalog(po(project))
    entries = tuple(
        replace(e, msgstr="Визит?", flags=("fuzzy",), previous_msgid="A visit",
                translator_comments=(" transkit-prefill: libre",))
        if e.msgid == "Visit" else e for e in catalog.entries
    )
    write_catalog(po(project), replace(catalog, entries=entries))
    path = export(project)
    notes = [(n.get("category"), n.text) for n in units(path)["Visit"].iter(X + "note")]
    assert ("previous-source", "A visit") in notes
    edit(path, "Visit", "Визит", state="translated")
    assert import_xliff(load_config(project), path).updated == 1
    visit = entry(project, "Visit")
    assert (visit.msgstr, visit.flags, visit.previous_msgid, visit.translator_comments) == ("Визит", (), None, ())


def test_empty_target_never_removes_a_translation(project: Path) -> None:
    set_translations(po(project), {"Visit": "Визит"})
    path = export(project)
    edit(path, "Visit", "", state="initial")
    assert import_xliff(load_config(project), path).errors == []
    assert entry(project, "Visit").msgstr == "Визит" and not entry(project, "Visit").fuzzy


def test_sc_ec_and_mrk_from_other_tools_are_understood(project: Path) -> None:
    path = export(project)
    edit(path, XI, 'Председатель <sc id="1"/>Си<ec startRef="1"/> посетил <mrk id="m1" type="term">'
                   '<pc id="2">Москву</pc></mrk>.<ph id="3"/>', state="translated")
    assert import_xliff(load_config(project), path).errors == []
    assert entry(project, XI).msgstr == "Председатель <strong1>Си</strong1> посетил <a2>Москву</a2>.<sup3/>"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(("target", "message"), [
    ('Председатель Си посетил <pc id="2">Москву</pc>.<ph id="3"/>', "placeholder <strong1> is missing"),
    ('<pc id="1">Си</pc> <pc id="2">Москва</pc> <pc id="1">снова</pc><ph id="3"/>', "appears twice"),
    ('<pc id="1">Си</pc> <pc id="2">Москва</pc><ph id="9"/>', "inline code id='9' is not in the source"),
    ('<pc id="1">Си</pc> <pc id="2">Москва</pc><pc id="3">x</pc>', "inline code id='3' is not in the source"),
    ('<pc id="1">Си</pc> <pc id="2">Москва</pc><ph id="3"/><b>x</b>', "unexpected element <b>"),
])
def test_bad_units_refuse_the_whole_file(project: Path, target: str, message: str) -> None:
    path = export(project)
    edit(path, "Visit", "Визит", state="translated")  # a good unit in the same file
    edit(path, XI, target, state="translated")
    before = po(project).read_bytes()
    result = import_xliff(load_config(project), path)
    assert len(result.errors) == 1 and message in result.errors[0]
    assert re.match(rf"{re.escape(str(path))}:\d+: unit u\d+: ", result.errors[0]), result.errors[0]
    assert result.written == [] and po(project).read_bytes() == before


def test_error_lines_point_at_the_target(project: Path) -> None:
    path = export(project)
    edit(path, XI, "no codes at all", state="translated")
    error = import_xliff(load_config(project), path).errors[0]
    number = int(error.split(":")[1])
    assert "<target" in path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_cli_import_exit_codes_and_messages(project: Path) -> None:
    path = export(project)
    good = run("xliff", "import", str(path), "--project", str(project))
    assert good.exit_code == 0 and "0 updated" in good.output
    edit(path, XI, "no codes", state="translated")
    bad = run("xliff", "import", str(path), "--project", str(project))
    assert bad.exit_code == 2
    assert "placeholder <strong1> is missing" in bad.output and "nothing imported from this file" in bad.output
    broken = project / "broken.xlf"
    broken.write_text("<xliff><file>", encoding="utf-8")
    result = run("xliff", "import", str(broken), "--project", str(project))
    assert result.exit_code == 2 and f"{broken}:1: not well-formed XML" in result.output
    other = project / "v12.xlf"
    other.write_text('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"/>', encoding="utf-8")
    result = run("xliff", "import", str(other), "--project", str(project))
    assert result.exit_code == 2 and "not an XLIFF 2.0 document" in result.output


def test_wrong_language_or_article_is_refused(project: Path) -> None:
    path = export(project)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('trgLang="ru"', 'trgLang="fr"'), encoding="utf-8")
    with pytest.raises(Exception, match="trgLang='fr' is not a language of this project"):
        import_xliff(load_config(project), path)
    path.write_text(text.replace('original="sources/a.html"', 'original="sources/gone.html"'), encoding="utf-8")
    with pytest.raises(Exception, match="original='sources/gone.html' is not an article"):
        import_xliff(load_config(project), path)


def test_unit_whose_source_changed_since_export_is_kept_as_obsolete(project: Path) -> None:
    path = export(project)
    edit(path, "Talks went well.", "Переговоры прошли хорошо.", state="translated")
    source = project / "sources" / "a.html"
    source.write_text(ARTICLE.replace("Talks went well.", "Talks went badly."), encoding="utf-8")
    assert sync_project(load_config(project)).ok
    result = import_xliff(load_config(project), path)
    assert result.errors == [] and result.kept_obsolete == 1
    assert "no longer in" in result.warnings[0] and "kept as an obsolete entry" in result.warnings[0]
    kept = entry(project, "Talks went well.")
    assert kept.obsolete and kept.msgstr == "Переговоры прошли хорошо."
    source.write_text(ARTICLE, encoding="utf-8")  # the sentence comes back, with its translation
    assert sync_project(load_config(project)).ok
    revived = entry(project, "Talks went well.")
    assert not revived.obsolete and revived.msgstr == "Переговоры прошли хорошо."


def test_cli_export_options(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "handoff"
    result = run("xliff", "export", "--project", str(project), "--lang", "de", "-o", str(out))
    assert result.exit_code == 0 and "1 written" in result.output
    assert [p.relative_to(out).as_posix() for p in sorted(out.rglob("*.xlf"))] == ["de/a.xlf"]
    assert run("xliff", "export", "--project", str(project), "-q", "-o", str(out)).output == ""
    assert (out / "ru" / "a.xlf").exists()


def resegment(path: Path, second_target: bool) -> None:
    """What a tool that splits segments writes (canResegment="no" asks it not to): two segments and an ignorable."""
    tree = etree.parse(str(path))
    wanted = units(path)[XI].get("id")
    unit = next(u for u in tree.iter(X + "unit") if u.get("id") == wanted)
    unit.remove(unit.find(X + "segment"))
    codes = 'dataRefStart="d{0}" dataRefEnd="d{0}e"'
    second = '<target>посетил <pc id="2">Москву</pc>.<ph id="3"/></target>' if second_target else ""
    for fragment in (
        f'<segment state="translated"><source>Chinese President <pc id="1" {codes.format(1)}>Xi Jinping</pc></source>'
        '<target>Председатель <pc id="1">Си</pc></target></segment>',
        "<ignorable><source> </source></ignorable>",
        f'<segment state="translated"><source>visited <pc id="2" {codes.format(2)}>Moscow</pc>.'
        f'<ph id="3" dataRef="d3"/></source>{second}</segment>',
    ):
        unit.append(etree.fromstring(f'<x xmlns="{NS}">{fragment}</x>')[0])
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_segments_split_by_a_tool_are_joined_again(project: Path) -> None:
    path = export(project)
    resegment(path, second_target=True)
    assert SCHEMA.validate(etree.parse(str(path))), SCHEMA.error_log
    assert import_xliff(load_config(project), path).errors == []
    assert entry(project, XI).msgstr == "Председатель <strong1>Си</strong1> посетил <a2>Москву</a2>.<sup3/>"


def test_a_unit_translated_only_in_part_is_refused(project: Path) -> None:
    path = export(project)
    resegment(path, second_target=False)
    errors = import_xliff(load_config(project), path).errors
    assert len(errors) == 1 and "only some of the unit's segments have a <target>" in errors[0]
    assert entry(project, XI).msgstr == ""


def test_a_msgid_transkit_did_not_write_is_exported_as_text() -> None:
    catalog = Catalog(entries=(Entry(msgid="Broken <b1>tag", msgstr="Kırık <b1>etiket", line=7),))
    data, warnings = export_catalog(catalog, "en", "tr", "sources/a.html", "locales/tr/a.po")
    assert warnings == ["locales/tr/a.po:7: the msgid's placeholders are not well-formed "
                        "(<b1> stands alone: write <b1/>); exported without a target"]
    assert b'<source xml:space="preserve">Broken &lt;b1&gt;tag</source>' in data and b"<target" not in data
    assert SCHEMA.validate(etree.fromstring(data))
