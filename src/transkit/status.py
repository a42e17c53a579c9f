"""Translation progress per article and language, counted in segments and in words.

Reads catalogs only; never writes. One model serves the terminal table, the
machine formats (JSON, CSV, Markdown), the CI gates, the HTML report and the
publishing policy of ``transkit build``.

Every live entry with a msgid is in exactly one state:

* ``reviewed`` — has a translation, not fuzzy (a human approved it);
* ``machine`` — a fuzzy machine draft from prefill (translator comment
  ``transkit-prefill: …``) whose source has not changed since;
* ``stale`` — any other fuzzy entry with a translation: the source changed
  (drift recorded the old source as ``#| msgid``), or a person marked it fuzzy.
  Both need a human to look before they count; the side-by-side page shows
  the source diff when there is one;
* ``untranslated`` — no translation (a fuzzy flag on an empty msgstr is ignored).

Completeness (``percent``) is reviewed words / all words, 100 for an article
without words. Placeholders are not words. The JSON fields are documented
in ``docs/status.md``.

Speed: status runs on every commit. Catalogs are read by ``parse_catalog``,
whose fast path reads the form gettext tools and transkit write with one
findall per catalog and hands anything else to the full parser (the same
counts or the one-line error; tests check that both agree), and word counts
are shared between catalogs, since each language repeats a template's msgids.
"""

from __future__ import annotations

import functools
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from .catalog.model import Catalog, Entry
from .catalog.pofile import head_header_value, parse_catalog, read_catalog_text
from .catalog.sync import SOURCE_HASH, SOURCE_LANGUAGE, is_current
from .config import Config
from .errors import TranskitError
from .fsutil import read_bytes, read_head
from .layout import Article, catalog_path, find_articles, target_languages, template_path
from .parallel import map_chunks
from .prefill import is_machine_draft
from .source.html import WalkOptions, extract, source_hash
from .source.inline import PLACEHOLDER

WORD = re.compile(r"[^\W_]+(?:[-’'][^\W_]+)*")
STATES = ("reviewed", "machine", "stale", "untranslated")
SORT_KEYS = ("article", "language", "percent", "words", "reviewed", "machine", "stale", "untranslated")
SCHEMA = "transkit-status/1"


def word_count(msgid: str) -> int:
    """Words a translator has to translate: placeholders are not words."""
    return len(WORD.findall(PLACEHOLDER.sub(" ", msgid)))


def entry_state(entry: Entry) -> str:
    """The state of one live entry (see the module docstring)."""
    if not entry.msgstr:
        return "untranslated"
    if not entry.fuzzy:
        return "reviewed"
    if entry.previous_msgid is None and is_machine_draft(entry):
        return "machine"
    return "stale"


# =========================================================================== counts


