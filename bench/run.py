#!/usr/bin/env python3
"""Time transkit and translate-toolkit side by side on the same generated corpus.

    python bench/run.py [--n 1000] [--steps cold,revision] [--jobs N] [--skip-peer]
    python bench/run.py --memory-scaling [--scaling-n 1000,10000]

Steps, for both tools, on the same files: cold sync into two languages, a
re-sync with nothing changed, a sync after a 10% revision of the sources
(after every catalog was translated), a build for two languages, and a
status report. ``--steps`` times only some of them (the steps before the
last one asked for still run, untimed, since each works on the previous
one's result). Each step runs as separate processes; the table shows wall
seconds, CPU seconds (user + system, all processes: on a busy machine wall
time says little), the ratio transkit/peer of wall seconds, and the peak
resident memory of the largest single process (transkit runs one worker
process per core; translate-toolkit one process). translate-toolkit (with
its RapidFuzz extra, i.e. at its best) lives in its own venv, made on
first use, so it never touches transkit's.

Each timed step runs ``--repeat`` times (default 3) from the same files and
the best run counts (as timeit does: noise only ever adds time); before every
run the disk is flushed and left to settle, so one tool never pays for the
other's (or the set-up's) pending writes. ``--work`` puts the corpus elsewhere,
e.g. on a RAM disk (``--work /dev/shm/bench``) to compare the tools' own work
without the disk.

``--memory-scaling`` runs transkit's cold sync, no-change sync and build at
each size of ``--scaling-n`` and prints their peak memory and the ratio of the
largest to the smallest size (the goal: at most 1.5 from 1,000 to 10,000
articles).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LANGUAGES = ("tr", "ru")
STEPS = {  # short name -> row label, in the order they run
    "cold": "cold sync",
    "nochange": "no-change sync",
    "revision": "sync after 10% revision",
    "build": "build 2 languages",
    "status": "status",
}


@dataclass
class Measure:
    seconds: float
    cpu_seconds: float
    peak_mb: float


def measure(commands: list[list[str]], cwd: Path) -> Measure:
    """Run commands one after another: wall time and CPU time summed, peak RSS of the largest process.

    Each command runs under a probe process that reads its resource usage; the wall
    time is the command's own, from its start to its end as the probe sees them (the
    probe's interpreter start-up, ~20 ms, is neither tool's).
    """
    seconds = peak = cpu = 0.0
    for command in commands:
        probe = [sys.executable, "-c", _PROBE, *command]
        done = subprocess.run(probe, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
        wall, rss, used = done.stdout.strip().splitlines()[-1].split()
        seconds, peak, cpu = seconds + float(wall), max(peak, float(rss)), cpu + float(used)
    return Measure(seconds, cpu, peak)


# Runs one command; prints its wall seconds, the peak RSS (MB) of it and its children, and their CPU seconds.
_PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if code.returncode not in (0, 1):
    sys.stderr.write(code.stderr.decode(errors="replace")); sys.exit(code.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
"""


def generate(n: int, out: Path, revise: float = 0.0) -> None:
    args = [sys.executable, str(HERE / "gen_corpus.py"), str(n), str(out)]
    if revise:
        args += ["--revise", str(revise)]
    subprocess.run(args, check=True)


def fill_catalogs(folder: Path, suffix: str = ".po") -> int:
    """Translate every entry (msgstr = upper-cased msgid, placeholders kept) so drift has work to keep."""
    import polib

    count = 0
    for path in sorted(folder.rglob(f"*{suffix}")):
        catalog = polib.pofile(str(path), wrapwidth=79)
        for entry in catalog:
            if entry.msgid and not entry.obsolete:
                entry.msgstr = _shout(entry.msgid)
                count += 1
        catalog.save(str(path))
    return count


def _shout(text: str) -> str:
    import re

    return re.sub(r"(^|>)([^<]*)", lambda m: m.group(1) + m.group(2).upper(), text)


def live_translations(folder: Path) -> int:
    """Entries that still carry a translation (translated or fuzzy), obsolete ones excluded."""
    import polib

    return sum(
        1
        for path in folder.rglob("*.po")
        for entry in polib.pofile(str(path))
        if entry.msgid and entry.msgstr and not entry.obsolete
    )


