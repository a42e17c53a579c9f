"""Atomic, change-only writes, one at a time and in batches."""

from __future__ import annotations

import errno
import os
import pickle
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import unnamed_files_work
from transkit import fsutil
from transkit.errors import CatalogError, OutputError
from transkit.fsutil import (
    WriteBatch,
    batched_writes,
    commit_staged,
    read_head,
    remove_stale_temporaries,
    write_if_changed,
)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def test_write_only_when_changed_keeping_permissions(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "file.po"
    assert write_if_changed(path, b"one") is True  # folders are made
    assert path.read_bytes() == b"one" and stat.S_IMODE(path.stat().st_mode) == 0o644
    os.chmod(path, 0o600)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert write_if_changed(path, b"one") is False
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(path, b"two") is True
    assert path.read_bytes() == b"two" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert hidden(tmp_path) == []


def test_a_file_seen_missing_is_written_without_looking_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *rest: opened.append(os.fspath(path)) or real_open(path, *rest))
    path = tmp_path / "new.po"
    assert write_if_changed(path, b"x", missing=True) is True
    assert path.read_bytes() == b"x" and stat.S_IMODE(path.stat().st_mode) == 0o644
    assert str(path) not in opened and opened[0].endswith(".tmp")  # its temporary (and its folder, to flush)
    assert write_if_changed(path, b"x") is False and opened[-1] == str(path)  # otherwise it is read: the same bytes
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_new_files_get_0644_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """The umask is read once per process, so each umask runs in a fresh interpreter."""
    script = (
        "import os, sys; from pathlib import Path; from transkit.fsutil import read_bytes, write_if_changed\n"
        f"os.umask({umask}); p = Path(sys.argv[1]); write_if_changed(p, b'x'); os.chmod(p, 0o640); "
        "write_if_changed(p, b'y'); assert read_bytes(p) == b'y'\n"
        "write_if_changed(p.with_name('new.po'), b'z')"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "old.po")], check=True)
    assert stat.S_IMODE((tmp_path / "old.po").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "new.po").stat().st_mode) == 0o644
    assert hidden(tmp_path) == []


def test_a_batch_shows_nothing_until_it_is_committed(tmp_path: Path) -> None:
    old = tmp_path / "old.po"
    old.write_bytes(b"old")
    new = tmp_path / "sub" / "new.po"
    with batched_writes() as batch:
        assert write_if_changed(old, b"changed") is True
        assert write_if_changed(new, b"new") is True
        assert write_if_changed(tmp_path / "same.po", b"") is True
        assert old.read_bytes() == b"old" and not new.exists()  # each file still entirely old
        assert len(hidden(tmp_path)) == 3 and all(fsutil._TEMPORARY.match(n) for n in hidden(tmp_path))
        assert sorted(os.path.basename(p) for p in batch.staged) == ["new.po", "old.po", "same.po"]
    assert old.read_bytes() == b"changed" and new.read_bytes() == b"new"
    assert hidden(tmp_path) == []


def test_an_exception_discards_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "file.po"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with batched_writes():
            write_if_changed(path, b"new")
            raise RuntimeError("crash")
    assert path.read_bytes() == b"old" and hidden(tmp_path) == []


def test_a_second_write_in_a_batch_wins(tmp_path: Path) -> None:
    path = tmp_path / "file.po"
    path.write_bytes(b"old")
    with batched_writes():
        assert write_if_changed(path, b"first") is True
        assert write_if_changed(path, b"first") is False
        assert write_if_changed(path, b"second") is True
        assert write_if_changed(path, b"old") is False  # back to what the disk holds
        assert len(hidden(tmp_path)) == 0
        assert write_if_changed(path, b"third") is True
    assert path.read_bytes() == b"third" and hidden(tmp_path) == []


def test_a_batch_commits_every_limit_files(tmp_path: Path) -> None:
    with batched_writes(WriteBatch(limit=3)):
        for number in range(4):
            write_if_changed(tmp_path / f"{number}.po", b"x")
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["0.po", "1.po", "2.po"]
    assert len(list(tmp_path.glob("*.po"))) == 4