@dataclass(frozen=True)
class Counts:
    """Segments and words in each state."""

    reviewed: int = 0
    machine: int = 0
    stale: int = 0
    untranslated: int = 0
    reviewed_words: int = 0
    machine_words: int = 0
    stale_words: int = 0
    untranslated_words: int = 0

    @classmethod
    def of(cls, state: str, words: int) -> Counts:
        return cls(**{state: 1, f"{state}_words": words})

    @property
    def total(self) -> int:
        return self.reviewed + self.machine + self.stale + self.untranslated

    @property
    def total_words(self) -> int:
        return self.reviewed_words + self.machine_words + self.stale_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Completeness as a share of words (100 for an article without words)."""
        return 100.0 * self.reviewed_words / self.total_words if self.total_words else 100.0

    def published_percent(self, include_fuzzy: bool) -> float:
        """Share of words a built page shows translated (fuzzy ones only with ``--include-fuzzy``)."""
        if not include_fuzzy:
            return self.percent
        shown = self.reviewed_words + self.machine_words + self.stale_words
        return 100.0 * shown / self.total_words if self.total_words else 100.0

    # Names of the first status model, kept for callers that count only translated/fuzzy.
    @property
    def translated(self) -> int:
        return self.reviewed

    @property
    def translated_words(self) -> int:
        return self.reviewed_words

    @property
    def fuzzy(self) -> int:
        return self.machine + self.stale

    @property
    def fuzzy_words(self) -> int:
        return self.machine_words + self.stale_words

    def segments(self, state: str) -> int:
        return int(getattr(self, state))

    def words(self, state: str) -> int:
        return int(getattr(self, f"{state}_words"))

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self._values(), other._values())))

    def _values(self) -> tuple[int, ...]:
        return (
            self.reviewed, self.machine, self.stale, self.untranslated,
            self.reviewed_words, self.machine_words, self.stale_words, self.untranslated_words,
        )


def count_entry(entry: Entry) -> Counts:
    return Counts.of(entry_state(entry), word_count(entry.msgid))


def count_catalog(catalog: Catalog, words: dict[str, int] | None = None) -> Counts:
    """Counts of a parsed catalog: live entries with a msgid (the header is not a message).

    ``words``: word counts by msgid, shared between catalogs (each language repeats a template's msgids).
    """
    known: dict[str, int] = {} if words is None else words
    segments = dict.fromkeys(STATES, 0)
    totals = dict.fromkeys(STATES, 0)
    for entry in catalog.entries:
        if entry.msgid and not entry.obsolete:
            state = entry_state(entry)
            segments[state] += 1
            count = known.get(entry.msgid)
            if count is None:
                count = known[entry.msgid] = word_count(entry.msgid)
            totals[state] += count
    return Counts(**segments, **{f"{state}_words": totals[state] for state in STATES})


def count_text(text: str, path: str = "<string>", words: dict[str, int] | None = None) -> Counts:
    """Counts of PO/POT text (read by parse_catalog, whose fast path covers the usual catalog)."""
    return count_catalog(parse_catalog(text, path), words)


def count_file(path: Path, words: dict[str, int] | None = None) -> Counts:
    """Counts of one PO/POT file; a broken file raises a one-line :class:`CatalogError`."""
    return count_text(read_catalog_text(path), str(path), words)


# =========================================================================== project status


@dataclass(frozen=True)
class StatusRow:
    """One article in one language."""

    slug: str
    language: str
    counts: Counts
    current: bool  # the catalog exists and was synced from the current source
    source_language: str = ""
    catalog: str = ""  # project-relative path of the catalog
    missing: bool = False  # no catalog yet: counted from the template (or the source)


@dataclass(frozen=True)
class ProjectStatus:
    """Rows that could be counted, and one line per article that could not."""

    rows: tuple[StatusRow, ...]
    errors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # configured order, for totals


def collect_status(
    config: Config, languages: tuple[str, ...] = (), only: tuple[str, ...] = (), jobs: int | None = None
) -> ProjectStatus:
    """Count every article × target language; a broken file becomes an error line, the rest go on.

    Articles are counted in ``jobs`` processes (default: one per core), rows kept in article order.
    """
    articles = find_articles(config, only)
    if not articles:
        raise TranskitError(f"{config.sources}: no articles found")
    rows: list[StatusRow] = []
    errors: list[str] = []
    for part_rows, part_errors in map_chunks(functools.partial(_status_chunk, config, languages), articles, jobs):
        rows.extend(part_rows)
        errors.extend(part_errors)
    wanted = tuple(lang for lang in config.languages if not languages or lang in languages)
    return ProjectStatus(tuple(rows), tuple(errors), wanted)


def _status_chunk(
    config: Config, languages: tuple[str, ...], articles: list[Article]
) -> tuple[list[StatusRow], list[str]]:
    """The rows and error lines of a chunk of articles (see :mod:`transkit.parallel`)."""
    words: dict[str, int] = {}
    rows: list[StatusRow] = []
    errors: list[str] = []
    for article in articles:
        try:
            rows.extend(_article_rows(config, article, languages, words))
        except TranskitError as exc:
            errors.append(str(exc))
    return rows, errors


def project_status(config: Config, languages: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> list[StatusRow]:
    """One row per article and target language; the first broken file raises."""
    status = collect_status(config, languages, only)
    if status.errors:
        raise TranskitError(status.errors[0])
    return list(status.rows)


def _article_rows(config: Config, article: Article, languages: tuple[str, ...], words: dict[str, int]) -> list[StatusRow]:
    data = read_bytes(article.source)
    digest = source_hash(data, config.extraction_settings)
    pot = template_path(config, article.slug)
    head = read_head(pot)
    language = head_header_value(head, SOURCE_LANGUAGE)
    template_counts: Counts | None = None
    if not language or SOURCE_HASH not in head:
        template_counts, language = _counts_from_source(config, article, data)
    rows = []
    for lang in target_languages(config, language):
        if languages and lang not in languages:
            continue
        path = catalog_path(config, lang, article.slug)
        relative = path.relative_to(config.root).as_posix()
        if path.exists():
            text = read_catalog_text(path)  # read once: counted, and its header checked
            counts = count_text(text, str(path), words)
            current = is_current(text[:4096], digest)  # (what read_head would give)
            rows.append(StatusRow(article.slug, lang, counts, current, language, relative))
            continue
        if template_counts is None:
            template_counts = count_file(pot, words)
        rows.append(StatusRow(article.slug, lang, template_counts, False, language, relative, missing=True))
    return rows


def _counts_from_source(config: Config, article: Article, data: bytes) -> tuple[Counts, str]:
    """An article never synced: every segment of its source is untranslated."""
    options = WalkOptions.of(config)
    document = extract(data, article.source, options, config.source_language, config.extraction_settings)
    total = Counts()
    for msgid in dict.fromkeys(s.msgid for s in document.segments):
        total = total + Counts.of("untranslated", word_count(msgid))
    return total, document.language


# =========================================================================== totals and sorting


@dataclass(frozen=True)
class Total:
    """Counts summed over several rows (one language, or the whole project)."""

    name: str
    rows: int
    counts: Counts


def language_totals(status: ProjectStatus) -> list[Total]:
    """One total per language that has rows, in configured order."""
    totals = []
    for language in status.languages:
        rows = [r for r in status.rows if r.language == language]
        if rows:
            totals.append(Total(language, len(rows), sum((r.counts for r in rows), Counts())))
    return totals


def project_total(status: ProjectStatus) -> Total:
    return Total("all", len(status.rows), sum((r.counts for r in status.rows), Counts()))


def sort_rows(rows: Iterable[StatusRow], key: str, languages: tuple[str, ...] = ()) -> list[StatusRow]:
    """``article`` (default), ``language``, ``percent`` (least complete first) or a count (largest first)."""
    order = {lang: index for index, lang in enumerate(languages)}
    by_article = sorted(rows, key=lambda r: (r.slug, order.get(r.language, len(order)), r.language))
    if key == "article":
        return by_article
    if key == "language":
        return sorted(by_article, key=lambda r: (order.get(r.language, len(order)), r.language))
    if key == "percent":
        return sorted(by_article, key=lambda r: r.counts.percent)
    if key == "words":
        return sorted(by_article, key=lambda r: -r.counts.total_words)
    if key in STATES:
        return sorted(by_article, key=lambda r: -r.counts.words(key))
    raise TranskitError(f"unknown sort key '{key}' (one of {', '.join(SORT_KEYS)})")


# =========================================================================== CI gates


@dataclass(frozen=True)
class Threshold:
    """``--fail-under``: a minimum completeness for the project (language None) or one language."""

    percent: float
    language: str | None = None

    @classmethod
    def parse(cls, text: str) -> Threshold:
        """``80`` or ``tr=90`` (percent of words reviewed)."""
        language, _, number = text.rpartition("=")
        try:
            percent = float(number.strip().removesuffix("%"))
        except ValueError:
            raise TranskitError(f"--fail-under {text!r}: expected PCT or LANG=PCT, e.g. 80 or tr=90") from None
        if not 0 <= percent <= 100:
            raise TranskitError(f"--fail-under {text!r}: the percentage must be between 0 and 100")
        return cls(percent, language.strip().lower() or None)


def check_gates(
    status: ProjectStatus,
    thresholds: Iterable[Threshold] = (),
    fail_on: Iterable[str] = (),
    per_article: bool = False,
    known_languages: tuple[str, ...] = (),
) -> list[str]:
    """One message per failure, naming the articles and why; empty when every gate passes.

    A threshold applies to the total of its scope (the project, or one
    language) — or, with ``per_article``, to every article of that scope.
    ``fail_on`` states fail on any segment in that state.
    """
    states = [s for s in fail_on]
    unknown = [s for s in states if s not in STATES[1:]]
    if unknown:
        raise TranskitError(f"--fail-on: unknown state '{unknown[0]}' (use machine, stale, untranslated)")
    failures: list[str] = []
    for threshold in thresholds:
        if threshold.language and known_languages and threshold.language not in known_languages:
            raise TranskitError(f"--fail-under {threshold.language}=…: '{threshold.language}' is not a configured language")
        failures.extend(_threshold_failures(status, threshold, per_article))
    failures.extend(_state_failures(status, states))
    return failures


def _threshold_failures(status: ProjectStatus, threshold: Threshold, per_article: bool) -> list[str]:
    rows = [r for r in status.rows if threshold.language in (None, r.language)]
    below = sorted((r for r in rows if r.counts.percent < threshold.percent), key=lambda r: r.counts.percent)
    if per_article:
        return [
            f"{r.language}/{r.slug}: {r.counts.percent:.1f}% of words reviewed, below {threshold.percent:g}%"
            for r in below
        ]
    total = sum((r.counts for r in rows), Counts())
    if not rows or total.percent >= threshold.percent:
        return []
    scope = threshold.language or "project"
    listed = ", ".join(f"{r.language}/{r.slug} ({r.counts.percent:.1f}%)" for r in below[:10])
    more = f" and {len(below) - 10} more" if len(below) > 10 else ""
    return [
        f"{scope}: {total.percent:.1f}% of words reviewed, below {threshold.percent:g}%; "
        f"articles below: {listed}{more}"
    ]


def _state_failures(status: ProjectStatus, states: list[str]) -> list[str]:
    failures = []
    for row in sort_rows(status.rows, "article", status.languages):
        found = [
            f"{row.counts.segments(s)} {s} segment{'s' if row.counts.segments(s) != 1 else ''} ({row.counts.words(s)} words)"
            for s in states
            if row.counts.segments(s)
        ]
        if found:
            failures.append(f"{row.language}/{row.slug}: " + ", ".join(found))
    return failures


# =========================================================================== formats


def _counts_dict(counts: Counts) -> dict[str, Any]:
    return {
        "segments": {"total": counts.total, **{s: counts.segments(s) for s in STATES}},
        "words": {"total": counts.total_words, **{s: counts.words(s) for s in STATES}},
        "percent": round(counts.percent, 2),
    }


def row_dict(row: StatusRow) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "language": row.language,
        "source_language": row.source_language,
        "catalog": row.catalog,
        "current": row.current,
        "missing": row.missing,
        **_counts_dict(row.counts),
    }


def as_dict(status: ProjectStatus, rows: list[StatusRow] | None = None, failures: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON document (schema ``transkit-status/1``, fields in docs/status.md)."""
    total = project_total(status)
    return {
        "schema": SCHEMA,
        "languages": [t.name for t in language_totals(status)],
        "articles": [row_dict(r) for r in (rows if rows is not None else status.rows)],
        "totals": {
            "languages": {t.name: {"articles": t.rows, **_counts_dict(t.counts)} for t in language_totals(status)},
            "project": {"rows": total.rows, **_counts_dict(total.counts)},
        },
        "errors": list(status.errors),
        "failures": list(failures),
    }


def render_json(status: ProjectStatus, rows: list[StatusRow] | None = None, failures: Iterable[str] = ()) -> str:
    return json.dumps(as_dict(status, rows, failures), ensure_ascii=False, indent=2) + "\n"


CSV_FIELDS = (
    "scope", "slug", "language", "current", "missing",
    "segments_total", *(f"segments_{s}" for s in STATES),
    "words_total", *(f"words_{s}" for s in STATES),
    "percent",
)


def render_csv(status: ProjectStatus, rows: list[StatusRow] | None = None) -> str:
    """One line per article × language, then per-language totals, then the project total."""
    import csv  # (only this format needs it: not imported by build, which imports this module)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows if rows is not None else status.rows:
        writer.writerow(["article", row.slug, row.language, _bool(row.current), _bool(row.missing), *_csv_counts(row.counts)])
    for total in language_totals(status):
        writer.writerow(["language", "", total.name, "", "", *_csv_counts(total.counts)])
    writer.writerow(["project", "", "", "", "", *_csv_counts(project_total(status).counts)])
    return out.getvalue()


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _csv_counts(counts: Counts) -> list[str]:
    return [
        str(counts.total), *(str(counts.segments(s)) for s in STATES),
        str(counts.total_words), *(str(counts.words(s)) for s in STATES),
        f"{counts.percent:.2f}",
    ]


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>&~])")


