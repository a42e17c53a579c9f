"""``transkit add-language``: start a language across every article and record it in ``transkit.toml``.

A new catalog is exactly what ``transkit sync`` would write for a language it
had never seen (``merge(template, None, …)``), so the next sync changes
nothing. Catalogs that already exist (Weblate or ``msginit`` may have created
them) are left as they are; the next sync merges them.

``transkit.toml`` is edited as text, never re-serialised: only the
``languages`` array gains one item, so comments and layout stay. The edit is
verified by parsing the result; when the file's shape is one this edit does
not understand, nothing is written and the caller gets the line to add by hand.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .catalog.pofile import plural_forms, read_catalog, write_catalog
from .catalog.sync import SOURCE_LANGUAGE, merge
from .config import CONFIG_NAME, LANGUAGE_CODE, Config, primary_language
from .errors import ConfigError, TranskitError
from .fsutil import write_if_changed
from .iso639 import SHORTER, THREE_LETTER, TWO_LETTER
from .layout import catalog_path, find_articles, template_path


@dataclass(frozen=True)
class AddLanguageResult:
    """What ``add_language`` did; ``config_line`` is set when transkit.toml must be edited by hand."""

    language: str
    name: str
    created: tuple[Path, ...]
    existing: tuple[Path, ...]
    skipped: tuple[str, ...]  # articles written in this language
    config_edited: bool
    already_configured: bool
    config_line: str | None = None


def language_name(code: str) -> str:
    """English name of a two-letter code, or the code itself."""
    return TWO_LETTER.get(code, code)


def validate_code(code: str) -> str:
    """The catalog language for ``code`` (its primary subtag), or a one-line ConfigError.

    Refuses what is not a language tag at all and primary subtags ISO 639 does
    not know; a three-letter code with a two-letter equivalent is refused with
    the right one, as BCP 47 and gettext use the shortest.
    """
    text = code.strip()
    if not LANGUAGE_CODE.match(text):
        raise ConfigError(f"'{code}' is not a language code; expected e.g. 'de', 'pt-BR' or 'ckb'")
    primary = primary_language(text)
    if primary in SHORTER:
        short = SHORTER[primary]
        raise ConfigError(f"use '{short}' ({language_name(short)}), the two-letter code, instead of '{primary}'")
    if primary not in TWO_LETTER and primary not in THREE_LETTER:
        raise ConfigError(f"'{primary}' is not an ISO 639 language code")
    return primary


def add_language(config: Config, code: str) -> AddLanguageResult:
    """Create ``locales/<lang>/<slug>.po`` for every article and add the language to transkit.toml."""
    language = validate_code(code)
    articles = find_articles(config)
    plan: list[tuple[Path, Path]] = []
    skipped: list[str] = []
    for article in articles:
        template = template_path(config, article.slug)
        if not template.exists():
            raise TranskitError(f"{template}: no template for {article.reference(config)}; run 'transkit sync' first")
        plan.append((template, catalog_path(config, language, article.slug)))
    created: list[Path] = []
    existing: list[Path] = []
    for (template_file, catalog_file), article in zip(plan, articles):
        template = read_catalog(template_file)
        source_language = template.header(SOURCE_LANGUAGE) or config.source_language
        if source_language == language:
            skipped.append(article.slug)
        elif catalog_file.exists():
            existing.append(catalog_file)
        else:
            write_catalog(catalog_file, merge(template, None, language, plural_forms(language), carry_over=None))
            created.append(catalog_file)
    already = language in config.languages
    edited, line = (False, None) if already else _record_language(config, language)
    return AddLanguageResult(
        language, language_name(language), tuple(created), tuple(existing), tuple(skipped), edited, already, line
    )


def _record_language(config: Config, language: str) -> tuple[bool, str | None]:
    """Add ``language`` to transkit.toml; (False, line to add) when that cannot be done safely."""
    wanted = [*config.languages, language]
    line = "languages = [" + ", ".join(f'"{code}"' for code in wanted) + "]"
    path = config.root / CONFIG_NAME
    if not path.exists():
        return False, line
    text = path.read_text(encoding="utf-8")
    edited = add_to_languages(text, language, list(config.languages))
    if edited is None:
        return False, line
    write_if_changed(path, edited.encode("utf-8"))
    return True, None


# --------------------------------------------------------------------------- minimal TOML edit

_TABLE_HEADER = re.compile(r"^[ \t]*\[", re.MULTILINE)
_LANGUAGES_KEY = re.compile(r"^([ \t]*)languages[ \t]*=[ \t]*\[", re.MULTILINE)


def add_to_languages(text: str, language: str, current: list[str]) -> str | None:
    """``text`` with ``"language"`` appended to the top-level ``languages`` array, or None.

    ``current`` is the configured list; a file without the key gets a
    ``languages = [...]`` line (the defaults plus the new one) above its first
    table. The result is parsed back and must differ from the original only
    in that list, else None.
    """
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    first_table = _TABLE_HEADER.search(text)
    top_end = first_table.start() if first_table else len(text)
    match = _LANGUAGES_KEY.search(text, 0, top_end)
    if "languages" in before:
        edited = _append_item(text, match.end() - 1, language) if match else None
    else:
        line = "languages = [" + ", ".join(f'"{code}"' for code in [*current, language]) + "]\n"
        prefix = text[:top_end]
        if prefix and not prefix.endswith("\n"):
            line = "\n" + line
        edited = prefix + line + ("\n" if first_table else "") + text[top_end:]
    if edited is None:
        return None
    try:
        after = tomllib.loads(edited)
    except tomllib.TOMLDecodeError:
        return None
    expected = dict(before, languages=[*before.get("languages", current), language])
    return edited if after == expected else None


def _append_item(text: str, bracket: int, item: str) -> str | None:
    """Insert ``"item"`` after the last value of the array whose ``[`` is at ``bracket``."""
    last_value_end, close = _scan_array(text, bracket)
    if close is None:
        return None
    quoted = f'"{item}"'
    if last_value_end is None:  # an empty array
        return text[: bracket + 1] + quoted + text[bracket + 1 :]
    line_end = text.find("\n", last_value_end)
    rest_of_line = text[last_value_end:line_end]
    if "\n" not in text[bracket:close] or "]" in rest_of_line:  # ["tr", "en"] -> ["tr", "en", "xx"]
        return text[:last_value_end] + ", " + quoted + text[last_value_end:]
    # one value per line: add a line like the last one, keeping its indentation and comma style
    line_start = text.rfind("\n", 0, last_value_end) + 1
    indent = re.match(r"[ \t]*", text[line_start:]).group(0)  # type: ignore[union-attr]
    has_comma = rest_of_line.lstrip().startswith(",")
    head = text[:last_value_end] + ("" if has_comma else ",") + text[last_value_end:line_end]
    return head + "\n" + indent + quoted + ("," if has_comma else "") + text[line_end:]


def _scan_array(text: str, bracket: int) -> tuple[int | None, int | None]:
    """(end of the last string value, index of the closing ``]``) of a flat array of strings."""
    position = bracket + 1
    last_end: int | None = None
    while position < len(text):
        char = text[position]
        if char == "#":
            newline = text.find("\n", position)
            position = len(text) if newline < 0 else newline
        elif char in "\"'":
            end = _string_end(text, position)
            if end is None:
                return None, None
            position = last_end = end
            continue
        elif char == "]":
            return last_end, position
        elif char == "[":
            return None, None  # nested arrays: not a list of language codes
        position += 1
    return None, None


def _string_end(text: str, start: int) -> int | None:
    """Index just past the TOML string starting at ``start`` (basic or literal, single-line)."""
    quote = text[start]
    if text.startswith(quote * 3, start):
        return None  # multi-line strings are not language codes; let the caller print the line
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "\\" and quote == '"':
            position += 2
            continue
        if char == quote:
            return position + 1
        if char == "\n":
            return None
        position += 1
    return None
