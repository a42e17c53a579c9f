"""Filling catalogs: only empty entries, provenance on every draft, cache, resume, reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from transkit.catalog.model import Entry
from transkit.catalog.pofile import read_catalog
from transkit.config import Config
from transkit.errors import TranskitError
from transkit.prefill import PROVENANCE, is_machine_draft
from transkit.prefill.apply import PrefillOptions, prefill_project

from conftest import msgfmt_check, needs_gettext
from fakemt import RunningServer, entries_of, mt_server, offline, set_entries  # noqa: F401 - fixtures
from fakemt import prefill_project as make_project

DAY = date(2026, 11, 28)
HELLO = "Hello <strong1>world</strong1>, see https://example.org/page on March 20, 2023."
SHARED = "Shared sentence for both articles."
ARTICLES = {
    "alpha": ("Alpha report", ["Hello <strong>world</strong>, see https://example.org/page on March 20, 2023.",
                               SHARED, "Human work stays.", "Drafts stay too."]),
    "beta": ("Beta report", [SHARED, "Only in beta."]),
}


def msgfmt_ok(path: Path) -> bool:
    result = msgfmt_check(path)
    return result.returncode == 0 and not result.stderr


def _project(root: Path, server: RunningServer | None = None, extra: str = "") -> Config:
    settings = {"engine": '"libre"', "url": f'"{server.url}"', "workers": "2", "backoff": "0.001"} if server else {}
    for line in extra.splitlines():
        key, _, value = line.partition("=")
        settings[key.strip()] = value.strip()
    return make_project(root, ARTICLES, "\n".join(f"{k} = {v}" for k, v in settings.items()))


def _prefill(config: Config, **options: object) -> object:
    return prefill_project(config, PrefillOptions(today=DAY, **options))  # type: ignore[arg-type]


def _human_and_draft(config: Config) -> None:
    set_entries(
        config.locales / "ru" / "alpha.po",
        human=Entry("Human work stays.", "Человеческий перевод.", translator_comments=("checked by Anna",)),
        draft=Entry("Drafts stay too.", "Черновик.", flags=("fuzzy",)),
    )


def test_fills_only_empty_entries_and_marks_every_draft(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    _human_and_draft(config)
    before = entries_of(config.locales / "ru" / "alpha.po")
    report = _prefill(config)
    after = entries_of(config.locales / "ru" / "alpha.po")
    assert after["Human work stays."] == before["Human work stays."]
    assert after["Drafts stay too."] == before["Drafts stay too."]
    assert list(after) == list(before)  # no msgid changed, none added or lost
    hello = after[HELLO]
    assert hello.msgstr == "[ru] " + HELLO
    assert hello.fuzzy and hello.translator_comments == (f"{PROVENANCE} mt libre 2026-11-28",)
    assert is_machine_draft(hello)
    sent = set(mt_server.texts())
    assert "Human work stays." not in sent and "Drafts stay too." not in sent
    assert report.from_mt == 6 and report.ok  # type: ignore[attr-defined]


@needs_gettext
def test_placeholders_urls_and_numbers_travel_as_tokens(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    _prefill(config)
    [hello] = [s for s in mt_server.texts() if s.startswith("Hello")]
    assert hello == "Hello ⟦1⟧world⟦2⟧, see ⟦3⟧ on March ⟦4⟧, ⟦5⟧."
    assert msgfmt_ok(config.locales / "ru" / "alpha.po")


def test_a_human_unfuzzying_makes_it_human_work(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    _prefill(config)
    draft = entries_of(config.locales / "ru" / "beta.po")["Only in beta."]
    reviewed = draft.with_flag("fuzzy", False)
    assert is_machine_draft(draft) and not is_machine_draft(reviewed)


def test_memory_first_then_the_engine(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    set_entries(config.locales / "ru" / "alpha.po", shared=Entry(SHARED, "Общее предложение для обеих статей."))
    set_entries(config.locales / "ru" / "alpha.po", human=Entry("Human work stays.", "Только в бете, человеком."))
    report = _prefill(config)
    beta = entries_of(config.locales / "ru" / "beta.po")
    assert beta[SHARED].msgstr == "Общее предложение для обеих статей."
    assert beta[SHARED].fuzzy
    assert beta[SHARED].translator_comments == (f"{PROVENANCE} memory 100% (locales/ru/alpha.po)",)
    assert SHARED not in mt_server.texts()
    assert report.from_memory == 1  # type: ignore[attr-defined]


def test_fuzzy_memory_carries_its_score(tmp_path: Path) -> None:
    config = _project(tmp_path)
    set_entries(config.locales / "ru" / "alpha.po", shared=Entry(SHARED, "Общее предложение для обеих статей."))
    set_entries(config.locales / "ru" / "beta.po", shared=Entry(SHARED, ""))
    make_project(tmp_path, {"gamma": ("Gamma", ["Shared sentences for both articles!"])}, "")
    _prefill(config)
    gamma = entries_of(config.locales / "ru" / "gamma.po")["Shared sentences for both articles!"]
    assert gamma.fuzzy and gamma.msgstr == "Общее предложение для обеих статей."
    assert gamma.translator_comments == (f"{PROVENANCE} memory 95% (locales/ru/alpha.po)",)


def test_exact_memory_can_count_as_reviewed(tmp_path: Path) -> None:
    config = _project(tmp_path, extra="exact_as_reviewed = true")
    set_entries(config.locales / "ru" / "alpha.po", shared=Entry(SHARED, "Общее предложение."))
    _prefill(config)
    shared = entries_of(config.locales / "ru" / "beta.po")[SHARED]
    assert not shared.fuzzy and not is_machine_draft(shared)
    assert shared.translator_comments == (f"{PROVENANCE} memory 100% (locales/ru/alpha.po)",)


def test_tm_engine_is_offline_and_leaves_the_rest_empty(tmp_path: Path) -> None:
    config = _project(tmp_path)
    report = _prefill(config)
    assert report.unmatched == 8 and report.requests == 0 and report.changed == []  # type: ignore[attr-defined]


def test_same_text_is_sent_once_and_never_paid_twice(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    pristine = {p: p.read_bytes() for p in (config.locales / "ru").glob("*.po")}
    first = _prefill(config)
    assert mt_server.texts().count(SHARED) == 1
    assert first.requests == 7 and first.from_mt == 8  # type: ignore[attr-defined]
    filled = {p: p.read_bytes() for p in pristine}
    for path, data in pristine.items():  # a CI checkout: empty catalogs again
        path.write_bytes(data)
    mt_server.state.reset()
    second = _prefill(config)
    assert mt_server.texts() == [] and second.requests == 0 and second.cached == 8  # type: ignore[attr-defined]
    assert {p: p.read_bytes() for p in pristine} == filled
    assert (tmp_path / ".transkit" / ".gitignore").read_text().splitlines()[-1] == "*"
    [cache] = (tmp_path / ".transkit" / "cache").glob("libre-en-ru-*.jsonl")
    assert {json.loads(line)["text"] for line in cache.read_text().splitlines()} >= {SHARED, "Only in beta."}


@needs_gettext
@pytest.mark.parametrize(
    ("action", "why"),
    [("damage", "token ⟦1⟧ is missing from the answer"), ("dup", "token ⟦1⟧ appears twice in the answer")],
)
def test_damaged_answers_are_rejected_and_reported(tmp_path: Path, mt_server: RunningServer, action: str, why: str) -> None:
    config = _project(tmp_path, mt_server)
    mt_server.plan("Hello", action)
    report = _prefill(config)
    hello = entries_of(config.locales / "ru" / "alpha.po")[HELLO]
    assert hello.msgstr == "" and not hello.fuzzy and hello.translator_comments == ()
    assert report.rejected == 1 and not report.ok  # type: ignore[attr-defined]
    [problem] = report.problems  # type: ignore[attr-defined]
    assert problem == f"{config.locales / 'ru' / 'alpha.po'}:{hello.line}: libre answer rejected: {why}; left empty"
    assert msgfmt_ok(config.locales / "ru" / "alpha.po")


def test_failures_leave_entries_empty_and_are_reported(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server, extra="retries = 2")
    mt_server.plan("Only in beta", *["500"] * 5)
    mt_server.plan("Alpha report", "503", "429")
    report = _prefill(config)
    assert mt_server.texts().count("Only in beta.") == 3
    assert entries_of(config.locales / "ru" / "beta.po")["Only in beta."].msgstr == ""
    assert entries_of(config.locales / "ru" / "alpha.po")["Alpha report"].msgstr == "[ru] Alpha report"
    assert report.failed == 1 and report.from_mt == 7  # type: ignore[attr-defined]
    line = entries_of(config.locales / "ru" / "beta.po")["Only in beta."].line
    assert report.problems == [f"{config.locales / 'ru' / 'beta.po'}:{line}: libre failed: HTTP 500 (server error); left empty"]  # type: ignore[attr-defined]


def test_dry_run_sends_and_writes_nothing_and_tells_the_cost(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    before = {p: p.read_bytes() for p in config.locales.rglob("*.po")}
    report = _prefill(config, dry_run=True)
    assert mt_server.seen == [] and {p: p.read_bytes() for p in before} == before
    assert not (tmp_path / ".transkit").exists()
    assert report.to_send_entries == 8  # type: ignore[attr-defined]
    protected = ["Alpha report", "Hello ⟦1⟧world⟦2⟧, see ⟦3⟧ on March ⟦4⟧, ⟦5⟧.", SHARED, "Human work stays.",
                 "Drafts stay too.", "Beta report", "Only in beta."]
    assert report.to_send_characters == sum(len(t) for t in protected)  # type: ignore[attr-defined]
    assert report.summary().endswith(f"0 from the cache; 8 entries ({report.to_send_characters} characters) would go to libre; nothing sent, nothing written")  # type: ignore[attr-defined]


def test_limit_caps_the_entries_filled(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    report = _prefill(config, limit=2)
    assert report.from_mt == 2 and report.limited and len(mt_server.seen) == 2  # type: ignore[attr-defined]


def test_an_interrupted_run_keeps_its_answers_and_resumes(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server, extra="workers = 1")

    def interrupt(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        prefill_project(config, PrefillOptions(today=DAY), interrupt)
    first = mt_server.texts()[:2]
    alpha = entries_of(config.locales / "ru" / "alpha.po")
    assert [e.msgid for e in alpha.values() if e.msgstr] == ["Alpha report", HELLO]  # saved with the answers it had
    mt_server.state.reset()
    report = prefill_project(config, PrefillOptions(today=DAY))
    assert not set(mt_server.texts()) & set(first)  # the paid answers were not asked again
    assert report.from_mt == 6 and report.cached == 0 and report.ok  # type: ignore[attr-defined]
    assert all(e.msgstr for p in config.locales.glob("ru/*.po") for e in entries_of(p).values())


def test_an_entry_translated_during_the_run_is_left_alone(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server, extra="workers = 1")
    path = config.locales / "ru" / "beta.po"

    def human_saves(done: int, total: int) -> None:
        if done == 1:
            set_entries(path, beta=Entry("Only in beta.", "Только в бете."))

    report = prefill_project(config, PrefillOptions(today=DAY), human_saves)
    only = entries_of(path)["Only in beta."]
    assert only.msgstr == "Только в бете." and not only.fuzzy
    assert any(p.endswith("translated while prefill ran; left as it is") for p in report.problems)


def test_glossary_do_not_translate_terms_are_protected(tmp_path: Path, mt_server: RunningServer) -> None:
    (tmp_path / "terms.csv").write_text("source,lang,target,forbidden,type,note\nAlpha,*,,,dnt,\n", encoding="utf-8")
    config = make_project(tmp_path, ARTICLES, f'engine = "libre"\nurl = "{mt_server.url}"\ndo_not_translate = ["beta"]')
    (tmp_path / "transkit.toml").write_text(
        (tmp_path / "transkit.toml").read_text() .replace("[prefill]", 'glossary = "terms.csv"\n\n[prefill]'), encoding="utf-8"
    )
    from transkit.config import load_config

    _prefill(load_config(tmp_path))
    sent = mt_server.texts()
    assert "⟦1⟧ report" in sent and "Only in ⟦1⟧." in sent
    assert entries_of(config.locales / "ru" / "beta.po")["Only in beta."].msgstr == "[ru] Only in beta."


def test_engine_problems_stop_the_run_before_any_work(tmp_path: Path) -> None:
    config = _project(tmp_path, extra='engine = "microsoft"')
    set_entries(config.locales / "ru" / "alpha.po", shared=Entry(SHARED, "Общее."))
    before = {p: p.read_bytes() for p in config.locales.rglob("*.po")}
    with pytest.raises(TranskitError, match="MICROSOFT_API_KEY"):
        _prefill(config)
    assert {p: p.read_bytes() for p in before} == before  # not even the memory match was written


@needs_gettext
def test_every_write_is_a_valid_catalog(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server)
    _human_and_draft(config)
    _prefill(config)
    for path in config.locales.rglob("*.po"):
        assert msgfmt_ok(path)
        read_catalog(path)


def test_a_cache_line_cut_by_a_crash_costs_one_request(tmp_path: Path, mt_server: RunningServer) -> None:
    config = _project(tmp_path, mt_server, extra="workers = 1")
    pristine = {p: p.read_bytes() for p in (config.locales / "ru").glob("*.po")}
    _prefill(config)
    [cache] = (tmp_path / ".transkit" / "cache").glob("*.jsonl")
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) - 12])  # the power went out while the last answer was written
    for path, content in pristine.items():
        path.write_bytes(content)
    mt_server.state.reset()
    report = _prefill(config)
    assert len(mt_server.seen) == 1 and report.cached == 7  # type: ignore[attr-defined]
    lines = cache.read_text(encoding="utf-8").splitlines()
    assert sum(1 for line in lines if line.startswith('{"text"') and line.endswith("}")) == 7  # 7 distinct texts
