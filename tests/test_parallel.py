"""Sync, build and status in several processes: the same files, reports and messages as in one."""

from __future__ import annotations

import functools
import gc
import os
import subprocess
import sys
import time
import traceback
import weakref
from pathlib import Path
from typing import Iterator

import pytest

from conftest import SAMPLE, make_project
from transkit import parallel
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import load_config
from transkit.errors import CatalogError, TranskitError
from transkit.pipeline import build_project, sync_project

TRANSKIT = Path(sys.executable).parent / "transkit"
ARTICLES = 40  # enough for a pool (parallel.MIN_PARALLEL_ITEMS) and several chunks per worker


def article(number: int) -> str:
    sentences = " ".join(f"Sentence {k} of article {number} has <strong>bold {k}</strong> words." for k in range(4))
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Article {number}</title></head>'
        f'<body><h1>Article {number}</h1><p>{sentences}</p><p>A shared closing line.</p></body></html>\n'
    )


def project(root: Path) -> Path:
    sources = {f"{number % 3}/article-{number:02}.html": article(number) for number in range(ARTICLES)}
    return make_project(root, sources, 'languages = ["tr", "ru"]\n')


def files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for folder in ("locales", "build") if (root / folder).exists()
        for path in sorted((root / folder).rglob("*")) if path.is_file()
    }


def translate_half(root: Path) -> None:
    """Translate the first entries of every catalog; break one catalog (a per-article error)."""
    for path in sorted((root / "locales").rglob("*.po")):
        catalog = read_catalog(path)
        entries = tuple(
            entry.__class__(**{**entry.__dict__, "msgstr": entry.msgid.upper()}) if index % 2 else entry
            for index, entry in enumerate(catalog.entries)
        )
        write_catalog(path, catalog.__class__(catalog.header_comments, catalog.header_fields, catalog.header_flags,
                                              entries))
    broken = root / "locales" / "ru" / "1" / "article-07.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, list]]:
    """The same work in one process and in three."""
    results = {}
    for jobs in (1, 3):
        root = project(tmp_path_factory.mktemp(f"jobs{jobs}"))
        config = load_config(root)
        reports = [sync_project(config, jobs=jobs)]
        translate_half(root)
        (root / "sources" / "2" / "article-05.html").write_text(article(5).replace("bold 1", "brave 1"))
        reports.append(sync_project(config, jobs=jobs))
        reports.append(build_project(config, include_fuzzy=True, jobs=jobs))
        reports.append(build_project(config, include_fuzzy=True, jobs=jobs))
        results[jobs] = (root, reports)
    return results


def test_the_files_are_the_same(runs: dict[int, tuple[Path, list]]) -> None:
    (one, _), (three, _) = runs[1], runs[3]
    assert files(one).keys() == files(three).keys()
    assert files(one) == files(three)
    assert len([name for name in files(one) if name.startswith("build/")]) == 2 * ARTICLES - 2  # not the article whose catalog is broken


def test_the_reports_are_the_same_in_article_order(runs: dict[int, tuple[Path, list]]) -> None:
    (one, serial), (three, pooled) = runs[1], runs[3]
    for mine, theirs in zip(serial, pooled):
        assert [p.relative_to(one) for p in mine.changed] == [p.relative_to(three) for p in theirs.changed]
        assert (mine.unchanged, mine.skipped) == (theirs.unchanged, theirs.skipped)
        assert [e.replace(str(one), "") for e in mine.errors] == [e.replace(str(three), "") for e in theirs.errors]
        assert [w.replace(str(one), "") for w in mine.warnings] == [w.replace(str(three), "") for w in theirs.warnings]
    first_sync, resync, build, rebuild = pooled
    assert len(first_sync.changed) == 3 * ARTICLES and first_sync.ok
    assert resync.skipped == ARTICLES - 1  # all but the revised article (a broken catalog is not read)
    assert [p.name for p in resync.changed] == ["article-05.pot", "article-05.po", "article-05.po"]
    assert len(build.errors) == 1 and "article-07.po" in build.errors[0] and "unterminated" in build.errors[0]
    assert rebuild.changed == [] and rebuild.unchanged == 2 * ARTICLES - 2


def test_an_error_in_a_worker_keeps_its_traceback(runs: dict[int, tuple[Path, list]]) -> None:
    _, (_, _, build, _) = runs[3]
    (failure,) = build.failures
    assert isinstance(failure, CatalogError)
    text = "".join(traceback.format_exception(failure))
    assert "RemoteTraceback" in text and "read_catalog" in text  # where it happened, in the worker


