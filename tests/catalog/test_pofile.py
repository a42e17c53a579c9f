"""PO reading and writing: round trips, byte identity with GNU msgcat, errors, atomic writes."""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import itertools
import os
import random
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transkit.catalog import pofile
from transkit.catalog.model import Catalog, Entry
from transkit.catalog.pofile import (
    format_catalog,
    parse_catalog,
    plural_forms,
    read_catalog,
    write_catalog,
)
from transkit.errors import CatalogError, OutputError

needs_msgcat = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext (msgcat) is not installed")
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")

HEADER_FIELDS = (
    ("Project-Id-Version", "putin-prepares-to-visit-china"),
    ("Report-Msgid-Bugs-To", ""),
    ("PO-Revision-Date", "2024-05-01 12:30+0300"),
    ("Last-Translator", "Ayşe Yılmaz <ayse@example.org>"),
    ("Language-Team", "Turkish <tr@example.org>"),
    ("Language", "tr"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
    ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    ("X-Generator", "transkit"),
    ("X-Transkit-Source", "0f3c9a1e7b2d4c6a8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"),
)

# Realistic paragraphs: the punctuation, placeholders, URLs, dates and
# scripts the articles have, long enough to wrap several times.
ENGLISH = (
    "The February 24, 2022 Russia–Ukraine War led to the isolation of the Moscow regime from the "
    "international community, and both the United States of America (USA) and the European Union "
    "(EU) countries imposed various sanctions with the aim of crippling the Russian economy.<sup1/> "
    "In this process, the energy-dependent relationship between Moscow and Beijing — already "
    "“strategic” on paper — became a lifeline; see https://www.ankasam.org/putin-cin-ziyaretine-hazirlaniyor/ "
    "for the Turkish version…",
    "Following this declaration, Chinese President <strong1>Xi Jinping</strong1> visited Moscow on "
    "March 20-22, 2023. Two issues came to the fore during this visit: first, China’s desire to "
    "mediate between Russia and Ukraine; second, the ‘no-limits’ partnership announced in 2022. "
    "US officials have even suggested that China is preparing to supply arms to Russia.<a2/> "
    "Nevertheless, on the occasion of the visit, Xi said: ‹Peace is possible› • ↩ © 2023 ANKASAM.",
    "Following Xi’s visit to Moscow, it was suggested that he might also visit Kiev, but no such visit "
    "has taken place yet. In addition, on 26/04/2023, Xi held an hour-long telephone conversation "
    "with Ukrainian President Volodymyr Zelensky (🇺🇦) — the first since 2022 — at 12:30 UTC+03:00, "
    "after which the price of Brent crude rose 1.5% to $78.40 per barrel and 10,000 tonnes of grain left Odesa.",
)
TURKISH = (
    "24 Şubat 2022’de başlayan Rusya-Ukrayna Savaşı, Moskova yönetiminin uluslararası toplumdan "
    "yalıtılmasına yol açmış; hem Amerika Birleşik Devletleri (ABD) hem de Avrupa Birliği (AB) "
    "ülkeleri, Rus ekonomisini çökertmek amacıyla çeşitli yaptırımlar uygulamıştır.<sup1/> Bu "
    "süreçte Çin’in tutumu, uzmanlar tarafından “Rusya’ya yakın tarafsızlık” olarak nitelendirilmiştir.",
    "Bu açıklamanın ardından Çin Devlet Başkanı <strong1>Şi Cinping</strong1>, 20-22 Mart 2023 "
    "tarihlerinde Moskova’yı ziyaret etti. Ziyaret sırasında iki konu öne çıktı: birincisi, Çin’in "
    "Rusya ile Ukrayna arasında arabuluculuk yapma isteği; ikincisi ise İstanbul’daki müzakerelerin "
    "yeniden başlatılması — özellikle Fransa’nın beklentisi doğrultusunda… Ayrıntılar için: "
    "https://www.ankasam.org/putin-cin-ziyaretine-hazirlaniyor/?lang=tr&utm_source=bülten",
    "Şi’nin Moskova ziyaretinin ardından Kiev’i de ziyaret edebileceği öne sürüldü; ancak henüz böyle "
    "bir ziyaret gerçekleşmedi. Ayrıca 26.04.2023 tarihinde Şi, Ukrayna Devlet Başkanı Volodimir "
    "Zelenski ile bir saat süren bir telefon görüşmesi yaptı.<a2/> Görüşmenin ardından Zelenski, "
    "kişisel hesabından şunu paylaştı: ‘Uzun ve anlamlı bir görüşme yaptım.’ Iğdır, Muğla ve Çanakkale’de "
    "ise 1.250 kişi bu açıklamayı izledi (%12,5 artış).",
)
RUSSIAN = (
    "Российско-украинская война, начавшаяся 24 февраля 2022 года, привела к изоляции московского "
    "режима от международного сообщества, а Соединённые Штаты Америки (США) и страны Европейского "
    "союза (ЕС) ввели различные санкции с целью подорвать российскую экономику.<sup1/> В этом "
    "процессе позицию Китая эксперты характеризуют как «нейтралитет, близкий к России».",
    "После этого заявления председатель КНР <strong1>Си Цзиньпин</strong1> посетил Москву 20–22 "
    "марта 2023 года. Во время визита на первый план вышли два вопроса: во-первых, стремление Китая "
    "выступить посредником между Россией и Украиной; во-вторых — ожидания европейских игроков, "
    "прежде всего Франции… Подробнее: https://www.ankasam.org/putin-gotovitsya-posetit-kitaj/?lang=ru",
    "После визита Си в Москву высказывалось предположение, что он может посетить и Киев, однако "
    "такой визит пока не состоялся. Кроме того, 26.04.2023 Си провёл часовой телефонный разговор с "
    "президентом Украины Владимиром Зеленским.<a2/> По его итогам Зеленский написал: „Состоялся "
    "длительный и содержательный разговор“ — цитата из официального канала (🇨🇳/🇷🇺, 1 250 000 просмотров).",
)
PARAGRAPHS = ENGLISH + TURKISH + RUSSIAN

# Pieces of text for random strings: the scripts, punctuation, spaces and markup above.
TOKENS = (
    list("abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789")
    + list("çğıİöşüÇĞÖŞÜ’")
    + list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ«»—„“")
    + list("“”‘’–—…‹›•↩©®™°±×÷€£$%&@#*+=<>|~^_`'\"\\/()[]{}.,;:!?-\t\n")
    + ["\u00a0", "\u202f", "\u2009", "\u200b", "\u2010", "\u2011", "\u00ad", "\u0301", "🇨🇳", "🇹🇷", "🇷🇺",
       "😀", "👍🏽", "中文", "。", "、", "ア", "한", "שלום", "א-ב", "مرحبا", "ไทย", "👩\u200d💻"]
    + ["<strong1>", "</strong1>", "<sup2/>", "<a3/>", "<em4>", "</em4>", "https://www.ankasam.org/a-b/c?d=1&e=ş",
       "www.example.com/path/to", "2024-05-01", "26.04.2023", "12:30", "1,250.75", "%12,5", "$78.40",
       " ", "  ", " - ", " — ", "word ", "kelime ", "слово ", "well-known ", "e.g. ", "i.e.", "(USA)", "ABD’nin "]
)


def _entry(msgid: str, msgstr: str = "", **fields: object) -> Entry:
    return Entry(msgid=msgid, msgstr=msgstr, **fields)  # type: ignore[arg-type]


def representative_catalog() -> Catalog:
    """Every feature the model has, in the form format_catalog writes (so the round trip is exact)."""
    entries = [
        _entry("Putin Prepares to Visit China", "Putin Çin’i Ziyarete Hazırlanıyor",
               references=("sources/putin.html:12",), extracted_comments=("title",)),
        _entry(ENGLISH[0], TURKISH[0], references=tuple(f"sources/putin.html:{n}" for n in range(40, 60)),
               extracted_comments=("paragraph", "Note: keep the placeholders."),
               translator_comments=("Checked by Ayşe.", "", "  indented note")),
        _entry(ENGLISH[1], TURKISH[1], flags=("fuzzy",), previous_msgid=ENGLISH[1].replace("2023", "2022"),
               previous_msgctxt="body", msgctxt="body"),
        _entry("Line one\nLine two\n", "Satır bir\nSatır iki\n", flags=("no-wrap",)),
        _entry('Quote "this", a backslash \\ and a\ttab', 'Tırnak "bu", ters bölü \\ ve\tsekme'),
        _entry("\nLeading and trailing newlines\n", "\nBaştaki ve sondaki satır sonları\n"),
        _entry("Empty translation", ""),
        _entry("Menu", "Menü", msgctxt="navigation"),
        _entry(RUSSIAN[2], flags=("fuzzy", "python-format"), msgstr=RUSSIAN[1]),
        _entry(ENGLISH[2], TURKISH[2], obsolete=True, flags=("fuzzy",),
               previous_msgid=ENGLISH[2][:150], translator_comments=("retired",)),
        _entry("Old title", "Eski başlık", obsolete=True, msgctxt="body"),
    ]
    return Catalog(
        header_comments=("Turkish translation of putin-prepares-to-visit-china.", "",
                         "Maintained with transkit: edit msgstr lines only."),
        header_fields=HEADER_FIELDS,
        header_flags=("fuzzy",),
        entries=tuple(entries),
    )


def msgcat(path: Path) -> str:
    result = subprocess.run(["msgcat", str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode("utf-8")


def assert_msgcat_identical(tmp_path: Path, catalog: Catalog, name: str = "catalog.po") -> str:
    text = format_catalog(catalog)
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    printed = msgcat(path)
    if printed != text:
        import difflib

        diff = "".join(difflib.unified_diff(text.splitlines(True), printed.splitlines(True), "ours", "msgcat"))
        pytest.fail(f"msgcat rewrites our output:\n{diff[:4000]}")
    return text


# --------------------------------------------------------------------------- round trips


def test_round_trip_representative_catalog() -> None:
    catalog = representative_catalog()
    assert parse_catalog(format_catalog(catalog)) == catalog


def test_round_trip_is_a_fixed_point() -> None:
    text = format_catalog(representative_catalog())
    assert format_catalog(parse_catalog(text)) == text


SINGLE_ENTRIES = [
    _entry("a"),
    _entry("x", "", msgctxt=""),
    _entry("tab\there", "sekme\tburada"),
    _entry("cr\r\nlf", "vt\v ff\f bs\b"),
    _entry("x" * 200, "y" * 200),
    _entry(" ".join(["word"] * 60), " ".join(["kelime"] * 60)),
    _entry("ends with newline\n", "yeni satırla biter\n"),
    _entry("\n", "\n"),
    _entry("a\n\nb", "a\n\nb"),
    _entry("prev", "önceki", flags=("fuzzy",), previous_msgid="previous\nmulti-line\n", previous_msgctxt="p"),
    _entry("obsolete", "eski", obsolete=True, previous_msgid="older", previous_msgctxt="ctx"),
    _entry("refs", "x", references=("a.html", "b/c.html:7", "d.html:12")),
    _entry("flags", "x", flags=("fuzzy", "c-format", "no-wrap")),
    _entry("comment", "x", translator_comments=("",), extracted_comments=("",)),
    _entry("line\u2028separator\u0085next line\x1cfile separator", "x\u2029y", msgctxt="a\u2028b"),
    _entry("long " * 20 + "\u2028" + "text " * 20, "v", previous_msgid="p\u2029q", flags=("fuzzy",)),
    _entry("obsolete\u2028", "eski\u2029", obsolete=True, previous_msgid="o\u2028"),
]


@pytest.mark.parametrize("entry", SINGLE_ENTRIES, ids=lambda e: repr(e.msgid[:20]))
def test_round_trip_single_entries(entry: Entry) -> None:
    catalog = Catalog(header_fields=(("Content-Type", "text/plain; charset=UTF-8"),), entries=(entry,))
    back = parse_catalog(format_catalog(catalog))
    assert back == catalog
    assert back.entries[0].line > 0


def test_header_comment_convention() -> None:
    """'# text' ↔ 'text', bare '#' ↔ '', '#  x' ↔ ' x' (the one space after '#' is the separator)."""
    catalog = Catalog(header_comments=("Title", "", " indented"), header_fields=(("Language", "tr"),))
    text = format_catalog(catalog)
    assert text == '# Title\n#\n#  indented\nmsgid ""\nmsgstr "Language: tr\\n"\n'
    assert parse_catalog(text) == catalog
    assert parse_catalog("#Title\nmsgid \"\"\nmsgstr \"\"\n").header_comments == ("Title",)


def test_parse_reads_every_field() -> None:
    text = (
        "# SOME TITLE\n#\n#, fuzzy\nmsgid \"\"\nmsgstr \"\"\n\"Language: ru\\n\"\n"
        "\"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
        "# first\n# second\n#. extracted one\n#. extracted two\n"
        "#: a.html:1 b.html:2\n#: a.html:1\n#, fuzzy, no-wrap\n"
        "#| msgctxt \"old ctx\"\n#| msgid \"old \"\n#| \"id\"\n"
        "msgctxt \"ctx\"\nmsgid \"\"\n\"new \"\n\"id\"\nmsgstr \"новый\"\n\n"
        "#, fuzzy\n#~| msgctxt \"was\"\n#~| msgid \"prev\"\n#~| \"ious\"\n"
        "#~ msgid \"gone\"\n#~ msgstr \"\"\n#~ \"ушёл\"\n"
    )
    catalog = parse_catalog(text)
    assert catalog.header_comments == ("SOME TITLE", "")
    assert catalog.header_flags == ("fuzzy",)
    assert catalog.header_fields == (("Language", "ru"), ("Content-Type", "text/plain; charset=UTF-8"))
    live, gone = catalog.entries
    assert live == Entry(
        msgid="new id", msgstr="новый", msgctxt="ctx", flags=("fuzzy", "no-wrap"),
        references=("a.html:1", "b.html:2", "a.html:1"),
        extracted_comments=("extracted one", "extracted two"),
        translator_comments=("first", "second"),
        previous_msgid="old id", previous_msgctxt="old ctx",
    )
    assert live.line == 20
    assert gone == Entry(msgid="gone", msgstr="ушёл", flags=("fuzzy",), previous_msgid="previous",
                         previous_msgctxt="was", obsolete=True)
    assert gone.line == 29


def test_crlf_and_bom_are_read() -> None:
    text = format_catalog(representative_catalog())
    assert parse_catalog("\ufeff" + text.replace("\n", "\r\n")) == representative_catalog()


def test_empty_text_is_an_empty_catalog() -> None:
    assert parse_catalog("") == Catalog()
    assert format_catalog(Catalog()) == ""


# --------------------------------------------------------------------------- exact output


def test_known_output() -> None:
    """gettext's layout, pinned so a regression shows even where msgcat is missing."""
    catalog = Catalog(
        header_fields=(("Content-Type", "text/plain; charset=UTF-8"),),
        entries=(
            _entry(
                "Following this declaration, Chinese President <strong1>Xi Jinping</strong1> "
                "visited Moscow on March 20-22, 2023.",
                "Bu açıklamanın ardından Çin Devlet Başkanı <strong1>Şi Cinping</strong1>, "
                "20-22 Mart 2023’te Moskova’yı ziyaret etti.",
                references=tuple(f"sources/putin-prepares-to-visit-china.html:{n}" for n in (41, 57, 102)),
                flags=("fuzzy",),
                previous_msgid="Following this declaration, Xi visited Moscow.",
            ),
            _entry("short", "kısa\n"),
        ),
    )
    assert format_catalog(catalog) == (
        'msgid ""\n'
        'msgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
        "\n"
        "#: sources/putin-prepares-to-visit-china.html:41\n"
        "#: sources/putin-prepares-to-visit-china.html:57\n"
        "#: sources/putin-prepares-to-visit-china.html:102\n"
        "#, fuzzy\n"
        '#| msgid "Following this declaration, Xi visited Moscow."\n'
        'msgid ""\n'
        '"Following this declaration, Chinese President <strong1>Xi Jinping</strong1> "\n'
        '"visited Moscow on March 20-22, 2023."\n'
        'msgstr ""\n'
        '"Bu açıklamanın ardından Çin Devlet Başkanı <strong1>Şi Cinping</strong1>, "\n'
        '"20-22 Mart 2023’te Moskova’yı ziyaret etti."\n'
        "\n"
        'msgid "short"\n'
        'msgstr "kısa\\n"\n'
    )


def test_known_breaks_are_not_only_at_spaces() -> None:
    """UAX #14 as libunistring has it: after '?', '/', around an em dash (outputs checked with msgcat 0.21)."""
    tail = (" The energy-dependent relationship between Moscow and Beijing—already strategic on paper—"
            "became a lifeline, see www.example.com/path/to/the/long/article/page.")
    url = ("See https://www.ankasam.org/putin-cin-ziyaretine-hazirlaniyor/?lang=tr&utm_source="
           "newsletter-weekly-digest for details.")
    catalog = Catalog(entries=(_entry("x" * 8 + tail, url), _entry("x" * 16 + tail)))
    assert format_catalog(catalog) == (
        'msgid ""\n'
        '"xxxxxxxx The energy-dependent relationship between Moscow and Beijing—"\n'
        '"already strategic on paper—became a lifeline, see www.example.com/path/to/"\n'
        '"the/long/article/page."\n'
        'msgstr ""\n'
        '"See https://www.ankasam.org/putin-cin-ziyaretine-hazirlaniyor/?"\n'
        '"lang=tr&utm_source=newsletter-weekly-digest for details."\n'
        "\n"
        'msgid ""\n'
        '"xxxxxxxxxxxxxxxx The energy-dependent relationship between Moscow and Beijing"\n'
        '"—already strategic on paper—became a lifeline, see www.example.com/path/to/"\n'
        '"the/long/article/page."\n'
        'msgstr ""\n'
    )


def test_normalisations_gettext_applies() -> None:
    """What msgcat would change anyway: flag order, empty fuzzy, './', repeats, untranslated obsolete."""
    catalog = Catalog(
        header_fields=(("Content-Type", "text/plain; charset=UTF-8"),),
        entries=(
            _entry("o", "x", obsolete=True),
            _entry("a", "b", flags=("no-wrap", "python-format", "fuzzy", "c-format", "my-flag"),
                   references=("./a.html:007", "a.html:7", "./a.html:7", "b.html")),
            _entry("c", "", flags=("fuzzy", "wrap")),
            _entry("gone", "", obsolete=True),
        ),
    )
    text = format_catalog(catalog)
    assert text == (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "#: a.html:7 a.html:7 b.html\n"
        "#, fuzzy, c-format, python-format, no-wrap, my-flag\n"
        'msgid "a"\nmsgstr "b"\n\n'
        'msgid "c"\nmsgstr ""\n\n'
        '#~ msgid "o"\n#~ msgstr "x"\n'
    )


# --------------------------------------------------------------------------- msgcat identity


@needs_msgcat
def test_msgcat_identity_representative(tmp_path: Path) -> None:
    assert_msgcat_identical(tmp_path, representative_catalog())


@needs_msgcat
def test_msgcat_identity_single_entries(tmp_path: Path) -> None:
    entries = [replace(e, msgid=f"{e.msgid} #{n}") for n, e in enumerate(SINGLE_ENTRIES)]
    assert_msgcat_identical(tmp_path, Catalog(header_fields=HEADER_FIELDS, entries=tuple(entries)))


@needs_msgcat
def test_msgcat_identity_paragraphs(tmp_path: Path) -> None:
    """Long English/Turkish/Russian paragraphs in every position a string can take."""
    entries = []
    for number, text in enumerate(PARAGRAPHS):
        translation = PARAGRAPHS[(number + 3) % len(PARAGRAPHS)]
        entries.append(_entry(text, translation, references=(f"sources/a.html:{number}",)))
        entries.append(_entry(text + "\n" + translation, translation + "\n", msgctxt=text[:90]))
        entries.append(_entry(text.replace(" ", "\u00a0", 20), translation.replace(" ", "  ")))
        entries.append(_entry(f"#{number}", translation, flags=("fuzzy",), previous_msgid=text))
        entries.append(_entry(f"obsolete #{number}", translation, obsolete=True, previous_msgid=text))
        # every width a line can end at: shift the text by 0..12 columns
        for shift in range(13):
            entries.append(_entry("x" * shift + " " + text, f"{shift}"))
    catalog = Catalog(header_fields=HEADER_FIELDS, entries=tuple(entries))
    assert_msgcat_identical(tmp_path, catalog)


@needs_msgcat
def test_msgcat_identity_random_mix(tmp_path: Path) -> None:
    """Random mixes of the scripts and punctuation above: 800 strings, 30,000 characters."""
    rng = random.Random(20240501)
    entries = []
    for number in range(400):
        text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 40)))
        entries.append(_entry(f"{text} #{number}", text[::-1]))
    assert_msgcat_identical(tmp_path, Catalog(header_fields=HEADER_FIELDS, entries=tuple(entries)))


