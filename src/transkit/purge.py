"""Remove obsolete (``#~``) entries: the only way transkit ever deletes a translation.

Sync keeps every translation whose segment left the source as an obsolete
entry, because the segment may come back (a revert, a moved paragraph) and
the translation with it. Dropping them is a decision a person makes:
``transkit sync --purge-obsolete`` lists what would go, ``--yes`` removes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .catalog.pofile import read_catalog, write_catalog
from .config import Config
from .errors import TranskitError
from .layout import catalog_path, find_articles


@dataclass(frozen=True)
class ObsoleteEntry:
    """One ``#~`` entry: where it is and what it translated."""

    path: Path
    line: int
    msgid: str
    msgstr: str


@dataclass
class PurgeReport:
    """What a purge found (dry run) or removed."""

    removed: bool
    entries: list[ObsoleteEntry] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def catalogs(self) -> int:
        return len({e.path for e in self.entries})


def purge_obsolete(config: Config, only: tuple[str, ...] = (), remove: bool = False) -> PurgeReport:
    """List the obsolete entries of every catalog of the selected articles; ``remove`` drops them.

    A catalog that cannot be read is reported and left alone; the others go on.
    """
    report = PurgeReport(removed=remove)
    for article in find_articles(config, only):
        for language in config.languages:
            try:
                path = catalog_path(config, language, article.slug)
                if path.is_file():
                    _purge_catalog(path, remove, report)
            except TranskitError as exc:
                report.errors.append(str(exc))
    return report


def _purge_catalog(path: Path, remove: bool, report: PurgeReport) -> None:
    catalog = read_catalog(path)
    obsolete = [e for e in catalog.entries if e.obsolete]
    report.entries.extend(ObsoleteEntry(path, e.line, e.msgid, e.msgstr) for e in obsolete)
    if remove and obsolete:
        kept = tuple(e for e in catalog.entries if not e.obsolete)
        if write_catalog(path, replace(catalog, entries=kept)):
            report.changed.append(path)
