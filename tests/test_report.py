"""The HTML report, the side-by-side review pages and the SVG badge — and what a browser shows of them."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SAMPLE, make_project, translate_catalog, translated_sample
from transkit.catalog.model import Catalog, Entry
from transkit.cli import main
from transkit.config import load_config
from transkit.pipeline import sync_project
from transkit.report import Block, badge_svg, el, render_side_by_side, write_report
from transkit.status import Counts, StatusRow, count_catalog
from transkit.catalog.pofile import read_catalog

CHROMIUM = Path("/usr/bin/chromium")
SLUG = SAMPLE.stem


def parse_html(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"), etree.HTMLParser())


def visible_text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    root = translated_sample(tmp_path / "site")
    output = tmp_path / "out" / "status.html"
    result = CliRunner().invoke(main, ["report", "--project", str(root), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return output


def _counts(report: Path, language: str) -> Counts:
    root = report.parent.parent / "site"
    return count_catalog(read_catalog(root / "locales" / language / f"{SLUG}.po"))


# --------------------------------------------------------------------------- escaping


def test_el_escapes_text_and_attributes() -> None:
    markup = el("p", {"title": '"><script>', "hidden": True, "skip": None}, "<b>&", el("i", None, "x"))
    assert markup == '<p title="&quot;&gt;&lt;script&gt;" hidden>&lt;b&gt;&amp;<i>x</i></p>'


HOSTILE = st.lists(
    st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"', "'", "&amp;", "<b1>", "</b1>",
                     "</td></tr></table>", "<!--", "]]>", "javascript:", "a", " ", "Я"]),
    min_size=1, max_size=8,
).map("".join)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(msgstr=HOSTILE, previous=HOSTILE, provenance=HOSTILE)
def test_no_translation_can_add_markup_to_a_review_page(msgstr: str, previous: str, provenance: str) -> None:
    entries = (
        Entry("Source <b1>text</b1>.", msgstr),
        Entry("Changed", msgstr, flags=("fuzzy",), previous_msgid=previous),
        Entry("Drafted", msgstr, flags=("fuzzy",), translator_comments=(f"transkit-prefill: {provenance}",)),
    )
    catalog = Catalog(entries=entries)
    row = StatusRow("a<b>", "tr", count_catalog(catalog), True, "en", "locales/tr/a.po")
    blocks = [Block("p", 1, ("Source <b1>text</b1>.", "Changed")), Block("img alt", 2, ("Drafted",))]
    page = parse_html(render_side_by_side(row, "en", blocks, catalog, "../../status.html"))
    assert len(page.findall(".//script")) == 0
    assert not [a for e in page.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")]
    cells = page.findall(".//td[@class='target']")
    assert len(cells) == 3
    # what a person reads is the translation as typed (placeholders shown as tags), never interpreted
    assert visible_text(cells[0]).startswith(" ".join(msgstr.split()))
    allowed = {"code", "div", "del", "ins"}
    assert {e.tag for c in cells for e in c.iterdescendants()} <= allowed


# --------------------------------------------------------------------------- the report files


def test_report_has_totals_and_a_table_per_language(report: Path) -> None:
    page = parse_html(report.read_text(encoding="utf-8"))
    totals = page.findall(".//table[@class='totals']/tbody/tr")
    assert [t.get("data-language") for t in totals] == ["tr", "ru", "all"]
    tr = _counts(report, "tr")
    cells = [visible_text(td) for td in totals[0].findall("td")]
    assert cells[2:] == [
        f"{tr.percent:.1f}%", str(tr.reviewed), str(tr.machine), str(tr.stale), str(tr.untranslated),
        f"{tr.reviewed_words}/{tr.total_words}",
    ]
    widths = [s.get("style") for s in totals[0].findall(".//div[@class='bar']/span")]
    assert widths[0] == f"width:{100 * tr.reviewed_words / tr.total_words:.2f}%"
    assert [t.get("data-language") for t in page.findall(".//table[@data-language]")] == ["tr", "ru"]


def test_stale_entries_show_their_source_diff(report: Path) -> None:
    page = parse_html(report.read_text(encoding="utf-8"))
    details = page.findall(".//section[@id='stale']/details")
    assert [d.get("data-language") for d in details] == ["tr", "ru"]
    tr_items = details[0].findall(".//li")
    assert len(tr_items) == _counts(report, "tr").stale
    assert [visible_text(x) for x in tr_items[1].findall(".//del") + tr_items[1].findall(".//ins")] == ["the", "this"]
    assert "Marked fuzzy by a translator" in visible_text(details[1])


def test_report_is_self_contained(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    page = parse_html(text)
    for element in page.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("src", "href"):
            value = element.get(name) or ""
            assert not re.match(r"(?i)\s*(https?:|//|data:|javascript:)", value), (element.tag, value)
        assert element.tag not in ("link", "img", "iframe", "object")
    csp = page.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert "default-src 'none'" in csp
    script = page.find(".//script").text
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_report_links_to_side_by_side_pages_and_back(report: Path) -> None:
    page = parse_html(report.read_text(encoding="utf-8"))
    links = [a.get("href") for a in page.findall(".//table[@data-language]//a")]
    assert links == [f"status/tr/{SLUG}.html", f"status/ru/{SLUG}.html"]
    side = report.parent / unquote(links[0])
    assert side.exists()
    back = parse_html(side.read_text(encoding="utf-8")).find(".//a").get("href")
    assert (side.parent / unquote(back)).resolve() == report.resolve()


def test_side_by_side_page_highlights_states(report: Path) -> None:
    page = parse_html((report.parent / "status" / "tr" / f"{SLUG}.html").read_text(encoding="utf-8"))
    rows = page.findall(".//tr[@class]")
    states = [r.get("class").removeprefix("seg state-") for r in rows if r.get("class").startswith("seg ")]
    tr = _counts(report, "tr")
    assert states.count("machine") >= tr.machine and states.count("stale") >= tr.stale
    machine = next(r for r in rows if r.get("class") == "seg state-machine")
    assert "mt libre 2026-11-28" in visible_text(machine)
    untranslated = next(r for r in rows if r.get("class") == "seg state-untranslated")
    assert visible_text(untranslated.find("td[@class='target']")) == "— not translated —"
    stale = [r for r in rows if r.get("class") == "seg state-stale"]
    assert any(r.find(".//del") is not None for r in stale)
    blocks = [visible_text(r) for r in rows if r.get("class") == "block"]
    assert blocks[:2] == ["title · line 6", "meta description · line 7"]
    assert page.find(".//td[@class='source']").get("lang") == "en"


def test_right_to_left_translations_get_dir(tmp_path: Path) -> None:
    root = make_project(tmp_path, {"a.html": "<html lang='en'><body><p>Hello there.</p></body></html>"},
                        'languages = ["ar", "en"]\n')
    sync_project(load_config(root))
    translate_catalog(root / "locales" / "ar" / "a.po", [{"msgid": "Hello there.", "msgstr": "مرحبا.", "state": "reviewed"}])
    write_report(load_config(root), tmp_path / "r.html")
    page = parse_html((tmp_path / "r" / "ar" / "a.html").read_text(encoding="utf-8"))
    assert page.find(".//td[@class='target']").get("dir") == "rtl"


def test_rewriting_an_unchanged_report_writes_nothing(report: Path) -> None:
    root = report.parent.parent / "site"
    assert write_report(load_config(root), report) == []


# --------------------------------------------------------------------------- badge


@pytest.mark.parametrize(
    ("reviewed", "colour", "text"),
    [
        pytest.param(100, "#4c1", "100%", id="complete"),
        pytest.param(99.6, "#4c1", "99%", id="never-rounds-up-to-done"),
        pytest.param(80, "#97ca00", "80%", id="good"),
        pytest.param(10, "#e05d44", "10%", id="poor"),
    ],
)
def test_badge(reviewed: float, colour: str, text: str) -> None:
    counts = Counts(reviewed=1, untranslated=1, reviewed_words=int(reviewed * 10), untranslated_words=1000 - int(reviewed * 10))
    svg = etree.fromstring(badge_svg("tr <translated>", counts).encode())
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.find("s:title", ns).text == f"tr <translated>: {text}"
    assert svg.findall(".//s:rect", ns)[2].get("fill") == colour
    assert [t.text for t in svg.findall(".//s:text", ns)][1::2] == ["tr <translated>", text]


def test_badge_command(report: Path, tmp_path: Path) -> None:
    root = report.parent.parent / "site"
    out = tmp_path / "badges" / "tr.svg"
    result = CliRunner().invoke(main, ["badge", "--project", str(root), "--lang", "tr", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"tr translated: {int(_counts(report, 'tr').percent)}%" in out.read_text()
    bad = CliRunner().invoke(main, ["badge", "--project", str(root), "--lang", "de", "-o", str(out)])
    assert bad.exit_code == 2 and "not a configured language" in bad.output


# --------------------------------------------------------------------------- in a real browser

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Chromium is not installed (/usr/bin/chromium; .ci/run installs it with apt-get)"
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]
    result = subprocess.run(command, capture_output=True, timeout=120)
    shutil.rmtree(profile, ignore_errors=True)
    return result


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour_type in (2, 6)
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], bytearray(line[1:])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 255
            elif kind == 2:
                row[i] = (row[i] + up) & 255
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(row))
        previous = row
    return width, height, [bytes(r[i:i + 3]) for r in rows for i in range(0, stride, channels)]


@needs_chromium
def test_browser_shows_the_progress_and_runs_the_sort_script(report: Path, tmp_path: Path) -> None:
    result = chromium(tmp_path, "--dump-dom", report.as_uri())
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    dom = parse_html(result.stdout.decode("utf-8"))
    # The inline script ran under the page's Content-Security-Policy (its hash matched).
    assert [t.get("data-sortable") for t in dom.findall(".//table[@data-language]")] == ["ready", "ready"]
    for language in ("tr", "ru"):
        counts = _counts(report, language)
        row = dom.find(f".//table[@class='totals']//tr[@data-language='{language}']")
        assert f"{counts.percent:.1f}%" in visible_text(row)
        assert f"{counts.reviewed_words}/{counts.total_words}" in visible_text(row)
    assert f"{SLUG} — 2 stale segments" in visible_text(dom)


@needs_chromium
def test_browser_screenshot_shows_the_bars(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", report.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == (1280, 900)
    colours = {bytes.fromhex(h): name for name, h in
               (("reviewed", "2e7d32"), ("machine", "1e88e5"), ("stale", "ef6c00"), ("untranslated", "cfd8dc"))}
    seen = {name: 0 for name in colours.values()}
    for pixel in pixels:
        name = colours.get(pixel)
        if name:
            seen[name] += 1
    # Every state is drawn, and untranslated words (most of the sample) take the most room.
    assert all(seen.values()), seen
    assert seen["untranslated"] > seen["reviewed"] > seen["stale"]
