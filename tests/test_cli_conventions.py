"""CLI conventions every command keeps: help with examples, -q/-v, no colour off a terminal or with NO_COLOR,
exit codes 0/1/2, shell completion."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import REPO, make_project
from transkit import __version__
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.cli import main

BIN = Path(sys.executable).parent
TRANSKIT = BIN / "transkit"
ANSI = re.compile(r"\x1b\[")
ARTICLE = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Visit</title></head>'
           '<body><p>President <strong>Xi</strong> visited Moscow. Talks went well.</p></body></html>\n')

needs_script = pytest.mark.skipif(not TRANSKIT.exists(), reason="the transkit console script is not installed")


def leaf_commands(group: click.Group = main, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(leaf_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


COMMANDS = leaf_commands()


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")}
    env.update(TERM="xterm-256color", COLUMNS="100", **extra)
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a translation whose source then changed (so drift and status have something to show)."""
    root = make_project(tmp_path / "site", {"a.html": ARTICLE}, 'languages = ["ru"]\n')
    assert invoke("sync", "-q", "--project", str(root)).exit_code == 0
    path = root / "locales" / "ru" / "a.po"
    catalog = read_catalog(path)
    translations = {"Talks went well.": "Переговоры прошли хорошо.", "Visit": "Визит"}
    entries = tuple(replace(e, msgstr=translations.get(e.msgid, e.msgstr)) for e in catalog.entries)
    write_catalog(path, replace(catalog, entries=entries))
    source = root / "sources" / "a.html"
    source.write_text(ARTICLE.replace("Talks went well.", "Talks went very well."), encoding="utf-8")
    assert invoke("sync", "-q", "--project", str(root)).exit_code == 0
    return root


# --------------------------------------------------------------------------- help, version, options


