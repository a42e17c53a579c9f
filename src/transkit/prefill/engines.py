"""MT engines through deep-translator, with the HTTP discipline the library lacks.

deep-translator's engines call the module functions ``requests.get`` /
``requests.post``: a new connection per text and no timeout, so one stalled
server hangs a run forever. Its Google and MyMemory instances also keep
per-request state on ``self``, so one instance must never serve two threads.

What this module does about it, without touching the ``requests`` library:

* In deep-translator's engine modules (and only there) the module-level name
  ``requests`` is replaced by :data:`ROUTER`, which sends each call through the
  calling worker's own :class:`Channel`: a ``requests.Session`` with a
  one-connection keep-alive pool and (connect, read) timeouts. A thread that
  bound no channel still gets a timeout (one session per call). If a
  deep-translator upgrade stops calling HTTP through that name,
  :func:`install_router` refuses to run rather than send without timeouts
  (and ``tests/prefill/test_engines.py`` fails).
* Each worker thread owns one engine instance and one channel.
* Requests that fail with 429, 5xx, a timeout or a connection error are
  retried with exponential backoff (``Retry-After`` honoured); other failures
  are final for that text.
* :class:`Breaker`: after ``pause_after`` failed requests in a row every
  worker pauses ``pause_seconds``; if failures go on, the engine is given up
  for the rest of the run (the entries are reported, a rerun continues).

API keys come only from environment variables: ``LIBRE_API_KEY``,
``MICROSOFT_API_KEY`` (and optional ``MICROSOFT_REGION``), optional
``MYMEMORY_EMAIL``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import random
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable

import requests
from requests.adapters import HTTPAdapter

from ..errors import ConfigError, TranskitError
from . import ENGINE_NAMES, TM_ENGINE, check_engine_name

# What neither a catalog nor a page can hold (a lone surrogate cannot even be written as UTF-8).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
DEFAULT_TIMEOUT = 30.0  # for deep-translator calls made outside any worker (e.g. set-up)
_ENGINE_MODULES = (
    "deep_translator.libre",
    "deep_translator.google",
    "deep_translator.mymemory",
    "deep_translator.microsoft",
)


class EngineError(TranskitError):
    """An engine cannot be used: unknown, a missing key, an unsupported language."""


@dataclass(frozen=True)
class EngineSettings:
    """Which engine, where, and how hard to try."""

    name: str
    source: str
    target: str
    url: str | None = None
    proxy: str | None = None
    workers: int = 4
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 1.0
    backoff_cap: float = 60.0
    pause_after: int = 8
    pause_seconds: float = 30.0
    max_pauses: int = 1

    @property
    def endpoint(self) -> str:
        """The base URL requests go to (part of the cache key)."""
        return self.url or _SPECS[self.name].default_url


@dataclass(frozen=True)
class Outcome:
    """What became of one text: a translation, or a one-line reason."""

    text: str
    translation: str | None = None
    error: str | None = None
    requests: int = 0

    @property
    def ok(self) -> bool:
        return self.translation is not None


# =========================================================================== HTTP layer


class Channel:
    """One worker's HTTP: a keep-alive session with timeouts, and what its last request saw."""

    def __init__(self, timeout: float) -> None:
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.timeout = (min(timeout, 10.0), timeout)
        self.reset()

    def reset(self) -> None:
        self.sent = 0
        self.status: int | None = None
        self.retry_after: float | None = None
        self.error: requests.RequestException | None = None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        self.sent += 1
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.RequestException as exc:
            self.error = exc
            raise
        self.status = response.status_code
        self.retry_after = _retry_after(response.headers.get("Retry-After"))
        return response

    def close(self) -> None:
        self.session.close()


_BOUND = threading.local()


def bind_channel(channel: Channel | None) -> None:
    """Route this thread's deep-translator requests through ``channel``."""
    _BOUND.channel = channel


