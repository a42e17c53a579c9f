"""Quality checks on translations: broken markup, lost links, wrong numbers, wrong terms.

Each check is a small function ``(entry, context) -> list[Finding]`` registered
under a name with a default severity; none raises. ``check_entry`` applies the
project's ``[check]`` settings (checks switched off, severities changed), the
translator's silencing comments and the draft marking.

* Errors stop CI (exit 1); warnings only with ``--strict``.
* Fuzzy and machine-drafted entries are checked too, but their findings are
  marked as drafts and never fail the run on their own.
* A translator silences checks on one entry with a translator comment
  ``# transkit-ignore: numbers, quotes`` (or ``all``); ``sync`` keeps it.

The placeholder check is :func:`transkit.source.inline.parse_translation`,
the very function ``transkit build`` uses to refuse a translation.
"""

from __future__ import annotations

import calendar
import json
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from .catalog.model import Catalog, Entry
from .catalog.pofile import head_header_value, read_catalog
from .catalog.sync import SOURCE_LANGUAGE
from .config import Config
from .errors import PlaceholderError, TranskitError
from .fsutil import read_head
from .glossary import (
    Glossary,
    contains_verbatim,
    find_forbidden,
    find_phrase,
    fold,
    project_glossary,
)
from .languages import language_name
from .layout import catalog_path, find_articles, template_path
from .prefill import is_machine_draft
from .source.inline import PLACEHOLDER, parse_translation, placeholders_of

ERROR = "error"
WARNING = "warning"
OFF = "off"
SEVERITIES = (ERROR, WARNING, OFF)
IGNORE_MARK = "transkit-ignore:"


@dataclass(frozen=True)
class Finding:
    """One problem in one catalog entry."""

    file: str
    line: int
    severity: str
    check: str
    message: str
    msgid: str
    draft: str = ""  # "", "fuzzy" or "machine": drafts never fail a run on their own

    @property
    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file, self.line, self.check, self.message)


@dataclass(frozen=True)
class CheckContext:
    """What a check may need beyond the entry itself."""

    source_language: str
    target_language: str
    file: str = ""
    glossary: Glossary = field(default_factory=Glossary)


