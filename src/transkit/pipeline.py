"""Run the stages over a whole project: sync (source → POT → PO) and build (PO → HTML).

Each article is handled on its own: a problem with one (a broken catalog, an
unreadable source) is reported with its file and line, the others go on, and
the command exits non-zero at the end. Nothing here prints.
"""

from __future__ import annotations

import contextlib
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from .catalog.model import Catalog
from .catalog.pofile import format_catalog_utf8, head_header_value, plural_forms, read_catalog
from .catalog.sync import SOURCE_HASH, SOURCE_LANGUAGE, is_current, make_template, merge
from .config import Config
from .errors import SourceError, TranskitError
from .fsutil import (
    Staged,
    WriteBatch,
    batched_writes,
    commit_staged,
    discard_staged,
    read_bytes,
    read_head,
    write_if_changed,
)
from .incremental import Inputs, Manifest, input_fingerprint, input_paths, settings_fingerprint
from .layout import TEMPLATES, Article, catalog_path, find_articles, output_path, target_languages, template_path
from .parallel import keep_traceback, map_chunks, restore_traceback
from .source.html import WalkOptions, extract, source_hash, walk_page


class PathList:
    """A list of paths held as strings, handed out as Paths.

    A Path takes three to four times the memory of its string, and a build of
    ten thousand articles lists twenty thousand pages: held as Paths they were
    most of the growth of its memory with the number of articles.
    """

    def __init__(self, paths: Iterable[Path | str] = ()) -> None:
        self._paths = [os.fspath(path) for path in paths]

    def append(self, path: Path | str) -> None:
        self._paths.append(os.fspath(path))

    def extend(self, other: PathList) -> None:
        self._paths.extend(other._paths)

    def __iter__(self) -> Iterator[Path]:
        return map(Path, self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, index: int) -> Path:
        return Path(self._paths[index])

    def __contains__(self, path: object) -> bool:
        return isinstance(path, (str, os.PathLike)) and os.fspath(path) in self._paths

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PathList):
            return self._paths == other._paths
        return isinstance(other, list) and list(self) == other

    def __repr__(self) -> str:
        return f"PathList({self._paths!r})"


@dataclass
class Report:
    """What a project-wide command did: files written or out of date, problems found."""

    changed: PathList = field(default_factory=PathList)
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # build: languages below publish_threshold
    failures: list[TranskitError] = field(default_factory=list, repr=False)  # the errors' exceptions, for --debug
    # build: per article, its inputs' fingerprint (taken before they were read) and the languages it wrote
    built: dict[str, tuple[Inputs, tuple[str, ...]]] = field(default_factory=dict, repr=False)

    def fail(self, exc: TranskitError) -> None:
        """One article failed: keep its one-line message (and the exception for --debug)."""
        self.errors.append(str(exc))
        self.failures.append(exc)

    @property
    def ok(self) -> bool:
        return not self.errors

    def absorb(self, other: Report) -> None:
        """Add another report's findings after this one's (an article done by a worker)."""
        self.changed.extend(other.changed)
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        self.held_back.extend(other.held_back)
        self.failures.extend(restore_traceback(exc) for exc in other.failures)
        self.built.update(other.built)


COMMIT_EVERY = 512  # files renamed into place per flush to disk (see fsutil.batched_writes)
# ... or fewer while the workers are busy: the main process would only wait, and what is
# still to rename when the last result comes in is the one part nothing overlaps.
# (Replacing a file took 75-100 us on the ext4 disk measured: the 489 files a revision sync
# left to the end took 0.05 s idle, 0.47 s under load, after the last worker had finished.)
COMMIT_WHILE_WAITING = 48


def _run_chunk(
    work: functools.partial[None], flush_new: bool, articles: Sequence[Article]
) -> tuple[list[Report], Staged]:
    """``work(article, report)`` for each article of a chunk (in a worker process); a report each.

    The files it writes are staged, not renamed: the main process renames them,
    many chunks at a time, so that flushing to disk is paid rarely. New files
    that need no flush (not ``flush_new``) go in place at once instead.
    """
    reports = []
    with batched_writes(WriteBatch(limit=None, place_new=not flush_new), commit=False) as batch:
        for article in articles:
            report = Report()
            try:
                work(article, report)
            except TranskitError as exc:
                report.fail(keep_traceback(exc))
            reports.append(report)
    return reports, batch.take()