class RequestsRouter:
    """Stands in for ``requests`` inside deep-translator's engine modules."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        channel = getattr(_BOUND, "channel", None)
        if channel is not None:
            return channel.request(method, url, **kwargs)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (10.0, DEFAULT_TIMEOUT)
        with self._real.Session() as session:
            return session.request(method, url, **kwargs)

    def __getattr__(self, name: str) -> Any:  # exceptions, status codes…
        return getattr(self._real, name)


ROUTER = RequestsRouter(requests)


def install_router() -> None:
    """Put :data:`ROUTER` where deep-translator's engines look up ``requests``; refuse if they stopped."""
    for name in _ENGINE_MODULES:
        module = importlib.import_module(name)
        current = getattr(module, "requests", None)
        if current is ROUTER:
            continue
        if current is not requests:
            raise EngineError(
                f"deep-translator {library_version()}: {name} no longer calls HTTP through its 'requests' "
                "name, so transkit cannot enforce timeouts; refusing to send (pin deep-translator or update transkit)"
            )
        module.requests = ROUTER  # type: ignore[attr-defined]


def library_version() -> str:
    return importlib.metadata.version("deep-translator")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


# =========================================================================== engines


@dataclass(frozen=True)
class _Spec:
    """How to build one deep-translator engine."""

    default_url: str
    key_env: str | None
    languages: Callable[[], dict[str, str]] | None  # name → code, for the offline language check
    build: Callable[[EngineSettings], Any]


def _constants() -> Any:
    return importlib.import_module("deep_translator.constants")


def _code(codes: dict[str, str] | None, language: str, engine: str) -> str:
    """Our code (``ru``) as the engine spells it (MyMemory: ``ru-RU``)."""
    if codes is None:
        return language
    values = list(codes.values())
    if language in values:
        return language
    for value in values:
        if value.split("-")[0].lower() == language:
            return value
    raise EngineError(f"engine {engine!r} does not support language {language!r}")


def _proxies(settings: EngineSettings) -> dict[str, str] | None:
    """An explicit proxy for both schemes; None leaves requests to the environment (HTTP(S)_PROXY)."""
    return {"http": settings.proxy, "https": settings.proxy} if settings.proxy else None


def _build_libre(settings: EngineSettings) -> Any:
    from deep_translator import LibreTranslator

    key = os.environ.get("LIBRE_API_KEY") or None
    url = settings.url
    if url and not url.endswith("/"):
        url += "/"
    translator = LibreTranslator(
        source=_code(_SPECS["libre"].languages(), settings.source, "libre"),  # type: ignore[misc]
        target=_code(_SPECS["libre"].languages(), settings.target, "libre"),  # type: ignore[misc]
        api_key=key or "none",  # the class refuses an empty key; a self-hosted server needs none…
        use_free_api=False,
        custom_url=url,
    )
    translator.api_key = key  # …so with no key, no api_key parameter is sent at all
    return translator


def _build_google(settings: EngineSettings) -> Any:
    from deep_translator import GoogleTranslator

    codes = _SPECS["google"].languages()  # type: ignore[misc]
    translator = GoogleTranslator(
        source=_code(codes, settings.source, "google"), target=_code(codes, settings.target, "google"),
        proxies=_proxies(settings),
    )
    if settings.url:
        translator._base_url = settings.url
    return translator


def _build_mymemory(settings: EngineSettings) -> Any:
    from deep_translator import MyMemoryTranslator

    codes = _SPECS["mymemory"].languages()  # type: ignore[misc]
    extra = {"email": os.environ["MYMEMORY_EMAIL"]} if os.environ.get("MYMEMORY_EMAIL") else {}
    translator = MyMemoryTranslator(
        source=_code(codes, settings.source, "mymemory"), target=_code(codes, settings.target, "mymemory"),
        proxies=_proxies(settings), **extra,
    )
    if settings.url:
        translator._base_url = settings.url
    return translator


def _build_microsoft(settings: EngineSettings) -> Any:
    from deep_translator import MicrosoftTranslator

    translator = MicrosoftTranslator(
        source=settings.source,
        target=settings.target,
        api_key=os.environ["MICROSOFT_API_KEY"],
        region=os.environ.get("MICROSOFT_REGION") or None,
        proxies=_proxies(settings),
    )
    if settings.url:
        translator._base_url = settings.url
    return translator