MESSY = """\
#Header without a space
#
#, fuzzy
msgid ""
msgstr "Project-Id-Version: messy\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: ru\\n"

#~ msgid "obsolete in the middle"
#~ msgstr "устарело"

#. extracted
#: ./b.html:2 b.html:002 c.html
#, python-format, fuzzy, no-wrap, c-format
msgid "a"
msgstr "б"

#,  fuzzy
msgid "no translation, so no fuzzy"
msgstr ""

msgid "A long line that was never wrapped by anyone, with Russian text: Российско-украинская война, начавшаяся 24 февраля 2022 года — and more."
msgstr "Длинная строка, которую никто не переносил: «нейтралитет, близкий к России» — и ещё немного текста для переноса."

msgid ""
"split "
"in "
"odd "
"places\\n"
"second line"
msgstr "x"

#~ msgid "untranslated obsolete"
#~ msgstr ""

#, fuzzy
#~| msgid "previous "
#~| "of an obsolete one"
#~ msgid "obsolete"
#~ msgstr "устаревшее"
"""


@needs_msgcat
def test_reading_then_writing_is_what_msgcat_prints(tmp_path: Path) -> None:
    """A hand-edited file: our read + write normalises it exactly as msgcat does."""
    path = tmp_path / "messy.po"
    path.write_text(MESSY, encoding="utf-8")
    assert format_catalog(read_catalog(path)) == msgcat(path)