class Trash:
    """Folders put aside instead of deleted, and deleted only once the timing is over.

    ext4 scans past recently deleted inodes when it allocates new ones: right
    after a large delete, creating files costs several times its usual system
    time (perf shows ``recently_deleted`` in ``__ext4_new_inode``). Deleting
    between runs would charge that to whichever tool runs next.
    """

    def __init__(self) -> None:
        self.folders: list[Path] = []

    def discard(self, path: Path) -> None:
        if not path.exists():
            return
        aside = path.with_name(f".trash-{path.name}-{os.getpid()}-{len(self.folders)}")
        path.rename(aside)
        self.folders.append(aside)

    def empty(self, work: Path) -> None:
        """Delete the folders put aside, and note when (see :func:`wait_after_last_cleanup`)."""
        if not self.folders:
            return
        for folder in self.folders:
            shutil.rmtree(folder, ignore_errors=True)
        self.folders.clear()
        if work.is_dir():
            (work / CLEANED_AT).write_text(f"{time.time()}\n")


# ext4 skips the inodes freed in the last 60 s, or 300 s while their table is being written
# back, when it allocates new ones (RECENTCY_MIN and RECENTCY_DIRTY in fs/ext4/ialloc.c): a run
# started right after the last one deleted its corpora paid for it in its first steps (a cold
# sync measured 0.75 s with 1.35 s of CPU, then 1.30 s with 2.42 s two minutes after a run).
CLEANED_AT = ".cleaned-at"
RECENT_DELETES_SECONDS = 300


def wait_after_last_cleanup(work: Path) -> None:
    """Sleep until the last run's deletions in ``work`` no longer slow file creation down."""
    try:
        cleaned = float((work / CLEANED_AT).read_text())
    except (OSError, ValueError):
        return
    wait = cleaned + RECENT_DELETES_SECONDS - time.time()
    if wait > 0:
        print(f"waiting {wait:.0f} s: the last run deleted its corpora {time.time() - cleaned:.0f} s ago, and ext4 "
              f"creates files slowly for {RECENT_DELETES_SECONDS} s after a large delete", flush=True)
        time.sleep(wait)


TRASH = Trash()


def settle() -> None:
    """Let the disk write back what earlier steps (or the set-up) wrote, so that it is not charged to the next step.

    On a virtual disk, file creation stalls while earlier writes are flushed: the
    same 3,000 creates were measured at 0.07 s and at 1.8 s on this project's CI
    machine depending on what came before.
    """
    os.sync()
    time.sleep(SETTLE_SECONDS)


SETTLE_SECONDS = 1.0


class Runner:
    """Runs the steps in order up to the last one wanted; times the wanted ones, best of ``repeat`` runs."""

    def __init__(self, wanted: list[str], cwd: Path, repeat: int = 1) -> None:
        self.wanted, self.cwd, self.repeat = wanted, cwd, max(1, repeat)
        self.last = max(list(STEPS).index(step) for step in wanted)
        self.results: dict[str, Measure] = {}

    def step(self, name: str, commands: list[list[str]], before: Callable[[], None] | None = None) -> bool:
        """Run one step (after ``before``); False once past the last wanted step."""
        if list(STEPS).index(name) > self.last:
            return False
        if before is not None:
            before()
        if name not in self.wanted:
            measure(commands, self.cwd)
            return True
        snapshot = self.cwd.with_name(self.cwd.name + ".before-step")
        if self.repeat > 1:
            TRASH.discard(snapshot)
            shutil.copytree(self.cwd, snapshot, symlinks=True)
        runs = []
        for run in range(self.repeat):
            if run:  # every run starts from the same files
                TRASH.discard(self.cwd)
                shutil.copytree(snapshot, self.cwd, symlinks=True)
            settle()
            runs.append(measure(commands, self.cwd))
        TRASH.discard(snapshot)
        self.results[STEPS[name]] = min(runs, key=lambda m: m.seconds)
        return True


def byte_compile_transkit() -> None:
    """Compile transkit's modules once, as pip does when it installs a package.

    An editable install compiles them on first import, unless
    PYTHONDONTWRITEBYTECODE is set (it is on some CI machines): then every run
    would compile them again (~40 ms), while the peer, installed by pip, is compiled.
    """
    import transkit

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(transkit.__file__).parent)], check=True)