def _each_article(
    work: functools.partial[None], articles: Iterable[Article], jobs: int | None, flush_new: bool = True
) -> Iterator[Report]:
    """Every article through ``work``, in ``jobs`` processes: its report, in article order.

    Files are in place once the iteration is over; new ones flushed to disk only with
    ``flush_new`` (see :func:`fsutil.commit_staged`), and without it in place as soon as
    written (so an interrupted run keeps the new files of the articles it finished).
    """
    pending: Staged = []

    def commit_some(least: int) -> None:
        nonlocal pending
        if len(pending) >= least:
            commit_staged(pending, flush_new)
            pending = []

    try:
        chunks = map_chunks(
            functools.partial(_run_chunk, work, flush_new),
            articles,
            jobs,
            while_waiting=lambda: commit_some(COMMIT_WHILE_WAITING),
        )
        for reports, staged in chunks:
            pending.extend(staged)
            commit_some(COMMIT_EVERY)
            yield from reports
        commit_staged(pending, flush_new)
        pending = []
    finally:
        discard_staged(pending)  # only after a failure: those files stay as they were


def _run_articles(
    work: functools.partial[None], articles: Iterable[Article], jobs: int | None, flush_new: bool = True
) -> Report:
    """Every article through ``work``, in ``jobs`` processes; findings in article order."""
    report = Report()
    for part in _each_article(work, articles, jobs, flush_new):
        report.absorb(part)
    return report


# --------------------------------------------------------------------------- sync


def sync_project(
    config: Config, check: bool = False, only: tuple[str, ...] = (), jobs: int | None = None
) -> Report:
    """Bring every article's template and catalogs up to date with its source.

    With ``check`` nothing is written: ``changed`` lists what would change.
    Articles whose template and catalogs already record their source's hash
    are skipped unparsed; the others are updated in ``jobs`` processes
    (default: one per core).
    """
    articles = find_articles(config, only)
    work = functools.partial(_sync_article, config, check)
    # New templates and catalogs are not flushed to disk: each records its source's hash, so
    # one that a crash left missing or empty is not up to date, and the next sync makes it again.
    if not (config.locales / TEMPLATES).is_dir():  # a first sync: no article can be up to date
        return _run_articles(work, articles, jobs, flush_new=False)
    skipped = 0

    def stale_articles() -> Iterator[Article]:
        """Found one by one: workers start on the first while the rest are checked."""
        nonlocal skipped
        for article in articles:
            try:
                current = _up_to_date(config, article, template_path(config, article.slug))
            except TranskitError:
                current = False  # reported in its turn by _sync_article
            if current:
                skipped += 1
            else:
                yield article

    report = _run_articles(work, stale_articles(), jobs, flush_new=False)
    report.skipped += skipped
    return report


def read_source(path: Path) -> bytes:
    """A source file's bytes; a file that cannot be read is a one-line SourceError."""
    try:
        return read_bytes(path)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _sync_article(config: Config, check: bool, article: Article, report: Report) -> None:
    """Extract an article found out of date and write its template and catalogs."""
    pot = template_path(config, article.slug)
    data = read_source(article.source)
    document = extract(data, article.source, WalkOptions.of(config), config.source_language, config.extraction_settings)
    template = make_template(document, article.slug, article.reference(config))
    outputs: list[tuple[Path, Catalog, bool]] = [(pot, template, False)]  # (path, catalog, seen missing)
    for lang in target_languages(config, document.language):
        path = catalog_path(config, lang, article.slug)
        missing = not os.path.lexists(path)
        previous = None if missing else read_catalog(path)
        outputs.append((path, merge(template, previous, lang, plural_forms(lang)), missing))
    for path, catalog, missing in outputs:  # (the bytes of each, without joining and encoding each whole text)
        _emit(path, format_catalog_utf8(catalog), check, report, missing)


def _up_to_date(config: Config, article: Article, pot: Path) -> bool:
    """True when the template and every catalog already record the source's hash (no parsing needed)."""
    head = read_head(pot)
    if SOURCE_HASH not in head:  # no template yet (a first sync): no need to hash the source
        return False
    digest = source_hash(read_source(article.source), config.extraction_settings)
    if not is_current(head, digest):
        return False
    language = head_header_value(head, SOURCE_LANGUAGE) or config.source_language
    return all(
        is_current(read_head(catalog_path(config, lang, article.slug)), digest)
        for lang in target_languages(config, language)
    )


def _emit(path: Path, data: bytes, check: bool, report: Report, missing: bool = False) -> None:
    if check:
        try:
            same = path.read_bytes() == data
        except FileNotFoundError:
            same = False
        if same:
            report.unchanged += 1
        else:
            report.changed.append(path)
        return
    if write_if_changed(path, data, missing):
        report.changed.append(path)
    else:
        report.unchanged += 1


