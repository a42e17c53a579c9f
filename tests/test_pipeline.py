"""Project-wide sync and build: catalogs per language, stability, nothing lost, errors per article."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SAMPLE, dom_signature, make_project, msgfmt_check, needs_gettext, unnamed_files_work
from transkit import pipeline
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import load_config
from transkit.pipeline import build_project, sync_project

PEER_CASES = Path(__file__).parent / "peer_cases"
ARTICLE = '<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>\n'


def article(body: str, title: str = "Title", lang: str = "en") -> str:
    return ARTICLE.format(lang=lang, title=title, body=body)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def fill(path: Path, translate=lambda m: m.upper()) -> None:
    catalog = read_catalog(path)
    write_catalog(path, replace(catalog, entries=tuple(replace(e, msgstr=translate(e.msgid)) if not e.obsolete else e
                                                        for e in catalog.entries)))


def test_catalogs_for_every_language_but_the_articles_own(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": article("<p>Hi</p>"), "news/b.html": article("<p>Merhaba</p>", lang="tr")})
    report = sync_project(load_config(root))
    assert report.ok
    written = sorted(str(p.relative_to(root)) for p in report.changed)
    assert written == [
        "locales/en/news/b.po", "locales/ru/a.po", "locales/ru/news/b.po",
        "locales/templates/a.pot", "locales/templates/news/b.pot", "locales/tr/a.po",
    ]
    catalog = read_catalog(root / "locales" / "ru" / "a.po")
    assert catalog.header("Language") == "ru"
    assert catalog.header("Plural-Forms").startswith("nplurals=3;")
    assert catalog.header("Project-Id-Version") == "a"


def test_second_sync_writes_nothing_and_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path, {"s.html": SAMPLE.read_bytes()})
    config = load_config(root)
    sync_project(config)
    before = snapshot(root)

    def no_parsing(*args: object) -> None:
        raise AssertionError("an up-to-date article was parsed")

    monkeypatch.setattr(pipeline, "extract", no_parsing)  # (one article: the sync stays in this process)
    report = sync_project(config)
    assert report.changed == [] and report.skipped == 1 and report.ok
    assert snapshot(root) == before


def test_resync_after_touching_the_source_without_changes_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"s.html": article("<p>One. Two.</p>")})
    config = load_config(root)
    sync_project(config)
    pot = root / "locales" / "templates" / "s.pot"
    # Break the fast path (the recorded source hash) but not the content: the full path must still write nothing.
    pot.write_text(pot.read_text().replace("X-Transkit-Source: ", "X-Transkit-Source: x"))
    before = snapshot(root)
    report = sync_project(config)
    assert [p.name for p in report.changed] == ["s.pot"]
    after = snapshot(root)
    assert {k: v for k, v in after.items() if "templates" not in k} == {k: v for k, v in before.items() if "templates" not in k}


def test_new_files_are_not_flushed_and_what_a_crash_leaves_of_them_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash can leave a new, unflushed file missing or empty: the next sync makes it again, the same.
    Files that replace others (a translator's catalog) are flushed before and after their renames."""
    root = make_project(tmp_path, {"s.html": SAMPLE.read_bytes(), "t.html": article("<p>One. Two.</p>")})
    config = load_config(root)
    syncs: list[None] = []
    monkeypatch.setattr(os, "sync", lambda: syncs.append(None))
    renames: list[str] = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda source, target: renames.append(target) or real_replace(source, target))
    sync_project(config, jobs=1)
    assert syncs == []
    # Each new file appeared whole, written unnamed and then linked: no temporary to rename.
    assert len(renames) == (0 if unnamed_files_work(root) else 6)
    clean = {name: content for name, (content, _) in snapshot(root).items()}
    (root / "locales" / "templates" / "s.pot").write_bytes(b"")
    (root / "locales" / "tr" / "s.po").write_bytes(b"")
    (root / "locales" / "ru" / "t.po").unlink()
    report = sync_project(config, jobs=1)
    assert report.ok and sorted(str(p.relative_to(root / "locales")) for p in report.changed) == [
        "ru/t.po", "templates/s.pot", "tr/s.po"
    ]
    assert {name: content for name, (content, _) in snapshot(root).items()} == clean
    assert syncs == [None, None]  # the emptied files were replaced: flushed


def test_translations_survive_and_removed_segments_become_obsolete(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"s.html": article("<p>Keep me.</p><p>Drop me.</p><p>Empty one.</p>")})
    config = load_config(root)
    sync_project(config)
    po = root / "locales" / "tr" / "s.po"
    fill(po, lambda m: {"Keep me.": "Kalsın.", "Drop me.": "Silinsin."}.get(m, ""))
    (root / "sources" / "s.html").write_text(article("<p>Keep me.</p><p>New one.</p>"))
    sync_project(config)
    entries = {(e.msgid, e.obsolete): e for e in read_catalog(po).entries}
    assert entries[("Keep me.", False)].msgstr == "Kalsın."
    assert entries[("Drop me.", True)].msgstr == "Silinsin."
    # Too different from "Drop me." for drift to offer its translation: it arrives empty.
    assert entries[("New one.", False)].msgstr == ""
    assert ("Empty one.", True) not in entries, "an entry with no translation leaves nothing to keep"
    # The obsolete translation comes back when the sentence does.
    (root / "sources" / "s.html").write_text(article("<p>Keep me.</p><p>Drop me.</p>"))
    sync_project(config)
    entries = {(e.msgid, e.obsolete): e for e in read_catalog(po).entries}
    assert entries[("Drop me.", False)].msgstr == "Silinsin."
    assert not entries[("Drop me.", False)].fuzzy