def test_staged_files_can_be_committed_by_someone_else(tmp_path: Path) -> None:
    """What a worker process does: stage, hand over the list; the main process renames."""
    with batched_writes(WriteBatch(limit=None), commit=False) as batch:
        write_if_changed(tmp_path / "a.po", b"a")
        write_if_changed(tmp_path / "b.po", b"b")
    staged = batch.take()
    assert [os.path.basename(path) for path, _, _ in staged] == ["a.po", "b.po"] and not (tmp_path / "a.po").exists()
    assert all(type(path) is str and type(temporary) is str for path, temporary, _ in staged)  # cheap to pickle
    commit_staged(pickle.loads(pickle.dumps(staged)))
    assert (tmp_path / "a.po").read_bytes() == b"a" and (tmp_path / "b.po").read_bytes() == b"b"


def test_staged_files_say_whether_they_replace_one(tmp_path: Path) -> None:
    (tmp_path / "old.po").write_bytes(b"old")
    with batched_writes(WriteBatch(limit=None), commit=False) as batch:
        write_if_changed(tmp_path / "old.po", b"new")
        write_if_changed(tmp_path / "new.po", b"new")
        write_if_changed(tmp_path / "new.po", b"newer")  # staged again: still new
        write_if_changed(tmp_path / "old.po", b"newer")
    assert {os.path.basename(path): replaces for path, _, replaces in batch.take()} == {"old.po": True, "new.po": False}


def test_new_files_of_a_place_new_batch_are_in_place_at_once_and_whole(tmp_path: Path) -> None:
    """What a sync's worker does: a new file needs no flush, so it is not staged for the main process."""
    if not unnamed_files_work(tmp_path):
        pytest.skip("this file system makes no unnamed files: the staged route is the one taken (tested below)")
    (tmp_path / "old.po").write_bytes(b"old")
    with batched_writes(WriteBatch(limit=None, place_new=True), commit=False) as batch:
        assert write_if_changed(tmp_path / "a" / "new.po", b"new" * 1000) is True  # folders are made
        assert write_if_changed(tmp_path / "seen.po", b"seen", missing=True) is True
        assert (tmp_path / "a" / "new.po").read_bytes() == b"new" * 1000  # before the batch ends
        assert write_if_changed(tmp_path / "old.po", b"changed") is True  # replaces: staged, flushed later
        assert write_if_changed(tmp_path / "a" / "new.po", b"again") is True  # in place: now it replaces
        assert [name.split(".")[1] for name in hidden(tmp_path)] == ["new", "old"]  # only the replacing ones
    staged = {os.path.basename(path): replaces for path, _, replaces in batch.take()}
    assert staged == {"old.po": True, "new.po": True}
    assert stat.S_IMODE((tmp_path / "seen.po").stat().st_mode) == 0o644
    assert (tmp_path / "old.po").read_bytes() == b"old" and (tmp_path / "seen.po").read_bytes() == b"seen"


def test_a_new_file_goes_through_a_temporary_where_unnamed_files_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def no_unnamed_files(path: str, flags: int, *args: int, **kwargs: int) -> int:
        if flags & os.O_TMPFILE == os.O_TMPFILE:
            raise OSError(errno.EOPNOTSUPP, "Operation not supported")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_unnamed_files)
    monkeypatch.setattr(fsutil, "_no_unnamed_files", set())
    with batched_writes(WriteBatch(limit=None, place_new=True), commit=False) as batch:
        write_if_changed(tmp_path / "a.po", b"a")
        write_if_changed(tmp_path / "b.po", b"b")
    staged = batch.take()
    assert [(os.path.basename(path), replaces) for path, _, replaces in staged] == [("a.po", False), ("b.po", False)]
    assert fsutil._no_unnamed_files == {str(tmp_path)}  # asked once per folder
    commit_staged(staged, flush_new=False)
    assert (tmp_path / "a.po").read_bytes() == b"a" and hidden(tmp_path) == []


def test_a_file_that_appears_after_it_was_seen_missing_is_replaced_through_a_temporary(tmp_path: Path) -> None:
    path = tmp_path / "raced.po"
    path.write_bytes(b"made meanwhile")
    with batched_writes(WriteBatch(limit=None, place_new=True), commit=False) as batch:
        assert write_if_changed(path, b"ours", missing=True) is True
    assert path.read_bytes() == b"made meanwhile"  # (the link refused to replace it)
    commit_staged(batch.take(), flush_new=False)
    assert path.read_bytes() == b"ours" and hidden(tmp_path) == []


