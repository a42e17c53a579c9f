"""layout: every path transkit writes stays inside its folder, however the slug or the folders are made."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from transkit import layout

NAMES = ["tr", "00", "link", "outside", "..", ".", "", "a.po"]


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """locales/ with plain folders, a folder symlink inside it and one that points outside."""
    locales = tmp_path / "locales"
    (locales / "tr" / "00").mkdir(parents=True)
    (locales / "tr" / "00" / "a.po").write_text("")
    (tmp_path / "elsewhere").mkdir()
    (locales / "tr" / "link").symlink_to(locales / "tr" / "00", target_is_directory=True)
    (locales / "tr" / "outside").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (locales / "tr" / "00" / "linked.po").symlink_to(tmp_path / "elsewhere" / "x.po")
    return locales


def test_may_leave_answers_the_same_with_its_folder_cache_warm_or_cold(tree: Path) -> None:
    """The shortcut for paths whose folder was seen before gives the full check's answer."""
    relatives = ["/".join(parts) for n in (1, 2, 3, 4) for parts in itertools.product(NAMES, repeat=n)]
    relatives += ["tr/00/linked.po", str(tree / "tr" / "00" / "a.po").lstrip("/"), str(tree / "tr" / "00" / "a.po")]
    cold = {}
    for relative in relatives:
        layout._plain_folders.clear()
        cold[relative] = layout._may_leave(tree, relative)
    layout._plain_folders.clear()
    for _ in range(2):  # the second round finds every folder cached
        for relative in relatives:
            assert layout._may_leave(tree, relative) == cold[relative], relative
    for relative, may_leave in cold.items():  # and it is right: False only for paths that stay inside
        if not may_leave:
            resolved = Path(os.path.realpath(tree / relative))
            assert resolved == tree.resolve() or tree.resolve() in resolved.parents, relative
    layout._plain_folders.clear()


def test_html_files_are_found_and_ordered_as_rglob_finds_and_sorts_them(tmp_path: Path) -> None:
    root = tmp_path / "sources"
    for name in ["a.html", "a-b/x.html", "a/b.html", "a/b/c.html", "A/z.html", "a b/é.html", ".hidden.html",
                 "b/.html", "b/not-html.htm", "deep/1/2/3/4/x.html", "ü/ß.html", "x.html/inside.html"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("<p>x</p>")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "far.html").write_text("<p>far</p>")
    (root / "linked-folder").symlink_to(tmp_path / "elsewhere", target_is_directory=True)  # not entered
    (root / "linked.html").symlink_to(root / "a.html")  # a file: found
    (root / "broken.html").symlink_to(root / "missing.html")  # not a file
    (root / "folder-link.html").symlink_to(root / "a", target_is_directory=True)  # not a file
    expected = [p for p in sorted(root.rglob("*.html")) if p.is_file()]
    found = [(root.joinpath(*parts), is_link) for parts, is_link in layout._html_files(str(root))]
    assert [path for path, _ in found] == expected and len(found) == 12
    assert [path.name for path, is_link in found if is_link] == ["linked.html"]
