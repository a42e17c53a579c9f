"""A real HTTP server on 127.0.0.1 for prefill tests: LibreTranslate's ``/translate`` and,
as an HTTP proxy, MyMemory's ``/get`` — with failures on demand.

Use it from a test module with ``from fakemt import mt_server, offline`` (the
fixtures), not through a ``conftest.py`` here: a second ``conftest`` module
would shadow ``tests/conftest.py`` for every ``from conftest import …`` in
the rest of the suite.

deep-translator's own engine code talks to it over real sockets; tests assert
on what reached the server (``server.seen``) as well as on the catalogs.

Failures are planned per text: ``server.plan("Home", "429", "ok")`` makes the
next two requests whose text contains "Home" answer 429, then normally.
Actions: ``ok``, ``429``, ``500``, ``503``, ``slow`` (answer after
``slow_seconds``), ``empty`` (200, no body), ``nonjson`` (200, HTML),
``emptyjson`` (200, ``{}``), ``damage`` (a token lost), ``dup`` (a token
doubled), ``403``.

Run it by hand for demos and benchmarks:
``python tests/prefill/fakemt.py --port 5000 --latency 0.05``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from transkit.catalog.model import Entry
from transkit.catalog.pofile import read_catalog, write_catalog
from transkit.config import Config, load_config
from transkit.pipeline import sync_project

TOKEN_OPEN = "⟦"


@dataclass(frozen=True)
class Seen:
    """One request as the server received it."""

    method: str
    url: str  # path for direct requests, the absolute URL for proxied ones
    params: dict[str, str]
    connection: int  # the client's port: one per TCP connection
    proxied: bool

    @property
    def text(self) -> str:
        return self.params.get("q", "")


def pseudo_translate(text: str, target: str) -> str:
    """A visible, deterministic 'translation' that keeps every token where it was."""
    return f"[{target}] {text}"


@dataclass
class FakeMT:
    """State shared by the handler threads: what was seen, what to do next."""

    latency: float = 0.0
    slow_seconds: float = 2.0
    seen: list[Seen] = field(default_factory=list)
    plans: list[tuple[str, deque[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def plan(self, contains: str, *actions: str) -> None:
        """The next requests whose text contains ``contains`` get these actions, in order."""
        with self.lock:
            self.plans.append((contains, deque(actions)))

    def action_for(self, text: str) -> str:
        with self.lock:
            for contains, actions in self.plans:
                if contains in text and actions:
                    return actions.popleft()
        return "ok"

    def record(self, seen: Seen) -> None:
        with self.lock:
            self.seen.append(seen)

    def texts(self) -> list[str]:
        with self.lock:
            return [s.text for s in self.seen]

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
            self.plans.clear()


def _damage(text: str, kind: str) -> str:
    start = text.find(TOKEN_OPEN)
    if start < 0:
        return text
    end = text.find("⟧", start) + 1
    token = text[start:end]
    return text[:start] + text[end:] if kind == "damage" else text[:end] + " " + token + text[end:]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable
    wbufsize = 1 << 16  # headers and body leave in one write…
    disable_nagle_algorithm = True  # …at once (no 40 ms delayed-ACK stalls per answer)
    state: FakeMT  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        proxied = self.path.startswith("http://")
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if body and "json" in (self.headers.get("Content-Type") or ""):
            params.update({k: str(v) for k, v in json.loads(body).items()})
        elif body:
            params.update({k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()})
        self.state.record(Seen(self.command, self.path, params, self.client_address[1], proxied))
        if self.state.latency:
            time.sleep(self.state.latency)
        if proxied and parts.hostname == "api.mymemory.translated.net" and parts.path == "/get":
            self._mymemory(params)
        elif not proxied and parts.path == "/translate" and self.command == "POST":
            self._libre(params)
        else:
            self._send(404 if not proxied else 502, {"error": f"nothing here: {self.command} {self.path}"})

    def _libre(self, params: dict[str, str]) -> None:
        text, target = params.get("q", ""), params.get("target", "")
        if not text or not target:
            self._send(400, {"error": "Invalid request: missing q or target"})
            return
        answer = self._act(text, lambda t: pseudo_translate(t, target))
        if answer is not None:
            self._send(200, {"translatedText": answer})

    def _mymemory(self, params: dict[str, str]) -> None:
        text, langpair = params.get("q", ""), params.get("langpair", "|")
        target = langpair.split("|")[1].split("-")[0]
        answer = self._act(text, lambda t: pseudo_translate(t, target))
        if answer is not None:
            self._send(200, {
                "responseData": {"translatedText": answer, "match": 1},
                "quotaFinished": False, "responseStatus": 200,
                "matches": [{"segment": text, "translation": answer, "quality": "74"}],
            })

    def _act(self, text: str, translate: Any) -> str | None:
        """Apply the planned action: an answer to send as JSON, or None when already answered."""
        action = self.state.action_for(text)
        if action in ("429", "500", "503", "403"):
            headers = {"Retry-After": "0"} if action == "429" else {}
            self._send(int(action), {"error": f"planned {action}"}, headers)
            return None
        if action == "slow":
            time.sleep(self.state.slow_seconds)
        if action == "empty":
            self._raw(200, b"", "application/json")
            return None
        if action == "nonjson":
            self._raw(200, b"<html><body>Service temporarily unavailable</body></html>", "text/html")
            return None
        if action == "emptyjson":
            self._raw(200, b"{}", "application/json")
            return None
        answer = translate(text)
        if action in ("damage", "dup"):
            answer = _damage(answer, action)
        return answer

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self._raw(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json", headers)

    def _raw(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@dataclass
class RunningServer:
    """A started server: its state and base URLs."""

    state: FakeMT
    server: _Server
    thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # shortcuts used by the tests
    @property
    def seen(self) -> list[Seen]:
        return self.state.seen

    def plan(self, contains: str, *actions: str) -> None:
        self.state.plan(contains, *actions)

    def texts(self) -> list[str]:
        return self.state.texts()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_server(latency: float = 0.0, port: int = 0, slow_seconds: float = 2.0) -> RunningServer:
    state = FakeMT(latency=latency, slow_seconds=slow_seconds)
    handler = type("Handler", (_Handler,), {"state": state})
    server = _Server(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-mt", daemon=True)
    thread.start()
    return RunningServer(state, server, thread)


@pytest.fixture
def mt_server() -> Iterator[RunningServer]:
    """A LibreTranslate-compatible server (and MyMemory proxy) on 127.0.0.1."""
    running = start_server(slow_seconds=1.5)
    try:
        yield running
    finally:
        running.stop()


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body>
{body}
</body></html>
"""