@pytest.mark.parametrize(
    ("files", "flush_new", "syncs"),
    [
        (["new.po"], False, 0),  # nothing there to lose: no flush
        (["new.po"], True, 2),
        (["new.po", "old.po"], False, 2),  # one replaces a file: flushed before and after the renames
        (["old.po"], True, 2),
    ],
)
def test_only_replacing_files_must_be_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[str], flush_new: bool, syncs: int
) -> None:
    (tmp_path / "old.po").write_bytes(b"old")
    with batched_writes(WriteBatch(limit=None), commit=False) as batch:
        for name in files:
            write_if_changed(tmp_path / name, b"written")
    calls: list[None] = []
    monkeypatch.setattr(os, "sync", lambda: calls.append(None))
    commit_staged(batch.take(), flush_new)
    assert len(calls) == syncs
    assert [(tmp_path / name).read_bytes() for name in files] == [b"written"] * len(files)
    assert hidden(tmp_path) == []


def test_a_failed_rename_leaves_the_rest_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [tmp_path / f"{n}.po" for n in range(3)]
    for path in paths:
        path.write_bytes(b"old")
    with batched_writes(WriteBatch(limit=None), commit=False) as batch:
        for path in paths:
            write_if_changed(path, b"new")
    staged = batch.take()
    real_replace, calls = os.replace, []

    def replace_twice(source: str, target: Path) -> None:
        if len(calls) == 1:
            raise OSError("disk full")
        calls.append(target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_twice)
    with pytest.raises(OutputError, match=f"^{re.escape(str(paths[1]))}: cannot write: disk full$"):
        commit_staged(staged)
    assert [p.read_bytes() for p in paths] == [b"new", b"old", b"old"]
    assert hidden(tmp_path) == []


def test_stale_temporaries_are_found_and_only_they(tmp_path: Path) -> None:
    with batched_writes(WriteBatch(limit=None), commit=False) as batch:
        write_if_changed(tmp_path / "x" / "a.po", b"a")
    (tmp_path / ".notes.tmp").write_text("mine")  # not one of ours
    removed = remove_stale_temporaries(tmp_path)
    assert [p.name for p in removed] == [Path(temporary).name for _, temporary, _ in batch.take()]
    assert hidden(tmp_path) == [".notes.tmp"]


def test_read_head(tmp_path: Path) -> None:
    path = tmp_path / "t.pot"
    path.write_bytes("é".encode() * 3000)
    assert read_head(path, 10) == "ééééé"
    assert read_head(tmp_path / "missing.pot") == ""


def test_a_second_write_in_a_batch_replaces_the_first(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    with batched_writes() as batch:
        assert write_if_changed(path, b"first") is True
        assert write_if_changed(path, b"first") is False  # the staged bytes are the same
        assert write_if_changed(path, b"second") is True
        assert len(batch.staged) == 1 and len(hidden(tmp_path)) == 1
    assert path.read_bytes() == b"second" and hidden(tmp_path) == []


def test_only_the_same_bytes_count_as_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_bytes(b"abc")
    os.chmod(path, 0o640)
    assert write_if_changed(path, b"abc") is False
    assert write_if_changed(path, b"abd") is True and path.read_bytes() == b"abd"  # same size, other bytes
    assert write_if_changed(path, b"abcd") is True and path.read_bytes() == b"abcd"  # another size: not read
    assert write_if_changed(path, b"") is True and path.read_bytes() == b""
    assert write_if_changed(path, b"") is False
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # the old file's permissions, whichever way it was compared


def test_what_cannot_be_written_or_read_is_one_line_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "a.po"
    folder.mkdir()
    with pytest.raises(OutputError, match=f"^{re.escape(str(folder))}: cannot write: Is a directory$"):
        write_if_changed(folder, b"new")
    with pytest.raises(CatalogError, match=f"^{re.escape(str(folder))}: cannot read: Is a directory$"):
        fsutil.read_head(folder)
    assert fsutil.read_head(tmp_path / "missing.po") == ""
    blocked = tmp_path / "file" / "manifest.json"  # its folder is a file
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(OutputError, match=f"^{re.escape(str(blocked))}: cannot write: Not a directory$"):
        fsutil.write_chunks(blocked, [b"{}"])
    assert folder.is_dir() and hidden(tmp_path) == []  # nothing left behind