def test_chunks_cover_every_item_in_order() -> None:
    items = list(range(1000))
    for jobs in (1, 2, 7):
        pieces = parallel.chunks(items, jobs)
        assert [item for piece in pieces for item in piece] == items
        assert max(len(piece) for piece in pieces) <= parallel.MAX_CHUNK
    assert parallel.chunks([], 2) == []
    assert parallel.chunks([1, 2, 3], 4) == [[1], [2], [3]]
    pieces = parallel.chunks(items, 2)  # full chunks, then the last two chunks' worth in quarters
    assert [len(piece) for piece in pieces] == [16] * 60 + [8] + [4] * 8
    assert [len(piece) for piece in parallel.chunks(list(range(10)), 2)] == [1] * 10


def test_chunks_made_as_items_come_cover_them_in_order_and_split_the_tail_small() -> None:
    for jobs in (1, 2, 3):
        for size in (1, 4, 16):
            for count in range(120):
                consumed = 0

                def counted() -> Iterator[int]:
                    nonlocal consumed
                    for item in range(count):
                        consumed += 1
                        yield item

                pieces, looked_ahead = [], []
                for piece in parallel._stream_chunks(counted(), jobs, size):
                    pieces.append(piece)
                    looked_ahead.append(consumed - (piece[-1] + 1))  # items taken beyond this chunk so far
                where = (jobs, size, count)
                assert [item for piece in pieces for item in piece] == list(range(count)), where
                tail = min(count, jobs * size)  # the last items: in small chunks, so workers finish together
                small = [piece for piece in pieces if piece[0] >= count - tail]
                assert sum(map(len, small)) == tail and all(len(p) <= max(1, size // 4) for p in small), where
                head = pieces[: len(pieces) - len(small)]
                assert all(len(p) == size for p in head[:-1]) and all(0 < len(p) <= size for p in head), where
                assert max(looked_ahead, default=0) <= jobs * size, where  # yielded before the rest is known


def _mark_started(folder: str, chunk: list[int]) -> list[int]:
    Path(folder, f"{chunk[0]}.done").touch()
    return chunk


def test_workers_start_while_items_are_still_coming(tmp_path: Path) -> None:
    """A lazy list of items (articles found out of date one by one) is worked on as it comes."""
    seen_before_the_end: list[bool] = []

    def items() -> Iterator[int]:
        for item in range(1000):
            if item == 999:  # the workers have had the first chunks for a while: wait for one to finish
                deadline = time.monotonic() + 30
                while not any(tmp_path.iterdir()) and time.monotonic() < deadline:
                    time.sleep(0.01)
                seen_before_the_end.append(any(tmp_path.iterdir()))
            yield item

    done = [item for part in parallel.map_chunks(functools.partial(_mark_started, str(tmp_path)), items(), 2)
            for item in part]
    assert done == list(range(1000)) and seen_before_the_end == [True]


def _slow_copy(chunk: list[int]) -> list[int]:
    time.sleep(0.02)
    return chunk


def test_the_caller_can_work_while_results_are_not_ready() -> None:
    calls: list[int] = []
    done = [item for part in parallel.map_chunks(_slow_copy, list(range(64)), 2, lambda: calls.append(1))
            for item in part]
    assert done == list(range(64)) and calls  # (the first result takes 20 ms at least)
    calls.clear()
    assert [item for part in parallel.map_chunks(_slow_copy, list(range(64)), 1, lambda: calls.append(1))
            for item in part] == list(range(64)) and not calls  # in this process: nothing to wait for


class _Payload:
    def __init__(self, items: list[int]) -> None:
        self.items = items


def _payload(chunk: list[int]) -> _Payload:
    return _Payload(chunk)


def test_results_are_let_go_once_yielded() -> None:
    """Memory stays flat in the number of items: the pool keeps no result it has handed over."""
    seen: list[weakref.ref[_Payload]] = []
    for result in parallel.map_chunks(_payload, list(range(400)), 2):
        seen.append(weakref.ref(result))
        del result
        assert [ref for ref in seen[:-1] if ref() is not None] == []
    assert len(seen) > 20


def _square_all(chunk: list[int]) -> list[tuple[int, int]]:
    return [(item * item, os.getpid()) for item in chunk]


def test_by_default_one_worker_per_core_this_process_may_use() -> None:
    assert parallel.default_jobs() == len(os.sched_getaffinity(0))
    pids = {pid for part in parallel.map_chunks(_square_all, list(range(200))) for _, pid in part}
    assert len(pids) == (parallel.default_jobs() if parallel.default_jobs() > 1 else 1)


def test_map_chunks_uses_workers_and_keeps_order() -> None:
    items = list(range(200))
    pooled = [result for part in parallel.map_chunks(_square_all, items, jobs=2) for result in part]
    assert [square for square, _ in pooled] == [item * item for item in items]
    assert os.getpid() not in {pid for _, pid in pooled}  # done by workers
    serial = [result for part in parallel.map_chunks(_square_all, items, jobs=1) for result in part]
    assert {pid for _, pid in serial} == {os.getpid()}
    few = [result for part in parallel.map_chunks(_square_all, items[:5], jobs=2) for result in part]
    assert {pid for _, pid in few} == {os.getpid()}  # not worth a pool


def _boom(chunk: list[int]) -> list[int]:
    if 13 in chunk:
        raise ValueError("thirteen")
    return chunk


def _garbage_settings(chunk: list[int]) -> list[tuple[int, int]]:
    return [(gc.get_threshold()[0], gc.get_freeze_count()) for _ in chunk]


def test_workers_collect_garbage_less_often() -> None:
    settings = {result for part in parallel.map_chunks(_garbage_settings, list(range(64)), jobs=2) for result in part}
    assert {threshold for threshold, _ in settings} == {parallel.WORKER_GC_THRESHOLD}
    assert all(frozen > 0 for _, frozen in settings)  # what the parent had is left out of every collection
    assert gc.get_threshold()[0] != parallel.WORKER_GC_THRESHOLD  # the main process keeps its own


def test_a_crash_in_a_worker_reaches_the_caller_with_its_traceback() -> None:
    with pytest.raises(ValueError, match="thirteen") as caught:
        for _ in parallel.map_chunks(_boom, list(range(100)), jobs=2):
            pass
    assert isinstance(caught.value.__cause__, parallel.RemoteTraceback) and "_boom" in str(caught.value.__cause__)


def _die_at_thirteen(chunk: list[int]) -> list[int]:
    if 13 in chunk:
        os.kill(os.getpid(), 9)
    return chunk


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    with pytest.raises(TranskitError, match=r"^a worker process ended unexpectedly \(signal 9\); run again, or with"):
        for _ in parallel.map_chunks(_die_at_thirteen, list(range(100)), jobs=2):
            pass


def _pids_and_big_copies(chunk: list[str]) -> list[tuple[int, str]]:
    return [(os.getpid(), item * 3) for item in chunk]


def test_chunks_and_results_larger_than_a_pipe_holds_cross_in_order() -> None:
    """Each item and result is far larger than a pipe's 64 KiB: neither side waits for the other forever."""
    items = [f"{number:06}" * 50_000 for number in range(40)]  # 300 KB each
    results = [result for part in parallel.map_chunks(_pids_and_big_copies, items, jobs=2) for result in part]
    assert [copy for _, copy in results] == [item * 3 for item in items]
    assert len({pid for pid, _ in results}) == 2


def _unpicklable(chunk: list[int]) -> list[object]:
    return [lambda: item for item in chunk]


def test_a_result_that_cannot_come_back_is_an_error() -> None:
    with pytest.raises(Exception, match="pickle"):
        for _ in parallel.map_chunks(_unpicklable, list(range(100)), jobs=2):
            pass


def gone(pid: int) -> bool:
    """True when ``pid`` no longer exists, not even as a zombie: it ended and was waited for."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("ending", ["all results", "a crash", "the caller stops early"])
def test_no_worker_outlives_the_iteration(ending: str, tmp_path: Path) -> None:
    def work(chunk: list[int]) -> list[int]:
        (tmp_path / str(os.getpid())).touch()  # (every worker that ever ran a chunk)
        if ending == "a crash" and 90 in chunk:
            raise ValueError("ninety")
        return chunk

    results = parallel.map_chunks(work, list(range(100)), jobs=2)
    crashed = False
    try:
        for _ in results:
            if ending == "the caller stops early":
                results.close()
                break
    except ValueError:
        crashed = True
    assert crashed == (ending == "a crash")
    pids = {int(path.name) for path in tmp_path.iterdir()}
    assert pids and os.getpid() not in pids  # (a function the workers were forked with: no pickling needed)
    assert all(gone(pid) for pid in pids)


@pytest.mark.skipif(not TRANSKIT.exists(), reason="the transkit console script is not installed")
def test_jobs_option_and_status(tmp_path: Path) -> None:
    root = project(tmp_path)
    for jobs in ("1", "2"):
        done = subprocess.run([str(TRANSKIT), "sync", "--jobs", jobs, "--project", str(root)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    outputs = [subprocess.run([str(TRANSKIT), "status", "--format", "json", "--jobs", jobs, "--project", str(root)],
                              capture_output=True, text=True, timeout=120) for jobs in ("1", "2")]
    assert outputs[0].returncode == 0 and outputs[0].stdout == outputs[1].stdout
    bad = subprocess.run([str(TRANSKIT), "build", "-j", "0", "--project", str(root)], capture_output=True, text=True)
    assert bad.returncode == 2 and "0" in bad.stderr


def test_the_sample_project_builds_the_same_with_a_pool(tmp_path: Path) -> None:
    """A real article among generated ones: walked once, built in both languages, in workers."""
    roots = []
    for jobs in (1, 2):
        root = project(tmp_path / f"j{jobs}")
        (root / "sources" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
        config = load_config(root)
        assert sync_project(config, jobs=jobs).ok
        assert build_project(config, jobs=jobs).ok
        roots.append(root)
    assert files(roots[0]) == files(roots[1])