CheckFunction = Callable[[Entry, CheckContext], list[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    summary: str
    function: CheckFunction


CHECKS: dict[str, Check] = {}


def check(name: str, severity: str, summary: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under ``name``."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[name] = Check(name, severity, summary, function)
        return function

    return register


def _finding(entry: Entry, context: CheckContext, name: str, message: str) -> Finding:
    return Finding(context.file, entry.line, CHECKS[name].severity, name, message, entry.msgid)


# =========================================================================== text helpers

URL = re.compile(r"""(?:https?://|ftp://|www\.)[^\s<>"'«»“”‘’]+""", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
TRAILING_URL_PUNCTUATION = ".,;:!?)]}"
LETTER_WORD = re.compile(r"[^\W\d_]+")


def strip_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


def find_urls(text: str) -> list[str]:
    """URLs and e-mail addresses, without the sentence punctuation that may follow them."""
    found = [m.group(0).rstrip(TRAILING_URL_PUNCTUATION) for m in URL.finditer(text)]
    without_urls = URL.sub(" ", text)
    found.extend(m.group(0).rstrip(TRAILING_URL_PUNCTUATION) for m in EMAIL.finditer(without_urls))
    return found


def plain_text(text: str) -> str:
    """Text without placeholders, URLs and e-mail addresses: what a reader reads as words."""
    text = strip_placeholders(text)
    text = URL.sub(" ", text)
    return EMAIL.sub(" ", text)


# A double-quoted span (single quotes nest inside; ’ is also the apostrophe, so it cannot delimit).
QUOTED_SPAN = re.compile(r"[\"“„«]([^\"“”„«»]+)[\"”“»]")


def without_copied_quotations(msgid: str, msgstr: str) -> tuple[str, str]:
    """Both texts minus the quotations the translation keeps verbatim (a cited title stays in its language)."""
    copied = [m.group(0) for m in QUOTED_SPAN.finditer(msgstr) if m.group(1).strip() and m.group(1) in msgid]
    for quotation in copied:
        inner = quotation[1:-1]
        msgid, msgstr = msgid.replace(inner, " "), msgstr.replace(quotation, " ")
    return msgid, msgstr


def draft_kind(entry: Entry) -> str:
    """``machine`` (prefill drafts), ``fuzzy`` (other drafts) or ``""`` (final translations)."""
    if is_machine_draft(entry):
        return "machine"
    return "fuzzy" if entry.fuzzy else ""


def ignored_checks(entry: Entry) -> frozenset[str]:
    """Names listed in ``transkit-ignore:`` translator comments (``all`` silences every check)."""
    names: set[str] = set()
    for comment in entry.translator_comments:
        text = comment.strip()
        if text.startswith(IGNORE_MARK):
            names.update(n.strip() for n in re.split(r"[,\s]+", text[len(IGNORE_MARK):]) if n.strip())
    return frozenset(names)


# =========================================================================== errors


@check("placeholder", ERROR, "inline markup placeholders missing, extra, duplicated or badly nested")
def check_placeholders(entry: Entry, context: CheckContext) -> list[Finding]:
    try:
        parse_translation(entry.msgstr, placeholders_of(entry.msgid))
    except PlaceholderError as exc:
        message = str(exc)
        if re.search(r"<sup\d+/?>|<a\d+/>", message) and "missing" in message:
            message += " (a footnote or link marker)"
        return [_finding(entry, context, "placeholder", message)]
    return []


@check("url", ERROR, "a URL or e-mail address of the source is missing from the translation")
def check_urls(entry: Entry, context: CheckContext) -> list[Finding]:
    missing = Counter(find_urls(entry.msgid)) - Counter(find_urls(entry.msgstr))
    return [
        _finding(entry, context, "url", f"'{url}' is missing from the translation")
        for url in sorted(missing.elements())
    ]


# [3], [^3], ³ (not the ² of m², км²), or a number inside a paired sup placeholder.
FOOTNOTE = re.compile(
    r"\[\^?\d{1,3}\]"  # [3] [^3]
    r"|(?<![mмMМ])[¹²³⁴⁵⁶⁷⁸⁹⁰]+"  # ³
    r"|<sup(\d+)>\s*(?P<number>\d{1,3})\s*</sup\1>"  # <sup1>3</sup1>
)


def footnote_markers(text: str) -> Counter[str]:
    """Footnote markers written as text: ``[3]``, ``[^3]``, ``³``, ``<sup1>3</sup1>``."""
    markers: Counter[str] = Counter()
    for match in FOOTNOTE.finditer(text):
        number = match.group("number")
        markers[f"<sup>{number}</sup>" if number else match.group(0)] += 1
    return markers


def without_footnotes(text: str) -> str:
    return FOOTNOTE.sub(" ", text)


@check("footnote", ERROR, "a footnote marker ([1], ¹, <sup>1</sup>) of the source is lost or changed")
def check_footnotes(entry: Entry, context: CheckContext) -> list[Finding]:
    source, target = footnote_markers(entry.msgid), footnote_markers(entry.msgstr)
    findings = [
        _finding(entry, context, "footnote", f"footnote marker {marker} is missing")
        for marker in sorted((source - target).elements())
    ]
    findings.extend(
        _finding(entry, context, "footnote", f"footnote marker {marker} is not in the source")
        for marker in sorted((target - source).elements())
    )
    return findings


# Scripts by the first word of the Unicode character name.
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys("ru uk be bg mk kk ky tg mn".split(), frozenset({"CYRILLIC"})),
    "sr": frozenset({"CYRILLIC", "LATIN"}),
    "el": frozenset({"GREEK"}),
    **dict.fromkeys("ar fa ur ps".split(), frozenset({"ARABIC"})),
    **dict.fromkeys("he yi".split(), frozenset({"HEBREW"})),
    "zh": frozenset({"CJK"}),
    "ja": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL", "CJK"}),
    **dict.fromkeys("hi mr ne".split(), frozenset({"DEVANAGARI"})),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
    "th": frozenset({"THAI"}),
    **dict.fromkeys(
        "en tr de fr es it pt nl pl cs sk sl hr bs ro hu fi et lv lt sv da no nb nn is ga cy az uz "
        "id ms vi sq eu ca gl mt sw tk".split(),
        frozenset({"LATIN"}),
    ),
}


KNOWN_SCRIPTS = frozenset().union(*LANGUAGE_SCRIPTS.values())


def script_of(char: str) -> str:
    """``LATIN``, ``CYRILLIC``, … for a letter (``CJK`` covers Han ideographs); ``""`` for anything else."""
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0]
    return script if script in KNOWN_SCRIPTS else ""


def _is_acronym(word: str) -> bool:
    """NATO, BRICS, XX, ANKASAM: capitals a Russian text legitimately keeps in Latin."""
    return word.isupper() and len(word) >= 2


LATIN_RUN = 3  # this many Latin words in a row in a non-Latin translation: a phrase left untranslated


@check("script", ERROR, "the translation is in the wrong script for its language (names and citations aside)")
def check_script(entry: Entry, context: CheckContext) -> list[Finding]:
    native = LANGUAGE_SCRIPTS.get(context.target_language)
    if native is None or entry.msgstr == entry.msgid:  # a whole copy means "keep the source": see 'identical'
        return []
    in_language = f"in a {language_name(context.target_language)} translation"
    problems = []
    counts: Counter[str] = Counter()
    run: list[str] = []
    longest_run: list[str] = []
    for word, scripts in _words_to_judge(entry, context.target_language):
        if len(scripts) > 1 and scripts & native:
            problems.append(f"'{word}' mixes {_script_names(scripts)} letters")
            continue
        for script in scripts:
            counts["native" if script in native else script] += len(word)
        run = [*run, word] if scripts == {"LATIN"} and "LATIN" not in native else []
        longest_run = max(longest_run, run, key=len)
    total = sum(counts.values())
    latin = counts.get("LATIN", 0)
    other = {s: n for s, n in counts.items() if s not in ("native", "LATIN")}
    if latin >= 4 and latin * 2 > total:
        problems.append(f"mostly Latin letters ({latin} of {total}) {in_language}")
    elif len(longest_run) >= LATIN_RUN:
        problems.append(f"'{' '.join(longest_run)}' left in Latin letters {in_language}")
    if sum(other.values()) >= 3:
        problems.append(f"{_script_names(set(other))} letters ({sum(other.values())} of {total}) {in_language}")
    return [_finding(entry, context, "script", problem) for problem in problems]


def _words_to_judge(entry: Entry, lang: str) -> list[tuple[str, set[str]]]:
    """The translation's words with their scripts, minus names kept from the source, acronyms and copied citations."""
    source_text, target_text = without_copied_quotations(plain_text(entry.msgid), plain_text(entry.msgstr))
    names = {fold(w, lang) for w in LETTER_WORD.findall(source_text) if w[0].isupper()}
    judged = []
    for word in LETTER_WORD.findall(unicodedata.normalize("NFC", target_text)):
        scripts = {script_of(c) for c in word} - {""}
        if scripts and not _is_acronym(word) and not (word[0].isupper() and fold(word, lang) in names):
            judged.append((word, scripts))
    return judged


def _script_names(scripts: set[str]) -> str:
    return " and ".join(s.title() for s in sorted(scripts))


# =========================================================================== warnings: numbers

# Month names as regular expressions (English, Turkish, Russian with its case endings, German, French).
MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "ocak", "январ[а-яё]*", "januar", "janvier"),
    2: ("february", "feb", "şubat", "феврал[а-яё]*", "februar", "février"),
    3: ("march", "mar", "mart", "март[а-яё]*", "märz", "mars"),
    4: ("april", "apr", "nisan", "апрел[а-яё]*", "avril"),
    5: ("may", "mayıs", "ма[йяе]", "mai"),
    6: ("june", "jun", "haziran", "июн[а-яё]*", "juni", "juin"),
    7: ("july", "jul", "temmuz", "июл[а-яё]*", "juli", "juillet"),
    8: ("august", "aug", "ağustos", "август[а-яё]*", "août"),
    9: ("september", "sep", "sept", "eylül", "сентябр[а-яё]*", "septembre"),
    10: ("october", "oct", "ekim", "октябр[а-яё]*", "oktober", "octobre"),
    11: ("november", "nov", "kasım", "ноябр[а-яё]*", "novembre"),
    12: ("december", "dec", "aralık", "декабр[а-яё]*", "dezember", "décembre"),
}
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_MONTH_ALTERNATIVES = sorted((name for names in MONTHS.values() for name in names), key=len, reverse=True)
MONTH = r"(?P<month>" + "|".join(_MONTH_ALTERNATIVES) + r")(?![^\W\d_])\.?"
DAY = r"(?P<day>\d{1,2})(?:\s*[-–—]\s*(?P<day2>\d{1,2}))?"
YEAR = r"(?P<year>\d{4})"
DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)"),
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})(?!\d)"),
    re.compile(rf"(?<![^\W\d_]){MONTH}\s+{DAY}(?:st|nd|rd|th)?(?!\d)(?:,?\s+{YEAR})?(?!\d)", re.IGNORECASE),
    re.compile(rf"(?<![\d.,]){DAY}\.?\s+{MONTH}(?:,?\s+{YEAR})?(?!\d)", re.IGNORECASE),
    re.compile(rf"(?<![^\W\d_]){MONTH}\s+{YEAR}(?!\d)", re.IGNORECASE),
]
SPACES_IN_NUMBERS = "\u00a0\u202f\u2009 "
# 1 000 000 (grouped by spaces, first group of 1-3 digits) or 1,000.5 / 1.000,5 / 13.07 / 2023.
NUMBER = re.compile(
    rf"(?<![\d.,])(?:\d{{1,3}}(?:[{SPACES_IN_NUMBERS}]\d{{3}})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)*)"
)