# --------------------------------------------------------------------------- build


def build_project(
    config: Config,
    languages: tuple[str, ...] = (),
    include_fuzzy: bool = False,
    only: tuple[str, ...] = (),
    draft: bool = False,
    jobs: int | None = None,
) -> Report:
    """Write ``build/<lang>/<slug>.html`` for every article and target language the policy publishes.

    Languages below ``publish_threshold`` are held back (``report.held_back``),
    or built with noindex when ``draft`` (see :mod:`transkit.publish`).
    Articles are built in ``jobs`` processes (default: one per core).
    """
    from . import build, publish  # noqa: F401 - before the workers fork (not in each); sync does without them

    articles = find_articles(config, only)
    manifest = Manifest.load(config, settings_fingerprint(config, include_fuzzy, draft))
    replay = {}  # articles whose pages are up to date: the warnings their build printed
    for article in articles:
        if not manifest.knows(article.slug):
            continue  # built for sure (its worker takes the fingerprint)
        warnings = manifest.fresh(config, article, input_fingerprint(config, article), languages)
        if warnings is not None:
            replay[article.slug] = warnings
    work = functools.partial(_build_article, config, languages, include_fuzzy, draft)
    built = _each_article(work, [a for a in articles if a.slug not in replay], jobs)
    report = Report()
    done: list[tuple[Article, list[str]]] = []  # built without errors or held-back languages, and its warnings
    with contextlib.closing(built):
        for article in articles:
            if article.slug in replay:  # up to date: say what its build said
                report.warnings.extend(replay[article.slug])
                report.unchanged += manifest.pages(article.slug)
                continue
            part = next(built)
            report.absorb(part)
            if part.errors or part.held_back:
                manifest.forget(article.slug)
            else:
                done.append((article, part.warnings))
        for _ in built:  # runs the generator to its end, where the last files are renamed into place
            pass
    for article, warnings in done:  # (now that the pages are in place)
        inputs, built_languages = report.built.pop(article.slug)
        manifest.record(config, article, inputs, languages, built_languages, warnings)
    report.built.clear()
    if not only:
        manifest.keep_only({article.slug for article in articles})
    manifest.save()
    return report


def _build_article(
    config: Config, languages: tuple[str, ...], include_fuzzy: bool, draft: bool, article: Article, report: Report
) -> None:
    """Build the article's pages; ``report.built`` records what they were built from, for the manifest."""
    from . import publish  # (loaded by build_project)
    from .build import build_page

    read = input_paths(config, article)
    inputs = input_fingerprint(config, article, read)  # before anything is read: a change from now on shows next time
    _, pot, *catalog_files = read
    data = read_source(article.source)
    head = read_head(pot)
    language = head_header_value(head, SOURCE_LANGUAGE) or None
    if language is None or SOURCE_HASH not in head:
        raise TranskitError(f"{pot}: no template for {article.reference(config)}; run 'transkit sync' first")
    catalog_of = dict(zip(config.languages, catalog_files))
    paths = {lang: catalog_of[lang] for lang in target_languages(config, language)}
    catalogs = {}  # every target language's catalog, read once: the policy counts them all
    for lang, path in paths.items():
        if path.exists():
            catalogs[lang] = read_catalog(path)
    decisions = publish.decide(config, article, language, include_fuzzy, catalogs)
    published = tuple(lang for lang, decision in decisions.items() if decision.published)
    alternates = publish.alternate_links(config, article, language, published)
    selected = tuple(lang for lang in paths if not languages or lang in languages)
    built = [lang for lang in selected if draft or decisions[lang].published]
    options = WalkOptions.of(config)
    walked = None  # walked once, at the first language built, for all of them
    for lang in selected:
        decision = decisions[lang]
        if not decision.published and not draft:
            out = output_path(config, lang, article.slug)
            report.held_back.append(publish.held_back(decision, out, out.exists()))
            out.unlink(missing_ok=True)
            continue
        path = paths[lang]
        catalog = catalogs.get(lang, Catalog())
        walked = walked or walk_page(data, article.source, options, config.source_language, len(built))
        result = build_page(
            data, article.source, catalog, path.relative_to(config.root), lang,
            options, config.source_language, include_fuzzy,
            publish.page_policy(config, decision, alternates, include_fuzzy), walked,
        )
        report.warnings.extend(result.warnings)
        _emit(output_path(config, lang, article.slug), result.html, False, report)
    report.built[article.slug] = (inputs, selected)
