"""The command line, through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE, make_project
from transkit import __version__
from transkit.cli import _exit_status, main

ARTICLE = '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>{}</body></html>\n'


def run(*args: str) -> "object":
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, {"a.html": ARTICLE.format("<p>Hello world.</p>")})


def test_version_and_help() -> None:
    assert run("--version").output.strip() == f"transkit, version {__version__}"
    for command in ("init", "sync", "build", "status"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output and "--project" in result.output


def test_init_writes_defaults_once(tmp_path: Path) -> None:
    result = run("init", "--project", str(tmp_path))
    assert result.exit_code == 0
    config = tmp_path / "transkit.toml"
    assert 'languages = ["tr", "en", "ru"]' in config.read_text()
    assert (tmp_path / "sources").is_dir() and (tmp_path / "locales").is_dir()
    config.write_text("# mine\n")
    assert run("init", "--project", str(tmp_path)).exit_code == 0
    assert config.read_text() == "# mine\n"


def test_sync_build_status(project: Path) -> None:
    result = run("sync", "--project", str(project))
    assert result.exit_code == 0
    assert "sync: 3 written" in result.output
    assert run("sync", "--project", str(project)).output.strip() == "sync: 0 written, 0 unchanged, 1 article(s) up to date"
    result = run("build", "--project", str(project), "--lang", "tr")
    assert result.exit_code == 0
    assert (project / "build" / "tr" / "a.html").exists() and not (project / "build" / "ru").exists()
    result = run("status", "--project", str(project))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["article", "lang", "done", "reviewed", "machine", "stale", "untransl.", "words", "reviewed"]
    assert lines[1].split() == ["a", "tr", "0.0%", "0", "0", "0", "2", "0/3"]


def test_sync_check_exit_codes(project: Path) -> None:
    result = run("sync", "--check", "--project", str(project))
    assert result.exit_code == 1
    assert "out of date:" in result.output
    assert not (project / "locales").exists()
    run("sync", "--project", str(project))
    assert run("sync", "--check", "--project", str(project)).exit_code == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param("langs = ['tr']\n", "transkit.toml: unknown key 'langs'", id="unknown-key"),
        pytest.param("languages = 'tr'\n", "key 'languages' must be a list", id="wrong-type"),
        pytest.param("languages = ['tr', 'xx_bad!']\n", "key 'languages' must be a language code", id="bad-language"),
        pytest.param("segmentation = 'word'\n", "key 'segmentation' must be \"sentence\" or \"paragraph\"", id="bad-segmentation"),
        pytest.param("locales = '../elsewhere'\n", "key 'locales' must be a folder inside the project", id="outside"),
        pytest.param("exclude = ['p[']\n", "key 'exclude' has an invalid CSS selector", id="bad-selector"),
        pytest.param("languages = [\n", "not valid TOML", id="bad-toml"),
    ],
)
def test_config_errors_are_one_line_with_exit_2(project: Path, config: str, message: str) -> None:
    (project / "transkit.toml").write_text(config)
    result = CliRunner().invoke(main, ["sync", "--project", str(project)])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_bad_source_is_reported_and_exit_2(project: Path) -> None:
    (project / "sources" / "b.html").write_bytes(b"")
    result = CliRunner().invoke(main, ["sync", "--project", str(project)])
    assert result.exit_code == 2
    assert f"{project / 'sources' / 'b.html'}: empty file" in result.output
    assert (project / "locales" / "tr" / "a.po").exists(), "the good article is still synced"


def test_placeholder_mismatch_warns_with_catalog_line(project: Path) -> None:
    (project / "sources" / "a.html").write_text(ARTICLE.format("<p>A <b>bold</b> move.</p>"))
    run("sync", "--project", str(project))
    po = project / "locales" / "tr" / "a.po"
    text = po.read_text()
    po.write_text(text.replace('msgid "A <b1>bold</b1> move."\nmsgstr ""', 'msgid "A <b1>bold</b1> move."\nmsgstr "Cesur <b1>hamle"'))
    line = po.read_text().splitlines().index('msgid "A <b1>bold</b1> move."') + 1
    result = CliRunner().invoke(main, ["build", "--project", str(project)])
    assert result.exit_code == 0
    assert f"warning: locales/tr/a.po:{line}: <b1> is never closed; the source text is used instead" in result.stderr


def test_installed_command_runs_as_a_subprocess(project: Path) -> None:
    executable = shutil.which("transkit", path=os.path.dirname(sys.executable)) or shutil.which("transkit")
    assert executable, "the console script is installed with the package"
    done = subprocess.run([executable, "sync", "--project", str(project)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([executable, "status", "--project", str(project)], capture_output=True, text=True)
    assert done.returncode == 0
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["a", "tr", "0.0%", "0", "0", "0", "2", "0/3"] in rows
    done = subprocess.run([sys.executable, "-m", "transkit.cli", "sync", "--check", "--project", str(project)],
                          capture_output=True, text=True)
    assert done.returncode == 0


def test_the_command_exits_at_once_with_its_status_and_all_its_output(tmp_path: Path) -> None:
    """run() skips the interpreter's teardown: the exit status and every byte of output must still come out."""
    executable = shutil.which("transkit", path=os.path.dirname(sys.executable))
    assert executable is not None
    done = subprocess.run([executable, "--help"], capture_output=True, text=True)
    usual = subprocess.run([sys.executable, "-c", "from transkit.cli import main; main(prog_name='transkit')", "--help"],
                           capture_output=True, text=True)  # (main(), and the interpreter's usual exit)
    assert done.returncode == 0 and done.stdout == usual.stdout and "xliff" in done.stdout  # (block-buffered: flushed)
    done = subprocess.run([executable, "sync", "--project", str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and done.stderr.startswith("transkit: error: ")
    reader = subprocess.Popen([executable, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # as "transkit --help | head -c 0" does: the output cannot be written
    assert reader.wait() == 1 and reader.stderr.read() == b""  # (click's status for a broken pipe, and no traceback)


@pytest.mark.parametrize(("code", "status", "printed"), [(None, 0, ""), (0, 0, ""), (3, 3, ""), ("stop", 1, "stop\n")])
def test_exit_status_is_what_sys_exit_gives(code: object, status: int, printed: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(code) == status and capsys.readouterr().err == printed


def test_sample_project_end_to_end_as_subprocess(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"putin-prepares-to-visit-china.html": SAMPLE.read_bytes()})
    repo_locales = SAMPLE.parent.parent / "locales"
    shutil.copytree(repo_locales, root / "locales")
    executable = shutil.which("transkit", path=os.path.dirname(sys.executable))
    for command in (["sync"], ["build"], ["status"]):
        done = subprocess.run([executable, *command, "--project", str(root)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    built = (root / "build" / "ru" / "putin-prepares-to-visit-china.html").read_text()
    assert "Си Цзиньпин" in built and 'lang="ru"' in built
    assert "The February 24" not in built
