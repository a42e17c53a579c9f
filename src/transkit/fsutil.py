"""Atomic, change-only writes: a crash never leaves a half-written file, and an
unchanged result never touches the file (so git and make see nothing).

A file is written to a temporary next to it, flushed to disk, then renamed
over the old one, and the rename is flushed too. Flushing costs a few
milliseconds per call, so a command that writes thousands of files does it
inside :func:`batched_writes`: the temporaries are flushed together with one
``os.sync()``, then renamed, then one more ``os.sync()`` makes the renames
durable. Each file is still either entirely old or entirely new at any
moment; a crash mid-batch only leaves hidden temporaries, which the next
run removes (:func:`remove_stale_temporaries`).

A batch of files that are all new may skip the flushes (``commit_staged``'s
``flush_new``): nothing was there to lose, so a crash can at worst leave a new
file missing or empty, for a caller whose next run makes such a file again.
Such a caller's new files need no batch at all (``WriteBatch.place_new``):
each is written unnamed and given its name when whole (:func:`_create_whole`).
"""

from __future__ import annotations

import errno
import functools
import os
import random
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .errors import CatalogError, OutputError

TEMPORARY_SUFFIX = ".tmp"
# Temporaries are named ".<file name>.<8 random characters>.tmp" (as mkstemp names them):
# hidden, and never matched by a glob for *.po, *.pot or *.html.
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_NEW_FILE_MODE = 0o644
_known_folders: set[str] = set()  # folders this process has seen exist (saves a mkdir per file)
_no_unnamed_files: set[str] = set()  # folders whose file system cannot make unnamed files (see _create_whole)


def write_if_changed(path: Path, data: bytes, missing: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly these bytes.

    Inside :func:`batched_writes` the new file appears when the batch is committed (a file
    that replaces none, in a ``place_new`` batch: at once). The new file gets the old one's permissions (a new file: 0644). ``missing``: the
    caller has just seen that there is no file there (it is not looked for again).
    """
    name = os.fspath(path)  # (once: a Path converts itself again at each use)
    batch = _BATCHES[-1] if _BATCHES else None
    if batch is not None and name in batch.staged:
        return batch.restage(path, data)
    try:
        if missing:
            exists, mode = False, _NEW_FILE_MODE
        else:
            exists, same, mode = _compare(name, data)
            if same:
                return False
        if not exists and batch is not None and batch.place_new and _create_whole(name, data, mode):
            return True
        temporary = _write_temporary(name, data, mode, exists=exists, flush=batch is None)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    if batch is not None:
        batch.stage(name, temporary, exists)
        return True
    _install(temporary, path)
    return True


def _cannot_write(path: Path | str, exc: OSError) -> OutputError:
    """The one-line error for a file that cannot be written (``exc`` is why)."""
    return OutputError(f"{path}: cannot write: {exc.strerror or exc}")


def write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``path`` atomically from pieces (a large file need not be in memory at once)."""
    try:
        try:
            mode, exists = os.stat(path).st_mode & 0o777, True
        except FileNotFoundError:
            mode, exists = _NEW_FILE_MODE, False
        temporary = _write_temporary(path, chunks, mode, exists=exists, flush=True)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    _install(temporary, path)


def _install(temporary: str, path: Path) -> None:
    """Put a flushed temporary in place atomically and make the rename durable."""
    try:
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise
    _sync_folder(path.parent)


def read_bytes(path: Path | str) -> bytes:
    """A whole file's bytes: Path.read_bytes without its buffering layer (half the system calls)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return _read_all(descriptor, os.fstat(descriptor).st_size)
    finally:
        os.close(descriptor)


def _compare(path: Path | str, data: bytes) -> tuple[bool, bool, int]:
    """Whether the file exists, whether it holds exactly ``data``, and its permission bits (new: 0644).

    Plain os calls: a few system calls fewer per file than pathlib's read_bytes and stat;
    a file of another size is not read at all (most files a sync rewrites).
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False, False, _NEW_FILE_MODE
    try:
        info = os.fstat(descriptor)
        mode = info.st_mode & 0o777
        if stat.S_ISREG(info.st_mode) and info.st_size != len(data):
            return True, False, mode
        return True, _read_all(descriptor, info.st_size) == data, mode
    finally:
        os.close(descriptor)


def _read_all(descriptor: int, size: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(descriptor, max(size + 1, 65536))  # + 1: see the end without another call
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _create_whole(path: str, data: bytes, mode: int) -> bool:
    """Make the new file ``path`` appear holding all of ``data`` at once; False: not done, use a temporary.

    The data goes to an unnamed file in the folder (O_TMPFILE), which is then
    linked under its name: readers, and a crash, see no file or the whole file, as
    with a renamed temporary, for less of the file system's work (no name to make
    and then rename; on ext4, 23 us a file against 25 us in folders of 10 files,
    28 against 44 in one folder of 3,000) and no rename left to the main process.
    Not done where the file system or kernel cannot make unnamed files (remembered
    per folder), nor when a file has appeared at ``path`` meanwhile (the caller
    replaces it).
    """
    folder = os.path.dirname(path) or "."
    if folder in _no_unnamed_files or not hasattr(os, "O_TMPFILE"):
        return False
    _make_folder(folder)
    try:
        descriptor = os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, _creation_mode(mode))
    except FileNotFoundError:  # the folder went away since we saw it: the temporary's route makes it again
        _known_folders.discard(folder)
        return False
    except OSError as exc:
        if exc.errno not in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            raise
        _no_unnamed_files.add(folder)
        return False
    try:
        _write_all(descriptor, [data], mode, path)
        # The unnamed file is linked through its /proc name, following that link; os.link does
        # that (linkat, AT_SYMLINK_FOLLOW) only when given a folder descriptor, which an
        # absolute name ignores: the file's own is as good as any.
        os.link(f"/proc/self/fd/{descriptor}", path, src_dir_fd=descriptor, follow_symlinks=True)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.EXDEV, errno.EPERM):  # no /proc, or no linking it: a temporary
            raise
        _no_unnamed_files.add(folder)
        return False
    finally:
        os.close(descriptor)  # (an unnamed file that was not linked vanishes with it)
    return True


