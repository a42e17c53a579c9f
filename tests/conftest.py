"""Shared test helpers: DOM comparison, project scaffolding, gettext tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sources" / "putin-prepares-to-visit-china.html"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def dom_signature(html: bytes, ignore_root_attributes: tuple[str, ...] = ("lang",)) -> Any:
    """A comparable form of a page's DOM: doctype, tags, attributes, text, tails, comments."""
    tree = etree.fromstring(html, etree.HTMLParser(remove_comments=False, remove_pis=False)).getroottree()

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
