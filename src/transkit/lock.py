"""One writer at a time per project: an advisory ``flock`` on ``.transkit/lock``.

Every command that writes project files (sync, build, prefill, tm import, and
the integration commands) runs holding this lock; a second one waits up to
``--wait SECONDS`` (``lock_wait`` in transkit.toml, default 10 s) and then
stops with one line naming the process that holds it. The kernel drops an
``flock`` when its process dies, even by SIGKILL, so a crash never leaves a
stale lock behind; the pid and command written into the file are only there
to name the holder.

The lock is taken by the CLI (``project_command(writes=True)`` in cli.py),
not by the library functions: a library call may run inside another (a
command that syncs as one of its steps) without locking itself out, and the
waiting policy and the message are the command line's business.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from .config import Config
from .errors import LockError
from .fsutil import remove_stale_temporaries

STATE_FOLDER = ".transkit"
LOCK_NAME = "lock"
DEFAULT_WAIT = 10.0
POLL_SECONDS = 0.05
GITIGNORE = "# transkit's working files (lock, cache): never commit\n*\n"


def lock_path(root: Path) -> Path:
    return root / STATE_FOLDER / LOCK_NAME


def lock_wait(config: Config, wait: float | None) -> float:
    """Seconds to wait for the lock: ``--wait``, else ``lock_wait`` in transkit.toml, else 10."""
    if wait is not None:
        return wait
    configured = config.extra.get("lock_wait")
    return DEFAULT_WAIT if configured is None else float(configured)


@contextmanager
def project_lock(config: Config, command: str, wait: float = DEFAULT_WAIT) -> Iterator[Path]:
    """Hold the project lock for the ``with`` block; raise :class:`LockError` after ``wait`` seconds.

    Once held, temporary files a killed run left in ``locales/`` and the output
    folder are removed: no other transkit can be writing them. A run that
    finishes (or exits with a code of its choosing) clears its holder record;
    one that is killed, or ends in an exception (a worker process may have
    died mid-write, Ctrl-C may have dropped finished work), leaves it, and only
    then does the next run look for temporaries (a walk over every catalog and
    page: a large part of a command that has little else to do).
    """
    path = lock_path(config.root)
    descriptor = _open(path)
    try:
        _acquire(descriptor, path, wait)
        interrupted = os.fstat(descriptor).st_size > 0  # the last holder's record is still there
        _record_holder(descriptor, command)
        if interrupted:
            for folder in (config.locales, config.output):
                remove_stale_temporaries(folder)
        try:
            yield path
        except SystemExit:  # a command's chosen exit code: it ended as it meant to
            os.ftruncate(descriptor, 0)
            raise
        os.ftruncate(descriptor, 0)  # (not after any other exception: the next run sweeps)
    finally:
        os.close(descriptor)  # releases the lock


def state_folder(root: Path) -> Path:
    """The project's ``.transkit`` folder, made on first use with a .gitignore that keeps it out of git.

    A symbolic link there is refused: the lock, cache and manifest would land wherever it points.
    """
    folder = root / STATE_FOLDER
    if folder.is_symlink():
        raise LockError(f"{folder}: is a symbolic link; transkit keeps its lock and cache in a real folder here")
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return folder


def _open(path: Path) -> int:
    try:
        state_folder(path.parent.parent)
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise LockError(f"{path}: cannot create the project lock: {exc.strerror or exc}") from exc


def _acquire(descriptor: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise LockError(f"{path}: cannot lock the project: {exc.strerror or exc}") from exc
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockError(
                f"{path}: another transkit is writing this project ({describe_holder(path)}); "
                f"gave up after {wait:g} s; run again when it has finished, or wait longer with --wait SECONDS"
            )
        time.sleep(min(POLL_SECONDS, remaining))


def _record_holder(descriptor: int, command: str) -> None:
    """``pid<TAB>start time<TAB>command``: read by a process that has to wait."""
    started = datetime.now().isoformat(timespec="seconds")
    record = f"{os.getpid()}\t{started}\t{command}\n".encode("utf-8", errors="replace")
    os.pwrite(descriptor, record, 0)  # written over the last one, then cut to length: the file is never
    os.ftruncate(descriptor, len(record))  # empty in between (empty means: the last holder finished)


def read_holder(path: Path) -> dict[str, Any] | None:
    """The holder's pid, start time and command as recorded, or None when not (yet) recorded."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    parts = text.rstrip("\n").split("\t", 2)
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    return {"pid": int(parts[0]), "since": parts[1], "command": parts[2]}


def describe_holder(path: Path) -> str:
    holder = read_holder(path)
    if holder is None:
        return "a process that has not said which"
    since = holder["since"].replace("T", " ")
    return f"pid {holder['pid']}, '{holder['command']}', since {since}"