def _make_folder(folder: str) -> None:
    """``folder`` and its parents, unless this process has seen it exist."""
    if folder not in _known_folders:
        os.makedirs(folder, exist_ok=True)
        _known_folders.add(folder)


def _creation_mode(mode: int) -> int:
    """The permissions to create a file with, before :func:`_write_all` sets exactly ``mode``."""
    return mode if _umask_keeps(mode) else 0o600


def _write_all(descriptor: int, pieces: Iterable[bytes], mode: int, path: str) -> None:
    """Give the file ``path`` just created exactly the permissions ``mode`` (whatever the umask), then write ``pieces``."""
    if not _umask_keeps(mode):
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, mode)
        else:  # pragma: no cover - Windows
            os.chmod(path, mode)
    for piece in pieces:
        view = memoryview(piece)
        while view:
            view = view[os.write(descriptor, view):]


def _write_temporary(path: Path | str, data: bytes | Iterable[bytes], mode: int, exists: bool, flush: bool) -> str:
    """A hidden temporary next to ``path`` holding ``data`` (or its pieces), with permissions ``mode``."""
    folder = os.path.dirname(path) or "."
    if not exists:
        _make_folder(folder)
    name = os.path.basename(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        temporary = os.path.join(folder, f".{name}.{''.join(random.choices(_NAME_CHARACTERS, k=8))}{TEMPORARY_SUFFIX}")
        try:
            descriptor = os.open(temporary, flags, _creation_mode(mode))
            break
        except FileExistsError:  # pragma: no cover - 37^8 names
            continue
        except FileNotFoundError:  # the folder went away since we saw it
            _known_folders.discard(folder)
            os.makedirs(folder, exist_ok=True)
    try:
        try:
            _write_all(descriptor, [data] if isinstance(data, bytes) else data, mode, temporary)
            if flush:
                os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


@functools.cache
def _umask_keeps(mode: int) -> bool:
    """True when a file created with ``mode`` gets exactly ``mode`` (the umask clears none of its bits).

    Then no chmod is needed after creating it. The umask is read from
    /proc (setting it to read it back would race with other threads).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return not int(line.split()[1], 8) & mode
    except (OSError, ValueError):
        pass
    return False


# (path, the temporary that will replace it, whether a file is there to replace), the names as
# strings: staged files cross from the workers to the main process, and a Path costs 50 times
# a string to unpickle.
Staged = list[tuple[str, str, bool]]


@dataclass
class WriteBatch:
    """Files written to temporaries, not yet renamed into place: path -> (temporary, whether it replaces a file).

    ``limit``: commit by itself once this many files are staged (None: never;
    the owner commits, or hands the files to another process with :meth:`take`).
    """

    limit: int | None = 256
    # New files need no flush (a caller whose next run makes again one a crash left missing or
    # empty, see commit_staged): each goes in place as soon as written, unstaged (_create_whole).
    place_new: bool = False
    staged: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def stage(self, path: Path | str, temporary: str, replaces: bool = True) -> None:
        self.staged[os.fspath(path)] = temporary, replaces
        if self.limit is not None and len(self.staged) >= self.limit:
            self.commit()

    def restage(self, path: Path, data: bytes) -> bool:
        """A second write to a path of this batch: the last one wins."""
        key = os.fspath(path)
        temporary, replaces = self.staged.pop(key)
        if Path(temporary).read_bytes() == data:
            self.staged[key] = temporary, replaces
            return False
        Path(temporary).unlink(missing_ok=True)
        return write_if_changed(path, data)

    def commit(self) -> None:
        commit_staged(self.take())

    def take(self) -> Staged:
        """The staged files, for :func:`commit_staged` elsewhere; the batch forgets them."""
        staged, self.staged = [(path, temporary, replaces) for path, (temporary, replaces) in self.staged.items()], {}
        return staged

    def discard(self) -> None:
        discard_staged(self.take())


_BATCHES: list[WriteBatch] = []


@contextmanager
def batched_writes(batch: WriteBatch | None = None, commit: bool = True) -> Iterator[WriteBatch]:
    """Inside, :func:`write_if_changed` stages its files in ``batch``; they are renamed
    into place (durably) every ``batch.limit`` files and, with ``commit``, at the end.
    An exception discards the files not yet renamed: they stay as they were."""
    batch = batch or WriteBatch()
    _BATCHES.append(batch)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    else:
        if commit:
            batch.commit()
    finally:
        _BATCHES.remove(batch)


def commit_staged(staged: Staged, flush_new: bool = True) -> None:
    """Flush the temporaries to disk, rename each into place, flush the renames.

    Without ``flush_new``, a batch of new files only (none replaces a file) is renamed
    without either flush. That is for callers whose files vouch for themselves: a crash
    can leave one missing or empty, never wrong, and the next run makes it again.
    (Flushing them took 6-7% of a first sync of 1,000 articles on a disk.)
    """
    if not staged:
        return
    flush = flush_new or any(replaces for _, _, replaces in staged)
    renamed = 0
    try:
        if flush:
            _flush_files([temporary for _, temporary, _ in staged])
        for path, temporary, _ in staged:
            try:
                os.replace(temporary, path)
            except OSError as exc:
                raise _cannot_write(path, exc) from exc
            renamed += 1
    finally:
        discard_staged(staged[renamed:])  # after a failure the rest stay as they were
    if flush:
        _flush_folders(path for path, _, _ in staged)


def discard_staged(staged: Staged) -> None:
    for _, temporary, _ in staged:
        Path(temporary).unlink(missing_ok=True)


def _flush_files(paths: list[str]) -> None:
    """Written data onto the disk: one sync() for all (a few ms) rather than an fsync per file."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # pragma: no cover - platforms without sync()
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _flush_folders(paths: Iterable[str]) -> None:
    """The renames of ``paths`` onto the disk."""
    if hasattr(os, "sync"):
        os.sync()
        return
    for folder in {os.path.dirname(path) for path in paths}:  # pragma: no cover - platforms without sync()
        _sync_folder(Path(folder))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut could otherwise undo it); best effort."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files a killed transkit left under ``folder``; returns them.

    Only safe while holding the project lock (no other transkit is writing).
    """
    removed = []
    if not folder.is_dir():
        return removed
    for path in folder.rglob(f".*{TEMPORARY_SUFFIX}"):
        if _TEMPORARY.match(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def read_head(path: Path, size: int = 4096) -> str:
    """The first bytes of a catalog, for cheap header checks; '' when missing.

    One that cannot be read (a folder in its place...) is a one-line CatalogError.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            return os.read(descriptor, size).decode("utf-8", errors="replace")
        finally:
            os.close(descriptor)
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc.strerror or exc}") from exc