def bench_transkit(
    work: Path, n: int, transkit: str, wanted: list[str], jobs: int | None, repeat: int
) -> tuple[dict[str, Measure], int]:
    byte_compile_transkit()
    root = work / "transkit"
    TRASH.discard(root)
    generate(n, root / "sources")
    (root / "transkit.toml").write_text('languages = ["tr", "ru"]\n')
    option = [f"--jobs={jobs}"] if jobs else []
    runner = Runner(wanted, root, repeat)
    kept = 0

    def revise() -> None:
        fill_catalogs(root / "locales")
        TRASH.discard(root / "sources")
        generate(n, root / "sources", revise=10)

    if (
        runner.step("cold", [[transkit, "sync", "-q", *option]])
        and runner.step("nochange", [[transkit, "sync", "-q", *option]])
        and runner.step("revision", [[transkit, "sync", "-q", *option]], revise)
    ):
        kept = live_translations(root / "locales") if "revision" in wanted else 0
        runner.step("build", [[transkit, "build", "-q", "--include-fuzzy", *option]]) and runner.step(
            "status", [[transkit, "status", *option]]
        )
    return runner.results, kept


def bench_peer(work: Path, n: int, venv: Path, wanted: list[str], repeat: int) -> tuple[dict[str, Measure], int]:
    root = work / "peer"
    TRASH.discard(root)
    generate(n, root / "sources")
    for folder in ("po", "po-again", "po-revised", "out"):
        (root / folder).mkdir(parents=True)
    tool = lambda name: str(venv / "bin" / name)  # noqa: E731
    extract = [tool("html2po"), "--pot", "-i", "sources", "-o", "pot"]
    merge = lambda template, out: [tool("pot2po"), *(["-t", template] if template else []), "-i", "pot", "-o", out]  # noqa: E731
    runner = Runner(wanted, root, repeat)
    kept = 0

    def revise() -> None:
        fill_catalogs(root / "po")
        TRASH.discard(root / "sources")
        TRASH.discard(root / "pot")
        generate(n, root / "sources", revise=10)

    if (
        runner.step("cold", [extract, *(merge(None, f"po/{lang}") for lang in LANGUAGES)])
        and runner.step("nochange", [extract, *(merge(f"po/{lang}", f"po-again/{lang}") for lang in LANGUAGES)])
        and runner.step("revision", [extract, *(merge(f"po/{lang}", f"po-revised/{lang}") for lang in LANGUAGES)],
                        revise)
    ):
        kept = live_translations(root / "po-revised") if "revision" in wanted else 0
        build = [[tool("po2html"), "--fuzzy", "-t", "sources", "-i", f"po-revised/{lang}", "-o", f"out/{lang}"]
                 for lang in LANGUAGES]
        runner.step("build", build) and runner.step(
            "status", [[tool("pocount"), *(f"po-revised/{lang}" for lang in LANGUAGES)]]
        )
    return runner.results, kept


def ensure_peer(venv: Path) -> None:
    if (venv / "bin" / "html2po").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "translate-toolkit[levenshtein]"], check=True)


def print_table(ours: dict[str, Measure], peer: dict[str, Measure]) -> None:
    print(f"{'step':26} {'transkit s':>11} {'peer s':>9} {'ratio':>7} {'transkit cpu':>13} {'peer cpu':>9} "
          f"{'transkit MB':>12} {'peer MB':>8}")
    nan = Measure(float("nan"), float("nan"), float("nan"))
    for step, mine in ours.items():
        other = peer.get(step, nan)
        ratio = mine.seconds / other.seconds if step in peer else float("nan")
        print(f"{step:26} {mine.seconds:11.2f} {other.seconds:9.2f} {ratio:7.3f} {mine.cpu_seconds:13.2f} "
              f"{other.cpu_seconds:9.2f} {mine.peak_mb:12.0f} {other.peak_mb:8.0f}")


