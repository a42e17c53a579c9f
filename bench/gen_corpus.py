#!/usr/bin/env python3
"""Generate a deterministic corpus of article HTML files for benchmarks.

Every article is built from the sample article's markup: each paragraph's
words are reshuffled with a per-article seed, so segments are unique across
articles but keep realistic length, punctuation and inline markup.

    gen_corpus.py N OUT_DIR [--sample FILE] [--seed S] [--revise PCT]

--revise PCT writes the same N articles again with PCT percent of their
paragraphs edited (a word changed, a sentence dropped or a paragraph added),
which is what a drift benchmark needs: run it into a second folder with the
same N and seed, then sync against it.
"""
import argparse
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SAMPLE = HERE.parent / "sources" / "putin-prepares-to-visit-china.html"
PARA = re.compile(r"(<p>)(.*?)(</p>)", re.S)
TAG = re.compile(r"(<[^>]+>)")
SENTENCE_END = re.compile(r"(?<=[.!?”]) ")


def shuffle_text(text, rng):
    parts = TAG.split(text)
    out = []
    for part in parts:
        if part.startswith("<"):
            out.append(part)
            continue
        sentences = SENTENCE_END.split(part)
        out.append(" ".join(shuffle_sentence(s, rng) for s in sentences))
    return "".join(out)


def shuffle_sentence(sentence, rng):
    """Reorder the inner words, keeping the first and last in place."""
    words = sentence.split(" ")
    if len(words) < 4:
        return sentence
    inner = words[1:-1]
    rng.shuffle(inner)
    return " ".join([words[0], *inner, words[-1]])


def revise(text, rng):
    choice = rng.randrange(3)
    if choice == 0:  # change one word
        words = text.split(" ")
        i = rng.randrange(len(words))
        if not words[i].startswith("<") and "<" not in words[i]:
            words[i] = words[i][::-1]
        return " ".join(words)
    if choice == 1:  # drop the last sentence if there are several
        cut = text.rfind(". ")
        return text[: cut + 1] if cut > 0 else text
    return text + "</p>\n    <p>An editor added this sentence in revision number %d." % rng.randrange(10**6)


def make_article(sample, n, seed, revise_pct):
    rng = random.Random(seed * 1_000_003 + n)
    rev_rng = random.Random(seed * 7_000_001 + n)

    def para(m):
        body = shuffle_text(m.group(2), rng)
        if revise_pct and rev_rng.random() * 100 < revise_pct:
            body = revise(body, rev_rng)
        return m.group(1) + body + m.group(3)

    html = PARA.sub(para, sample)
    return html.replace("Putin Prepares to Visit China", "Article %d: Putin Prepares to Visit China" % n)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--revise", type=float, default=0.0, metavar="PCT")
    args = ap.parse_args()
    sample = args.sample.read_text(encoding="utf-8")
    args.out.mkdir(parents=True, exist_ok=True)
    for n in range(args.n):
        sub = args.out / ("%02d" % (n % 100))
        sub.mkdir(exist_ok=True)
        (sub / ("article-%05d.html" % n)).write_text(make_article(sample, n, args.seed, args.revise), encoding="utf-8")


if __name__ == "__main__":
    main()