@needs_msgfmt
def test_msgfmt_accepts_what_we_write(tmp_path: Path) -> None:
    catalog = representative_catalog()
    catalog = replace(catalog, entries=tuple(e for e in catalog.entries if "python-format" not in e.flags))
    path = tmp_path / "tr.po"
    write_catalog(path, catalog)
    result = subprocess.run(["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr, result.stderr


@needs_msgcat
@settings(derandomize=True, max_examples=600, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(TOKENS), min_size=8, max_size=150).map("".join), min_size=1, max_size=25))
def test_msgcat_identity_property(tmp_path: Path, texts: list[str]) -> None:
    entries = []
    for number, text in enumerate(texts):
        msgid = f"{text}№{number}"  # '№' is no token: every msgid is unique
        entries.append(_entry(msgid, text, msgctxt=text[:50] if number % 3 == 0 else None))
        if number % 4 == 0:
            entries.append(_entry(f"old {number}", text, obsolete=True, previous_msgid=text))
    assert_msgcat_identical(tmp_path, Catalog(header_fields=HEADER_FIELDS, entries=tuple(entries)))


# --------------------------------------------------------------------------- libunistring fidelity


def _libunistring_1_0() -> ctypes.CDLL | None:
    """The libunistring msgcat uses, if it is the 1.0 whose table layout we know."""
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
        version = ctypes.c_int.in_dll(lib, "_libunistring_version").value
        ctypes.c_ubyte.in_dll(lib, "libunistring_unilbrkprop")
    except (OSError, ValueError):
        return None
    return lib if version >> 8 == 0x100 else None