def markdown_text(text: str) -> str:
    """Literal text in a Markdown table cell: every Markdown/HTML character backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def render_markdown(status: ProjectStatus, rows: list[StatusRow] | None = None, failures: Iterable[str] = ()) -> str:
    """For a pull-request comment: totals, failures, then every article in a folded table."""
    rows = list(rows if rows is not None else status.rows)
    lines = ["### Translation status", ""]
    lines += ["| Language | Done | Reviewed | Machine | Stale | Untranslated | Words reviewed |"]
    lines += ["|:--|--:|--:|--:|--:|--:|--:|"]
    for total in [*language_totals(status), project_total(status)]:
        name = "**all**" if total.name == "all" else markdown_text(total.name)
        lines.append(_markdown_row([name], total.counts))
    failures = list(failures)
    if failures:
        lines += ["", "**CI gate failed:**", ""] + [f"- {markdown_text(f)}" for f in failures]
    for error in status.errors:
        lines.append(f"- error: {markdown_text(error)}")
    lines += ["", f"<details><summary>Per article ({len(rows)} rows)</summary>", ""]
    lines += ["| Article | Lang | Done | Reviewed | Machine | Stale | Untranslated | Words reviewed |"]
    lines += ["|:--|:--|--:|--:|--:|--:|--:|--:|"]
    for row in rows:
        name = markdown_text(row.slug) + ("" if row.current else " *(out of date)*")
        lines.append(_markdown_row([name, markdown_text(row.language)], row.counts))
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _markdown_row(cells: list[str], counts: Counts) -> str:
    values = [
        f"{counts.percent:.1f}%", *(str(counts.segments(s)) for s in STATES),
        f"{counts.reviewed_words}/{counts.total_words}",
    ]
    return "| " + " | ".join(cells + values) + " |"


_ANSI = {"green": "32", "yellow": "33", "red": "31", "cyan": "36", "dim": "2", "bold": "1"}


def _paint(text: str, style: str | None, color: bool) -> str:
    if not color or not style:
        return text
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m"


def _percent_style(percent: float) -> str:
    return "green" if percent >= 100 else "yellow" if percent >= 50 else "red"


_STATE_STYLES = {"reviewed": None, "machine": "cyan", "stale": "yellow", "untranslated": "red"}
TABLE_HEADER = ("article", "lang", "done", "reviewed", "machine", "stale", "untransl.", "words reviewed")


def render_table(status: ProjectStatus, rows: list[StatusRow] | None = None, color: bool = False) -> str:
    """An aligned table for a terminal: one row per article × language, then the totals."""
    body: list[list[tuple[str, str | None]]] = [[(h, "bold") for h in TABLE_HEADER]]
    for row in rows if rows is not None else status.rows:
        name = row.slug + ("" if row.current else " (not synced)" if row.missing else " (out of date)")
        body.append(_table_cells(name, row.language, row.counts))
    for total in language_totals(status):
        body.append(_table_cells("TOTAL", total.name, total.counts, bold=True))
    if len(language_totals(status)) > 1:
        body.append(_table_cells("TOTAL", "all", project_total(status).counts, bold=True))
    widths = [max(len(line[i][0]) for line in body) for i in range(len(TABLE_HEADER))]
    out = []
    for line in body:
        cells = [
            _paint(text.ljust(width) if index < 2 else text.rjust(width), style, color)
            for index, ((text, style), width) in enumerate(zip(line, widths))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def _table_cells(name: str, language: str, counts: Counts, bold: bool = False) -> list[tuple[str, str | None]]:
    label_style = "bold" if bold else None
    cells: list[tuple[str, str | None]] = [(name, label_style), (language, label_style)]
    cells.append((f"{counts.percent:.1f}%", _percent_style(counts.percent)))
    for state in STATES:
        value = counts.segments(state)
        cells.append((str(value), _STATE_STYLES[state] if value else "dim"))
    cells.append((f"{counts.reviewed_words}/{counts.total_words}", None))
    return cells


FORMATS = {"table", "json", "csv", "markdown"}


def render(status: ProjectStatus, fmt: str, rows: list[StatusRow], failures: list[str], color: bool = False) -> str:
    """``transkit status --format FMT``."""
    if fmt == "json":
        return render_json(status, rows, failures)
    if fmt == "csv":
        return render_csv(status, rows)
    if fmt == "markdown":
        return render_markdown(status, rows, failures)
    return render_table(status, rows, color)


__all__ = [
    "Counts", "ProjectStatus", "STATES", "StatusRow", "Threshold", "Total", "as_dict", "check_gates",
    "collect_status", "count_catalog", "count_entry", "count_file", "count_text", "entry_state",
    "language_totals", "project_status", "project_total", "render", "sort_rows", "word_count",
]