def test_the_command_tree_is_what_the_readme_documents() -> None:
    assert {"init", "sync", "build", "status", "check", "add-language"} <= {c[0] for c in COMMANDS}
    assert ("xliff", "export") in COMMANDS and ("xliff", "import") in COMMANDS


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example_and_quiet_verbose(command: tuple[str, ...]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert re.search(r"^\s+Examples?:\n\s+transkit " + re.escape(" ".join(command)), result.output, re.MULTILINE), \
        result.output
    assert "-q, --quiet" in result.output and "-v, --verbose" in result.output and "-h, --help" in result.output
    assert "--project" in result.output


def test_version_and_short_help() -> None:
    assert invoke("--version").output == f"transkit, version {__version__}\n"
    assert invoke("-h").output == invoke("--help").output


def test_quiet_commands_print_nothing_on_success(project: Path, tmp_path: Path) -> None:
    for args in (("sync",), ("build",), ("xliff", "export", "-o", str(tmp_path / "x")), ("init",),
                 ("report", "-o", str(tmp_path / "status.html"))):
        result = CliRunner().invoke(main, [*args, "-q", "--project", str(project)])
        assert (result.exit_code, result.output) == (0, ""), (args, result.output)
    result = CliRunner().invoke(main, ["-q", "sync", "--project", str(project)])  # also before the command
    assert (result.exit_code, result.output) == (0, "")


# --------------------------------------------------------------------------- colour


def read_commands(project: Path, out: Path) -> list[list[str]]:
    return [
        ["status"], ["check"], ["drift"], ["sync", "--check"], ["tm", "export"],
        ["xliff", "export", "-o", str(out / "xliff")], ["report", "-o", str(out / "status.html")],
        ["badge", "-o", str(out / "badge.svg")], ["--help"], ["status", "--help"],
    ]


@needs_script
def test_no_ansi_escapes_when_output_is_not_a_terminal(project: Path, tmp_path: Path) -> None:
    env = environment()
    processes = [
        (args, subprocess.Popen([str(TRANSKIT), *args], cwd=project, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True))
        for args in read_commands(project, tmp_path)
    ]
    for args, process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode in (0, 1), (args, err)
        assert not ANSI.search(out + err), (args, out + err)


def on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run with stdout and stderr on a pseudo-terminal; return everything it printed."""
    master, slave = pty.openpty()
    process = subprocess.Popen([str(TRANSKIT), *args], cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(master)
    return b"".join(chunks).decode("utf-8", errors="replace")


@needs_script
def test_colour_on_a_terminal_but_never_with_no_color(project: Path) -> None:
    coloured = on_terminal(["drift"], project, environment())
    assert ANSI.search(coloured), coloured  # the terminal case does colour: the next assertions mean something
    assert "Talks went" in coloured
    for args in (["drift"], ["status"], ["check"], ["sync", "--check"]):
        plain = on_terminal(args, project, environment(NO_COLOR="1"))
        assert not ANSI.search(plain), (args, plain)
        assert plain.strip() or args[0] == "sync"  # an up-to-date sync --check says nothing


# --------------------------------------------------------------------------- exit codes


def test_exit_codes_are_as_documented(project: Path, tmp_path: Path) -> None:
    p = ("--project", str(project))
    assert invoke("sync", "--check", *p).exit_code == 0
    assert invoke("check", *p).exit_code == 0
    (project / "sources" / "a.html").write_text(ARTICLE.replace("Moscow", "Beijing"), encoding="utf-8")
    assert invoke("sync", "--check", *p).exit_code == 1  # out of date
    assert CliRunner().invoke(main, ["sync", "--bogus", *p]).exit_code == 2  # usage
    assert CliRunner().invoke(main, ["frobnicate"]).exit_code == 2
    assert CliRunner().invoke(main, ["xliff", "import", *p]).exit_code == 2  # missing argument
    assert invoke("sync", "--article", "nope", *p).exit_code == 2  # input
    assert invoke("add-language", "xx", *p).exit_code == 2
    (project / "transkit.toml").write_text("languages = 3\n", encoding="utf-8")
    result = invoke("status", *p)
    assert result.exit_code == 2 and result.output.count("\n") == 1 and "transkit.toml" in result.output


def test_readme_documents_exit_codes_and_completion() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(r"\*\*0\*\* ok, \*\*1\*\* findings or\s+out-of-date catalogs, \*\*2\*\* usage or input error",
                     readme)
    assert "_TRANSKIT_COMPLETE=bash_source transkit" in readme
    assert "NO_COLOR" in readme


# --------------------------------------------------------------------------- completion


@needs_script
@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o nosort -F _transkit_completion transkit"),
    ("zsh", "#compdef transkit"),
    ("fish", "complete --no-files --command transkit"),
])
def test_completion_scripts_are_generated(shell: str, marker: str) -> None:
    result = subprocess.run([str(TRANSKIT)], env=environment(_TRANSKIT_COMPLETE=f"{shell}_source"),
                            capture_output=True, text=True)
    assert result.returncode == 0 and marker in result.stdout


@needs_script
@pytest.mark.parametrize(("words", "expected"), [
    ("transkit xl", {"xliff"}),
    ("transkit add", {"add-language"}),
    ("transkit xliff import --m", {"--mark"}),
    ("transkit check --format g", {"github"}),
])
def test_completion_answers(words: str, expected: set[str]) -> None:
    env = environment(_TRANSKIT_COMPLETE="bash_complete", COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - 1))
    result = subprocess.run([str(TRANSKIT)], env=env, capture_output=True, text=True)
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines()}
    assert expected <= offered, result.stdout


# --------------------------------------------------------------------------- the README, runnable as written


def readme_commands() -> list[str]:
    """Every line of the sh blocks in the README's sections for translators, editors and CI maintainers."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for title in ("For translators", "For editors", "For CI maintainers"):
        section = readme.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
        for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL):
            commands.extend(line for line in block.splitlines() if line.strip())
    return commands


@needs_script
def test_readme_commands_for_the_three_kinds_of_users_run_as_written(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    for folder in ("sources", "locales"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "transkit.toml", root / "transkit.toml")
    commands = readme_commands()
    assert any(c.startswith("transkit xliff import") for c in commands) and len(commands) >= 8
    env = environment(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    for command in commands:
        result = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (command, result.stdout, result.stderr)


def test_verbose_says_more_and_quiet_says_less(tmp_path: Path) -> None:
    """-v is not only accepted: init names the folders it made, project commands how long they took."""
    project = tmp_path / "site"
    made = invoke("init", "--project", str(project), "-v")
    assert made.exit_code == 0 and f"made {project / 'sources'}/" in made.output
    assert f"kept {project / 'sources'}/" in invoke("init", "--project", str(project), "-v").output
    (project / "sources" / "a.html").write_text("<html><body><p>Hello there.</p></body></html>", encoding="utf-8")
    loud = invoke("sync", "--project", str(project), "-v")
    assert loud.exit_code == 0 and re.search(r"^\S+ sync: \d+\.\d\d s in \S*site$", loud.output, re.MULTILINE), loud.output
    plain = invoke("sync", "--project", str(project))
    assert plain.exit_code == 0 and " s in " not in plain.output and "sync:" in plain.output
    assert invoke("sync", "--project", str(project), "-q").output == ""