_SPECS: dict[str, _Spec] = {
    "libre": _Spec("https://libretranslate.com/", None, lambda: _constants().LIBRE_LANGUAGES_TO_CODES, _build_libre),
    "google": _Spec("https://translate.google.com/m", None, lambda: _constants().GOOGLE_LANGUAGES_TO_CODES, _build_google),
    "mymemory": _Spec(
        "http://api.mymemory.translated.net/get", None, lambda: _constants().MY_MEMORY_LANGUAGES_TO_CODES, _build_mymemory
    ),
    "microsoft": _Spec(
        "https://api.cognitive.microsofttranslator.com/translate?api-version=3.0", "MICROSOFT_API_KEY", None, _build_microsoft
    ),
}
assert set(_SPECS) == set(ENGINE_NAMES) - {TM_ENGINE}


def check_engine(settings: EngineSettings) -> None:
    """Everything that can be checked without the network; one-line EngineError otherwise."""
    try:
        check_engine_name(settings.name, "engine")
    except ConfigError as exc:
        raise EngineError(str(exc)) from exc
    if settings.name == TM_ENGINE:
        return
    spec = _SPECS[settings.name]
    if spec.key_env and not os.environ.get(spec.key_env):
        raise EngineError(f"engine {settings.name!r} needs an API key in the environment variable {spec.key_env}")
    if settings.name == "libre" and not settings.url and not os.environ.get("LIBRE_API_KEY"):
        raise EngineError(
            "engine 'libre' needs a server: set [prefill] url or --engine-url to your LibreTranslate "
            "(self-hosted needs no key), or LIBRE_API_KEY for libretranslate.com"
        )
    for language in (settings.source, settings.target):
        _code(spec.languages() if spec.languages else None, language, settings.name)


def _build(settings: EngineSettings) -> Any:
    try:
        return _SPECS[settings.name].build(settings)
    except EngineError:
        raise
    except Exception as exc:  # deep-translator's own exceptions carry multi-line messages
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"engine {settings.name!r} cannot start: {first}") from exc


def open_engine(settings: EngineSettings) -> Engine:
    """Check, install the router, build one instance to surface errors now, start the workers."""
    check_engine(settings)
    if settings.name == TM_ENGINE:
        raise EngineError("engine 'tm' uses translation memory only; there is nothing to open")
    install_router()
    _build(settings)
    return Engine(settings)


# =========================================================================== running