Date = tuple[int | None, int, int | None]


def _month_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    word = text.rstrip(".").lower()
    for number, names in MONTHS.items():
        if any(re.fullmatch(name, word) for name in names):
            return number
    return 0


def find_dates(text: str) -> tuple[list[Date], str]:
    """Dates written as numbers or with month names, and the text with them removed."""
    dates: list[Date] = []
    for pattern in DATE_PATTERNS:

        def take(match: re.Match[str]) -> str:
            groups = match.groupdict()
            month = _month_number(groups["month"])
            year = int(groups["year"]) if groups.get("year") else None
            days = [int(d) for d in (groups.get("day"), groups.get("day2")) if d]
            if not _valid_date(year, month, days):
                return match.group(0)
            dates.extend((year, month, d) for d in days or [None])
            return " "

        text = pattern.sub(take, text)
    return dates, text


def _valid_date(year: int | None, month: int, days: list[int]) -> bool:
    if not 1 <= month <= 12:
        return False
    last = calendar.monthrange(year or 2000, month)[1]  # 2000: a leap year, so 29 February stays valid
    return all(1 <= day <= last for day in days)


def number_values(token: str) -> frozenset[str]:
    """Every value a number token can mean, whatever the locale: ``1.000`` is 1000 or 1.0."""
    parts = re.split(rf"([.,{SPACES_IN_NUMBERS}])", token)
    digits, separators = parts[0::2], parts[1::2]
    if not separators:
        return frozenset({_canonical(token)})
    kinds = list(dict.fromkeys("space" if s.isspace() else s for s in separators))
    values: set[str] = set()
    grouped = all(len(g) == 3 for g in digits[1:])
    if len(kinds) == 1:
        kind = kinds[0]
        if kind == "space" and grouped:
            values.add(_canonical("".join(digits)))
        elif len(separators) == 1:
            values.add(_canonical(f"{digits[0]}.{digits[1]}"))
            if grouped:
                values.add(_canonical("".join(digits)))
        elif grouped:
            values.add(_canonical("".join(digits)))
    elif len(kinds) == 2 and separators.count(separators[-1]) == 1 and all(len(g) == 3 for g in digits[1:-1]):
        # 1,234.56 / 1.234,56 / 1 234,56: the last separator is the decimal one
        values.add(_canonical("".join(digits[:-1]) + "." + digits[-1]))
    return frozenset(values or {token})


