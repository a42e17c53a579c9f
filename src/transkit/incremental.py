"""Which articles ``transkit build`` can skip: nothing they are built from has changed.

A page depends on its source, its template, the catalogs of every language
of its article (the publishing policy counts them all), transkit.toml, the
build options and transkit itself. After a build, the manifest
``.transkit/build-manifest.json`` records, per article, a fingerprint of those
inputs (inode, size, modification and change times of each file), the
languages built and each page's own fingerprint, and the warnings the build
printed. The next build skips an article whose inputs and pages still match
(and says the same warnings again), without parsing anything: a rebuild
with nothing changed is a few stat calls per article.

A fingerprint rather than "output newer than its inputs": transkit never
rewrites an unchanged page (so its time stays old), and a catalog restored
from git can carry an old time. Articles with a language held back by
``publish_threshold`` are always rebuilt (cheap: they are not all built), and
so is everything when the settings fingerprint changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import __version__
from .config import CONFIG_NAME, Config
from .fsutil import write_chunks
from .layout import Article, catalog_path, output_path, template_path
from .lock import STATE_FOLDER, state_folder

MANIFEST = Path(STATE_FOLDER) / "build-manifest.json"
FORMAT = 2
RACY_NS = 2_000_000_000  # coarser than any file system's timestamps (FAT: 2 s)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What an article's pages are built from, in short: a digest of its files' fingerprints."""

    digest: str
    newest: int  # the latest modification or change time among them (ns)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def page_fingerprint(path: Path) -> str | None:
    """A built page: inode, size and modification time (renaming it into place changes its ctime)."""
    info = _stat(path)
    return None if info is None else f"{info.st_ino:x}.{info.st_size:x}.{info.st_mtime_ns:x}"


def settings_fingerprint(config: Config, include_fuzzy: bool, draft: bool) -> str:
    """transkit.toml, the options that change pages, and transkit's own code."""
    digest = hashlib.sha256(f"{FORMAT} {__version__} {include_fuzzy} {draft}\n".encode())
    try:
        digest.update((config.root / CONFIG_NAME).read_bytes())
    except OSError:
        pass
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        info = source.stat()
        digest.update(f"{source.relative_to(package)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def input_paths(config: Config, article: Article) -> list[Path]:
    """What a build of the article reads: its source, its template, the catalog of every configured language."""
    paths = [article.source, template_path(config, article.slug)]
    paths += [catalog_path(config, lang, article.slug) for lang in config.languages]
    return paths


def input_fingerprint(config: Config, article: Article, paths: list[Path] | None = None) -> Inputs:
    """Inode, size and times of the article's :func:`input_paths` (``paths``, when the caller has them)."""
    if paths is None:
        paths = input_paths(config, article)
    digest = hashlib.blake2b(digest_size=12)
    newest = 0
    for path in paths:
        info = _stat(path)
        if info is None:
            digest.update(b"-;")
            continue
        digest.update(f"{info.st_ino:x}.{info.st_size:x}.{info.st_mtime_ns:x}.{info.st_ctime_ns:x};".encode())
        newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    return Inputs(digest.hexdigest(), newest)


@dataclass
class Manifest:
    """The last build's record, by article slug."""

    path: Path
    settings: str
    articles: dict[str, list[Any]] = field(default_factory=dict)  # slug -> entry (see fresh)
    loaded: str = ""  # digest of the file as read: unchanged, it is not written again
    # A file changed this recently may change again within its timestamp's resolution
    # without its fingerprint changing ("racy git"): such articles are not recorded.
    racy_after: int = field(default_factory=lambda: time.time_ns() - RACY_NS)

    @classmethod
    def load(cls, config: Config, settings: str) -> Manifest:
        path = config.root / MANIFEST
        try:
            data = path.read_bytes()
            found = json.loads(data)
        except (OSError, ValueError):
            return cls(path, settings)
        if not isinstance(found, dict) or found.get("format") != FORMAT or found.get("settings") != settings:
            return cls(path, settings, loaded=_digest(data))
        articles = found.get("articles")
        return cls(path, settings, articles if isinstance(articles, dict) else {}, _digest(data))

    # An entry, kept small (ten thousand articles, ten thousand entries):
    # [inputs digest, "--lang" selection "tr,ru" ("" for all), pages "tr=fingerprint;ru=...", warnings]

    def fresh(self, config: Config, article: Article, inputs: Inputs, languages: tuple[str, ...]) -> list[str] | None:
        """The warnings to say again when the article's pages are up to date; None when it must be built."""
        entry = self.articles.get(article.slug)
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], list)):
            return None
        digest, selection, pages, warnings = entry
        if digest != inputs.digest or selection != ",".join(languages) or not isinstance(pages, str):
            return None
        for page in filter(None, pages.split(";")):
            lang, _, recorded = page.partition("=")
            if page_fingerprint(output_path(config, lang, article.slug)) != recorded:
                return None
        return [str(warning) for warning in warnings]

    def knows(self, slug: str) -> bool:
        """Whether the last build recorded the article (otherwise it cannot be up to date)."""
        return slug in self.articles

    def pages(self, slug: str) -> int:
        """How many pages the article's entry records."""
        return len([page for page in self.articles[slug][2].split(";") if page])

    def record(self, config: Config, article: Article, inputs: Inputs, languages: tuple[str, ...],
               built: tuple[str, ...], warnings: list[str]) -> None:
        """After the article was built without errors or held-back languages."""
        pages = [(lang, page_fingerprint(output_path(config, lang, article.slug))) for lang in built]
        if inputs.newest >= self.racy_after or any(found is None for _, found in pages):
            self.forget(article.slug)
            return
        self.articles[article.slug] = [
            inputs.digest, ",".join(languages), ";".join(f"{lang}={found}" for lang, found in pages), warnings,
        ]

    def forget(self, slug: str) -> None:
        self.articles.pop(slug, None)

    def keep_only(self, slugs: set[str]) -> None:
        for slug in [s for s in self.articles if s not in slugs]:
            del self.articles[slug]

    def save(self) -> None:
        """Write the manifest (when it changed), streamed: no second copy of it in memory."""
        document = {"format": FORMAT, "settings": self.settings, "articles": self.articles}
        encoder = json.JSONEncoder(separators=(",", ":"), sort_keys=True)
        digest = hashlib.blake2b(digest_size=16)
        for chunk in encoder.iterencode(document):
            digest.update(chunk.encode())
        if digest.hexdigest() == self.loaded or self.path.parent.is_symlink():  # (the lock refuses that folder too)
            return
        state_folder(self.path.parent.parent)
        write_chunks(self.path, _buffered(encoder.iterencode(document)))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _buffered(chunks: Iterable[str], size: int = 1 << 16) -> Iterator[bytes]:
    """json's many small pieces as fewer, larger ones (one write each)."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending).encode()
            pending, length = [], 0
    if pending:
        yield "".join(pending).encode()