class Breaker:
    """Pause an engine that keeps failing instead of hammering it; give up after ``max_pauses``."""

    def __init__(self, name: str, after: int, seconds: float, max_pauses: int) -> None:
        self.name, self.after, self.seconds, self.max_pauses = name, after, seconds, max_pauses
        self._lock = threading.Lock()
        self._failures = 0
        self.pauses = 0
        self._until = 0.0
        self.given_up = False

    def admit(self, stop: threading.Event) -> bool:
        """Wait out a pause; False once the engine is given up (or the run stops)."""
        while True:
            with self._lock:
                if self.given_up:
                    return False
                wait = self._until - time.monotonic()
            if wait <= 0:
                return not stop.is_set()
            if stop.wait(wait):
                return False

    def record(self, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures = 0
                return
            self._failures += 1
            if self._failures < self.after:
                return
            self._failures = 0
            if self.pauses >= self.max_pauses:
                self.given_up = True
            else:
                self.pauses += 1
                self._until = time.monotonic() + self.seconds

    @property
    def reason(self) -> str:
        return (
            f"not sent: engine {self.name!r} was paused after {self.after} failed requests in a row "
            f"({self.pauses} pause(s)); rerun to continue"
        )


@dataclass(frozen=True)
class _Failure:
    message: str
    transient: bool
    retry_after: float | None = None


class Engine:
    """Bounded workers, each with its own engine instance and channel."""

    def __init__(self, settings: EngineSettings) -> None:
        self.settings = settings
        self.breaker = Breaker(settings.name, settings.pause_after, settings.pause_seconds, settings.max_pauses)
        self._executor = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix=f"transkit-{settings.name}")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._channels: list[Channel] = []
        self._stop = threading.Event()
        self.requests_sent = 0
        self.characters_sent = 0

    def submit(self, text: str) -> Future[Outcome]:
        return self._executor.submit(self._translate, text)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel`` queued texts are dropped and sleeping retries end now."""
        if cancel:
            self._stop.set()
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)
        if not cancel:
            with self._lock:
                for channel in self._channels:
                    channel.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: Any, *rest: Any) -> None:
        self.close(cancel=kind is not None)

    def _worker(self) -> tuple[Any, Channel]:
        state = self._local
        if getattr(state, "translator", None) is None:
            channel = Channel(self.settings.timeout)
            with self._lock:
                self._channels.append(channel)
            bind_channel(channel)
            state.channel = channel
            state.translator = _build(self.settings)
        return state.translator, state.channel

    def _translate(self, text: str) -> Outcome:
        try:
            translator, channel = self._worker()
        except EngineError as exc:
            return Outcome(text, error=str(exc))
        sent = 0
        failure = _Failure("not sent", False)
        for attempt in range(self.settings.retries + 1):
            if not self.breaker.admit(self._stop):
                return Outcome(text, error=self.breaker.reason if self.breaker.given_up else "interrupted", requests=sent)
            channel.reset()
            result, failure_or_none = self._attempt(translator, channel, text)
            sent += channel.sent
            self._count(channel.sent, len(text))
            if failure_or_none is None:
                self.breaker.record(True)
                return Outcome(text, translation=result, requests=sent)
            failure = failure_or_none
            if channel.sent:
                self.breaker.record(False)
            if not failure.transient or attempt == self.settings.retries:
                break
            self._stop.wait(self._delay(attempt, failure.retry_after))
        return Outcome(text, error=failure.message, requests=sent)

    def _attempt(self, translator: Any, channel: Channel, text: str) -> tuple[str | None, _Failure | None]:
        try:
            result = translator.translate(text)
        except Exception as exc:  # deep-translator raises many unrelated types; classify by what HTTP saw
            return None, _classify(exc, channel, self.settings)
        if isinstance(result, str):
            result = _UNWRITABLE.sub("", result)  # an answer is untrusted: JSON can carry lone surrogates
        if not isinstance(result, str) or not result.strip():
            return None, _Failure("the engine returned an empty translation", False)
        return result, None

    def _count(self, sent: int, characters: int) -> None:
        with self._lock:
            self.requests_sent += sent
            self.characters_sent += sent * characters

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = min(self.settings.backoff_cap, self.settings.backoff * 2**attempt)
        delay = base * (0.5 + random.random() / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.settings.backoff_cap))
        return delay


def _classify(exc: Exception, channel: Channel, settings: EngineSettings) -> _Failure:
    """Retry what may pass (429, 5xx, timeouts, lost connections); the rest is final for this text."""
    error = channel.error
    if isinstance(error, requests.Timeout):
        return _Failure(f"no answer within {settings.timeout:g}s (timeout)", True)
    if isinstance(error, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        return _Failure(f"connection failed: {_first_line(error)}", True)
    if error is not None:
        return _Failure(f"request failed: {_first_line(error)}", False)
    status = channel.status
    if status == 429:
        return _Failure("HTTP 429 (too many requests)", True, channel.retry_after)
    if status is not None and status >= 500:
        return _Failure(f"HTTP {status} (server error)", True, channel.retry_after)
    if status is not None and not 200 <= status < 300:
        return _Failure(f"HTTP {status}", False)
    if isinstance(exc, ValueError):  # json.JSONDecodeError and requests' subclass of it
        return _Failure("the engine's answer is not JSON", False)
    return _Failure(f"the engine's answer has no translation ({type(exc).__name__}: {_first_line(exc)})", False)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]
