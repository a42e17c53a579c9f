"""A page walked once and built in several languages gives the same bytes as walking it for each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from transkit.build import PagePolicy, build_page
from transkit.catalog.model import Catalog, Entry
from transkit.source.html import WalkOptions, extract, walk_page

PAGES = sorted({*FIXTURES.rglob("*.html"), *(REPO / "tests" / "golden").rglob("source.html"),
                *(REPO / "sources").glob("*.html")})
OPTIONS = WalkOptions("en")


def shouted(msgid: str) -> str:
    """A translation that keeps every placeholder: text outside them upper-cased."""
    return re.sub(r"(^|>)([^<]*)", lambda m: m.group(1) + m.group(2).upper(), msgid)


def catalog_for(data: bytes, path: Path, every: int) -> Catalog:
    document = extract(data, path, OPTIONS, "en", "")
    msgids = dict.fromkeys(segment.msgid for segment in document.segments)
    entries = []
    for index, msgid in enumerate(msgids):
        flags = ("fuzzy",) if index % 3 == 1 else ()
        entries.append(Entry(msgid, shouted(msgid) if index % every == 0 else "", flags=flags))
    return Catalog(entries=tuple(entries))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_walked_once_is_walked_each_time(path: Path) -> None:
    data = path.read_bytes()
    languages = {"tr": catalog_for(data, path, 1), "ru": catalog_for(data, path, 2), "ar": Catalog()}
    for fuzzy, policy in [(False, PagePolicy()),
                          (True, PagePolicy(alternates=(("en", "a.html"), ("tr", "b.html")), noindex=True,
                                            notice="<p>Old</p>", mark_drafts=True))]:
        walked = walk_page(data, path, OPTIONS, "en", len(languages))
        for language, catalog in languages.items():
            each = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", fuzzy, policy)
            once = build_page(data, path, catalog, "x.po", language, OPTIONS, "en", fuzzy, policy, walked)
            assert once == each, language
