"""Prefill benchmarks (not a test; numbers for the issue's note).

    .venv/bin/python tests/prefill/bench_prefill.py mt [--entries 480] [--latency 0.05] [--workers 1 4 8 16]
    .venv/bin/python tests/prefill/bench_prefill.py tm [--units 100000] [--queries 3000] [--verify 300]

``mt``: a real project (the sample article's sentences, made unique per
article) prefilled against the local LibreTranslate-compatible server of
``fakemt.py`` answering after ``--latency`` seconds; the cache is emptied
before every run, so every entry is one HTTP request.

``tm``: a MemoryIndex of ``--units`` units, then lookups: a third exact, a
third with one or two words changed, a third unrelated. Two corpora: Zipf-
distributed words over a 30,000-word vocabulary (like real text), and the
sample's own ~600 words reshuffled (a worst case for the word index).
"""

from __future__ import annotations

import argparse
import html
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parent.parent

from fakemt import start_server  # noqa: E402

from transkit.config import load_config  # noqa: E402
from transkit.pipeline import sync_project  # noqa: E402
from transkit.prefill.apply import PrefillOptions, prefill_project  # noqa: E402
from transkit.prefill.memory import MemoryIndex, MemoryUnit  # noqa: E402

SAMPLE = REPO / "sources" / "putin-prepares-to-visit-china.html"


def _sample_sentences() -> list[str]:
    """The sample article's segments as plain text (placeholders dropped)."""
    from transkit.catalog.pofile import read_catalog
    from transkit.source.inline import PLACEHOLDER

    root = Path(tempfile.mkdtemp(prefix="transkit-bench-"))
    try:
        (root / "sources").mkdir()
        shutil.copy(SAMPLE, root / "sources")
        sync_project(load_config(root))
        [template] = (root / "locales" / "templates").glob("*.pot")
        return [PLACEHOLDER.sub("", e.msgid).strip() for e in read_catalog(template).entries]
    finally:
        shutil.rmtree(root)


def _letters(number: int) -> str:
    """A unique word per number (numbers themselves are protected, so they would not make texts unique)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return word


def _project(root: Path, entries: int, url: str, workers: int) -> None:
    """Articles of one-sentence paragraphs, every sentence unique (so one request per entry)."""
    sentences = _sample_sentences()
    (root / "sources").mkdir(parents=True)
    for article in range(0, entries, len(sentences)):
        paragraphs = [f"<p>Item {_letters(article + i)}: {html.escape(text)}</p>" for i, text in enumerate(sentences[: entries - article])]
        page = f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title></title></head><body>{"".join(paragraphs)}</body></html>'
        (root / "sources" / f"article-{article:05d}.html").write_text(page, encoding="utf-8")
    (root / "transkit.toml").write_text(
        f'languages = ["en", "ru"]\nsegmentation = "paragraph"\n[prefill]\nengine = "libre"\nurl = "{url}"\nworkers = {workers}\n',
        encoding="utf-8",
    )
    sync_project(load_config(root))


def bench_mt(entries: int, latency: float, worker_counts: list[int]) -> None:
    server = start_server(latency=latency)
    try:
        for workers in worker_counts:
            root = Path(tempfile.mkdtemp(prefix="transkit-bench-"))
            try:
                _project(root, entries, server.url, workers)
                config = load_config(root)
                start = time.perf_counter()
                report = prefill_project(config, PrefillOptions())
                elapsed = time.perf_counter() - start
                print(
                    f"workers={workers:2d}: {report.from_mt} entries ({report.requests} requests, "
                    f"{report.failed} failed) in {elapsed:.2f}s = {report.from_mt / elapsed:.1f} entries/s "
                    f"at {latency * 1000:.0f} ms latency",
                    flush=True,
                )
            finally:
                shutil.rmtree(root, ignore_errors=True)
    finally:
        server.stop()


def _zipf_corpus(count: int, rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 11))) for _ in range(30_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    return [" ".join(rng.choices(vocabulary, weights, k=rng.randint(5, 35))).capitalize() + "." for _ in range(count)]


def _sample_corpus(count: int, rng: random.Random) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", SAMPLE.read_text(encoding="utf-8"))
    words = re.findall(r"[\w’'-]+", text)
    return [" ".join(rng.choices(words, k=rng.randint(5, 35))) + "." for _ in range(count)]


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    for _ in range(rng.randint(1, 2)):
        index = rng.randrange(len(words))
        words[index] = words[index][::-1] + "x"
    return " ".join(words)


def bench_tm(units: int, queries: int, verify: int) -> None:
    for name, make in (("zipf-30k-vocabulary", _zipf_corpus), ("sample-words-reshuffled", _sample_corpus)):
        rng = random.Random(2026)
        sources = make(units + queries, rng)
        start = time.perf_counter()
        memory = MemoryIndex([MemoryUnit(s, s.upper(), "bench") for s in sources[:units]], 75.0)
        built = time.perf_counter() - start
        third = queries // 3
        asked = (
            rng.sample(sources[:units], third)
            + [_edit(s, rng) for s in rng.sample(sources[:units], third)]
            + sources[units: units + queries - 2 * third]
        )
        start = time.perf_counter()
        found = [memory.lookup(q) for q in asked]
        elapsed = time.perf_counter() - start
        exact = sum(1 for m in found[:third] if m and m.exact)
        fuzzy = sum(1 for m in found[third: 2 * third] if m and not m.exact)
        print(
            f"{name}: {len(memory):,} units indexed in {built:.1f}s; {len(asked):,} lookups in {elapsed:.2f}s "
            f"= {len(asked) / elapsed:,.0f} lookups/s (exact {exact}/{third}, fuzzy {fuzzy}/{third}, "
            f"unrelated matched {sum(1 for m in found[2 * third:] if m)}/{len(asked) - 2 * third})",
            flush=True,
        )
        if verify:
            _verify(memory, sources[:units], [_edit(s, rng) for s in rng.sample(sources[:units], verify)])


def _verify(memory: MemoryIndex, sources: list[str], queries: list[str]) -> None:
    """Recall of the index against rapidfuzz over every unit (brute force)."""
    from rapidfuzz import fuzz, process

    from transkit.prefill.memory import shape

    shapes = [shape(s) for s in sources]
    start = time.perf_counter()
    found = missed = worse = 0
    for query in queries:
        best = process.extractOne(shape(query), shapes, scorer=fuzz.ratio, score_cutoff=memory.min_similarity)
        match = memory.lookup(query)
        if best is None:
            continue
        found += 1
        missed += match is None
        worse += match is not None and match.score < min(best[1], 99.0) - 1e-9
    elapsed = time.perf_counter() - start
    print(f"  brute force found a match for {found}/{len(queries)} edited queries; the index missed {missed}, "
          f"chose a worse one {worse} times ({len(queries) / elapsed:.0f} brute-force+index lookups/s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    mt = sub.add_parser("mt")
    mt.add_argument("--entries", type=int, default=480)
    mt.add_argument("--latency", type=float, default=0.05)
    mt.add_argument("--workers", type=int, nargs="+", default=[1, 4, 8, 16])
    tm = sub.add_parser("tm")
    tm.add_argument("--units", type=int, default=100_000)
    tm.add_argument("--queries", type=int, default=3000)
    tm.add_argument("--verify", type=int, default=0, help="also compare N edited queries with brute force")
    arguments = parser.parse_args()
    if arguments.what == "mt":
        bench_mt(arguments.entries, arguments.latency, arguments.workers)
    else:
        bench_tm(arguments.units, arguments.queries, arguments.verify)


if __name__ == "__main__":
    main()
