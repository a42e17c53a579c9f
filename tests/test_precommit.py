"""The pre-commit hooks in .pre-commit-hooks.yaml: each hook's entry, run as pre-commit runs it, passes and fails."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, make_project
from transkit.catalog.pofile import read_catalog, write_catalog

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"
BIN = Path(sys.executable).parent
ARTICLE = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Visit</title></head>'
           '<body><p>President <strong>Xi</strong> visited Moscow.</p></body></html>\n')


def load_hooks() -> list[dict[str, Any]]:
    """The hooks file, with PyYAML when it is there, else with a reader for its flat list of mappings."""
    text = HOOKS_FILE.read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        return _read_flat_yaml(text)
    return yaml.safe_load(text)


def _read_flat_yaml(text: str) -> list[dict[str, Any]]:
    hooks: list[dict[str, Any]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"(- |  )(\w+): (.*)", line)
        assert match, f"unexpected line in {HOOKS_FILE.name}: {line!r}"
        if match.group(1) == "- ":
            hooks.append({})
        value: Any = match.group(3)
        value = {"true": True, "false": False}.get(value, value)
        hooks[-1][match.group(2)] = value
    return hooks


HOOKS = {hook["id"]: hook for hook in load_hooks()}


def run_hook(hook_id: str, project: Path) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry the way pre-commit does: in the repository root, the hook's environment on PATH."""
    executable = shutil.which("transkit", path=str(BIN))
    if executable is None:
        pytest.skip("the transkit console script is not installed next to this Python")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1")
    return subprocess.run(shlex.split(HOOKS[hook_id]["entry"]), cwd=project, env=env, capture_output=True, text=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path, {"a.html": ARTICLE}, 'languages = ["ru"]\n')
    result = subprocess.run([str(BIN / "transkit"), "sync", "-q"], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root


def translate(root: Path, msgstr: str) -> Path:
    path = root / "locales" / "ru" / "a.po"
    catalog = read_catalog(path)
    entries = tuple(replace(e, msgstr=msgstr) if "<strong1>" in e.msgid else e for e in catalog.entries)
    write_catalog(path, replace(catalog, entries=entries))
    return path


def test_the_hooks_file_declares_both_hooks() -> None:
    assert set(HOOKS) == {"transkit-sync-check", "transkit-check"}
    for hook in HOOKS.values():
        assert hook["language"] == "python"  # pre-commit installs this repository's package
        assert hook["pass_filenames"] is False  # the commands take no file arguments
        assert hook["entry"].split()[0] == "transkit" and hook["name"] and hook["description"]
    assert HOOKS["transkit-sync-check"]["entry"] == "transkit sync --check"
    assert HOOKS["transkit-check"]["entry"] == "transkit check"


@pytest.mark.parametrize(("hook_id", "path", "runs"), [
    ("transkit-sync-check", "sources/news/a.html", True),
    ("transkit-sync-check", "locales/templates/a.pot", True),
    ("transkit-sync-check", "locales/ru/a.po", True),
    ("transkit-sync-check", "transkit.toml", True),
    ("transkit-sync-check", "README.md", False),
    ("transkit-sync-check", "docs/transkit.toml.md", False),
    ("transkit-check", "locales/ru/news/a.po", True),
    ("transkit-check", "glossary.csv", True),
    ("transkit-check", "transkit.toml", True),
    ("transkit-check", "sources/a.html", False),
])
def test_files_patterns_decide_when_a_hook_runs(hook_id: str, path: str, runs: bool) -> None:
    assert bool(re.search(HOOKS[hook_id]["files"], path)) is runs  # pre-commit applies `files` with re.search


def test_sync_check_hook_passes_then_fails_when_a_source_changes(project: Path) -> None:
    assert run_hook("transkit-sync-check", project).returncode == 0
    source = project / "sources" / "a.html"
    source.write_text(ARTICLE.replace("visited Moscow.", "visited Moscow. Talks followed."), encoding="utf-8")
    result = run_hook("transkit-sync-check", project)
    assert result.returncode == 1
    assert "out of date: " in result.stdout and "run 'transkit sync'" in result.stderr


def test_sync_check_hook_reports_input_errors_with_exit_2(project: Path) -> None:
    (project / "transkit.toml").write_text('languages = ["ru"]\nsegmentaton = "sentence"\n', encoding="utf-8")
    result = run_hook("transkit-sync-check", project)
    assert result.returncode == 2 and "unknown key 'segmentaton'" in result.stderr


def test_check_hook_passes_a_good_translation_and_fails_a_broken_one(project: Path) -> None:
    translate(project, "Президент <strong1>Си</strong1> посетил Москву.")
    good = run_hook("transkit-check", project)
    assert good.returncode == 0, good.stdout + good.stderr
    path = translate(project, "Президент Си посетил Москву.")
    bad = run_hook("transkit-check", project)
    assert bad.returncode == 1
    line = next(e.line for e in read_catalog(path).entries if "<strong1>" in e.msgid)
    assert f"locales/ru/a.po:{line}:" in bad.stdout and "<strong1>" in bad.stdout
