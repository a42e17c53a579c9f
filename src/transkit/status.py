"""Translation progress per article and language, counted in segments and in words.

Reads catalogs only; never writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog.model import Catalog, Entry
from .catalog.pofile import read_catalog
from .catalog.sync import is_current
from .config import Config
from .errors import TranskitError
from .fsutil import read_head
from .layout import catalog_path, find_articles, template_path
from .source.inline import PLACEHOLDER

WORD = re.compile(r"[^\W_]+(?:[-’'][^\W_]+)*")


def word_count(msgid: str) -> int:
    """Words a translator has to translate: placeholders are not words."""
    return len(WORD.findall(PLACEHOLDER.sub(" ", msgid)))


@dataclass(frozen=True)
class Counts:
    """Segments and words in each state."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Completeness as a share of words (100 for an empty article)."""
        return 100.0 * self.translated_words / self.total_words if self.total_words else 100.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self._values(), other._values())))

    def _values(self) -> tuple[int, ...]:
        return (
            self.translated, self.fuzzy, self.untranslated,
            self.translated_words, self.fuzzy_words, self.untranslated_words,
        )


def count_entry(entry: Entry) -> Counts:
    words = word_count(entry.msgid)
    if entry.translated:
        return Counts(translated=1, translated_words=words)
    if entry.msgstr and entry.fuzzy:
        return Counts(fuzzy=1, fuzzy_words=words)
    return Counts(untranslated=1, untranslated_words=words)


def count_catalog(catalog: Catalog) -> Counts:
    total = Counts()
    for entry in catalog.live_entries:
        if entry.msgid:
            total = total + count_entry(entry)
    return total


@dataclass(frozen=True)
class StatusRow:
    """One article in one language."""

    slug: str
    language: str
    counts: Counts
    current: bool  # the catalog was synced from the current source


def project_status(config: Config, languages: tuple[str, ...] = (), only: tuple[str, ...] = ()) -> list[StatusRow]:
    """One row per article and target language that has a template."""
    rows = []
    for article in find_articles(config, only):
        head = read_head(template_path(config, article.slug))
        for language in config.languages:
            if languages and language not in languages:
                continue
            path = catalog_path(config, language, article.slug)
            if not path.exists():
                continue
            catalog = read_catalog(path)
            source_hash = catalog.header("X-Transkit-Source")
            rows.append(StatusRow(article.slug, language, count_catalog(catalog), bool(head) and is_current(head, source_hash)))
    if not rows and not find_articles(config, only):
        raise TranskitError(f"{config.sources}: no articles found")
    return rows
