"""Fill empty entries: translation memory first, then an MT engine; never anything else.

Only entries whose msgstr is empty are touched; a human's translation, a
fuzzy draft and every msgid stay as they are. Each draft is fuzzy (an exact
memory match may count as reviewed, ``[prefill] exact_as_reviewed``) and gets
a ``transkit-prefill:`` translator comment naming its origin.

Speed and robustness: texts are de-duplicated across the run; engine answers
are appended to a cache in ``.transkit/cache/`` (keyed by engine, endpoint,
languages and protected text) the moment they arrive, so a rerun or a CI job
never pays twice; each catalog is written atomically as soon as its last
answer is in, re-read just before so that an entry a human filled meanwhile is
left alone. An interrupted run loses at most the requests in flight.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable, TextIO

from ..catalog.model import Catalog, Entry
from ..catalog.pofile import read_catalog, write_catalog
from ..config import Config
from ..errors import ConfigError, TranskitError
from ..glossary import Glossary, project_glossary
from ..layout import catalog_path, find_articles, target_languages, template_path
from ..lock import STATE_FOLDER, state_folder
from . import PROVENANCE, TM_ENGINE, PrefillSettings, check_engine_name, check_url, prefill_settings
from .engines import Engine, EngineSettings, Outcome, check_engine, open_engine
from .memory import CatalogFile, MemoryIndex, article_language, project_units
from .protect import Protected, ProtectionError, protect, restore

Key = tuple[str | None, str]
Progress = Callable[[int, int], None]
CACHE_FOLDER = Path(STATE_FOLDER) / "cache"


@dataclass(frozen=True)
class PrefillOptions:
    """What one ``transkit prefill`` run covers; engine and url override ``[prefill]``."""

    languages: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    engine: str | None = None
    url: str | None = None
    dry_run: bool = False
    limit: int | None = None
    today: date | None = None


@dataclass(frozen=True)
class Fill:
    """A draft for one entry."""

    msgstr: str
    provenance: str  # the comment after "transkit-prefill: "
    kind: str  # "memory", "copy" or "mt"
    fuzzy: bool = True


@dataclass
class PrefillReport:
    """What a run did (or, dry, would do)."""

    engine: str
    dry_run: bool = False
    from_memory: int = 0
    copied: int = 0
    from_mt: int = 0
    rejected: int = 0
    failed: int = 0
    unmatched: int = 0
    requests: int = 0
    characters_sent: int = 0
    cached: int = 0  # entries answered from the cache (counted in from_mt too)
    to_send_entries: int = 0
    to_send_characters: int = 0
    limited: bool = False
    changed: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # catalogs that cannot be read: skipped, never written

    @property
    def ok(self) -> bool:
        return not (self.rejected or self.failed or self.errors)

    def summary(self) -> str:
        """The one-line summary the CLI always prints."""
        filled = f"{self.from_memory} from memory, {self.copied} copied (nothing to translate)"
        if self.dry_run:
            if self.engine == TM_ENGINE:
                return f"prefill (dry run): {filled}; {self.unmatched} would stay empty (engine tm); nothing written"
            return (
                f"prefill (dry run): {filled}; {self.cached} from the cache; {self.to_send_entries} entries "
                f"({self.to_send_characters:,} characters) would go to {self.engine}; nothing sent, nothing written"
            )
        mt = f"{self.from_mt} from MT ({self.engine}, {self.cached} of them cached)" if self.engine != TM_ENGINE else "no MT (engine tm)"
        tail = " (limit reached)" if self.limited else ""
        return (
            f"prefill: {filled}, {mt}, {self.rejected} rejected, {self.failed} failed, {self.unmatched} left empty; "
            f"{self.requests} requests, {self.characters_sent:,} characters sent{tail}"
        )


# =========================================================================== cache


class AnswerCache:
    """Engine answers already paid for: one JSON object a line, appended as answers arrive.

    A line cut short by a crash is skipped when read; the file name holds the
    engine, languages and a digest of (engine, endpoint, languages).
    """

    def __init__(self, root: Path, settings: EngineSettings) -> None:
        self.root = root
        self.folder = root / CACHE_FOLDER
        identity = "\n".join((settings.name, settings.endpoint, settings.source, settings.target))
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16]
        self.path = self.folder / f"{settings.name}-{settings.source}-{settings.target}-{digest}.jsonl"
        self._answers = self._load()
        self._handle: TextIO | None = None

    def _load(self) -> dict[str, str]:
        answers: dict[str, str] = {}
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return answers
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("text"), str) and isinstance(record.get("answer"), str):
                answers[record["text"]] = record["answer"]
        return answers

    def get(self, text: str) -> str | None:
        return self._answers.get(text)

    def put(self, text: str, answer: str) -> None:
        if self._answers.get(text) == answer:
            return
        self._answers[text] = answer
        handle = self._open()
        handle.write(json.dumps({"text": text, "answer": answer}, ensure_ascii=False) + "\n")
        handle.flush()

    def _open(self) -> TextIO:
        if self._handle is None:
            state_folder(self.root)
            self.folder.mkdir(exist_ok=True)
            cut = _ends_mid_line(self.path)
            self._handle = self.path.open("a", encoding="utf-8")
            if cut:  # a crash cut the last line: start ours on a fresh one
                self._handle.write("\n")
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _ends_mid_line(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.seek(0, 2)
            if handle.tell() == 0:
                return False
            handle.seek(-1, 2)
            return handle.read(1) != b"\n"
    except FileNotFoundError:
        return False


# =========================================================================== planning


@dataclass(frozen=True)
class _Pending:
    """An entry waiting for an engine answer."""

    key: Key
    line: int
    protected: Protected


@dataclass
class _Target:
    """One catalog being filled."""

    item: CatalogFile
    fills: dict[Key, Fill] = field(default_factory=dict)
    waiting: dict[str, list[_Pending]] = field(default_factory=dict)
    problems: list[tuple[Key, int, str]] = field(default_factory=list)  # line as first read
    written: bool = False

    @property
    def pair(self) -> tuple[str, str]:
        return (self.item.source_language, self.item.target_language)


class _Run:
    """One prefill run over a project; holds the memory, caches and report."""

    def __init__(self, config: Config, options: PrefillOptions, progress: Progress | None) -> None:
        self.config = config
        self.options = options
        self.settings: PrefillSettings = prefill_settings(config)
        self.engine_name = check_engine_name(options.engine or self.settings.engine, "--engine")
        self.url = check_url(options.url, "--engine-url") if options.url else self.settings.url
        self.today = (options.today or date.today()).isoformat()
        self.progress = progress
        self.report = PrefillReport(self.engine_name, dry_run=options.dry_run)
        self.catalogs: dict[Path, Catalog] = {}
        self.memories: dict[tuple[str, str], MemoryIndex] = {}
        self.planned = 0
        self._glossary: Glossary | None = None

    # ---------------------------------------------------------------- set-up

    def targets(self) -> list[_Target]:
        """The catalogs to fill, in article order; unknown languages are errors."""
        unknown = [lang for lang in self.options.languages if lang not in self.config.languages]
        if unknown:
            raise ConfigError(f"--lang {unknown[0]}: not one of the project's languages ({', '.join(self.config.languages)})")
        found = []
        for article in find_articles(self.config, self.options.articles):
            source = article_language(self.config, article.slug)
            if source is None:
                self.report.problems.append(f"{template_path(self.config, article.slug)}: no template; run 'transkit sync' first")
                continue
            for language in target_languages(self.config, source):
                if self.options.languages and language not in self.options.languages:
                    continue
                path = catalog_path(self.config, language, article.slug)
                if not path.is_file():
                    self.report.problems.append(f"{path}: no catalog; run 'transkit sync' first")
                    continue
                found.append(_Target(CatalogFile(path, source, language, article.slug)))
        return found

    def engine_settings(self, pair: tuple[str, str]) -> EngineSettings:
        s = self.settings
        return EngineSettings(
            name=self.engine_name, source=pair[0], target=pair[1], url=self.url, proxy=s.proxy, workers=s.workers,
            timeout=s.timeout, retries=s.retries, backoff=s.backoff, pause_after=s.pause_after,
            pause_seconds=s.pause_seconds,
        )

    def catalog(self, path: Path) -> Catalog:
        if path not in self.catalogs:
            self.catalogs[path] = read_catalog(path)
        return self.catalogs[path]

    def memory(self, pair: tuple[str, str]) -> MemoryIndex:
        if pair not in self.memories:
            units = project_units(self.config, pair[0], pair[1], self.catalogs, self.report.errors)
            self.memories[pair] = MemoryIndex(units, self.settings.min_similarity)
        return self.memories[pair]

    def keep_terms(self, pair: tuple[str, str]) -> tuple[str, ...]:
        """Do-not-translate terms: ``[prefill] do_not_translate`` plus the glossary's ``dnt`` rules."""
        if self._glossary is None:
            self._glossary = project_glossary(self.config)
        glossary_terms = tuple(rule.source for rule in self._glossary.for_pair(*pair) if rule.type == "dnt")
        return tuple(dict.fromkeys((*self.settings.do_not_translate, *glossary_terms)))

    # ---------------------------------------------------------------- planning

    def plan(self, target: _Target) -> None:
        """Memory and copies now; the rest waits for the engine (or stays empty with ``tm``)."""
        memory = self.memory(target.pair)
        terms = self.keep_terms(target.pair)
        for entry in self.catalog(target.item.path).entries:
            if entry.obsolete or not entry.msgid or entry.msgstr:
                continue
            if self.options.limit is not None and self.planned >= self.options.limit:
                self.report.limited = True
                return
            fill = self._from_memory(memory, entry)
            protected = protect(entry.msgid, terms) if fill is None else None
            if fill is None and protected is not None and not protected.has_words:
                fill = Fill(entry.msgid, "copy (nothing to translate)", "copy")
            if fill is not None:
                target.fills[entry.key] = fill
            elif self.engine_name == TM_ENGINE or protected is None:
                self.report.unmatched += 1
                continue
            else:
                target.waiting.setdefault(protected.text, []).append(_Pending(entry.key, entry.line, protected))
            self.planned += 1

    def _from_memory(self, memory: MemoryIndex, entry: Entry) -> Fill | None:
        match = memory.lookup(entry.msgid)
        if match is None:
            return None
        reviewed = match.exact and self.settings.exact_as_reviewed
        return Fill(match.target, f"memory {int(match.score)}% ({match.origin})", "memory", fuzzy=not reviewed)

    # ---------------------------------------------------------------- writing

    def write(self, target: _Target) -> None:
        """Fill the catalog (if there is anything to fill), then report its problems."""
        target.written = True
        changed = bool(target.fills) and not self.options.dry_run and self._fill(target)
        lines = {e.key: e.line for e in read_catalog(target.item.path).entries} if changed and target.problems else {}
        for key, line, message in target.problems:  # lines as they are in the file written
            self.report.problems.append(f"{target.item.path}:{lines.get(key, line)}: {message}")
        target.problems.clear()

    def _fill(self, target: _Target) -> bool:
        """Re-read the catalog and fill the entries that are still empty; atomic, change-only."""
        path = target.item.path
        current = read_catalog(path)
        entries = []
        for entry in current.entries:
            fill = target.fills.get(entry.key)
            if fill is None or entry.obsolete:
                entries.append(entry)
            elif entry.msgstr:
                target.problems.append((entry.key, entry.line, "translated while prefill ran; left as it is"))
                entries.append(entry)
            else:
                entries.append(filled(entry, fill))
                self.count(fill)
        if not write_catalog(path, replace(current, entries=tuple(entries))):
            return False
        self.report.changed.append(path)
        return True

    def count(self, fill: Fill) -> None:
        if fill.kind == "memory":
            self.report.from_memory += 1
        elif fill.kind == "copy":
            self.report.copied += 1
        else:
            self.report.from_mt += 1

    # ---------------------------------------------------------------- answers

    def answer(self, target: _Target, text: str, outcome: Outcome) -> None:
        """Restore an answer into every entry waiting for it, or report why not."""
        for pending in target.waiting.pop(text, []):
            if outcome.translation is None:
                self.report.failed += 1
                message = f"{self.engine_name} failed: {outcome.error}; left empty"
                target.problems.append((pending.key, pending.line, message))
                continue
            try:
                msgstr = restore(pending.protected, outcome.translation)
            except ProtectionError as exc:
                self.report.rejected += 1
                message = f"{self.engine_name} answer rejected: {exc}; left empty"
                target.problems.append((pending.key, pending.line, message))
                continue
            target.fills[pending.key] = Fill(msgstr, f"mt {self.engine_name} {self.today}", "mt")

    def write_if_ready(self, target: _Target) -> None:
        if not target.waiting and not target.written:
            self.write(target)