def _canonical(number: str) -> str:
    """``007.50`` → ``7.5``: one spelling per value (plain digits only; no precision limit)."""
    integer, _, fraction = number.partition(".")
    integer, fraction = integer.lstrip("0") or "0", fraction.rstrip("0")
    return f"{integer}.{fraction}" if fraction else integer


def find_numbers(text: str) -> list[str]:
    return [m.group(0).strip() for m in NUMBER.finditer(text)]


def _unmatched_numbers(source: list[str], target: list[str]) -> tuple[list[str], list[str]]:
    """Source numbers no target number can mean, and the reverse (a repeated mention needs no repeat)."""
    def meanings(tokens: list[str]) -> set[str]:
        return {value for token in tokens for value in number_values(token)}

    source_values, target_values = meanings(source), meanings(target)
    missing = [t for t in dict.fromkeys(source) if not number_values(t) & target_values]
    extra = [t for t in dict.fromkeys(target) if not number_values(t) & source_values]
    return missing, extra


def _unmatched_dates(source: list[Date], target: list[Date]) -> tuple[list[Date], list[Date]]:
    missing = [d for d in dict.fromkeys(source) if not any(_same_date(d, t) for t in target)]
    extra = [d for d in dict.fromkeys(target) if not any(_same_date(d, s) for s in source)]
    return missing, extra


def _same_date(a: Date, b: Date) -> bool:
    return a[1] == b[1] and all(x is None or y is None or x == y for x, y in ((a[0], b[0]), (a[2], b[2])))


def _show_date(date: Date) -> str:
    year, month, day = date
    return " ".join(str(p) for p in (day, MONTH_NAMES[month], year) if p is not None)


