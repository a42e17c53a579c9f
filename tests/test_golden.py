"""Golden round trips: source → POT → translated PO → HTML, both halves asserted byte for byte.

Each folder under tests/golden/ holds ``source.html``, the ``expected.pot``
sync must write, a translated ``tr.po``, and the ``expected.tr.html`` build
must write from it. Regenerate the expected files after an intended change
with ``TRANSKIT_UPDATE_GOLDEN=1 make test`` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import dom_signature, msgfmt_check, needs_gettext
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import Config, load_config
from transkit.pipeline import build_project, sync_project

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if (p / "source.html").exists())
UPDATE = os.environ.get("TRANSKIT_UPDATE_GOLDEN") == "1"
CONFIG = 'languages = ["tr", "en"]\n'


def _project(tmp_path: Path, case: Path) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(case / "source.html", tmp_path / "sources" / f"{case.name}.html")
    (tmp_path / "transkit.toml").write_text(CONFIG)
    return tmp_path


def _synced(tmp_path: Path, case: Path) -> tuple[Path, Config, Path]:
    """A synced project for ``case``: its root, config and Turkish catalog."""
    root = _project(tmp_path, case)
    config = load_config(root)
    assert sync_project(config).ok
    return root, config, root / "locales" / "tr" / f"{case.name}.po"


def _compare(actual: Path, expected: Path) -> None:
    if UPDATE:
        shutil.copy(actual, expected)
    assert actual.read_bytes() == expected.read_bytes(), f"{actual.name} differs from {expected}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_extraction_matches_golden_template(tmp_path: Path, case: Path) -> None:
    root = _project(tmp_path, case)
    report = sync_project(load_config(root))
    assert report.ok, report.errors
    _compare(root / "locales" / "templates" / f"{case.name}.pot", case / "expected.pot")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_translated_build_matches_golden_page(tmp_path: Path, case: Path) -> None:
    root, config, catalog = _synced(tmp_path, case)
    shutil.copy(case / "tr.po", catalog)
    assert sync_project(config).ok
    assert read_catalog(catalog).entries == read_catalog(case / "tr.po").entries, "the golden tr.po is out of date"
    report = build_project(config)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    _compare(root / "build" / "tr" / f"{case.name}.html", case / "expected.tr.html")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_identity_catalog_builds_the_source_page(tmp_path: Path, case: Path) -> None:
    root, config, catalog = _synced(tmp_path, case)
    text = catalog.read_text()
    # Fill every msgstr with its msgid, through the real reader and writer.
    parsed = read_catalog(catalog)
    write_catalog(catalog, replace(parsed, entries=tuple(replace(e, msgstr=e.msgid) for e in parsed.entries)))
    assert catalog.read_text() != text
    build_project(config)
    source = (case / "source.html").read_bytes()
    built = (root / "build" / "tr" / f"{case.name}.html").read_bytes()
    assert dom_signature(built, without_alternates=True) == dom_signature(source, without_alternates=True)


@needs_gettext
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_catalogs_pass_msgfmt(case: Path) -> None:
    for name in ("expected.pot", "tr.po"):
        result = msgfmt_check(case / name)
        assert result.returncode == 0, result.stderr


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 6
