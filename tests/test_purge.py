"""Obsolete entries leave a catalog only through ``transkit sync --purge-obsolete --yes``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from conftest import make_project
from transkit.catalog.pofile import read_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.purge import purge_obsolete

PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Title</title></head><body>{}</body></html>\n'


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [args[0], "--project", str(root), *args[1:]])


def project_with_obsolete_entries(tmp_path: Path) -> Path:
    """Two articles; a translated sentence of ``a`` then left the source (an obsolete entry)."""
    root = make_project(tmp_path / "site", {"a.html": PAGE.format("<p>Kept sentence. Dropped sentence.</p>"),
                                            "b.html": PAGE.format("<p>Nothing changes here.</p>")},
                        'languages = ["tr"]\n')
    assert run(root, "sync", "-q").exit_code == 0
    path = root / "locales" / "tr" / "a.po"
    text = path.read_text(encoding="utf-8")
    for msgid, msgstr in (("Kept sentence.", "Kalan cümle."), ("Dropped sentence.", "Atılan cümle.")):
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    path.write_text(text, encoding="utf-8")
    (root / "sources" / "a.html").write_text(PAGE.format("<p>Kept sentence. A new one.</p>"), encoding="utf-8")
    assert run(root, "sync", "-q").exit_code == 0
    return root


def obsolete(path: Path) -> list[str]:
    return [e.msgstr for e in read_catalog(path).entries if e.obsolete]


def test_sync_alone_never_drops_an_obsolete_translation(tmp_path: Path) -> None:
    root = project_with_obsolete_entries(tmp_path)
    path = root / "locales" / "tr" / "a.po"
    assert obsolete(path) == ["Atılan cümle."]
    (root / "sources" / "a.html").write_text(PAGE.format("<p>Kept sentence. Yet another.</p>"), encoding="utf-8")
    for _ in range(2):
        assert run(root, "sync", "-q").exit_code == 0
    assert obsolete(path) == ["Atılan cümle."]


def test_purge_is_a_dry_run_unless_told_yes(tmp_path: Path) -> None:
    root = project_with_obsolete_entries(tmp_path)
    path = root / "locales" / "tr" / "a.po"
    before = path.read_bytes()
    dry = run(root, "sync", "--purge-obsolete")
    assert dry.exit_code == 0, dry.output
    line = next(entry.line for entry in read_catalog(path).entries if entry.obsolete)
    assert f"would remove {path}:{line}: obsolete 'Dropped sentence.'" in dry.stdout
    assert "purge (dry run): 1 obsolete entry in 1 catalog(s) would be removed; " \
           "run 'transkit sync --purge-obsolete --yes' to remove them" in dry.stdout
    assert path.read_bytes() == before

    check = run(root, "sync", "--check", "--purge-obsolete", "--yes")  # --check writes nothing, whatever else
    assert check.exit_code == 0 and path.read_bytes() == before

    done = run(root, "sync", "--purge-obsolete", "--yes")
    assert done.exit_code == 0, done.output
    assert f"removed {path}:{line}: obsolete 'Dropped sentence.'" in done.stdout
    assert "purge: removed 1 obsolete entry in 1 catalog(s)" in done.stdout
    assert obsolete(path) == []
    kept = {e.msgid: e.msgstr for e in read_catalog(path).entries}
    assert kept == {"Title": "", "Kept sentence.": "Kalan cümle.", "A new one.": ""}

    again = run(root, "sync", "--purge-obsolete")
    assert again.exit_code == 0 and "purge (dry run): no obsolete entries" in again.stdout


def test_yes_alone_is_a_usage_error(tmp_path: Path) -> None:
    root = project_with_obsolete_entries(tmp_path)
    result = run(root, "sync", "--yes")
    assert result.exit_code == 2 and "--yes only goes with --purge-obsolete" in result.output
    assert obsolete(root / "locales" / "tr" / "a.po") == ["Atılan cümle."]


def test_a_broken_catalog_is_reported_once_and_left_alone(tmp_path: Path) -> None:
    root = project_with_obsolete_entries(tmp_path)
    broken = root / "locales" / "tr" / "b.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    before = broken.read_bytes()
    result = run(root, "sync", "--purge-obsolete", "--yes")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and f"{broken}:" in errors[0], result.stderr
    assert broken.read_bytes() == before
    assert obsolete(root / "locales" / "tr" / "a.po") == []  # the other catalogs were purged


def test_the_library_function_lists_then_removes(tmp_path: Path) -> None:
    config = load_config(project_with_obsolete_entries(tmp_path))
    listed = purge_obsolete(config)
    assert [(e.path.name, e.msgid, e.msgstr) for e in listed.entries] == [("a.po", "Dropped sentence.", "Atılan cümle.")]
    assert listed.changed == [] and not listed.removed
    removed = purge_obsolete(config, remove=True)
    assert [p.name for p in removed.changed] == ["a.po"] and removed.catalogs == 1
    assert purge_obsolete(config).entries == []
