"""Atomic, change-only writes: a crash never leaves a half-written file, and an
unchanged result never touches the file (so git and make see nothing)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"
# mkstemp's names below: ".<file name>.<8 random characters>.tmp", hidden and never *.po/*.pot/*.html.
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless it already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return True


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
    """The first bytes of a text file, for cheap header checks; '' when missing."""
    try:
        with path.open("rb") as handle:
            return handle.read(size).decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