def prefill_project(root: Path, articles: dict[str, tuple[str, list[str]]], prefill: str = "",
                    languages: str = '["en", "ru"]') -> Config:
    """A synced project: slug → (title, paragraphs), with ``[prefill]`` settings; returns its config."""
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for slug, (title, paragraphs) in articles.items():
        body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
        (root / "sources" / f"{slug}.html").write_text(PAGE.format(title=title, body=body), encoding="utf-8")
    (root / "transkit.toml").write_text(f"languages = {languages}\n\n[prefill]\n{prefill}\n", encoding="utf-8")
    config = load_config(root)
    report = sync_project(config)
    assert not report.errors, report.errors
    return config


def set_entries(path: Path, **changes: Entry) -> None:
    """Replace entries of a catalog by msgid (keyword: a label only; the Entry names its msgid)."""
    catalog = read_catalog(path)
    by_msgid = {e.msgid: e for e in changes.values()}
    entries = tuple(
        replace(by_msgid[e.msgid], references=e.references, extracted_comments=e.extracted_comments)
        if e.msgid in by_msgid else e
        for e in catalog.entries
    )
    write_catalog(path, replace(catalog, entries=entries))


def entries_of(path: Path) -> dict[str, Entry]:
    return {e.msgid: e for e in read_catalog(path).entries if not e.obsolete}


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No prefill test may reach the internet: refuse any name or address but the loopback,
    and let no proxy from the environment redirect traffic."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOOPBACK and host is not None:
            raise OSError(f"test tried to resolve {host!r}: tests must stay offline")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in _LOOPBACK:
            raise OSError(f"test tried to connect to {address!r}: tests must stay offline")
        return real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("LIBRE_API_KEY", "MICROSOFT_API_KEY", "MYMEMORY_EMAIL"):
        monkeypatch.delenv(name, raising=False)


if __name__ == "__main__":  # python tests/prefill/fakemt.py --port 5000 --latency 0.05
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.0)
    arguments = parser.parse_args()
    running = start_server(arguments.latency, arguments.port)
    print(f"LibreTranslate-compatible server on {running.url} (latency {arguments.latency}s); Ctrl-C stops", file=sys.stderr)
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()
