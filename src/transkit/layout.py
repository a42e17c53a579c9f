"""Where things live: article slug ⇄ source, template, catalog and output paths.

Every path transkit writes is computed here and checked to stay inside its
folder, so a crafted slug or a symlink can never make transkit write
elsewhere.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import SourceError

TEMPLATES = "templates"


@dataclass(frozen=True, slots=True)  # slots: a project may have tens of thousands
class Article:
    """One source HTML file of the project."""

    slug: str
    source: Path

    def reference(self, config: Config) -> str:
        """The source path as catalogs cite it: relative to the project, with slashes."""
        return self.source.relative_to(config.root).as_posix()


def find_articles(config: Config, only: tuple[str, ...] = ()) -> list[Article]:
    """Every ``*.html`` under the sources folder, sorted by slug.

    ``only`` restricts to the given slugs; an unknown one is an error.
    """
    _plain_folders.clear()
    root = config.sources
    if not root.is_dir():
        raise SourceError(f"{root}: sources folder does not exist (see 'transkit init')")
    articles = []
    resolved_root: Path | None = None
    for parts, is_link in _html_files(str(root)):
        relative = "/".join(parts)
        path = root / relative
        if is_link:  # (the only link a found file's path can hold: _html_files enters no linked folder)
            resolved_root = resolved_root or root.resolve()
            if resolved_root not in path.resolve().parents:
                raise SourceError(f"{path}: links outside the sources folder; refusing to read it")
        articles.append(Article(slug=relative.removesuffix(".html"), source=path))
    if only:
        known = {a.slug for a in articles}
        missing = [s for s in only if s not in known]
        if missing:
            raise SourceError(f"{root}: no article with slug '{missing[0]}'")
        articles = [a for a in articles if a.slug in only]
    return articles


def _html_files(root: str) -> list[tuple[tuple[str, ...], bool]]:
    """The names below ``root`` of every file ``*.html``, as ``sorted(Path(root).rglob("*.html"))``
    orders them (by their names, folder by folder), files only (a symlink to one counts), and
    whether each is a symlink.

    As rglob does, symlinked folders are not entered and unreadable ones are skipped; one
    scandir per folder, without a Path (and its stat for is_file) per file: a third of the time.
    """
    found: list[tuple[tuple[str, ...], bool]] = []
    folders: list[tuple[str, tuple[str, ...]]] = [(root, ())]
    while folders:
        folder, names = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except PermissionError:
            continue
        for entry in entries:
            try:
                if entry.name.endswith(".html") and entry.is_file():
                    found.append(((*names, entry.name), entry.is_symlink()))
                if entry.is_dir() and not entry.is_symlink():
                    folders.append((entry.path, (*names, entry.name)))
            except OSError:  # (gone since it was listed, or a looping link: rglob skips it too)
                continue
    found.sort()
    return found


def _within(folder: Path, relative: str) -> Path:
    """``folder/relative``, refusing any result that escapes ``folder``.

    ``folder`` is the configured locales or output folder (checked by the config
    to be inside the project); a symlink anywhere below it, such as
    ``locales/tr`` pointing elsewhere, is caught by resolving the whole path.
    """
    path = folder / relative
    if not _may_leave(folder, relative):
        return path
    resolved = path.resolve()
    base = folder.resolve()
    if base not in resolved.parents:
        raise SourceError(f"{path}: would be written outside {folder}; refusing")
    return path


def _may_leave(folder: Path, relative: str) -> bool:
    """False when ``folder/relative`` is certainly inside ``folder`` once resolved.

    That is so when ``relative`` has only plain names and none of them is a
    symlink: then it resolves to ``folder.resolve()/relative``. Checking that
    takes one lstat per name below ``folder``; resolving both paths (the
    full check, done otherwise) an lstat per name from the root, twice, and
    was most of the time of a sync with nothing to do.
    """
    parent, _, name = relative.rpartition("/")
    if parent and parent[0] != "/" and name not in ("", ".", ".."):
        # Most paths: their folder was checked already, only the file itself is left. (The loop
        # below caches only strings joined from plain names, so "..", "." and "" never hit.)
        folder_path = os.path.join(folder, parent)
        if folder_path in _plain_folders:
            return _is_link(os.path.join(folder_path, name))
    current = str(folder)
    names = relative.split("/")
    for index, name in enumerate(names):
        if name in ("", ".", ".."):
            return True
        current = os.path.join(current, name)
        if current in _plain_folders:
            continue
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return True
        except OSError:  # the rest does not exist (yet): nothing below can be a link, but ".." can climb
            return any(rest in ("", ".", "..") for rest in names[index + 1 :])
        if index < len(names) - 1:
            _plain_folders.add(current)
    return False


def _is_link(path: str) -> bool:
    """Whether ``path`` is a symlink; False when it does not exist (yet)."""
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


# Folders seen not to be symlinks since the articles were last listed: every
# command lists them first, so a link made between two commands is still seen.
_plain_folders: set[str] = set()


def template_path(config: Config, slug: str) -> Path:
    return _within(config.locales, f"{TEMPLATES}/{slug}.pot")


def catalog_path(config: Config, lang: str, slug: str) -> Path:
    return _within(config.locales, f"{lang}/{slug}.po")


def output_path(config: Config, lang: str, slug: str) -> Path:
    return _within(config.output, f"{lang}/{slug}.html")


def target_languages(config: Config, article_language: str) -> tuple[str, ...]:
    """Every configured language other than the article's own."""
    return tuple(lang for lang in config.languages if lang != article_language)
