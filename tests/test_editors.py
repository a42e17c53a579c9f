"""Catalogs saved by translators' editors are read right, and a sync changes only what the source changed.

Poedit, Lokalize and Weblate write PO files the way GNU gettext does; these
tests let gettext's own tools (msgcat, msgattrib, msgmerge) do to the sample's
real Russian catalog what an editor does when it saves, then run
``transkit sync``: with the source unchanged the catalog must stay byte for
byte; with a changed source, only the blocks of the changed sentences (and the
header's source hash) may differ from the edited file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from conftest import REPO, msgfmt_check, needs_gettext
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.pipeline import sync_project

pytestmark = needs_gettext

SLUG = "putin-prepares-to-visit-china"
OLD = "Two issues came to the fore during this visit."
NEW = "Two issues came to the fore during that visit."
ADDED = "Both sides kept the details quiet."
UNFUZZIED = "Two issues came to the fore during this visit."
COMMENTED = "The first is China’s desire to mediate between Russia and Ukraine."


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(REPO / "sources", root / "sources")
    shutil.copytree(REPO / "locales", root / "locales")
    shutil.copy(REPO / "transkit.toml", root / "transkit.toml")
    return root


def catalog_file(root: Path) -> Path:
    return root / "locales" / "ru" / f"{SLUG}.po"


def gettext(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def in_block(text: str, msgid: str, change: Callable[[str], str]) -> str:
    """Apply ``change`` to the one entry (blank-line separated block) whose msgid is ``msgid``."""
    parts = text.split("\n\n")
    [index] = [i for i, block in enumerate(parts) if f'\nmsgid "{msgid}"' in block]
    parts[index] = change(parts[index])
    return "\n\n".join(parts)


# --------------------------------------------------------------------------- what editors do


def msgcat(path: Path) -> None:
    """Any gettext-based editor saving the file unchanged."""
    gettext("msgcat", "-o", path, path)


def unfuzzy(path: Path) -> None:
    """A translator reviews drafts and clears their fuzzy flags (msgattrib --clear-fuzzy, Poedit's 'needs work' off)."""
    gettext("msgattrib", "--clear-fuzzy", "-o", path, path)


def translator_comment(path: Path) -> None:
    """A translator adds a '# comment' above an entry, then the editor saves."""
    rewrite(path, lambda text: in_block(text, COMMENTED, lambda block: "# Checked with the Kremlin's readout.\n" + block))
    msgcat(path)


def poedit_header(path: Path) -> None:
    """Poedit 3.4 fills the header fields it owns when it saves."""
    rewrite(path, lambda text: text
            .replace('"PO-Revision-Date: \\n"', '"PO-Revision-Date: 2024-05-01 12:34+0300\\n"')
            .replace('"Last-Translator: \\n"', '"Last-Translator: Olga Ivanova <olga@example.org>\\n"')
            .replace('"Language-Team: \\n"', '"Language-Team: Russian <ru@example.org>\\n"')
            .replace('"X-Generator: transkit\\n"', '"X-Generator: Poedit 3.4\\n"'))
    msgcat(path)


def reordered_flags(path: Path) -> None:
    """An editor that writes flags in its own order (msgcat would write 'fuzzy' first)."""
    def reorder(block: str) -> str:
        block = block.replace("#, fuzzy\n", "")
        return block.replace(f'msgid "{COMMENTED}"', f'#, no-wrap, fuzzy\nmsgid "{COMMENTED}"')

    rewrite(path, lambda text: in_block(text, COMMENTED, reorder))


def msgmerge_current(path: Path) -> None:
    """'Update from POT' (Poedit, Weblate's msgmerge add-on) with the current template."""
    template = path.parent.parent / "templates" / f"{SLUG}.pot"
    gettext("msgmerge", "--quiet", "--previous", "-o", path, path, template)


def no_wrap(path: Path) -> None:
    """An editor set not to wrap long lines."""
    gettext("msgcat", "--no-wrap", "-o", path, path)


EDITS = [msgcat, unfuzzy, translator_comment, poedit_header, reordered_flags, msgmerge_current, no_wrap]
GETTEXT_FORM = [msgcat, unfuzzy, translator_comment, poedit_header, msgmerge_current]  # what msgcat itself writes


def with_drafts(path: Path) -> None:
    """Start from a catalog with two fuzzy drafts, as a prefill or a drift leaves it."""
    catalog = read_catalog(path)
    entries = tuple(e.with_flag("fuzzy") if e.msgid in (UNFUZZIED, COMMENTED) else e for e in catalog.entries)
    write_catalog(path, replace(catalog, entries=entries))


def change_source(root: Path) -> None:
    """Edit one sentence and add one inside the same line, so no other reference moves."""
    source = root / "sources" / f"{SLUG}.html"
    rewrite(source, lambda text: text.replace(OLD, f"{NEW} {ADDED}", 1))


def blocks(text: str) -> list[str]:
    return text.rstrip("\n").split("\n\n")


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("edit", EDITS, ids=lambda f: f.__name__)
def test_an_editors_save_is_read_right_and_left_alone(project: Path, edit: Callable[[Path], None]) -> None:
    path = catalog_file(project)
    with_drafts(path)
    before = read_catalog(path)
    edit(path)
    saved = path.read_bytes()
    after = read_catalog(path)
    assert [e.msgid for e in after.entries] == [e.msgid for e in before.entries]
    assert [e.msgstr for e in after.entries] == [e.msgstr for e in before.entries]
    report = sync_project(load_config(project))
    assert report.ok and report.changed == []
    assert path.read_bytes() == saved
    assert sync_project(load_config(project), check=True).changed == []
    check = msgfmt_check(path)
    assert check.returncode == 0, check.stderr


def test_what_each_edit_means_is_understood(project: Path) -> None:
    path = catalog_file(project)
    with_drafts(path)
    unfuzzy(path)
    assert not any(e.fuzzy for e in read_catalog(path).entries)

    with_drafts(path)
    translator_comment(path)
    commented = next(e for e in read_catalog(path).entries if e.msgid == COMMENTED)
    assert commented.translator_comments == ("Checked with the Kremlin's readout.",)
    assert commented.extracted_comments == ("p",) and commented.fuzzy

    poedit_header(path)
    catalog = read_catalog(path)
    assert catalog.header("X-Generator") == "Poedit 3.4"
    assert catalog.header("PO-Revision-Date") == "2024-05-01 12:34+0300"
    assert catalog.header("Last-Translator") == "Olga Ivanova <olga@example.org>"

    reordered_flags(path)
    reordered = next(e for e in read_catalog(path).entries if e.msgid == COMMENTED)
    assert reordered.fuzzy and "no-wrap" in reordered.flags


@pytest.mark.parametrize("edit", GETTEXT_FORM, ids=lambda f: f.__name__)
def test_a_source_change_changes_only_its_own_entries(project: Path, edit: Callable[[Path], None]) -> None:
    path = catalog_file(project)
    with_drafts(path)
    edit(path)
    saved = path.read_text(encoding="utf-8")
    change_source(project)
    report = sync_project(load_config(project))
    assert report.ok and path in report.changed
    synced = path.read_text(encoding="utf-8")
    gone = [b for b in blocks(saved) if b not in blocks(synced)]
    new = [b for b in blocks(synced) if b not in blocks(saved)]
    assert len(gone) == 2 and len(new) == 4, (gone, new)
    assert gone[0].startswith("# Translation of") and new[0].startswith("# Translation of")  # the header...
    old_header, new_header = gone[0].splitlines(), new[0].splitlines()
    assert len(old_header) == len(new_header)
    assert [(a, b) for a, b in zip(old_header, new_header) if a != b][0][0].startswith('"X-Transkit-Source: ')
    assert sum(a != b for a, b in zip(old_header, new_header)) == 1
    assert f'msgid "{OLD}"' in gone[1]  # ...the edited sentence's entry...
    assert any(f'msgid "{NEW}"' in b for b in new) and any(f'msgid "{ADDED}"' in b for b in new)
    assert any(f"#~ msgid \"{OLD}\"" in b for b in new)  # ...and its old translation, kept
    check = msgfmt_check(path)
    assert check.returncode == 0, check.stderr


@pytest.mark.parametrize("edit", [reordered_flags, no_wrap], ids=lambda f: f.__name__)
def test_other_forms_end_up_as_msgcat_writes_them(project: Path, edit: Callable[[Path], None]) -> None:
    """Files not in gettext's form are rewritten in it on the next source change, content unchanged."""
    path = catalog_file(project)
    edit(path)
    reference = project.parent / "reference"
    shutil.copytree(project, reference)
    msgcat(catalog_file(reference))
    for root in (project, reference):
        change_source(root)
        assert sync_project(load_config(root)).ok
    assert path.read_bytes() == catalog_file(reference).read_bytes()


def test_sync_after_an_editors_update_from_a_newer_template(project: Path) -> None:
    """The template moved on (git pull) and the translator ran msgmerge --previous before transkit sync did."""
    path = catalog_file(project)
    stale = path.read_bytes()
    change_source(project)
    assert sync_project(load_config(project)).ok
    path.write_bytes(stale)
    msgmerge_current(path)
    merged = path.read_text(encoding="utf-8")
    assert "#| msgid" in merged and f'msgid "{NEW}' in merged
    assert sync_project(load_config(project)).ok
    synced = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(merged.splitlines(), synced.splitlines()) if a != b]
    assert len(merged.splitlines()) == len(synced.splitlines())
    assert [a.split(":")[0] for a, _ in changed] == ['"X-Transkit-Source'], changed


def test_msgmerge_after_transkit_sync_changes_nothing(project: Path) -> None:
    """Weblate's msgmerge add-on, run after transkit synced a changed source, agrees byte for byte."""
    change_source(project)
    assert sync_project(load_config(project)).ok
    path = catalog_file(project)
    synced = path.read_bytes()
    msgmerge_current(path)
    assert path.read_bytes() == synced


def test_cli_sync_check_after_an_editor_saved(project: Path) -> None:
    poedit_header(catalog_file(project))
    result = CliRunner().invoke(main, ["sync", "--check", "--project", str(project)])
    assert result.exit_code == 0 and result.output == ""
    change_source(project)
    result = CliRunner().invoke(main, ["sync", "--check", "--project", str(project)])
    assert result.exit_code == 1
    assert re.search(r"out of date: .*locales/ru/putin-prepares-to-visit-china\.po", result.output)