LIBUNISTRING = _libunistring_1_0()
needs_libunistring = pytest.mark.skipif(LIBUNISTRING is None, reason="libunistring 1.0 is not installed")


def unicode_data_runs(lib: ctypes.CDLL) -> bytes:
    """How pofile._UNICODE_DATA was made (before zlib and base85): libunistring's own tables.

    Every code point's line break class (the unilbrkprop three-level table of
    lbrkprop1.h, Unicode 14.0.0) and uc_width(cp, "UTF-8"), as runs of
    (class * 4 + width + 1, LEB128 run length).
    """
    size = 15 * 4 + (4 << 9) * 4 + (246 << 7)
    raw = bytes((ctypes.c_ubyte * size).in_dll(lib, "libunistring_unilbrkprop"))
    level1 = struct.unpack_from("15i", raw, 0)
    level2 = struct.unpack_from(f"{4 << 9}i", raw, 60)
    level3 = raw[60 + (4 << 9) * 4:]

    def line_break_class(code: int) -> int:
        if code >> 16 < 15 and level1[code >> 16] >= 0:
            block = level2[level1[code >> 16] + ((code >> 7) & 511)]
            if block >= 0:
                return level3[block + (code & 127)]
        return pofile._XX

    uc_width = lib.uc_width
    uc_width.restype = ctypes.c_int
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    values = [line_break_class(code) << 2 | (uc_width(code, b"UTF-8") + 1) for code in range(0x110000)]
    runs = bytearray()
    for value, group in itertools.groupby(values):
        length = sum(1 for _ in group)
        runs.append(value)
        while length >= 0x80:
            runs.append(length & 0x7F | 0x80)
            length >>= 7
        runs.append(length)
    return bytes(runs)


