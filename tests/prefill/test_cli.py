"""``transkit prefill`` and ``transkit tm`` through click's CliRunner; ``[prefill]`` validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from transkit.catalog.model import Entry
from transkit.cli import main

from fakemt import RunningServer, entries_of, mt_server, offline, set_entries  # noqa: F401 - fixtures
from fakemt import prefill_project as make_project

ARTICLES = {"alpha": ("Alpha", ["Good morning.", "See you on 12.07.2023."]), "beta": ("Beta", ["Good morning."])}


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--project", str(root)], catch_exceptions=False)


def test_prefill_memory_only_by_default(tmp_path: Path) -> None:
    config = make_project(tmp_path, ARTICLES)
    set_entries(config.locales / "ru" / "alpha.po", morning=Entry("Good morning.", "Доброе утро."))
    result = run(tmp_path, "prefill")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"wrote {config.locales / 'ru' / 'beta.po'}",
        "prefill: 1 from memory, 0 copied (nothing to translate), no MT (engine tm), 0 rejected, 0 failed, "
        "3 left empty; 0 requests, 0 characters sent",
    ]


def test_prefill_with_a_local_libretranslate(tmp_path: Path, mt_server: RunningServer) -> None:
    config = make_project(tmp_path, ARTICLES)
    result = run(tmp_path, "prefill", "--engine", "libre", "--engine-url", mt_server.url, "--lang", "ru")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "prefill: 0 from memory, 0 copied (nothing to translate), 5 from MT (libre, 0 of them cached), "
        "0 rejected, 0 failed, 0 left empty; 4 requests, 37 characters sent"
    )
    assert entries_of(config.locales / "ru" / "alpha.po")["See you on 12.07.2023."].msgstr == "[ru] See you on 12.07.2023."
    again = run(tmp_path, "prefill", "--engine", "libre", "--engine-url", mt_server.url)
    assert again.stdout.splitlines() == [
        "prefill: 0 from memory, 0 copied (nothing to translate), 0 from MT (libre, 0 of them cached), "
        "0 rejected, 0 failed, 0 left empty; 0 requests, 0 characters sent"
    ]
    assert len(mt_server.seen) == 4


def test_rejected_answers_exit_1_with_a_warning_per_entry(tmp_path: Path, mt_server: RunningServer) -> None:
    make_project(tmp_path, ARTICLES, f'engine = "libre"\nurl = "{mt_server.url}"')
    mt_server.plan("See you", "damage")
    result = run(tmp_path, "prefill")
    assert result.exit_code == 1
    [warning] = result.stderr.splitlines()
    assert warning.startswith("warning: ") and warning.endswith(
        "libre answer rejected: token ⟦1⟧ is missing from the answer; left empty"
    )


def test_dry_run_prints_the_cost(tmp_path: Path, mt_server: RunningServer) -> None:
    config = make_project(tmp_path, ARTICLES, f'engine = "libre"\nurl = "{mt_server.url}"')
    set_entries(config.locales / "ru" / "alpha.po", morning=Entry("Good morning.", "Доброе утро."))
    result = run(tmp_path, "prefill", "--dry-run")
    assert result.exit_code == 0 and mt_server.seen == []
    assert result.stdout == (
        "prefill (dry run): 1 from memory, 0 copied (nothing to translate); 0 from the cache; "
        "3 entries (24 characters) would go to libre; nothing sent, nothing written\n"
    )
    assert "0 from memory" in run(tmp_path, "prefill", "--dry-run", "--article", "alpha").stdout


@pytest.mark.parametrize(
    ("args", "toml", "message"),
    [
        pytest.param(("--engine", "babelfish"), "", "--engine: unknown engine 'babelfish' (known: tm, libre, google, mymemory, microsoft)", id="unknown-engine"),
        pytest.param(("--engine", "deepl"), "", "DeepL is not offered", id="deepl"),
        pytest.param(("--engine", "microsoft"), "", "engine 'microsoft' needs an API key in the environment variable MICROSOFT_API_KEY", id="missing-key"),
        pytest.param(("--engine-url", "localhost:5000"), "", "engine URL must be an http(s) URL", id="bad-url"),
        pytest.param(("--lang", "de"), "", "--lang de: not one of the project's languages (en, ru)", id="unknown-language"),
        pytest.param((), 'engine = "systran"', "key 'prefill.engine': unknown engine 'systran'", id="toml-engine"),
        pytest.param((), "workers = 0", "key 'prefill.workers' must be a whole number from 1 to 64, not 0", id="toml-workers"),
        pytest.param((), "min_similarity = 0.8", "key 'prefill.min_similarity' must be a number from 50 to 100, not 0.8", id="toml-similarity"),
        pytest.param((), "colour = 1", "unknown key 'prefill.colour'", id="toml-unknown-key"),
        pytest.param((), 'do_not_translate = "ANKASAM"', "key 'prefill.do_not_translate' must be a list of terms", id="toml-terms"),
    ],
)
def test_problems_are_one_line_errors_before_any_work(tmp_path: Path, args: tuple[str, ...], toml: str, message: str) -> None:
    make_project(tmp_path, ARTICLES)
    (tmp_path / "transkit.toml").write_text(f'languages = ["en", "ru"]\n\n[prefill]\n{toml}\n', encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*.po")}
    result = run(tmp_path, "prefill", *args)
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("transkit: error: ") and message in line
    assert {p: p.read_bytes() for p in before} == before


def test_tm_export_and_import(tmp_path: Path) -> None:
    source = tmp_path / "source"
    config = make_project(source, ARTICLES)
    set_entries(config.locales / "ru" / "alpha.po", morning=Entry("Good morning.", "Доброе утро."))
    exported = tmp_path / "ours.tmx"
    result = run(source, "tm", "export", "-o", str(exported))
    assert result.exit_code == 0 and result.stderr == f"tm export: 1 unit(s) in {exported}\n"
    assert "<seg>Доброе утро.</seg>" in exported.read_text(encoding="utf-8")
    assert run(source, "tm", "export").stdout == exported.read_text(encoding="utf-8")

    other = make_project(tmp_path / "other", {"gamma": ("Gamma", ["Good morning."])})
    result = run(tmp_path / "other", "tm", "import", str(exported))
    assert result.exit_code == 0
    assert result.stdout == f"tm import: 1 unit(s) read, 2 new pair(s) in {tmp_path / 'other' / 'memory' / 'ours.tmx'}\n"
    run(tmp_path / "other", "prefill")
    morning = entries_of(other.locales / "ru" / "gamma.po")["Good morning."]
    assert morning.msgstr == "Доброе утро." and morning.fuzzy
    assert morning.translator_comments == ("transkit-prefill: memory 100% (memory/ours.tmx)",)


def test_tm_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    make_project(tmp_path, ARTICLES)
    result = run(tmp_path, "tm", "import", str(tmp_path / "nope.tmx"))
    assert result.exit_code == 2 and result.stderr.startswith("transkit: error: ") and "cannot read" in result.stderr
