"""A LibreTranslate-compatible ``POST /translate`` on 127.0.0.1 whose answers a test chooses.

For the reliability tests: ``answer(text, target)`` decides what the "engine"
says (hostile markup, for the injection tests), and an optional ``gate``
holds every answer until the test sets it (a real ``transkit prefill`` then
holds the project lock for as long as the lock tests need).
Import with ``from mt_stub import serve`` (tests/ is on ``sys.path``).
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

Answer = Callable[[str, str], str]


@dataclass
class Stub:
    """The running server: its URL, what it was asked, and the gate holding answers."""

    url: str
    gate: threading.Event
    asked: list[str] = field(default_factory=list)
    first_request: threading.Event = field(default_factory=threading.Event)


def _handler(stub: Stub, answer: Answer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query, keep_blank_values=True).items()}
            if body and "json" in (self.headers.get("Content-Type") or ""):
                params.update({k: str(v) for k, v in json.loads(body).items()})
            elif body:
                params.update({k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()})
            text = params.get("q", "")
            stub.asked.append(text)
            stub.first_request.set()
            stub.gate.wait(timeout=60)
            payload = json.dumps({"translatedText": answer(text, params.get("target", ""))}).encode("utf-8")
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client was killed
                pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@contextmanager
def serve(answer: Answer, open_gate: bool = True) -> Iterator[Stub]:
    """Run the stub for the ``with`` block; with ``open_gate=False`` answers wait for ``stub.gate.set()``."""
    gate = threading.Event()
    if open_gate:
        gate.set()
    stub = Stub("", gate)
    server = _Server(("127.0.0.1", 0), _handler(stub, answer))
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        gate.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
