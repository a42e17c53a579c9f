"""Shared test helpers: DOM comparison, project scaffolding, gettext tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sources" / "putin-prepares-to-visit-china.html"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def dom_signature(html: bytes, ignore_root_attributes: tuple[str, ...] = ("lang",), without_alternates: bool = False) -> Any:
    """A comparable form of a page's DOM: doctype, tags, attributes, text, tails, comments.

    ``without_alternates`` drops ``<link rel="alternate" hreflang>`` elements, which
    the build deliberately replaces by the languages actually published.
    """
    tree = etree.fromstring(html, etree.HTMLParser(remove_comments=False, remove_pis=False)).getroottree()
    if without_alternates:
        for link in tree.getroot().findall(".//link[@hreflang]"):
            if "alternate" in (link.get("rel") or "").split():
                link.getparent().remove(link)

    def node(element: Any, is_root: bool = False) -> Any:
        attributes = dict(element.attrib) if isinstance(element.tag, str) else {}
        if is_root:
            for name in ignore_root_attributes:
                attributes.pop(name, None)
        tag = element.tag if isinstance(element.tag, str) else ("#comment" if element.tag is etree.Comment else "#pi")
        return (tag, tuple(sorted(attributes.items())), element.text or "", tuple(node(c) for c in element), element.tail or "")

    return (tree.docinfo.doctype, node(tree.getroot(), is_root=True))


def msgfmt_check(path: Path) -> subprocess.CompletedProcess[str]:
    """Run GNU msgfmt -c on a catalog; tests assert returncode 0 and no warnings."""
    return subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(path)],
        capture_output=True, text=True,
    )


needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")


def make_project(root: Path, sources: dict[str, str | bytes], config: str | None = None) -> Path:
    """A transkit project in ``root`` with the given source files (slug path → HTML)."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for name, content in sources.items():
        path = root / "sources" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
    if config is not None:
        (root / "transkit.toml").write_text(config, encoding="utf-8")
    return root


def translate_catalog(path: Path, items: list[dict[str, str]]) -> None:
    """Give a synced catalog translations in given states (tests/fixtures/status/*.json format).

    Each item: msgid, msgstr, state (reviewed | machine | stale), optional previous
    (the source the translation was made from) and provenance (machine drafts).
    """
    from dataclasses import replace

    from transkit.catalog.pofile import read_catalog, write_catalog

    wanted = {item["msgid"]: item for item in items}
    catalog = read_catalog(path)
    entries = []
    for entry in catalog.entries:
        item = wanted.get(entry.msgid)
        if item is None or entry.obsolete:
            entries.append(entry)
            continue
        fuzzy = item["state"] != "reviewed"
        comments = (f"transkit-prefill: {item.get('provenance', 'mt test')}",) if item["state"] == "machine" else ()
        entries.append(replace(
            entry, msgstr=item["msgstr"], flags=("fuzzy",) if fuzzy else (),
            translator_comments=comments, previous_msgid=item.get("previous"),
        ))
    write_catalog(path, replace(catalog, entries=tuple(entries)))


def translated_sample(root: Path, config: str | None = None) -> Path:
    """The sample article, synced, with the hand-made tr/ru translations of tests/fixtures/status."""
    import json

    from transkit.config import load_config
    from transkit.pipeline import sync_project

    make_project(root, {SAMPLE.name: SAMPLE.read_bytes()}, config)
    report = sync_project(load_config(root))
    assert report.ok, report.errors
    table = json.loads((FIXTURES / "status" / "sample_translations.json").read_text(encoding="utf-8"))
    for language, items in table.items():
        translate_catalog(root / "locales" / language / SAMPLE.with_suffix(".po").name, items)
    return root


def unnamed_files_work(folder: Path) -> bool:
    """Whether this file system makes unnamed files (O_TMPFILE) that can be linked (ext4, tmpfs, xfs, btrfs)."""
    try:
        descriptor = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except (AttributeError, OSError):
        return False
    try:
        os.link(f"/proc/self/fd/{descriptor}", folder / ".probe", src_dir_fd=descriptor, follow_symlinks=True)
    except OSError:
        return False
    finally:
        os.close(descriptor)
    (folder / ".probe").unlink()
    return True