@needs_libunistring
def test_embedded_tables_are_libunistrings() -> None:
    """The embedded class/width data and pair table are exactly the installed library's."""
    lib = LIBUNISTRING
    assert lib is not None
    assert zlib.decompress(base64.b85decode(pofile._UNICODE_DATA)) == unicode_data_runs(lib)
    table = bytes((ctypes.c_ubyte * (33 * 33)).in_dll(lib, "libunistring_unilbrk_table"))
    assert [table[r * 33:(r + 1) * 33] for r in range(33)] == [
        bytes(1 + kind for kind in row) for row in pofile._PAIR  # D=1, I=2, P=3 in lbrktables.h
    ]


@needs_libunistring
def test_linebreaks_match_libunistring() -> None:
    """The Python port against u8_width_linebreaks_v2 itself, overrides included."""
    lib = LIBUNISTRING
    assert lib is not None
    function = lib.u8_width_linebreaks_v2
    function.restype = ctypes.c_int
    function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                         ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    rng = random.Random(14)
    characters = 0
    for _ in range(3000):
        text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 30)))
        if rng.random() < 0.3:  # anywhere in Unicode, not only the scripts we write
            text += "".join(chr(rng.choice([rng.randrange(0xA0, 0xD800), rng.randrange(0xE000, 0x110000)]))
                            for _ in range(10))
        glued = frozenset(i for i in range(len(text)) if rng.random() < 0.05)
        width, startcol = rng.choice([5, 20, 40, 73, 77]), rng.choice([0, 6, 7])
        data = text.encode("utf-8")
        offsets = [len(text[:i].encode("utf-8")) for i in range(len(text))]
        overrides = bytearray(len(data))
        for index in glued:
            overrides[offsets[index]] = 1  # UC_BREAK_PROHIBITED
        result = ctypes.create_string_buffer(len(data))
        function(data, len(data), width, startcol, 0, bytes(overrides), b"UTF-8", result)
        expected = [i for i, offset in enumerate(offsets) if result.raw[offset] == 2]  # UC_BREAK_POSSIBLE
        assert pofile._width_linebreaks(text, glued, width, startcol) == expected, (text, width, startcol)
        characters += len(text)
    assert characters > 50_000