@check("numbers", WARNING, "numbers or dates differ (1,000 = 1 000 = 1.000; 13.07.2023 = 13 July 2023)")
def check_numbers(entry: Entry, context: CheckContext) -> list[Finding]:
    source_dates, source_text = find_dates(plain_text(without_footnotes(entry.msgid)))
    target_dates, target_text = find_dates(plain_text(without_footnotes(entry.msgstr)))
    missing_dates, extra_dates = _unmatched_dates(source_dates, target_dates)
    missing, extra = _unmatched_numbers(find_numbers(source_text), find_numbers(target_text))
    problems = []
    if missing_dates:
        problems.append("date " + ", ".join(_show_date(d) for d in missing_dates) + " missing")
    if extra_dates:
        problems.append("date " + ", ".join(_show_date(d) for d in extra_dates) + " not in the source")
    if missing:
        problems.append(", ".join(missing) + " missing")
    if extra:
        problems.append(", ".join(extra) + " not in the source")
    if not problems:
        return []
    return [_finding(entry, context, "numbers", "numbers differ: " + "; ".join(problems))]


# =========================================================================== warnings: form


def _has_letters(text: str) -> bool:
    return bool(LETTER_WORD.search(plain_text(text)))


def _only_names(text: str) -> bool:
    """Every word capitalised (Dr. Doğacan BAŞARAN, © 2023 ANKASAM.): names stay as they are."""
    found = LETTER_WORD.findall(plain_text(text))
    return bool(found) and all(w[0].isupper() for w in found) and (len(found) > 1 or _is_acronym(found[0]))


@check("identical", WARNING, "the translation is a copy of the source text")
def check_identical(entry: Entry, context: CheckContext) -> list[Finding]:
    if entry.msgstr != entry.msgid or not _has_letters(entry.msgid) or _only_names(entry.msgid):
        return []
    if context.source_language == context.target_language:
        return []
    return [_finding(entry, context, "identical", "the translation is identical to the source (not translated?)")]


@check("whitespace", WARNING, "leading or trailing white space differs from the source")
def check_whitespace(entry: Entry, context: CheckContext) -> list[Finding]:
    findings = []
    for side, pick in (("leading", _leading_space), ("trailing", _trailing_space)):
        if pick(entry.msgid) != pick(entry.msgstr):
            shown = repr(pick(entry.msgid)) if pick(entry.msgid) else "none"
            findings.append(_finding(entry, context, "whitespace", f"{side} white space differs (source: {shown})"))
    return findings


