"""Two transkit processes on one project never write at the same time.

The holder is a real ``transkit prefill`` whose MT engine (a stub on
127.0.0.1) holds every answer until the test lets go, so it holds the
project lock for exactly as long as a test needs; the others are real
``transkit`` processes too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import make_project
from mt_stub import Stub, serve
from transkit.config import load_config
from transkit.errors import LockError
from transkit.lock import lock_path, project_lock, read_holder

TRANSKIT = Path(sys.executable).parent / "transkit"
pytestmark = pytest.mark.skipif(not TRANSKIT.exists(), reason="the transkit console script is not installed")

PAGE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>\n'


def page(n: int, extra: str = "") -> str:
    return PAGE.format(title=f"Article {n}", body=f"<p>First sentence of article {n}. Second one here.{extra}</p>")


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def transkit(root: Path, *args: str) -> list[str]:
    return [str(TRANSKIT), args[0], "--project", str(root), *args[1:]]


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(transkit(root, *args), capture_output=True, text=True, timeout=120, env=environment())


def synced_project(tmp_path: Path, articles: int = 3, config: str = "") -> Path:
    root = make_project(tmp_path / "site", {f"a{n}.html": page(n) for n in range(articles)},
                        'languages = ["tr"]\n' + config)
    assert run(root, "sync").returncode == 0
    return root


def catalogs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "locales").rglob("*.po*"))}


@contextmanager
def holder(root: Path) -> Iterator[tuple[subprocess.Popen[str], Stub]]:
    """A real ``transkit prefill`` holding the lock until ``stub.gate.set()``."""
    with serve(lambda text, target: f"[{target}] {text}", open_gate=False) as stub:
        process = subprocess.Popen(transkit(root, "prefill", "--engine", "libre", "--engine-url", stub.url),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment())
        try:
            assert stub.first_request.wait(timeout=60), process.communicate()  # it is inside the command
            yield process, stub
        finally:
            stub.gate.set()
            if process.poll() is None:
                process.wait(timeout=60)
            process.stdout.close()  # type: ignore[union-attr]
            process.stderr.close()  # type: ignore[union-attr]


def test_a_second_writer_is_refused_naming_the_holder_and_writes_nothing(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    (root / "sources" / "a0.html").write_text(page(0, " A new sentence."), encoding="utf-8")
    with holder(root) as (process, stub):
        before = catalogs(root)
        refused = run(root, "sync", "--wait", "0.3")
        assert refused.returncode == 2
        lines = refused.stderr.splitlines()
        assert len(lines) == 1, refused.stderr
        assert str(lock_path(root)) in lines[0]
        assert f"pid {process.pid}, 'transkit prefill'" in lines[0]
        assert "gave up after 0.3 s" in lines[0] and "--wait SECONDS" in lines[0]
        assert catalogs(root) == before  # the refused sync wrote nothing
        for command in (("build", "--wait", "0"), ("add-language", "ru", "--wait", "0")):
            other = run(root, *command)
            assert other.returncode == 2 and f"pid {process.pid}" in other.stderr, other.stderr
        status = run(root, "status")  # reading needs no lock
        assert status.returncode == 0, status.stderr
        stub.gate.set()
        assert process.wait(timeout=60) == 0
    assert run(root, "sync", "--wait", "0").returncode == 0  # free again


def test_a_waiting_writer_goes_on_when_the_holder_is_done(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    (root / "sources" / "a0.html").write_text(page(0, " A new sentence."), encoding="utf-8")
    with holder(root) as (process, stub):
        waiting = subprocess.Popen(transkit(root, "sync", "--wait", "60"), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=environment())
        time.sleep(0.5)
        assert waiting.poll() is None  # blocked behind the prefill (which cannot finish before the gate opens)
        stub.gate.set()
        assert process.wait(timeout=60) == 0
        out, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 0, err
    text = (root / "locales" / "tr" / "a0.po").read_text(encoding="utf-8")
    assert "A new sentence." in text  # the sync ran…
    assert "[tr] First sentence of article 0." in text  # …after the prefill, keeping its drafts


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    with holder(root) as (process, _):
        assert read_holder(lock_path(root))["pid"] == process.pid  # type: ignore[index]
        process.kill()  # SIGKILL: the kernel drops the flock
        process.wait(timeout=30)
        after = run(root, "sync", "--wait", "0")
        assert after.returncode == 0, after.stderr


def test_lock_wait_comes_from_transkit_toml(tmp_path: Path) -> None:
    root = synced_project(tmp_path, config="lock_wait = 0\n")
    with holder(root) as (process, stub):
        refused = run(root, "build")
        assert refused.returncode == 2 and "gave up after 0 s" in refused.stderr, refused.stderr
        stub.gate.set()
        process.wait(timeout=60)


def test_writers_started_together_take_turns_and_agree(tmp_path: Path) -> None:
    root = synced_project(tmp_path, articles=30)
    for n in range(30):
        (root / "sources" / f"a{n}.html").write_text(page(n, f" Revised {n}."), encoding="utf-8")
    clean = tmp_path / "clean"
    shutil.copytree(root, clean)
    assert run(clean, "sync").returncode == 0
    processes = [subprocess.Popen(transkit(root, "sync", "--wait", "120"), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    assert catalogs(root) == catalogs(clean)


# ------------------------------------------------------------------ the library lock itself

def test_the_lock_is_exclusive_even_within_one_process(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path / "site", {"a.html": page(1)}))
    with project_lock(config, "transkit sync", wait=0):
        holder_record = read_holder(lock_path(config.root))
        assert holder_record is not None and holder_record["pid"] == os.getpid()
        assert holder_record["command"] == "transkit sync"
        expected = r"another transkit is writing this project \(pid \d+, 'transkit sync', since .*gave up after 0.1 s"
        with pytest.raises(LockError, match=expected):
            with project_lock(config, "transkit build", wait=0.1):
                pass
    assert read_holder(lock_path(config.root)) is None  # cleared on release
    with project_lock(config, "transkit build", wait=0):
        pass
    assert (config.root / ".transkit" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")


def leave_temporaries(root: Path) -> tuple[list[Path], list[Path]]:
    """Files named as transkit's temporaries are (``left``) and others that only look alike (``keep``)."""
    left = [root / "locales" / "tr" / ".a0.po.k3j2x9q_.tmp", root / "build" / "tr" / ".a0.html.AbCdEf12.tmp"]
    keep = [root / "locales" / "tr" / ".notes.tmp", root / "locales" / "tr" / "draft.tmp"]
    for path in left + keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half a file", encoding="utf-8")
    return left, keep


