"""Nothing a translator wrote is ever lost, even to ``kill -9``.

A real ``transkit`` process runs sync, build and prefill over a generated
200-article project and is killed with SIGKILL after random delays, again
and again. After every kill each catalog, template and page on disk must be
byte-identical either to what it was before the run or to what a clean,
uninterrupted run produces on a copy of the project: never truncated, never
a mix. Temporary files a kill leaves behind are hidden ``.name.XXXXXXXX.tmp``
files that no glob for catalogs or pages matches, and the next run (which
holds the project lock, so no other writer can own them) removes them; the
rerun then completes and gives exactly the clean result.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from transkit.catalog.pofile import read_catalog, write_catalog

TRANSKIT = Path(sys.executable).parent / "transkit"
ARTICLES = 200
KILLS_PER_COMMAND = 10
SEED = 20261128

pytestmark = pytest.mark.skipif(not TRANSKIT.exists(), reason="the transkit console script is not installed")

SUBJECTS = ["The minister", "A reporter", "The committee", "Our translator", "The mayor", "A spokesperson",
            "The delegation", "The court", "An engineer", "The editor"]
VERBS = ["announced", "questioned", "described", "postponed", "welcomed", "rejected", "explained", "reviewed"]
OBJECTS = ["the new budget", "a trade agreement", "the bridge project", "the election results", "a visit to Beijing",
           "the health reform", "a museum opening", "the railway timetable", "the water supply plan"]
TAILS = ["on Monday", "in a short statement", "after long talks", "despite the rain", "with some caution",
         "for the first time", "late in the evening"]


def sentence(rng: random.Random, number: int) -> str:
    """A sentence from a small pool (so articles share sentences and memory has matches), some with markup."""
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}"
    kind = number % 5
    if kind == 1:
        text = text.replace(" ", " <strong>", 1) + "</strong>"
    elif kind == 2:
        text += f' (<a href="https://example.org/n/{number % 13}">source</a>)'
    elif kind == 3:
        text += f"<sup>{number % 7 + 1}</sup>"
    return text + "."


def article(rng: random.Random, slug: int, revision: int) -> str:
    paragraphs = []
    for index in range(6):
        sentences = [sentence(rng, slug * 31 + index * 7 + k) for k in range(3)]
        if revision == 2 and index == slug % 6:
            sentences[1] = f"Revised for the second edition, paragraph {index}, article {slug}."
        paragraphs.append(f"<p>{' '.join(sentences)}</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Article {slug}</title>"
        f'<meta name="description" content="Article number {slug} of the archive."></head>\n<body>\n'
        f"<h1>Article {slug}</h1>\n" + "\n".join(paragraphs) + "\n</body></html>\n"
    )


def write_sources(root: Path, revision: int) -> None:
    for slug in range(ARTICLES):
        rng = random.Random(SEED + slug)  # the same sentences in both revisions
        path = root / "sources" / f"a{slug:03d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article(rng, slug, revision), encoding="utf-8")


def translate_humanly(root: Path, count: int) -> None:
    """Human (non-fuzzy) translations in the first ``count`` articles: prefill's memory."""
    for slug in range(count):
        for lang in ("tr", "ru"):
            path = root / "locales" / lang / f"a{slug:03d}.po"
            catalog = read_catalog(path)
            entries = tuple(e if e.obsolete else replace(e, msgstr=f"[{lang}] {e.msgid}") for e in catalog.entries)
            write_catalog(path, replace(catalog, entries=entries))


def transkit(root: Path, *args: str) -> list[str]:
    return [str(TRANSKIT), *args[:1], "--project", str(root), "-q", *args[1:]]


def run(root: Path, *args: str) -> None:
    done = subprocess.run(transkit(root, *args), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file transkit writes in the project (catalogs, templates, pages), by relative path."""
    files = {}
    for folder in ("locales", "build"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and not is_temporary(path):
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def is_temporary(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(".tmp")


def temporaries(root: Path) -> list[Path]:
    return [p for folder in ("locales", "build") for p in (root / folder).rglob(".*.tmp")]


@dataclass
class Tally:
    """How the kills landed: while the process ran, or after it had already finished."""

    mid_run: int = 0
    finished: int = 0
    files_new: int = 0  # files found already in their new version after a kill (progress made)
    temporaries: int = 0


def restore(root: Path, files: dict[str, bytes]) -> None:
    """Put the project back as it was before the run (every other kill starts afresh)."""
    for name in set(snapshot(root)) - set(files):
        (root / name).unlink()
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)


def kill_repeatedly(root: Path, args: tuple[str, ...], old: dict[str, bytes], new: dict[str, bytes],
                    duration: float, rng: random.Random, tally: Tally) -> None:
    """Start the command, SIGKILL it after a random delay, check every file; KILLS_PER_COMMAND times.

    Odd kills continue from what the previous kill left (a mix of old and new files), even ones
    start from the old state again, so that kills land all along a full run.
    """
    for number in range(KILLS_PER_COMMAND):
        if number % 2 == 0:
            restore(root, old)
        process = subprocess.Popen(transkit(root, *args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=rng.uniform(0.05, 0.95) * duration)
            tally.finished += 1
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL: no cleanup of any kind runs
            process.wait()
            tally.mid_run += 1
        tally.temporaries += len(temporaries(root))
        now = snapshot(root)
        for name, data in now.items():
            assert data in (old.get(name), new.get(name)), f"{name} is neither the old nor the new version"
        missing = set(old) - set(now)
        assert not missing, f"files lost: {sorted(missing)[:5]}"
        tally.files_new += sum(1 for name, data in now.items() if data == new.get(name) != old.get(name))
        for path in temporaries(root):  # a leftover can never pass for a catalog or a page
            assert not path.match("*.po") and not path.match("*.pot") and not path.match("*.html")


def clean_run(root: Path, scratch: Path, *args: str) -> tuple[dict[str, bytes], float]:
    """What an uninterrupted run gives, on a copy; and how long it took."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, symlinks=True)
    started = time.monotonic()
    run(scratch, *args)
    return snapshot(scratch), time.monotonic() - started


def test_sigkill_at_random_points_never_leaves_a_broken_file(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    root = tmp_path / "site"
    write_sources(root, 1)
    (root / "transkit.toml").write_text('languages = ["tr", "ru"]\n', encoding="utf-8")
    run(root, "sync")
    translate_humanly(root, 20)
    run(root, "build")  # pages from the first revision: the "old" pages
    write_sources(root, 2)  # every article changes: sync must rewrite every template and catalog
    tally = {name: Tally() for name in ("sync", "build", "prefill")}
    durations = {}

    steps = [("sync",), ("build",), ("prefill", "--engine", "tm")]
    for args in steps:
        old = snapshot(root)
        new, duration = clean_run(root, tmp_path / "clean", *args)
        durations[args[0]] = round(duration, 2)
        assert new != old
        kill_repeatedly(root, args, old, new, duration, rng, tally[args[0]])
        run(root, *args)  # the rerun completes…
        assert snapshot(root) == new  # …with exactly the clean result
        assert temporaries(root) == []  # and sweeps what the kills left

    print("clean run seconds:", durations, "kills:", {name: t.__dict__ for name, t in tally.items()})  # pytest -s
    assert sum(t.mid_run for t in tally.values()) >= KILLS_PER_COMMAND  # kills landed mid-run…
    assert sum(t.files_new for t in tally.values()) > 0  # …and after writing had begun