def _leading_space(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _trailing_space(text: str) -> str:
    return text[len(text.rstrip()):]


CLOSERS = "\"'»«”“’‘›‹)]}」』"
FINAL_EQUIVALENTS = {"。": ".", "？": "?", "！": "!", "؟": "?", "：": ":", "；": ";", "،": ",", "...": "…", "।": "."}


# A final abbreviation's period is not sentence punctuation: "в марте 2023 г." ends like "in March 2023".
FINAL_ABBREVIATION = re.compile(
    r"(?<![^\W\d_])(?:г|гг|в|вв|др|т\. ?[дп]|etc|Inc|Ltd|Co|Jr|vb|vs|bkz|A\.Ş|Ltd\. Şti|usw|bzw)\.$"
)
EITHER = "either"  # "." or nothing


def final_punctuation(text: str) -> str:
    """The sentence-final mark, looking past placeholders, quotes and brackets: ``.``, ``?``, ``…`` or ``""``."""
    text = without_footnotes(text)
    text = PLACEHOLDER.sub(lambda m: "" if m.group(0).endswith("/>") or m.group(1) else m.group(0), text)
    text = text.rstrip().rstrip(CLOSERS + " ").rstrip()
    if text.endswith("..."):
        return "…"
    if FINAL_ABBREVIATION.search(text):
        return EITHER
    last = text[-1:] if text else ""
    last = FINAL_EQUIVALENTS.get(last, last)
    return last if last in ".?!:;…," else ""


@check("punctuation", WARNING, "the final punctuation differs from the source")
def check_punctuation(entry: Entry, context: CheckContext) -> list[Finding]:
    source, target = final_punctuation(entry.msgid), final_punctuation(entry.msgstr)
    if source == target or EITHER in (source, target) and {source, target} <= {EITHER, ".", ""}:
        return []
    return [_finding(entry, context, "punctuation",
                     f"ends with {_show_mark(target)}, the source with {_show_mark(source)}")]


def _show_mark(mark: str) -> str:
    return f"'{mark}'" if mark else "no punctuation"


# Doubling that is grammar, not a typo (Turkish reduplication, English "had had").
LEGITIMATE_DOUBLES = {
    "en": frozenset("had that is".split()),
    "tr": frozenset(
        "yavaş sık ayrı tek bir zaman yer kat ara çeşit türlü adım damla kapı hızlı derin güzel uzun koşa "
        "güle bile ağır bol doya yan ikişer birer üçer teker sıra parça bölük gide kıvrım renk dolu".split()
    ),
    "ru": frozenset("еле чуть так да нет ну".split()),
}


@check("doubled-word", WARNING, "a word written twice in a row (not grammatical doubling)")
def check_doubled_words(entry: Entry, context: CheckContext) -> list[Finding]:
    lang = context.target_language
    allowed = LEGITIMATE_DOUBLES.get(lang, frozenset())
    in_source = {fold(w, lang) for w in _doubles(plain_text(entry.msgid), context.source_language)}
    findings = []
    for word in _doubles(plain_text(entry.msgstr), lang):
        if fold(word, lang) not in allowed and fold(word, lang) not in in_source:
            findings.append(_finding(entry, context, "doubled-word", f"'{word} {word}': word written twice"))
    return findings


def _doubles(text: str, lang: str) -> list[str]:
    """Words followed, after nothing but white space, by the same word."""
    tokens = list(LETTER_WORD.finditer(text))
    return [
        first.group(0)
        for first, second in zip(tokens, tokens[1:])
        if text[first.end():second.start()].isspace() and fold(first.group(0), lang) == fold(second.group(0), lang)
    ]


# Characters per word relative to English, for the languages we know; others count as 1.0.
LENGTH_FACTOR = {
    "en": 1.0, "tr": 1.05, "ru": 1.1, "uk": 1.1, "de": 1.25, "fr": 1.2, "es": 1.2, "it": 1.15, "pt": 1.2,
    "nl": 1.15, "pl": 1.15, "ar": 0.95, "fa": 0.95, "he": 0.85, "el": 1.15, "zh": 0.35, "ja": 0.5, "ko": 0.5,
}
MIN_LENGTH_FOR_RATIO = 20


@check("length-ratio", WARNING, "the translation is suspiciously short or long for the language pair")
def check_length_ratio(entry: Entry, context: CheckContext) -> list[Finding]:
    source = len(" ".join(plain_text(entry.msgid).split()))
    target = len(" ".join(plain_text(entry.msgstr).split()))
    if source < MIN_LENGTH_FOR_RATIO or not target:
        return []
    expected = LENGTH_FACTOR.get(context.target_language, 1.0) / LENGTH_FACTOR.get(context.source_language, 1.0)
    ratio = target / source / expected
    low, high = (0.5, 2.0) if source >= 60 else (0.35, 3.0)
    if low <= ratio <= high:
        return []
    which = "short" if ratio < low else "long"
    return [_finding(entry, context, "length-ratio",
                     f"translation is {target / source:.2f}× the source length; suspiciously {which} "
                     f"for {context.source_language}→{context.target_language} (expected about {expected:.2f}×)")]


# Quotation marks each language uses; others in a translation are flagged.
QUOTES_ALLOWED = {
    "ru": "«»„“", "uk": "«»„“", "be": "«»„“", "bg": "„“«»",
    "de": "„“‚‘»«›‹", "fr": "«»“”‹›", "pl": "„”«»",
}
QUOTE_CHARS = "\"«»„“”‚‘›‹"


@check("quotes", WARNING, "quotation marks not used in the target language (Russian uses «…», inner „…“)")
def check_quotes(entry: Entry, context: CheckContext) -> list[Finding]:
    allowed = QUOTES_ALLOWED.get(context.target_language)
    if allowed is None:
        return []
    source = entry.msgid

    def keep_citation(match: re.Match[str]) -> str:
        return " " if match.group(1).strip() and match.group(1) in source else match.group(0)

    text = QUOTED_SPAN.sub(keep_citation, strip_placeholders(entry.msgstr))
    wrong = sorted({c for c in text if c in QUOTE_CHARS and c not in allowed})
    if "“" in allowed and "„" in allowed and "“" not in wrong and text.count("“") > text.count("„"):
        wrong.append("“")
    if not wrong:
        return []
    language = language_name(context.target_language)
    shown = " ".join(wrong)
    return [_finding(entry, context, "quotes", f"quotation marks {shown} are not {language} style (use {' '.join(allowed)})")]


# =========================================================================== glossary


@check("glossary", WARNING, "a glossary term of the source is not rendered as the glossary requires")
def check_glossary(entry: Entry, context: CheckContext) -> list[Finding]:
    findings = []
    source_lang, target_lang = context.source_language, context.target_language
    rules = context.glossary.for_pair(source_lang, target_lang)
    if not rules:  # most projects: no glossary, nothing to strip
        return findings
    source_text, target_text = without_copied_quotations(plain_text(entry.msgid), plain_text(entry.msgstr))
    for rule in rules:
        if not rule.targets or not find_phrase(rule.source, source_text, source_lang):
            continue
        if rule.type == "dnt":
            if not contains_verbatim(rule.source, target_text):
                findings.append(_finding(entry, context, "glossary", f"'{rule.source}' must stay untranslated"))
        elif not any(find_phrase(t, target_text, target_lang) for t in rule.targets):
            wanted = " or ".join(f"'{t}'" for t in rule.targets)
            findings.append(_finding(entry, context, "glossary", f"'{rule.source}' should be translated as {wanted}"))
    return findings


@check("glossary-forbidden", ERROR, "the translation uses a rendering the glossary forbids")
def check_glossary_forbidden(entry: Entry, context: CheckContext) -> list[Finding]:
    findings = []
    rules = context.glossary.for_pair(context.source_language, context.target_language)
    if not rules:
        return findings
    _, target_text = without_copied_quotations(plain_text(entry.msgid), plain_text(entry.msgstr))
    reported: set[str] = set()
    for rule in rules:
        # the longest forbidden rendering that matches: "Şi Jinping" rather than also "Şi Jinpin"
        bad = next((b for b in sorted(rule.forbidden, key=len, reverse=True)
                    if find_forbidden(b, rule.targets, target_text, context.target_language)), None)
        if bad is not None and bad not in reported:
            reported.add(bad)
            wanted = " or ".join(f"'{t}'" for t in rule.targets) if rule.targets else "another rendering"
            findings.append(_finding(entry, context, "glossary-forbidden",
                                     f"'{bad}' is a forbidden rendering of '{rule.source}'; use {wanted}"))
    return findings


# =========================================================================== running


@dataclass(frozen=True)
class Selection:
    """Which checks run, with which severity (after config, --only and --skip)."""

    severities: dict[str, str]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n in CHECKS if self.severities.get(n, OFF) != OFF)


