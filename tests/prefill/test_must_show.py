"""The issue's "must show", end to end on the repository's sample article.

The sample's Turkish and Russian catalogs start empty; another article (a
revised version of the sample, ``tests/fixtures/prefill/other-article.html``)
has human Turkish and Russian translations for most of its entries. Prefill
from memory, then from a local LibreTranslate-compatible server: every entry
is filled, fuzzy, with provenance, every placeholder intact, ``msgfmt -c``
clean, and a second run sends nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from transkit.catalog.pofile import read_catalog
from transkit.cli import main
from transkit.config import load_config
from transkit.pipeline import build_project
from transkit.prefill import is_machine_draft, provenance_of
from transkit.source.inline import parse_translation, placeholders_of

from conftest import FIXTURES, REPO, SAMPLE, msgfmt_check, needs_gettext
from fakemt import RunningServer, mt_server, offline  # noqa: F401 - fixtures

SLUG = SAMPLE.stem


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--project", str(root)], catch_exceptions=False)


def _sample_project(root: Path) -> Path:
    (root / "sources").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "sources")
    shutil.copy(REPO / "transkit.toml", root)
    shutil.copy(FIXTURES / "prefill" / "other-article.html", root / "sources")
    for lang in ("tr", "ru"):
        (root / "locales" / lang).mkdir(parents=True)
        shutil.copy(FIXTURES / "prefill" / f"other-article.{lang}.po", root / "locales" / lang / "other-article.po")
    assert run(root, "sync").exit_code == 0
    return root


@needs_gettext
def test_memory_then_local_libretranslate_on_the_sample(tmp_path: Path, mt_server: RunningServer) -> None:
    root = _sample_project(tmp_path)
    config = load_config(root)
    sample = {lang: config.locales / lang / f"{SLUG}.po" for lang in ("tr", "ru")}
    assert all(not e.msgstr for path in sample.values() for e in read_catalog(path).entries)  # emptied

    memory = run(root, "prefill")
    assert memory.exit_code == 0, memory.output
    assert "102 from memory" in memory.stdout and "28 left empty" in memory.stdout
    assert mt_server.seen == []

    machine = run(root, "prefill", "--engine", "libre", "--engine-url", mt_server.url)
    assert machine.exit_code == 0, machine.output
    assert machine.stderr == ""  # nothing rejected or failed
    print(memory.stdout, machine.stdout, sep="")  # shown with pytest -s

    for lang, path in sample.items():
        entries = [e for e in read_catalog(path).entries if not e.obsolete]
        assert entries and all(e.msgstr and is_machine_draft(e) for e in entries)
        origins = {provenance_of(e).split(" (")[0].split(" 20")[0] for e in entries}  # type: ignore[union-attr]
        assert "memory 100%" in origins and "mt libre" in origins
        assert any(provenance_of(e) == f"memory 99% (locales/{lang}/other-article.po)" for e in entries)  # type: ignore[union-attr]
        for entry in entries:
            parse_translation(entry.msgstr, placeholders_of(entry.msgid))  # every placeholder intact
        check = msgfmt_check(path)
        assert check.returncode == 0 and check.stderr == "", check.stderr

    requests = len(mt_server.seen)
    snapshot = {p: p.read_bytes() for p in config.locales.rglob("*.po")}
    again = run(root, "prefill", "--engine", "libre", "--engine-url", mt_server.url)
    assert again.exit_code == 0 and len(mt_server.seen) == requests  # a second run sends zero requests
    assert {p: p.read_bytes() for p in snapshot} == snapshot
    assert not build_project(config, include_fuzzy=True).errors