def filled(entry: Entry, fill: Fill) -> Entry:
    """The entry with its draft, fuzzy flag and one provenance comment (older ones replaced)."""
    comments = tuple(c for c in entry.translator_comments if not c.startswith(PROVENANCE))
    drafted = replace(entry, msgstr=fill.msgstr, translator_comments=(*comments, f"{PROVENANCE} {fill.provenance}"))
    return drafted.with_flag("fuzzy", fill.fuzzy)


# =========================================================================== the run


def prefill_project(config: Config, options: PrefillOptions = PrefillOptions(), progress: Progress | None = None) -> PrefillReport:
    """Fill the empty entries of the selected catalogs; see the module docstring."""
    run = _Run(config, options, progress)
    targets = run.targets()
    pairs = sorted({t.pair for t in targets})
    if run.engine_name != TM_ENGINE:
        for pair in pairs:  # unknown engines, missing keys, unsupported languages: before any work
            check_engine(run.engine_settings(pair))
    for target in targets:
        try:
            run.plan(target)
        except TranskitError as exc:  # a broken catalog: reported with its line, the others go on
            if str(exc) not in run.report.errors:
                run.report.errors.append(str(exc))
            target.written = True
    uses_engine = run.engine_name != TM_ENGINE
    caches = {pair: AnswerCache(config.root, run.engine_settings(pair)) for pair in pairs if uses_engine}
    try:
        texts = _answer_from_cache(run, targets, caches)
        if options.dry_run:
            for fill in (f for target in targets for f in target.fills.values()):
                run.count(fill)
            return run.report
        engines: dict[tuple[str, str], Engine] = {}
        try:
            for pair in pairs:
                if texts.get(pair):
                    engines[pair] = open_engine(run.engine_settings(pair))
            for target in targets:
                run.write_if_ready(target)
            total = sum(len(t) for t in texts.values())
            done = 0
            for pair, engine in engines.items():
                done = _translate(run, engine, targets, texts[pair], caches[pair], done, total)
        except BaseException:
            for engine in engines.values():
                engine.close(cancel=True)
            _save_progress(run, targets)
            raise
        for engine in engines.values():
            run.report.requests += engine.requests_sent
            run.report.characters_sent += engine.characters_sent
            engine.close()
        return run.report
    finally:
        for cache in caches.values():
            cache.close()


