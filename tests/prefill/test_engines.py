"""deep-translator's real engine code against a real HTTP server on 127.0.0.1.

The timeout and connection-reuse tests guard the HTTP layer: if a
deep-translator upgrade stops calling ``requests`` through the name transkit
routes, the slow answer arrives and the timeout test fails (and
``install_router`` refuses to run).
"""

from __future__ import annotations

import importlib

import pytest
import requests

from transkit.prefill import engines
from transkit.prefill.engines import EngineError, EngineSettings, check_engine, install_router, open_engine

from fakemt import RunningServer, mt_server, offline  # noqa: F401 - fixtures


def _libre(server: RunningServer, **overrides: object) -> EngineSettings:
    values: dict[str, object] = dict(name="libre", source="en", target="ru", url=server.url, workers=1, timeout=5.0,
                                     retries=3, backoff=0.001, pause_seconds=0.001)
    values.update(overrides)
    return EngineSettings(**values)  # type: ignore[arg-type]


def _run(settings: EngineSettings, *texts: str) -> list[engines.Outcome]:
    engine = open_engine(settings)
    try:
        return [future.result() for future in [engine.submit(text) for text in texts]]
    finally:
        engine.close()


def test_libre_translates_through_the_library(mt_server: RunningServer) -> None:
    [outcome] = _run(_libre(mt_server), "Hello ⟦1⟧world⟦2⟧")
    assert outcome.translation == "[ru] Hello ⟦1⟧world⟦2⟧" and outcome.requests == 1
    [seen] = mt_server.seen
    assert (seen.method, seen.url.split("?")[0]) == ("POST", "/translate")
    assert seen.params == {"q": "Hello ⟦1⟧world⟦2⟧", "source": "en", "target": "ru", "format": "text"}


def test_a_slow_answer_times_out_instead_of_hanging(mt_server: RunningServer) -> None:
    mt_server.plan("slow", "slow", "slow")
    [outcome] = _run(_libre(mt_server, timeout=0.2, retries=1), "slow text")
    assert outcome.translation is None
    assert outcome.error == "no answer within 0.2s (timeout)"
    assert mt_server.texts() == ["slow text", "slow text"]  # sent, timed out, retried once