def select_checks(
    settings: dict[str, object] | None = None, only: Iterable[str] = (), skip: Iterable[str] = ()
) -> Selection:
    """Default severities, changed by the ``[check]`` table, then narrowed by ``--only``/``--skip``.

    An unknown check name is a :class:`TranskitError` (exit 2).
    """
    settings = settings or {}
    severities = {name: c.severity for name, c in CHECKS.items()}
    for name, severity in dict(settings.get("severity", {})).items():  # type: ignore[call-overload]
        severities[name] = severity
    for name in settings.get("disable", ()):  # type: ignore[union-attr]
        severities[name] = OFF
    only, skip = _names(only), _names(skip)
    for name in (*only, *skip):
        if name not in CHECKS:
            raise TranskitError(f"unknown check '{name}'; known checks: {', '.join(CHECKS)}")
    if only:
        severities = {n: (CHECKS[n].severity if severities[n] == OFF else severities[n]) if n in only else OFF
                      for n in severities}
    for name in skip:
        severities[name] = OFF
    return Selection(severities)


def _names(values: Iterable[str]) -> list[str]:
    return [n.strip() for value in values for n in value.split(",") if n.strip()]


def check_entry(entry: Entry, context: CheckContext, selection: Selection) -> tuple[list[Finding], int]:
    """Findings for one entry (severity set, silenced ones dropped, drafts marked) and how many were silenced."""
    if entry.obsolete or not entry.msgid or not entry.msgstr:
        return [], 0
    ignored = ignored_checks(entry)
    draft = draft_kind(entry)
    findings: list[Finding] = []
    silenced = 0
    for name in selection.names:
        try:
            found = CHECKS[name].function(entry, context)
        except Exception as exc:  # a check bug must not hide the other findings
            found = [replace(_finding(entry, context, name, f"internal error in this check: {exc!r}"), severity=ERROR)]
        if name in ignored or "all" in ignored:
            silenced += len(found)
            continue
        findings.extend(replace(f, severity=selection.severities[name], draft=draft) for f in found)
    return findings, silenced


def check_catalog(catalog: Catalog, context: CheckContext, selection: Selection) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    silenced = 0
    for entry in catalog.live_entries:
        found, quiet = check_entry(entry, context, selection)
        findings.extend(found)
        silenced += quiet
    return sorted(findings, key=lambda f: f.sort_key), silenced