# --------------------------------------------------------------------------- errors


GOOD_HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b\n', 5, "unterminated string"),
        (GOOD_HEADER + 'msgid "a"\n"continued\nmsgstr "b"\n', 5, "unterminated string"),
        (GOOD_HEADER + 'msgid "a"b"\nmsgstr "b"\n', 4, "after the closing"),
        (GOOD_HEADER + '<<<<<<< HEAD\nmsgid "a"\nmsgstr "b"\n=======\nmsgid "a"\nmsgstr "c"\n>>>>>>> x\n', 4,
         "merge conflict"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b"\n=======\n', 6, "merge conflict"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b"\n>>>>>>> theirs\n', 6, "merge conflict"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr ""\n\nmsgid "a"\nmsgstr "d"\n', 10,
         "duplicate message"),
        (GOOD_HEADER + 'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "d"\n', 9,
         "duplicate message"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b"\n\n#~ msgid "a"\n#~ msgstr "old"\n', 7, "duplicate message"),
        ('msgid ""\nmsgstr ""\n"Language: tr\\n"\n"Content-Type: text/plain; charset=ISO-8859-9\\n"\n', 4,
         "charset 'ISO-8859-9'"),
        (GOOD_HEADER + 'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "bir"\nmsgstr[1] "çok"\n', 5,
         "plural entries"),
        (GOOD_HEADER + 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 6, "missing msgstr"),
        (GOOD_HEADER + 'msgid "a"\n', 4, "missing msgstr"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "bell \\a"\n', 5, "unsupported escape"),
        (GOOD_HEADER + 'msgid "a"\nmsgstr "b"\nwhat is this\n', 6, "syntax error"),
        (GOOD_HEADER + '#| foo "x"\nmsgid "a"\nmsgstr "b"\n', 4, "unknown keyword foo"),  # polib's message
        (GOOD_HEADER + '#|\nmsgid "a"\nmsgstr "b"\n', 4, "syntax error"),  # polib's message
        (GOOD_HEADER + 'msgid "a"\n#~ msgstr "b"\n', 5, "#~"),
    ],
)
def test_errors_name_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, "locales/tr/a.po")
    message = str(caught.value)
    assert message.startswith(f"locales/tr/a.po:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "tr.po"
    path.write_bytes(GOOD_HEADER.encode() + b'msgid "a"\nmsgstr "T\xfcrk\xe7e"\n')
    with pytest.raises(CatalogError, match=rf"^{path}:5: not valid UTF-8"):
        read_catalog(path)


def test_missing_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        read_catalog(tmp_path / "absent.po")


def test_template_charset_placeholder_is_accepted() -> None:
    catalog = parse_catalog('msgid ""\nmsgstr "Content-Type: text/plain; charset=CHARSET\\n"\n')
    assert catalog.header("Content-Type") == "text/plain; charset=CHARSET"


# --------------------------------------------------------------------------- files


def test_write_catalog_only_when_changed(tmp_path: Path) -> None:
    path = tmp_path / "locales" / "tr" / "article.po"
    catalog = representative_catalog()
    assert write_catalog(path, catalog) is True  # parent directories are created
    assert read_catalog(path) == catalog
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert write_catalog(path, catalog) is False
    assert path.stat().st_mtime_ns == 1_000_000_000
    changed = catalog.with_header("Language", "tr-TR")
    assert write_catalog(path, changed) is True
    assert read_catalog(path) == changed
    assert sorted(p.name for p in path.parent.iterdir()) == ["article.po"]  # no temporary files left


def test_write_catalog_failure_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tr.po"
    write_catalog(path, representative_catalog())
    before = path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match=r"tr\.po: cannot write: disk full$"):  # one line, naming the file
        write_catalog(path, Catalog(header_fields=(("Language", "ru"),)))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["tr.po"]


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("tr", "nplurals=2; plural=(n != 1);"),
        ("en", "nplurals=2; plural=(n != 1);"),
        ("ru", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
        ("uk", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
        ("pl", "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
        ("cs", "nplurals=3; plural=(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2;"),
        ("fr", "nplurals=2; plural=(n > 1);"),
        ("pt_BR", "nplurals=2; plural=(n > 1);"),
        ("pt-br", "nplurals=2; plural=(n > 1);"),
        ("pt", "nplurals=2; plural=(n != 1);"),
        ("zh-Hans", "nplurals=1; plural=0;"),
        ("ja", "nplurals=1; plural=0;"),
        ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"),
        ("sr@latin", "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
        ("tr_TR.UTF-8", "nplurals=2; plural=(n != 1);"),
        ("xx", "nplurals=2; plural=(n != 1);"),
    ],
)
def test_plural_forms(lang: str, expected: str) -> None:
    assert plural_forms(lang) == expected


@pytest.mark.parametrize("lang", ["tr", "en", "ru", "uk", "de", "fr", "es", "it", "pt", "pl", "cs", "ar", "he",
                                  "fa", "ja", "zh", "ko"])
def test_plural_forms_are_valid_for_msgfmt(lang: str, tmp_path: Path) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    fields = (("Content-Type", "text/plain; charset=UTF-8"), ("Plural-Forms", plural_forms(lang)))
    path = tmp_path / f"{lang}.po"
    write_catalog(path, Catalog(header_fields=fields, entries=(_entry("a", "b"),)))
    result = subprocess.run(["msgfmt", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
