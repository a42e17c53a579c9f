"""The documented GitHub Actions workflow (docs/transkit.yml = the listing in docs/github-actions.md):
its shape, and each of its ``run:`` steps executed on a copy of this repository's sample project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO

WORKFLOW = REPO / "docs" / "transkit.yml"
DOC = REPO / "docs" / "github-actions.md"
BIN = Path(sys.executable).parent
SLUG = "putin-prepares-to-visit-china"

needs_script = pytest.mark.skipif(not (BIN / "transkit").exists(), reason="the transkit console script is not installed")


def run_steps(text: str) -> list[tuple[str, str]]:
    """(step name, shell script) of every ``run:`` step, read from the YAML text (block scalars included)."""
    steps: list[tuple[str, str]] = []
    lines = text.splitlines()
    name = ""
    for index, line in enumerate(lines):
        named = re.match(r"\s+- name: (.*)", line)
        if named:
            name = named.group(1)
        match = re.match(r"(\s+)run: (.*)", line)
        if not match:
            continue
        if match.group(2) != "|":
            steps.append((name, match.group(2)))
            continue
        indent = len(match.group(1)) + 2
        body = []
        for following in lines[index + 1:]:
            if following.strip() and len(following) - len(following.lstrip()) < indent:
                break
            body.append(following[indent:])
        steps.append((name, "\n".join(body).strip() + "\n"))
    return steps


def test_the_doc_lists_the_workflow_file_verbatim() -> None:
    listing = re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert listing and listing.group(1) == WORKFLOW.read_text(encoding="utf-8")


def test_the_workflow_runs_the_three_gates_and_uploads_the_report() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    scripts = "\n".join(script for _, script in run_steps(text))
    for command in ("transkit sync --check", "transkit check --format github", "transkit status --fail-under",
                    "transkit report -o status.html"):
        assert command in scripts
    try:
        import yaml
    except ImportError:
        for line in ("uses: actions/upload-artifact@v4", "name: translation-status", "status.html", "status.json",
                     "pull_request:", "runs-on: ubuntu-latest", "if: ${{ !cancelled() }}"):
            assert line in text
        return
    data: dict[Any, Any] = yaml.safe_load(text)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and "push" in triggers
    steps = data["jobs"]["transkit"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["name"] == "translation-status"
    assert set(upload["with"]["path"].split()) == {"status.html", "status/", "status.json"}
    assert [s["run"] for s in steps if "run" in s] == [script.rstrip("\n") if "\n" not in script.rstrip("\n")
                                                      else script for _, script in run_steps(text)]
    gates = [s for s in steps if s.get("run", "").startswith("transkit")]
    assert all(s.get("if") == "${{ !cancelled() }}" for s in steps[steps.index(gates[0]) + 1:])


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("sources", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "transkit.toml", root / "transkit.toml")
    return root


def execute(script: str, root: Path, summary: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", GITHUB_STEP_SUMMARY=str(summary),
               NO_COLOR="1")
    return subprocess.run(["bash", "-e", "-c", script], cwd=root, env=env, capture_output=True, text=True)


@needs_script
def test_every_step_passes_on_the_sample_project(sample: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    steps = [(name, script) for name, script in run_steps(WORKFLOW.read_text(encoding="utf-8"))
             if "pip install" not in script]
    assert len(steps) == 4
    for name, script in steps:
        result = execute(script, sample, summary)
        assert result.returncode == 0, (name, result.stdout, result.stderr)
    assert "| tr | 100.0% |" in summary.read_text(encoding="utf-8")
    assert (sample / "status.html").is_file() and (sample / "status").is_dir() and (sample / "status.json").is_file()


@needs_script
def test_the_gates_fail_on_stale_catalogs_and_broken_translations(sample: Path, tmp_path: Path) -> None:
    steps = dict(run_steps(WORKFLOW.read_text(encoding="utf-8")))
    catalog = sample / "locales" / "ru" / f"{SLUG}.po"
    text = catalog.read_text(encoding="utf-8")
    broken = text.replace("<strong1>Си Цзиньпин</strong1>", "Си Цзиньпин", 1)
    assert broken != text
    catalog.write_text(broken, encoding="utf-8")
    result = execute(steps["Quality checks (annotations on the PO lines)"], sample, tmp_path / "s.md")
    assert result.returncode == 1
    assert re.search(rf"^::error file=locales/ru/{SLUG}\.po,line=\d+", result.stdout, re.MULTILINE), result.stdout
    source = sample / "sources" / f"{SLUG}.html"
    source.write_text(source.read_text(encoding="utf-8").replace("Two issues", "Three issues", 1), encoding="utf-8")
    result = execute(steps["Catalogs up to date with the sources"], sample, tmp_path / "s.md")
    assert result.returncode == 1 and f"out of date: {sample}/locales/ru/{SLUG}.po" in result.stdout