@dataclass
class CheckReport:
    """Everything ``transkit check`` found in a project."""

    findings: list[Finding] = field(default_factory=list)
    catalogs: int = 0
    entries: int = 0
    silenced: int = 0

    @property
    def final(self) -> list[Finding]:
        return sorted((f for f in self.findings if not f.draft), key=lambda f: f.sort_key)

    @property
    def drafts(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.draft), key=lambda f: f.sort_key)

    def count(self, severity: str, drafts: bool = False) -> int:
        return sum(1 for f in (self.drafts if drafts else self.final) if f.severity == severity)

    def exit_code(self, strict: bool = False) -> int:
        if self.count(ERROR) or (strict and self.count(WARNING)):
            return 1
        return 0


def check_project(
    config: Config,
    languages: tuple[str, ...] = (),
    only: tuple[str, ...] = (),
    selection: Selection | None = None,
    relative_to: Path | None = None,
) -> CheckReport:
    """Check every existing catalog of the project's articles (``languages``/``only`` narrow it)."""
    selection = selection or select_checks(config.extra.get("check"))
    glossary = project_glossary(config)
    report = CheckReport()
    for article in find_articles(config, only):
        head = read_head(template_path(config, article.slug))
        recorded = head_header_value(head, SOURCE_LANGUAGE).strip()
        source_language = recorded or config.source_language
        for language in config.languages:
            if (languages and language not in languages) or language == source_language:
                continue
            path = catalog_path(config, language, article.slug)
            if not path.exists():
                continue
            catalog = read_catalog(path)
            context = CheckContext(source_language, language, display_path(path, relative_to), glossary)
            found, silenced = check_catalog(catalog, context, selection)
            report.findings.extend(found)
            report.silenced += silenced
            report.catalogs += 1
            report.entries += sum(1 for e in catalog.live_entries if e.msgid and e.msgstr)
    return report


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """A path as editors and GitHub want it: relative to the working directory when inside it."""
    base = (relative_to or Path.cwd()).resolve()
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


# =========================================================================== output


def format_text(report: CheckReport) -> str:
    """``file:line: severity: check: message`` lines, drafts after a heading, and a summary line."""
    lines = [f"{f.file}:{f.line}: {f.severity}: {f.check}: {f.message}" for f in report.final]
    drafts = report.drafts
    if drafts:
        lines.append("drafts (fuzzy or machine-translated entries; they do not fail the check):")
        lines.extend(f"{f.file}:{f.line}: draft {f.severity}: {f.check}: {f.message}" for f in drafts)
    lines.append(summary_line(report))
    return "\n".join(lines)


def summary_line(report: CheckReport) -> str:
    text = (
        f"check: {_plural(report.count(ERROR), 'error')}, {_plural(report.count(WARNING), 'warning')} "
        f"in {_plural(report.entries, 'translated entry', 'translated entries')} of {_plural(report.catalogs, 'catalog')}"
    )
    draft_errors, draft_warnings = report.count(ERROR, drafts=True), report.count(WARNING, drafts=True)
    if draft_errors or draft_warnings:
        text += f"; drafts: {_plural(draft_errors, 'error')}, {_plural(draft_warnings, 'warning')}"
    if report.silenced:
        text += f"; {report.silenced} silenced by transkit-ignore"
    return text


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def format_json(report: CheckReport) -> str:
    summary = {
        "errors": report.count(ERROR), "warnings": report.count(WARNING),
        "draft_errors": report.count(ERROR, drafts=True), "draft_warnings": report.count(WARNING, drafts=True),
        "catalogs": report.catalogs, "entries": report.entries, "silenced": report.silenced,
    }
    findings = [asdict(f) for f in (*report.final, *report.drafts)]
    return json.dumps({"summary": summary, "findings": findings}, ensure_ascii=False, indent=2)


def format_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its PO line."""
    lines = []
    for f in (*report.final, *report.drafts):
        level = "notice" if f.draft else f.severity
        title = f"transkit {f.check}" + (" (draft)" if f.draft else "")
        lines.append(
            f"::{level} file={_gh_property(f.file)},line={f.line},title={_gh_property(title)}::{_gh_message(f.message)}"
        )
    lines.append(summary_line(report))
    return "\n".join(lines)


def _gh_message(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_message(text).replace(":", "%3A").replace(",", "%2C")


FORMATS = {"text": format_text, "json": format_json, "github": format_github}
