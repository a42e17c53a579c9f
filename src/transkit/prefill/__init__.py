"""Machine prefill: drafts for empty entries, from translation memory first, then an MT engine.

Every draft is ``fuzzy`` and carries a translator comment starting with
``transkit-prefill:`` that says where it came from, so status and QA can tell
machine drafts from human work even after later syncs. Once a human removes
the fuzzy flag the entry is human-reviewed work, whatever the comment says.

This module stays light (no network libraries): ``config`` imports it to
validate the ``[prefill]`` table. The stages live in ``protect`` (tokens),
``memory`` (TM index, TMX), ``engines`` (deep-translator, HTTP) and ``apply``
(filling catalogs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..catalog.model import Entry
from ..errors import ConfigError

PROVENANCE = "transkit-prefill:"
TM_ENGINE = "tm"
ENGINE_NAMES = ("tm", "libre", "google", "mymemory", "microsoft")
RETIRED_ENGINES = {
    "deepl": "DeepL is not offered: deep-translator's DeepL client uses an authentication DeepL "
    "retired in January 2026 (see README, 'Machine prefill')",
}


def is_machine_draft(entry: Entry) -> bool:
    """A fuzzy entry with a prefill provenance comment; un-fuzzied entries are human work."""
    return entry.fuzzy and any(line.startswith(PROVENANCE) for line in entry.translator_comments)


def provenance_of(entry: Entry) -> str | None:
    """The text after ``transkit-prefill:`` (``"mt libre 2026-11-28"``), or None."""
    for line in entry.translator_comments:
        if line.startswith(PROVENANCE):
            return line[len(PROVENANCE):].strip()
    return None


@dataclass(frozen=True)
class PrefillSettings:
    """The ``[prefill]`` table of transkit.toml, validated."""

    engine: str = TM_ENGINE
    url: str | None = None
    proxy: str | None = None  # HTTP(S) proxy for google, mymemory, microsoft (else the environment's)
    workers: int = 4
    timeout: float = 20.0
    retries: int = 4
    backoff: float = 1.0
    pause_after: int = 8
    pause_seconds: float = 30.0
    min_similarity: float = 75.0
    exact_as_reviewed: bool = False
    do_not_translate: tuple[str, ...] = ()


_URL = re.compile(r"^https?://[^\s/]+(?:/\S*)?$")


def check_engine_name(name: str, where: str) -> str:
    """One-line error for an unknown engine, naming the known ones."""
    if name in ENGINE_NAMES:
        return name
    if name in RETIRED_ENGINES:
        raise ConfigError(f"{where}: {RETIRED_ENGINES[name]}")
    raise ConfigError(f"{where}: unknown engine {name!r} (known: {', '.join(ENGINE_NAMES)})")


def check_url(url: str, where: str) -> str:
    if not isinstance(url, str) or not _URL.match(url):
        raise ConfigError(f"{where}: engine URL must be an http(s) URL such as \"http://localhost:5000/\", not {url!r}")
    return url


def settings_from_table(table: Any, where: str) -> PrefillSettings:
    """Validate ``[prefill]``; every problem is one line naming the key."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: key 'prefill' must be a table ([prefill]), not {table!r}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        checker = _CHECKS.get(key)
        if checker is None:
            raise ConfigError(f"{where}: unknown key 'prefill.{key}' (known: {', '.join(sorted(_CHECKS))})")
        values[key] = checker(value, f"{where}: key 'prefill.{key}'")
    return PrefillSettings(**values)


def _number(low: float, high: float, integer: bool) -> Any:
    def check(value: Any, where: str) -> Any:
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if integer else "a number"
            raise ConfigError(f"{where} must be {kind} from {low:g} to {high:g}, not {value!r}")
        return value if integer else float(value)

    return check


def _engine(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be an engine name such as \"libre\", not {value!r}")
    return check_engine_name(value, where)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {value!r}")
    return value


def _terms(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of terms, not {value!r}")
    return tuple(v.strip() for v in value)


_CHECKS = {
    "engine": _engine,
    "url": check_url,
    "proxy": check_url,
    "workers": _number(1, 64, True),
    "timeout": _number(0.01, 600, False),
    "retries": _number(0, 10, True),
    "backoff": _number(0, 60, False),
    "pause_after": _number(1, 1000, True),
    "pause_seconds": _number(0, 3600, False),
    "min_similarity": _number(50, 100, False),
    "exact_as_reviewed": _flag,
    "do_not_translate": _terms,
}


def prefill_settings(config: Any) -> PrefillSettings:
    """The project's validated ``[prefill]`` settings (defaults when absent)."""
    settings = config.extra.get("prefill")
    return settings if isinstance(settings, PrefillSettings) else PrefillSettings()