def test_check_mode_writes_nothing_and_lists_stale_files(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"s.html": article("<p>One.</p>")})
    config = load_config(root)
    report = sync_project(config, check=True)
    assert len(report.changed) == 3 and not (root / "locales").exists()
    sync_project(config)
    assert sync_project(config, check=True).changed == []
    (root / "sources" / "s.html").write_text(article("<p>Two.</p>"))
    before = snapshot(root)
    assert len(sync_project(config, check=True).changed) == 3
    assert snapshot(root) == before


def test_broken_catalog_is_reported_kept_and_others_go_on(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": article("<p>A.</p>"), "b.html": article("<p>B.</p>")})
    config = load_config(root)
    sync_project(config)
    broken = root / "locales" / "tr" / "a.po"
    text = broken.read_text() + '\n<<<<<<< HEAD\nmsgid "x"\n'
    broken.write_text(text)
    (root / "sources" / "a.html").write_text(article("<p>A changed.</p>"))
    (root / "sources" / "b.html").write_text(article("<p>B changed.</p>"))
    report = sync_project(config)
    assert len(report.errors) == 1
    assert report.errors[0].startswith(f"{broken}:")
    assert broken.read_text() == text, "a broken catalog is never overwritten"
    assert "B changed." in (root / "locales" / "tr" / "b.po").read_text()


@needs_gettext
def test_sample_catalogs_pass_msgfmt_and_msgcat_wrapping(tmp_path: Path) -> None:
    import subprocess

    root = make_project(tmp_path, {"s.html": SAMPLE.read_bytes()})
    sync_project(load_config(root))
    for path in sorted((root / "locales").rglob("*.po*")):
        check = msgfmt_check(path)
        assert check.returncode == 0, check.stderr
        if path.suffix == ".po":
            assert check.stderr == ""
        assert subprocess.run(["msgcat", str(path)], capture_output=True).stdout == path.read_bytes()


def test_build_falls_back_and_writes_every_language(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"s.html": article("<p>Hello.</p>")})
    config = load_config(root)
    sync_project(config)
    fill(root / "locales" / "tr" / "s.po", lambda m: "Merhaba." if m == "Hello." else "")
    report = build_project(config)
    assert report.ok
    assert "<p>Merhaba.</p>" in (root / "build" / "tr" / "s.html").read_text()
    assert '<p lang="en">Hello.</p>' in (root / "build" / "ru" / "s.html").read_text()
    assert build_project(config).changed == [], "an unchanged build writes nothing"


def test_build_without_sync_is_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"s.html": article("<p>Hello.</p>")})
    report = build_project(load_config(root))
    assert len(report.errors) == 1 and "run 'transkit sync' first" in report.errors[0]


INDEX = {item["file"]: item for item in json.loads((PEER_CASES / "index.json").read_text())}


@pytest.mark.parametrize("name", sorted(INDEX), ids=lambda n: n.removesuffix(".html"))
def test_peer_case_round_trip(tmp_path: Path, name: str) -> None:
    """Every peer page: sync succeeds, msgfmt accepts, identity rebuilds it, a second sync writes nothing."""
    root = make_project(tmp_path, {}, 'languages = ["tr", "en"]\n')
    shutil.copy(PEER_CASES / name, root / "sources" / name)
    config = load_config(root)
    report = sync_project(config)
    assert report.ok, report.errors
    slug = name.removesuffix(".html")
    for path in (root / "locales").rglob("*.po"):
        if shutil.which("msgfmt"):
            assert msgfmt_check(path).returncode == 0
        fill(path, lambda m: m)
    before = snapshot(root)
    assert sync_project(config).changed == []
    assert snapshot(root) == before
    assert build_project(config).ok
    source = (root / "sources" / name).read_bytes()
    for built in (root / "build").rglob(f"{slug}.html"):
        assert dom_signature(built.read_bytes(), ("lang", "dir")) == dom_signature(source, ("lang", "dir"))


def test_peer_cases_protected_text_never_reaches_catalogs(tmp_path: Path) -> None:
    root = make_project(tmp_path, {}, 'languages = ["tr", "en"]\n')
    for name in INDEX:
        shutil.copy(PEER_CASES / name, root / "sources" / name)
    assert sync_project(load_config(root)).ok
    msgids = {e.msgid for pot in (root / "locales" / "templates").glob("*.pot") for e in read_catalog(pot).entries}
    for protected in ("Do not translate", "العربية", "Català", "Français"):
        assert not any(protected in m for m in msgids), protected
    for visible in ("Translate this", "Translate this too", "Choose your language", "My Page Title", "A tweet description"):
        assert visible in msgids, visible


def test_path_list_holds_strings_and_hands_out_paths(tmp_path: Path) -> None:
    import pickle

    from transkit.pipeline import PathList

    paths = PathList([tmp_path / "a.po"])
    paths.append(tmp_path / "b.po")
    paths.extend(PathList([str(tmp_path / "c.po")]))
    assert list(paths) == [tmp_path / "a.po", tmp_path / "b.po", tmp_path / "c.po"]
    assert paths == [tmp_path / "a.po", tmp_path / "b.po", tmp_path / "c.po"] and paths != [] and len(paths) == 3
    assert tmp_path / "b.po" in paths and str(tmp_path / "c.po") in paths and tmp_path / "d.po" not in paths
    assert paths[1] == tmp_path / "b.po" and isinstance(paths[1], Path)
    assert pickle.loads(pickle.dumps(paths)) == paths and PathList() == []
