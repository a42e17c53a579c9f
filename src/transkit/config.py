"""Read and validate ``transkit.toml`` into a frozen :class:`Config`.

Every problem is one line naming the file and the key, so a CI log says
exactly what to fix.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .errors import ConfigError

CONFIG_NAME = "transkit.toml"
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
SEGMENTATIONS = ("sentence", "paragraph")

DEFAULT_TOML = """\
# transkit project settings. Every key is optional; the values shown are the defaults.

# Language of articles whose <html lang> is missing.
source_language = "en"

# Every article gets a catalog for each of these languages except its own.
languages = ["tr", "en", "ru"]

# Folders, relative to this file.
sources = "sources"    # original articles: *.html, nested folders allowed
locales = "locales"    # <lang>/<slug>.po and templates/<slug>.pot
output = "build"       # <lang>/<slug>.html written by `transkit build`

# "sentence" splits block text into sentences; "paragraph" keeps whole blocks.
segmentation = "sentence"

# CSS selectors limiting what is translated inside <body> (head metadata is
# always considered). Empty include means the whole body.
include = []
exclude = []
"""


@dataclass(frozen=True)
class Config:
    """Validated project settings; paths are absolute."""

    root: Path
    source_language: str = "en"
    languages: tuple[str, ...] = ("tr", "en", "ru")
    sources: Path = Path("sources")
    locales: Path = Path("locales")
    output: Path = Path("build")
    segmentation: str = "sentence"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def extraction_settings(self) -> str:
        """The settings that change what extraction produces (part of the source hash)."""
        return repr((self.segmentation, self.include, self.exclude, self.source_language))


def primary_language(code: str) -> str:
    """``en-US`` → ``en``: catalogs and comparisons use the primary subtag."""
    return re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()


def load_config(root: Path) -> Config:
    """Read ``root/transkit.toml``; a project without one uses the defaults."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.exists():
        return Config(
            root=root, sources=root / "sources", locales=root / "locales", output=root / "build"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    return config_from_mapping(root, data, str(path))


def config_from_mapping(root: Path, data: dict[str, Any], where: str) -> Config:
    """Validate a parsed TOML mapping; ``where`` names the file in errors."""
    unknown = sorted(set(data) - set(_VALIDATORS))
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'")
    values: dict[str, Any] = {}
    for key, value in data.items():
        values[key] = _VALIDATORS[key](root, key, value, where)
    extra = {k: values.pop(k) for k in list(values) if k not in _CORE_KEYS}
    values.setdefault("sources", _inside(root, "sources", "sources", where))
    values.setdefault("locales", _inside(root, "locales", "locales", where))
    values.setdefault("output", _inside(root, "output", "build", where))
    if "languages" in values and not values["languages"]:
        raise ConfigError(f"{where}: key 'languages' must list at least one language")
    return Config(root=root, extra=extra, **values)


def _fail(where: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"{where}: key '{key}' {message}")


def _language(root: Path, key: str, value: Any, where: str) -> str:
    if not isinstance(value, str) or not LANGUAGE_CODE.match(value):
        raise _fail(where, key, f"must be a language code such as \"en\" or \"pt-BR\", not {value!r}")
    from .languages import validate_code  # the one ISO 639 check (imports this module)

    try:
        return validate_code(value)
    except ConfigError as exc:
        raise _fail(where, key, f"has an unknown language: {exc}") from exc


def _languages(root: Path, key: str, value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _fail(where, key, f"must be a list of language codes, not {value!r}")
    codes = tuple(_language(root, key, item, where) for item in value)
    if len(set(codes)) != len(codes):
        raise _fail(where, key, "lists a language twice")
    return codes


def _inside(root: Path, key: str, value: Any, where: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, f"must be a folder path, not {value!r}")
    path = (root / value).resolve()
    if path != root and root not in path.parents:
        raise _fail(where, key, f"must be a folder inside the project, not {value!r}")
    if path == root:
        raise _fail(where, key, "must be a sub-folder, not the project folder itself")
    return path


def _segmentation(root: Path, key: str, value: Any, where: str) -> str:
    if value not in SEGMENTATIONS:
        raise _fail(where, key, f"must be \"sentence\" or \"paragraph\", not {value!r}")
    return str(value)


def _selectors(root: Path, key: str, value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, key, f"must be a list of CSS selectors, not {value!r}")
    from lxml.cssselect import CSSSelector, SelectorError

    for selector in value:
        try:
            CSSSelector(selector, translator="html")
        except SelectorError as exc:
            raise _fail(where, key, f"has an invalid CSS selector {selector!r}: {exc}") from exc
    return tuple(value)


_VALIDATORS = {
    "source_language": _language,
    "languages": _languages,
    "sources": _inside,
    "locales": _inside,
    "output": _inside,
    "segmentation": _segmentation,
    "include": _selectors,
    "exclude": _selectors,
}
_CORE_KEYS = frozenset(_VALIDATORS)


def _prefill(root: Path, key: str, value: Any, where: str) -> Any:
    """``[prefill]``: engine, url, workers, timeouts, memory thresholds (rules live with the feature)."""
    from .prefill import settings_from_table

    return settings_from_table(value, where)


_VALIDATORS["prefill"] = _prefill


# --------------------------------------------------------------------------- publishing policy (build, status)


def language_setting(config: Config, key: str, language: str, default: Any = None) -> Any:
    """A per-language key's value for ``language``: its own entry, else ``default`` of the table."""
    table = config.extra.get(key) or {}
    return table.get(language, table.get("default", default))


def _per_language(root: Path, key: str, value: Any, where: str, check: Callable[[str, str, Any], Any]) -> dict[str, Any]:
    """One value for every language, or a table ``lang = value`` with an optional ``default``."""
    if not isinstance(value, dict):
        return {"default": check(where, key, value)}
    table = {}
    for name, item in value.items():
        code = "default" if name == "default" else _language(root, f"{key}.{name}", name, where)
        table[code] = check(where, f"{key}.{name}", item)
    return table


def _percentage(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise _fail(where, key, f"must be a percentage from 0 to 100, not {value!r}")
    return float(value)


def _publish_threshold(root: Path, key: str, value: Any, where: str) -> dict[str, float]:
    """``publish_threshold = 80`` or ``[publish_threshold]`` ``tr = 90``, ``default = 50``."""
    return _per_language(root, key, value, where, _percentage)


def _snippet(where: str, key: str, value: Any) -> str:
    from lxml import etree

    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, f"must be an HTML snippet such as \"<p class='notice'>…</p>\", not {value!r}")
    holder = etree.fromstring(f"<html><body><div>{value}</div></body></html>", etree.HTMLParser())
    div = holder.find(".//div") if holder is not None else None
    if div is None or not any(isinstance(n.tag, str) for n in div):
        raise _fail(where, key, "must contain at least one HTML element, e.g. <p class=\"notice\">…</p>")
    return value


def _stale_notice(root: Path, key: str, value: Any, where: str) -> dict[str, str]:
    """``[stale_notice]`` ``tr = "<p …>…</p>"`` (or ``default``): inserted in pages with stale segments."""
    if not isinstance(value, dict):
        raise _fail(where, key, "must be a table of language = \"HTML snippet\" (\"default\" for every language)")
    return _per_language(root, key, value, where, _snippet)


def _url_template(where: str, key: str, value: Any) -> str:
    import string

    if not isinstance(value, str) or "{slug}" not in value:
        raise _fail(where, key, f"must be a URL template containing {{slug}} (and {{lang}}), not {value!r}")
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise _fail(where, key, f"is not a valid template ({exc}); write a literal brace as {{{{ or }}}}") from exc
    unknown = sorted(fields - {"lang", "slug"})
    if unknown:
        raise _fail(where, key, f"uses an unknown field {{{unknown[0]}}} (only {{lang}} and {{slug}})")
    return value


def _hreflang_url(root: Path, key: str, value: Any, where: str) -> dict[str, str]:
    """``hreflang_url = "https://example.org/{lang}/{slug}.html"``, or a table per language with ``default``."""
    table = _per_language(root, key, value, where, _url_template)
    if isinstance(value, str) and "{lang}" not in value:
        raise _fail(where, key, "must contain {lang} (or be a table with a template per language)")
    return table


_VALIDATORS["publish_threshold"] = _publish_threshold
_VALIDATORS["stale_notice"] = _stale_notice
_VALIDATORS["hreflang_url"] = _hreflang_url


def _check_table(root: Path, key: str, value: Any, where: str) -> dict[str, Any]:
    """``[check]``: ``disable = ["quotes", ...]`` and ``[check.severity]`` ``name = "error" | "warning" | "off"``."""
    from .qa import CHECKS, SEVERITIES

    if not isinstance(value, dict):
        raise _fail(where, key, "must be a table: [check]")
    unknown = sorted(set(value) - {"disable", "severity"})
    if unknown:
        raise _fail(where, f"{key}.{unknown[0]}", "is unknown (use 'disable' or 'severity')")
    disable = value.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(n, str) for n in disable):
        raise _fail(where, f"{key}.disable", f"must be a list of check names, not {disable!r}")
    severity = value.get("severity", {})
    if not isinstance(severity, dict):
        raise _fail(where, f"{key}.severity", "must be a table: [check.severity]")
    for name in [*disable, *severity]:
        if name not in CHECKS:
            raise _fail(where, key, f"names an unknown check '{name}' (known: {', '.join(CHECKS)})")
    for name, level in severity.items():
        if level not in SEVERITIES:
            raise _fail(where, f"{key}.severity.{name}", f"must be \"error\", \"warning\" or \"off\", not {level!r}")
    return {"disable": tuple(disable), "severity": dict(severity)}


def _glossary_path(root: Path, key: str, value: Any, where: str) -> Path:
    """``glossary = "terms/glossary.csv"``: a CSV or TBX file inside the project that must exist."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, f"must be a file path, not {value!r}")
    path = (root / value).resolve()
    if root not in path.parents:
        raise _fail(where, key, f"must be a file inside the project, not {value!r}")
    if not path.is_file():
        raise _fail(where, key, f"names a file that does not exist: {value!r}")
    return path


_VALIDATORS["check"] = _check_table
_VALIDATORS["glossary"] = _glossary_path


def _lock_wait(root: Path, key: str, value: Any, where: str) -> float:
    """``lock_wait = 30``: seconds a writing command waits for another one to finish (default 10)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 86400:
        raise _fail(where, key, f"must be a number of seconds from 0 to 86400, not {value!r}")
    return float(value)


_VALIDATORS["lock_wait"] = _lock_wait
