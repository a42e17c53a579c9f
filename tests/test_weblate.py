"""The layout a Weblate component uses (docs/weblate.md), new languages made by Weblate/msginit,
and ``transkit add-language``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, make_project, msgfmt_check, needs_gettext
from transkit.catalog.pofile import plural_forms, read_catalog
from transkit.cli import main
from transkit.config import DEFAULT_TOML, load_config
from transkit.languages import add_to_languages, validate_code
from transkit.layout import catalog_path, find_articles, target_languages
from transkit.pipeline import sync_project

DOC = (REPO / "docs" / "weblate.md").read_text(encoding="utf-8")
PAGE = '<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body><p>{text}</p></body></html>\n'
ARTICLES = {
    "a.html": PAGE.format(lang="en", title="A", text="One sentence. Two sentences."),
    "news/2024/visit.html": PAGE.format(lang="en", title="Visit", text="The president <b>visited</b> Moscow."),
    "b.html": PAGE.format(lang="de", title="B", text="Ein Satz."),
}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def doc_setting(name: str) -> str:
    """The value in backticks of a settings-table row of docs/weblate.md."""
    match = re.search(rf"^\| {re.escape(name)} \| `([^`]+)` \|$", DOC, re.MULTILINE)
    assert match, f"docs/weblate.md has no row for {name!r}"
    return match.group(1)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "site", ARTICLES, DEFAULT_TOML)
    assert sync_project(load_config(root)).ok
    return root


def files(root: Path, pattern: str) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file()}


# --------------------------------------------------------------------------- the documented layout


def test_file_mask_and_template_of_the_docs_fit_every_article(project: Path) -> None:
    config = load_config(project)
    mask, template = doc_setting("File mask"), doc_setting("Template for new translations")
    assert (mask, template) == ("locales/*/<slug>.po", "locales/templates/<slug>.pot")
    for article in find_articles(config):
        language = read_catalog(project / template.replace("<slug>", article.slug)).header("X-Transkit-Source-Language")
        expected = {catalog_path(config, lang, article.slug).relative_to(project).as_posix()
                    for lang in target_languages(config, language)}
        assert files(project, mask.replace("<slug>", article.slug)) == expected
    assert files(project, "locales/*/news/2024/visit.po") == {"locales/tr/news/2024/visit.po",
                                                              "locales/ru/news/2024/visit.po"}
    assert files(project, "locales/*/b.po") == {"locales/tr/b.po", "locales/en/b.po", "locales/ru/b.po"}


def test_component_discovery_expression_finds_catalogs_and_never_templates(project: Path) -> None:
    expression = re.compile(doc_setting("Regular expression to match translation files against"))
    base = doc_setting("Define the base file for new translations")
    found = set()
    for path in sorted(files(project, "locales/**/*")):
        match = expression.match(path)  # Weblate matches from the start of the path
        if path.endswith(".pot"):
            assert match is None, path
            continue
        assert match, path
        found.add((match["language"], match["component"]))
        assert (project / base.replace("{{ component }}", match["component"])).exists()
    assert found == {("tr", "a"), ("ru", "a"), ("tr", "news/2024/visit"), ("ru", "news/2024/visit"),
                     ("tr", "b"), ("en", "b"), ("ru", "b")}


@needs_gettext
def test_a_language_weblate_created_is_kept_and_synced(project: Path) -> None:
    """'Start new translation' in Weblate, done here by gettext's msginit from the template, then add-language."""
    for slug in ("a", "news/2024/visit", "b"):
        out = project / "locales" / "pl" / f"{slug}.po"
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["msginit", "--no-translator", "--locale=pl", f"--input=locales/templates/{slug}.pot",
                        f"--output-file={out}"], cwd=project, check=True, capture_output=True)
    made = {p: p.read_bytes() for p in (project / "locales" / "pl").rglob("*.po")}
    result = run("add-language", "pl", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert result.output.count("kept ") == 3 and "0 catalog(s) written, 3 kept" in result.output
    assert {p: p.read_bytes() for p in made} == made
    assert load_config(project).languages == ("tr", "en", "ru", "pl")
    assert run("sync", "--project", str(project)).exit_code == 0
    for path in made:
        catalog = read_catalog(path)
        assert catalog.header("Language") == "pl"
        assert catalog.header("Plural-Forms").startswith("nplurals=3;")
        assert [e.msgid for e in catalog.live_entries] == [e.msgid for e in read_catalog(
            project / "locales" / "templates" / path.relative_to(project / "locales" / "pl").with_suffix(".pot")
        ).live_entries]
        check = msgfmt_check(path)
        assert check.returncode == 0, check.stderr
    assert run("sync", "--check", "--project", str(project)).exit_code == 0


# --------------------------------------------------------------------------- add-language


def test_add_language_creates_what_sync_would_and_records_it(project: Path) -> None:
    before = (project / "transkit.toml").read_text(encoding="utf-8")
    result = run("add-language", "de", "--project", str(project))
    assert result.exit_code == 0, result.output
    assert "skipped b: written in 'de'" in result.output
    assert "add-language: de (German) added to transkit.toml; 2 catalog(s) written, 0 kept" in result.output
    assert files(project, "locales/de/**/*.po") == {"locales/de/a.po", "locales/de/news/2024/visit.po"}
    after = (project / "transkit.toml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [('languages = ["tr", "en", "ru"]', 'languages = ["tr", "en", "ru", "de"]')]
    assert len(before.splitlines()) == len(after.splitlines())  # every comment kept
    catalog = read_catalog(project / "locales" / "de" / "a.po")
    assert catalog.header("Language") == "de" and catalog.header("Plural-Forms") == plural_forms("de")
    assert all(e.msgstr == "" for e in catalog.entries)
    report = sync_project(load_config(project), check=True)
    assert report.ok and report.changed == []  # byte for byte what sync writes
    again = run("add-language", "de", "--project", str(project))
    assert again.exit_code == 0 and "already in transkit.toml; 0 catalog(s) written, 2 kept" in again.output
    assert (project / "transkit.toml").read_text(encoding="utf-8") == after


@pytest.mark.parametrize(("code", "plural"), [("ja", "nplurals=1;"), ("fr", "plural=(n > 1)"), ("uk", "nplurals=3;")])
def test_plural_forms_of_the_new_language(project: Path, code: str, plural: str) -> None:
    assert run("add-language", code, "-q", "--project", str(project)).output == ""
    for path in (project / "locales" / code).rglob("*.po"):
        assert plural in read_catalog(path).header("Plural-Forms")


def test_regional_tags_become_the_primary_language(project: Path) -> None:
    assert run("add-language", "pt-BR", "--project", str(project)).exit_code == 0
    assert (project / "locales" / "pt" / "a.po").exists() and not (project / "locales" / "pt-BR").exists()
    assert load_config(project).languages[-1] == "pt"


@pytest.mark.parametrize(("code", "message"), [
    ("xx", "'xx' is not an ISO 639 language code"),
    ("deu", "use 'de' (German), the two-letter code, instead of 'deu'"),
    ("ger", "use 'de' (German)"),
    ("e!", "'e!' is not a language code"),
    ("english", "'english' is not a language code"),
])
def test_unknown_or_invalid_codes_are_refused_in_one_line(project: Path, code: str, message: str) -> None:
    before = (project / "transkit.toml").read_bytes()
    result = run("add-language", code, "--project", str(project))
    assert result.exit_code == 2
    assert result.output == f"transkit: error: {message}" + result.output.split(message, 1)[1]
    assert result.output.count("\n") == 1
    assert (project / "transkit.toml").read_bytes() == before
    assert not (project / "locales" / code).exists()


def test_three_letter_codes_without_a_two_letter_one_are_fine() -> None:
    assert validate_code("ckb") == "ckb" and validate_code("fil") == "fil" and validate_code("yue") == "yue"


def test_no_template_yet_is_an_input_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": ARTICLES["a.html"]})
    result = run("add-language", "de", "--project", str(root))
    assert result.exit_code == 2 and "run 'transkit sync' first" in result.output
    assert not (root / "locales" / "de").exists()


def test_a_toml_it_cannot_edit_safely_gets_the_line_printed(project: Path) -> None:
    config = project / "transkit.toml"
    config.write_text('# quoted key\n"languages" = ["tr", "ru"]\n', encoding="utf-8")
    result = run("add-language", "de", "--project", str(project))
    assert result.exit_code == 1
    assert "add 'de' to transkit.toml yourself: languages = [\"tr\", \"ru\", \"de\"]" in result.output
    assert config.read_text(encoding="utf-8") == '# quoted key\n"languages" = ["tr", "ru"]\n'
    assert (project / "locales" / "de" / "a.po").exists()


@pytest.mark.parametrize(("before", "after"), [
    ('languages = ["tr", "en"]  # ours\n', 'languages = ["tr", "en", "de"]  # ours\n'),
    ("languages = ['tr']\n", "languages = ['tr', \"de\"]\n"),
    ('languages = [\n  "tr",  # Turkish\n  "en",\n]\n[check]\ndisable = []\n',
     'languages = [\n  "tr",  # Turkish\n  "en",\n  "de",\n]\n[check]\ndisable = []\n'),
    ('languages = [\n  "tr",\n  "en"  # English\n]\n', 'languages = [\n  "tr",\n  "en",  # English\n  "de"\n]\n'),
    ('languages = [\n  "tr",\n  "en"]\n', 'languages = [\n  "tr",\n  "en", "de"]\n'),
    ('languages = ["tr", # a ] in a comment\n "en"]\n', 'languages = ["tr", # a ] in a comment\n "en", "de"]\n'),
    ('# no list yet\nsources = "src"\n[check]\ndisable = []\n',
     '# no list yet\nsources = "src"\nlanguages = ["tr", "en", "ru", "de"]\n\n[check]\ndisable = []\n'),
    ('sources = "src"', 'sources = "src"\nlanguages = ["tr", "en", "ru", "de"]\n'),
    ('"languages" = ["tr"]\n', None),
    ('languages = ["tr"]\n[prefill]\nlanguages = ["x"]\n', 'languages = ["tr", "de"]\n[prefill]\nlanguages = ["x"]\n'),
    ("not = valid = toml\n", None),
])
def test_the_toml_edit(before: str, after: str | None) -> None:
    assert add_to_languages(before, "de", ["tr", "en", "ru"]) == after
