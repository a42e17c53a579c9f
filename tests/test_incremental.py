"""An unchanged article is not built again; anything a page is built from changing rebuilds it."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import make_project
from transkit import incremental, pipeline
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import load_config
from transkit.pipeline import build_project, sync_project

ARTICLE = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{n}</title></head>'
           "<body><p>First sentence of {n}. Second one with <sup>1</sup> a note.</p></body></html>\n")


@pytest.fixture()
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(incremental, "RACY_NS", 0)  # the files below were all written a moment ago
    root = make_project(tmp_path, {f"a{n}.html": ARTICLE.format(n=n) for n in range(4)},
                        'languages = ["tr", "ru"]\n')
    assert sync_project(load_config(root), jobs=1).ok
    for path in (root / "locales").rglob("*.po"):  # a translation whose placeholder is wrong: a warning
        catalog = read_catalog(path)
        entries = tuple(replace(e, msgstr=e.msgid.replace("<sup1/>", "<sup9/>").upper()) for e in catalog.entries)
        write_catalog(path, replace(catalog, entries=entries))
    return root


def build(root: Path, **options: object) -> pipeline.Report:
    return build_project(load_config(root), jobs=1, **options)  # type: ignore[arg-type]


def walked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles the build parses from now on."""
    seen: list[str] = []
    real = pipeline.walk_page

    def spy(data: bytes, path: Path, *args: object) -> object:
        seen.append(Path(path).stem)
        return real(data, path, *args)

    monkeypatch.setattr(pipeline, "walk_page", spy)
    return seen


def test_a_second_build_parses_nothing_and_reports_the_same(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = build(root)
    assert len(first.changed) == 8 and len(first.warnings) == 8  # one per page
    seen = walked(monkeypatch)
    second = build(root)
    assert seen == []
    assert second.changed == [] and second.unchanged == 8 and second.warnings == first.warnings


def test_what_changed_is_built_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(root)
    seen = walked(monkeypatch)
    catalog = root / "locales" / "ru" / "a1.po"
    write_catalog(catalog, replace(read_catalog(catalog), header_comments=("Edited.",)))
    (root / "build" / "tr" / "a2.html").unlink()
    (root / "sources" / "a3.html").write_text(ARTICLE.format(n=3).replace("First", "Fresh"))
    changed = build(root).changed
    assert [str(p.relative_to(root / "build")) for p in changed] == ["tr/a2.html", "tr/a3.html", "ru/a3.html"]
    assert seen == ["a1", "a2", "a3"]  # a1: built again, its pages came out the same


def test_settings_rebuild_everything(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(root)
    seen = walked(monkeypatch)
    build(root, include_fuzzy=True)
    assert len(seen) == 4
    build(root, languages=("tr",))
    assert len(seen) == 8
    build(root, languages=("tr",))
    assert len(seen) == 8
    (root / "transkit.toml").write_text('languages = ["tr", "ru"]\n# edited\n')
    build(root, languages=("tr",))
    assert len(seen) == 12


def test_held_back_languages_are_always_decided_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "transkit.toml").write_text('languages = ["tr", "ru"]\npublish_threshold = {ru = 50}\n')
    for path in (root / "locales" / "ru").glob("*.po"):  # nothing translated: below the threshold
        catalog = read_catalog(path)
        write_catalog(path, replace(catalog, entries=tuple(replace(e, msgstr="") for e in catalog.entries)))
    first = build(root)
    assert len(first.held_back) == 4
    seen = walked(monkeypatch)
    second = build(root)
    assert len(seen) == 4 and second.held_back == first.held_back and second.changed == []


def test_files_changed_a_moment_ago_are_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written within its timestamp's resolution of the build may change again unseen ("racy git")."""
    root = make_project(tmp_path, {"a.html": ARTICLE.format(n=1)}, 'languages = ["tr"]\n')
    sync_project(load_config(root), jobs=1)
    build(root)  # the catalog was written a moment ago: the article is not recorded
    seen = walked(monkeypatch)
    build(root)
    assert seen == ["a"]
    monkeypatch.setattr(incremental, "RACY_NS", 0)
    build(root)
    build(root)
    assert seen == ["a", "a"]
