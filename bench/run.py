#!/usr/bin/env python3
"""Time transkit and translate-toolkit side by side on the same generated corpus.

    python bench/run.py [--n 1000] [--work bench-out] [--peer-venv .bench-venv] [--skip-peer]

Steps, for both tools, on the same files: cold sync into two languages, a
re-sync with nothing changed, a sync after a 10% revision of the sources
(after every catalog was translated), a build for two languages, and a
status report. Each step runs as separate processes; wall seconds and the
peak resident memory of the largest process are printed side by side with
the ratio transkit/peer. translate-toolkit (with its RapidFuzz extra, i.e.
at its best) lives in its own venv so it never touches transkit's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LANGUAGES = ("tr", "ru")


@dataclass
class Measure:
    seconds: float
    peak_mb: float


def measure(commands: list[list[str]], cwd: Path) -> Measure:
    """Run commands one after another; wall time summed, peak RSS of the largest process."""
    start = time.perf_counter()
    peak = 0.0
    for command in commands:
        probe = [sys.executable, "-c", _PROBE, *command]
        done = subprocess.run(probe, cwd=cwd, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
        peak = max(peak, float(done.stdout.strip().splitlines()[-1]))
    return Measure(time.perf_counter() - start, peak)


# Runs one command and prints the peak RSS (MB) of it and its children.
_PROBE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if code.returncode not in (0, 1):
    sys.stderr.write(code.stderr.decode(errors="replace")); sys.exit(code.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
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


def bench_transkit(work: Path, n: int, transkit: str) -> tuple[dict[str, Measure], int]:
    root = work / "transkit"
    shutil.rmtree(root, ignore_errors=True)
    generate(n, root / "sources")
    (root / "transkit.toml").write_text('languages = ["tr", "ru"]\n')
    results = {"cold sync": measure([[transkit, "sync", "-q"]], root)}
    results["no-change sync"] = measure([[transkit, "sync", "-q"]], root)
    fill_catalogs(root / "locales")
    shutil.rmtree(root / "sources")
    generate(n, root / "sources", revise=10)
    results["sync after 10% revision"] = measure([[transkit, "sync", "-q"]], root)
    kept = live_translations(root / "locales")
    results["build 2 languages"] = measure([[transkit, "build", "-q", "--include-fuzzy"]], root)
    results["status"] = measure([[transkit, "status"]], root)
    return results, kept


def bench_peer(work: Path, n: int, venv: Path) -> tuple[dict[str, Measure], int]:
    root = work / "peer"
    shutil.rmtree(root, ignore_errors=True)
    generate(n, root / "sources")
    for folder in ("po", "po-again", "po-revised", "out"):
        (root / folder).mkdir(parents=True)
    tool = lambda name: str(venv / "bin" / name)  # noqa: E731
    extract = [tool("html2po"), "--pot", "-i", "sources", "-o", "pot"]
    merge = lambda lang, template, out: [tool("pot2po"), *(["-t", template] if template else []), "-i", "pot", "-o", out]  # noqa: E731
    results = {"cold sync": measure([extract, *(merge(lang, None, f"po/{lang}") for lang in LANGUAGES)], root)}
    results["no-change sync"] = measure(
        [extract, *(merge(lang, f"po/{lang}", f"po-again/{lang}") for lang in LANGUAGES)], root
    )
    fill_catalogs(root / "po")
    shutil.rmtree(root / "sources")
    shutil.rmtree(root / "pot")
    generate(n, root / "sources", revise=10)
    results["sync after 10% revision"] = measure(
        [extract, *(merge(lang, f"po/{lang}", f"po-revised/{lang}") for lang in LANGUAGES)], root
    )
    kept = live_translations(root / "po-revised")
    results["build 2 languages"] = measure(
        [[tool("po2html"), "--fuzzy", "-t", "sources", "-i", f"po-revised/{lang}", "-o", f"out/{lang}"] for lang in LANGUAGES],
        root,
    )
    results["status"] = measure([[tool("pocount"), *(f"po-revised/{lang}" for lang in LANGUAGES)]], root)
    return results, kept


def ensure_peer(venv: Path) -> None:
    if (venv / "bin" / "html2po").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "translate-toolkit[levenshtein]"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=int(os.environ.get("BENCH_N", 1000)))
    parser.add_argument("--work", type=Path, default=REPO / "bench-out")
    parser.add_argument("--peer-venv", type=Path, default=REPO / ".bench-venv")
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    transkit = shutil.which("transkit", path=str(Path(sys.executable).parent)) or "transkit"
    print(f"corpus: {args.n} articles; machine: {os.cpu_count()} cores; commit: {_commit()}")
    ours, ours_kept = bench_transkit(args.work, args.n, transkit)
    peer: dict[str, Measure] = {}
    peer_kept = 0
    if not args.skip_peer:
        ensure_peer(args.peer_venv)
        peer, peer_kept = bench_peer(args.work, args.n, args.peer_venv)
    print(f"{'step':26} {'transkit s':>11} {'peer s':>9} {'ratio':>7} {'transkit MB':>12} {'peer MB':>9}")
    for step, mine in ours.items():
        other = peer.get(step)
        ratio = f"{mine.seconds / other.seconds:7.3f}" if other else "      -"
        print(f"{step:26} {mine.seconds:11.2f} {other.seconds if other else float('nan'):9.2f} {ratio} "
              f"{mine.peak_mb:12.0f} {other.peak_mb if other else float('nan'):9.0f}")
    print(f"translations live after the revision: transkit {ours_kept}, translate-toolkit {peer_kept}")
    if args.json:
        args.json.write_text(json.dumps({
            "n": args.n, "transkit": {k: vars(v) for k, v in ours.items()},
            "peer": {k: vars(v) for k, v in peer.items()}, "kept": {"transkit": ours_kept, "peer": peer_kept},
        }, indent=2))


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


if __name__ == "__main__":
    main()
