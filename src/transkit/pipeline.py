"""Run the stages over a whole project: sync (source → POT → PO) and build (PO → HTML).

Each article is handled on its own: a problem with one (a broken catalog, an
unreadable source) is reported with its file and line, the others go on, and
the command exits non-zero at the end. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import publish
from .build import build_page
from .catalog.model import Catalog
from .catalog.pofile import format_catalog, plural_forms, read_catalog
from .catalog.sync import SOURCE_HASH, is_current, make_template, merge
from .config import Config
from .errors import TranskitError
from .fsutil import read_head, write_if_changed
from .layout import Article, catalog_path, find_articles, output_path, target_languages, template_path
from .source.html import WalkOptions, extract, source_hash


@dataclass
class Report:
    """What a project-wide command did: files written or out of date, problems found."""

    changed: list[Path] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)  # build: languages below publish_threshold
    failures: list[TranskitError] = field(default_factory=list, repr=False)  # the errors' exceptions, for --debug

    def fail(self, exc: TranskitError) -> None:
        """One article failed: keep its one-line message (and the exception for --debug)."""
        self.errors.append(str(exc))
        self.failures.append(exc)

    @property
    def ok(self) -> bool:
        return not self.errors


def walk_options(config: Config) -> WalkOptions:
    return WalkOptions(config.source_language, config.segmentation, config.include, config.exclude)


# --------------------------------------------------------------------------- sync


def sync_project(config: Config, check: bool = False, only: tuple[str, ...] = ()) -> Report:
    """Bring every article's template and catalogs up to date with its source.

    With ``check`` nothing is written: ``changed`` lists what would change.
    """
    report = Report()
    for article in find_articles(config, only):
        try:
            _sync_article(config, article, check, report)
        except TranskitError as exc:
            report.fail(exc)
    return report


def _sync_article(config: Config, article: Article, check: bool, report: Report) -> None:
    data = article.source.read_bytes()
    digest = source_hash(data, config.extraction_settings)
    pot = template_path(config, article.slug)
    if _up_to_date(config, article, pot, digest):
        report.skipped += 1
        return
    document = extract(data, article.source, walk_options(config), config.source_language, config.extraction_settings)
    template = make_template(document, article.slug, article.reference(config))
    outputs: list[tuple[Path, Catalog]] = [(pot, template)]
    for lang in target_languages(config, document.language):
        path = catalog_path(config, lang, article.slug)
        previous = read_catalog(path) if path.exists() else None
        outputs.append((path, merge(template, previous, lang, plural_forms(lang))))
    for path, catalog in outputs:
        _emit(path, format_catalog(catalog).encode("utf-8"), check, report)


def _up_to_date(config: Config, article: Article, pot: Path, digest: str) -> bool:
    """True when the template and every catalog already record this source hash (no parsing needed)."""
    head = read_head(pot)
    if not is_current(head, digest):
        return False
    language = _header_value(head, "X-Transkit-Source-Language") or config.source_language
    return all(
        is_current(read_head(catalog_path(config, lang, article.slug)), digest)
        for lang in target_languages(config, language)
    )


def _header_value(head: str, name: str) -> str:
    marker = f'"{name}: '
    start = head.find(marker)
    if start < 0:
        return ""
    end = head.find('\\n"', start)
    return head[start + len(marker) : end] if end > 0 else ""


def _emit(path: Path, data: bytes, check: bool, report: Report) -> None:
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
    if write_if_changed(path, data):
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
) -> Report:
    """Write ``build/<lang>/<slug>.html`` for every article and target language the policy publishes.

    Languages below ``publish_threshold`` are held back (``report.held_back``),
    or built with noindex when ``draft`` (see :mod:`transkit.publish`).
    """
    report = Report()
    for article in find_articles(config, only):
        try:
            _build_article(config, article, languages, include_fuzzy, report, draft)
        except TranskitError as exc:
            report.fail(exc)
    return report


def _build_article(
    config: Config, article: Article, languages: tuple[str, ...], include_fuzzy: bool, report: Report,
    draft: bool = False,
) -> None:
    data = article.source.read_bytes()
    pot = template_path(config, article.slug)
    head = read_head(pot)
    language = _header_value(head, "X-Transkit-Source-Language") or None
    if language is None or SOURCE_HASH not in head:
        raise TranskitError(f"{pot}: no template for {article.reference(config)}; run 'transkit sync' first")
    decisions = publish.decide(config, article, language, include_fuzzy)
    published = tuple(lang for lang, decision in decisions.items() if decision.published)
    alternates = publish.alternate_links(config, article, language, published)
    for lang in target_languages(config, language):
        if languages and lang not in languages:
            continue
        decision = decisions[lang]
        if not decision.published and not draft:
            out = output_path(config, lang, article.slug)
            report.held_back.append(publish.held_back(decision, out, out.exists()))
            out.unlink(missing_ok=True)
            continue
        path = catalog_path(config, lang, article.slug)
        catalog = read_catalog(path) if path.exists() else Catalog()
        result = build_page(
            data, article.source, catalog, path.relative_to(config.root), lang,
            walk_options(config), config.source_language, include_fuzzy,
            publish.page_policy(config, decision, alternates, include_fuzzy),
        )
        report.warnings.extend(result.warnings)
        _emit(output_path(config, lang, article.slug), result.html, False, report)