def test_calls_outside_workers_get_a_timeout_too(mt_server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from deep_translator import LibreTranslator

    install_router()
    monkeypatch.setattr(engines, "DEFAULT_TIMEOUT", 0.2)
    mt_server.plan("slow", "slow")
    translator = LibreTranslator(source="en", target="ru", api_key="k", custom_url=mt_server.url)
    with pytest.raises(requests.Timeout):
        translator.translate("slow text")


def test_one_worker_reuses_one_connection(mt_server: RunningServer) -> None:
    outcomes = _run(_libre(mt_server), *[f"text {n}" for n in range(6)])
    assert all(o.ok for o in outcomes)
    assert len({seen.connection for seen in mt_server.seen}) == 1


def test_workers_never_exceed_their_bound(mt_server: RunningServer) -> None:
    mt_server.state.latency = 0.02
    outcomes = _run(_libre(mt_server, workers=3), *[f"text {n}" for n in range(12)])
    assert all(o.ok for o in outcomes)
    assert len({seen.connection for seen in mt_server.seen}) <= 3


def test_router_refuses_a_library_that_stopped_using_it(monkeypatch: pytest.MonkeyPatch) -> None:
    libre = importlib.import_module("deep_translator.libre")
    monkeypatch.setattr(libre, "requests", object())
    with pytest.raises(EngineError, match="no longer calls HTTP through its 'requests' name"):
        install_router()


@pytest.mark.parametrize("status", ["429", "500", "503"])
def test_transient_failures_are_retried(mt_server: RunningServer, status: str) -> None:
    mt_server.plan("Home", status, status)
    [outcome] = _run(_libre(mt_server), "Home")
    assert outcome.translation == "[ru] Home" and outcome.requests == 3
    assert mt_server.texts() == ["Home"] * 3


def test_retries_end(mt_server: RunningServer) -> None:
    mt_server.plan("Home", *["500"] * 10)
    [outcome] = _run(_libre(mt_server, retries=2), "Home")
    assert outcome.error == "HTTP 500 (server error)"
    assert mt_server.texts() == ["Home"] * 3


@pytest.mark.parametrize(
    ("action", "error"),
    [
        pytest.param("empty", "the engine's answer is not JSON", id="empty-body"),
        pytest.param("nonjson", "the engine's answer is not JSON", id="html-body"),
        pytest.param("emptyjson", "the engine's answer has no translation (TranslationNotFound", id="empty-json"),
        pytest.param("403", "HTTP 403", id="forbidden"),
    ],
)
def test_bad_answers_fail_without_retry(mt_server: RunningServer, action: str, error: str) -> None:
    mt_server.plan("Home", action)
    [outcome] = _run(_libre(mt_server), "Home")
    assert outcome.translation is None and outcome.error is not None and outcome.error.startswith(error)
    assert mt_server.texts() == ["Home"]


def test_a_failing_engine_is_paused_then_given_up(mt_server: RunningServer) -> None:
    for n in range(20):
        mt_server.plan(f"text {n}.", *["503"] * 5)
    settings = _libre(mt_server, retries=0, pause_after=3, pause_seconds=0.01, max_pauses=1)
    outcomes = _run(settings, *[f"text {n}." for n in range(20)])
    assert len(mt_server.seen) == 6  # 3 failures, a pause, 3 more, then no more requests
    assert [o.error for o in outcomes[:6]] == ["HTTP 503 (server error)"] * 6
    assert all(o.error and o.error.startswith("not sent: engine 'libre' was paused") for o in outcomes[6:])


def test_without_a_key_libre_sends_none(mt_server: RunningServer) -> None:
    _run(_libre(mt_server), "Home")
    assert "api_key" not in mt_server.seen[0].params


def test_libre_key_comes_from_the_environment(mt_server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBRE_API_KEY", "secret-from-env")
    _run(_libre(mt_server), "Home")
    assert mt_server.seen[0].params["api_key"] == "secret-from-env"


def test_mymemory_through_a_configured_proxy(mt_server: RunningServer) -> None:
    settings = EngineSettings("mymemory", "en", "ru", proxy=mt_server.proxy, workers=1, retries=0)
    [outcome] = _run(settings, "Putin ⟦1⟧visited⟦2⟧ China")
    assert outcome.translation == "[ru] Putin ⟦1⟧visited⟦2⟧ China"
    [seen] = mt_server.seen
    assert seen.proxied and seen.url.startswith("http://api.mymemory.translated.net/get?")
    assert seen.params["langpair"] == "en-GB|ru-RU"


def test_mymemory_honours_the_environment_proxy(mt_server: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", mt_server.proxy)
    mt_server.plan("Home", "429")
    [outcome] = _run(EngineSettings("mymemory", "en", "tr", workers=1, backoff=0.001), "Home")
    assert outcome.translation == "[tr] Home"
    assert [s.proxied for s in mt_server.seen] == [True, True]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param(EngineSettings("bing", "en", "ru"), "unknown engine 'bing' (known: tm, libre, google, mymemory, microsoft)", id="unknown"),
        pytest.param(EngineSettings("deepl", "en", "ru"), "DeepL is not offered", id="deepl"),
        pytest.param(EngineSettings("microsoft", "en", "ru"), "needs an API key in the environment variable MICROSOFT_API_KEY", id="no-key"),
        pytest.param(EngineSettings("libre", "en", "ru"), "engine 'libre' needs a server", id="libre-no-server"),
        pytest.param(EngineSettings("libre", "en", "eo", url="http://127.0.0.1:9/"), "does not support language 'eo'", id="language"),
    ],
)
def test_engine_problems_are_one_line_errors(settings: EngineSettings, message: str) -> None:
    with pytest.raises(EngineError) as error:
        check_engine(settings)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_retry_after_is_read_in_both_forms() -> None:
    assert engines._retry_after("3") == 3.0
    assert engines._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert engines._retry_after("soon") is None