def test_holding_the_lock_sweeps_what_killed_runs_left(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    left, keep = leave_temporaries(root)
    # What a run killed while it held the lock leaves: its holder record.
    lock_path(root).write_text("99999\t2026-01-01T00:00:00\ttranskit sync\n", encoding="utf-8")
    assert run(root, "status").returncode == 0 and all(p.exists() for p in left)  # readers touch nothing
    assert run(root, "build").returncode == 0
    assert not any(p.exists() for p in left)
    assert all(p.exists() for p in keep)  # not transkit's temporary-file pattern
    assert lock_path(root).read_bytes() == b""  # a finished run clears its record


def test_only_a_run_that_did_not_finish_makes_the_next_one_sweep(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    config = load_config(root)
    left, _ = leave_temporaries(root)
    with project_lock(config, "transkit sync"):
        pass
    assert all(p.exists() for p in left)  # the last run finished: no walk over every file
    with pytest.raises(SystemExit):
        with project_lock(config, "transkit sync"):
            sys.exit(1)  # a findings exit is a finished run too
    assert all(p.exists() for p in left) and lock_path(root).read_bytes() == b""
    with pytest.raises(KeyboardInterrupt):
        with project_lock(config, "transkit sync"):
            raise KeyboardInterrupt  # finished work may have been dropped on the floor
    assert all(p.exists() for p in left)
    assert read_holder(lock_path(root))["command"] == "transkit sync"  # the record stays
    with project_lock(config, "transkit build"):
        assert not any(p.exists() for p in left)  # so the next holder sweeps first


def test_a_symlinked_state_folder_is_refused(tmp_path: Path) -> None:
    root = synced_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(root / ".transkit")
    (root / ".transkit").symlink_to(elsewhere, target_is_directory=True)
    refused = run(root, "sync")
    assert refused.returncode == 2 and ".transkit: is a symbolic link" in refused.stderr, refused.stderr
    assert not any(elsewhere.iterdir())