def memory_scaling(work: Path, sizes: list[int], transkit: str, jobs: int | None) -> dict[int, dict[str, Measure]]:
    """transkit's cold sync, no-change sync and build (of the untranslated catalogs) at each corpus size."""
    results = {}
    option = [f"--jobs={jobs}"] if jobs else []
    wait_after_last_cleanup(work)
    for n in sizes:
        root = work / f"scaling-{n}"
        TRASH.discard(root)  # (deleted at the end: deleting now would slow this size's file creation)
        generate(n, root / "sources")
        (root / "transkit.toml").write_text('languages = ["tr", "ru"]\n')
        found = {
            "cold sync": measure([[transkit, "sync", "-q", *option]], root),
            "no-change sync": measure([[transkit, "sync", "-q", *option]], root),
            "build 2 languages": measure([[transkit, "build", "-q", *option]], root),
        }
        results[n] = found
        print(f"  N = {n}: " + ", ".join(f"{step} {m.seconds:.1f} s, {m.peak_mb:.0f} MB" for step, m in found.items()),
              flush=True)
        TRASH.discard(root)
    TRASH.empty(work)
    small, large = min(sizes), max(sizes)
    for step in results[small]:
        ratio = results[large][step].peak_mb / results[small][step].peak_mb
        print(f"{step}: peak memory at N = {large} is {ratio:.2f}× that at N = {small}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N", 1000)))
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of: {', '.join(STEPS)}")
    parser.add_argument("--jobs", type=int, help="transkit --jobs (default: transkit's, one per core)")
    parser.add_argument("--work", type=Path, default=REPO / "bench-out")
    parser.add_argument("--peer-venv", type=Path, default=REPO / ".bench-venv")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step, from the same files; the best counts")
    parser.add_argument("--memory-scaling", action="store_true", help="transkit's peak memory across corpus sizes")
    parser.add_argument("--scaling-n", default="1000,10000", help="sizes for --memory-scaling")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--transkit", help="the transkit command to time (default: this venv's)")
    args = parser.parse_args()
    wanted = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = [step for step in wanted if step not in STEPS]
    if unknown or not wanted:
        parser.error(f"--steps: unknown step {unknown[0] if unknown else ''!r}; choose from {', '.join(STEPS)}")
    transkit = args.transkit or shutil.which("transkit", path=str(Path(sys.executable).parent)) or "transkit"
    if args.memory_scaling:
        sizes = sorted({int(size) for size in args.scaling_n.split(",")})
        print(f"memory scaling: {sizes}; machine: {os.cpu_count()} cores; commit: {_commit()}", flush=True)
        results = memory_scaling(args.work, sizes, transkit, args.jobs)
        if args.json:
            args.json.write_text(json.dumps(
                {str(n): {k: vars(v) for k, v in found.items()} for n, found in results.items()}, indent=2))
        return
    TRASH.folders.extend(args.work.glob(".trash-*"))  # left by an interrupted run
    TRASH.empty(args.work)
    wait_after_last_cleanup(args.work)
    try:
        run_side_by_side(args, transkit, wanted)
    finally:
        TRASH.empty(args.work)


def run_side_by_side(args: argparse.Namespace, transkit: str, wanted: list[str]) -> None:
    print(f"corpus: {args.n} articles in {args.work}; machine: {os.cpu_count()} cores; load: {_load()}; "
          f"commit: {_commit()}; best of {args.repeat} runs per step", flush=True)
    ours, ours_kept = bench_transkit(args.work, args.n, transkit, wanted, args.jobs, args.repeat)
    peer: dict[str, Measure] = {}
    peer_kept = 0
    if not args.skip_peer:
        ensure_peer(args.peer_venv)
        peer, peer_kept = bench_peer(args.work, args.n, args.peer_venv, wanted, args.repeat)
    print_table(ours, peer)
    if "revision" in wanted:
        print(f"translations live after the revision: transkit {ours_kept}, translate-toolkit {peer_kept}")
    print(f"load after: {_load()}")
    if args.json:
        args.json.write_text(json.dumps({
            "n": args.n, "commit": _commit(), "transkit": {k: vars(v) for k, v in ours.items()},
            "peer": {k: vars(v) for k, v in peer.items()}, "kept": {"transkit": ours_kept, "peer": peer_kept},
        }, indent=2))


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           capture_output=True, text=True)
    return (done.stdout.strip() or "unknown") + (" (+ uncommitted changes)" if dirty.stdout.strip() else "")


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # pragma: no cover
        return "?"


if __name__ == "__main__":
    main()