def _answer_from_cache(
    run: _Run, targets: list[_Target], caches: dict[tuple[str, str], AnswerCache]
) -> dict[tuple[str, str], list[str]]:
    """Serve cached answers; return the distinct texts still to send, per pair, in article order."""
    texts: dict[tuple[str, str], dict[str, None]] = {}
    for target in targets:
        for text, waiting in list(target.waiting.items()):
            cached = caches[target.pair].get(text)
            if cached is not None:
                run.report.cached += len(waiting)
                if not run.options.dry_run:
                    run.answer(target, text, Outcome(text, translation=cached))
                continue
            bucket = texts.setdefault(target.pair, {})
            if text not in bucket:
                run.report.to_send_characters += len(text)
            bucket[text] = None
            run.report.to_send_entries += len(waiting)
    return {pair: list(bucket) for pair, bucket in texts.items()}


def _translate(
    run: _Run, engine: Engine, targets: list[_Target], texts: list[str], cache: AnswerCache, done: int, total: int
) -> int:
    """Send the texts; cache each answer at once; write each catalog when its last answer is in."""
    subscribers: dict[str, list[_Target]] = {}
    for target in targets:
        if target.pair == (engine.settings.source, engine.settings.target):
            for text in target.waiting:
                subscribers.setdefault(text, []).append(target)
    futures = {engine.submit(text): text for text in texts}
    for future in as_completed(futures):
        outcome = future.result()
        if outcome.translation is not None:
            cache.put(outcome.text, outcome.translation)
        for target in subscribers.get(outcome.text, []):
            run.answer(target, outcome.text, outcome)
            run.write_if_ready(target)
        done += 1
        if run.progress is not None:
            run.progress(done, total)
    return done


def _save_progress(run: _Run, targets: list[_Target]) -> None:
    """On an interrupt: write what each unfinished catalog already has (its answers are cached too)."""
    for target in targets:
        if not target.written:
            try:
                run.write(target)
            except Exception:  # noqa: BLE001 - never hide the interrupt behind a second error
                pass
