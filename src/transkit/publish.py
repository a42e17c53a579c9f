"""Publishing policy for ``transkit build``: which languages of an article readers are sent to.

* ``publish_threshold`` (config, per language allowed): an article's language
  whose completeness is below it is not built (a page built earlier is
  removed), or with ``--draft`` it is built with ``<meta name="robots"
  content="noindex">``. Completeness is the status model's: reviewed words /
  all words — plus machine drafts and stale segments when the build uses them
  (``--include-fuzzy``), since then the page shows them translated.
* A built page whose source lists ``<link rel="alternate" hreflang>`` gets
  exactly the published languages of its article there instead, the original
  among them, plus ``x-default`` pointing to the original; the source's own
  such links go. Once a project configures publishing (``publish_threshold``
  or ``hreflang_url`` in transkit.toml), every built page gets them; without
  either key, a page whose source has none is left as its author wrote it.
  URLs come from ``hreflang_url`` (``{lang}``, ``{slug}``; a table may give one
  template per language and a ``default``). Without it they are relative
  paths that work inside the build folder: ``../ru/slug.html`` for a
  translation (one ``../`` more per folder in the slug) and the path to the
  original in ``sources/`` (``../../sources/slug.html``). Search engines want
  absolute URLs: set ``hreflang_url`` for a real site.
* ``stale_notice`` (table lang → the site's HTML snippet) goes into pages
  whose article has stale segments in that language.
"""

from __future__ import annotations

import functools
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from .build import PagePolicy
from .config import Config, language_setting
from .layout import Article, catalog_path, output_path, target_languages, template_path
from .catalog.model import Catalog
from .status import Counts, count_catalog, count_file


@dataclass(frozen=True)
class Decision:
    """Whether one article's language is published, and the numbers behind it.

    The catalog is counted on first use only: with no threshold (the default)
    nothing needs the numbers, and counting the words of every entry was a
    fifth of the time a build spent outside the walk.
    """

    language: str
    threshold: float
    include_fuzzy: bool
    count: Callable[[], Counts] = field(repr=False, compare=False)

    @functools.cached_property
    def counts(self) -> Counts:
        return self.count()

    @property
    def percent(self) -> float:
        return self.counts.published_percent(self.include_fuzzy)

    @property
    def published(self) -> bool:
        return self.threshold <= 0 or self.percent >= self.threshold


def decide(
    config: Config, article: Article, source_language: str, include_fuzzy: bool,
    catalogs: dict[str, Catalog] | None = None,
) -> dict[str, Decision]:
    """A decision for every target language of the article (all of them: hreflang needs them all).

    ``catalogs``: the article's catalogs the caller has already read, by language (not read again).
    """
    decisions = {}
    for lang in target_languages(config, source_language):
        if catalogs is not None and lang in catalogs:
            count = functools.partial(count_catalog, catalogs[lang])
        else:
            count = functools.partial(_count_missing_or_file, config, article, lang)
        threshold = float(language_setting(config, "publish_threshold", lang, 0.0))
        decisions[lang] = Decision(lang, threshold, include_fuzzy, count)
    return decisions


def _count_missing_or_file(config: Config, article: Article, lang: str) -> Counts:
    """A catalog not read yet: its file's counts, or the template's (all untranslated) when it does not exist."""
    path = catalog_path(config, lang, article.slug)
    return count_file(path if path.exists() else template_path(config, article.slug))


def alternate_links(
    config: Config, article: Article, source_language: str, published: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(hreflang, href) for the original and every published language, in configured order, then x-default."""
    original = _url(config, article, source_language, original=True)
    order = [lang for lang in config.languages if lang in published or lang == source_language]
    if source_language not in order:
        order.insert(0, source_language)
    links = [(lang, original if lang == source_language else _url(config, article, lang)) for lang in order]
    return (*links, ("x-default", original))


def _url(config: Config, article: Article, lang: str, original: bool = False) -> str:
    template = language_setting(config, "hreflang_url", lang)
    if template is not None:
        return str(template).format(lang=quote(lang), slug=quote(article.slug))
    depth = article.slug.count("/") + 1
    if not original:
        return "../" * depth + quote(posixpath.join(lang, article.slug + ".html"))
    page_folder = output_path(config, lang, article.slug).parent
    return quote(Path(os.path.relpath(article.source, page_folder)).as_posix())


def manages_alternates(config: Config) -> bool:
    """Once the project configures publishing, every page gets hreflang links (not only where the source had some)."""
    return "publish_threshold" in config.extra or "hreflang_url" in config.extra


def page_policy(config: Config, decision: Decision, alternates: tuple[tuple[str, str], ...], include_fuzzy: bool) -> PagePolicy:
    """What build_page changes in one page beyond its text."""
    notice = language_setting(config, "stale_notice", decision.language)
    if notice is not None and not decision.counts.stale:
        notice = None
    return PagePolicy(
        alternates=alternates,
        all_pages=manages_alternates(config),
        noindex=not decision.published,
        notice=notice,
        mark_drafts=include_fuzzy,
    )


def held_back(decision: Decision, output: Path, removed: bool) -> str:
    """The line ``transkit build`` prints for a language it did not build."""
    what = "; removed the page built earlier" if removed else ""
    return (
        f"{output}: not built: {decision.percent:.1f}% of words translated, below publish_threshold "
        f"{decision.threshold:g}% (--draft builds it with noindex){what}"
    )
