"""make bench: the side-by-side table and the memory-scaling report, on a tiny corpus (the peer skipped:
its venv needs the network). What the issue asks of the benchmark, not how fast anything is."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO

STEPS = ["cold sync", "no-change sync", "sync after 10% revision", "build 2 languages", "status"]


def bench(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--work", str(work), *args],
        capture_output=True, text=True, timeout=600,
    )


def test_bench_times_every_step_and_reports_wall_cpu_and_memory(tmp_path: Path) -> None:
    result = bench(tmp_path / "work", "--n", "12", "--repeat", "1", "--skip-peer", "--json", str(tmp_path / "out.json"))
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(tuple(STEPS))]
    assert [row[:26].strip() for row in rows] == STEPS
    found = json.loads((tmp_path / "out.json").read_text())["transkit"]
    for step in STEPS:
        assert found[step]["seconds"] > 0 and found[step]["cpu_seconds"] > 0 and found[step]["peak_mb"] > 5, step
    kept = next(line for line in result.stdout.splitlines() if line.startswith("translations live"))
    assert int(kept.split("transkit ")[1].split(",")[0]) > 0  # the revision kept translations live
    assert not list((tmp_path / "work").glob(".trash-*"))  # folders set aside during the timing are gone


def test_memory_scaling_reports_the_ratio_of_peaks(tmp_path: Path) -> None:
    result = bench(tmp_path / "work", "--memory-scaling", "--scaling-n", "6,12")
    assert result.returncode == 0, result.stderr
    for step in ("cold sync", "no-change sync", "build 2 languages"):
        assert f"{step}: peak memory at N = 12 is " in result.stdout, result.stdout


@pytest.fixture
def bench_module(monkeypatch: pytest.MonkeyPatch) -> Any:
    """bench/run.py, imported (it is a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_run", module)  # (its dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def test_a_run_waits_until_the_last_runs_deletions_stop_slowing_file_creation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bench_module: Any
) -> None:
    bench = bench_module
    slept: list[float] = []
    monkeypatch.setattr(bench.time, "sleep", slept.append)
    bench.wait_after_last_cleanup(tmp_path)  # no run before: no wait
    (tmp_path / "old").mkdir()
    bench.TRASH.discard(tmp_path / "old")
    bench.TRASH.empty(tmp_path)
    assert not any(tmp_path.glob(".trash-*")) and (tmp_path / bench.CLEANED_AT).exists()
    bench.wait_after_last_cleanup(tmp_path)
    assert len(slept) == 1 and bench.RECENT_DELETES_SECONDS - 5 < slept[0] <= bench.RECENT_DELETES_SECONDS


def test_a_step_is_timed_from_the_commands_start_to_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bench_module: Any
) -> None:
    """The wall time the probe saw the command take, not the probe's own start-up too."""
    sleeper = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    started = time.perf_counter()
    slept = bench_module.measure([sleeper, sleeper], tmp_path)
    assert 0.6 <= slept.seconds <= time.perf_counter() - started  # both commands, summed
    probe_lines = iter(["0.25 30.0 0.5\n", "0.5 40.0 0.25\n"])  # what the probe prints: wall, MB, CPU
    monkeypatch.setattr(bench_module.subprocess, "run", lambda *args, **kwargs: subprocess.CompletedProcess(
        args, 0, stdout=next(probe_lines), stderr=""))
    assert bench_module.measure([["a"], ["b"]], tmp_path) == bench_module.Measure(0.75, 0.75, 40.0)
